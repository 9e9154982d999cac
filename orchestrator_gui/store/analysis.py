"""Baselines and suite runs: what the comparison features keep between sessions.

A baseline is one starred run per experiment and user (``baselines``); a run
that is a baseline is never pruned by retention. Suite runs (``suite_runs``)
keep each scenario's verdict as JSON, so that the next suite run can be
compared with the previous one; the newest ``MAX_SUITE_RUNS`` per experiment
are kept.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Engine, delete
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.result import utc_now
from orchestrator_gui.store import records
from orchestrator_gui.store.database import writer
from orchestrator_gui.store.tables import BaselineRow, RunRow, SuiteRunRow

MAX_SUITE_RUNS = 50


class AnalysisLog:
    """Baselines and suite runs of one user."""

    def __init__(self, engine: Engine, user: str) -> None:
        self._engine = engine
        self._writer = writer(engine)
        self.user = user

    # --- baselines ----------------------------------------------------------------

    def set_baseline(self, run_id: str) -> str:
        """Star ``run_id`` as its experiment's baseline (replacing any other); returns the
        experiment id. ``KeyError`` if there is no such run."""
        with Session(self._writer) as session:
            experiment_id = session.exec(select(RunRow.experiment_id).where(
                col(RunRow.run_id) == run_id, col(RunRow.user_id) == self.user)).first()
            if experiment_id is None:
                raise KeyError(run_id)
            stmt = sqlite_insert(BaselineRow).values(
                user_id=self.user, experiment_id=experiment_id, run_id=run_id,
                starred_at=records.stamp(utc_now()))
            session.exec(stmt.on_conflict_do_update(
                index_elements=["user_id", "experiment_id"],
                set_={"run_id": stmt.excluded.run_id, "starred_at": stmt.excluded.starred_at}))
            session.commit()
        return experiment_id

    def clear_baseline(self, experiment_id: str) -> None:
        with Session(self._writer) as session:
            session.exec(delete(BaselineRow).where(col(BaselineRow.user_id) == self.user,
                                                   col(BaselineRow.experiment_id) == experiment_id))
            session.commit()

    def get_baseline(self, experiment_id: str) -> str | None:
        """The starred run of ``experiment_id``, if it is still in the history."""
        with Session(self._engine) as session:
            return session.exec(
                select(BaselineRow.run_id).join(RunRow, col(RunRow.run_id) == BaselineRow.run_id)
                .where(col(BaselineRow.user_id) == self.user,
                       col(BaselineRow.experiment_id) == experiment_id)).first()

    # --- suite runs ---------------------------------------------------------------

    def save_suite_run(self, suite_run: dict[str, Any]) -> str:
        """Keep a suite run (``SuiteRun.to_dict()``); returns its id."""
        suite_run_id = suite_run.get("suiteRunId") or uuid.uuid4().hex
        data = {**suite_run, "suiteRunId": suite_run_id}
        experiment_id = str(data["experimentId"])
        row = SuiteRunRow(
            suite_run_id=suite_run_id, user_id=self.user, experiment_id=experiment_id,
            started_at=data.get("startedAt") or records.stamp(utc_now()) or "",
            finished_at=data.get("finishedAt"), passed=int(data.get("passed", 0)),
            failed=int(data.get("failed", 0)), results=jsonio.dumps(data).decode("utf-8"))
        with Session(self._writer) as session:
            session.add(row)
            old = session.exec(
                select(SuiteRunRow.suite_run_id)
                .where(col(SuiteRunRow.user_id) == self.user,
                       col(SuiteRunRow.experiment_id) == experiment_id)
                .order_by(col(SuiteRunRow.started_at).desc()).offset(MAX_SUITE_RUNS)).all()
            if old:
                session.exec(delete(SuiteRunRow).where(col(SuiteRunRow.suite_run_id).in_(old)))
            session.commit()
        return suite_run_id

    def list_suite_runs(self, experiment_id: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """This experiment's suite runs, newest first (each a ``SuiteRun.to_dict()``)."""
        with Session(self._engine) as session:
            rows = session.exec(
                select(SuiteRunRow.results)
                .where(col(SuiteRunRow.user_id) == self.user,
                       col(SuiteRunRow.experiment_id) == experiment_id)
                .order_by(col(SuiteRunRow.started_at).desc()).limit(max(limit, 0))).all()
        return [jsonio.loads_trusted(raw) for raw in rows]

    def last_suite_run(self, experiment_id: str) -> dict[str, Any] | None:
        runs = self.list_suite_runs(experiment_id, limit=1)
        return runs[0] if runs else None
