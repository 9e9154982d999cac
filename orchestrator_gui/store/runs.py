"""Run history: written step by step while runs go, read back newest first.

Durability: a run's row is inserted when it starts (or is queued), each
step's row is committed the moment the step ends, and the run row is
finalised when the run ends. A crash therefore loses at most the step in
flight; at the next open, runs whose process is gone are marked
``interrupted`` (:meth:`RunLog.interrupt_abandoned`). Skipped steps cost
nothing while the run goes: they are written with the run's final update.

Each event's write is split in two: :meth:`RunLog.prepare` captures, on the
caller's thread, every value the write needs (results keep changing while the
run goes), and the call it returns runs the SQL. ``record_event`` does both
inline; ``store.background.BackgroundRecorder`` runs the SQL on a writer thread.

A write that fails (a full disk, a file gone read-only) is owed: the run's
last write (``RunFinished``) carries it again, so that once that write is
committed every row of the run is in the database; if the last write fails too,
it raises, and the run is not saved (``core.saving.SaveWatch`` tells the caller).

Retention: after each run, the user's runs beyond ``max_runs`` are deleted
oldest first, with their steps, a chunk per transaction, so that pruning a
large backlog never holds the write lock for long. Pruning that fails is logged
and left for the next run: it deletes, so failing loses nothing.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam, delete, func, insert, text, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from orchestrator_gui.core.events import RunFinished, RunQueued, RunStarted, StepFinished
from orchestrator_gui.core.result import RunResult, utc_now
from orchestrator_gui.core.status import LIVE_RUN_STATUSES, RunStatus, StepStatus
from orchestrator_gui.store import records
from orchestrator_gui.store.database import reader, writer
from orchestrator_gui.store.integrity import DamageGuard, is_damage
from orchestrator_gui.store.models import RunSummary
from orchestrator_gui.store.owner import is_alive, this_process
from orchestrator_gui.store.tables import BaselineRow, RunRow, StepRunRow

log = logging.getLogger(__name__)

DEFAULT_MAX_RUNS = 1000
PRUNE_CHUNK = 200
LIVE = LIVE_RUN_STATUSES
# Rows for steps never written, added when a run left `running` is marked interrupted at
# start-up (rare: a Core insert, columns left out take their defaults).
_STEP_INSERT = insert(StepRunRow.__table__).prefix_with("OR REPLACE")  # type: ignore[attr-defined]
# The hot write, a finished step's row, goes to the driver's own executemany: through
# SQLAlchemy's Core the same insert kept the writer thread in Python ~1 ms a batch, holding
# the GIL the UI thread needs for every Python call Qt makes back (docs/benchmarks.md).
_STEP_SQL = "INSERT OR REPLACE INTO step_runs ({}) VALUES ({})".format(
    ", ".join(records.STEP_COLUMNS), ", ".join(f":{c}" for c in records.STEP_COLUMNS))
_SUMMARY_COLUMNS: list[Any] = [col(c) for c in (
    RunRow.run_id, RunRow.experiment_id, RunRow.experiment_name, RunRow.scenario, RunRow.status,
    RunRow.started_at, RunRow.finished_at, RunRow.duration_ms, RunRow.dry_run)]
_MUTABLE = ("status", "started_at", "finished_at", "duration_ms", "output", "error")


@functools.cache
def _run_upsert_sql(columns: tuple[str, ...]) -> str:
    """Insert a run's row, or update its changing columns (``_MUTABLE``) if it exists. Plain
    SQL on the driver for the reason of ``_STEP_SQL``: SQLAlchemy built and hashed a new
    statement for every run's start and end, ~3 ms of Python on the writer thread."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in _MUTABLE)
    return (f"INSERT INTO runs ({', '.join(columns)}) "
            f"VALUES ({', '.join(f':{c}' for c in columns)}) "
            f"ON CONFLICT (run_id) DO UPDATE SET {updates}")


@dataclass(frozen=True, slots=True)
class PreparedWrite:
    """One event's write with every value it needs captured; calling it writes it alone.

    ``step`` is a finished step's row; ``run`` a run's row (its insert, or with
    ``finish`` its final update plus ``steps``, the rows not written before)."""

    log: RunLog
    run_id: str
    step: dict[str, Any] | None = None
    run: dict[str, Any] | None = None
    definition: str | None = None
    snapshot: bool = False
    steps: Sequence[dict[str, Any]] = ()
    finish: bool = False

    def __call__(self) -> None:
        self.log.write([self])


class RunLog:
    """The store's run history for one user; the only code writing ``runs``/``step_runs``."""

    def __init__(self, engine: Engine, user: str, max_runs: int = DEFAULT_MAX_RUNS,
                 guard: DamageGuard | None = None) -> None:
        if max_runs < 1:
            raise ValueError("max_runs must be at least 1")
        self._engine = engine
        self._guard = guard
        self._writer = writer(engine)
        self._reader = reader(engine)
        self.user = user
        self.max_runs = max_runs
        self._owner = this_process()
        self._written: dict[str, set[int]] = {}  # runs in flight -> positions prepared
        # writes that failed, carried by the run's last write: the steps, and the run's
        # start (its definition snapshot); touched only by the writes, which run one at a
        # time in event order (inline or on one thread)
        self._unwritten: dict[str, list[dict[str, Any]]] = {}
        self._unwritten_start: dict[str, PreparedWrite] = {}
        self._write_connection: Any = None  # the writes' own sqlite3 connection (_transaction)

    # --- writing, driven by engine events ---------------------------------------

    def record_event(self, event: Any) -> None:
        """Write what ``event`` changes, now, on this thread (the CLI's and the tests' way)."""
        write = self.prepare(event)
        if write is not None:
            write()

    def prepare(self, event: Any) -> PreparedWrite | None:
        """Capture, now, every value the write for ``event`` needs; return the write (call
        it to run the SQL), or None if the event changes nothing stored.

        Cheap and SQL-free, so it may run on the UI thread while the write runs on a writer
        thread later: run results keep changing while the run goes, so the write reads
        nothing from them. Prepared writes must be written in event order.
        """
        if isinstance(event, StepFinished):
            if event.status == StepStatus.SKIPPED or event.run_id not in self._written:
                return None
            row = records.step_values(event.run_id, event.index, event.step)
            self._written[event.run_id].add(event.index)  # once its row exists
            return PreparedWrite(self, event.run_id, step=row)
        if isinstance(event, RunStarted | RunQueued):
            self._written.setdefault(event.run_id, set())
            definition = (records.json_text(event.experiment.to_dict())
                          if event.experiment is not None else None)
            return PreparedWrite(self, event.run_id, run=self._run_values(event.result),
                                 definition=definition, snapshot=definition is None)
        if isinstance(event, RunFinished):
            result = event.result
            done = self._written.pop(result.run_id, set())
            missing = [records.step_values(result.run_id, position, step)
                       for position, step in enumerate(result.steps) if position not in done]
            return PreparedWrite(self, result.run_id, run=self._run_values(result),
                                 steps=missing, finish=True)
        return None

    def write(self, batch: Sequence[PreparedWrite]) -> None:
        """Run prepared writes, in order, in ONE transaction (a writer thread batches what
        queued up meanwhile); all or nothing. Then prune if a run ended.

        A single write that fails is owed to its run's last write (module docstring);
        a failed batch of several is the caller's to write again one by one
        (``BackgroundRecorder`` does), so it owes nothing by itself."""
        try:
            with self._transaction() as driver:
                rows: list[dict[str, Any]] = []  # consecutive step rows: one executemany
                for item in batch:
                    if item.step is not None:
                        rows.append(item.step)
                        continue
                    if rows:
                        driver.executemany(_STEP_SQL, rows)
                        rows = []
                    self._write_run(driver, item)
                if rows:
                    driver.executemany(_STEP_SQL, rows)
        except Exception:
            if len(batch) == 1:
                self._owe(batch[0])
            raise
        for item in batch:
            if item.finish:
                self._unwritten.pop(item.run_id, None)
            if item.run is not None:  # the run's row is in
                self._unwritten_start.pop(item.run_id, None)
        if any(item.finish for item in batch):
            self.prune_or_log()

    def _owe(self, item: PreparedWrite) -> None:
        """Keep what a failed write held for the run's last write (nothing, if it was the
        last: the run ends unsaved, and its caller is told by the exception)."""
        if item.finish:
            self._unwritten.pop(item.run_id, None)
            self._unwritten_start.pop(item.run_id, None)
        elif item.step is not None:
            self._unwritten.setdefault(item.run_id, []).append(item.step)
        elif item.run is not None:
            self._unwritten_start.setdefault(item.run_id, item)

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """``BEGIN IMMEDIATE`` .. ``COMMIT`` (``ROLLBACK`` on error) on the sqlite3 connection
        kept for the writes. Why not ``engine.begin()``: checking a connection out of the
        pool, SQLAlchemy's events and transaction objects were ~0.5 ms of Python per batch
        on the writer thread, fifty batches a second while ten runs go, each holding the GIL
        the UI thread needs; late window ticks fell in them far more often than chance
        (docs/benchmarks.md, issue 5, "Session 7"). Writes run one at a time (inline, or
        on the one writer thread), so one connection serves them. A damaged file (the
        guard) is refused before anything is sent."""
        if self._guard is not None:
            self._guard.refuse_writes()
        if self._write_connection is None:
            self._write_connection = self._engine.raw_connection()
        driver = self._write_connection.driver_connection
        assert driver is not None
        try:
            driver.execute("BEGIN IMMEDIATE")
            try:
                yield driver
                driver.commit()
            except BaseException:
                try:
                    driver.rollback()
                except Exception:  # a broken connection: the next write opens another
                    self.close()
                raise
        except sqlite3.DatabaseError as exc:
            if self._guard is not None and is_damage(exc):
                raise self._guard.found(exc) from None
            raise

    def close(self) -> None:
        """Give back the writes' connection (the store closes its engine next)."""
        connection, self._write_connection = self._write_connection, None
        if connection is not None:
            connection.close()

    def _write_run(self, driver: Any, item: PreparedWrite) -> None:
        assert item.run is not None
        # the run's start failed: its row is inserted now, with the snapshot it should have had
        source = self._unwritten_start.get(item.run_id, item) if item.finish else item
        definition = source.definition
        if definition is None and source.snapshot:  # no experiment in the event: the stored one
            found = driver.execute("SELECT definition FROM experiments WHERE id = ?",
                                   (item.run["experiment_id"],)).fetchone()
            definition = found[0] if found else None
        values = {**item.run, "definition": definition}
        driver.execute(_run_upsert_sql(tuple(values)), values)
        steps = [*self._unwritten.get(item.run_id, ()), *item.steps] if item.finish else []
        if steps:
            driver.executemany(_STEP_SQL, steps)

    def _run_values(self, result: RunResult) -> dict[str, Any]:
        return {
            "run_id": result.run_id, "user_id": self.user,
            "experiment_id": result.experiment_id,
            "experiment_name": result.experiment_name, "scenario": result.scenario,
            "dry_run": result.dry_run, "queued_at": records.stamp(result.queued_at),
            "step_count": len(result.steps), "input": records.text_of(result.input_json),
            "owner": self._owner, **records.run_values(result),
        }

    # --- reading ----------------------------------------------------------------

    def list_runs(self, experiment_id: str | None = None, *, limit: int = 50, offset: int = 0,
                  status: str | None = None) -> list[RunSummary]:
        # The hot read of the history panel: a prebuilt statement on a plain connection.
        query = _history_query(experiment_id is not None, status is not None)
        params = {"user": self.user, "experiment": experiment_id, "status": status,
                  "limit": max(limit, 0), "offset": max(offset, 0)}
        with self._reader.connect() as conn:
            rows = conn.execute(query, params).all()
        return [_summary(*row) for row in rows]

    def get_run(self, run_id: str) -> dict[str, Any]:
        with Session(self._engine) as session:
            row = session.get(RunRow, run_id)
            if row is None:
                raise KeyError(run_id)
            steps = session.exec(select(StepRunRow).where(col(StepRunRow.run_id) == run_id)
                                 .order_by(col(StepRunRow.position))).all()
            return records.run_record(row, list(steps))

    def delete_run(self, run_id: str) -> None:
        self._delete([run_id])

    def count(self) -> int:
        with Session(self._engine) as session:
            return int(session.exec(select(func.count()).select_from(RunRow)
                                    .where(col(RunRow.user_id) == self.user)).one())

    # --- upkeep -------------------------------------------------------------------

    def prune_or_log(self) -> int:
        """:meth:`prune`, a failure (a full disk) logged instead of raised: the run that
        just ended is committed, and deleting old ones can wait for the next."""
        try:
            return self.prune()
        except Exception as exc:
            log.warning("could not prune old runs (tried again after the next run): %s",
                        getattr(exc, "orig", None) or exc)
            return 0

    def prune(self) -> int:
        """Delete this user's oldest finished runs beyond ``max_runs``; returns how many."""
        removed = 0
        excess = self.count() - self.max_runs
        while excess > 0:
            with Session(self._engine) as session:
                oldest = session.exec(
                    select(RunRow.run_id)
                    .where(col(RunRow.user_id) == self.user, col(RunRow.status).not_in(LIVE),
                           col(RunRow.run_id).not_in(select(BaselineRow.run_id)))
                    .order_by(col(RunRow.started_at)).limit(min(excess, PRUNE_CHUNK))
                ).all()
            if not oldest:
                break
            self._delete(oldest)
            removed += len(oldest)
            excess -= len(oldest)
        return removed

    def _delete(self, run_ids: Iterable[str]) -> None:
        ids = list(run_ids)
        with Session(self._writer) as session:
            session.exec(delete(StepRunRow).where(col(StepRunRow.run_id).in_(ids)))
            session.exec(delete(RunRow).where(col(RunRow.run_id).in_(ids)))
            session.commit()

    def interrupt_abandoned(self) -> list[str]:
        """Mark runs left ``running``/``queued`` by a process that is gone as ``interrupted``."""
        with Session(self._writer) as session:
            stale = [row for row in session.exec(select(RunRow).where(
                col(RunRow.status).in_(LIVE))).all() if not is_alive(row.owner)]
            ids = [run.run_id for run in stale]
            for run in stale:
                _interrupt(session, run)
            session.commit()
        return ids


def _interrupt(session: Session, run: RunRow) -> None:
    rows = session.exec(select(StepRunRow).where(col(StepRunRow.run_id) == run.run_id)).all()
    done = {row.position for row in rows}
    last_end = max((row.finished_at for row in rows if row.finished_at), default=None)
    definition = records.from_json(run.definition) if run.definition else None
    steps = definition.get("steps", []) if isinstance(definition, dict) else []
    in_flight = None
    for position, step in enumerate(steps):
        if position in done or not isinstance(step, dict):
            continue
        status = StepStatus.SKIPPED
        step_error: str | None = None
        if in_flight is None and run.status == RunStatus.RUNNING:
            in_flight, status = step.get("id"), StepStatus.CANCELLED
            step_error = records.json_text(_interrupted(
                f"the program stopped while step {in_flight!r} was running"))
        session.exec(_STEP_INSERT, params={
            "run_id": run.run_id, "position": position, "step_id": str(step.get("id", "")),
            "type": str(step.get("type", "")), "name": str(step.get("name", "")),
            "status": status, "error": step_error, "logs": "[]"})
    where = f" while step {in_flight!r} was running" if in_flight else ""
    error: dict[str, Any] = _interrupted(
        f"the program stopped{where}; the steps finished before were kept")
    if in_flight:
        error["stepId"] = in_flight
    session.exec(update(RunRow).where(col(RunRow.run_id) == run.run_id).values(
        status=RunStatus.INTERRUPTED, finished_at=last_end or records.stamp(utc_now()),
        error=records.json_text(error)))


def _interrupted(message: str) -> dict[str, Any]:
    return {"type": "Interrupted", "message": message}


@functools.cache
def _history_query(by_experiment: bool, by_status: bool) -> Any:
    query = sa_select(*_SUMMARY_COLUMNS).where(col(RunRow.user_id) == bindparam("user"))
    if by_experiment:
        query = query.where(col(RunRow.experiment_id) == bindparam("experiment"))
    if by_status:
        query = query.where(col(RunRow.status) == bindparam("status"))
    # rowid breaks ties in start time by insertion order; the index still gives the order.
    query = query.order_by(col(RunRow.started_at).desc(), text("runs.rowid DESC"))
    return query.limit(bindparam("limit")).offset(bindparam("offset"))


def _summary(run_id: str, experiment_id: str, experiment_name: str, scenario: str | None,
             status: str, started_at: str, finished_at: str | None, duration_ms: float | None,
             dry_run: Any) -> RunSummary:
    return RunSummary(run_id, experiment_id, experiment_name, scenario, status,
                      records.parse_time(started_at), records.parse_time(finished_at),
                      duration_ms, bool(dry_run))
