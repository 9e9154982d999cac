"""The input simulator: presets, slider, GDPR toggle, hand-edited JSON, Run and Cancel."""

# ruff: noqa: F811  (pytest fixtures imported from run_support are redefined as arguments)

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QPlainTextEdit, QPushButton, QSlider

from orchestrator_gui.ui.panels.simulator import RunRequest, Simulator
from tests.ui.run_support import (  # noqa: F401 (fixtures)
    app_window,
    experience,
    experiment,
    qloop,
    registry,
    store,
    wait_finished,
)


def make(qtbot: Any, store: Any) -> Simulator:
    sim = Simulator(store.list_presets())
    qtbot.addWidget(sim)
    with qtbot.waitActive(sim):
        sim.show()
        sim.activateWindow()
    return sim


def shown(sim: Simulator) -> Any:
    return json.loads(sim.preview.toPlainText())


def test_contract_names_and_accessible_names(qtbot: Any, store: Any) -> None:
    sim = make(qtbot, store)
    expected = {"presetPicker": QComboBox, "riskSlider": QSlider, "gdprToggle": QCheckBox,
                "inputPreview": QPlainTextEdit, "dryRunToggle": QCheckBox,
                "runButton": QPushButton, "cancelButton": QPushButton}
    assert sim.objectName() == "simulator"
    for name, kind in expected.items():
        widget = sim.findChild(kind, name)
        assert widget is not None, name
        assert widget.accessibleName(), name


def test_presets_fill_the_input_and_name_the_scenario(qtbot: Any, store: Any) -> None:
    sim = make(qtbot, store)
    names = [sim.preset_picker.itemText(i) for i in range(sim.preset_picker.count())]
    assert names[:3] == ["Happy Path", "High Risk", "GDPR Sensitive"]
    assert shown(sim) == {"riskScore": 0.2, "email": None}
    sim.choose_preset("High Risk")
    assert shown(sim) == {"riskScore": 0.9, "email": "user@example.com"}
    assert sim.risk_slider.value() == 90 and sim.gdpr_toggle.isChecked()
    assert sim.scenario == "High Risk"
    assert sim.scenario_label.text() == "Scenario: High Risk"


def test_slider_and_gdpr_toggle_write_the_input(qtbot: Any, store: Any) -> None:
    sim = make(qtbot, store)
    sim.risk_slider.setValue(65)
    assert shown(sim)["riskScore"] == 0.65
    assert sim.risk_value.text() == "0.65"
    assert sim.scenario == "Custom"
    qtbot.mouseClick(sim.gdpr_toggle, Qt.MouseButton.LeftButton)
    assert shown(sim)["email"] == "person@eu.com"  # Happy Path has none of its own
    sim.gdpr_toggle.setChecked(False)
    assert shown(sim)["email"] is None
    sim.choose_preset("High Risk")
    sim.gdpr_toggle.setChecked(False)
    sim.gdpr_toggle.setChecked(True)
    assert shown(sim)["email"] == "user@example.com"  # the preset's own address
    assert sim.scenario == "High Risk"  # back to exactly the preset's input


def test_hand_edits_follow_through_and_invalid_json_blocks_run(qtbot: Any, store: Any) -> None:
    sim = make(qtbot, store)
    requests: list[Any] = []
    sim.run_requested.connect(requests.append)
    sim.preview.setPlainText('{"riskScore": 0.4, "email": "a@b.eu", "country": "FR"}')
    assert sim.input == {"riskScore": 0.4, "email": "a@b.eu", "country": "FR"}
    assert sim.risk_slider.value() == 40 and sim.gdpr_toggle.isChecked()
    assert sim.scenario == "Custom"

    sim.preview.setPlainText('{"riskScore": 0.4,')
    assert sim.input is None
    assert not sim.run_button.isEnabled()
    assert "not valid JSON" in sim.problem_label.text() and "line 1" in sim.problem_label.text()
    assert "Fix the input first" in sim.run_button.toolTip()
    qtbot.keyClick(sim, Qt.Key.Key_F5)
    assert requests == []

    sim.preview.setPlainText("[1, 2]")
    assert "must be a JSON object" in sim.problem_label.text()
    sim.preview.setPlainText('{"riskScore": 0.3}')
    assert sim.run_button.isEnabled() and not sim.problem_label.isVisibleTo(sim)
    sim.dry_run_toggle.setChecked(True)
    qtbot.keyClick(sim, Qt.Key.Key_F5)
    assert requests == [RunRequest({"riskScore": 0.3}, "Custom", True)]


def test_saving_a_preset_stores_it_and_selects_it(app_window: Any, store: Any) -> None:
    ex = experience(app_window)
    ex.simulator.risk_slider.setValue(33)
    ex.simulator.save_preset("Edge case")
    assert [p.input for p in store.list_presets() if p.name == "Edge case"] == [
        {"riskScore": 0.33, "email": None}]
    assert ex.simulator.preset_picker.currentText() == "Edge case"
    assert ex.simulator.scenario == "Edge case"
    ex.simulator.save_preset("High Risk")  # a built-in name is refused, and said so
    assert app_window.messages[-1][0] == "error"
    assert "built-in" in app_window.messages[-1][1]


def test_run_records_the_scenario_and_dry_run(app_window: Any, qtbot: Any, registry: Any,
                                              store: Any) -> None:
    app_window.canvas.load(experiment(registry, [("start", "input", {})]))
    ex = experience(app_window)
    ex.simulator.choose_preset("GDPR Sensitive")
    ex.simulator.dry_run_toggle.setChecked(True)
    qtbot.keyClick(ex.simulator.preview, Qt.Key.Key_F5)
    wait_finished(qtbot, app_window)
    record = store.get_run(store.list_runs("exp-test")[0].run_id)
    assert record["scenario"] == "GDPR Sensitive"
    assert record["dryRun"] is True
    assert record["input"] == {"riskScore": 0.5, "email": "person@eu.com"}
