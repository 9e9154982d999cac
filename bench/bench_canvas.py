"""Canvas speed, each against a baseline measured in the same run.

1. Opening a 50-step experiment on the canvas (``Canvas.load``) against
   NodeGraphQt's own ``deserialize_session`` of the same graph. Goal <= 1.5x.
2. Start to first window with the example loaded (a fresh process each time)
   against a bare PySide6 ``QMainWindow`` in a fresh process. Goal <= 6x, < 1.5 s.
   The clock stops when the window has been painted; the time until the stored
   data it reads right after (run history, presets) is shown is printed too.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_canvas.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BARE = """
import time; t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([]); w = QMainWindow(); w.resize(1400, 900); w.show(); app.processEvents()
print(time.perf_counter() - t0)
"""
APP = """
import time; t0 = time.perf_counter()
from orchestrator_gui.ui import app as gui_app
app = gui_app.application([]); w = gui_app.build_window(None); w.show(); app.processEvents()
assert w.canvas.nodes()
first = time.perf_counter() - t0
for _ in range(100):  # what waited for the first paint: one more turn of the loop
    if w.started:
        break
    app.processEvents()
assert w.started
print(first, time.perf_counter() - t0)
"""


def fifty_steps() -> dict[str, object]:
    kinds = ["input", "transform", "ai_decision", "compliance_check", "metrics", "data_mapping"]
    steps = [{"id": f"s{i}", "type": kinds[i % len(kinds)], "name": f"Step {i}", "config": {}}
             for i in range(50)]
    return {"id": "bench-50", "name": "Fifty steps", "steps": steps}


def bench_open(repeat: int = 15) -> tuple[float, float]:
    from PySide6.QtWidgets import QApplication

    from orchestrator_gui.core.document import load_experiment
    from orchestrator_gui.ui.canvas.editor import Canvas

    app = QApplication.instance() or QApplication([])
    experiment = load_experiment(fifty_steps())
    ours = Canvas()
    ours.widget.resize(1200, 800)
    ours.load(experiment)
    session = ours.graph.serialize_session()  # the same 50 nodes and 49 edges
    theirs = Canvas()
    theirs.widget.resize(1200, 800)
    ours_t, theirs_t = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        theirs.graph.deserialize_session(session)
        app.processEvents()
        theirs_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ours.load(experiment)
        app.processEvents()
        ours_t.append(time.perf_counter() - t0)
    assert len(ours.nodes()) == len(theirs.nodes()) == 50
    return statistics.median(ours_t), statistics.median(theirs_t)


def bench_start(repeat: int = 7) -> tuple[float, float, float]:
    """Medians: first window, stored data shown, bare window.

    An installed app starts from compiled bytecode; with PYTHONDONTWRITEBYTECODE
    set (as on the machines that run our sessions) every start would compile
    the package's ~100 modules again (~0.2 s). The runs here keep bytecode in a
    temporary folder instead, written by the warm-up run.
    """
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)

        def run(code: str) -> list[float]:
            out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                 text=True, env=env)
            return [float(x) for x in out.stdout.strip().splitlines()[-1].split()]

        run(BARE), run(APP)  # warm the file cache and write the bytecode
        bares, apps = [], []
        for _ in range(repeat):  # alternating, so that the machine's drift hits both alike
            bares.append(run(BARE)[0])
            apps.append(run(APP))
    return (statistics.median(a[0] for a in apps), statistics.median(a[1] for a in apps),
            statistics.median(bares))


def main() -> None:
    ours, theirs = bench_open()
    print(f"open 50 steps:   canvas {ours * 1000:7.1f} ms   deserialize_session "
          f"{theirs * 1000:7.1f} ms   ratio {ours / theirs:4.2f}x  (goal <= 1.5x)")
    app, filled, bare = bench_start()
    print(f"first window:    app    {app * 1000:7.1f} ms   bare QMainWindow    "
          f"{bare * 1000:7.1f} ms   ratio {app / bare:4.2f}x  (goal <= 6x, < 1500 ms)")
    print(f"                 stored data (history, presets) shown at {filled * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
