"""Starts runs from the desktop app and keeps track of them while they go.

The engine is the same one the CLI uses; here it runs on the Qt event loop
through qasync, so a run is an asyncio task interleaved with painting and
input. The controller hands each run two listeners, the store's background
recorder (history is written step by step, on a writer thread so the window
never waits on SQLite) and the bridge (widgets follow), and remembers which
run the window *follows* (``shown``, ui/shown_run.py: the last one started, or
the one picked in history).
Several runs may go at once; beyond the engine's limit they wait as
``queued``, and cancelling one leaves the others going. A run stays in
``handles`` until its end is stored, so whoever sees it gone can read it back.
A run whose end could not be stored is handed over by ``run_unsaved`` (its
result, the experiment it ran, why), to be kept in memory (ui/unsaved_runs.py).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from orchestrator_gui.core.document import Experiment
from orchestrator_gui.core.engine import Engine, RunHandle
from orchestrator_gui.core.errors import ExperimentError, InputError, OrchestratorError
from orchestrator_gui.core.events import RunEvent, RunFinished, RunLifeEvent, StepStarted
from orchestrator_gui.core.result import RunResult
from orchestrator_gui.core.saving import reason_of
from orchestrator_gui.core.status import RunStatus, StepStatus
from orchestrator_gui.ui.bridge import RunBridge, connect_event
from orchestrator_gui.ui.shown_run import ShownRun
from orchestrator_gui.ui.status_style import format_duration, mark
from orchestrator_gui.ui.store_writer import StoreWriter

if TYPE_CHECKING:
    from orchestrator_gui.store.background import BackgroundRecorder

log = logging.getLogger(__name__)

# PySide takes the GIL back after every Qt call; a short switch interval keeps a
# step working in a thread from stalling repaints (docs/architecture.md, UI rule 8).
GIL_SWITCH_SECONDS = 0.001
# The status line follows the focused run's steps at most this often: each new text is a
# repaint that nobody reads at step speed (docs/architecture.md, UI rule 5).
PROGRESS_MS = 100


class RunController(QObject):
    """Run, follow and cancel experiment runs from the UI."""

    runs_changed = Signal()  # a run was queued, started or ended (counts changed)
    progress = Signal(str)  # one line for the status bar
    start_failed = Signal(str)  # why a run could not start (nothing ran)
    store_failed = Signal(str)  # no usable database: the run goes on, and this says it is not kept
    stored = Signal(object)  # RunQueued | RunStarted | RunFinished: its row is written
    # RunResult, Experiment | None, reason: the run's end could not be written, so the run
    # is not (whole) in history; earlier failed writes are carried by that last one
    run_unsaved = Signal(object, object, str)

    def __init__(
        self,
        engine: Engine | None = None,
        store: Callable[[], Any] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if sys.getswitchinterval() > GIL_SWITCH_SECONDS:
            sys.setswitchinterval(GIL_SWITCH_SECONDS)
        self.engine = engine or Engine()
        self.engine.yield_between_steps = True  # its loop is the window's (Engine's docstring)
        self._store = store
        self.shown = ShownRun(self)  # the run the window follows; its ``changed`` says when
        self.bridge = RunBridge(self.shown, self)
        self.handles: dict[str, RunHandle] = {}
        self._experiments: dict[str, Experiment] = {}  # runs whose end is not written yet
        self.writer = StoreWriter()  # no parent: Qt never deletes it under the writer thread
        queued = Qt.ConnectionType.QueuedConnection
        connect_event(self.writer.written, self._on_written, queued)
        connect_event(self.writer.failed, self._on_write_failed, queued)
        # a window dropped without close(): its writer thread still drains and stops
        self.destroyed.connect(lambda *_args, writer=self.writer: writer.close())
        self.bridge.run_queued.connect(self._changed)
        self.bridge.run_started.connect(self._changed)
        connect_event(self.bridge.step_started, self._on_step_started)
        connect_event(self.bridge.run_finished, self._on_run_finished)
        self._progress_due = False  # a step went by while the status line rested
        self._progress_rest = QTimer(self)
        self._progress_rest.setSingleShot(True)
        self._progress_rest.setInterval(PROGRESS_MS)
        self._progress_rest.timeout.connect(self._progress_rested)

    # --- commands -------------------------------------------------------------------

    def start(self, experiment: Experiment, input: Any, *, scenario: str | None,
              dry_run: bool = False) -> RunHandle | None:
        """Start a run (the loop must be running); None, with ``start_failed``, if refused."""
        listeners: list[Callable[[Any], None]] = []
        try:
            store = self._store() if self._store is not None else None
        except OrchestratorError as exc:  # no usable database: the run goes on, unsaved
            store = None
            self.store_failed.emit(f"This run is not saved to history: {exc}".splitlines()[0])
        if store is not None:
            listeners.append(self.writer.recorder_for(store).record_event)
        listeners.append(self.bridge.listen)
        try:
            handle = self.engine.start(experiment, input, scenario=scenario, dry_run=dry_run,
                                       listeners=listeners)
        except (InputError, ExperimentError) as exc:
            self.start_failed.emit(str(exc))
            return None
        self.handles[handle.run_id] = handle
        if store is not None:
            self._experiments[handle.run_id] = experiment
        self.focus(handle.run_id)
        self.runs_changed.emit()
        return handle

    def focus(self, run_id: str | None) -> bool:
        """Follow a live run on the canvas; False if ``run_id`` is not live."""
        handle = self.handles.get(run_id or "")
        self.shown.follow(handle.result if handle is not None else None)
        self._report()
        return handle is not None

    def cancel(self, run_id: str | None = None) -> bool:
        """Cancel one run (the followed one by default); the others go on."""
        target = run_id or self.shown.live_id
        handle = self.handles.get(target or "")
        return handle.cancel() if handle is not None else False

    def cancel_all(self) -> None:
        for handle in list(self.handles.values()):
            handle.cancel()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every event of the runs so far is written to the store."""
        return self.writer.flush(timeout)

    def close(self, timeout: float | None = None) -> bool:
        """Write what is queued and stop the writer thread; call before closing the store.
        A run started afterwards gets a new writer."""
        return self.writer.close(timeout)

    @property
    def recorder(self) -> BackgroundRecorder | None:
        return self.writer.recorder

    # --- state ----------------------------------------------------------------------

    def count(self, status: RunStatus) -> int:
        return sum(1 for h in self.handles.values() if h.result.status == status)

    def progress_text(self) -> str:
        parts = []
        run = self.shown.live
        if run is not None:
            parts.append(_describe(run))
        running, queued = self.count(RunStatus.RUNNING), self.count(RunStatus.QUEUED)
        if running > 1 or queued:
            parts.append(f"{running} running, {queued} queued")
        return "  ·  ".join(parts) or "Ready"

    # --- events ---------------------------------------------------------------------

    def _changed(self, _event: RunLifeEvent | None = None) -> None:
        self.runs_changed.emit()
        self._report()

    def _on_step_started(self, event: StepStarted) -> None:
        if event.run_id == self.shown.live_id:
            if self._progress_rest.isActive():
                self._progress_due = True  # shown when the line has rested
            else:
                self._report()

    def _on_run_finished(self, event: RunFinished) -> None:
        if self.recorder is None:  # nothing to store: the run is over now
            self.handles.pop(event.run_id, None)
        self._changed()

    def _on_written(self, event: RunLifeEvent) -> None:
        self.stored.emit(event)
        if isinstance(event, RunFinished):
            self._stored_end(event.run_id)

    def _on_write_failed(self, event: RunEvent, exc: BaseException) -> None:
        """Only the end's failure decides (the store writes earlier failed rows again with
        it); the writer thread has logged each one."""
        if isinstance(event, RunFinished):
            experiment = self._experiments.get(event.run_id)
            self.run_unsaved.emit(event.result, experiment, reason_of(exc))
            self._stored_end(event.run_id)

    def _stored_end(self, run_id: str) -> None:
        self._experiments.pop(run_id, None)
        if self.handles.pop(run_id, None) is not None:
            self._changed()

    def _report(self) -> None:
        """Show the progress now (run-level changes always come here at once)."""
        self._progress_due = False
        self._progress_rest.start()
        self.progress.emit(self.progress_text())

    def _progress_rested(self) -> None:
        if self._progress_due:
            self._report()


def _describe(run: RunResult) -> str:
    total = len(run.steps)
    if run.status == RunStatus.QUEUED:
        return f"{run.experiment_name}: queued, waiting for a free slot"
    if run.status == RunStatus.RUNNING:
        for index, step in enumerate(run.steps):
            if step.status == StepStatus.RUNNING:
                return f"[{index + 1}/{total}] {step.name}"
        done = sum(1 for s in run.steps if s.status != StepStatus.PENDING)
        return f"[{done}/{total}] …"
    took = f" in {format_duration(run.duration_ms)}" if run.duration_ms is not None else ""
    return f"{mark(run.status)} {run.experiment_name}: {run.status}{took}".strip()
