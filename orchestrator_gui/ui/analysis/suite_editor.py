"""Editing the experiment's scenario suite: named inputs and what each run must show.

Scenarios come from presets, from the simulator's input, typed in, or
imported from CSV/JSONL (``core/suite_import.load_scenarios``). A scenario's
edits are checked as typed with the core's own rules (``parse_expectation``,
the ``Suite`` model) and applied when valid (Enter, leaving a field, or a
pause in typing) as one undo step on the canvas (``suite_doc.set_suite``):
the suite is part of the experiment, saved and exported with it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from orchestrator_gui.core import jsonio, lookalike
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.suite_import import load_scenarios
from orchestrator_gui.core.suite_model import Scenario, Suite, parse_expectation
from orchestrator_gui.ui.analysis.suite_doc import set_suite, suite_of
from orchestrator_gui.ui.canvas.editor import Canvas

APPLY_AFTER_MS = 600
HINT = ('One per line, PATH OP VALUE: status == "filtered", decision.outcome == "above", '
        "compliance.passed == false, steps.ai-1.status in [\"success\"], error.type exists")


def unique_name(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name} ({number})", number + 1
    return candidate


class SuiteEditor(QWidget):
    """The scenario list and the form of the chosen scenario."""

    problem_changed = Signal(str)  # "" when everything typed is applied

    def __init__(self, canvas: Canvas, presets: Callable[[], list[Any]],
                 current_input: Callable[[], dict[str, Any] | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas, self._presets, self._current_input = canvas, presets, current_input
        self.suite = suite_of(canvas)
        self.scenarios = QListWidget()
        self.scenarios.setObjectName("suiteScenarios")
        self.scenarios.setAccessibleName("Scenarios of the suite")
        self.add_button = QToolButton()
        self.add_button.setObjectName("addScenarioButton")
        self.add_button.setText("+  Add scenario")
        self.add_button.setAccessibleName("Add a scenario")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_menu = QMenu(self.add_button)
        self.add_menu.aboutToShow.connect(self._fill_add_menu)
        self.add_button.setMenu(self.add_menu)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeScenarioButton")
        self.remove_button.setAccessibleName("Remove the chosen scenario")
        self.dry_run = QCheckBox("Run as dry runs (webhooks send nothing)")
        self.dry_run.setObjectName("suiteDryRun")
        self.name = QLineEdit()
        self.name.setObjectName("scenarioName")
        self.name.setAccessibleName("Scenario name")
        self.input = QPlainTextEdit()
        self.input.setObjectName("scenarioInput")
        self.input.setAccessibleName("Scenario input (JSON)")
        self.expect = QPlainTextEdit()
        self.expect.setObjectName("scenarioExpect")
        self.expect.setAccessibleName("Expectations, one per line")
        self.expect.setPlaceholderText('decision.outcome == "above"\ncompliance.passed == false')
        self.problem = QLabel()
        self.problem.setObjectName("scenarioProblem")
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #7f889b; font-size: 9pt;")

        left = QVBoxLayout()
        left.addWidget(self.scenarios, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button, 1)
        buttons.addWidget(self.remove_button)
        left.addLayout(buttons)
        left.addWidget(self.dry_run)
        self.form = QWidget()
        form = QFormLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Name", self.name)
        form.addRow("Input", self.input)
        form.addRow("Expect", self.expect)
        form.addRow("", hint)
        form.addRow("", self.problem)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(left, 2)
        row.addWidget(self.form, 3)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(APPLY_AFTER_MS)
        self._timer.timeout.connect(self.apply_now)
        self._loading = False
        for edit in (self.input, self.expect):
            edit.textChanged.connect(self._typed)
        self.name.textEdited.connect(self._typed)
        self.name.editingFinished.connect(self.apply_now)
        self.scenarios.currentRowChanged.connect(self._show_row)
        self.remove_button.clicked.connect(self.remove_current)
        self.dry_run.toggled.connect(self._dry_run_toggled)
        canvas.changed.connect(self.reload)
        self.reload(force=True)

    # --- commands ---------------------------------------------------------------------

    def add_scenario(self, name: str, data: dict[str, Any] | None = None,
                     expect: list[str] | None = None) -> Scenario:
        taken = {s.name for s in self.suite.scenarios}
        scenario = Scenario(name=unique_name(name, taken), input=dict(data or {}),
                            expect=list(expect or []))
        self._commit([*self.suite.scenarios, scenario], f"add scenario {scenario.name}")
        self.scenarios.setCurrentRow(len(self.suite.scenarios) - 1)
        return scenario

    def import_file(self, path: str | Path | None = None) -> int:
        """Add the scenarios of a CSV/JSONL file; every problem shown with its line."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import scenarios", "",
                                                  "Scenarios (*.csv *.jsonl);;All files (*)")
            if not path:
                return 0
        try:
            loaded = load_scenarios(path)
        except (ExperimentError, OSError) as exc:
            problems = getattr(exc, "problems", None) or [str(exc)]
            self._set_problem(f"Nothing imported from {Path(path).name}:\n" + "\n".join(problems))
            return 0
        taken = {s.name for s in self.suite.scenarios}
        added = []
        for scenario in loaded:
            name = unique_name(scenario.name, taken)
            taken.add(name)
            added.append(scenario.model_copy(update={"name": name}))
        self._commit([*self.suite.scenarios, *added], f"import {len(added)} scenarios")
        self._set_problem("")
        return len(added)

    def remove_current(self) -> None:
        row = self.scenarios.currentRow()
        if 0 <= row < len(self.suite.scenarios):
            rest = [s for i, s in enumerate(self.suite.scenarios) if i != row]
            self._commit(rest, f"remove scenario {self.suite.scenarios[row].name}")

    def apply_now(self) -> bool:
        """Apply the form to the chosen scenario if it is valid; False with the reason shown."""
        self._timer.stop()
        row = self.scenarios.currentRow()
        if self._loading or not 0 <= row < len(self.suite.scenarios):
            return False
        problems: list[str] = []
        try:
            data = jsonio.parse_json(self.input.toPlainText() or "{}", what="input")
            if not isinstance(data, dict):
                problems.append("Input: write a JSON object, as in {\"riskScore\": 0.9}")
        except jsonio.JSONProblem as exc:
            problems.append(f"Input: {exc}")
            data = {}
        lines = [line.strip() for line in self.expect.toPlainText().splitlines()]
        for number, line in enumerate(lines, start=1):
            if line:
                try:
                    parse_expectation(line)
                except ValueError as exc:
                    problems.append(f"Expect line {number}: {exc}")
        name = self.name.text().strip()
        if not name:
            problems.append("Name: give the scenario a name")
        else:
            others = [s.name for i, s in enumerate(self.suite.scenarios) if i != row]
            clash = lookalike.clash_in(name, others)
            if clash is not None:
                problems.append("Name: " + lookalike.clash_message(name, clash, "another scenario"))
        if problems:
            self._set_problem("\n".join(problems) + "\nNot applied until fixed.")
            return False
        scenario = self.suite.scenarios[row].model_copy(
            update={"name": name, "input": data, "expect": [x for x in lines if x]})
        scenarios = list(self.suite.scenarios)
        scenarios[row] = scenario
        self._set_problem("")
        self._commit(scenarios, f"edit scenario {name}")
        return True

    def reload(self, force: bool = False) -> None:
        """Follow the document (after undo/redo or loading another experiment)."""
        suite = suite_of(self.canvas)
        if not force and suite == self.suite:
            return
        row = self.scenarios.currentRow()
        self.suite = suite
        self._loading = True
        self.scenarios.clear()
        for scenario in suite.scenarios:
            count = len(scenario.expect)
            self.scenarios.addItem(f"{scenario.name}   ·  {count} expectation{'s' * (count != 1)}")
        self.dry_run.setChecked(suite.dry_run)
        self._loading = False
        self.scenarios.setCurrentRow(min(max(row, 0), len(suite.scenarios) - 1))
        self._show_row(self.scenarios.currentRow())

    # --- internals --------------------------------------------------------------------

    def _commit(self, scenarios: list[Scenario], text: str) -> None:
        try:
            suite = Suite(scenarios=scenarios, dry_run=self.dry_run.isChecked())
        except ValidationError as exc:
            self._set_problem(str(exc.errors()[0].get("msg", exc)))
            return
        set_suite(self.canvas, suite, text)
        self.reload()

    def _dry_run_toggled(self, on: bool) -> None:
        if not self._loading:
            self._commit(list(self.suite.scenarios), "suite dry run on" if on else "suite dry run off")

    def _typed(self, *_args: Any) -> None:
        if not self._loading:
            self._timer.start()

    def _show_row(self, row: int) -> None:
        scenario = self.suite.scenarios[row] if 0 <= row < len(self.suite.scenarios) else None
        self._loading = True
        self.form.setEnabled(scenario is not None)
        self.remove_button.setEnabled(scenario is not None)
        self.name.setText(scenario.name if scenario else "")
        self.input.setPlainText(jsonio.dumps_pretty(scenario.input) if scenario else "")
        self.expect.setPlainText("\n".join(scenario.expect) if scenario else "")
        self._loading = False
        self._set_problem("")

    def _set_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        self.problem_changed.emit(text)

    def _fill_add_menu(self) -> None:
        menu = self.add_menu
        menu.clear()
        _item(menu, "Empty scenario", lambda: self.add_scenario("New scenario"))
        _item(menu, "From the simulator's input",
              lambda: self.add_scenario("Simulator input", self._current_input() or {}))
        presets = QMenu("From a preset", menu)
        menu.addMenu(presets)
        for preset in self._presets():
            _item(presets, preset.name, self._adder(preset.name, preset.input))
        menu.addSeparator()
        _item(menu, "Import CSV or JSONL…", lambda: self.import_file())

    def _adder(self, name: str, data: dict[str, Any]) -> Callable[[], object]:
        return lambda: self.add_scenario(name, data)


def _item(menu: QMenu, text: str, slot: Callable[[], object]) -> None:
    action = QAction(text, menu)
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
