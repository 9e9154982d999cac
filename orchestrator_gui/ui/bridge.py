"""Core run events -> Qt signals: the one adapter between the engine and the widgets.

The engine calls its listeners synchronously on the event loop's thread,
which under qasync is the Qt thread, so no signal crosses threads. Every
signal carries the core's own frozen event object; ``Signal(object)`` and
never ``Signal(dict)``, which loses data under PySide6 (DESIGN.md).

Signals go out from the bridge's own zero-interval Qt timer, in event order, right
after the engine's turn rather than inside it (see :meth:`RunBridge.listen`).
Step signals (``step_started``, ``step_finished``) are emitted for the run the
window follows only: every widget that takes them draws that one run, and with
ten runs going the other nine's steps were two emits each, paid on the UI
thread for slots that dropped them (docs/benchmarks.md, issue 5). Run-level
signals and log lines go out for every run.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from PySide6.QtCore import QObject, QTimerEvent, Signal

from orchestrator_gui.core.events import (
    RunFinished,
    RunQueued,
    RunStarted,
    StepFinished,
    StepLog,
    StepStarted,
)


class RunBridge(QObject):
    """Pass :meth:`listen` to the engine; connect widgets to the signals."""

    run_queued = Signal(object)  # RunQueued
    run_started = Signal(object)  # RunStarted
    step_started = Signal(object)  # StepStarted
    step_log = Signal(object)  # StepLog
    step_finished = Signal(object)  # StepFinished
    run_finished = Signal(object)  # RunFinished

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.followed: str | None = None  # run id whose step signals go out
        self._pending: deque[tuple[Any, Any]] = deque()
        self._timer_id = 0
        self._routes: dict[type, Any] = {
            RunQueued: self.run_queued,
            RunStarted: self.run_started,
            StepStarted: self.step_started,
            StepLog: self.step_log,
            StepFinished: self.step_finished,
            RunFinished: self.run_finished,
        }

    def listen(self, event: Any) -> None:
        """The engine listener: at most one typed signal per event, emitted from the
        bridge's own Qt timer event right after the engine's turn, in event order.

        At most one: an emit costs ~20 µs of PySide6's own time, paid on the UI
        thread (there was a catch-all signal too; dropping it took a tenth off the
        UI thread's time per step). Steps of runs not followed: none. Why later and
        not from inside the engine's callback: the window's reactions to the followed
        run's step (~0.7 ms: marks, status line, inspector) then are a chunk of the UI
        thread's work of their own, and a window timer that fell due during the
        engine's turn runs between the two (docs/benchmarks.md, issue 5, "Session 6").
        """
        kind = type(event)
        signal = self._routes.get(kind)
        if signal is None or (kind in _FOLLOWED_ONLY and event.run_id != self.followed):
            return
        self._pending.append((signal, event))
        if not self._timer_id:
            self._timer_id = self.startTimer(0)

    def timerEvent(self, event: QTimerEvent) -> None:
        self.killTimer(self._timer_id)
        self._timer_id = 0
        while self._pending:  # a slot may start a run whose events arrive meanwhile: in order
            signal, pending = self._pending.popleft()
            signal.emit(pending)


_FOLLOWED_ONLY = frozenset({StepStarted, StepFinished})
