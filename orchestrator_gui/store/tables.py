"""The database tables, as sqlmodel models.

Every column that the guide's ``INSERT INTO experiments (id, name,
definition, user_id) VALUES (...)`` leaves out has a default in the database
itself (not only in Python), so rows written by hand or by other tools are
complete. Times are ISO-8601 UTC text ending in ``Z`` (microseconds for the
ones we write): they sort as text, read well in any SQLite browser, and come
back timezone-aware through :func:`orchestrator_gui.store.records.parse_time`.
JSON payloads are stored as text.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

# What strftime gives for "now" in the same shape we write (milliseconds, Z).
NOW_SQL = text("(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))")


def _default(sql: Any) -> Any:
    return {"server_default": sql}


class ExperimentRow(SQLModel, table=True):
    """One experiment document; ``definition`` is its JSON text, kept as written."""

    __tablename__ = "experiments"

    id: str = Field(primary_key=True)
    name: str
    definition: str
    user_id: str = Field(default="", sa_column_kwargs=_default(text("''")))
    created_at: str | None = Field(default=None, nullable=False,
                                   sa_column_kwargs=_default(NOW_SQL))
    updated_at: str | None = Field(default=None, nullable=False,
                                   sa_column_kwargs=_default(NOW_SQL))


class RunRow(SQLModel, table=True):
    """One run: its summary columns, input/output/error JSON and a definition snapshot."""

    __tablename__ = "runs"
    __table_args__ = (
        Index("ix_runs_user_started", "user_id", "started_at"),
        Index("ix_runs_user_experiment_started", "user_id", "experiment_id", "started_at"),
    )

    run_id: str = Field(primary_key=True)
    user_id: str
    experiment_id: str
    experiment_name: str = Field(default="", sa_column_kwargs=_default(text("''")))
    scenario: str | None = None
    status: str
    dry_run: bool = Field(default=False, sa_column_kwargs=_default(text("0")))
    queued_at: str | None = None
    started_at: str
    finished_at: str | None = None
    duration_ms: float | None = None
    step_count: int = Field(default=0, sa_column_kwargs=_default(text("0")))
    input: str | None = None
    output: str | None = None
    error: str | None = None
    definition: str | None = None
    # "host:pid" of the process running it, so that opening the store in a
    # second process does not mark the first one's live runs interrupted.
    owner: str | None = None


class StepRunRow(SQLModel, table=True):
    """One step of a run, written (and committed) when the step ends."""

    __tablename__ = "step_runs"

    run_id: str = Field(primary_key=True, foreign_key="runs.run_id", ondelete="CASCADE")
    position: int = Field(primary_key=True)
    step_id: str
    type: str
    name: str
    status: str
    started_at: str | None = None
    finished_at: str | None = None
    duration_ms: float | None = None
    input: str | None = None
    output: str | None = None
    error: str | None = None
    logs: str = Field(default="[]", sa_column_kwargs=_default(text("'[]'")))
    extra: str | None = None


class PresetRow(SQLModel, table=True):
    """A user's saved scenario preset (the built-in ones live in resources/presets.json)."""

    __tablename__ = "presets"

    user_id: str = Field(primary_key=True)
    name: str = Field(primary_key=True)
    input: str
    created_at: str | None = Field(default=None, nullable=False,
                                   sa_column_kwargs=_default(NOW_SQL))
    updated_at: str | None = Field(default=None, nullable=False,
                                   sa_column_kwargs=_default(NOW_SQL))


class MetaRow(SQLModel, table=True):
    """Key/value facts about the database: ``schema_version``, ``examples_seeded``."""

    __tablename__ = "store_meta"

    key: str = Field(primary_key=True)
    value: str


class BaselineRow(SQLModel, table=True):
    """The run a user starred as an experiment's baseline (schema version 2)."""

    __tablename__ = "baselines"

    user_id: str = Field(primary_key=True)
    experiment_id: str = Field(primary_key=True)
    run_id: str
    starred_at: str | None = Field(default=None, nullable=False,
                                   sa_column_kwargs=_default(NOW_SQL))


class SuiteRunRow(SQLModel, table=True):
    """One run of an experiment's scenario suite: counts and per-scenario results (v2)."""

    __tablename__ = "suite_runs"
    __table_args__ = (
        Index("ix_suite_runs_user_experiment_started", "user_id", "experiment_id", "started_at"),
    )

    suite_run_id: str = Field(primary_key=True)
    user_id: str
    experiment_id: str
    started_at: str
    finished_at: str | None = None
    passed: int = 0
    failed: int = 0
    results: str  # the SuiteRun as JSON text


class TrustRow(SQLModel, table=True):
    """A document exposure the user approved (core/trust.py), by fingerprint (v3).

    ``hosts`` and ``references`` are JSON lists, kept so that ``orchestrator
    trust --list`` can say what each approval covers.
    """

    __tablename__ = "trusted_documents"

    user_id: str = Field(primary_key=True)
    fingerprint: str = Field(primary_key=True)
    experiment_id: str
    source: str
    hosts: str
    references: str
    approved_at: str | None = Field(default=None, nullable=False,
                                    sa_column_kwargs=_default(NOW_SQL))


TABLES = [
    ExperimentRow.__table__,  # type: ignore[attr-defined]
    RunRow.__table__,  # type: ignore[attr-defined]
    StepRunRow.__table__,  # type: ignore[attr-defined]
    PresetRow.__table__,  # type: ignore[attr-defined]
    MetaRow.__table__,  # type: ignore[attr-defined]
    BaselineRow.__table__,  # type: ignore[attr-defined]
    SuiteRunRow.__table__,  # type: ignore[attr-defined]
    TrustRow.__table__,  # type: ignore[attr-defined]
]
