"""The experiment's own properties: what Properties shows when no step is selected.

Name, id, description and the experiment's limits (``settings``) are edited
here with the same field editors and rules as a step's, validated with the
document's own models (``core.document``), and each applied change is one
entry in the canvas's undo history ("Rename experiment"), so Ctrl+Z, the
unsaved marker and the window title follow it like any other edit.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QFormLayout, QWidget

from orchestrator_gui.core.document import EXPERIMENT_ID_PATTERN, Settings, describe_error
from orchestrator_gui.ui.canvas.editor import Canvas
from orchestrator_gui.ui.panels.fields import NOT_SET, FieldEditor, FieldSpec, fill_form

FIELDS = (
    FieldSpec("name", "Name", "text", "What the experiment is called in the library, the "
              "window title and every run.", required=True),
    FieldSpec("id", "Id", "text", "The library key and the id in run records: 1-64 letters, "
              "digits, '.', '-' or '_'.", required=True),
    FieldSpec("description", "Description", "text", "A sentence on what the experiment is for."),
    FieldSpec("maxDurationSeconds", "Run time limit (s)", "number",
              "The whole run's time limit; empty: the app's (Settings)."),
    FieldSpec("stepTimeoutSeconds", "Step time limit (s)", "number",
              "Each step's time limit unless the step sets its own; empty: the app's."),
)
SETTINGS_KEYS = ("maxDurationSeconds", "stepTimeoutSeconds")
LABELS = {"name": "Rename experiment", "id": "Change the experiment's id",
          "description": "Describe the experiment", "maxDurationSeconds": "Set the run time limit",
          "stepTimeoutSeconds": "Set the step time limit"}
_ID = re.compile(EXPERIMENT_ID_PATTERN)


def current(base: dict[str, Any], key: str) -> Any:
    """The document's value for ``key`` (a settings key is read inside ``settings``)."""
    holder = (base.get("settings") or {}) if key in SETTINGS_KEYS else base
    value = holder.get(key, NOT_SET) if isinstance(holder, dict) else NOT_SET
    return NOT_SET if value is None else value


def with_value(base: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """A copy of the document's top level with ``key`` set (NOT_SET removes it)."""
    out = dict(base)
    holder = out
    if key in SETTINGS_KEYS:
        holder = dict(out.get("settings") or {})
        out["settings"] = holder
    if value is NOT_SET:
        holder.pop(key, None)
    else:
        holder[key] = value
    if key in SETTINGS_KEYS and not holder:
        out.pop("settings", None)
    return out


def problem_of(key: str, value: Any) -> str | None:
    """Why ``value`` cannot be the experiment's ``key``, by the loader's rules; None if it can."""
    if key == "name":
        if value is NOT_SET or not str(value).strip():
            return "must not be empty"
        return "must be at most 200 characters" if len(value) > 200 else None
    if key == "id":
        if value is NOT_SET or not _ID.fullmatch(str(value)):
            return "must be 1-64 letters, digits, '.', '-' or '_'"
        return None
    if key in SETTINGS_KEYS and value is not NOT_SET:
        field = {"maxDurationSeconds": "max_duration_seconds",
                 "stepTimeoutSeconds": "step_timeout_seconds"}[key]
        try:
            Settings.model_validate({field: value})
        except ValidationError as exc:
            return "; ".join(describe_error(e, Settings) for e in exc.errors(include_url=False))
    return None


class DocumentEdit(QUndoCommand):
    """One change to the experiment's top level, undoable like a step edit."""

    def __init__(self, canvas: Canvas, before: dict[str, Any], after: dict[str, Any],
                 text: str) -> None:
        super().__init__(text)
        self.canvas, self.before, self.after = canvas, before, after

    def redo(self) -> None:
        self.canvas.base = dict(self.after)
        self.canvas.changed.emit()

    def undo(self) -> None:
        self.canvas.base = dict(self.before)
        self.canvas.changed.emit()


class ExperimentForm(QWidget):
    """Name, id, description and limits of the open experiment."""

    def __init__(self, canvas: Canvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.setObjectName("experimentForm")
        self.setAccessibleName("Experiment properties")
        self.editors: dict[str, FieldEditor] = {}
        self._shown: dict[str, Any] = {}  # what each field showed when last loaded or applied
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # each label above its field
        fill_form(form, FIELDS, self.editors, self._check, self._apply)
        self.load()

    def load(self) -> None:
        """Show the document's values; a field with typing not yet applied keeps it."""
        for key, editor in self.editors.items():
            if key in self._shown and editor.value()[0] != self._shown[key]:
                continue  # typed, not applied: never replaced under the cursor
            self._shown[key] = value = current(self.canvas.base, key)
            editor.set_value(value)
            editor.set_error(None)

    def _check(self, key: str) -> bool:
        value, problem = self.editors[key].value()
        problem = problem or problem_of(key, value)
        self.editors[key].set_error(problem)
        return problem is None

    def _apply(self, key: str) -> None:
        if not self._check(key):
            return
        value, _problem = self.editors[key].value()
        self._shown[key] = value
        before = self.canvas.base
        after = with_value(before, key, value)
        if after != before:
            self.canvas.undo_stack.push(DocumentEdit(self.canvas, before, after, LABELS[key]))
