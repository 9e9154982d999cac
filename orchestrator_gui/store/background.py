"""Writes run history on one writer thread, so the UI thread never waits on SQLite.

``Store.record_event`` commits each finished step on the caller's thread: right
for the CLI (and the tests that SIGKILL a run), but in the desktop app that
thread paints the window, and ten runs finishing steps in lockstep put bursts of
commits (and now and then a WAL checkpoint) between two frames.
:class:`BackgroundRecorder` splits the work: on the caller's thread it captures,
from the event, every value the write needs (``RunLog.prepare``: cheap, no SQL;
results keep changing while the run goes, so nothing is read from them later);
the write itself (the SQL) runs on one writer thread, strictly in event order.
Writes that queued up while the thread was busy (ten runs ending steps in the
same instant) go in one transaction: the cost of a commit is paid once, and the
Python work the writer does (it still shares the GIL with the UI) stays small.

Durability: a step is durable once its write has run, typically some ten
milliseconds after it ends (``GATHER`` plus the write when the writer is not
behind); a killed process may lose what was still queued (at
most a few steps). :meth:`close` (called by the app on quit, and at interpreter
exit) writes everything queued first. A write that fails is logged with the run
id and reported to ``on_error``; the thread goes on with the next one.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Write = Any  # a store's PreparedWrite: call it, or pass a list to store.write_prepared
_STOP = object()
MAX_BATCH = 500
# The writer shares the GIL with the UI thread, so it should take it seldom. Woken by
# the first event of a burst (ten runs ending steps together send theirs over several
# milliseconds, taking turns with the window), it sleeps GATHER seconds, then writes
# everything queued meanwhile in one transaction. It used to wait until no event had
# come for 2 ms: every event then woke it to take the GIL (the UI thread gave it up and
# took it back each time) and bursts were cut in pieces, 53 batches a second of ~4
# events while ten runs went (docs/benchmarks.md, issue 5, "Session 7").
GATHER = 0.01


class BackgroundRecorder:
    """An engine listener like ``Store.record_event`` whose writes run on a writer thread.

    ``on_written(event)`` is called on the writer thread after the write for
    ``event`` is committed (events that change nothing stored, such as
    ``StepStarted``, are not queued and not reported); ``on_error(event, exc)``
    when it failed. Callbacks must not touch widgets: marshal them to the UI
    thread (a Qt signal with a queued connection).
    """

    def __init__(self, store: Any, *, on_written: Callable[[Any], None] | None = None,
                 on_error: Callable[[Any, BaseException], None] | None = None,
                 name: str = "store-writer") -> None:
        self.store = store
        self.on_written = on_written
        self.on_error = on_error
        self._prepare: Callable[[Any], Write | None] = store.prepare_event
        self._write_batch: Callable[[list[Write]], None] = store.write_prepared
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._order = threading.Lock()  # prepare + enqueue as one step: queue order = event order
        self._idle = threading.Condition()
        self._queued = 0
        self._written = 0  # writes finished (or failed): the writer thread's count
        self._closed = False
        self.failures = 0
        # daemon: a forgotten recorder must not hang the exit; atexit drains it instead
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        atexit.register(self.close)

    # --- the caller's side ------------------------------------------------------------

    def record_event(self, event: Any) -> None:
        """Engine listener: prepare now, write on the writer thread (inline once closed)."""
        with self._order:
            write = self._prepare(event)
            if write is None:
                return
            if self._closed:  # a straggler after close: never dropped, written here
                self._write_one(event, write)
                return
            with self._idle:
                self._queued += 1
            self._queue.put((event, write))

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything queued so far is written; False if ``timeout`` passed first."""
        with self._idle:
            target = self._queued
            deadline = None if timeout is None else time.monotonic() + timeout
            while self._written < target:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                if not self._thread.is_alive():
                    return False
                self._idle.wait(remaining)
        return True

    def close(self, timeout: float | None = None) -> bool:
        """Write everything queued, then stop the thread; safe to call twice. False if the
        queue was not drained within ``timeout``."""
        with self._order:
            if self._closed:
                return not self._thread.is_alive()
            self._closed = True
            self._queue.put(_STOP)
        atexit.unregister(self.close)
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def pending(self) -> int:
        """Writes queued and not finished yet."""
        with self._idle:
            return self._queued - self._written

    @property
    def closed(self) -> bool:
        return self._closed

    # --- the writer thread ------------------------------------------------------------

    def _run(self) -> None:
        stop = False
        while not stop:
            batch = [self._queue.get()]
            if batch[0] is not _STOP:
                time.sleep(GATHER)  # the rest of the burst queues up without waking us
            while len(batch) < MAX_BATCH and batch[-1] is not _STOP:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if batch[-1] is _STOP:
                stop = True
                batch.pop()
            try:
                self._write(batch)
            finally:
                with self._idle:
                    self._written += len(batch)
                    self._idle.notify_all()

    def _write(self, batch: list[tuple[Any, Write]]) -> None:
        if not batch:
            return
        if len(batch) > 1:
            try:
                self._write_batch([write for _event, write in batch])
            except Exception:  # all or nothing: find the one that fails, keep the others
                log.warning("a batch of %d store writes failed; writing them one by one",
                            len(batch), exc_info=True)
            else:
                for event, _write in batch:
                    self._call(self.on_written, event)
                return
        for event, write in batch:
            self._write_one(event, write)

    def _write_one(self, event: Any, write: Write) -> None:
        try:
            write()
        except Exception as exc:
            self.failures += 1
            log.error("could not store %s of run %s: %s", type(event).__name__,
                      getattr(event, "run_id", "?"), exc, exc_info=exc)
            self._call(self.on_error, event, exc)
            return
        self._call(self.on_written, event)

    def _call(self, callback: Callable[..., None] | None, *args: Any) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:  # a broken callback must not stop the writes behind it
            log.exception("store writer callback %r failed", callback)
