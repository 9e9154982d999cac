"""The log panel: lines that steps write, streamed while runs go.

Lines arrive as ``StepLog`` events, possibly from ten runs at once; they are
buffered and appended at most every ``FLUSH_MS`` so that a chatty run costs
one repaint per flush, not one per line. A flush with its repaint takes 2-4 ms
of the UI thread (text layout, the viewport and the scroll bar repainted), and
ten runs at once keep the log flushing; four flushes a second still read as a
stream and leave the window's timers on time (docs/benchmarks.md, issue 5).
The panel keeps the last ``MAX_LINES`` lines. It drops the oldest itself rather
than through Qt's limit (``setMaximumBlockCount``), which moved the view of a
reader scrolled up to older lines by as many lines as it dropped.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from orchestrator_gui.core.events import RunFinished, RunStarted, StepLog

FLUSH_MS = 250
MAX_LINES = 5000


class LogPanel(QPlainTextEdit):
    """Read-only, monospace, newest at the bottom; each line names its run and step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logPanel")
        self.setAccessibleName("Run log")
        self.setReadOnly(True)
        self.document().setUndoRedoEnabled(False)  # appends would pile up as undo steps
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(9.0)
        self.setFont(font)
        self.setPlaceholderText("Log lines from running steps appear here.")
        self._pending: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self.flush)
        for bar in (self.verticalScrollBar(), self.horizontalScrollBar()):
            # a bar paints all of itself: without this, each flush repaints the dock under it
            bar.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def on_event(self, event: Any) -> None:
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
            took = f" in {event.duration_ms:.0f} ms" if event.duration_ms is not None else ""
            self._add(f"── run {event.run_id[:6]} {event.status}{took}")

    def flush(self) -> None:
        if self._pending:
            self.appendPlainText("\n".join(self._pending))
            self._pending.clear()
            if self.blockCount() > MAX_LINES:
                self._trim()

    def _trim(self) -> None:
        """Drop the oldest lines down to ``MAX_LINES``; a reader scrolled up keeps their place."""
        bar = self.verticalScrollBar()
        following = bar.value() >= bar.maximum()
        excess = self.blockCount() - MAX_LINES
        cursor = QTextCursor(self.document())  # setPosition: moving block by block lays each out
        cursor.setPosition(self.document().findBlockByNumber(excess).position(),
                           QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        bar.setValue(bar.maximum() if following else max(0, bar.value() - excess))

    def _add(self, line: str) -> None:
        self._pending.append(line)
        if not self._timer.isActive():
            self._timer.start()
