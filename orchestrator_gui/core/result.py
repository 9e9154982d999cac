"""What a run produced: the live, then final, state of a run and each of its steps.

Step inputs and outputs are kept as compact JSON bytes (orjson), taken when
the step starts and ends. Bytes cannot be changed by later steps, cost a
fraction of ``copy.deepcopy`` to take, and are the form the store writes.
They are decoded on demand, into a fresh object each time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.status import FINAL_RUN_STATUSES, RunStatus, StepStatus

RUN_STATUSES = tuple(RunStatus)
STEP_STATUSES = tuple(StepStatus)


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    """ISO-8601 UTC with a ``Z``, millisecond precision: ``2026-11-26T14:03:07.123Z``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _decode(raw: bytes | None) -> Any:
    return None if raw is None else jsonio.loads_trusted(raw)


@dataclass(eq=False)
class StepResult:
    """One step of a run: status, timing, input and output snapshots, error and logs."""

    id: str
    type: str
    name: str
    status: StepStatus = StepStatus.PENDING
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_ms: float | None = None
    input_json: bytes | None = None
    output_json: bytes | None = None
    error: dict[str, Any] | None = None
    logs: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def input(self) -> Any:
        """The step's input as it was given (a fresh copy)."""
        return _decode(self.input_json)

    @property
    def output(self) -> Any:
        """The step's output (a fresh copy); null unless it succeeded."""
        return _decode(self.output_json)

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "name": self.name,
            "status": str(self.status),  # the plain word, as a stored record has it
            "startedAt": iso(self.started_at),
            "finishedAt": iso(self.finished_at),
            "durationMs": self.duration_ms,
            "input": self.input,
            "output": self.output,
            "error": self.error,
            "logs": list(self.logs),
        }
        record.update(self.extra)
        return record


@dataclass(eq=False)
class RunResult:
    """A run: returned by ``run_experiment`` and updated live while it goes."""

    run_id: str
    experiment_id: str
    experiment_name: str
    scenario: str | None
    dry_run: bool = False
    status: RunStatus = RunStatus.QUEUED
    queued_at: datetime = field(default_factory=utc_now)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_ms: float | None = None
    input_json: bytes | None = None
    output_json: bytes | None = None
    error: dict[str, Any] | None = None
    steps: list[StepResult] = field(default_factory=list)
    replay_of: str | None = None
    # Whether the run is in the store it was run with: None when no store was given (or
    # not known yet), True once its last write is committed, False with ``save_error``
    # (the store's words: "database or disk is full") when it is not (core/saving.py).
    saved: bool | None = None
    save_error: str | None = None

    @property
    def input(self) -> Any:
        return _decode(self.input_json)

    @property
    def output(self) -> Any:
        return _decode(self.output_json)

    @property
    def finished(self) -> bool:
        return self.status in FINAL_RUN_STATUSES

    def step(self, step_id: str) -> StepResult:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def to_record(self) -> dict[str, Any]:
        """The run record (docs/format.md, "The run record"), as plain data."""
        return {
            "runId": self.run_id,
            "experimentId": self.experiment_id,
            "experimentName": self.experiment_name,
            "scenario": self.scenario,
            "status": str(self.status),
            "dryRun": self.dry_run,
            "startedAt": iso(self.started_at),
            "finishedAt": iso(self.finished_at),
            "durationMs": self.duration_ms,
            "input": self.input,
            "output": self.output,
            "error": self.error,
            "steps": [step.to_record() for step in self.steps],
            **({"replayOf": self.replay_of} if self.replay_of else {}),
        }
