"""The window's asyncio loop: qasync, with ready callbacks taken from one queue.

qasync gives every ``call_soon`` its own zero-interval Qt timer. Qt fires due timers in
the order they fell due, so a timer of the window (an animation frame, a repaint, a
user's click's follow-up) that falls due while ten runs have each queued a step waits for
all ten: 10 × 0.4 ms = 4 ms late, every time the runs' sleeps end together. Here the ready
callbacks wait in one queue and a single Qt timer takes them, for at most
``BATCH_SECONDS`` (at least one), then is re-armed, so whatever Qt timer fell due
meanwhile runs before the next batch: a window timer waits for at most one short batch.
Why batches and not one callback per timer event: what callbacks running together change
on the canvas (a step's end, the next step's start) is repainted once, not once per
callback (docs/architecture.md, UI rule 1).
Order among asyncio callbacks is unchanged (FIFO), and callbacks with a delay still get
their own Qt timer, as in qasync.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Any

import qasync
from PySide6.QtCore import QObject, QTimerEvent

BATCH_SECONDS = 0.0005


class _ReadyQueue(QObject):
    """Asyncio's ready callbacks, run in short batches, one batch per Qt timer event."""

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
        until = time.perf_counter() + BATCH_SECONDS
        try:
            while self._ready and not self.stopped:
                handle = self._ready.popleft()
                if not handle._cancelled:
                    handle._run()
                if time.perf_counter() >= until:
                    break
        finally:
            # re-armed only now (even if a callback queued more and armed it), so the
            # timer falls due after any Qt timer that fell due while callbacks ran
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
