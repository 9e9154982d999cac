"""Comparing two runs from the history: aligned steps, diffs by path, the canvas mark."""

# ruff: noqa: F811  (pytest fixtures imported from support modules are redefined as arguments)

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDockWidget

from orchestrator_gui.ui.analysis.style import KIND_COLORS
from tests.ui.analysis_support import (  # noqa: F401 (fixtures)
    main_window,
    menu_action,
    run_preset,
    select_rows,
    set_threshold,
)
from tests.ui.run_support import qloop  # noqa: F401 (fixture)


def test_two_selected_runs_compare_step_by_step_and_the_divergence_is_marked(
        main_window: Any, qtbot: Any) -> None:
    run_preset(qtbot, main_window, "High Risk")
    set_threshold(main_window, 0.95)  # a new version of the experiment
    run_preset(qtbot, main_window, "High Risk")
    select_rows(qtbot, main_window, 0, 1)
    action = menu_action(main_window, 0, "compareSelected")
    assert action.isEnabled()
    action.trigger()

    dock = main_window.findChild(QDockWidget, "compareDock")
    assert dock is not None and dock.isVisible()
    view = main_window.analysis.view
    assert "first divergence at <b>AI Decision</b>" in view.summary.text()
    assert view.summary.property("state") == "differ"
    # aligned rows: every step of both runs, the AI step first to differ
    rows = [view.steps.topLevelItem(i) for i in range(view.steps.topLevelItemCount())]
    assert [r.text(0) for r in rows] == ["Collect Input", "Normalize Data", "AI Decision",
                                         "GDPR Check", "Record Metrics"]
    assert rows[2].text(4).startswith("◆ first: config, output")
    assert view.differing_rows()[0] == "ai-1"
    assert rows[0].text(4) == "same"
    # the chosen step's output by JSON path, coloured by kind
    changes = {i.text(0): i for i in view.step_changes.change_items()}
    outcome = changes["~ decision.outcome"]
    assert (outcome.text(2), outcome.text(3)) == ('"above"', '"below"')
    assert outcome.foreground(1).color().name() == KIND_COLORS["changed"]
    # the experiment diff names the setting that changed, layout left out
    paths = [i.text(0) for i in view.experiment_changes.change_items()]
    assert "~ steps.ai-1.config.threshold" in paths
    assert not any(".ui" in p or p.startswith(("~ ui", "+ ui")) for p in paths)
    # the canvas shows where the runs part ways, outside the undo history
    undo_index = main_window.canvas.undo_stack.index()
    mark = main_window.analysis.marks[0]
    assert mark.step_id == "ai-1"
    assert mark.visible_text == "≠ first divergence: config, output"
    assert main_window.canvas.undo_stack.index() == undo_index
    dock.close()
    assert mark.visible_text is None


def test_the_same_input_twice_behaves_the_same_and_times_are_not_divergences(
        main_window: Any, qtbot: Any) -> None:
    run_preset(qtbot, main_window, "Happy Path")
    run_preset(qtbot, main_window, "Happy Path")
    menu_action(main_window, 0, "comparePrevious").trigger()
    view = main_window.analysis.view
    assert view.summary.text().startswith("✓ Same behaviour")
    assert view.differing_rows() == []
    assert main_window.analysis.marks[0].visible_text is None
    hidden = sum(1 for i in view.step_changes.change_items())
    view.volatile.setChecked(True)  # durations and timestamps, when asked for
    shown = [i for t in (view.step_changes, view.run_changes)
             for i in t.change_items()]
    assert len(shown) >= hidden
    assert all(i.toolTip(0).startswith("Differs between any two runs") for i in shown)


def test_compare_with_picks_any_other_run_and_input_changes_show_by_path(
        main_window: Any, qtbot: Any) -> None:
    run_preset(qtbot, main_window, "Happy Path")
    run_preset(qtbot, main_window, "GDPR Sensitive")
    run_preset(qtbot, main_window, "High Risk")
    from orchestrator_gui.ui.analysis.history_menu import build_menu

    menu = build_menu(main_window.run_experience.history, main_window.analysis, 0)
    pick = next(m for m in menu.findChildren(type(menu)) if m.objectName() == "compareWithMenu")
    labels = [a.text() for a in pick.actions()]
    assert len(labels) == 2 and "Happy Path" in labels[1]
    pick.actions()[1].trigger()  # High Risk against Happy Path
    view = main_window.analysis.view
    assert view.header.text().count("Happy Path") == 1
    run_paths = {i.text(0): i for i in view.run_changes.change_items()}
    assert run_paths["~ riskScore"].text(2) == "0.2"
    assert run_paths["~ riskScore"].text(3) == "0.9"
    assert "~ email" in run_paths
    assert main_window.analysis.marks[0].step_id == "input-1"  # the input already differed


def test_the_divergence_is_marked_on_the_old_version_when_that_is_on_screen(
        main_window: Any, qtbot: Any) -> None:
    run_preset(qtbot, main_window, "High Risk")
    set_threshold(main_window, 0.95)
    run_preset(qtbot, main_window, "High Risk")
    set_threshold(main_window, 0.5)  # both runs are now of earlier versions
    ex = main_window.run_experience
    select_rows(qtbot, main_window, 0, 1)
    menu_action(main_window, 0, "compareSelected").trigger()
    assert ex.stack.currentWidget() is ex.replay  # the newer run, drawn on its own version
    on_replay = [m for m in main_window.analysis.marks if m.canvas is ex.replay.canvas]
    assert len(on_replay) == 1 and on_replay[0].step_id == "ai-1"
    assert on_replay[0].visible_text == "≠ first divergence: config, output"
    assert main_window.analysis.marks[0].visible_text is None  # not on the hidden editor
