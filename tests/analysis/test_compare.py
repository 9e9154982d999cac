"""Comparing runs and experiment versions: aligned steps, JSON-path diffs, first divergence."""

from __future__ import annotations

import copy

from orchestrator_gui import load_experiment, run_experiment
from orchestrator_gui.core.compare import align, compare_runs, diff_experiments
from orchestrator_gui.core.jsondiff import diff, meaningful, same
from tests.analysis.conftest import risk_document


def test_json_diff_names_every_change_by_path_and_keeps_types_apart() -> None:
    before = {"a": 1, "b": {"c": [1, 2, 3], "d": True}, "gone": "x", "metrics": {"runId": "1"}}
    after = {"a": 1.0, "b": {"c": [1, 5], "d": 1}, "new": None, "metrics": {"runId": "2"}}
    changes = {c.path: c for c in diff(before, after)}
    assert "a" not in changes  # 1 == 1.0
    assert changes["b.c.1"].kind == "changed" and changes["b.c.1"].after == 5
    assert changes["b.c.2"].kind == "removed" and changes["b.c.2"].before == 3
    assert changes["b.d"].before is True and changes["b.d"].after == 1  # true is not 1
    assert changes["gone"].kind == "removed" and changes["new"].kind == "added"
    assert changes["metrics.runId"].volatile
    assert [c.path for c in meaningful(list(changes.values()))] == [
        "b.c.1", "b.c.2", "b.d", "gone", "new"]
    assert not same(True, 1) and same({"x": [1]}, {"x": [1.0]})


async def test_two_runs_compare_step_by_step_with_the_first_divergence() -> None:
    doc = risk_document()
    low = (await run_experiment(doc, {"riskScore": 0.2, "email": None})).to_record()
    high = (await run_experiment(doc, {"riskScore": 0.9, "email": None})).to_record()
    comparison = compare_runs(low, high)
    assert [s.step_id for s in comparison.steps] == [
        "input-1", "transform-1", "ai-1", "compliance-1", "metrics-1"]
    first = comparison.first_divergence
    assert first is not None and first.step_id == "input-1" and "input" in first.reasons
    ai = comparison.steps[2]
    outcome = next(c for c in ai.output_changes if c.path == "decision.outcome")
    assert (outcome.before, outcome.after) == ("below", "above")
    assert ai.duration_change_ms is not None
    assert comparison.status_a == comparison.status_b == "success"
    assert not comparison.same_behaviour


async def test_the_same_input_twice_behaves_the_same_despite_ids_and_times() -> None:
    doc = risk_document()
    a = (await run_experiment(doc, {"riskScore": 0.5})).to_record()
    b = (await run_experiment(doc, {"riskScore": 0.5})).to_record()
    comparison = compare_runs(a, b)
    volatile = [c.path for c in comparison.steps[-1].output_changes]
    assert "metrics.runId" in volatile  # listed ...
    assert comparison.first_divergence is None  # ... but not a divergence
    assert comparison.same_behaviour


async def test_runs_of_two_experiment_versions_show_the_changed_config_and_added_step() -> None:
    v1 = risk_document(ui={"positions": {"input-1": [0, 0]}})
    v2 = copy.deepcopy(v1)
    v2["ui"] = {"positions": {"input-1": [300, 40]}}  # layout only: ignored
    v2["steps"][2]["config"]["threshold"] = 0.4
    v2["steps"].insert(3, {"id": "map-1", "type": "data_mapping", "name": "Tag",
                           "config": {"mappings": {"score": "risk_level"}}})
    record_a = (await run_experiment(v1, {"riskScore": 0.5})).to_record()
    record_b = (await run_experiment(v2, {"riskScore": 0.5})).to_record()
    record_a["experiment"] = load_experiment(v1).to_dict()
    record_b["experiment"] = load_experiment(v2).to_dict()
    comparison = compare_runs(record_a, record_b)
    paths = [c.path for c in comparison.experiment_changes]
    assert "steps.ai-1.config.threshold" in paths and "steps.map-1" in paths
    assert not any(p.startswith("ui") for p in paths)
    first = comparison.first_divergence
    assert first is not None and first.step_id == "ai-1"
    assert first.reasons == ["config", "output"]  # 0.5 is now above the threshold
    added = next(s for s in comparison.steps if s.step_id == "map-1")
    assert added.only_in == "b" and added.reasons == ["added"]
    assert [s.step_id for s in comparison.steps].index("map-1") == 3


def test_alignment_keeps_run_order_and_reports_reordered_steps() -> None:
    assert align(["a", "b", "c"], ["a", "x", "c"]) == ["a", "b", "x", "c"]
    doc = {"id": "e", "name": "E", "steps": [{"id": "a"}, {"id": "b"}]}
    moved = {"id": "e", "name": "E", "steps": [{"id": "b"}, {"id": "a"}], "ui": {"z": 1}}
    [change] = diff_experiments(doc, moved)
    assert change.path == "steps (order)" and change.after == ["b", "a"]
