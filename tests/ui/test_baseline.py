"""Baselines and replay from the history: star a run, later runs are compared with it."""

# ruff: noqa: F811  (pytest fixtures imported from support modules are redefined as arguments)

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from tests.ui.analysis_support import (  # noqa: F401 (fixture)
    main_window,
    menu_action,
    run_preset,
    set_threshold,
)
from tests.ui.run_support import experiment, qloop  # noqa: F401 (fixture)


def time_cell(window: Any, row: int) -> str:
    return str(window.run_experience.history.model.index(row, 0).data(Qt.ItemDataRole.DisplayRole))


def test_a_starred_baseline_is_marked_and_new_runs_are_compared_with_it(
        main_window: Any, qtbot: Any) -> None:
    baseline = run_preset(qtbot, main_window, "Happy Path")
    note = main_window.findChild(QToolButton, "baselineNote")
    assert note is not None and not note.isVisible()  # no baseline yet: nothing to say
    menu_action(main_window, 0, "starBaseline").trigger()
    assert main_window.store().get_baseline("risk-assessment") == baseline
    assert time_cell(main_window, 0).startswith("★")
    assert menu_action(main_window, 0, "starBaseline").text().startswith("☆  Remove")
    assert not menu_action(main_window, 0, "compareBaseline").isEnabled()  # itself

    run_preset(qtbot, main_window, "High Risk")
    qtbot.waitUntil(note.isVisible)
    assert note.text() == "vs baseline: 5 steps differ ≠"
    assert time_cell(main_window, 1).startswith("★") and not time_cell(main_window, 0).startswith("★")
    note.click()
    view = main_window.analysis.view
    assert main_window.analysis.dock.isVisible()
    assert "Against the baseline" in view.header.text()
    assert baseline[:8] in view.header.text().split("<br>")[1]  # A is the baseline

    run_preset(qtbot, main_window, "Happy Path")
    qtbot.waitUntil(lambda: note.text() == "vs baseline: same behaviour ✓")
    set_threshold(main_window, 0.1)  # approve nothing: the decision flips for Happy Path
    run_preset(qtbot, main_window, "Happy Path")
    qtbot.waitUntil(lambda: note.text() != "vs baseline: same behaviour ✓")
    menu_action(main_window, 0, "compareBaseline").trigger()
    assert main_window.analysis.marks[0].step_id == "ai-1"

    menu_action(main_window, 3, "starBaseline").trigger()  # remove the star
    assert main_window.store().get_baseline("risk-assessment") is None
    assert not any(time_cell(main_window, r).startswith("★") for r in range(4))


def test_replay_with_recorded_answers_reports_the_steps_that_now_differ(
        main_window: Any, qtbot: Any) -> None:
    run_preset(qtbot, main_window, "High Risk")
    assert main_window.analysis.replay(main_window.run_experience.history.model.runs[0].run_id)
    qtbot.waitUntil(lambda: main_window.analysis.last_report is not None, timeout=15000)
    assert main_window.message_bar.text().startswith("✓ Replay of run")
    assert "every step gave the same output" in main_window.message_bar.text()
    qtbot.waitUntil(lambda: main_window.run_experience.history.model.rowCount() == 2)

    main_window.canvas.load(experiment(main_window.registry, [
        ("start", "input", {}), ("count", "counter", {})], exp_id="counting", name="Counting"))
    original = run_preset(qtbot, main_window, "Happy Path")
    main_window.analysis.last_report = None
    menu_action(main_window, 0, "replayRecorded").trigger()
    qtbot.waitUntil(lambda: main_window.analysis.last_report is not None, timeout=15000)
    report = main_window.analysis.last_report
    assert report.original_run_id == original
    assert [s.step_id for s in report.changed_steps] == ["count"]
    assert main_window.message_bar.text().endswith("1 step now differ: Count")
    view = main_window.analysis.view
    assert "Replay with recorded answers" in view.header.text()
    assert view.differing_rows() == ["count"]
