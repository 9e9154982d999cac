"""The log panel on its own: lines in order, a bounded history, a reader's place kept,
selecting and copying, keys, and new lines drawn without redrawing the rest."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from orchestrator_gui.core.events import StepLog
from orchestrator_gui.ui.panels import log_panel
from orchestrator_gui.ui.panels.log_panel import LogPanel


def line_event(n: int) -> StepLog:
    return StepLog("run-abc123", "s1", datetime.now(UTC), "info", f"line {n}")


@pytest.fixture
def panel(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> LogPanel:
    monkeypatch.setattr(log_panel, "MAX_LINES", 50)
    widget = LogPanel()
    qtbot.addWidget(widget)
    widget.resize(500, 200)
    widget.show()
    return widget


def write(panel: LogPanel, first: int, last: int) -> None:
    for n in range(first, last + 1):
        panel.on_event(line_event(n))
        if n % 5 == 0:  # the timer's flushes, five lines each
            panel.flush()
    panel.flush()


def test_a_long_session_keeps_the_newest_lines_within_the_limit(panel: LogPanel) -> None:
    write(panel, 1, 200)
    lines = panel.toPlainText().splitlines()
    assert len(lines) == 50
    assert lines[-1].endswith("s1: line 200")
    numbers = [int(line.rsplit(" ", 1)[1]) for line in lines]
    assert numbers == list(range(numbers[0], 201))  # none lost in between, in order


def test_the_log_follows_new_lines_when_scrolled_to_the_end(panel: LogPanel) -> None:
    write(panel, 1, 200)
    bar = panel.verticalScrollBar()
    assert bar.value() == bar.maximum()
    last_row = QPoint(5, (panel.viewport().height() // panel._lh - 1) * panel._lh + 2)
    assert panel.line_at(last_row).endswith("line 200")


def test_a_reader_scrolled_up_keeps_their_place_when_old_lines_go(panel: LogPanel) -> None:
    write(panel, 1, 50)  # full
    bar = panel.verticalScrollBar()
    bar.setValue(20)
    top = panel.first_visible_line()
    write(panel, 51, 70)  # past the limit: the oldest lines go
    assert panel.line_count() == 50
    assert panel.first_visible_line() == top


def at(panel: LogPanel, row: int, column: int) -> QPoint:
    """The viewport point of ``column`` on the ``row``-th line in view (ASCII lines)."""
    return QPoint(round(log_panel.MARGIN + column * panel._cw), row * panel._lh + panel._lh // 2)


def test_dragging_selects_across_lines_and_ctrl_c_copies_it(panel: LogPanel,
                                                             qtbot: QtBot) -> None:
    write(panel, 1, 5)
    viewport = panel.viewport()
    lines = panel.toPlainText().splitlines()
    start = lines[1].index("s1:")  # from the step of the second line ...
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=at(panel, 1, start))
    qtbot.mouseMove(viewport, at(panel, 2, 8))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=at(panel, 3, 8))
    # ... to the eighth column of the fourth
    assert panel.selectedText() == "\n".join([lines[1][start:], lines[2], lines[3][:8]])
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(panel, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == panel.selectedText()


def test_double_click_takes_a_word_and_ctrl_a_everything(panel: LogPanel, qtbot: QtBot) -> None:
    write(panel, 1, 3)
    line = panel.toPlainText().splitlines()[2]
    column = line.index("line 3") + 2
    qtbot.mouseDClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=at(panel, 2, column))
    qtbot.mouseRelease(panel.viewport(), Qt.MouseButton.LeftButton, pos=at(panel, 2, column))
    assert panel.selectedText() == "line"  # the click's release leaves the word selected
    qtbot.keyClick(panel, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert panel.selectedText() == panel.toPlainText()


def test_the_selection_shows_in_the_highlight_colour(panel: LogPanel, qtbot: QtBot) -> None:
    write(panel, 1, 3)
    line = panel.toPlainText().splitlines()[0]
    gap = line.index("INFO") + 5  # the spaces after the level: no glyph drawn there
    qtbot.mousePress(panel.viewport(), Qt.MouseButton.LeftButton, pos=at(panel, 0, 0))
    qtbot.mouseRelease(panel.viewport(), Qt.MouseButton.LeftButton,
                       pos=at(panel, 0, len(line)))
    image = panel.viewport().grab().toImage()
    point = at(panel, 0, gap) + QPoint(round(panel._cw / 2), 0)
    highlight = panel.palette().color(QPalette.ColorRole.Highlight)
    assert QColor(image.pixel(point)) == highlight
    below = at(panel, 1, gap) + QPoint(round(panel._cw / 2), 0)  # the next line: not selected
    assert QColor(image.pixel(below)) == panel.palette().color(QPalette.ColorRole.Base)


def test_keys_scroll_the_log_and_end_follows_new_lines_again(panel: LogPanel,
                                                              qtbot: QtBot) -> None:
    write(panel, 1, 40)
    bar = panel.verticalScrollBar()
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_PageUp)
    assert bar.value() == bar.maximum() - bar.pageStep()
    top = panel.first_visible_line()
    write(panel, 41, 45)
    assert panel.first_visible_line() == top  # reading older lines: the view stays
    qtbot.keyClick(panel, Qt.Key.Key_End)
    write(panel, 46, 48)
    assert bar.value() == bar.maximum()  # following again
    assert panel.line_at(at(panel, panel._rows() - 1, 0)).endswith("line 48")
    qtbot.keyClick(panel, Qt.Key.Key_Home)
    assert panel.first_visible_line().endswith(" line 1")


class PaintedRows(QObject):
    """Counts the rows of pixels a widget repaints."""

    def __init__(self) -> None:
        super().__init__()
        self.heights: list[int] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.heights.append(event.rect().height())  # type: ignore[attr-defined]
        return False


def test_following_new_lines_draws_only_the_new_rows(panel: LogPanel, qtbot: QtBot) -> None:
    write(panel, 1, 60)  # the view is full and follows the end
    qtbot.wait(50)
    painted = PaintedRows()
    panel.viewport().installEventFilter(painted)
    for n in range(61, 64):
        panel.on_event(line_event(n))
    panel.flush()
    qtbot.waitUntil(lambda: bool(painted.heights))
    qtbot.wait(20)
    # three new lines at the bottom; the lines above were moved up, not drawn again
    assert sum(painted.heights) <= 4 * panel._lh < panel.viewport().height()
    assert panel.line_at(at(panel, panel._rows() - 1, 0)).endswith("line 63")
    assert panel.line_at(at(panel, panel._rows() - 4, 0)).endswith("line 60")


def test_clearing_empties_the_log_and_new_lines_come_in_as_before(panel: LogPanel) -> None:
    write(panel, 1, 30)
    panel.selectAll()
    panel.clear()
    assert panel.toPlainText() == "" and panel.selectedText() == ""
    assert panel.verticalScrollBar().maximum() == 0
    write(panel, 31, 32)
    assert panel.toPlainText().splitlines()[-1].endswith("line 32")
    assert panel.first_visible_line().endswith("line 31")


def test_ctrl_c_in_the_log_copies_its_text_even_with_a_window_wide_copy(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    panel = LogPanel()
    window.setCentralWidget(panel)
    taken: list[bool] = []
    copy = QAction("Copy", window)
    copy.setShortcut(QKeySequence.StandardKey.Copy)
    copy.triggered.connect(lambda: taken.append(True))
    window.addAction(copy)  # window-wide: Ctrl+C anywhere in the window
    window.resize(500, 200)
    with qtbot.waitActive(window):  # window shortcuts only fire in the active window
        window.show()
        window.activateWindow()
    write(panel, 1, 3)
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(panel, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == panel.toPlainText() != ""
    assert not taken


def test_a_growing_log_repaints_its_bar_not_the_dock_around_it(qtbot: QtBot, qapp: Any) -> None:
    from orchestrator_gui.ui.style import apply_theme

    apply_theme(qapp)  # the app's look: its scroll bars are transparent
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QWidget())
    dock = QDockWidget("Log", window)
    panel = LogPanel()
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    window.resize(700, 500)
    window.show()
    qtbot.waitExposed(window)
    write(panel, 1, 100)
    qtbot.wait(20)
    under, bar = PaintedRows(), PaintedRows()
    dock.installEventFilter(under)
    panel.verticalScrollBar().installEventFilter(bar)
    write(panel, 101, 150)  # more lines: the bar's handle moves
    qtbot.waitUntil(lambda: bool(bar.heights))
    qtbot.wait(20)
    assert under.heights == []  # the bar's holder paints under it, not the dock
    corner = panel.verticalScrollBar().mapTo(window, QPoint(0, 0))  # the bar's margin
    shot = window.grab().toImage()
    ratio = shot.devicePixelRatio()
    seen = shot.pixelColor(round(corner.x() * ratio), round(corner.y() * ratio))
    assert seen == panel.palette().color(QPalette.ColorRole.Base)  # the log's own colour


def test_a_message_over_several_lines_shows_as_lines_and_tabs_as_spaces(panel: LogPanel) -> None:
    panel.on_event(StepLog("run-abc123", "s1", datetime.now(UTC), "error",
                           "failed:\n\tTraceback line one\r\n\tline two"))
    panel.flush()
    lines = panel.toPlainText().splitlines()
    assert len(lines) == 3 and panel.line_count() == 3
    assert lines[0].endswith("s1: failed:")
    assert lines[1:] == ["    Traceback line one", "    line two"]


def test_a_flood_of_lines_is_shown_twice_a_second_and_a_trickle_at_once(panel: LogPanel,
                                                                         qtbot: QtBot) -> None:
    shown: list[str] = []

    def look() -> None:  # what a reader sees change: the line at the top of the view
        line = panel.first_visible_line()
        if not shown or shown[-1] != line:
            shown.append(line)

    n = iter(range(100_000))
    flood = QTimer()
    flood.setInterval(20)  # 20 lines every 20 ms: far more than the view's rows each flush
    flood.timeout.connect(lambda: [panel.on_event(line_event(next(n))) for _ in range(20)])
    sampler = QTimer()
    sampler.setInterval(5)
    sampler.timeout.connect(look)
    flood.start()
    qtbot.wait(300)  # the first flush
    sampler.start()
    qtbot.wait(2000)
    flood.stop()
    sampler.stop()
    assert 3 <= len(shown) - 1 <= 5, shown  # about four new views in two seconds, not eight

    qtbot.wait(1100)  # the flood's last lines are shown, and half a second has passed
    panel.on_event(StepLog("run-abc123", "s1", datetime.now(UTC), "info", "one more"))
    qtbot.waitUntil(lambda: panel.toPlainText().endswith("one more"), timeout=400)
