"""What assistive technology (and automation tools) read from the app's own widgets.

Qt describes its standard widgets itself (tables, trees, buttons). The run log
paints its own lines for speed, so without help a screen reader finds "Run
log", a scroll area, and nothing in it. :class:`LogAccessible` gives it the
role of a read-only text and the log's newest lines as its value, and the
log tells listeners when lines arrive, only while an assistive technology is
listening (``QAccessible.isActive()``), so the log costs nothing more otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QAccessibleInterface, QAccessibleValueChangeEvent
from PySide6.QtWidgets import QAccessibleWidget, QWidget

READ_LINES = 200  # the newest lines given as the value: enough to follow a run, bounded


class ReadableLines(Protocol):
    """A widget showing lines of text it paints itself."""

    def readable_lines(self) -> Sequence[str]: ...


class LogAccessible(QAccessibleWidget):
    """A self-painted list of lines, read as a read-only text of its newest lines."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget, QAccessible.Role.EditableText)

    def text(self, kind: QAccessible.Text) -> str:
        if kind == QAccessible.Text.Value:
            return value_of(self.widget())
        return super().text(kind)

    def state(self) -> QAccessible.State:
        state = super().state()
        state.readOnly = True
        state.multiLine = True
        return state


def value_of(widget: QWidget) -> str:
    lines = widget.readable_lines() if hasattr(widget, "readable_lines") else []
    return "\n".join(lines[-READ_LINES:])


_KINDS: list[type[QWidget]] = []


def _factory(_key: str, obj: QObject) -> QAccessibleInterface | None:
    for kind in _KINDS:
        if isinstance(obj, kind):
            return LogAccessible(obj)
    return None


def describe_lines(kind: type[QWidget]) -> None:
    """Have every ``kind`` widget read as its lines (once per kind)."""
    if kind in _KINDS:
        return
    if not _KINDS:
        QAccessible.installFactory(_factory)
    _KINDS.append(kind)


def lines_changed(widget: QWidget, text: Callable[[], str] | None = None) -> None:
    """Tell a listening assistive technology that ``widget``'s lines changed."""
    if QAccessible.isActive():
        QAccessible.updateAccessibility(
            QAccessibleValueChangeEvent(widget, text() if text else value_of(widget)))
