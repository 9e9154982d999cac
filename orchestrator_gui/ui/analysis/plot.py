"""A small plot of a sweep: the outcome against the swept value, flips marked.

PySide6-Essentials ships no QtCharts, and one chart does not justify the
full PySide6 (hundreds of MB), so this is a QPainter widget. Outcomes that
are all numbers get a numeric axis; anything else (``"above"``/``"below"``,
statuses, booleans) gets one band per distinct value. Each grid row is one
series; a flip (``Sweep.flips()``) is a dashed line halfway between the two
neighbouring values whose outcomes differ, labelled ``below → above``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from orchestrator_gui.core.jsondiff import same
from orchestrator_gui.core.paths import is_number
from orchestrator_gui.core.sweeps import Flip, Sweep
from orchestrator_gui.ui.analysis.style import MUTED, SERIES, short

MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 110.0, 24.0, 80.0, 52.0


def label(value: Any, width: int = 16) -> str:
    """A value as painted: text without JSON quotes, anything else as JSON."""
    return value if isinstance(value, str) and len(value) <= width else short(value, width)


def series_name(sweep: Sweep, key: str) -> str:
    return f"{sweep.grid_field}={key}" if sweep.grid_field else sweep.watch


class SweepPlot(QWidget):
    """Draws one :class:`Sweep`; ``categories`` and ``flip_labels`` say what is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sweepPlot")
        self.setAccessibleName("Outcome against the swept value")
        self.setMinimumSize(480, 280)
        self.sweep: Sweep | None = None
        self.numeric = False
        self.categories: list[Any] = []
        self.flip_labels: list[str] = []

    def set_sweep(self, sweep: Sweep | None) -> None:
        self.sweep = sweep
        outcomes = [r.outcome for r in sweep.rows] if sweep else []
        self.numeric = bool(outcomes) and all(is_number(o) for o in outcomes)
        self.categories = []
        for row in sorted(sweep.rows if sweep else [], key=lambda r: r.value):
            if not any(same(row.outcome, c) for c in self.categories):
                self.categories.append(row.outcome)
        self.flip_labels = [self._flip_text(f) for f in (sweep.flips() if sweep else [])]
        self.setAccessibleDescription("; ".join(self.flip_labels) or "no flip")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(760, 380)

    # --- geometry ---------------------------------------------------------------------

    def _area(self) -> QRectF:
        return QRectF(MARGIN_LEFT, MARGIN_TOP, self.width() - MARGIN_LEFT - MARGIN_RIGHT,
                      self.height() - MARGIN_TOP - MARGIN_BOTTOM)

    def _x(self, value: float) -> float:
        assert self.sweep is not None
        low, high = min(self.sweep.values), max(self.sweep.values)
        area = self._area()
        span = (high - low) or 1.0
        return area.left() + (value - low) / span * area.width()

    def _y(self, outcome: Any, series: int, count: int) -> float:
        area = self._area()
        if self.numeric:
            values = [float(r.outcome) for r in self.sweep.rows] if self.sweep else [0.0]
            low, high = min(values), max(values)
            span = (high - low) or 1.0
            return area.bottom() - (float(outcome) - low) / span * area.height()
        index = next((i for i, c in enumerate(self.categories) if same(c, outcome)), 0)
        band = area.height() / max(1, len(self.categories))
        spread = min(10.0, band / 4) * (series - (count - 1) / 2)
        return area.bottom() - band * (index + 0.5) + spread

    def _flip_text(self, flip: Flip) -> str:
        where = ""
        if self.sweep is not None and self.sweep.grid_field:
            where = f"{self.sweep.grid_field}={short(flip.grid_value, 24)}: "
        return f"{where}{short(flip.before, 20)} → {short(flip.after, 20)} " \
               f"between {flip.low:g} and {flip.high:g}"

    # --- painting ---------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#15181e"))
        if self.sweep is None or not self.sweep.rows:
            painter.setPen(QColor(MUTED))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "Run a sweep to plot its outcome here.")
            return
        self._axes(painter)
        series = self.sweep.series()
        for number, (_key, points) in enumerate(series.items()):
            self._series(painter, points, SERIES[number % len(SERIES)], number, len(series))
        self._flips(painter, list(series))
        self._legend(painter, list(series))
        painter.end()

    def _axes(self, painter: QPainter) -> None:
        assert self.sweep is not None
        area = self._area()
        small = QFont()
        small.setPointSizeF(8.5)
        painter.setFont(small)
        grid_pen = QPen(QColor("#2a2f3a"), 1.0)
        if self.numeric:
            values = [float(r.outcome) for r in self.sweep.rows]
            low, high = min(values), max(values)
            ticks = [low + (high - low) * i / 4 for i in range(5)]
            levels = [(f"{t:.3g}", t) for t in ticks]
        else:
            levels = [(label(c), c) for c in self.categories]
        for text, value in levels:
            y = self._y(value, 0, 1)
            painter.setPen(grid_pen)
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(QColor("#c9cfdb"))
            painter.drawText(QRectF(4, y - 10, MARGIN_LEFT - 12, 20),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        values = sorted(set(self.sweep.values))
        step = max(1, len(values) // 10)
        for value in values[::step]:
            x = self._x(value)
            painter.setPen(grid_pen)
            painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
            painter.setPen(QColor("#98a1b3"))
            painter.drawText(QRectF(x - 30, area.bottom() + 4, 60, 18),
                             Qt.AlignmentFlag.AlignCenter, f"{value:g}")
        painter.setPen(QPen(QColor("#4a5264"), 1.2))
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        painter.drawLine(area.bottomLeft(), area.topLeft())
        painter.setPen(QColor("#c9cfdb"))
        painter.drawText(QRectF(area.left(), area.bottom() + 24, area.width(), 20),
                         Qt.AlignmentFlag.AlignCenter, self.sweep.field)
        painter.drawText(QRectF(4, 8, 400, 20), Qt.AlignmentFlag.AlignLeft,
                         f"{self.sweep.plotted()} by {self.sweep.field}")

    def _series(self, painter: QPainter, points: list[tuple[float, Any]], color: str,
                number: int, count: int) -> None:
        path = QPainterPath()
        coords = [QPointF(self._x(v), self._y(o, number, count)) for v, o in points]
        for index, point in enumerate(coords):
            if index == 0:
                path.moveTo(point)
            elif self.numeric:
                path.lineTo(point)
            else:  # categorical: hold the level, jump at the flip
                middle = (coords[index - 1].x() + point.x()) / 2
                path.lineTo(QPointF(middle, coords[index - 1].y()))
                path.lineTo(QPointF(middle, point.y()))
                path.lineTo(point)
        painter.setPen(QPen(QColor(color), 2.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setBrush(QColor(color))
        painter.setPen(QPen(QColor("#15181e"), 1.5))
        for point in coords:
            painter.drawEllipse(point, 4.5, 4.5)

    def _flips(self, painter: QPainter, keys: list[str]) -> None:
        assert self.sweep is not None
        area = self._area()
        small = QFont()
        small.setPointSizeF(8.5)
        small.setBold(True)
        painter.setFont(small)
        for index, flip in enumerate(self.sweep.flips()):
            key = "" if self.sweep.grid_field is None else short(flip.grid_value, 10_000)
            color = QColor(SERIES[keys.index(key) % len(SERIES)] if key in keys else "#ff5f7e")
            x = (self._x(flip.low) + self._x(flip.high)) / 2
            painter.setPen(QPen(color, 1.4, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, area.top() - 4), QPointF(x, area.bottom()))
            text = f"{label(flip.before, 14)} → {label(flip.after, 14)}"
            width = painter.fontMetrics().horizontalAdvance(text) + 14
            row = index % max(1, len(keys))  # one row of tags per series: no overlap
            box = QRectF(min(x - width / 2, area.right() - width), area.top() - 46 + 20 * row,
                         width, 18)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(box, 5, 5)
            painter.setPen(QColor("#10131a"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _legend(self, painter: QPainter, keys: list[str]) -> None:
        if self.sweep is None or not self.sweep.grid_field:
            return
        small = QFont()
        small.setPointSizeF(8.5)
        painter.setFont(small)
        x = self.width() - MARGIN_RIGHT
        for number, key in reversed(list(enumerate(keys))):
            text = series_name(self.sweep, key)
            width = painter.fontMetrics().horizontalAdvance(text)
            x -= width + 28
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(SERIES[number % len(SERIES)]))
            painter.drawRoundedRect(QRectF(x, 12, 12, 12), 3, 3)
            painter.setPen(QColor("#c9cfdb"))
            painter.drawText(QRectF(x + 16, 8, width + 8, 20),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
