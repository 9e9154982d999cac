"""Sweeping an input field: the dialog runs the range (and a grid), plots it, marks the flips."""

# ruff: noqa: F811  (pytest fixtures imported from support modules are redefined as arguments)

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QImage

from tests.ui.analysis_support import main_window, set_threshold  # noqa: F401 (fixture)
from tests.ui.run_support import qloop  # noqa: F401 (fixture)


def open_sweep(window: Any) -> Any:
    window.actions_by_name["actionSweep"].trigger()
    return window.analysis.sweep_dialog


def test_a_grid_sweep_plots_the_outcome_and_marks_where_the_decision_flips(
        main_window: Any, qtbot: Any) -> None:
    dialog = open_sweep(main_window)
    assert dialog.isVisible() and not dialog.isModal()
    assert dialog.field.currentText() == "riskScore"  # offered from the simulator's input
    dialog.use_grid.setChecked(True)
    dialog.grid_field.setText("email")
    dialog.grid_values.setText("null, person@eu.com")
    dialog.run_button.click()
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=15000)
    assert dialog.progress.value() == dialog.progress.maximum() == 22
    plot = dialog.plot
    assert plot.categories == ["below", "above"] and not plot.numeric
    assert plot.flip_labels == [
        'email=null: "below" → "above" between 0.6 and 0.7',
        'email="person@eu.com": "below" → "above" between 0.6 and 0.7']
    assert "The outcome flips" in dialog.message.text()
    image = QImage(plot.size(), QImage.Format.Format_RGB32)
    plot.render(image)
    assert image.pixelColor(5, 5).name() == "#15181e"  # drawn, not left blank
    # move the threshold: the flip moves with it
    set_threshold(main_window, 0.35)
    dialog.use_grid.setChecked(False)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=15000)
    assert dialog.plot.flip_labels == ['"below" → "above" between 0.3 and 0.4']
    assert main_window.run_experience.history.model.rowCount() == 0  # sweeps are not stored


def test_a_range_without_a_flip_and_bad_settings_say_so(main_window: Any, qtbot: Any) -> None:
    dialog = open_sweep(main_window)
    dialog.start.setValue(0.0)
    dialog.stop.setValue(0.5)
    dialog.steps.setValue(6)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=15000)
    assert dialog.plot.categories == ["below"]
    assert dialog.message.text().startswith("No flip")
    dialog.use_grid.setChecked(True)
    dialog.grid_values.setText("")
    assert not dialog.run()
    assert dialog.message.text().startswith("Grid:")
    dialog.use_grid.setChecked(False)
    dialog.field.setCurrentText("user..score")
    assert not dialog.run()
    assert dialog.message.text().startswith("Sweep: invalid path")
    assert dialog.plot.categories == ["below"]  # the last good plot stays


def test_a_watched_path_no_run_records_is_named_as_the_run_status_that_was_plotted(
        main_window: Any, qtbot: Any) -> None:
    dialog = open_sweep(main_window)
    dialog.steps.setValue(3)
    dialog.watch.setText("decision.nowhere")
    dialog.run_button.click()
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=15000)
    assert dialog.plot.categories == ["success"]
    text = dialog.message.text()
    assert text.startswith("No flip: the run status is the same"), text
    assert "No run recorded decision.nowhere" in text
    assert dialog.sweep is not None and dialog.sweep.plotted() == "the run status"
