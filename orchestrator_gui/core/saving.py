"""Whether a run reached the store: what a caller needs before it says "saved".

The engine calls listeners for every event and only logs one that raises (a
listener must never break a run), so a store write that failed was invisible
to whoever started the run. :class:`SaveWatch` sits between the engine and a
store's ``record_event`` and learns, per run, whether the write of its end
went through. That write is the one that counts: the store carries every
earlier write that failed into it (store/runs.py), so a committed end means
the whole run is stored, and a failed end means it is not.

``store`` must write synchronously, returning once the event is committed and
raising if it is not (``Store.record_event``). The app's background writer
reports its failures through its own ``on_error`` instead.
"""

from __future__ import annotations

from typing import Any

from orchestrator_gui.core.events import RunFinished
from orchestrator_gui.core.result import RunResult

NEVER_WRITTEN = "the end of the run was never written"


def reason_of(exc: BaseException) -> str:
    """The store's words for a failed write (SQLite's, without SQLAlchemy's SQL)."""
    return str(getattr(exc, "reason", None) or getattr(exc, "orig", None) or exc
               or type(exc).__name__)


class SaveWatch:
    """An engine listener passing events to ``store.record_event``; :meth:`settle` then
    sets ``result.saved`` and ``result.save_error`` for a run that has ended."""

    def __init__(self, store: Any) -> None:
        self._record = store.record_event
        self._ends: dict[str, str | None] = {}  # run id -> None (committed) or why not

    def __call__(self, event: Any) -> None:
        try:
            self._record(event)
        except Exception as exc:
            if isinstance(event, RunFinished):
                self._ends[event.run_id] = reason_of(exc)
            raise  # the engine logs it, as for any listener
        if isinstance(event, RunFinished):
            self._ends[event.run_id] = None

    def settle(self, result: RunResult) -> RunResult:
        """Mark ``result`` saved or not (once its run has ended) and forget the run."""
        error = self._ends.pop(result.run_id, NEVER_WRITTEN)
        result.saved = error is None
        result.save_error = error
        return result
