"""The input simulator (docs/format.md, presets): pick a scenario, shape the input, press Run.

The run input is a JSON object the user can see and edit at all times. The
preset, the risk slider and the GDPR toggle write it; editing the preview by
hand writes it too, and the controls follow what was typed. The scenario
recorded with a run is the preset's name while the input is exactly that
preset's; any change (slider, toggle or typing) makes it ``Custom``.
Invalid JSON is shown with its reason and disables Run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.paths import is_number

CUSTOM = "Custom"
GDPR_EMAIL = "person@eu.com"


@dataclass(frozen=True)
class RunRequest:
    """What Run asks for: the input, the scenario recorded with the run, dry run or not."""

    input: dict[str, Any] = field(default_factory=dict)
    scenario: str | None = None
    dry_run: bool = False


class Simulator(QWidget):
    """The left-hand run panel; emits ``run_requested(RunRequest)`` and ``cancel_requested``."""

    run_requested = Signal(object)  # RunRequest
    cancel_requested = Signal()
    save_preset_requested = Signal(str, object)  # name, input

    def __init__(self, presets: list[Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("simulator")
        self.setAccessibleName("Input simulator")
        self._presets: dict[str, dict[str, Any]] = {}
        self._input: dict[str, Any] | None = {}
        self._problem: str | None = None
        self._busy = False

        self.preset_picker = QComboBox(self)
        self.preset_picker.setObjectName("presetPicker")
        self.preset_picker.setAccessibleName("Scenario preset")
        self.save_button = QPushButton("Save as preset…", self)
        self.save_button.setObjectName("savePresetButton")
        self.save_button.setAccessibleName("Save the current input as a preset")
        self.risk_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.risk_slider.setObjectName("riskSlider")
        self.risk_slider.setAccessibleName("Risk score")
        self.risk_slider.setRange(0, 100)
        self.risk_slider.setPageStep(10)
        self.risk_value = QLabel("0.00", self)
        self.risk_value.setMinimumWidth(34)
        self.risk_value.setAccessibleName("Risk score value")
        self.gdpr_toggle = QCheckBox("GDPR: personal email", self)
        self.gdpr_toggle.setObjectName("gdprToggle")
        self.gdpr_toggle.setToolTip("Put a personal email address (GDPR personal data) in the "
                                    "input, or set it to null")
        self.gdpr_toggle.setAccessibleName("Include a personal email address")
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("inputPreview")
        self.preview.setAccessibleName("Run input as JSON")
        self.preview.setAccessibleDescription("The exact run input; edit it by hand if you like.")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.preview.setFont(mono)
        self.preview.setTabChangesFocus(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("inputProblem")
        self.problem_label.setAccessibleName("Input problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #f05252;")
        self.scenario_label = QLabel(self)
        self.scenario_label.setObjectName("scenarioLabel")
        self.scenario_label.setAccessibleName("Scenario recorded with the run")
        self.dry_run_toggle = QCheckBox("Dry run (no sending)", self)
        self.dry_run_toggle.setObjectName("dryRunToggle")
        self.dry_run_toggle.setToolTip("Webhooks send nothing and language models are not called "
                                       "for real; the run is marked as a dry run in History")
        self.dry_run_toggle.setAccessibleName("Dry run: webhooks do not send")
        self.run_button = QPushButton("▶  Run  (F5)", self)
        self.run_button.setObjectName("runButton")
        self.run_button.setAccessibleName("Run the experiment")
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton("■ Stop", self)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setToolTip("Cancel the run (Shift+F5)")
        self.cancel_button.setAccessibleName("Cancel the run")
        self.cancel_button.setEnabled(False)

        form = QFormLayout()
        picker_row = QHBoxLayout()
        picker_row.addWidget(self.preset_picker, 1)
        form.addRow("Preset", picker_row)
        risk_row = QHBoxLayout()
        risk_row.addWidget(self.risk_slider, 1)
        risk_row.addWidget(self.risk_value)
        form.addRow("Risk", risk_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button, 1)
        buttons.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.gdpr_toggle)
        column.addWidget(QLabel("Input (JSON)", self))
        column.addWidget(self.preview, 1)
        column.addWidget(self.problem_label)
        column.addWidget(self.scenario_label)
        column.addWidget(self.save_button)
        column.addWidget(self.dry_run_toggle)
        column.addLayout(buttons)

        self.preset_picker.currentIndexChanged.connect(self._on_preset)
        self.risk_slider.valueChanged.connect(self._on_slider)
        self.gdpr_toggle.toggled.connect(self._on_gdpr)
        self.preview.textChanged.connect(self._on_typed)
        self.run_button.clicked.connect(self.request_run)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.save_button.clicked.connect(self._ask_preset_name)
        for key, slot in (("F5", self.request_run), ("Shift+F5", self.cancel_requested.emit)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
        self.set_presets(presets or [])

    # --- presets --------------------------------------------------------------------

    def set_presets(self, presets: list[Any]) -> None:
        """Fill the picker (``Preset`` objects or ``(name, input)`` pairs); keeps the choice."""
        current = self.preset_picker.currentText()
        self._presets = {}
        for preset in presets:
            name, data = (preset.name, preset.input) if hasattr(preset, "name") else preset
            self._presets[name] = dict(data)
        with QSignalBlocker(self.preset_picker):
            self.preset_picker.clear()
            self.preset_picker.addItems(list(self._presets))
            index = self.preset_picker.findText(current)
            self.preset_picker.setCurrentIndex(max(index, 0))
        if not current and self._presets:
            self._on_preset(self.preset_picker.currentIndex())

    def choose_preset(self, name: str) -> None:
        index = self.preset_picker.findText(name)
        if index < 0:
            raise KeyError(name)
        if index == self.preset_picker.currentIndex():
            self._on_preset(index)
        else:
            self.preset_picker.setCurrentIndex(index)

    # --- the input --------------------------------------------------------------------

    @property
    def input(self) -> dict[str, Any] | None:
        """The run input, or None while the preview holds invalid JSON."""
        return None if self._input is None else dict(self._input)

    @property
    def problem(self) -> str | None:
        return self._problem

    @property
    def scenario(self) -> str:
        preset = self._presets.get(self.preset_picker.currentText())
        return self.preset_picker.currentText() if preset == self._input else CUSTOM

    def set_input(self, data: dict[str, Any], scenario: str | None = None) -> None:
        """Show ``data`` as the input (Run again); picks ``scenario``'s preset if it matches."""
        if scenario in self._presets and self._presets[scenario] == data:
            with QSignalBlocker(self.preset_picker):
                self.preset_picker.setCurrentIndex(self.preset_picker.findText(scenario))
        self._write(data)

    def set_busy(self, running: bool) -> None:
        """Whether the followed run is going (enables Cancel)."""
        self._busy = running
        self.cancel_button.setEnabled(running)

    def request_run(self) -> None:
        if self._input is None:
            self.problem_label.setText(f"Cannot run: {self._problem}")
            return
        self.run_requested.emit(RunRequest(dict(self._input), self.scenario,
                                           self.dry_run_toggle.isChecked()))

    def save_preset(self, name: str) -> None:
        if self._input is not None and name.strip():
            self.save_preset_requested.emit(name.strip(), dict(self._input))

    # --- reactions --------------------------------------------------------------------

    def _on_preset(self, index: int) -> None:
        name = self.preset_picker.itemText(index)
        if name in self._presets:
            self._write(dict(self._presets[name]))

    def _on_slider(self, value: int) -> None:
        self.risk_value.setText(f"{value / 100:.2f}")
        if self._input is not None:
            self._write({**self._input, "riskScore": round(value / 100, 2)})

    def _on_gdpr(self, on: bool) -> None:
        if self._input is None:
            return
        preset = self._presets.get(self.preset_picker.currentText(), {})
        email = preset.get("email") if isinstance(preset.get("email"), str) else GDPR_EMAIL
        self._write({**self._input, "email": email if on else None})

    def _on_typed(self) -> None:
        text = self.preview.toPlainText()
        try:
            value = jsonio.parse_json(text, what="input")
        except jsonio.JSONProblem as exc:
            self._set_problem(str(exc))
            return
        if not isinstance(value, dict):
            self._set_problem(f"the input must be a JSON object {{…}}, not {_kind(value)}")
            return
        self._input = value
        self._set_problem(None)
        self._sync_controls()

    def _write(self, data: dict[str, Any]) -> None:
        self._input = data
        text = jsonio.dumps_pretty(data)
        with QSignalBlocker(self.preview):
            if self.preview.toPlainText() != text:
                # an edit of the text, not a new text: Ctrl+Z in the input brings back what
                # was there (a hand-edited input a preset replaced is one key away)
                cursor = self.preview.textCursor()
                cursor.beginEditBlock()
                cursor.select(QTextCursor.SelectionType.Document)
                cursor.insertText(text)
                cursor.endEditBlock()
                cursor.movePosition(QTextCursor.MoveOperation.Start)
                self.preview.setTextCursor(cursor)
        self._set_problem(None)
        self._sync_controls()

    def _sync_controls(self) -> None:
        data = self._input or {}
        risk = data.get("riskScore")
        with QSignalBlocker(self.risk_slider):
            if is_number(risk) and isinstance(risk, int | float):
                self.risk_slider.setValue(round(min(max(float(risk), 0.0), 1.0) * 100))
        self.risk_value.setText(f"{self.risk_slider.value() / 100:.2f}")
        with QSignalBlocker(self.gdpr_toggle):
            self.gdpr_toggle.setChecked(bool(data.get("email")))
        self.scenario_label.setText(f"Scenario: {self.scenario}")

    def _set_problem(self, problem: str | None) -> None:
        self._problem = problem
        if problem is not None:
            self._input = None
        self.problem_label.setText(f"✗ {problem[:1].upper()}{problem[1:]}" if problem else "")
        self.problem_label.setVisible(problem is not None)
        self.run_button.setEnabled(problem is None)
        self.run_button.setToolTip(f"Fix the input first: {problem}" if problem else "Run (F5)")
        self.risk_slider.setEnabled(problem is None)
        self.gdpr_toggle.setEnabled(problem is None)
        if problem is None:
            self.scenario_label.setText(f"Scenario: {self.scenario}")

    def _ask_preset_name(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Save preset")
        dialog.setLabelText("Name of the new preset:")
        dialog.textValueSelected.connect(self.save_preset)
        dialog.open()  # not exec(): a nested loop would stall runs going on qasync


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number")
