"""The properties panel: edit the selected step, validated as you type.

Built from the step type's pydantic config model (not NodeGraphQt's
PropertiesBinWidget, which crashes on spin boxes and turns dicts into text).
Every edit is validated with the same model the loader uses, so what the panel
accepts is what a document may hold; a bad value shows its problem beside the
field and is not applied. Each applied edit is one entry in the undo history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from orchestrator_gui.core import lookalike
from orchestrator_gui.core.document import describe_error
from orchestrator_gui.core.paths import same_in_order
from orchestrator_gui.ui import icons
from orchestrator_gui.ui.canvas.editor import Canvas
from orchestrator_gui.ui.canvas.nodes import StepNode
from orchestrator_gui.ui.panels.experiment_form import ExperimentForm
from orchestrator_gui.ui.panels.fields import (
    NOT_SET,
    FieldEditor,
    FieldSpec,
    field_specs,
    fill_form,
)
from orchestrator_gui.ui.panels.rows_editor import RowsEditor

COMMON = (
    FieldSpec("id", "Step id", "text", "Unique within the experiment; other steps and "
              "run records refer to the step by it.", required=True),
    FieldSpec("name", "Name", "text", "What the step is called on the canvas and in runs.",
              required=True),
    FieldSpec("timeoutSeconds", "Timeout (s)", "number", "This step's own time limit; "
              "empty: the experiment's setting, else 30 s."),
)
WHOLE_CONFIG = FieldSpec("config", "Config", "json", "This type has no config model: any JSON object.")


class PropertiesPanel(QScrollArea):
    """Shows and edits the one selected step; says so when nothing or many are selected."""

    def __init__(self, canvas: Canvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.node: StepNode | None = None
        self.editors: dict[str, FieldEditor] = {}
        self.setObjectName("properties")
        self.setAccessibleName("Step properties")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.read_only = False
        self._connect(canvas, True)
        self.experiment_form: ExperimentForm | None = None
        # step id -> the fields that reached it in the run shown (completion in path cells)
        self.paths_of: Callable[[str], list[str]] = lambda _step_id: []
        self.show_node(None)

    def _connect(self, canvas: Canvas, on: bool) -> None:
        if on:
            canvas.selection_changed.connect(self.show_node)
            canvas.step_changed.connect(self._on_step_changed)
            canvas.changed.connect(self._on_canvas_changed)
        else:
            canvas.selection_changed.disconnect(self.show_node)
            canvas.step_changed.disconnect(self._on_step_changed)
            canvas.changed.disconnect(self._on_canvas_changed)

    def follow(self, canvas: Canvas, *, read_only: bool) -> None:
        """Show the steps of ``canvas`` (a past run's is shown ``read_only``: its config as
        it was then, nothing editable)."""
        if canvas is not self.canvas:
            self._connect(self.canvas, False)
            self.canvas = canvas
            self._connect(canvas, True)
        self.read_only = read_only
        chosen = canvas.selected()
        self.show_node(chosen[0] if len(chosen) == 1 else None)

    def editor(self, key: str) -> FieldEditor:
        """The editor of a field: ``id``, ``name``, ``timeoutSeconds`` or a config key."""
        return self.editors[key]

    # --- building -------------------------------------------------------------------

    def show_node(self, node: object) -> None:
        """Show ``node`` (a StepNode, or None for the empty state)."""
        node = node if isinstance(node, StepNode) else None
        self.node = node
        self.editors = {}
        body = QWidget()
        body.setObjectName("propertiesBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 12, 14, 14)
        layout.setSpacing(10)
        self.experiment_form = None
        if node is None and not self.canvas.selected():
            layout.addWidget(self._section("Experiment"))
            self.experiment_form = ExperimentForm(self.canvas, body)
            layout.addWidget(self.experiment_form)
            hint = QLabel("Select a step on the canvas to edit it here. Drag steps from the "
                          "palette, or press Tab on the canvas to add one by name.")
            hint.setObjectName("emptyHint")
            hint.setWordWrap(True)
            layout.addSpacing(8)
            layout.addWidget(hint)
            layout.addStretch(1)
            self.setWidget(body)
            return
        if node is None:
            count = len(self.canvas.selected())
            text = f"{count} steps selected.\nSelect one step to edit it."
            hint = QLabel(text)
            hint.setObjectName("emptyHint")
            hint.setWordWrap(True)
            hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addStretch(1)
            layout.addWidget(hint)
            layout.addStretch(2)
            self.setWidget(body)
            return
        layout.addLayout(self._header(node))
        layout.addWidget(self._section("Step"))
        layout.addLayout(self._form(COMMON))
        model = node.step_type.config_model
        layout.addWidget(self._section("Configuration"))
        specs = field_specs(model) if model is not None else [WHOLE_CONFIG]
        if specs:
            layout.addLayout(self._form(specs))
        else:
            layout.addWidget(QLabel("This step type has nothing to configure."))
        layout.addStretch(1)
        if self.read_only:
            note = QLabel("As it was for the run shown: read only.")
            note.setObjectName("readOnlyNote")
            note.setWordWrap(True)
            layout.insertWidget(0, note)
            for editor in self.editors.values():
                editor.control.setEnabled(False)
        self.setWidget(body)
        self._load_values()
        self.offer_paths()

    def offer_paths(self) -> None:
        """Give the selected step's row editors the paths that reached it in the run shown."""
        if self.node is None:
            return
        paths = self.paths_of(self.node.step_id())
        for editor in self.editors.values():
            if isinstance(editor.control, RowsEditor):
                editor.control.set_completions(paths)

    def _header(self, node: StepNode) -> QHBoxLayout:
        step_type = node.step_type
        row = QHBoxLayout()
        row.setSpacing(10)
        badge = QLabel()
        badge.setPixmap(icons.badge(step_type, 34))
        badge.setAccessibleName(f"{step_type.title} icon")
        row.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(2)
        title = QLabel(step_type.title)
        title.setObjectName("propertiesTitle")
        text.addWidget(title)
        about = QLabel(step_type.description or f"Step type {step_type.name!r}.")
        about.setObjectName("propertiesDescription")
        about.setWordWrap(True)
        text.addWidget(about)
        row.addLayout(text, 1)
        return row

    def _section(self, title: str) -> QLabel:
        label = QLabel(title.upper())
        label.setProperty("role", "section")
        return label

    def _form(self, specs: tuple[FieldSpec, ...] | list[FieldSpec]) -> QFormLayout:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: field below label
        fill_form(form, specs, self.editors, self._check, self._apply)
        return form

    # --- values ---------------------------------------------------------------------

    def _current(self, key: str) -> Any:
        node = self.node
        assert node is not None
        if key == "id":
            return node.step_id()
        if key == "name":
            return node.name()
        if key == "timeoutSeconds":
            value = node.get_property("step_timeout")
            return NOT_SET if value is None else value
        config = node.get_property("step_config")
        if key == "config":
            return config
        return config.get(key, NOT_SET)

    def _load_values(self) -> None:
        for key, editor in self.editors.items():
            editor.set_value(self._current(key))
            editor.set_error(None)

    def _on_canvas_changed(self) -> None:
        if self.experiment_form is not None:
            self.experiment_form.load()  # an undo, or another experiment opened

    def _on_step_changed(self, node: object, _name: str) -> None:
        if node is self.node:
            self._load_values()

    # --- validation and applying -------------------------------------------------------------

    def _candidate(self, key: str) -> tuple[str, Any, str | None]:
        """(node property, new value, problem) for what ``key``'s editor holds."""
        node = self.node
        assert node is not None
        value, problem = self.editors[key].value()
        if problem:
            return "", None, problem
        if key == "id":
            if value is NOT_SET or not str(value).strip():
                return "", None, "must not be empty"
            if len(value) > 64:
                return "", None, "must be at most 64 characters"
            if lookalike.has_edge_space(value):
                return "", None, f"must not start or end with white space ({lookalike.spell(value)})"
            clash = lookalike.clash_in(value, self.canvas.step_ids(exclude=node))
            if clash is not None:
                return "", None, lookalike.clash_message(value, clash, "another step")
            return "step_id", value, None
        if key == "name":
            if value is NOT_SET or not str(value).strip():
                return "", None, "must not be empty"
            if len(value) > 200:
                return "", None, "must be at most 200 characters"
            return "name", value, None
        if key == "timeoutSeconds":
            if value is not NOT_SET and (isinstance(value, bool) or value <= 0):
                return "", None, "must be a number of seconds > 0 (empty: the default)"
            return "step_timeout", None if value is NOT_SET else value, None
        if key == "config":
            config = {} if value is NOT_SET else value
            if not isinstance(config, dict):
                return "", None, "must be a JSON object"
        else:
            config = dict(node.get_property("step_config"))
            if value is NOT_SET:
                config.pop(key, None)
            else:
                config[key] = value
        try:
            node.step_type.parse_config(config)
        except ValidationError as exc:
            return "", None, self._config_problem(exc, key)
        except ValueError as exc:
            return "", None, str(exc)
        return "step_config", config, None

    def _config_problem(self, exc: ValidationError, key: str) -> str:
        model = self.node.step_type.config_model if self.node is not None else None
        errors = exc.errors(include_url=False)
        mine = [e for e in errors if e["loc"] and e["loc"][0] == key] or errors
        parts = []
        for err in mine:
            sub = ".".join(str(p) for p in err["loc"][1:])
            message = describe_error(err, model)
            parts.append(f"{sub}: {message}" if sub else message)
        return "; ".join(parts)

    def _check(self, key: str) -> bool:
        if self.node is None or key not in self.editors:
            return False
        _prop, _value, problem = self._candidate(key)
        self.editors[key].set_error(problem)
        return problem is None

    def _apply(self, key: str) -> None:
        """Apply ``key``'s value when it is valid; a bad value stays unapplied, its error shown."""
        node = self.node
        if node is None or key not in self.editors:
            return
        prop, value, problem = self._candidate(key)
        self.editors[key].set_error(problem)
        if problem is None and not same_in_order(node.get_property(prop), value):
            self.canvas.set_step_property(node, prop, value)

