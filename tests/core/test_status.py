"""The status vocabulary (core/status.py): the words are contracts, printed and stored as before.

A status is a ``StrEnum`` member in the engine's results and events; what leaves
the program (the record, JSON from orjson or ``json``, SQLite, printed text) must
be the plain word, byte for byte, and a record must hold a plain ``str`` so that a
live record and a stored one compare equal type for type (suites compare with
``jsondiff.same``, which tells ``str`` from its subclasses).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from orchestrator_gui import Engine, RunStatus, StepStatus, load_experiment, run_experiment
from orchestrator_gui.core import jsonio
from orchestrator_gui.core.events import RunFinished, StepFinished
from orchestrator_gui.core.jsondiff import same
from orchestrator_gui.core.suite_model import Suite
from orchestrator_gui.core.suites import run_suite
from orchestrator_gui.core.sweeps import run_sweep
from orchestrator_gui.store import Store

from .conftest import experiment

ALL = [*RunStatus, *StepStatus]


def test_the_words_are_the_record_s_contract() -> None:
    # The record's status words (docs/format.md), in the order the history's filter lists them
    assert [str(s) for s in RunStatus] == ["queued", "running", "success", "filtered", "error",
                                           "timeout", "cancelled", "interrupted"]
    assert [str(s) for s in StepStatus] == ["pending", "running", "success", "error", "timeout",
                                            "skipped", "cancelled"]


@given(st.sampled_from(ALL))
def test_a_status_prints_and_serialises_as_its_word(status: RunStatus | StepStatus) -> None:
    word = status.value
    assert type(str(status)) is str and str(status) == word
    assert f"{status}" == word and format(status, ">12") == f"{word:>12}"
    assert "%s" % status == word  # noqa: UP031 (the CLI and logging format this way)
    assert status == word and hash(status) == hash(word)
    assert orjson.dumps({"status": status}) == orjson.dumps({"status": word})
    assert json.dumps({"status": status}) == json.dumps({"status": word})
    assert jsonio.dumps([status]) == jsonio.dumps([word])
    db = sqlite3.connect(":memory:")
    db.execute("create table t (status text)")
    db.execute("insert into t values (?)", (status,))
    assert db.execute("select status, typeof(status) from t").fetchone() == (word, "text")


def _statuses(record: dict[str, Any]) -> list[Any]:
    return [record["status"], *(step["status"] for step in record["steps"])]


async def test_records_carry_plain_words_while_results_and_events_carry_members(
        engine: Engine) -> None:
    seen: list[Any] = []
    outcomes = {}
    for name, doc in {
        "success": experiment(("a", "append"), ("b", "append")),
        "filtered": experiment(("a", "append"), ("g", "gate"), ("c", "append")),
        "error": experiment(("a", "append"), ("bad", "boom"), ("c", "append")),
    }.items():
        result = await run_experiment(doc, {}, engine=engine, on_event=seen.append)
        outcomes[name] = result
        assert result.status is RunStatus(name)
        assert all(isinstance(step.status, StepStatus) for step in result.steps)
        record = result.to_record()
        assert all(type(word) is str for word in _statuses(record)), _statuses(record)
        # the bytes a plain-string record would give
        plain = orjson.loads(orjson.dumps(record))
        assert jsonio.dumps(record) == jsonio.dumps(plain)
        assert json.dumps(record, sort_keys=True) == json.dumps(plain, sort_keys=True)
        assert same(record, plain)
    assert [s["status"] for s in outcomes["error"].to_record()["steps"]] == [
        "success", "error", "skipped"]
    assert all(isinstance(e.status, StepStatus) for e in seen if isinstance(e, StepFinished))
    assert [e.status for e in seen if isinstance(e, RunFinished)] == [
        RunStatus.SUCCESS, RunStatus.FILTERED, RunStatus.ERROR]


async def test_a_stored_record_equals_the_live_one_byte_for_byte(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "orchestrator.db")
    try:
        doc = {"id": "words", "name": "Words", "steps": [
            {"id": "a", "type": "ai_decision", "name": "A"},
            {"id": "c", "type": "compliance_check", "name": "C"}]}
        results = []
        for score in (0.9, 0.1):
            result = await run_experiment(doc, {"riskScore": score}, store=store)
            results.append(result)
            stored = store.get_run(result.run_id)
            stored.pop("experiment", None)
            assert _statuses(stored) == _statuses(result.to_record())
            assert jsonio.dumps(stored) == jsonio.dumps(result.to_record())
        rows = sqlite3.connect(tmp_path / "orchestrator.db").execute(
            "select status, typeof(status) from runs").fetchall()
        assert sorted(rows) == sorted((r.status.value, "text") for r in results)
    finally:
        store.close()


async def test_suite_expectations_on_statuses_compare_with_the_plain_words(
        engine: Engine) -> None:
    suite = Suite.model_validate({
        "scenarios": [{
            "name": "fails at bad", "input": {},
            "expect": ['status == "error"', 'steps.bad.status == "error"',
                       'steps.c.status in ["skipped"]', 'steps.a.status != "error"']}]})
    doc = experiment(("a", "append"), ("bad", "boom"), ("c", "append"))
    run = await run_suite(load_experiment(doc, registry=engine.registry), suite, engine=engine)
    result = run.results[0]
    assert result.passed, [c.to_dict() for c in result.checks]
    assert type(result.status) is str and all(type(s) is str for s in result.step_statuses)


async def test_a_sweep_shows_the_plain_word_where_a_run_did_not_reach_the_path(
        engine: Engine) -> None:
    doc = load_experiment(experiment(("a", "append"), ("bad", "boom")), registry=engine.registry)
    sweep = await run_sweep(doc, {}, "x", [1.0, 2.0], engine=engine)  # watches decision.outcome
    assert [(type(r.status), type(r.outcome)) for r in sweep.rows] == [(str, str)] * 2
    assert [r.outcome for r in sweep.rows] == ["error", "error"] and not sweep.flips()
    assert same(sweep.rows[0].outcome, jsonio.loads_trusted(jsonio.dumps(sweep.rows[1].outcome)))
