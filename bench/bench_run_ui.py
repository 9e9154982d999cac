"""Run-experience speed: timer lateness under load, marking cost, history with 1,000 runs.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_run_ui.py [--timer-only] [--profile] [--census]
        [--timeline] [--without PART[,PART...]] [--rounds N] [--plain-qasync] [--unthemed]

``--timer-only`` runs part 1 alone; ``--rounds N`` (default 12: with 1,440 loaded
ticks the p99 is the 14th-latest, steady enough to compare builds, where 3 rounds' p99
was the 4th-latest and moved with the machine's noise) measures part 1 over N rounds;
``--profile`` also prints a cProfile of the UI thread during the loaded phases of part 1
(where the lateness comes from);
``--census`` counts the UI thread's stretches of work over 1.5 ms by kind
(Qt event, asyncio callback, GC pass) during those phases, by wall clock and by
the UI thread's CPU time (steadier on a noisy machine; bench/ui_census.py), and
the store's writer thread's batches, with how many late ticks fell due during one;
``--timeline`` also lists what ran during the six latest ticks (chains of work);
``--without`` switches parts of the window's reactions to runs off (marks, log,
history, ... or ``ui`` for all; bench/ui_ablation.py) to see which makes it late;
``--plain-qasync`` runs on qasync's own loop instead of the app's ``WindowEventLoop``;
``--unthemed`` leaves out the app's theme (``ui.style.apply_theme``: palette, style
sheet, fonts), which the bench applies since session 7 (before, it measured Qt's
default look).

1. A 16 ms QTimer's p99 lateness while 10 runs of 50 steps go at once (the
   window following one of them), against the same timer idle, same process;
   twelve rounds, the gaps of all rounds pooled (one round gives ~120 gaps, so
   its p99 is its second-worst gap).
2. The UI thread's time in the store listener per step: the app's background
   recorder (values captured, write queued) against ``Store.record_event``
   committing on the spot (what the app did before), same events, same file.
3. Marking the active node (step started + step finished on the overlay),
   per step, against NodeGraphQt's own selection toggle of the same node.
4. Opening the history panel on 1,000 stored runs, against raw sqlite3 and
   a bare QTableView showing the same rows.
"""

from __future__ import annotations

import asyncio
import cProfile
import itertools
import os
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
tmp = Path(tempfile.mkdtemp(prefix="bench-run-ui-"))
os.environ["ORCHESTRATOR_DB"] = str(tmp / "bench.db")
os.environ.setdefault("ORCHESTRATOR_USER", "bench")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import qasync  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtGui import QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from bench.common import median_of, report  # noqa: E402
from orchestrator_gui.core.engine import Engine  # noqa: E402
from orchestrator_gui.core.events import StepFinished, StepStarted  # noqa: E402
from orchestrator_gui.store import Store  # noqa: E402
from orchestrator_gui.store.background import BackgroundRecorder  # noqa: E402
from orchestrator_gui.ui.event_loop import WindowEventLoop  # noqa: E402
from orchestrator_gui.ui.panels.history import HistoryPanel  # noqa: E402
from orchestrator_gui.ui.run_wiring import RunExperience  # noqa: E402
from orchestrator_gui.ui.style import apply_theme  # noqa: E402
from tests.ui.run_support import Window, experiment, make_registry  # noqa: E402


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 2 else max(values)


async def timer_lateness(seconds: float, keep: list[list[float]] | None = None) -> list[float]:
    ticks: list[float] = []
    if keep is not None:
        keep.append(ticks)
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(16)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    await asyncio.sleep(seconds)
    timer.stop()
    return [max(0.0, (b - a) * 1000 - 16) for a, b in itertools.pairwise(ticks)]


async def bench_concurrent(window: Any, rounds: int = 12, profile: cProfile.Profile | None = None,
                           census: Any = None) -> tuple[float, float]:
    ex = window.run_experience
    idle: list[float] = []
    loaded: list[float] = []
    busy = 0
    loaded_ticks: list[list[float]] = []
    for _ in range(rounds):
        idle += await timer_lateness(2.0)
        results = [ex.run() for _ in range(10)]
        await asyncio.sleep(0)  # the runs' start ends this loop turn: not counted below
        if profile is not None:  # the runs' start (before the timer exists) left out
            profile.enable()
        if census is not None:
            census.enabled = True
        loaded += await timer_lateness(2.0, loaded_ticks)
        if census is not None:
            census.enabled = False
        if profile is not None:
            profile.disable()
        while not all(r.finished for r in results):  # noqa: ASYNC110 (polling a live result)
            await asyncio.sleep(0.05)
        busy += sum(1 for r in results if r.status == "success")
        ex.controller.flush(10)
    print("worst loaded gaps (ms):", sorted(round(g, 1) for g in loaded)[-6:])
    bound = 2 * p99(idle)
    print(f"loaded gaps over 2x idle p99 ({bound:.2f} ms): {sum(g > bound for g in loaded)}, "
          f"their excess {sum(max(0.0, g - bound) for g in loaded):.0f} ms; "
          f"mean lateness idle {statistics.mean(idle):.2f} ms, loaded {statistics.mean(loaded):.2f} ms")
    if census is not None:
        print(census.writer_report(loaded_ticks, bound))
    if census is not None and census.timeline is not None:
        print(census.around(loaded_ticks))
    print(f"{rounds} x 10 runs x 50 steps: {busy} succeeded; timer gaps idle {len(idle)}, "
          f"loaded {len(loaded)}")
    return p99(idle) / 1000, p99(loaded) / 1000


async def bench_listener(window: Any, store: Store, runs: int = 20) -> tuple[float, float]:
    """UI-thread seconds per stored step: background recorder vs synchronous commit."""
    engine = Engine(registry=window.registry)
    exp = window.current_experiment().model_copy(update={"steps": [
        s.model_copy(update={"config": {"seconds": 0.0}}) if s.type == "sleep" else s
        for s in window.current_experiment().steps]})
    recorder = BackgroundRecorder(store)
    spent = {"sync": 0.0, "background": 0.0}
    worst = {"sync": 0.0, "background": 0.0}
    steps = 0
    for i in range(runs):
        events: list[Any] = []
        await engine.start(exp, {"riskScore": 0.1}, scenario="Listener",
                           listeners=[events.append])
        mode = "sync" if i % 2 else "background"
        record = store.record_event if mode == "sync" else recorder.record_event
        for event in events:
            t0 = time.perf_counter()
            record(event)
            took = time.perf_counter() - t0
            spent[mode] += took
            worst[mode] = max(worst[mode], took)
        recorder.flush(10)
        steps += sum(1 for e in events if isinstance(e, StepFinished)) if mode == "sync" else 0
    recorder.close()
    print(f"store listener on the UI thread, worst single event: background "
          f"{worst['background'] * 1000:.2f} ms, synchronous {worst['sync'] * 1000:.2f} ms")
    return spent["background"] / steps, spent["sync"] / steps


def bench_marking(window: Any) -> tuple[float, float]:
    overlay = window.run_experience.overlay
    nodes = window.canvas.nodes()
    from orchestrator_gui.core.result import RunResult, StepResult

    result = RunResult("bench", "exp-test", "x", None,
                       steps=[StepResult(n.step_id(), "sleep", n.name()) for n in nodes])
    overlay.follow(result)
    app = QApplication.instance()
    assert app is not None

    def mark_all() -> None:
        for i, step in enumerate(result.steps):
            overlay.on_step_started(StepStarted("bench", i, step.id, step))
            overlay.on_step_finished(StepFinished("bench", i, step.id, "success", 1.0, step))
        overlay.draw_pending()  # (the app draws them from a zero timer, just after)
        app.processEvents()  # include the repaint the marks cause

    def toggle_all() -> None:
        for node in nodes:
            node.set_selected(True)
            node.set_selected(False)
        app.processEvents()

    ours = median_of(mark_all, repeat=5) / len(nodes)
    base = median_of(toggle_all, repeat=5) / len(nodes)
    return ours, base


def bench_history(store: Store, experiment_id: str) -> tuple[float, float]:
    def ours() -> None:
        panel = HistoryPanel(store)
        panel.show_experiment(experiment_id)
        panel.resize(400, 600)
        panel.show()
        QApplication.processEvents()
        assert panel.model.rowCount() == 1000
        panel.close()
        panel.deleteLater()

    def baseline() -> None:
        con = sqlite3.connect(store.path)
        rows = con.execute(
            "SELECT started_at, scenario, status, duration_ms FROM runs WHERE experiment_id=? "
            "ORDER BY started_at DESC LIMIT 1000", (experiment_id,)).fetchall()
        con.close()
        model = QStandardItemModel(len(rows), 4)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                model.setItem(r, c, QStandardItem(str(value)))
        view = QTableView()
        view.setModel(model)
        view.resize(400, 600)
        view.show()
        QApplication.processEvents()
        view.close()
        view.deleteLater()

    return median_of(ours, repeat=7), median_of(baseline, repeat=7)


async def fill_history(window: Any, count: int) -> None:
    ex = window.run_experience
    engine = Engine(registry=window.registry)
    exp = window.current_experiment()
    store = window.store()
    pending = []
    for _ in range(count):
        pending.append(engine.start(exp, {"riskScore": 0.1}, scenario="Fill",
                                    listeners=[store.record_event]))
        if len(pending) >= 10:
            await asyncio.gather(*pending)
            pending.clear()
    await asyncio.gather(*pending)
    ex.history.refresh()


async def main_async(window: Any, store: Store, census: Any = None) -> list[str]:
    lines = []
    profile = cProfile.Profile() if "--profile" in sys.argv else None
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 12
    idle, loaded = await bench_concurrent(window, rounds, profile=profile, census=census)
    lines.append(report("timer p99 lateness, 10 concurrent 50-step runs vs idle", loaded, idle,
                        "<= 2x"))
    if census is not None:
        print(census.report())
        print(census.cpu_report())
    if profile is not None:
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    if "--timer-only" in sys.argv:
        return lines
    ours, base = await bench_listener(window, store)
    lines.append(report("UI-thread time in the store listener per step, background recorder "
                        "vs synchronous Store.record_event", ours, base, "less is better", "us"))
    ours, base = bench_marking(window)
    lines.append(report("marking the active node, per step (incl. repaint) vs selection "
                        "toggle", ours, base, "<= 2 ms absolute"))
    await fill_history(window, 1000 - len(store.list_runs("exp-test", limit=1000)))
    ours, base = bench_history(store, "exp-test")
    lines.append(report("history panel with 1,000 runs vs sqlite3 + bare QTableView", ours,
                        base, "<= 3x"))
    return lines


def main() -> int:
    if "--without" in sys.argv:
        from bench.ui_ablation import switch_off

        spec = sys.argv[sys.argv.index("--without") + 1]
        print("switched off:", ", ".join(switch_off(spec)))
    census = None
    if "--census" in sys.argv or "--timeline" in sys.argv:
        from bench.ui_census import install

        app, census = install()
        if "--timeline" in sys.argv:
            census.timeline = []
    app = QApplication.instance() or QApplication([])
    if "--unthemed" not in sys.argv:  # the app's look (palette, style sheet, fonts), as users see it
        apply_theme(app)
    # --plain-qasync: the loop the app had before WindowEventLoop, for an A/B of the two
    loop = qasync.QEventLoop(app) if "--plain-qasync" in sys.argv else WindowEventLoop(app)
    asyncio.set_event_loop(loop)
    store = Store.open()
    registry = make_registry()
    window = Window(registry, store)
    experience = window.run_experience = RunExperience(window)
    steps: list[tuple[str, str, dict[str, Any]]] = [("start", "input", {})] + [
        (f"s{i}", "sleep", {"seconds": 0.05}) for i in range(1, 50)]
    window.canvas.load(experiment(registry, steps))
    window.resize(1400, 900)
    window.show()
    with loop:
        lines = loop.run_until_complete(main_async(window, store, census))
    print("\n".join(lines))
    experience.close()  # history still queued is written before the store closes
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
