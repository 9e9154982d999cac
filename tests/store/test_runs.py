"""Run history: what a run leaves in the store, newest first, retention, interrupted runs."""

from __future__ import annotations

import asyncio
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

from orchestrator_gui import run_experiment
from orchestrator_gui.core.result import RunResult
from orchestrator_gui.store import Store
from tests.store.conftest import dead_pid, raw

PIPELINE: dict[str, Any] = {
    "id": "hist-1",
    "name": "History Pipeline",
    "steps": [
        {"id": "input-1", "type": "input", "name": "Collect", "config": {"required": ["riskScore"]}},
        {"id": "transform-1", "type": "transform", "name": "Rename",
         "config": {"mapping": {"riskScore": "risk_level"}}},
        {"id": "ai-1", "type": "ai_decision", "name": "Decide", "config": {"threshold": 0.7}},
    ],
}


async def _run(store: Store, input: dict[str, Any], scenario: str = "t",
               doc: dict[str, Any] | None = None) -> RunResult:
    return await run_experiment(doc or PIPELINE, input, scenario, store=store)


async def test_a_run_is_stored_with_every_step_and_a_snapshot_of_its_definition(
    store: Store,
) -> None:
    result = await _run(store, {"riskScore": 0.9}, "High Risk")
    record = store.get_run(result.run_id)
    assert record["status"] == "success" and record["scenario"] == "High Risk"
    assert [s["status"] for s in record["steps"]] == ["success"] * 3
    assert record["steps"][2]["output"]["decision"]["outcome"] == "above"
    assert record["steps"][1]["input"] == {"riskScore": 0.9}
    assert record["output"] == result.output
    assert record["startedAt"].endswith("Z") and record["durationMs"] is not None
    assert record["experiment"]["steps"][2]["config"] == {"threshold": 0.7}
    # the record matches what the engine returned, key for key
    assert {k: v for k, v in record.items() if k != "experiment"} == result.to_record()


async def test_a_failed_run_keeps_its_error_and_skipped_steps(store: Store) -> None:
    result = await _run(store, {"other": 1})
    record = store.get_run(result.run_id)
    assert record["status"] == "error"
    assert record["error"]["type"] == "MissingField"
    assert [s["status"] for s in record["steps"]] == ["error", "skipped", "skipped"]
    assert record["steps"][1]["input"] is None and record["steps"][1]["durationMs"] is None


async def test_history_lists_newest_first_with_aware_times_and_filters(store: Store) -> None:
    first = await _run(store, {"riskScore": 0.1}, "one")
    second = await _run(store, {"other": 1}, "two")
    other_doc = {**PIPELINE, "id": "hist-2"}
    third = await _run(store, {"riskScore": 0.5}, "three", other_doc)
    runs = store.list_runs()
    assert [r.run_id for r in runs] == [third.run_id, second.run_id, first.run_id]
    assert all(r.started_at is not None and r.started_at.tzinfo == UTC for r in runs)
    assert [r.run_id for r in store.list_runs("hist-1")] == [second.run_id, first.run_id]
    assert [r.run_id for r in store.list_runs(status="error")] == [second.run_id]
    assert [r.run_id for r in store.list_runs(limit=1, offset=1)] == [second.run_id]
    store.delete_run(second.run_id)
    assert second.run_id not in {r.run_id for r in store.list_runs()}
    with pytest.raises(KeyError):
        store.get_run(second.run_id)


async def test_runs_are_kept_per_user(db_path: Path) -> None:
    with Store.open(db_path, user="alice") as alice:
        await _run(alice, {"riskScore": 0.1})
    with Store.open(db_path, user="bob") as bob:
        assert bob.list_runs() == []


async def test_retention_keeps_the_newest_runs_and_drops_the_oldest_with_their_steps(
    db_path: Path,
) -> None:
    with Store.open(db_path, max_runs=3) as store:
        results = [await _run(store, {"riskScore": i / 10}) for i in range(5)]
        kept = [r.run_id for r in store.list_runs()]
    assert kept == [r.run_id for r in reversed(results[2:])]
    conn = raw(db_path)
    orphans = conn.execute("SELECT count(*) FROM step_runs WHERE run_id NOT IN "
                           "(SELECT run_id FROM runs)").fetchone()[0]
    assert orphans == 0
    assert conn.execute("SELECT count(*) FROM step_runs").fetchone()[0] == 9


def test_lowering_the_limit_prunes_a_large_backlog_in_chunks_at_open(db_path: Path) -> None:
    Store.open(db_path).close()
    conn = raw(db_path)
    conn.execute("BEGIN")
    for i in range(450):
        conn.execute("INSERT INTO runs (run_id, user_id, experiment_id, status, started_at) "
                     "VALUES (?, 'tester', 'x', 'success', ?)",
                     (f"r{i:04d}", f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}.000000Z"))
        conn.execute("INSERT INTO step_runs (run_id, position, step_id, type, name, status) "
                     "VALUES (?, 0, 's', 'input', 'S', 'success')", (f"r{i:04d}",))
    conn.execute("COMMIT")
    with Store.open(db_path, max_runs=100) as store:
        runs = store.list_runs(limit=1000)
    assert len(runs) == 100
    assert runs[0].run_id == "r0449" and runs[-1].run_id == "r0350"
    assert conn.execute("SELECT count(*) FROM step_runs").fetchone()[0] == 100


def _abandon(db_path: Path, owner: str) -> None:
    conn = raw(db_path)
    conn.execute(
        "INSERT INTO runs (run_id, user_id, experiment_id, status, started_at, definition, owner)"
        " VALUES ('crashed', 'tester', 'hist-1', 'running', '2026-01-01T00:00:00.000000Z', ?, ?)",
        ('{"id": "hist-1", "name": "H", "steps": [{"id": "a", "type": "input", "name": "A"},'
         ' {"id": "b", "type": "input", "name": "B"}, {"id": "c", "type": "input", "name": "C"}]}',
         owner))
    conn.execute("INSERT INTO step_runs (run_id, position, step_id, type, name, status, "
                 "finished_at) VALUES ('crashed', 0, 'a', 'input', 'A', 'success', "
                 "'2026-01-01T00:00:01.000000Z')")


def test_a_run_left_running_by_a_dead_process_is_interrupted_at_open(db_path: Path) -> None:
    Store.open(db_path).close()
    import socket

    _abandon(db_path, f"{socket.gethostname()}:{dead_pid()}:abc")
    with Store.open(db_path) as store:
        record = store.get_run("crashed")
    assert record["status"] == "interrupted"
    assert record["error"]["type"] == "Interrupted" and record["error"]["stepId"] == "b"
    assert [s["status"] for s in record["steps"]] == ["success", "cancelled", "skipped"]
    assert record["finishedAt"] == "2026-01-01T00:00:01.000Z"


def test_a_run_of_a_live_process_is_left_alone(db_path: Path) -> None:
    import os
    import socket

    Store.open(db_path).close()
    _abandon(db_path, f"{socket.gethostname()}:{os.getppid()}:abc")  # our parent is alive
    with Store.open(db_path) as store:
        assert store.get_run("crashed")["status"] == "running"


async def test_concurrent_runs_are_all_recorded(store: Store) -> None:
    results = await asyncio.gather(*(_run(store, {"riskScore": i / 20}) for i in range(12)))
    assert {r.run_id for r in store.list_runs(limit=100)} == {r.run_id for r in results}
    assert all(len(store.get_run(r.run_id)["steps"]) == 3 for r in results)


def test_the_step_insert_names_every_column_a_step_row_has() -> None:
    """The hot insert is plain SQL naming ``STEP_COLUMNS``: a key that ``step_values`` adds
    and the list lacks would be dropped without a word, so the two must agree."""
    from orchestrator_gui.core.result import StepResult
    from orchestrator_gui.store.records import STEP_COLUMNS, step_values
    from orchestrator_gui.store.tables import StepRunRow

    row = step_values("run-1", 0, StepResult("s", "transform", "S"))
    assert tuple(row) == STEP_COLUMNS
    table_columns = {c.name for c in StepRunRow.__table__.columns}  # type: ignore[attr-defined]
    assert set(STEP_COLUMNS) <= table_columns
