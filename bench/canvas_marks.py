"""What following a run costs the canvas, without the runs: marks and animation frames.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/canvas_marks.py [--steps N] [--unthemed]

A diagnostic for issue 5 (docs/benchmarks.md, "Session 5"): the bench's window (50
nodes) follows a run whose steps are marked one after the other (step started, five
animation frames, step finished), each followed by the repaint it causes; it prints the
median and p90 of one step's marks and of one frame. No load, no engine, so the figures
are steady enough for an A/B of a canvas change (the tails, p90, are where the
timer's lateness comes from). For where the time goes in C++ and Python, run it under
``perf record -F 499 --call-graph dwarf,16384`` with ``--steps 4000`` (session 5: about
40% of a canvas repaint was Qt calling NodeGraphQt's Python ``boundingRect`` for nodes
and ports).
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ORCHESTRATOR_DB"] = str(Path(tempfile.mkdtemp(prefix="canvas-marks-")) / "b.db")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication

from orchestrator_gui.core.events import StepFinished, StepStarted
from orchestrator_gui.core.result import RunResult, StepResult
from orchestrator_gui.store import Store
from orchestrator_gui.ui.run_wiring import RunExperience
from orchestrator_gui.ui.style import apply_theme
from tests.ui.run_support import Window, experiment, make_registry


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[8]


def main() -> int:
    steps = int(sys.argv[sys.argv.index("--steps") + 1]) if "--steps" in sys.argv else 40
    app = QApplication.instance() or QApplication([])
    if "--unthemed" not in sys.argv:
        apply_theme(app)
    store = Store.open()
    registry = make_registry()
    window = Window(registry, store)
    experience = window.run_experience = RunExperience(window)
    chain = [("start", "input", {})] + [(f"s{i}", "sleep", {"seconds": 0.05})
                                         for i in range(1, 50)]
    window.canvas.load(experiment(registry, chain))
    window.resize(1400, 900)
    window.show()
    for _ in range(20):
        app.processEvents()
    overlay = experience.overlay
    run = RunResult("bench", "exp-test", "x", None,
                    steps=[StepResult(n.step_id(), "sleep", n.name()) for n in window.canvas.nodes()])
    overlay.follow(run)

    def settle() -> None:  # the marks (drawn from a timer), the scene's dirty items, the paint
        overlay.draw_pending()
        app.processEvents()
        app.processEvents()

    frames: list[float] = []
    marks: list[float] = []
    for i, step in itertools.islice(enumerate(itertools.cycle(run.steps)), steps):
        t = time.perf_counter()
        overlay.on_step_started(StepStarted("bench", i % len(run.steps), step.id, step))
        settle()
        took = time.perf_counter() - t
        for _ in range(5):
            t = time.perf_counter()
            overlay._tick()
            settle()
            frames.append(time.perf_counter() - t)
        t = time.perf_counter()
        overlay.on_step_finished(StepFinished("bench", i % len(run.steps), step.id, "success",
                                              1.0, step))
        settle()
        marks.append(took + time.perf_counter() - t)
    print(f"one step's marks (start + finish, with repaints): median "
          f"{statistics.median(marks) * 1000:.3f} ms, p90 {p90(marks) * 1000:.3f} ms; "
          f"one animation frame: median {statistics.median(frames) * 1000:.3f} ms, "
          f"p90 {p90(frames) * 1000:.3f} ms ({steps} steps)")
    experience.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
