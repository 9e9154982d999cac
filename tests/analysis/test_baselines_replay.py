"""Baselines, suite-run history, the v1 -> v2 migration, and replay of recorded webhook answers."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from orchestrator_gui import Engine, load_experiment, run_experiment
from orchestrator_gui.core.baselines import compare_to_baseline, replay_run
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.suites import run_suite
from orchestrator_gui.store import SCHEMA_VERSION, Store
from tests.analysis.conftest import risk_document
from tests.httpserver import Reply, ScriptedServer, http_server

__all__ = ["http_server"]


async def test_new_runs_compare_with_the_starred_baseline(store: Store) -> None:
    doc = risk_document()
    base = await run_experiment(doc, {"riskScore": 0.2}, store=store)
    assert compare_to_baseline(store, base.run_id) is None  # nothing starred yet
    assert store.set_baseline(base.run_id) == "risk-assessment"
    assert store.get_baseline("risk-assessment") == base.run_id
    assert compare_to_baseline(store, base.run_id) is None  # the baseline itself

    later = await run_experiment(doc, {"riskScore": 0.95}, store=store)
    comparison = compare_to_baseline(store, later.to_record())
    assert comparison is not None and comparison.run_a == base.run_id
    ai = next(s for s in comparison.steps if s.step_id == "ai-1")
    assert "output" in ai.reasons

    with pytest.raises(KeyError):
        store.set_baseline("no-such-run")
    store.clear_baseline("risk-assessment")
    assert store.get_baseline("risk-assessment") is None


async def test_retention_never_prunes_the_baseline(tmp_path: Path) -> None:
    with Store.open(tmp_path / "small.db", max_runs=3) as store:
        doc = risk_document()
        first = await run_experiment(doc, {"riskScore": 0.1}, store=store)
        store.set_baseline(first.run_id)
        for score in (0.2, 0.3, 0.4, 0.5):
            await run_experiment(doc, {"riskScore": score}, store=store)
        kept = [r.run_id for r in store.list_runs(limit=10)]
        assert first.run_id in kept and len(kept) == 3
        assert store.get_baseline("risk-assessment") == first.run_id


async def test_suite_runs_are_kept_newest_first(store: Store) -> None:
    experiment = load_experiment(risk_document(suite={"scenarios": [
        {"name": "low", "input": {"riskScore": 0.1}, "expect": ['decision.outcome == "below"']}]}))
    first = await run_suite(experiment)
    first_id = store.save_suite_run(first.to_dict())
    second = await run_suite(experiment)
    store.save_suite_run(second.to_dict())
    runs = store.list_suite_runs("risk-assessment")
    assert len(runs) == 2 and runs[1]["suiteRunId"] == first_id
    assert store.last_suite_run("risk-assessment") == runs[0]
    assert runs[0]["results"][0]["passed"] is True
    assert store.last_suite_run("other") is None


def test_a_version_1_database_migrates_keeping_its_data(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Store.open(db) as store:
        store.save_preset("Mine", {"riskScore": 0.3})
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TABLE baselines")
    conn.execute("DROP TABLE suite_runs")
    conn.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
    conn.close()
    with Store.open(db) as store:
        assert any(p.name == "Mine" for p in store.list_presets())
        assert store.get_baseline("risk-assessment") is None  # the new table works
    conn = sqlite3.connect(db)
    version = conn.execute("SELECT value FROM store_meta WHERE key='schema_version'").fetchone()
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert int(version[0]) == SCHEMA_VERSION == 3
    assert {"baselines", "suite_runs", "runs", "experiments"} <= tables
    assert (tmp_path / "old.db.bak-v1").exists()


def webhook_document(url: str) -> dict[str, Any]:
    return {"id": "notify", "name": "Notify", "steps": [
        {"id": "in", "type": "input", "name": "In"},
        {"id": "hook", "type": "webhook", "name": "Call",
         "config": {"url": url, "retries": 0, "headers": {"Authorization": "Bearer s3cret"}}},
        {"id": "after", "type": "transform", "name": "Rename",
         "config": {"mapping": {"webhook": "answer"}}},
    ]}


async def test_a_replay_answers_the_webhook_from_the_recording_and_sends_nothing(
        store: Store, http_server: ScriptedServer) -> None:
    http_server.script(Reply(200, body={"accepted": True, "ticket": 41}))
    doc = webhook_document(http_server.url())
    original = await run_experiment(doc, {"user": "ana"}, store=store, engine=Engine())
    assert original.status == "success" and len(http_server.requests) == 1
    stored = store.get_run(original.run_id)
    [call] = stored["steps"][1]["external"]
    assert call["kind"] == "webhook" and call["response"]["response"]["ticket"] == 41
    assert call["request"]["headers"]["Authorization"] == "[redacted]"
    assert "s3cret" not in str(stored["steps"])

    http_server.default = Reply(500)  # the server has changed its mind since
    report = await replay_run(store, original.run_id)
    assert len(http_server.requests) == 1  # nothing was sent
    assert report.same and report.changed_steps == []
    assert report.record["replayOf"] == original.run_id
    assert report.record["steps"][2]["output"]["answer"]["response"]["ticket"] == 41
    assert any("nothing sent" in line["message"] for line in report.record["steps"][1]["logs"])
    assert report.record["runId"] in [r.run_id for r in store.list_runs()]  # kept


async def test_a_replay_against_a_changed_experiment_says_which_steps_differ(
        store: Store, http_server: ScriptedServer) -> None:
    http_server.script(Reply(200, body={"accepted": True}))
    doc = webhook_document(http_server.url())
    original = await run_experiment(doc, {"user": "ana"}, store=store)
    changed = dict(doc, steps=[*doc["steps"][:2], {
        "id": "after", "type": "transform", "name": "Rename",
        "config": {"mapping": {"webhook": "reply"}}}])
    report = await replay_run(store, original.run_id, experiment=load_experiment(changed),
                              keep=False)
    assert [s.step_id for s in report.changed_steps] == ["after"]
    assert not report.same
    assert len(http_server.requests) == 1
    assert report.record["runId"] not in [r.run_id for r in store.list_runs()]

    # A replay whose input makes the webhook step call again, differently, still answers
    # from the recording; a step that was never recorded fails clearly.
    moved = dict(doc, steps=[doc["steps"][0], {**doc["steps"][1], "id": "hook-2"}])
    report = await replay_run(store, original.run_id, experiment=load_experiment(moved),
                              keep=False)
    assert report.record["status"] == "error"
    assert report.record["steps"][1]["error"]["type"] == "ReplayMissing"


async def test_a_run_without_a_snapshot_cannot_be_replayed(store: Store) -> None:
    result = await run_experiment(risk_document(), {"riskScore": 0.3}, store=store)
    conn = sqlite3.connect(store.path, isolation_level=None)
    conn.execute("UPDATE runs SET definition = NULL WHERE run_id = ?", (result.run_id,))
    conn.close()
    with pytest.raises(ExperimentError, match="no experiment snapshot"):
        await replay_run(store, result.run_id)
