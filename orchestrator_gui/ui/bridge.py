"""Core run events -> Qt signals: the one adapter between the engine and the widgets.

The engine calls its listeners synchronously on the event loop's thread,
which under qasync is the Qt thread, so re-emitting is a direct call. Every
signal carries the core's own frozen event object; ``Signal(object)`` and
never ``Signal(dict)``, which loses data under PySide6 (docs/architecture.md,
"Stack traps").

Step signals (``step_started``, ``step_finished``) are emitted for the run the
window follows only (``ShownRun.live_id``, ui/shown_run.py): every widget that
takes them draws that one run (emit only what someone draws: docs/architecture.md,
UI rule 3). Run-level signals and log lines go out for every run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance

from orchestrator_gui.core.events import (
    RunEvent,
    RunFinished,
    RunQueued,
    RunStarted,
    StepFinished,
    StepLog,
    StepStarted,
)

if TYPE_CHECKING:
    from orchestrator_gui.ui.shown_run import ShownRun


class RunBridge(QObject):
    """Pass :meth:`listen` to the engine; connect widgets to the signals."""

    run_queued = Signal(object)  # RunQueued
    run_started = Signal(object)  # RunStarted
    step_started = Signal(object)  # StepStarted
    step_log = Signal(object)  # StepLog
    step_finished = Signal(object)  # StepFinished
    run_finished = Signal(object)  # RunFinished

    def __init__(self, shown: ShownRun, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.shown = shown  # its live run's step signals go out
        self._routes: dict[type, Any] = {
            RunQueued: self.run_queued,
            RunStarted: self.run_started,
            StepStarted: self.step_started,
            StepLog: self.step_log,
            StepFinished: self.step_finished,
            RunFinished: self.run_finished,
        }

    def listen(self, event: RunEvent) -> None:
        """The engine listener: at most one typed signal per event.

        At most one, and none for steps of runs not followed (UI rule 3).
        """
        kind = type(event)
        signal = self._routes.get(kind)
        if signal is None or (kind in _FOLLOWED_ONLY and event.run_id != self.shown.live_id):
            return
        signal.emit(event)


_FOLLOWED_ONLY = frozenset({StepStarted, StepFinished})


def connect_event(signal: SignalInstance[Any], slot: Callable[..., object],
                  kind: Qt.ConnectionType = Qt.ConnectionType.AutoConnection) -> None:
    """Connect a slot typed with the core's event classes to a ``Signal(object)``.

    PySide6's stubs take only ``Callable[[object], ...]`` for such a signal, which a
    slot typed ``(event: StepFinished)`` is not; the slot itself is connected (no
    wrapper called per event), this only says so to the type checker.
    """
    signal.connect(cast("Callable[[object], object]", slot), kind)
