"""The app's side of the store's writer thread: its reports reach the UI thread safely.

``store.background.BackgroundRecorder`` writes run history on a thread of its
own and reports on that thread. Two things keep Qt safe from it:

- :class:`StoreWriter` owns the recorder and turns its reports into signals
  delivered on the UI thread (queued connections). It has no parent, so Qt never
  deletes it while the writer thread emits on it.
- :class:`MainThreadGC`: CPython runs its cyclic garbage collector in whichever
  thread crosses the allocation threshold, and the writer allocates a lot. A
  collection there may destroy widgets caught in reference cycles off the UI
  thread, which crashes. While a writer thread lives, automatic collection is
  off and a UI-thread timer collects as often as the thresholds would have
  (pyqtgraph and calibre do the same).
"""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from orchestrator_gui.core.events import RunEvent, RunFinished, RunQueued, RunStarted

if TYPE_CHECKING:
    from orchestrator_gui.store.background import BackgroundRecorder

GC_INTERVAL_MS = 100
FULL_EVERY_S = 60.0


class MainThreadGC:
    """Pins Python's cyclic GC to the UI thread while someone needs it (counted)."""

    _users = 0
    _timer: QTimer | None = None
    _was_enabled = True

    @classmethod
    def acquire(cls) -> None:
        app = QCoreApplication.instance()
        if cls._users == 0 and app is not None:
            cls._was_enabled = gc.isenabled()
            gc.disable()
            cls._timer = QTimer(app)
            cls._timer.setInterval(GC_INTERVAL_MS)
            cls._timer.timeout.connect(cls.collect)
            cls._timer.start()
        cls._users += 1

    @classmethod
    def release(cls) -> None:
        cls._users = max(0, cls._users - 1)
        if cls._users == 0 and cls._timer is not None:
            cls._timer.stop()
            cls._timer.deleteLater()
            cls._timer = None
            if cls._was_enabled:
                gc.enable()

    _last_full = 0.0

    @classmethod
    def collect(cls) -> None:
        """What automatic collection would do now, on this (the UI) thread; a full
        collection (tens of ms on a big heap) at most every ``FULL_EVERY_S`` seconds,
        as CPython's own heuristic also makes them rare."""
        counts, limits = gc.get_count(), gc.get_threshold()
        generation = -1
        for level in range(3):
            if counts[level] <= limits[level]:
                break
            generation = level
        if generation == 2:
            if time.monotonic() - cls._last_full < FULL_EVERY_S:
                generation = 1
            else:
                cls._last_full = time.monotonic()
        if generation >= 0:
            gc.collect(generation)


class StoreWriter(QObject):
    """Owns the app's background recorder; its reports arrive as UI-thread signals."""

    written = Signal(object)  # RunQueued | RunStarted | RunFinished whose write is committed
    failed = Signal(object, object)  # event, exception

    def __init__(self) -> None:
        super().__init__()
        self.recorder: BackgroundRecorder | None = None

    def recorder_for(self, store: Any) -> BackgroundRecorder:
        """The recorder writing to ``store``; a new one (the old drained) if it changed."""
        if self.recorder is None or self.recorder.store is not store or self.recorder.closed:
            self.close()
            from orchestrator_gui.store.background import BackgroundRecorder

            MainThreadGC.acquire()  # before the thread exists
            self.recorder = BackgroundRecorder(store, on_written=self._on_written,
                                               on_error=self._on_error)
        return self.recorder

    def flush(self, timeout: float | None = None) -> bool:
        return self.recorder.flush(timeout) if self.recorder is not None else True

    def close(self, timeout: float | None = None) -> bool:
        """Write what is queued and stop the thread (UI thread only)."""
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return True
        try:
            return recorder.close(timeout)
        finally:
            MainThreadGC.release()

    # --- on the writer thread: emit only --------------------------------------------------

    def _on_written(self, event: RunEvent) -> None:
        if isinstance(event, RunQueued | RunStarted | RunFinished):  # steps: no one listens
            self.written.emit(event)

    def _on_error(self, event: RunEvent, exc: BaseException) -> None:
        self.failed.emit(event, exc)
