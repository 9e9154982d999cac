"""The Store: one SQLite file holding experiments, run history and presets.

This class (with :class:`~orchestrator_gui.store.runs.RunLog` for runs) is
the only code that touches SQL; the GUI and the CLI see documents, run
records and small summaries. See docs/storage.md for the tables, the schema
version and the choices made beyond docs/format.md.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson
from sqlalchemy import Engine, delete, func
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, col, select

from orchestrator_gui.core import jsonio, lookalike
from orchestrator_gui.core.document import Experiment, validate_document
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.result import utc_now
from orchestrator_gui.store import records
from orchestrator_gui.store.analysis import AnalysisLog
from orchestrator_gui.store.database import (
    StoreError,
    create_db_engine,
    open_failure,
    prepare,
    reason_of,
    unwritable,
    writer,
    writing,
)
from orchestrator_gui.store.integrity import (
    DamageGuard,
    StoreDamaged,
    check_file,
    unparsable,
    watch,
)
from orchestrator_gui.store.location import resolve_db_path, resolve_user
from orchestrator_gui.store.models import ExperimentSummary, Preset, RunSummary
from orchestrator_gui.store.runs import DEFAULT_MAX_RUNS, PreparedWrite, RunLog
from orchestrator_gui.store.shipped import builtin_presets, seed_examples
from orchestrator_gui.store.tables import ExperimentRow, PresetRow, TrustRow

log = logging.getLogger(__name__)


class Store:
    """Experiments, runs and presets of one local user, kept in one SQLite database.

    Open it with :meth:`open`; pass :meth:`record_event` to the engine as a
    listener to keep runs. Safe to use from one thread at a time per instance;
    several processes may share the file.
    """

    def __init__(self, engine: Engine, path: Path, user: str,
                 max_runs: int = DEFAULT_MAX_RUNS, guard: DamageGuard | None = None) -> None:
        self._engine = engine
        self._writer = writer(engine)
        self.path = path
        self.user = user
        self.guard = guard or DamageGuard(path)
        self.runs = RunLog(engine, user, max_runs, self.guard)
        self.analysis = AnalysisLog(engine, user)

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, user: str | None = None,
             max_runs: int = DEFAULT_MAX_RUNS, seed_examples: bool = True) -> Store:
        """Check the file (``StoreDamaged`` if it is damaged: nothing is written then), open
        it (creating it if needed), mark abandoned runs ``interrupted``, put the shipped
        examples in on first start, prune runs beyond ``max_runs``.

        A database that cannot take writes (a full disk, a read-only file system) still
        opens when it exists and is current, for reading: that upkeep is logged and left
        for the next open, and each write then raises ``StoreWriteError``. One that
        cannot be opened at all raises ``StoreWriteError`` (or ``StoreError``)."""
        db_path = resolve_db_path(path)
        if db_path.is_dir():
            raise StoreError(f"{db_path} is a folder; give the path of a database file")
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {db_path}: {exc.strerror}") from None
        try:
            problems = check_file(db_path)
        except (OSError, sqlite3.DatabaseError) as exc:  # a full disk reads on: see open_failure
            raise open_failure(exc, db_path) from None
        if problems:
            raise StoreDamaged(db_path, problems[0])
        guard = DamageGuard(db_path)
        engine = create_db_engine(db_path)
        watch(engine, guard)
        try:
            prepare(engine, db_path)
            store = cls(engine, db_path, resolve_user(user), max_runs, guard)
            store._upkeep(seed_examples)
        except DatabaseError as exc:
            engine.dispose()
            raise open_failure(exc, db_path) from None
        except orjson.JSONDecodeError as exc:  # an abandoned run's snapshot, the seeded list
            engine.dispose()
            raise guard.found(exc, unparsable(exc)) from None
        except BaseException:
            engine.dispose()
            raise
        return store

    def _upkeep(self, seed: bool) -> None:
        try:
            self.runs.interrupt_abandoned()
            if seed:
                self.seed_examples()
        except DatabaseError as exc:
            if not unwritable(exc):
                raise
            log.warning("%s cannot take writes now (%s): opened for reading; abandoned runs "
                        "are marked next time", self.path, reason_of(exc))
            return
        self.runs.prune_or_log()

    def close(self) -> None:
        self.runs.close()
        self._engine.dispose()

    @contextmanager
    def _stored_json(self) -> Iterator[None]:
        """JSON this program wrote that no longer parses: the file's bytes changed."""
        try:
            yield
        except orjson.JSONDecodeError as exc:
            raise self.guard.found(exc, unparsable(exc)) from None

    @property
    def damage(self) -> StoreDamaged | None:
        """Set once SQLite reported the file damaged; the store then writes nothing more."""
        guard = self.guard
        return StoreDamaged(guard.path, guard.detail or "") if guard.damaged else None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def seed_examples(self) -> list[str]:
        """Insert shipped examples never seeded before (once each, ever); returns their ids."""
        with Session(self._writer) as session:
            inserted = seed_examples(session, self.user)
            session.commit()
        return inserted

    # --- experiments --------------------------------------------------------------

    def list_experiments(self) -> list[ExperimentSummary]:
        """Every stored experiment by name; an invalid one carries its ``error``."""
        with Session(self._engine) as session:
            columns: list[Any] = [col(c) for c in (ExperimentRow.id, ExperimentRow.name,
                                                   ExperimentRow.definition,
                                                   ExperimentRow.updated_at, ExperimentRow.user_id)]
            rows = session.connection().execute(sa_select(*columns).order_by(
                func.lower(ExperimentRow.name), col(ExperimentRow.id))).all()
        return [_summary(row) for row in rows]

    def get_experiment(self, experiment_id: str) -> Experiment:
        """The stored experiment; ``KeyError`` if absent, ``ExperimentError`` if invalid."""
        with Session(self._engine) as session:
            row = session.get(ExperimentRow, experiment_id)
        if row is None:
            raise KeyError(experiment_id)
        return load_stored(row.id, row.name, row.definition)

    def has_experiment(self, experiment_id: str) -> bool:
        with Session(self._engine) as session:
            return session.get(ExperimentRow, experiment_id) is not None

    def save_experiment(self, experiment: Experiment) -> None:
        """Insert or replace by id (``created_at`` and the owner of an existing one are kept)."""
        values = {"id": experiment.id, "name": experiment.name,
                  "definition": jsonio.dumps(experiment.to_dict()).decode("utf-8"),
                  "user_id": self.user, "updated_at": records.stamp(utc_now())}
        stmt = sqlite_insert(ExperimentRow).values(values)
        stmt = stmt.on_conflict_do_update(index_elements=["id"], set_={
            "name": stmt.excluded.name, "definition": stmt.excluded.definition,
            "updated_at": stmt.excluded.updated_at})
        with writing(self.path, "save the experiment"), Session(self._writer) as session:
            session.exec(stmt)
            session.commit()

    def delete_experiment(self, experiment_id: str) -> None:
        """Remove it (no error if absent). Its runs stay in history with their snapshots."""
        with writing(self.path, "delete the experiment"), Session(self._writer) as session:
            session.exec(delete(ExperimentRow).where(col(ExperimentRow.id) == experiment_id))
            session.commit()

    # --- runs -----------------------------------------------------------------------

    def record_event(self, event: Any) -> None:
        """Engine listener: keeps the run, committing each step as it ends (on this thread).

        Raises if the write failed. A failed write is carried again by the run's last one
        (``RunFinished``): the run is all in the database once that write returns, and is
        not if it raised (``core.saving.SaveWatch`` turns that into ``RunResult.saved``)."""
        self.runs.record_event(event)

    def prepare_event(self, event: Any) -> PreparedWrite | None:
        """The write ``event`` needs, its values captured now (no SQL yet), or None. Call
        it, or pass it to :meth:`write_prepared`, in event order (``BackgroundRecorder``)."""
        return self.runs.prepare(event)

    def write_prepared(self, batch: Sequence[PreparedWrite]) -> None:
        """Run prepared writes in order in one transaction (all or nothing)."""
        self.runs.write(batch)

    def list_runs(self, experiment_id: str | None = None, *, limit: int = 50, offset: int = 0,
                  status: str | None = None) -> list[RunSummary]:
        """This user's runs, newest first."""
        return self.runs.list_runs(experiment_id, limit=limit, offset=offset, status=status)

    def get_run(self, run_id: str) -> dict[str, Any]:
        """The run record plus ``experiment``, the definition as it was run; ``KeyError``."""
        with self._stored_json():
            return self.runs.get_run(run_id)

    def delete_run(self, run_id: str) -> None:
        with writing(self.path, "delete the run"):
            self.runs.delete_run(run_id)

    # --- baselines and suite runs (store/analysis.py) ---------------------------------

    def set_baseline(self, run_id: str) -> str:
        """Star a run as its experiment's baseline; returns the experiment id; ``KeyError``."""
        with writing(self.path, "star the baseline"):
            return self.analysis.set_baseline(run_id)

    def get_baseline(self, experiment_id: str) -> str | None:
        return self.analysis.get_baseline(experiment_id)

    def clear_baseline(self, experiment_id: str) -> None:
        with writing(self.path, "clear the baseline"):
            self.analysis.clear_baseline(experiment_id)

    def save_suite_run(self, suite_run: dict[str, Any]) -> str:
        with writing(self.path, "save the suite run"):
            return self.analysis.save_suite_run(suite_run)

    def list_suite_runs(self, experiment_id: str, *, limit: int = 20) -> list[dict[str, Any]]:
        with self._stored_json():
            return self.analysis.list_suite_runs(experiment_id, limit=limit)

    def last_suite_run(self, experiment_id: str) -> dict[str, Any] | None:
        with self._stored_json():
            return self.analysis.last_suite_run(experiment_id)

    # --- presets ----------------------------------------------------------------------

    def list_presets(self) -> list[Preset]:
        """The built-in presets first, then this user's saved ones by name."""
        with Session(self._engine) as session:
            rows = session.exec(select(PresetRow.name, PresetRow.input)
                                .where(col(PresetRow.user_id) == self.user)
                                .order_by(func.lower(PresetRow.name))).all()
        with self._stored_json():
            saved = [Preset(name, jsonio.loads_trusted(raw)) for name, raw in rows]
        return [*builtin_presets(), *saved]

    def save_preset(self, name: str, input: dict[str, Any]) -> None:
        """Save (or replace) a preset; the built-in names are reserved (``ValueError``)."""
        name = name.strip()
        if not name:
            raise ValueError("a preset needs a name")
        if any(p.name.casefold() == name.casefold() for p in builtin_presets()):
            raise ValueError(f"{name!r} is a built-in preset; choose another name")
        if not isinstance(input, dict):
            raise ValueError("a preset's input must be a JSON object")
        clash = lookalike.clash_in(name, [p.name for p in self.list_presets() if p.name != name])
        if clash is not None:
            raise ValueError("the name " + lookalike.clash_message(name, clash, "another preset"))
        values = {"user_id": self.user, "name": name,
                  "input": jsonio.dumps_exact(input, what="the preset's input").decode("utf-8"),
                  "updated_at": records.stamp(utc_now())}
        stmt = sqlite_insert(PresetRow).values(values)
        stmt = stmt.on_conflict_do_update(index_elements=["user_id", "name"], set_={
            "input": stmt.excluded.input, "updated_at": stmt.excluded.updated_at})
        with writing(self.path, "save the preset"), Session(self._writer) as session:
            session.exec(stmt)
            session.commit()

    def delete_preset(self, name: str) -> None:
        if any(p.name.casefold() == name.strip().casefold() for p in builtin_presets()):
            raise ValueError(f"{name!r} is a built-in preset and cannot be deleted")
        with writing(self.path, "delete the preset"), Session(self._writer) as session:
            session.exec(delete(PresetRow).where(col(PresetRow.user_id) == self.user,
                                                 col(PresetRow.name) == name))
            session.commit()

    # --- approved exposures (core/trust.py) --------------------------------------------

    def approved_fingerprints(self) -> set[str]:
        """Fingerprints of the document exposures this user approved."""
        with Session(self._engine) as session:
            rows = session.exec(select(TrustRow.fingerprint)
                                .where(col(TrustRow.user_id) == self.user)).all()
        return set(rows)

    def approve(self, exposure: Any, experiment_id: str, source: str) -> None:
        """Keep the user's approval of ``exposure`` (a ``trust.Exposure``); an empty one is a no-op."""
        if not exposure.fingerprint:
            return
        values = {"user_id": self.user, "fingerprint": exposure.fingerprint,
                  "experiment_id": experiment_id, "source": source,
                  "hosts": jsonio.dumps(exposure.hosts).decode("utf-8"),
                  "references": jsonio.dumps(exposure.names).decode("utf-8"),
                  "approved_at": records.stamp(utc_now())}
        stmt = sqlite_insert(TrustRow).values(values)
        stmt = stmt.on_conflict_do_update(index_elements=["user_id", "fingerprint"], set_={
            "experiment_id": stmt.excluded.experiment_id, "source": stmt.excluded.source,
            "approved_at": stmt.excluded.approved_at})
        with writing(self.path, "keep the approval"), Session(self._writer) as session:
            session.exec(stmt)
            session.commit()

    def list_approvals(self) -> list[dict[str, Any]]:
        """Approvals, newest first: experiment id, source, hosts, references, when."""
        with Session(self._engine) as session:
            rows = session.exec(select(TrustRow).where(col(TrustRow.user_id) == self.user)
                                .order_by(col(TrustRow.approved_at).desc())).all()
        with self._stored_json():
            return [{"fingerprint": r.fingerprint, "experimentId": r.experiment_id,
                     "source": r.source, "hosts": jsonio.loads_trusted(r.hosts),
                     "references": jsonio.loads_trusted(r.references),
                     "approvedAt": r.approved_at} for r in rows]

    def revoke(self, prefix: str) -> int:
        """Forget approvals whose fingerprint starts with ``prefix`` (or of that experiment id)."""
        with writing(self.path, "forget the approval"), Session(self._writer) as session:
            result = session.exec(delete(TrustRow).where(
                col(TrustRow.user_id) == self.user,
                (col(TrustRow.fingerprint).startswith(prefix))
                | (col(TrustRow.experiment_id) == prefix)))
            session.commit()
        return int(result.rowcount or 0)


def load_stored(row_id: str, row_name: str | None, definition: Any) -> Experiment:
    """A stored definition as an Experiment. The row's id is the experiment's id (a hand
    inserted definition may leave out ``id`` and ``name``, or be just the list of steps)."""
    source = f"stored experiment {row_id!r}"
    try:
        data = jsonio.parse_json(definition or "", what="definition")
    except jsonio.JSONProblem as exc:
        raise ExperimentError([str(exc)], source=source) from None
    if isinstance(data, list):
        data = {"steps": data}
    if not isinstance(data, dict):
        raise ExperimentError(["definition: must be a JSON object"], source=source)
    data = {"id": str(row_id), **{k: v for k, v in data.items() if k != "id"}}
    if row_name and not data.get("name"):
        data["name"] = row_name
    return validate_document(data, source=source)


def _summary(row: Any) -> ExperimentSummary:
    row_id, row_name, definition, updated_at, user_id = row
    try:
        exp = load_stored(row_id, row_name, definition)
    except ExperimentError as exc:
        error = "; ".join(exc.problems)
    except Exception as exc:  # whatever a hand-written row holds, listing goes on
        error = f"cannot be read: {exc}"
    else:
        return ExperimentSummary(exp.id, exp.name, exp.description, records.parse_time(updated_at),
                                 len(exp.steps), None, user_id or "")
    return ExperimentSummary(str(row_id), str(row_name or row_id), None,
                             records.parse_time(updated_at), _raw_step_count(definition), error,
                             user_id or "")


def _raw_step_count(definition: Any) -> int:
    try:
        data = jsonio.loads_trusted(definition)
    except Exception:
        return 0
    steps = data.get("steps") if isinstance(data, dict) else data
    return len(steps) if isinstance(steps, list) else 0
