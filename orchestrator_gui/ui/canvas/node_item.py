"""How a step looks on the canvas: a card with its type's colour, icon, name, type and id.

NodeGraphQt's stock node is a flat box with its name on top; ours is drawn here
so that the type reads at a glance and so that marks that must not enter the
undo history (a fault in the chain, later a run status) are plain view state:
``set_fault`` and ``set_badge`` only repaint.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPixmap

from orchestrator_gui.ui.canvas.graph_adapter import CardItem
from orchestrator_gui.ui.canvas.layout import NODE_HEIGHT, NODE_WIDTH

BODY = QColor("#262b35")
BODY_SELECTED = QColor("#2e3543")
BORDER = QColor("#3a4150")
SELECTED = QColor("#7aa2f7")
FAULT = QColor("#f05252")
TEXT = QColor("#e6e9ef")
SUBTEXT = QColor("#98a1b3")


SUBTITLE_SEPARATOR = "  ·  "


class StepNodeItem(CardItem):
    """The graphics item of a step node (drawn by us, positioned by NodeGraphQt)."""

    CARD_SIZE = (NODE_WIDTH, NODE_HEIGHT)

    def __init__(self, name: str = "step", parent: Any = None) -> None:
        super().__init__(name, parent)
        self.accent = QColor("#7f8c8d")
        self.glyph: QPixmap | None = None
        self.subtitle = ""  # "Type  ·  step-id" (SUBTITLE_SEPARATOR between)
        self.fault: str | None = None
        self.badge: tuple[str, QColor] | None = None

    # --- marks outside the undo history -------------------------------------------

    def set_fault(self, message: str | None) -> None:
        self.fault = message
        self.setToolTip(message or "")
        self.update()

    def set_badge(self, text: str | None, color: str = "#98a1b3") -> None:
        self.badge = (text, QColor(color)) if text else None
        self.update()

    # --- painting -----------------------------------------------------------------------

    def paint_card(self, painter: QPainter, option: Any, widget: Any) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(0.5, 0.5, NODE_WIDTH - 1, NODE_HEIGHT - 1)
        radius = 8.0
        shape = QPainterPath()
        shape.addRoundedRect(rect, radius, radius)
        painter.fillPath(shape, BODY_SELECTED if self.selected else BODY)

        # the type's colour as a band on the left edge
        painter.save()
        painter.setClipPath(shape)
        painter.fillRect(QRectF(rect.left(), rect.top(), 5, rect.height()), self.accent)
        painter.restore()

        # icon badge
        icon_rect = QRectF(16, (NODE_HEIGHT - 30) / 2, 30, 30)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.accent)
        painter.drawRoundedRect(icon_rect, 7, 7)
        if self.glyph is not None:
            inset = 6.0
            painter.drawPixmap(icon_rect.adjusted(inset, inset, -inset, -inset).toRect(), self.glyph)

        # name and subtitle, elided to the card
        text_left = icon_rect.right() + 10
        text_width = NODE_WIDTH - text_left - 16
        name_font = QFont(painter.font())
        name_font.setPointSizeF(10.0)
        name_font.setWeight(QFont.Weight.DemiBold)
        sub_font = QFont(painter.font())
        sub_font.setPointSizeF(8.0)
        name = QFontMetricsF(name_font).elidedText(self.name, Qt.TextElideMode.ElideRight, text_width)
        sub = elided_subtitle(self.subtitle, QFontMetricsF(sub_font), text_width)
        painter.setFont(name_font)
        painter.setPen(TEXT)
        painter.drawText(QRectF(text_left, 13, text_width, 22),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        painter.setFont(sub_font)
        painter.setPen(SUBTEXT)
        painter.drawText(QRectF(text_left, 35, text_width, 18),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, sub)

        if self.badge is not None:
            self._paint_badge(painter, *self.badge)

        # border: fault beats selection beats the resting outline
        if self.fault:
            pen = QPen(FAULT, 2.2)
        elif self.selected:
            pen = QPen(SELECTED, 1.8)
        else:
            pen = QPen(BORDER, 1.0)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(shape)
        if self.fault:
            self._paint_badge(painter, "!", FAULT, corner=True)
        painter.restore()

    def _paint_badge(
        self, painter: QPainter, text: str, color: QColor, corner: bool = False
    ) -> None:
        font = QFont(painter.font())
        font.setPointSizeF(7.5)
        font.setWeight(QFont.Weight.Bold)
        width = max(18.0, QFontMetricsF(font).horizontalAdvance(text) + 12)
        box = (QRectF(NODE_WIDTH - 26, 8, 18, 18) if corner
               else QRectF(NODE_WIDTH - width - 10, 8, width, 16))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(box, 9, 9)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def elided_subtitle(subtitle: str, metrics: QFontMetricsF, width: float) -> str:
    """``Type  ·  step-id`` cut to ``width``: the id stays whole (it is what people look
    for), the type's title is shortened first, at a word's end when it can be."""
    kind, sep, ident = subtitle.rpartition(SUBTITLE_SEPARATOR)
    if not sep or metrics.horizontalAdvance(subtitle) <= width:
        return metrics.elidedText(subtitle, Qt.TextElideMode.ElideRight, width)
    room = width - metrics.horizontalAdvance(sep + ident)
    if room < metrics.horizontalAdvance("Wo…"):
        return metrics.elidedText(ident, Qt.TextElideMode.ElideRight, width)
    words = kind.split(" ")
    while len(words) > 1 and metrics.horizontalAdvance(" ".join(words) + "…") > room:
        words.pop()
    short = " ".join(words)
    short = short if short == kind else short + "…"
    return metrics.elidedText(short, Qt.TextElideMode.ElideRight, room) + sep + ident
