"""``orchestrator-gui``: the entry point reuses the QApplication and opens what it is given."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from orchestrator_gui.ui import app as gui_app
from orchestrator_gui.ui.main_window import MainWindow
from tests.ui.conftest import RISK


def _windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


def test_main_reuses_the_running_qapplication_and_opens_the_file(
    qapp: QApplication, tmp_path: Path
) -> None:
    path = tmp_path / "risk.json"
    shutil.copy(RISK, path)
    seen: list[tuple[str, int]] = []

    def look_and_close() -> None:
        for window in _windows():
            if window.isVisible():
                seen.append((window.windowTitle(), len(window.canvas.nodes())))
                window.close()

    QTimer.singleShot(300, look_and_close)
    assert gui_app.main([str(path)]) == 0
    assert QApplication.instance() is qapp
    assert seen == [("Risk Assessment Pipeline[*] — Experiment Orchestrator", 5)]


def test_a_plain_start_opens_the_risk_example_ready_to_run(qtbot: QtBot) -> None:
    window = gui_app.build_window(None)
    qtbot.addWidget(window)
    assert window.canvas.base["id"] == "risk-assessment"
    assert window.canvas.check().ok
    assert not window.session.dirty


def test_a_stored_id_opens_from_the_library(qtbot: QtBot) -> None:
    window = gui_app.build_window("marketing-campaign")
    qtbot.addWidget(window)
    assert window.session.library_id == "marketing-campaign"
    assert window.canvas.base["id"] == "marketing-campaign"


def test_an_unknown_target_says_so_and_opens_the_example(qtbot: QtBot) -> None:
    window = gui_app.build_window("no-such-experiment")
    qtbot.addWidget(window)
    assert window.canvas.base["id"] == "risk-assessment"
    assert "no-such-experiment" in window.message_bar.text()
