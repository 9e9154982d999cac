"""``metrics`` through the real engine: the run's identity, durations so far, numbers (docs/steps.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from orchestrator_gui import ExperimentError, load_experiment, run_experiment


def step(step_id: str, step_type: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": step_id, "type": step_type, "name": step_id.title(), "config": config or {}}


def experiment(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"id": "metrics-test", "name": "Metrics test", "steps": list(steps)}


async def test_metrics_after_three_steps() -> None:
    exp = experiment(
        step("input-1", "input", {"defaultValue": {"count": 3}}),
        step("t1", "transform", {"mapping": {"riskScore": "risk"}}),
        step("d1", "data_mapping", {"mappings": {"copy": "risk"}}),
        step("metrics-1", "metrics"),
    )
    data = {"riskScore": 0.9, "flag": True, "label": "x", "nested": {"n": 1}, "none": None}
    result = await run_experiment(exp, data, scenario="High Risk")
    assert result.status == "success"
    metrics = result.output["metrics"]
    durations: dict[str, float] = {}
    for earlier in result.steps[:3]:
        assert earlier.duration_ms is not None
        durations[earlier.id] = earlier.duration_ms
    assert metrics["runId"] == result.run_id
    assert metrics["experimentId"] == "metrics-test"
    assert metrics["scenario"] == "High Risk"
    assert metrics["stepsCompleted"] == 3
    assert metrics["stepDurationsMs"] == durations
    assert list(metrics["stepDurationsMs"]) == ["input-1", "t1", "d1"]
    assert metrics["totalDurationMs"] == pytest.approx(sum(durations.values()), abs=0.001)
    # Every top-level number, and nothing else: not booleans, text, objects or null.
    assert metrics["numeric"] == {"count": 3, "risk": 0.9, "copy": 0.9}
    # The rest of the data passes through.
    assert {k: v for k, v in result.output.items() if k != "metrics"} == result.steps[3].input
    assert result.steps[3].logs == []


async def test_timestamp_is_iso_utc_with_z_within_the_run() -> None:
    result = await run_experiment(experiment(step("m", "metrics")), {})
    stamp = result.output["metrics"]["timestamp"]
    assert stamp.endswith("Z")
    moment = datetime.fromisoformat(stamp)
    offset = moment.utcoffset()
    assert offset is not None and offset.total_seconds() == 0
    assert result.started_at is not None and result.finished_at is not None
    assert result.started_at.replace(microsecond=result.started_at.microsecond // 1000 * 1000) \
        <= moment <= result.finished_at


async def test_metrics_first_counts_nothing_and_scenario_may_be_null() -> None:
    result = await run_experiment(experiment(step("m", "metrics")), {"x": 1})
    metrics = result.output["metrics"]
    assert metrics["stepsCompleted"] == 0
    assert metrics["stepDurationsMs"] == {}
    assert metrics["totalDurationMs"] == 0
    assert metrics["scenario"] is None
    assert metrics["numeric"] == {"x": 1}


async def test_fields_pick_nested_and_indexed_numbers_and_log_the_rest() -> None:
    config = {"fields": ["user.age", "items[1].qty", "items.0.qty", "score", "user.name",
                        "missing.path", "flag", "nul", "items.7.qty"]}
    data = {"user": {"age": 41, "name": "Ann"}, "items": [{"qty": 2}, {"qty": 5.5}],
            "score": 0.25, "flag": False, "nul": None, "top": 99}
    result = await run_experiment(experiment(step("m", "metrics", config)), data)
    assert result.status == "success"
    assert result.output["metrics"]["numeric"] == {
        "user.age": 41, "items[1].qty": 5.5, "items.0.qty": 2, "score": 0.25,
    }
    logs = result.steps[0].logs
    assert [line["level"] for line in logs] == ["warning"] * 5
    messages = " | ".join(line["message"] for line in logs)
    for left_out in ("'user.name' is text", "'missing.path' is not in the input",
                     "'flag' is true/false", "'nul' is null", "'items.7.qty' is not in the input"):
        assert left_out in messages


async def test_empty_fields_records_no_numbers() -> None:
    result = await run_experiment(experiment(step("m", "metrics", {"fields": []})), {"x": 1})
    assert result.output["metrics"]["numeric"] == {}


async def test_a_second_metrics_step_counts_the_first() -> None:
    exp = experiment(step("m1", "metrics"), step("m2", "metrics"))
    result = await run_experiment(exp, {"x": 1})
    assert result.output["metrics"]["stepsCompleted"] == 1
    assert list(result.output["metrics"]["stepDurationsMs"]) == ["m1"]
    assert result.steps[1].input["metrics"]["stepsCompleted"] == 0


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"fields": "score"}, "steps[0] (m): config.fields: must be a list, not text"),
        ({"fields": ["a..b"]}, "steps[0] (m): config.fields: invalid path 'a..b': empty segment"),
        ({"fields": [1]}, "steps[0] (m): config.fields[0]: must be text, not a number"),
        ({"field": ["a"]}, "steps[0] (m): config.field: unknown key (did you mean 'fields'?)"),
    ],
)
def test_config_errors_name_their_place(config: dict[str, Any], expected: str) -> None:
    with pytest.raises(ExperimentError) as info:
        load_experiment(experiment(step("m", "metrics", config)))
    assert info.value.problems == [expected]
