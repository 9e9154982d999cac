"""What the log and history panels cost the UI thread while runs go, against Qt's own widgets.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/panels.py

A diagnostic for issue 5 (docs/benchmarks.md, "Session 7"), each figure against a
baseline measured in the same run, on the UI thread's CPU clock (steadier than wall
time on a noisy machine), medians of 60:

1. The log panel with 5,000 lines, following the end, at the bench window's size
   (488 x 312): a flush of 50, 10 or 5 new lines, then the repaint it causes,
   against a ``QPlainTextEdit`` set up as the panel was until session 7 (monospace,
   no wrapping, undo off, Qt's block limit).
2. The history list (300 runs shown in 400 x 600): a run starting (a row inserted at
   the top, the table repainted) and a run ending (its row changed), against a bare
   ``QTableView`` on a ``QStandardItemModel`` doing the same.

Both run with the app's theme (``ui.style.apply_theme``), as users see them.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QMainWindow,
    QPlainTextEdit,
    QTableView,
    QWidget,
)

from orchestrator_gui.store.models import RunSummary
from orchestrator_gui.ui.panels.history import HistoryPanel
from orchestrator_gui.ui.panels.log_panel import MAX_LINES, LogPanel
from orchestrator_gui.ui.style import apply_theme

REPEAT = 60


def cpu_ms(app: QApplication, action: Callable[[], None]) -> float:
    """The UI thread's CPU time for ``action`` plus the events (repaints) it causes."""
    start = time.thread_time()
    action()
    app.processEvents()
    app.processEvents()
    return (time.thread_time() - start) * 1000


def compared(what: str, ours: list[float], baseline: str, theirs: list[float]) -> str:
    a, b = statistics.median(ours), statistics.median(theirs)
    return f"{what}: ours {a:.2f} ms, {baseline} {b:.2f} ms, ratio {a / b:.2f}x"


def shown(app: QApplication, widget: QWidget, width: int, height: int) -> QMainWindow:
    window = QMainWindow()
    window.setCentralWidget(widget)
    window.resize(width, height)
    window.show()
    for _ in range(5):
        app.processEvents()
    return window


class Lines:
    """Log lines as the panel formats them, numbered on."""

    def __init__(self) -> None:
        self.n = 0

    def take(self, count: int) -> list[str]:
        self.n += count
        return [f"07:23:11.{i % 1000:03} INFO    3f2a1b s{i % 50}: sleeping 0.05 s"
                for i in range(self.n - count, self.n)]


def old_log_panel() -> QPlainTextEdit:
    """The log panel as it was: a read-only QPlainTextEdit with Qt's block limit."""
    edit = QPlainTextEdit()
    edit.setReadOnly(True)
    edit.document().setUndoRedoEnabled(False)
    edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(9.0)
    edit.setFont(font)
    edit.setMaximumBlockCount(MAX_LINES)
    return edit


def bench_log(app: QApplication) -> list[str]:
    lines = Lines()
    ours, theirs = LogPanel(), old_log_panel()
    windows = [shown(app, ours, 488, 312), shown(app, theirs, 488, 312)]

    def ours_flush(count: int) -> None:
        ours._pending = lines.take(count)
        ours.flush()

    def theirs_flush(count: int) -> None:
        theirs.appendPlainText("\n".join(lines.take(count)))

    ours_flush(MAX_LINES)
    theirs_flush(MAX_LINES)
    app.processEvents()
    report = []
    for count in (50, 10, 5):
        mine = [cpu_ms(app, lambda c=count: ours_flush(c)) for _ in range(REPEAT)]
        base = [cpu_ms(app, lambda c=count: theirs_flush(c)) for _ in range(REPEAT)]
        report.append(compared(f"log panel, full, a flush of {count} lines + repaint", mine,
                               "QPlainTextEdit", base))
    for window in windows:
        window.close()
    return report


def summary(i: int, status: str) -> RunSummary:
    begun = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(seconds=i)
    return RunSummary(f"r{i:05}", "e", "E", "High Risk", status, begun,
                      begun + timedelta(milliseconds=40), 40.0 + i % 7)


def standard_row(run: RunSummary) -> list[QStandardItem]:
    texts = (f"{run.started_at:%d %b %H:%M}", run.scenario or "—", run.status,
             f"{run.duration_ms:.0f} ms")
    items = [QStandardItem(text) for text in texts]
    items[2].setForeground(QColor("#3fb950"))
    items[3].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    for item in items:
        item.setEditable(False)
    return items


def bench_history(app: QApplication) -> list[str]:
    panel = HistoryPanel(None)
    panel.experiment_id = "e"
    panel.model.set_runs([summary(i, "success") for i in range(300, 0, -1)])
    model = QStandardItemModel(0, 4)
    for i in range(300, 0, -1):
        model.appendRow(standard_row(summary(i, "success")))
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    windows = [shown(app, panel, 400, 600), shown(app, view, 400, 600)]
    starts: tuple[list[float], list[float]] = ([], [])
    ends: tuple[list[float], list[float]] = ([], [])
    for i in range(301, 301 + REPEAT):
        starts[0].append(cpu_ms(app, lambda i=i: panel.model.upsert(summary(i, "running"))))
        ends[0].append(cpu_ms(app, lambda i=i: panel.model.upsert(summary(i, "success"))))
        starts[1].append(cpu_ms(app, lambda i=i: model.insertRow(0, standard_row(
            summary(i, "running")))))
        ends[1].append(cpu_ms(app, lambda: model.item(0, 2).setText("success")))
    report = []
    for what, (mine, base) in (("a run starting (row inserted at the top)", starts),
                               ("a run ending (its row changed)", ends)):
        report.append(compared(f"history, 300 runs, {what} + repaint", mine,
                               "QStandardItemModel + QTableView", base))
    for window in windows:
        window.close()
    return report


def main() -> int:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    apply_theme(app)
    print("\n".join(bench_log(app) + bench_history(app)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
