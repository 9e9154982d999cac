"""The app with a damaged database: a dialog says what the CLI says, nothing is written to
the file, and the app goes on (runs run, unsaved) instead of failing later.

The real main window (``app.build_window``, as ``orchestrator-gui`` starts it) on a real
store with real runs, damaged by writing bytes into it (tests/store/damage.py).
"""

# ruff: noqa: F811  (the qloop fixture imported from run_support is an argument)

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from orchestrator_gui.ui import app as gui_app
from orchestrator_gui.ui.main_window import MainWindow
from orchestrator_gui.ui.panels.simulator import RunRequest
from orchestrator_gui.ui.store_alarm import DIALOG_NAME
from tests.store.damage import digest, make_store, overwrite, page_offset, pages_of
from tests.ui.run_support import qloop  # noqa: F401 (fixture)


@pytest.fixture
def db() -> tuple[Path, list[str]]:
    path = Path(os.environ["ORCHESTRATOR_DB"])  # tests/conftest.py: this test's own file
    return path, make_store(path, 6)


@pytest.fixture
def opened(qtbot: QtBot) -> Iterator[MainWindow]:
    window = gui_app.build_window(None)
    qtbot.addWidget(window)
    yield window
    window.canvas.undo_stack.setClean()
    window.close()


def damage(path: Path, table: str) -> None:
    for page in pages_of(path, table, "leaf"):
        overwrite(path, page_offset(path, page), b"\xff\x00" * 64)


def dialog(qtbot: QtBot, window: MainWindow) -> Any:
    from PySide6.QtWidgets import QMessageBox

    qtbot.waitUntil(lambda: window.findChild(QMessageBox, DIALOG_NAME) is not None)
    return window.findChild(QMessageBox, DIALOG_NAME)


def test_a_damaged_database_at_start_shows_the_dialog_and_the_app_goes_on(
        qtbot: QtBot, db: tuple[Path, list[str]], opened: MainWindow, qloop: Any) -> None:
    path = db[0]
    overwrite(path, page_offset(path, pages_of(path, "runs", "leaf")[0]) + 1000,
              os.urandom(2000))
    before = digest(path)
    opened.show()
    qtbot.waitUntil(lambda: opened.started)
    box = dialog(qtbot, opened)
    assert box.text().startswith(f"the database at {path} is damaged")
    assert "orchestrator db check" in box.informativeText()
    assert "orchestrator db recover" in box.informativeText()
    assert "is damaged" in opened.message_bar.text()
    history = opened.run_experience.history  # type: ignore[attr-defined]
    assert history.model.rowCount() == 0
    picker = opened.run_experience.simulator.preset_picker  # type: ignore[attr-defined]
    assert [picker.itemText(i) for i in range(picker.count())][:3] == [  # built-in ones
        "Happy Path", "High Risk", "GDPR Sensitive"]
    box.accept()

    # the library refuses, said in the message bar; a run still runs, unsaved, and says so
    assert opened.documents.save_to_library() is False
    assert "is damaged" in opened.message_bar.text()
    result = opened.run_experience.run(RunRequest({"riskScore": 0.2}, "Happy Path", False))
    assert result is not None
    qtbot.waitUntil(lambda: result.status == "success", timeout=15000)
    assert "not saved to history" in opened.message_bar.text()
    assert digest(path) == before


def test_damage_found_during_the_session_shows_the_same_dialog(
        qtbot: QtBot, db: tuple[Path, list[str]], opened: MainWindow, qloop: Any) -> None:
    path, run_ids = db
    opened.show()
    qtbot.waitUntil(lambda: opened.started)
    history = opened.run_experience.history  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: history.model.rowCount() > 0)
    damage(path, "step_runs")  # pages the session has not read yet
    before = digest(path)
    for run_id in run_ids:  # redraw past runs, as clicking them in History does
        opened.run_experience.show_run(run_id)  # type: ignore[attr-defined]
    box = dialog(qtbot, opened)
    assert box.text().startswith(f"the database at {path} is damaged")
    assert "orchestrator db recover" in box.informativeText()
    opened.run_experience.save_preset("after", {"a": 1})  # type: ignore[attr-defined]
    assert "is damaged" in opened.message_bar.text()
    assert digest(path) == before
