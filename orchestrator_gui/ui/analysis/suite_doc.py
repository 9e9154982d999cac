"""The experiment's suite as part of the document on the canvas, edited undoably.

The suite lives in the document (``suite`` key), and the canvas holds the
document's top-level keys in ``Canvas.base``. Edits go through the canvas's
undo stack as one :class:`SetSuite` command each, so the unsaved marker, undo
and redo, Save and Export treat a suite edit like any step edit. The value is
validated by the core's ``Suite`` model before it is applied.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtGui import QUndoCommand

from orchestrator_gui.core.suite_model import Suite
from orchestrator_gui.ui.canvas.editor import Canvas


def suite_of(canvas: Canvas) -> Suite:
    """The suite of the document on the canvas (empty when it has none or it is invalid)."""
    raw = canvas.base.get("suite")
    if not isinstance(raw, dict):
        return Suite()
    try:
        return Suite.model_validate(raw)
    except ValueError:
        return Suite()


def suite_data(suite: Suite) -> dict[str, Any]:
    """The suite as the document writes it (camelCase, defaults left out)."""
    return suite.model_dump(mode="json", by_alias=True, exclude_defaults=True)


class SetSuite(QUndoCommand):
    """Replace the document's ``suite`` (``None`` removes the key)."""

    def __init__(self, canvas: Canvas, suite: dict[str, Any] | None, text: str) -> None:
        super().__init__(text)
        self.canvas = canvas
        self.before = copy.deepcopy(canvas.base.get("suite"))
        self.after = copy.deepcopy(suite)

    def _apply(self, value: dict[str, Any] | None) -> None:
        if value is None:
            self.canvas.base.pop("suite", None)
        else:
            self.canvas.base["suite"] = copy.deepcopy(value)

    def redo(self) -> None:
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)


def set_suite(canvas: Canvas, suite: Suite, text: str = "edit suite") -> bool:
    """Apply ``suite`` to the document as one undo step; False when nothing changes."""
    data: dict[str, Any] | None = suite_data(suite) if suite.scenarios or suite.dry_run else None
    if data == canvas.base.get("suite"):
        return False
    canvas.undo_stack.push(SetSuite(canvas, data, text))
    return True
