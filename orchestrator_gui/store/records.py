"""Conversions between the engine's results and table rows.

Times are written as ISO-8601 UTC text with microseconds and a ``Z``
(``stamp``), so that text order is time order; they are read back as
timezone-aware datetimes (``parse_time``) and shown in run records with the
engine's millisecond format (``result.iso``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.result import RunResult, StepResult, iso
from orchestrator_gui.store.models import RunSummary


def stamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_time(value: Any) -> datetime | None:
    """Stored time text -> aware UTC datetime; ``None`` for empty or unreadable text."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)  # Python 3.11+ reads the trailing Z
    except ValueError:
        return None
    if moment.tzinfo is UTC:
        return moment
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def record_time(value: Any) -> str | None:
    return iso(parse_time(value))


def text_of(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("utf-8")


def json_text(value: Any) -> str | None:
    return None if value is None else jsonio.dumps(value).decode("utf-8")


def from_json(value: str | None) -> Any:
    return None if value is None else jsonio.loads_trusted(value)


STEP_COLUMNS = ("run_id", "position", "step_id", "type", "name", "status", "started_at",
                "finished_at", "duration_ms", "input", "output", "error", "logs", "extra")


def step_values(run_id: str, position: int, step: StepResult) -> dict[str, Any]:
    """A ``step_runs`` row for ``step`` (its input/output are already JSON bytes); its keys
    are ``STEP_COLUMNS``, the hot insert's named parameters."""
    return {
        "run_id": run_id,
        "position": position,
        "step_id": step.id,
        "type": step.type,
        "name": step.name,
        "status": step.status,
        "started_at": stamp(step.started_at),
        "finished_at": stamp(step.finished_at),
        "duration_ms": step.duration_ms,
        "input": text_of(step.input_json),
        "output": text_of(step.output_json),
        "error": json_text(step.error),
        "logs": jsonio.dumps(step.logs).decode("utf-8"),
        "extra": json_text(step.extra) if step.extra else None,
    }


def listed_start(result: RunResult) -> datetime:
    """A run's start as history stores and orders it: when it was queued, until it starts."""
    return result.started_at or result.queued_at


def run_summary(result: RunResult) -> RunSummary:
    """A live run as ``list_runs`` would list it once its latest event is written."""
    return RunSummary(result.run_id, result.experiment_id, result.experiment_name,
                      result.scenario, result.status, listed_start(result), result.finished_at,
                      result.duration_ms, bool(result.dry_run))


def run_values(result: RunResult) -> dict[str, Any]:
    """The ``runs`` columns that change over a run's life."""
    return {
        "status": result.status,
        "started_at": stamp(listed_start(result)),
        "finished_at": stamp(result.finished_at),
        "duration_ms": result.duration_ms,
        "output": text_of(result.output_json),
        "error": json_text(result.error),
    }


def step_record(row: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": row.step_id,
        "type": row.type,
        "name": row.name,
        "status": row.status,
        "startedAt": record_time(row.started_at),
        "finishedAt": record_time(row.finished_at),
        "durationMs": row.duration_ms,
        "input": from_json(row.input),
        "output": from_json(row.output),
        "error": from_json(row.error),
        "logs": from_json(row.logs) or [],
    }
    if row.extra:
        record.update(from_json(row.extra))
    return record


def run_record(row: Any, steps: list[Any]) -> dict[str, Any]:
    """The run record (docs/format.md, as ``RunResult.to_record``) plus ``experiment``."""
    return {
        "runId": row.run_id,
        "experimentId": row.experiment_id,
        "experimentName": row.experiment_name,
        "scenario": row.scenario,
        "status": row.status,
        "dryRun": bool(row.dry_run),
        "startedAt": record_time(row.started_at),
        "finishedAt": record_time(row.finished_at),
        "durationMs": row.duration_ms,
        "input": from_json(row.input),
        "output": from_json(row.output),
        "error": from_json(row.error),
        "steps": [step_record(step) for step in steps],
        "experiment": from_json(row.definition),
    }
