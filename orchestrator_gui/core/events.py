"""Plain-Python run events, streamed to whoever subscribes (CLI, store, UI bridge).

They are frozen dataclasses with no Qt in sight: the desktop app re-emits
them as Qt signals in ``ui/bridge.py``, the store writes each finished step
to SQLite, the CLI prints progress lines. Listeners are called synchronously,
in order, on the event loop's thread; a listener that raises is logged and
never breaks the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orchestrator_gui.core.document import Experiment
    from orchestrator_gui.core.result import RunResult, StepResult
    from orchestrator_gui.core.status import RunStatus, StepStatus


@dataclass(frozen=True, slots=True)
class RunQueued:
    """The run waits for a free slot (more than the concurrency limit are going)."""

    run_id: str
    experiment_id: str
    result: RunResult
    experiment: Experiment | None = None  # the definition as run (the store snapshots it)


@dataclass(frozen=True, slots=True)
class RunStarted:
    run_id: str
    experiment_id: str
    step_count: int
    result: RunResult
    experiment: Experiment | None = None  # the definition as run (the store snapshots it)


@dataclass(frozen=True, slots=True)
class StepStarted:
    run_id: str
    index: int
    step_id: str
    step: StepResult


@dataclass(frozen=True, slots=True)
class StepLog:
    run_id: str
    step_id: str
    time: datetime
    level: str
    message: str


@dataclass(frozen=True, slots=True)
class StepFinished:
    """A step ended (any status, ``skipped`` included); its record is complete."""

    run_id: str
    index: int
    step_id: str
    status: StepStatus
    duration_ms: float | None
    step: StepResult


@dataclass(frozen=True, slots=True)
class RunFinished:
    run_id: str
    status: RunStatus
    duration_ms: float | None
    result: RunResult


RunEvent = RunQueued | RunStarted | StepStarted | StepLog | StepFinished | RunFinished
# A run's start or end, as the store writes it (and the window hears once it is written).
RunLifeEvent = RunQueued | RunStarted | RunFinished
Listener = Callable[[Any], None]
