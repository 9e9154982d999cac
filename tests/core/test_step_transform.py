"""``transform`` through the real engine: renames, the filter gate, thresholds (docs/steps.md)."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator_gui import ExperimentError, RunResult, load_experiment, run_experiment


def step(step_id: str, step_type: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": step_id, "type": step_type, "name": step_id.title(), "config": config or {}}


def experiment(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"id": "transform-test", "name": "Transform test", "steps": list(steps)}


async def transform(config: dict[str, Any], data: dict[str, Any]) -> RunResult:
    return await run_experiment(experiment(step("t1", "transform", config)), data)


async def failures(rules: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
    result = await transform({"filters": rules}, data)
    assert result.status in ("success", "filtered")
    failed: list[dict[str, Any]] = result.output["filter"]["failed"]
    assert result.output["filter"]["passed"] is (not failed)
    assert result.status == ("filtered" if failed else "success")
    return failed


# --- mapping ---------------------------------------------------------------------


async def test_mapping_renames_in_place_and_removes_the_source() -> None:
    result = await transform(
        {"mapping": {"riskScore": "risk_level"}}, {"id": 7, "riskScore": 0.9, "email": None}
    )
    assert result.status == "success"
    assert list(result.output.items()) == [("id", 7), ("risk_level", 0.9), ("email", None)]
    assert result.steps[0].logs == []


async def test_mapping_pairs_apply_in_order_and_overwrite_an_existing_target() -> None:
    result = await transform({"mapping": {"a": "b", "b": "c"}}, {"a": 1, "b": 2, "c": 3})
    # a -> b overwrites the old b; then that b (1) moves to c, overwriting c.
    assert result.output == {"c": 1}


async def test_mapping_missing_source_is_a_logged_no_op() -> None:
    result = await transform({"mapping": {"nope": "x", "a": "b"}}, {"a": 1})
    assert result.status == "success"
    assert result.output == {"b": 1}
    [line] = result.steps[0].logs
    assert line["level"] == "warning"
    assert "'nope'" in line["message"] and "'x'" in line["message"]


async def test_mapping_is_top_level_only_a_dotted_source_is_a_literal_key() -> None:
    result = await transform({"mapping": {"user.name": "name"}}, {"user": {"name": "Ann"}})
    assert result.output == {"user": {"name": "Ann"}}
    assert "user.name" in result.steps[0].logs[0]["message"]


async def test_recorded_input_stays_as_given() -> None:
    data = {"riskScore": 0.9}
    result = await transform({"mapping": {"riskScore": "r"}, "filters": {"r": {"min": 0}}}, data)
    assert result.steps[0].input == {"riskScore": 0.9}
    assert data == {"riskScore": 0.9}


# --- the filter gate ---------------------------------------------------------------


async def test_no_filters_means_no_filter_key() -> None:
    configs: list[dict[str, Any]] = [{}, {"filters": {}}, {"mapping": {"a": "b"}}]
    for config in configs:
        result = await transform(config, {"a": 1})
        assert "filter" not in result.output


async def test_passing_filter_lets_the_run_continue() -> None:
    exp = experiment(
        step("t1", "transform", {"filters": {"riskScore": {"min": 0, "max": 1, "notNull": True}}}),
        step("m1", "metrics"),
    )
    result = await run_experiment(exp, {"riskScore": 0.5})
    assert result.status == "success"
    assert result.steps[0].output["filter"] == {"passed": True, "failed": []}
    assert result.steps[1].status == "success"
    assert result.output["filter"] == {"passed": True, "failed": []}
    assert "metrics" in result.output


async def test_failing_filter_ends_the_run_filtered_and_skips_the_rest() -> None:
    exp = experiment(
        step("input-1", "input"),
        step("gate", "transform", {"mapping": {"riskScore": "risk"},
                                   "filters": {"risk": {"max": 0.5}}}),
        step("m1", "metrics"),
        step("d1", "data_mapping", {"mappings": {"x": "risk"}}),
    )
    result = await run_experiment(exp, {"riskScore": 0.9}, scenario="High Risk")
    assert result.status == "filtered"
    assert result.error is None
    assert [s.status for s in result.steps] == ["success", "success", "skipped", "skipped"]
    gate = result.steps[1]
    assert gate.error is None
    assert gate.output == {
        "risk": 0.9,
        "filter": {"passed": False,
                   "failed": [{"field": "risk", "rule": "max", "value": 0.9, "limit": 0.5}]},
    }
    assert result.output == gate.output
    for skipped in result.steps[2:]:
        assert skipped.input is None and skipped.output is None and skipped.duration_ms is None
    assert any("failed" in line["message"] for line in gate.logs)
    record = result.to_record()
    assert record["status"] == "filtered" and record["output"] == gate.output


@pytest.mark.parametrize(
    ("rules", "data", "failed_rules"),
    [
        ({"min": 0.5}, {"x": 0.5}, []),              # min is inclusive
        ({"min": 0.5}, {"x": 0.49}, ["min"]),
        ({"max": 10}, {"x": 10}, []),                # max is inclusive
        ({"max": 10}, {"x": 10.5}, ["max"]),
        ({"min": 1, "max": 3}, {"x": 2}, []),
        ({"equals": "gold"}, {"x": "gold"}, []),
        ({"equals": "gold"}, {"x": "Gold"}, ["equals"]),
        ({"equals": 1}, {"x": 1.0}, []),             # numbers compare by value
        ({"equals": 1}, {"x": True}, ["equals"]),    # booleans are never numbers
        ({"equals": True}, {"x": 1}, ["equals"]),
        ({"equals": False}, {"x": False}, []),
        ({"equals": {"a": [1, 2]}}, {"x": {"a": [1, 2]}}, []),
        ({"in": ["a", "b"]}, {"x": "b"}, []),
        ({"in": ["a", "b"]}, {"x": "c"}, ["in"]),
        ({"in": [0, 1]}, {"x": False}, ["in"]),
        ({"in": []}, {"x": "a"}, ["in"]),
        ({"notNull": True}, {"x": 0}, []),
        ({"notNull": True}, {"x": ""}, []),
        ({"notNull": True}, {"x": False}, []),
        ({"min": 0}, {"x": "5"}, ["min"]),           # min/max on a non-number fails
        ({"max": 9}, {"x": [1]}, ["max"]),
        ({"min": 0}, {"x": True}, ["min"]),
        ({"max": 1}, {"x": False}, ["max"]),
    ],
)
async def test_each_rule(rules: dict[str, Any], data: dict[str, Any], failed_rules: list[str]) -> None:
    failed = await failures({"x": rules}, data)
    assert [f["rule"] for f in failed] == failed_rules
    for entry in failed:
        assert entry["field"] == "x" and entry["value"] == data["x"]


@pytest.mark.parametrize("data", [{}, {"x": None}], ids=["missing", "null"])
async def test_missing_or_null_field_fails_every_rule(data: dict[str, Any]) -> None:
    rules = {"min": 0, "max": 1, "equals": 0.5, "in": [0.5], "notNull": True}
    failed = await failures({"x": rules}, data)
    assert failed == [
        {"field": "x", "rule": "min", "value": None, "limit": 0},
        {"field": "x", "rule": "max", "value": None, "limit": 1},
        {"field": "x", "rule": "equals", "value": None, "limit": 0.5},
        {"field": "x", "rule": "in", "value": None, "limit": [0.5]},
        {"field": "x", "rule": "notNull", "value": None, "limit": True},
    ]


async def test_failed_lists_every_failure_in_config_order() -> None:
    rules = {
        "score": {"notNull": True, "max": 0.3, "min": 0.95},
        "country": {"in": ["DE", "FR"]},
        "ok": {"equals": True},
        "tier": {"equals": "gold"},
    }
    data = {"tier": "gold", "ok": False, "country": "US", "score": 0.9}
    failed = await failures(rules, data)
    assert [(f["field"], f["rule"]) for f in failed] == [
        ("score", "max"), ("score", "min"), ("country", "in"), ("ok", "equals"),
    ]
    assert failed[2]["limit"] == ["DE", "FR"]


async def test_filters_reach_nested_and_indexed_paths() -> None:
    data = {"user": {"age": 17, "tags": ["vip"]}, "items": [{"score": 5}, {"score": 50}]}
    rules = {
        "user.age": {"min": 18},
        "user.tags.0": {"equals": "vip"},
        "items[1].score": {"max": 10},
        "items.0.score": {"max": 10},
        "items.5.score": {"notNull": True},
        "user.age.years": {"notNull": True},
    }
    failed = await failures(rules, data)
    assert [(f["field"], f["value"]) for f in failed] == [
        ("user.age", 17), ("items[1].score", 50), ("items.5.score", None),
        ("user.age.years", None),
    ]


async def test_a_literal_dotted_key_wins_over_the_path() -> None:
    failed = await failures({"a.b": {"equals": 1}}, {"a.b": 1, "a": {"b": 2}})
    assert failed == []


async def test_filters_see_the_mapped_names() -> None:
    result = await transform(
        {"mapping": {"riskScore": "risk"}, "filters": {"risk": {"max": 0.5}, "riskScore": {}}},
        {"riskScore": 0.2},
    )
    assert result.status == "success"
    assert result.output["filter"] == {"passed": True, "failed": []}


async def test_null_rules_and_notnull_false_are_off() -> None:
    rules = {"x": {"min": None, "max": None, "equals": None, "in": None, "notNull": False}}
    assert await failures(rules, {}) == []


# --- thresholds --------------------------------------------------------------------


async def test_thresholds_report_value_threshold_and_exceeded() -> None:
    config = {
        "mapping": {"riskScore": "risk"},
        "thresholds": {"risk": 0.7, "low": 0.7, "equal": 3, "user.score": 10, "items[0]": 1,
                       "text": 1, "flag": 0, "nothing": 5, "nul": 0},
    }
    data = {"riskScore": 0.9, "low": 0.1, "equal": 3, "user": {"score": 12}, "items": [0.5],
            "text": "9", "flag": True, "nul": None}
    result = await transform(config, data)
    assert result.status == "success"
    assert result.output["thresholds"] == {
        "risk": {"value": 0.9, "threshold": 0.7, "exceeded": True},
        "low": {"value": 0.1, "threshold": 0.7, "exceeded": False},
        "equal": {"value": 3, "threshold": 3, "exceeded": True},
        "user.score": {"value": 12, "threshold": 10, "exceeded": True},
        "items[0]": {"value": 0.5, "threshold": 1, "exceeded": False},
        "text": {"value": None, "threshold": 1, "exceeded": False},
        "flag": {"value": None, "threshold": 0, "exceeded": False},
        "nothing": {"value": None, "threshold": 5, "exceeded": False},
        "nul": {"value": None, "threshold": 0, "exceeded": False},
    }
    assert "filter" not in result.output


async def test_thresholds_come_out_even_when_the_gate_closes() -> None:
    result = await transform(
        {"filters": {"x": {"max": 1}}, "thresholds": {"x": 1}}, {"x": 2}
    )
    assert result.status == "filtered"
    assert result.output["thresholds"]["x"] == {"value": 2, "threshold": 1, "exceeded": True}
    assert "thresholds" not in (await transform({}, {"x": 2})).output


# --- config errors ------------------------------------------------------------------


def problems_of(config: Any) -> list[str]:
    with pytest.raises(ExperimentError) as info:
        load_experiment(experiment(step("input-1", "input"), step("t1", "transform", config)))
    return info.value.problems


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"filters": {"score": {"mni": 0.2}}},
         "steps[1] (t1): config.filters.score: unknown filter rule 'mni' (did you mean 'min'?)"),
        ({"filters": {"score": {"min": True}}},
         "steps[1] (t1): config.filters.score.min: must be a number, not true/false"),
        ({"filters": {"score": {"max": "0.7"}}},
         "steps[1] (t1): config.filters.score.max: must be a number, not text"),
        ({"filters": {"score": {"notNull": "yes"}}},
         "steps[1] (t1): config.filters.score.notNull: must be true or false, not text"),
        ({"filters": {"score": {"in": "abc"}}},
         "steps[1] (t1): config.filters.score.in: must be a list, not text"),
        ({"filters": {"score": 0.5}},
         "steps[1] (t1): config.filters.score: must be an object, not a number"),
        ({"filters": {"a..b": {"min": 1}}},
         "steps[1] (t1): config.filters: invalid path 'a..b': empty segment"),
        ({"thresholds": {"score": False}},
         "steps[1] (t1): config.thresholds.score: must be a number, not true/false"),
        ({"thresholds": {"score": "0.7"}},
         "steps[1] (t1): config.thresholds.score: must be a number, not text"),
        ({"mapping": {"a": 1}},
         "steps[1] (t1): config.mapping.a: must be text, not a number"),
        ({"mapping": {"a": ""}},
         "steps[1] (t1): config.mapping: 'a' -> '': field names must not be empty"),
        ({"treshold": {"a": 1}},
         "steps[1] (t1): config.treshold: unknown key (did you mean 'thresholds'?)"),
    ],
)
def test_config_errors_name_their_place(config: dict[str, Any], expected: str) -> None:
    assert problems_of(config) == [expected]


def test_every_config_problem_is_listed_at_once() -> None:
    problems = problems_of({"filters": {"a": {"mni": 1}, "b": {"max": True}},
                            "thresholds": {"c": "x"}})
    assert len(problems) == 3
    assert all(p.startswith("steps[1] (t1): config.") for p in problems)
