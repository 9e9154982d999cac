"""Field editors generated from a pydantic config model, one per field kind.

Each editor turns what the user typed into a JSON value (or "not set", which
means the model's default applies and the key stays out of the document) and
shows a problem beside itself. Editors never apply anything: the properties
panel validates the whole config with the type's model and decides.
"""

from __future__ import annotations

import enum
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from orchestrator_gui.core import jsonio, numbers
from orchestrator_gui.ui.panels.rows_editor import NOT_SET, RowsEditor, same_value

__all__ = ["NOT_SET", "FieldEditor", "FieldSpec", "describe", "field_specs", "fill_form"]



@dataclass(frozen=True)
class FieldSpec:
    """What an editor needs to know about one field."""

    key: str  # the document key (camelCase alias)
    label: str
    kind: str  # "text", "number", "bool", "choice", "mapping", "list", "json"
    description: str = ""
    default: Any = NOT_SET
    choices: tuple[Any, ...] = ()
    required: bool = False


def _kind(annotation: Any) -> tuple[str, tuple[Any, ...]]:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _kind(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _kind(args[0])
        if all(_kind(a)[0] == "number" for a in args):
            return "number", ()
        return "json", ()
    if origin is Literal:
        return "choice", get_args(annotation)
    if origin is dict and get_args(annotation) == (str, str):
        return "mapping", ()
    if origin is list and get_args(annotation) == (str,):
        return "list", ()
    if annotation is bool:
        return "bool", ()
    if annotation in (int, float):
        return "number", ()
    if annotation is str:
        return "text", ()
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "choice", tuple(m.value for m in annotation)
    return "json", ()


def _label(key: str) -> str:
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in key).replace("_", " ")
    return words.strip().capitalize()


def field_specs(model: type[Any]) -> list[FieldSpec]:
    """One spec per field of a pydantic model, in declaration order."""
    specs = []
    for name, info in model.model_fields.items():
        assert isinstance(info, FieldInfo)
        key = info.alias or name
        kind, choices = _kind(info.annotation)
        default: Any = NOT_SET
        if info.default is not PydanticUndefined:
            default = info.default
        elif info.default_factory is not None:
            default = info.default_factory()  # type: ignore[call-arg]
        if isinstance(default, enum.Enum):
            default = default.value
        elif isinstance(default, BaseModel):
            default = default.model_dump(mode="json", by_alias=True)
        specs.append(FieldSpec(key=key, label=_label(key), kind=kind,
                               description=info.description or "", default=default,
                               choices=choices, required=info.is_required()))
    return specs


def describe(value: Any) -> str:
    if value is NOT_SET:
        return ""
    if isinstance(value, str):
        return value
    try:
        return jsonio.dumps(value).decode("utf-8")
    except TypeError:
        return str(value)


class FieldEditor(QWidget):
    """One field: its input control and, under it, the problem with what was typed."""

    edited = Signal()  # the text changed: validate now
    committed = Signal()  # the user is done with it: apply if valid

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"field_{spec.key}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.control = self._make_control()
        self.control.setObjectName(f"edit_{spec.key}")
        self.control.setAccessibleName(spec.label)
        self.control.setAccessibleDescription(spec.description)
        self.control.setToolTip(spec.description)
        layout.addWidget(self.control)
        self.error = QLabel(self)
        self.error.setObjectName(f"error_{spec.key}")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.setAccessibleName(f"{spec.label}: problem")
        self.error.hide()
        layout.addWidget(self.error)
        self._idle = QTimer(self, singleShot=True, interval=900)
        self._idle.timeout.connect(self.committed)

    # --- control per kind -------------------------------------------------------------

    def _make_control(self) -> QWidget:
        spec = self.spec
        hint = f"default: {describe(spec.default)}" if spec.default is not NOT_SET else ""
        if spec.kind == "bool":
            box = QCheckBox(spec.label, self)
            box.toggled.connect(self.committed)
            return box
        if spec.kind == "choice":
            combo = QComboBox(self)
            if not spec.required:
                combo.addItem(f"Default ({describe(spec.default)})", NOT_SET)
            for choice in spec.choices:
                combo.addItem(describe(choice), choice)
            combo.activated.connect(self.committed)
            return combo
        if spec.kind in ("mapping", "list"):
            rows = RowsEditor(mapping=spec.kind == "mapping", parent=self)
            rows.changed.connect(self._typed)
            rows.committed.connect(self.committed)
            return rows
        if spec.kind == "json":
            text = QPlainTextEdit(self)
            text.setPlaceholderText(hint or "JSON")
            text.setTabChangesFocus(True)
            text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            text.setFixedHeight(74)
            text.textChanged.connect(self._typed)
            text.installEventFilter(self)
            return text
        line = QLineEdit(self)
        line.setPlaceholderText(hint or ("required" if spec.required else ""))
        line.setClearButtonEnabled(True)
        line.textEdited.connect(self._typed)
        line.editingFinished.connect(self.committed)
        return line

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.control and event.type() == QEvent.Type.FocusOut:
            self.committed.emit()
        return False

    def _typed(self, *_args: Any) -> None:
        self.edited.emit()
        self._idle.start()

    # --- value ------------------------------------------------------------------------

    def value(self) -> tuple[Any, str | None]:
        """(value or NOT_SET, problem with the text or None)."""
        control = self.control
        if isinstance(control, QCheckBox):
            return control.isChecked(), None
        if isinstance(control, QComboBox):
            return control.currentData(), None
        if isinstance(control, RowsEditor):
            return control.value()
        text = (control.toPlainText() if isinstance(control, QPlainTextEdit)
                else control.text())  # type: ignore[attr-defined]
        if not text.strip():
            return NOT_SET, None
        if self.spec.kind == "text":
            return text, None
        if self.spec.kind == "number":
            number: int | float
            try:
                number = int(text.strip())
            except ValueError:
                try:
                    number = float(text.strip())
                except ValueError:
                    return NOT_SET, f"must be a number, such as 0.7 (not {text.strip()!r})"
            unkept = numbers.find_unkept_number(number)
            if unkept is not None:  # beyond 64 bits, nan, inf: JSON would not keep it
                return NOT_SET, unkept.detail()
            return number, None
        try:
            return jsonio.parse_json(text.encode("utf-8"), what="value"), None
        except jsonio.JSONProblem as exc:
            return NOT_SET, str(exc)

    def set_value(self, value: Any) -> None:
        """Show ``value`` (NOT_SET shows the default) without emitting anything."""
        control = self.control
        control.blockSignals(True)
        try:
            if isinstance(control, QCheckBox):
                shown = self.spec.default if value is NOT_SET else value
                control.setChecked(bool(shown) if shown is not NOT_SET else False)
            elif isinstance(control, QComboBox):
                index = next((i for i in range(control.count()) if control.itemData(i) == value
                              and control.itemData(i) is not NOT_SET), -1)
                control.setCurrentIndex(max(0, index) if value is not NOT_SET else 0)
            elif isinstance(control, RowsEditor):
                control.set_value(value)
            elif isinstance(control, QPlainTextEdit):
                typed, problem = self.value()
                if problem is not None or not same_value(typed, value):
                    # what was typed is left as typed (never reformatted under the cursor)
                    # when it already says ``value``
                    text = "" if value is NOT_SET else jsonio.dumps_pretty(value)
                    control.setPlainText(text)
            else:
                text = "" if value is NOT_SET else describe(value)
                if control.text() != text:  # type: ignore[attr-defined]
                    control.setText(text)  # type: ignore[attr-defined]
                    control.setCursorPosition(0)  # type: ignore[attr-defined]  # its start shows
        finally:
            control.blockSignals(False)
        self._idle.stop()

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.control.setProperty("invalid", bool(message))
        self.control.style().unpolish(self.control)
        self.control.style().polish(self.control)


def fill_form(form: QFormLayout, specs: Sequence[FieldSpec], editors: dict[str, FieldEditor],
              check: Callable[[str], object], apply: Callable[[str], object]) -> None:
    """One labelled editor per spec in ``form`` (kept in ``editors`` by key): ``check(key)``
    as the user types, ``apply(key)`` when they are done with the field."""
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setHorizontalSpacing(10)
    form.setVerticalSpacing(8)
    for spec in specs:
        editor = FieldEditor(spec)
        editor.edited.connect(lambda key=spec.key: check(key))
        editor.committed.connect(lambda key=spec.key: apply(key))
        editors[spec.key] = editor
        label = QLabel("" if spec.kind == "bool" else spec.label)
        label.setBuddy(editor.control)
        label.setToolTip(spec.description)
        form.addRow(label, editor)
