"""Screenshots of the analysis views for the docs: compare.png, suite.png, sweep.png.

Run under Xvfb (the xcb platform, so fonts are what users get):

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/analysis_screenshots.py

It starts the real app on a scratch library, runs the shipped Risk
Assessment example twice around a threshold change and compares the runs,
runs a scenario suite twice (so the grid shows a new failure and a fix), and
sweeps the risk score crossed with the GDPR e-mail.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


async def until(check: Callable[[], bool], seconds: float = 20.0) -> None:
    for _ in range(int(seconds * 50)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise TimeoutError("the app did not get there in time")


async def settle() -> None:
    await asyncio.sleep(0.4)


async def run_preset(window: Any, preset: str) -> str:
    ex = window.run_experience
    rows = ex.history.model.rowCount()
    ex.simulator.choose_preset(preset)
    result = ex.run()
    await until(lambda: not ex.controller.handles and ex.history.model.rowCount() == rows + 1)
    return str(result.run_id)


def set_threshold(window: Any, value: float) -> None:
    ai = next(n for n in window.canvas.nodes() if n.step_id() == "ai-1")
    window.canvas.set_step_property(ai, "step_config", {**ai.get_property("step_config"),
                                                        "threshold": value})


async def compare_shot(window: Any) -> None:
    from PySide6.QtCore import Qt

    first = await run_preset(window, "High Risk")
    set_threshold(window, 0.95)
    second = await run_preset(window, "High Risk")
    window.analysis.compare_ids(first, second)
    dock = window.docks["compareDock"]
    window.resizeDocks([dock], [420], Qt.Orientation.Vertical)
    window.resizeDocks([dock, window.docks["logDock"]], [1150, 380], Qt.Orientation.Horizontal)
    await settle()
    window.canvas.fit()
    await settle()
    window.grab().save(str(OUT / "compare.png"))


async def suite_shot(window: Any) -> None:
    suite = window.analysis.open_suite()
    editor = suite.editor
    cases = [
        ("Happy Path", {"riskScore": 0.2, "email": None},
         ['decision.outcome == "below"', 'status == "success"', "compliance.passed == true"]),
        ("High Risk", {"riskScore": 0.9, "email": "user@example.com"},
         ['decision.outcome == "above"', 'status == "success"']),
        ("GDPR Sensitive", {"riskScore": 0.5, "email": "person@eu.com"},
         ["compliance.passed == false", 'decision.outcome == "below"']),
        ("Borderline 0.8", {"riskScore": 0.8, "email": None},
         ['decision.outcome == "below"', "decision.score < 0.85"]),
        ("Just below", {"riskScore": 0.69, "email": None},
         ['decision.outcome == "below"', "decision.score < 0.7"]),
    ]
    for name, data, expect in cases:
        editor.add_scenario(name, data, expect)
    suite.run()  # the threshold is still 0.95 from the comparison: High Risk fails
    await until(lambda: suite.run_button.isEnabled())
    set_threshold(window, 0.7)  # back to the shipped threshold: High Risk fixed, 0.8 breaks
    suite.run()
    await until(lambda: suite.run_button.isEnabled())
    editor.scenarios.setCurrentRow(3)
    suite.resize(1420, 800)
    suite.splitter.setSizes([270, 530])
    await settle()
    suite.grab().save(str(OUT / "suite.png"))


async def sweep_shot(window: Any) -> None:
    dialog = window.analysis.open_sweep()
    dialog.use_grid.setChecked(True)
    dialog.steps.setValue(21)
    dialog.run()
    await until(lambda: dialog.run_button.isEnabled() and dialog.plot.sweep is not None)
    dialog.resize(980, 700)
    await settle()
    dialog.grab().save(str(OUT / "sweep.png"))


async def shots(window: Any) -> None:
    await settle()
    await compare_shot(window)
    await suite_shot(window)
    await sweep_shot(window)


def main() -> int:
    scratch = tempfile.mkdtemp(prefix="orchestrator-shots-")
    os.environ.setdefault("ORCHESTRATOR_DB", str(Path(scratch) / "orchestrator.db"))
    os.environ.setdefault("ORCHESTRATOR_CONFIG_DIR", str(Path(scratch) / "config"))
    import qasync

    from orchestrator_gui.ui import app as gui_app

    app = gui_app.application(sys.argv[1:])
    window = gui_app.build_window(None)
    window.resize(1560, 980)
    window.show()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    OUT.mkdir(parents=True, exist_ok=True)
    with loop:
        loop.run_until_complete(shots(window))
        window.canvas.undo_stack.setClean()
    print(f"saved {OUT / 'compare.png'}, {OUT / 'suite.png'} and {OUT / 'sweep.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
