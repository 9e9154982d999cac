"""With no step selected, Properties edits the experiment itself: name, id, description, limits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from orchestrator_gui.ui.main_window import MainWindow


def _type_into(qtbot: QtBot, window: MainWindow, key: str, text: str) -> QLineEdit:
    form = window.properties.experiment_form
    assert form is not None, "Properties should show the experiment when nothing is selected"
    line = form.editors[key].control
    assert isinstance(line, QLineEdit)
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    return line


def test_renaming_the_experiment_in_properties_is_one_undoable_edit(
        qtbot: QtBot, window: MainWindow) -> None:
    window.canvas.select([])
    assert window.properties.experiment_form is not None
    assert window.properties.experiment_form.editors["name"].value()[0] == \
        "Risk Assessment Pipeline"
    _type_into(qtbot, window, "name", "Loan triage")
    qtbot.waitUntil(lambda: window.windowTitle().startswith("Loan triage"), timeout=2000)
    assert window.isWindowModified()
    assert window.current_experiment().name == "Loan triage"
    assert window.canvas.undo_stack.undoText() == "Rename experiment"
    window.canvas.widget.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.windowTitle().startswith("Risk Assessment Pipeline"),
                    timeout=2000)
    assert window.properties.experiment_form.editors["name"].value()[0] == \
        "Risk Assessment Pipeline"


def test_a_bad_id_is_refused_beside_the_field_and_limits_reach_the_document(
        qtbot: QtBot, window: MainWindow) -> None:
    window.canvas.select([])
    form = window.properties.experiment_form
    assert form is not None
    limit_before = window.canvas.base["settings"]["maxDurationSeconds"]
    _type_into(qtbot, window, "id", "has space")
    assert "1-64 letters" in form.editors["id"].error.text()
    assert window.canvas.base["id"] == "risk-assessment"
    _type_into(qtbot, window, "stepTimeoutSeconds", "5")
    experiment = window.current_experiment()
    assert experiment is not None and experiment.settings is not None
    assert experiment.settings.step_timeout_seconds == 5
    _type_into(qtbot, window, "maxDurationSeconds", "-1")
    assert form.editors["maxDurationSeconds"].error.text()
    assert window.canvas.base["settings"] == {"stepTimeoutSeconds": 5,
                                              "maxDurationSeconds": limit_before}


def test_saving_an_untitled_experiment_asks_for_its_name_first(
        qtbot: QtBot, window: MainWindow) -> None:
    documents = window.documents
    documents.ask_unsaved = lambda: "discard"  # type: ignore[method-assign]
    assert documents.new_experiment()
    documents.ask_name = lambda: None  # type: ignore[method-assign]
    assert not documents.save_to_library()  # cancelled: nothing saved, still untitled
    assert window.canvas.base["name"] == "Untitled experiment"
    documents.ask_name = lambda: "Churn check"  # type: ignore[method-assign]
    assert documents.save_to_library()
    assert window.canvas.base["name"] == "Churn check"
    assert window.canvas.base["id"] == "churn-check"
    assert window.session.library_id == "churn-check"
    assert window.windowTitle().startswith("Churn check")
