"""Marks on the canvas where two runs part ways: "it started differing here".

Pure view state, like the run overlay's badges (``canvas/run_overlay.py``):
a child graphics item of the node that paints a dashed frame and a tag above
it. Nothing goes through NodeGraphQt's properties, so the undo history and
the unsaved marker never see it. Items are hidden, not removed, when cleared
(removing children of node views crashes NodeGraphQt, as the overlay found).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QWidget
from shiboken6 import isValid

from orchestrator_gui.ui.canvas.editor import Canvas
from orchestrator_gui.ui.canvas.layout import NODE_HEIGHT, NODE_WIDTH

MARK_COLOR = "#ff5f7e"


class DivergenceFlag(QGraphicsItem):
    """A dashed frame around the node and a tag above it naming what differs."""

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.text = ""
        self._font = QFont()
        self._font.setPointSizeF(9.5)
        self._font.setWeight(QFont.Weight.Bold)
        self._tag = QRectF()
        self.setZValue(6)

    def set_text(self, text: str) -> None:
        self.prepareGeometryChange()
        self.text = text
        width = QFontMetricsF(self._font).horizontalAdvance(text) + 18
        self._tag = QRectF(0, -32, width, 24)
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(-8, -34, max(NODE_WIDTH + 16, self._tag.width() + 8), NODE_HEIGHT + 42)

    def paint(self, painter: QPainter, option: Any, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(MARK_COLOR), 2.0, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(-6, -6, NODE_WIDTH + 12, NODE_HEIGHT + 12), 9, 9)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(MARK_COLOR))
        painter.drawRoundedRect(self._tag, 6, 6)
        painter.setFont(self._font)
        painter.setPen(QColor("#1a0d12"))
        painter.drawText(self._tag, Qt.AlignmentFlag.AlignCenter, self.text)


class DivergenceMark:
    """Shows at most one flag at a time on ``canvas`` (call ``show`` / ``clear``)."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.step_id: str | None = None
        self._flag: DivergenceFlag | None = None

    def show(self, step_id: str, reasons: list[str]) -> bool:
        """Flag ``step_id``; False when the canvas has no such step (removed since)."""
        self.clear()
        node = next((n for n in self.canvas.nodes() if n.step_id() == step_id), None)
        if node is None or not isValid(node.view):
            return False
        flag = node.item.kept("divergence_flag", lambda: DivergenceFlag(node.item))
        flag.set_text(f"≠ first divergence: {', '.join(reasons)}")
        flag.setVisible(True)
        self._flag, self.step_id = flag, step_id
        return True

    def clear(self) -> None:
        if self._flag is not None and isValid(self._flag):
            self._flag.setVisible(False)
        self._flag, self.step_id = None, None

    @property
    def visible_text(self) -> str | None:
        flag = self._flag
        return flag.text if flag is not None and isValid(flag) and flag.isVisible() else None
