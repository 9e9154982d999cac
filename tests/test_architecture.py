"""The core never imports Qt: checked by behaviour here, and statically by import-linter in ./dev test."""

from __future__ import annotations

import subprocess
import sys


def test_headless_modules_load_no_qt() -> None:
    code = (
        "import sys, asyncio\n"
        "import orchestrator_gui, orchestrator_gui.cli, orchestrator_gui.store\n"
        "from orchestrator_gui import run_experiment, default_registry\n"
        "default_registry()\n"
        "r = asyncio.run(run_experiment({'id': 'e', 'name': 'E', 'steps': [\n"
        "    {'id': 'a', 'type': 'ai_decision', 'name': 'A'}]}, {'riskScore': 0.9}))\n"
        "assert r.status == 'success', r.status\n"
        "qt = ('PySide6', 'NodeGraphQt', 'qasync', 'Qt', 'shiboken6')\n"
        "bad = sorted(m for m in sys.modules\n"
        "             if m.split('.')[0] in qt or m.startswith('orchestrator_gui.ui'))\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_the_first_window_is_painted_without_the_database_layer_the_network_stack_or_qt_py(
) -> None:
    # Start-up (docs/benchmarks.md): SQLAlchemy (~0.5 s) and httpx (~0.1 s) are not needed
    # to show the window (stored data is read right after its first paint, requests are
    # made by running steps), and Qt.py (~0.2 s) is replaced by orchestrator_gui.ui.qt_shim.
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from orchestrator_gui.ui import app as gui_app\n"
        "app = gui_app.application([]); w = gui_app.build_window(None)\n"
        "w.show(); app.processEvents()\n"
        "assert w.canvas.nodes() and not w.started\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'Qt', 'httpx', 'httpcore')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
