"""The app on a full disk: a run that could not be written to history says so, and stays
exportable (issue 20, item 2). The real main window, the real store writer thread, the
database on a tmpfs filled up by the test (tests/diskfull.py)."""

# ruff: noqa: F811  (pytest fixtures imported from support modules are redefined as arguments)

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.ui.main_window import MainWindow
from tests.diskfull import Disk, small_disk
from tests.ui.analysis_support import RISK, close_main_window, open_main_window
from tests.ui.run_support import qloop  # noqa: F401 (fixture)


@pytest.fixture
def full_disk_window(qtbot: Any, qloop: Any, qapp: Any, tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[MainWindow, Disk]]:
    with small_disk(tmp_path, 1024) as disk:
        monkeypatch.setenv("ORCHESTRATOR_DB", str(disk.path / "orchestrator.db"))
        win = open_main_window(qtbot, qapp)
        win.store()
        disk.fill()
        try:
            yield win, disk
        finally:
            disk.free()
            close_main_window(win)


def _run(qtbot: Any, window: MainWindow, preset: str) -> str:
    ex = window.run_experience
    ex.simulator.choose_preset(preset)
    result = ex.run()
    assert result is not None
    qtbot.waitUntil(lambda: not ex.controller.handles, timeout=15000)
    return result.run_id


def test_a_run_on_a_full_disk_warns_until_exported_and_the_export_parses(
        full_disk_window: tuple[MainWindow, Disk], qtbot: Any, tmp_path: Path) -> None:
    window, disk = full_disk_window
    ex = window.run_experience
    bar = ex.unsaved_bar
    run_id = _run(qtbot, window, "Happy Path")

    qtbot.waitUntil(bar.isVisible)
    assert "1 run finished but was NOT saved to history" in bar.text()
    assert "database or disk is full" in bar.text() and bar.level == "warning"
    # it stays: other messages come and go, another experiment opens
    window.show_message("Saved somewhere else.", "success")
    window.documents.new_experiment()
    window.documents.open_experiment(load_experiment(RISK, registry=window.registry), path=Path(RISK))
    assert bar.isVisible() and "NOT saved" in bar.text()

    # History lists it from memory, marked; selecting it shows it (no KeyError)
    model = ex.history.model
    qtbot.waitUntil(lambda: model.row_of(run_id) >= 0)
    row = model.row_of(run_id)
    assert model.index(row, 2).data(Qt.ItemDataRole.DisplayRole) == "success · not saved"
    assert "NOT saved to history" in model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    ex.show_run(run_id)

    second = _run(qtbot, window, "High Risk")
    qtbot.waitUntil(lambda: "2 runs finished but were NOT saved" in bar.text())

    target = tmp_path / "kept.json"  # on another disk: this one is full
    assert window.actions_by_name["actionExportUnsaved"].isEnabled()
    assert ex.export_unsaved(target)
    kept = json.loads(target.read_text(encoding="utf-8"))
    assert [r["runId"] for r in kept] == [run_id, second]
    assert all(r["status"] == "success" and len(r["steps"]) == 5 for r in kept)
    assert kept[0]["experiment"]["id"] == "risk-assessment"
    assert not bar.isVisible()  # resolved: the records are in the file
    assert "Exported 2 unsaved runs" in window.message_bar.text()

    disk.free()  # room again: the next run is saved, and nothing warns
    saved = _run(qtbot, window, "Happy Path")
    qtbot.waitUntil(lambda: model.row_of(saved) >= 0)
    assert not bar.isVisible()
    assert window.store().get_run(saved)["status"] == "success"
    assert model.index(model.row_of(saved), 2).data(Qt.ItemDataRole.DisplayRole) == "success"


def test_a_dismissed_warning_comes_back_with_the_next_unsaved_run(
        full_disk_window: tuple[MainWindow, Disk], qtbot: Any) -> None:
    window, _disk = full_disk_window
    bar = window.run_experience.unsaved_bar
    _run(qtbot, window, "Happy Path")
    qtbot.waitUntil(bar.isVisible)
    bar.clear()  # the ✕
    assert not bar.isVisible()
    assert len(window.run_experience.unsaved.records()) == 1  # still exportable
    _run(qtbot, window, "High Risk")
    qtbot.waitUntil(bar.isVisible)
    assert "2 runs finished but were NOT saved" in bar.text()


def test_other_changes_on_a_full_disk_are_reported_not_raised(
        full_disk_window: tuple[MainWindow, Disk], qtbot: Any) -> None:
    window, _disk = full_disk_window
    assert not window.documents.save_to_library()
    assert "Could not save to the library" in window.message_bar.text()
    assert "database or disk is full" in window.message_bar.text()
    window.run_experience.save_preset("mine", {"riskScore": 0.3})
    assert "could not save the preset" in window.message_bar.text()
