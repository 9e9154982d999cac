"""Experiments, presets and the shipped examples in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orchestrator_gui import load_experiment, run_experiment
from orchestrator_gui.resources import path as resource_path
from orchestrator_gui.store import Store
from orchestrator_gui.store.shipped import example_documents
from tests.store.conftest import raw

EXAMPLE_IDS = {
    "risk-assessment", "marketing-campaign", "feature-experiment", "ai-prompt-chain",
    "data-transformation", "compliance-workflow", "webhook-notification", "ai-prompt-chain-llm",
}


def test_save_get_and_delete_round_trip_unknown_keys(store: Store) -> None:
    doc: dict[str, Any] = {"id": "mine", "name": "Mine", "owner": "team-a",
                           "steps": [{"id": "i", "type": "input", "name": "I", "note": "kept"}]}
    store.save_experiment(load_experiment(doc))
    again = store.get_experiment("mine")
    assert again.to_dict()["owner"] == "team-a"
    assert again.to_dict()["steps"][0]["note"] == "kept"
    store.save_experiment(load_experiment({**doc, "name": "Renamed"}))
    assert [e.name for e in store.list_experiments() if e.id == "mine"] == ["Renamed"]
    store.delete_experiment("mine")
    assert "mine" not in {e.id for e in store.list_experiments()}


def test_examples_are_seeded_once_and_deleted_ones_stay_deleted(db_path: Path) -> None:
    with Store.open(db_path) as store:
        assert {e.id for e in store.list_experiments()} == EXAMPLE_IDS
        store.delete_experiment("marketing-campaign")
    with Store.open(db_path) as store:
        ids = {e.id for e in store.list_experiments()}
    assert ids == EXAMPLE_IDS - {"marketing-campaign"}
    count = raw(db_path).execute("SELECT count(*) FROM experiments").fetchone()[0]
    assert count == len(EXAMPLE_IDS) - 1


def test_every_shipped_example_is_valid_and_in_the_store(store: Store) -> None:
    listed = {e.id: e for e in store.list_experiments()}
    for document in example_documents():
        assert listed[document["id"]].error is None, listed[document["id"]].error
    assert len(list(resource_path("examples").glob("*.json"))) == len(EXAMPLE_IDS)


def _presets(store: Store) -> dict[str, dict[str, Any]]:
    return {p.name: p.input for p in store.list_presets()}


def test_presets_builtin_and_saved(store: Store) -> None:
    presets = store.list_presets()
    assert [(p.name, p.builtin) for p in presets[:3]] == [
        ("Happy Path", True), ("High Risk", True), ("GDPR Sensitive", True)]
    assert presets[1].input == {"riskScore": 0.9, "email": "user@example.com"}
    store.save_preset("Edge", {"riskScore": 0.7})
    store.save_preset("Edge", {"riskScore": 0.71})
    assert _presets(store)["Edge"] == {"riskScore": 0.71}
    with pytest.raises(ValueError, match="built-in"):
        store.save_preset("high risk", {"riskScore": 1})
    store.delete_preset("Edge")
    assert "Edge" not in _presets(store)


# Each example with each preset: the status and the key facts a user would look at (docs/steps.md).
@pytest.mark.parametrize("preset", ["Happy Path", "High Risk", "GDPR Sensitive"])
@pytest.mark.parametrize("example_id", sorted(EXAMPLE_IDS))
async def test_every_example_runs_as_shipped(store: Store, example_id: str, preset: str) -> None:
    run_input = _presets(store)[preset]
    result = await run_experiment(store.get_experiment(example_id), run_input, preset,
                                  dry_run=True, store=store)
    if example_id == "ai-prompt-chain-llm":  # no endpoint here: tests/core/test_llm_example.py
        assert result.status == "error" and result.error is not None
        assert "no endpoint named 'local'" in result.error["message"]
        return
    assert result.status == "success", result.error
    output = result.output
    score = run_input["riskScore"]
    if example_id == "risk-assessment":
        assert output["risk_level"] == score and "riskScore" not in output
        assert output["decision"]["outcome"] == ("above" if score >= 0.7 else "below")
        assert output["compliance"]["passed"] is (run_input["email"] is None)
        if run_input["email"]:
            assert output["email"] != run_input["email"]  # masked
        assert output["metrics"]["stepsCompleted"] == 4
    elif example_id == "marketing-campaign":
        assert output["filter"]["passed"] is True
        assert output["thresholds"]["conversionRate"]["exceeded"] is True
        assert output["decision"]["label"] == ("hold for brand review" if score >= 0.6
                                               else "launch variant")
    elif example_id == "feature-experiment":
        assert output["flag"]["name"] == "new-checkout"
        assert output["flag"]["nextStage"] == ("keep at 5%" if score >= 0.5
                                               else "roll out to 50%")
    elif example_id == "ai-prompt-chain":
        triage = "escalate to a person" if score >= 0.5 else "answer automatically"
        assert output["prompt"]["context"] == triage
        assert output["decision"]["agentType"] == "core-ai"
        assert "email" not in output or output["email"] is None  # redacted
    elif example_id == "data-transformation":
        assert output["summary"]["firstOrderId"] == "O-1"
        assert output["summary"]["firstOrderTotal"] == 120.5
        assert output["metrics"]["numeric"]["summary.firstOrderTotal"] == 120.5
    elif example_id == "compliance-workflow":
        assert output["userId"] != "u-42"  # masked
        assert "1234567" not in output["ticket"]["note"]
        assert output["decision"]["label"] == ("manual review" if score >= 0.6
                                               else "auto-approve")
    elif example_id == "webhook-notification":
        sent = output["webhook"]
        assert sent["dryRun"] is True
        assert sent["request"]["url"] == "http://127.0.0.1:8765/orchestrator-webhook"
        assert sent["request"]["body"]["decision"]["threshold"] == 0.7


async def test_the_feature_experiment_gate_filters_a_risky_variant(store: Store) -> None:
    result = await run_experiment(store.get_experiment("feature-experiment"),
                                  {"riskScore": 0.2, "errorRate": 0.02}, "gate")
    assert result.status == "filtered"
    assert result.output["filter"]["failed"][0]["field"] == "errorRate"
    assert [s.status for s in result.steps][2:] == ["skipped"] * 3
