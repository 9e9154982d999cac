"""``input`` through the real engine: defaults deep-merged under the input, required fields."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator_gui import ExperimentError, RunResult, load_experiment, run_experiment


def step(step_id: str, step_type: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": step_id, "type": step_type, "name": step_id.title(), "config": config or {}}


def experiment(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"id": "input-test", "name": "Input test", "steps": list(steps)}


async def collect(config: dict[str, Any], data: dict[str, Any]) -> RunResult:
    return await run_experiment(experiment(step("input-1", "input", config)), data)


DEFAULTS = {
    "user": {"name": "anon", "prefs": {"lang": "en", "tz": "UTC"}},
    "tags": ["a", "b"],
    "limit": 10,
    "email": "default@example.com",
    "only_default": {"x": 1},
}


async def test_empty_config_passes_the_input_through() -> None:
    result = await collect({}, {"riskScore": 0.2, "email": None})
    assert result.status == "success"
    assert result.output == {"riskScore": 0.2, "email": None}


async def test_no_input_gives_the_defaults() -> None:
    result = await collect({"defaultValue": DEFAULTS}, {})
    assert result.output == DEFAULTS


async def test_objects_merge_and_the_input_wins() -> None:
    data = {
        "user": {"prefs": {"tz": "CET"}, "id": 7},
        "tags": ["z"],          # a list replaces, never appends
        "limit": 3,             # a scalar replaces
        "email": None,          # an explicit null replaces
        "extra": True,
    }
    result = await collect({"defaultValue": DEFAULTS}, data)
    assert result.output == {
        "user": {"name": "anon", "prefs": {"lang": "en", "tz": "CET"}, "id": 7},
        "tags": ["z"],
        "limit": 3,
        "email": None,
        "only_default": {"x": 1},
        "extra": True,
    }
    assert result.steps[0].input == data


async def test_a_scalar_replaces_a_default_object_and_an_object_a_default_scalar() -> None:
    result = await collect({"defaultValue": {"a": {"x": 1}, "b": 2}}, {"a": 5, "b": {"y": 1}})
    assert result.output == {"a": 5, "b": {"y": 1}}


async def test_defaults_are_not_shared_between_runs() -> None:
    exp = load_experiment(experiment(
        step("input-1", "input", {"defaultValue": {"user": {"tags": ["x"]}}}),
        step("map-1", "data_mapping", {"mappings": {"user.tags.0": "who"}}),
    ))
    first = await run_experiment(exp, {"who": "first"})
    second = await run_experiment(exp, {})
    assert first.output["user"] == {"tags": ["first"]}
    assert second.output["user"] == {"tags": [None]}
    assert exp.steps[0].config["defaultValue"] == {"user": {"tags": ["x"]}}


async def test_required_fields_present_pass() -> None:
    config = {"required": ["riskScore", "user.email", "items[0].id", "a.b"],
              "defaultValue": {"riskScore": 0}}
    data = {"user": {"email": "u@example.com"}, "items": [{"id": 1}], "a.b": False}
    result = await collect(config, data)
    assert result.status == "success"


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({}, ["'riskScore'", "'user.email'"]),
        ({"riskScore": None, "user": {"email": "x@example.com"}}, ["'riskScore'"]),
        ({"riskScore": 0.2, "user": {"email": None}}, ["'user.email'"]),
        ({"riskScore": 0.2, "user": "not an object"}, ["'user.email'"]),
    ],
)
async def test_missing_or_null_required_fields_fail_naming_each(
    data: dict[str, Any], named: list[str]
) -> None:
    exp = experiment(step("input-1", "input", {"required": ["riskScore", "user.email"]}),
                     step("m1", "metrics"))
    result = await run_experiment(exp, data)
    assert result.status == "error"
    assert [s.status for s in result.steps] == ["error", "skipped"]
    assert result.output is None
    error = result.steps[0].error
    assert error is not None and error["type"] == "MissingField"
    for name in named:
        assert name in error["message"]
    for name in {"'riskScore'", "'user.email'"} - set(named):
        assert name not in error["message"]
    assert error["message"] in result.steps[0].logs[-1]["message"]


async def test_a_default_satisfies_a_required_field() -> None:
    result = await collect({"required": ["user.name"], "defaultValue": DEFAULTS}, {})
    assert result.status == "success"


async def test_an_input_step_later_in_the_chain_merges_the_previous_output() -> None:
    exp = experiment(
        step("t1", "transform", {"mapping": {"r": "riskScore"}}),
        step("input-2", "input", {"defaultValue": {"riskScore": 0, "source": "sim"}}),
    )
    result = await run_experiment(exp, {"r": 0.7})
    assert result.output == {"riskScore": 0.7, "source": "sim"}


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"defaultValue": [1]}, "steps[0] (input-1): config.defaultValue: must be an object, not a list"),
        ({"required": "email"}, "steps[0] (input-1): config.required: must be a list, not text"),
        ({"required": ["user..email"]},
         "steps[0] (input-1): config.required: invalid path 'user..email': empty segment"),
        ({"requried": ["a"]}, "steps[0] (input-1): config.requried: unknown key (did you mean 'required'?)"),
    ],
)
def test_config_errors_name_their_place(config: dict[str, Any], expected: str) -> None:
    with pytest.raises(ExperimentError) as info:
        load_experiment(experiment(step("input-1", "input", config)))
    assert info.value.problems == [expected]
