"""How late is a window timer that falls due while the followed run's step is handled?

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/step_chain.py [CHECKOUT]

The bench's window (50 nodes) follows a run; 400 times, a zero-interval precise timer is
started, then a "step" runs in one loop turn: 0.3 ms of work, the end of one step and the
start of the next marked on the canvas, as the engine's callback does. The timer fell due
at its start, so it is late by at least the 0.3 ms of work; anything more is what Qt ran
before it (issue 5, docs/benchmarks.md "Session 9": the canvas's repaint of the marks, a
posted event, used to come first). CHECKOUT (default: this one) is the code measured, for
an A/B against a ``git worktree`` of an older commit.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ORCHESTRATOR_DB"] = str(Path(tempfile.mkdtemp(prefix="step-chain-")) / "b.db")
CHECKOUT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
sys.path.insert(0, str(CHECKOUT))

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from orchestrator_gui.core.events import StepFinished, StepStarted  # noqa: E402
from orchestrator_gui.core.result import RunResult, StepResult  # noqa: E402
from orchestrator_gui.store import Store  # noqa: E402
from orchestrator_gui.ui.run_wiring import RunExperience  # noqa: E402
from orchestrator_gui.ui.style import apply_theme  # noqa: E402
from tests.ui.run_support import Window, experiment, make_registry  # noqa: E402

WORK_SECONDS = 0.0003


def lateness(app: QApplication, overlay: Any, steps: list[StepResult], i: int) -> float:
    """ms from the timer falling due to its firing, with step ``i`` handled in between."""
    fired: list[float] = []
    due: list[float] = []
    timer = QTimer()
    timer.setSingleShot(True)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(lambda: fired.append(time.perf_counter()))

    def step() -> None:
        done, starting = steps[i % len(steps)], steps[(i + 1) % len(steps)]
        timer.start(0)
        due.append(time.perf_counter())
        while time.perf_counter() < due[0] + WORK_SECONDS:
            pass
        overlay.on_step_finished(StepFinished("bench", i, done.id, "success", 50.0, done))
        overlay.on_step_started(StepStarted("bench", i + 1, starting.id, starting))

    QTimer.singleShot(0, step)
    while not fired:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    for _ in range(5):  # the rest of this step's work (repaints) before the next one
        app.processEvents()
    return (fired[0] - due[0]) * 1000


def main() -> int:
    app = QApplication([])
    apply_theme(app)
    registry = make_registry()
    window = Window(registry, Store.open())
    experience = window.run_experience = RunExperience(window)
    chain = [("start", "input", {})] + [(f"s{i}", "sleep", {"seconds": 0.05}) for i in range(1, 50)]
    window.canvas.load(experiment(registry, chain))
    window.resize(1400, 900)
    window.show()
    for _ in range(20):
        app.processEvents()
    steps = [StepResult(n.step_id(), "sleep", n.name()) for n in window.canvas.nodes()]
    run = RunResult("bench", "exp-test", "x", None, steps=steps)
    experience.overlay.follow(run)
    late = [lateness(app, experience.overlay, steps, i) for i in range(400)]
    print(f"{CHECKOUT}: a timer due as a step is handled ({WORK_SECONDS * 1000:.1f} ms of work "
          f"+ marks): late median {statistics.median(late):.3f} ms, p90 "
          f"{statistics.quantiles(late, n=10)[8]:.3f} ms, max {max(late):.2f} ms (400 steps)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
