"""The log panel on its own: lines in order, a bounded history, a reader's place kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
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
    assert not panel.document().isUndoRedoEnabled()  # appends do not pile up as undo steps


def test_the_log_follows_new_lines_when_scrolled_to_the_end(panel: LogPanel) -> None:
    write(panel, 1, 200)
    bar = panel.verticalScrollBar()
    assert bar.value() == bar.maximum()
    assert "line 200" in panel.cursorForPosition(panel.viewport().rect().bottomLeft()
                                                 ).block().text()


def test_a_reader_scrolled_up_keeps_their_place_when_old_lines_go(panel: LogPanel) -> None:
    write(panel, 1, 50)  # full
    bar = panel.verticalScrollBar()
    bar.setValue(20)
    top = panel.firstVisibleBlock().text()
    write(panel, 51, 70)  # past the limit: the oldest lines go
    assert panel.blockCount() == 50
    assert panel.firstVisibleBlock().text() == top
