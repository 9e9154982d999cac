"""Shared pieces of the run-experience tests: a qasync loop, custom step types, a window.

The window is a small stand-in that is a ``Host`` (tests/ui/host_standin.py:
exactly the services ui/host.py lists), so these tests exercise our panels with
the real canvas, the real engine and a real SQLite store.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from orchestrator_gui.core.document import Experiment, load_experiment
from orchestrator_gui.core.errors import StepError
from orchestrator_gui.core.registry import StepConfig, StepRegistry, StepType
from orchestrator_gui.store import Store
from orchestrator_gui.ui.event_loop import WindowEventLoop
from orchestrator_gui.ui.run_wiring import RunExperience
from tests.ui.host_standin import StandInHost as Window


class SleepConfig(StepConfig):
    seconds: float = 0.2


async def sleep_handler(step: Any, ctx: Any) -> dict[str, Any]:
    ctx.log.info(f"sleeping {ctx.config.seconds} s")
    await asyncio.sleep(ctx.config.seconds)
    data: dict[str, Any] = ctx.input
    data.setdefault("slept", []).append(step.id)
    return data


def _spin(seconds: float) -> int:
    """CPU work holding the GIL only in short slices, as real Python work does."""
    import time

    end, n = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        n += sum(range(200))
    return n


async def crunch_handler(step: Any, ctx: Any) -> dict[str, Any]:
    ctx.log.info(f"crunching {ctx.config.seconds} s in a thread")
    await asyncio.to_thread(_spin, ctx.config.seconds)
    data: dict[str, Any] = ctx.input
    data["crunched"] = threading.active_count() > 0
    return data


async def fail_handler(step: Any, ctx: Any) -> dict[str, Any]:
    ctx.log.warning("about to fail")
    raise StepError("the partner API said no")


def make_registry() -> StepRegistry:
    registry = StepRegistry()
    registry.load_entry_points()
    registry.register(StepType("sleep", sleep_handler, SleepConfig, title="Sleep",
                               color="#2f81f7", icon="custom"))
    registry.register(StepType("crunch", crunch_handler, SleepConfig, title="Crunch",
                               color="#d29922", icon="metrics"))
    registry.register(StepType("fail", fail_handler, None, title="Fail", color="#f85149"))
    return registry


def experiment(registry: StepRegistry, steps: list[tuple[str, str, dict[str, Any]]],
               exp_id: str = "exp-test", name: str = "Test pipeline") -> Experiment:
    return load_experiment({
        "id": exp_id, "name": name,
        "steps": [{"id": i, "type": t, "name": i.replace("-", " ").title(), "config": c}
                  for i, t, c in steps],
    }, registry=registry)


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """The app's qasync loop inside pytest-qt's event processing (docs/architecture.md, "Stack traps")."""
    loop = WindowEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    for task in asyncio.all_tasks(loop):
        task.cancel()
    # qasync offers no way to stop a loop it did not start: clear its flag, then close
    loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
    loop.close()


@pytest.fixture
def registry() -> StepRegistry:
    return make_registry()


@pytest.fixture
def store() -> Iterator[Store]:
    opened = Store.open()
    yield opened
    opened.close()


@pytest.fixture
def app_window(qtbot: Any, qloop: Any, registry: StepRegistry, store: Store) -> Iterator[Window]:
    window = Window(registry, store)
    qtbot.addWidget(window)
    window.run_experience = RunExperience(window)
    window.show()
    yield window
    window.run_experience.controller.cancel_all()


def experience(window: Window) -> RunExperience:
    assert window.run_experience is not None
    return window.run_experience


def wait_finished(qtbot: Any, window: Window, timeout: int = 15000) -> None:
    ctl = experience(window).controller
    qtbot.waitUntil(lambda: not ctl.handles, timeout=timeout)
