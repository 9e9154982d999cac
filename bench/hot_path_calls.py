"""Python calls per step on the per-step paths: the engine's, the canvas marking a step, and
the whole window's reaction to the followed run's step events (the bridge and every slot).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/hot_path_calls.py

Counts, not times: a count does not move with the machine's load, so a
refactor of these paths (issue 21: statuses as StrEnums, NodeGraphQt behind an
adapter) can be compared with the code before it exactly, by running this
script in both checkouts (docs/benchmarks.md, "Issue 21").
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_run_ui as ui
from orchestrator_gui import Engine, Limits, StepRegistry, StepType, load_experiment
from orchestrator_gui.core.engine import run_experiment
from orchestrator_gui.core.events import StepFinished, StepStarted
from orchestrator_gui.core.result import RunResult, StepResult
from orchestrator_gui.core.status import StepStatus

STEPS = 50


class Calls:
    """A profile hook counting Python and C calls while it is installed."""

    def __init__(self) -> None:
        self.python = self.c = 0

    def __call__(self, frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            self.python += 1
        elif event == "c_call":
            self.c += 1


async def _noop(step: Any, ctx: Any) -> Any:
    return ctx.input


def engine_calls() -> Calls:
    registry = StepRegistry()
    registry.register(StepType(name="noop", handler=_noop))
    exp = load_experiment({"id": "b", "name": "B", "steps": [
        {"id": f"s{i}", "type": "noop", "name": f"S{i}"} for i in range(STEPS)]},
        registry=registry)
    engine = Engine(Limits(), registry=registry)
    seen: list[Any] = []
    asyncio.run(run_experiment(exp, {"x": 1}, engine=engine, on_event=seen.append))  # warm
    calls = Calls()

    async def once() -> None:
        sys.setprofile(calls)
        try:
            await run_experiment(exp, {"x": 1}, engine=engine, on_event=seen.append)
        finally:
            sys.setprofile(None)

    asyncio.run(once())
    return calls


def marking_calls() -> Calls:
    app = ui.QApplication.instance() or ui.QApplication([])
    store = ui.Store.open()
    registry = ui.make_registry()
    window = ui.Window(registry, store)
    experience = window.run_experience = ui.RunExperience(window)
    window.canvas.load(ui.experiment(registry, [("start", "input", {})] + [
        (f"s{i}", "sleep", {"seconds": 0.05}) for i in range(1, STEPS)]))
    window.show()
    app.processEvents()
    overlay = window.run_experience.overlay
    nodes = window.canvas.nodes()
    result = RunResult("bench", "exp-test", "x", None,
                       steps=[StepResult(n.step_id(), "sleep", n.name()) for n in nodes])
    overlay.follow(result)
    events: list[Any] = []
    for i, step in enumerate(result.steps):
        events += [StepStarted("bench", i, step.id, step),
                   StepFinished("bench", i, step.id, StepStatus.SUCCESS, 1.0, step)]

    def once() -> None:
        for event in events:
            overlay.on_step_started(event) if isinstance(event, StepStarted) \
                else overlay.on_step_finished(event)
        overlay.draw_pending()

    once()
    once()  # warm: every badge and glow made
    calls = Calls()
    sys.setprofile(calls)
    try:
        once()
    finally:
        sys.setprofile(None)
    experience.close()
    store.close()
    return calls


def window_calls() -> Calls:
    """The bridge's listener and every slot behind it (the overlay, the status line, the
    run experience's inspector check) for the followed run's step events."""
    app = ui.QApplication.instance() or ui.QApplication([])
    store = ui.Store.open()
    registry = ui.make_registry()
    window = ui.Window(registry, store)
    experience = window.run_experience = ui.RunExperience(window)
    window.canvas.load(ui.experiment(registry, [("start", "input", {})] + [
        (f"s{i}", "sleep", {"seconds": 0.05}) for i in range(1, STEPS)]))
    window.show()
    app.processEvents()
    result = RunResult("bench", "exp-test", "x", None,
                       steps=[StepResult(n.step_id(), "sleep", n.name())
                              for n in window.canvas.nodes()])
    experience.shown.follow(result)  # as RunController.focus does for a live run
    events: list[Any] = []
    for i, step in enumerate(result.steps):
        events += [StepStarted("bench", i, step.id, step),
                   StepFinished("bench", i, step.id, StepStatus.SUCCESS, 1.0, step)]

    def once() -> None:
        for event in events:
            experience.controller.bridge.listen(event)
        experience.overlay.draw_pending()

    once()  # warm: every badge and glow made
    calls = Calls()
    sys.setprofile(calls)
    try:
        once()
    finally:
        sys.setprofile(None)
    experience.close()
    store.close()
    return calls


def main() -> int:
    for what, calls in (("engine, per step (no-op step, a listener)", engine_calls()),
                        ("canvas marking a step (started + finished)", marking_calls()),
                        ("window reacting to a followed step (bridge and slots)", window_calls())):
        print(f"{what}: {calls.python / STEPS:.1f} Python calls, {calls.c / STEPS:.1f} C calls")
    return 0


if __name__ == "__main__":
    sys.exit(main())
