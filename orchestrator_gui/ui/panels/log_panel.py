"""The log panel: lines that steps write, streamed while runs go.

Lines arrive as ``StepLog`` events, possibly from ten runs at once; they are
buffered and appended at most every ``FLUSH_MS`` so that a chatty run costs
one repaint per flush, not one per line. The panel keeps the last
``MAX_LINES`` lines.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from orchestrator_gui.core.events import RunFinished, RunStarted, StepLog

FLUSH_MS = 100
MAX_LINES = 5000


class LogPanel(QPlainTextEdit):
    """Read-only, monospace, newest at the bottom; each line names its run and step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logPanel")
        self.setAccessibleName("Run log")
        self.setReadOnly(True)
        self.setMaximumBlockCount(MAX_LINES)
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

    def on_event(self, event: Any) -> None:
        """Bridge listener for every run event (only some become lines)."""
        if isinstance(event, StepLog):
            stamp = event.time.astimezone().strftime("%H:%M:%S.%f")[:-3]
            self._add(f"{stamp} {event.level.upper():7} {event.run_id[:6]} {event.step_id}: "
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

    def _add(self, line: str) -> None:
        self._pending.append(line)
        if not self._timer.isActive():
            self._timer.start()
