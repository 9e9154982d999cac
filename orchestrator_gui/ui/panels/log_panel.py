"""The log panel: lines that steps write, streamed while runs go.

Lines arrive as ``StepLog`` events, possibly from ten runs at once; they are
buffered and shown at most every ``FLUSH_MS`` (``FLOOD_FLUSH_MS`` while each flush
brings more lines than the view shows), so a chatty run costs one short repaint
per flush, not one per line. The panel keeps the last ``MAX_LINES``
lines; scrolled to the end it follows new lines, scrolled up it keeps the
reader's place while the oldest lines go.

Why not ``QPlainTextEdit``: a log is a list of lines in one monospace font,
and a text document pays for what a log does not need (docs/architecture.md,
UI rule 6). Here a line is a ``str`` in a list: appending is a list extend; a
line's place on screen is its index times the line height, so only the lines
in view are ever drawn, and following new lines blits what is already on
screen upwards and draws just the new rows.
With one font of fixed pitch a column is a multiple of the character width,
so selecting across and within lines, copying, and the usual keys are cheap
to keep.
"""

from __future__ import annotations

import math
import re
import time

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QMenu, QWidget

from orchestrator_gui.core.events import RunEvent, RunFinished, RunStarted, StepLog
from orchestrator_gui.ui.accessibility import describe_lines, lines_changed
from orchestrator_gui.ui.status_style import format_duration

FLUSH_MS = 250
# While more lines come than the view shows, nobody reads them as they pass: update
# twice a second then (docs/architecture.md, UI rule 5).
FLOOD_FLUSH_MS = 500
MAX_LINES = 5000
MARGIN = 4  # px left of the text, as a text edit's document margin
PLACEHOLDER = "Log lines from running steps appear here."
_WORD = re.compile(r"[\w.:/-]+")

Place = tuple[int, int]  # (line number since the panel was made, column)


class LogPanel(QAbstractScrollArea):
    """Read-only, monospace, newest at the bottom; each line names its run and step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logPanel")
        describe_lines(LogPanel)  # read by screen readers as its lines (ui/accessibility.py)
        self.setAccessibleName("Run log")
        self.setAccessibleDescription(
            "Lines written by running steps. Drag to select, Ctrl+C copies, Ctrl+A selects all.")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self._lines: list[str] = []
        self._dropped = 0  # lines dropped from the front so far: line numbers stay valid
        self._widest = 0  # characters in the longest line kept
        self._pending: list[str] = []
        self._anchor: Place | None = None  # where a selection started
        self._caret: Place | None = None  # where it ends (the mouse, or shift+click)
        self._rebasing = False  # bar values change without the content moving on screen
        self._dragging = False  # a press started a selection the mouse is extending
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._flood_until = 0.0  # until then, lines come faster than the view shows them
        self._timer.timeout.connect(self.flush)
        viewport = self.viewport()
        viewport.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paintEvent fills it
        viewport.setCursor(Qt.CursorShape.IBeamCursor)
        for bar in (self.verticalScrollBar(), self.horizontalScrollBar()):
            # The bars' holders fill their own background, so a flush repaints nothing
            # beneath a (transparent) bar (UI rule 7).
            holder = bar.parentWidget()
            if holder is not None:
                holder.setBackgroundRole(QPalette.ColorRole.Base)
                holder.setAutoFillBackground(True)
        self.verticalScrollBar().setSingleStep(1)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(9.0)
        # no optional shaping: a monospace font has no kerning or ligatures to lose (UI rule 7)
        font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
        self.setFont(font)  # measured in changeEvent
        self._measure()

    # --- lines in ----------------------------------------------------------------------

    def on_event(self, event: RunEvent) -> None:
        """Bridge listener for every run event (only some become lines)."""
        if isinstance(event, StepLog):
            t = event.time.astimezone()  # strftime costs twice this, on every line of every run
            self._add(f"{t.hour:02}:{t.minute:02}:{t.second:02}.{t.microsecond // 1000:03} "
                      f"{event.level.upper():7} {event.run_id[:6]} {event.step_id}: "
                      f"{event.message}")
        elif isinstance(event, RunStarted):
            self._add(f"── run {event.run_id[:6]} started: {event.result.experiment_name}"
                      f" ({event.result.scenario or 'no scenario'})")
        elif isinstance(event, RunFinished):
            took = f" in {format_duration(event.duration_ms)}" if event.duration_ms is not None else ""
            self._add(f"── run {event.run_id[:6]} {event.status}{took}")

    def _add(self, text: str) -> None:
        # one entry per screen line: a message may hold line breaks (a custom step's
        # traceback), and tabs become spaces so that a column is one character wide
        self._pending.extend(part.expandtabs(4) for part in text.splitlines() or [""])
        if not self._timer.isActive():  # a line after a flood has ended shows at the usual pace
            self._timer.start(FLOOD_FLUSH_MS if time.monotonic() < self._flood_until
                              else FLUSH_MS)

    def flush(self) -> None:
        """Show the lines waiting; the oldest beyond ``MAX_LINES`` go."""
        if not self._pending:
            return
        bar = self.verticalScrollBar()
        following = bar.value() >= bar.maximum()
        top_before = self._dropped + bar.value()
        count_before = len(self._lines)
        new = self._pending
        self._pending = []
        for line in new:
            if len(line) > self._widest:
                self._widest = len(line)
        self._lines.extend(new)
        excess = len(self._lines) - MAX_LINES
        if excess > 0:
            del self._lines[:excess]
            self._dropped += excess
        rows = self._rows()
        top = (max(0, len(self._lines) - rows) if following
               else max(0, top_before - self._dropped))  # a reader keeps their line on top
        self._set_bars(top)
        lines_changed(self)  # only while an assistive technology listens
        shift = self._dropped + top - top_before  # lines the view moved down the log
        first_new = max(0, count_before - max(0, excess)) - top  # row of the first new line
        viewport = self.viewport()
        flood = shift >= rows  # the whole view is new lines
        self._flood_until = time.monotonic() + FLOOD_FLUSH_MS / 1000 if flood else 0.0
        if flood or top_before < self._dropped:  # all new, or the top line went
            viewport.update()
            return
        if shift:
            viewport.scroll(0, -shift * self._lh)  # what stays on screen is moved, not drawn
        if first_new < rows:
            first_new = max(0, first_new)
            viewport.update(QRect(0, first_new * self._lh, viewport.width(),
                                  (rows - first_new + 1) * self._lh))

    # --- what is shown -------------------------------------------------------------------

    def readable_lines(self) -> list[str]:
        """The lines shown, oldest first, for assistive technology."""
        return self._lines

    def toPlainText(self) -> str:
        """Every line kept (not the ones waiting for the next flush), newline-separated."""
        return "\n".join(self._lines)

    def line_count(self) -> int:
        return len(self._lines)

    def first_visible_line(self) -> str:
        top = self.verticalScrollBar().value()
        return self._lines[top] if top < len(self._lines) else ""

    def line_at(self, pos: QPoint) -> str:
        """The line under ``pos`` (viewport coordinates), or '' below the last one."""
        index = self._index_at(pos)
        return self._lines[index] if index < len(self._lines) else ""

    def selectedText(self) -> str:
        span = self._selection()
        if span is None:
            return ""
        parts = []
        for number in range(span[0][0], span[1][0] + 1):
            line = self._line(number)
            start, end = _selected_columns(line, number, span)
            parts.append(line[start:end])
        return "\n".join(parts)

    def selectAll(self) -> None:
        if self._lines:
            last = self._dropped + len(self._lines) - 1
            self._anchor, self._caret = (self._dropped, 0), (last, len(self._lines[-1]))
            self.viewport().update()

    def copy(self) -> None:
        text = self.selectedText()
        if text:
            QGuiApplication.clipboard().setText(text)

    def clear(self) -> None:
        self._dropped += len(self._lines)
        self._lines.clear()
        self._pending.clear()
        self._widest = 0
        self._anchor = self._caret = None
        self._set_bars(0)
        self.viewport().update()

    # --- drawing --------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        palette = self.palette()
        area = event.rect()
        painter.fillRect(area, palette.color(QPalette.ColorRole.Base))
        painter.setFont(self.font())
        if not self._lines:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(QPointF(MARGIN, self._ascent + 2), PLACEHOLDER)
            return
        top = self.verticalScrollBar().value()
        left = MARGIN - self.horizontalScrollBar().value()
        span = self._selection()
        text = palette.color(QPalette.ColorRole.Text)
        painter.setPen(text)
        for row in range(area.top() // self._lh, area.bottom() // self._lh + 1):
            index = top + row
            if index >= len(self._lines):
                break
            line = self._lines[index]
            y = row * self._lh
            painter.drawText(QPointF(left, y + self._ascent), line)
            if span is not None and span[0][0] <= self._dropped + index <= span[1][0]:
                self._paint_selected(painter, line, self._dropped + index, span, left, y)
                painter.setPen(text)

    def _paint_selected(self, painter: QPainter, line: str, number: int,
                        span: tuple[Place, Place], left: float, y: int) -> None:
        start, end = _selected_columns(line, number, span)
        x0, x1 = left + self._x_of(line, start), left + self._x_of(line, end)
        if number != span[1][0]:
            x1 += self._cw  # the line break is part of the selection
        palette = self.palette()
        painter.fillRect(QRect(math.floor(x0), y, math.ceil(x1 - x0), self._lh),
                         palette.color(QPalette.ColorRole.Highlight))
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        painter.drawText(QPointF(x0, y + self._ascent), line[start:end])

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        if not self._rebasing:  # vertical bar steps are lines, horizontal ones pixels
            self.viewport().scroll(dx, dy * self._lh)

    # --- geometry -------------------------------------------------------------------------

    def _measure(self) -> None:
        metrics = QFontMetricsF(self.font())
        self._metrics = metrics
        self._lh = max(1, math.ceil(metrics.lineSpacing()))
        self._cw = metrics.horizontalAdvance("x")
        self._ascent = metrics.ascent()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._measure()
            self._set_bars(self.verticalScrollBar().value())

    def _rows(self) -> int:
        """Lines that fit in the view whole."""
        return max(1, self.viewport().height() // self._lh)

    def _set_bars(self, top: int) -> None:
        """The bars' ranges for the lines kept, the vertical one at ``top``, the view as is."""
        rows = self._rows()
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        width = self.viewport().width()
        self._rebasing = True
        try:
            vbar.setRange(0, max(0, len(self._lines) - rows))
            vbar.setPageStep(rows)
            vbar.setValue(top)
            hbar.setRange(0, max(0, math.ceil(self._widest * self._cw) + 2 * MARGIN - width))
            hbar.setPageStep(width)
            hbar.setSingleStep(max(1, round(self._cw * 4)))
        finally:
            self._rebasing = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        bar = self.verticalScrollBar()
        following = bar.value() >= bar.maximum()
        self._set_bars(max(0, len(self._lines) - self._rows()) if following else bar.value())
        self.viewport().update()

    def _x_of(self, line: str, column: int) -> float:
        if line.isascii():
            return column * self._cw
        return self._metrics.horizontalAdvance(line[:column])

    def _column_at(self, line: str, x: float) -> int:
        if line.isascii():
            return max(0, min(len(line), round(x / self._cw)))
        for column in range(len(line) + 1):  # a wide character (──, emoji) in the line
            if self._metrics.horizontalAdvance(line[:column + 1]) > x + self._cw / 2:
                return column
        return len(line)

    def _line(self, number: int) -> str:
        index = number - self._dropped
        return self._lines[index] if 0 <= index < len(self._lines) else ""

    def _index_at(self, pos: QPoint) -> int:
        """The index in ``_lines`` of the row under ``pos`` (may be past the last line)."""
        return self.verticalScrollBar().value() + max(0, pos.y()) // self._lh

    def _place_at(self, pos: QPoint) -> Place:
        index = min(self._index_at(pos), len(self._lines) - 1)
        line = self._lines[index] if index >= 0 else ""
        x = pos.x() - MARGIN + self.horizontalScrollBar().value()
        return self._dropped + max(index, 0), self._column_at(line, x)

    def _selection(self) -> tuple[Place, Place] | None:
        """The selection in order, within the lines still kept; None if empty."""
        if self._anchor is None or self._caret is None or self._anchor == self._caret:
            return None
        start, end = sorted((self._anchor, self._caret))
        if end[0] < self._dropped:
            return None
        if start[0] < self._dropped:
            start = (self._dropped, 0)
        return start, end

    # --- the reader's hands ---------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self._lines:
            super().mousePressEvent(event)
            return
        place = self._place_at(event.position().toPoint())
        if not (event.modifiers() & Qt.KeyboardModifier.ShiftModifier) or self._anchor is None:
            self._anchor = place
        self._caret = place
        self._dragging = True
        self.viewport().update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self._dragging:
            super().mouseMoveEvent(event)
            return
        pos = event.position().toPoint()
        bar = self.verticalScrollBar()
        if pos.y() < 0:  # dragging past an edge scrolls on
            bar.setValue(bar.value() - 1)
        elif pos.y() > self.viewport().height():
            bar.setValue(bar.value() + 1)
        self._caret = self._place_at(pos)
        self.viewport().update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self._dragging:
            super().mouseReleaseEvent(event)
            return
        self._dragging = False
        self._caret = self._place_at(event.position().toPoint())
        self.viewport().update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self._lines:
            super().mouseDoubleClickEvent(event)
            return
        self._dragging = False  # the release that follows keeps the word selected
        number, column = self._place_at(event.position().toPoint())
        line = self._line(number)
        for match in _WORD.finditer(line):
            if match.start() <= column <= match.end():
                self._anchor, self._caret = (number, match.start()), (number, match.end())
                break
        else:  # not on a word: the whole line
            self._anchor, self._caret = (number, 0), (number, len(line))
        self.viewport().update()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                event.matches(QKeySequence.StandardKey.Copy)
                or event.matches(QKeySequence.StandardKey.SelectAll)):
            event.accept()  # a window-wide Copy or Select All must not take these from the log
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
        elif event.matches(QKeySequence.StandardKey.SelectAll):
            self.selectAll()
        else:
            bar = self.verticalScrollBar()
            steps = {
                Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1,
                Qt.Key.Key_PageUp: -bar.pageStep(), Qt.Key.Key_PageDown: bar.pageStep(),
            }
            key = Qt.Key(event.key())
            if key in steps:
                bar.setValue(bar.value() + steps[key])
            elif key == Qt.Key.Key_Home:
                bar.setValue(0)
            elif key == Qt.Key.Key_End:
                bar.setValue(bar.maximum())
            else:
                super().keyPressEvent(event)
                return
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        for text, slot, keys, enabled in (
            ("Copy", self.copy, QKeySequence.StandardKey.Copy, self._selection() is not None),
            ("Select All", self.selectAll, QKeySequence.StandardKey.SelectAll, bool(self._lines)),
            ("Clear Log", self.clear, None, bool(self._lines)),
        ):
            action = QAction(text, menu)
            action.triggered.connect(slot)
            if keys is not None:
                action.setShortcut(keys)
            action.setEnabled(enabled)
            menu.addAction(action)
        menu.exec(event.globalPos())


def _selected_columns(line: str, number: int, span: tuple[Place, Place]) -> tuple[int, int]:
    """The columns of line ``number`` (``line``) inside the selection ``span``."""
    (first, start), (last, end) = span
    return (start if number == first else 0), (end if number == last else len(line))
