"""Icons for step types and the app, drawn from the SVGs in ``resources/icons``.

A step type names its icon (``StepType.icon``): a shipped icon name, or a path
to an SVG of its own (plugins). Unknown names fall back to the type's name and
then to a generic box, so a custom type always gets an icon. Glyphs are white
line drawings; the palette badge puts them on the type's colour so the same
colour + glyph pair identifies a type everywhere.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from orchestrator_gui import resources
from orchestrator_gui.core.registry import StepType

ALIASES = {
    "ai": "ai_decision", "brain": "ai_decision", "decision": "ai_decision",
    "shield": "compliance", "compliance_check": "compliance", "gdpr": "compliance",
    "chart": "metrics", "bar-chart": "metrics", "send": "webhook", "http": "webhook",
    "globe": "webhook", "map": "data_mapping", "mapping": "data_mapping",
    "shuffle": "transform", "log-in": "input", "box": "custom", "puzzle": "custom",
}


def glyph_path(icon: str, type_name: str = "") -> Path:
    """The SVG for an icon name (or an SVG path), else the type's name, else the generic box."""
    if icon.endswith(".svg") and Path(icon).is_file():
        return Path(icon)
    for name in (icon, ALIASES.get(icon, ""), type_name, ALIASES.get(type_name, "")):
        if name:
            candidate = resources.path("icons", f"{name}.svg")
            if candidate.is_file():
                return candidate
    return resources.path("icons", "custom.svg")


@lru_cache(maxsize=256)
def _render(path: str, size: int, ratio: float) -> QPixmap:
    pixels = max(1, round(size * ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(path).render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def glyph(step_type: StepType, size: int = 18, ratio: float = 2.0) -> QPixmap:
    """The type's white glyph, for drawing on its coloured header."""
    return _render(str(glyph_path(step_type.icon, step_type.name)), size, ratio)


@lru_cache(maxsize=128)
def _badge(path: str, color: str, size: int, ratio: float) -> QPixmap:
    pixels = max(1, round(size * ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawRoundedRect(QRectF(0, 0, pixels, pixels), pixels * 0.25, pixels * 0.25)
    inset = pixels * 0.2
    QSvgRenderer(path).render(painter, QRectF(inset, inset, pixels - 2 * inset, pixels - 2 * inset))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def badge(step_type: StepType, size: int = 22, ratio: float = 2.0) -> QPixmap:
    """The glyph on a rounded square of the type's colour (palette, properties header)."""
    return _badge(str(glyph_path(step_type.icon, step_type.name)), step_type.color, size, ratio)


def badge_icon(step_type: StepType) -> QIcon:
    return QIcon(badge(step_type, 22))


def app_icon() -> QIcon:
    return QIcon(str(resources.path("icons", "app.svg")))
