"""Running a core coroutine (a suite, a sweep, a replay) from a Qt slot.

The engine runs on Qt's event loop through qasync, so a long job is an
asyncio task started from a plain slot: the window keeps painting, the job
can be cancelled, and its end (result, cancellation or error) comes back to
one callback on the UI thread. Slots stay synchronous (qasync's
``asyncSlot`` is avoided: docs/architecture.md, "Stack traps").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Job:
    """One running coroutine; ``done(result, error)`` gets ``error`` "cancelled" or a message."""

    def __init__(self, coro: Coroutine[Any, Any, Any],
                 done: Callable[[Any, str | None], None]) -> None:
        self._done = done
        self.task: asyncio.Task[Any] = asyncio.get_event_loop().create_task(coro)
        self.task.add_done_callback(self._finished)

    @property
    def running(self) -> bool:
        return not self.task.done()

    def cancel(self) -> None:
        self.task.cancel()

    def _finished(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            self._done(None, "cancelled")
            return
        exc = task.exception()
        if exc is not None:
            if not isinstance(exc, ValueError | LookupError):
                log.error("analysis job failed", exc_info=exc)
            self._done(None, str(exc) or type(exc).__name__)
            return
        self._done(task.result(), None)
