"""Starts runs from the desktop app and keeps track of them while they go.

The engine is the same one the CLI uses; here it runs on the Qt event loop
through qasync, so a run is an asyncio task interleaved with painting and
input. The controller hands each run two listeners, the store (history is
written step by step) and the bridge (widgets follow), and remembers which
run the canvas *follows*: the last one started, or the one picked in history.
Several runs may go at once; beyond the engine's limit they wait as
``queued``, and cancelling one leaves the others going.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from orchestrator_gui.core.document import Experiment
from orchestrator_gui.core.engine import Engine, RunHandle
from orchestrator_gui.core.errors import ExperimentError, InputError
from orchestrator_gui.core.result import RunResult
from orchestrator_gui.ui.bridge import RunBridge

log = logging.getLogger(__name__)

# PySide releases the GIL around each Qt call and takes it back afterwards. While a
# step crunches numbers in a worker thread, each take-back waits up to one switch
# interval (5 ms by default), so one repaint of the canvas could stall 100+ ms. At
# 1 ms the window stays smooth (measured: tests/ui/test_run_live.py, bench_run_ui.py).
GIL_SWITCH_SECONDS = 0.001

STATUS_MARKS = {"success": "✓", "filtered": "⊘", "error": "✗", "timeout": "⏱",
                "cancelled": "■", "interrupted": "■"}


class RunController(QObject):
    """Run, follow and cancel experiment runs from the UI."""

    runs_changed = Signal()  # a run was queued, started or ended (counts changed)
    focus_changed = Signal(object)  # RunResult | None: the run the canvas follows
    progress = Signal(str)  # one line for the status bar
    start_failed = Signal(str)  # why a run could not start (nothing ran)

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
        self._store = store
        self.bridge = RunBridge(self)
        self.handles: dict[str, RunHandle] = {}
        self.focused: RunResult | None = None
        self.bridge.run_queued.connect(self._changed)
        self.bridge.run_started.connect(self._changed)
        self.bridge.step_started.connect(self._on_step_started)
        self.bridge.run_finished.connect(self._on_run_finished)

    # --- commands -------------------------------------------------------------------

    def start(self, experiment: Experiment, input: Any, *, scenario: str | None,
              dry_run: bool = False) -> RunHandle | None:
        """Start a run (the loop must be running); None, with ``start_failed``, if refused."""
        listeners: list[Callable[[Any], None]] = []
        store = self._store() if self._store is not None else None
        if store is not None:
            listeners.append(store.record_event)  # first, so history is written before widgets look
        listeners.append(self.bridge.listen)
        try:
            handle = self.engine.start(experiment, input, scenario=scenario, dry_run=dry_run,
                                       listeners=listeners)
        except (InputError, ExperimentError) as exc:
            self.start_failed.emit(str(exc))
            return None
        self.handles[handle.run_id] = handle
        self.focus(handle.run_id)
        self.runs_changed.emit()
        return handle

    def focus(self, run_id: str | None) -> bool:
        """Follow a live run on the canvas; False if ``run_id`` is not live."""
        handle = self.handles.get(run_id or "")
        self.focused = handle.result if handle is not None else None
        self.focus_changed.emit(self.focused)
        self._report()
        return handle is not None

    def cancel(self, run_id: str | None = None) -> bool:
        """Cancel one run (the followed one by default); the others go on."""
        target = run_id or (self.focused.run_id if self.focused else None)
        handle = self.handles.get(target or "")
        return handle.cancel() if handle is not None else False

    def cancel_all(self) -> None:
        for handle in list(self.handles.values()):
            handle.cancel()

    # --- state ----------------------------------------------------------------------

    def count(self, status: str) -> int:
        return sum(1 for h in self.handles.values() if h.result.status == status)

    @property
    def focused_live(self) -> bool:
        return self.focused is not None and not self.focused.finished

    def progress_text(self) -> str:
        parts = []
        run = self.focused
        if run is not None:
            parts.append(_describe(run))
        running, queued = self.count("running"), self.count("queued")
        if running > 1 or queued:
            parts.append(f"{running} running, {queued} queued")
        return "  ·  ".join(parts) or "Ready"

    # --- events ---------------------------------------------------------------------

    def _changed(self, _event: Any = None) -> None:
        self.runs_changed.emit()
        self._report()

    def _on_step_started(self, event: Any) -> None:
        if self.focused is not None and event.run_id == self.focused.run_id:
            self._report()

    def _on_run_finished(self, event: Any) -> None:
        self.handles.pop(event.run_id, None)
        self._changed()

    def _report(self) -> None:
        self.progress.emit(self.progress_text())


def _describe(run: RunResult) -> str:
    total = len(run.steps)
    if run.status == "queued":
        return f"{run.experiment_name}: queued, waiting for a free slot"
    if run.status == "running":
        for index, step in enumerate(run.steps):
            if step.status == "running":
                return f"[{index + 1}/{total}] {step.name}"
        done = sum(1 for s in run.steps if s.status != "pending")
        return f"[{done}/{total}] …"
    mark = STATUS_MARKS.get(run.status, "")
    took = f" in {_ms(run.duration_ms)}" if run.duration_ms is not None else ""
    return f"{mark} {run.experiment_name}: {run.status}{took}".strip()


def _ms(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"
