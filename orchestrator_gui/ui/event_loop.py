"""The window's asyncio loop: qasync, with ready callbacks taken one per Qt timer pass.

qasync gives every ``call_soon`` its own zero-interval Qt timer. Qt fires due timers in
the order they fell due, so a timer of the window (an animation frame, a repaint, a
user's click's follow-up) that falls due while ten runs have each queued a step waits for
all ten: 10 × 0.4 ms = 4 ms late, every time the runs' sleeps end together. Here the ready
callbacks wait in one queue and a single Qt timer takes them one at a time, re-armed after
each, so whatever Qt timer fell due meanwhile runs before the next callback: a window timer
waits for at most one asyncio callback. Order among asyncio callbacks is unchanged (FIFO),
and callbacks with a delay still get their own Qt timer, as in qasync.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

import qasync
from PySide6.QtCore import QObject, QTimerEvent


class _ReadyQueue(QObject):
    """Asyncio's ready callbacks, run one per Qt timer event."""

    def __init__(self) -> None:
        super().__init__()
        self._ready: deque[asyncio.Handle] = deque()
        self._timer_id = 0
        self.stopped = False

    def push(self, handle: asyncio.Handle) -> None:
        self._ready.append(handle)
        if not self._timer_id and not self.stopped:
            self._timer_id = self.startTimer(0)

    def timerEvent(self, event: QTimerEvent) -> None:
        self._disarm()
        if self.stopped or not self._ready:
            return
        handle = self._ready.popleft()
        try:
            if not handle._cancelled:
                handle._run()
        finally:
            # re-armed only now (even if the callback queued more and armed it), so the
            # timer falls due after any Qt timer that fell due while the callback ran
            self._disarm()
            if self._ready and not self.stopped:
                self._timer_id = self.startTimer(0)

    def _disarm(self) -> None:
        if self._timer_id:
            self.killTimer(self._timer_id)
            self._timer_id = 0

    def stop(self) -> None:
        self.stopped = True
        self._disarm()


class WindowEventLoop(qasync.QEventLoop):  # type: ignore[misc]
    """A qasync loop whose ready callbacks never stand in line ahead of a due Qt timer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ready_queue = _ReadyQueue()

    def _add_callback(self, handle: asyncio.Handle, delay: float = 0) -> asyncio.Handle:
        if delay > 0:
            return super()._add_callback(handle, delay)
        self._ready_queue.push(handle)
        return handle

    def close(self) -> None:
        if not self.is_running() and not self.is_closed():
            self._ready_queue.stop()
        super().close()
