"""What the store hands out: small immutable summaries, never live database rows.

The GUI and the CLI list these; they are plain data, safe to keep after the
store is closed and to pass between threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple


@dataclass(frozen=True)
class ExperimentSummary:
    """One stored experiment as listed. ``error`` is set when its definition is invalid:
    such an experiment is still listed (so it can be fixed or deleted), never hidden."""

    id: str
    name: str
    description: str | None
    updated_at: datetime | None
    step_count: int
    error: str | None = None
    user_id: str = ""


class RunSummary(NamedTuple):
    """One run as listed in history (newest first); ``get_run`` gives the full record.

    A named tuple rather than a frozen dataclass: the history panel lists these
    on every refresh, and a tuple is built in a fifth of the time (bench_store.py).
    """

    run_id: str
    experiment_id: str
    experiment_name: str
    scenario: str | None
    status: str
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: float | None
    dry_run: bool = False


@dataclass(frozen=True)
class Preset:
    """A named run input. The three presets of docs/format.md are ``builtin``; users save their own."""

    name: str
    input: dict[str, Any] = field(default_factory=dict)
    builtin: bool = False
