"""``data_mapping`` through the real engine: paths in, nested objects out (docs/steps.md)."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator_gui import ExperimentError, RunResult, load_experiment, run_experiment


def step(step_id: str, step_type: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": step_id, "type": step_type, "name": step_id.title(), "config": config or {}}


def experiment(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"id": "mapping-test", "name": "Mapping test", "steps": list(steps)}


async def mapping(config: dict[str, Any], data: dict[str, Any]) -> RunResult:
    return await run_experiment(experiment(step("map-1", "data_mapping", config)), data)


USER = {
    "user": {"contact": {"email": "ann@example.com"}, "name": "Ann"},
    "items": [{"id": "a1", "qty": 2}, {"id": "b2", "qty": 5}],
}


async def test_dotted_and_indexed_sources_into_nested_targets() -> None:
    config = {"mappings": {
        "email": "user.contact.email",
        "order.first": "items.0.id",
        "order.second": "items[1].id",
        "order.qty.second": "items[1].qty",
    }}
    result = await mapping(config, USER)
    assert result.status == "success"
    assert result.output == {
        **USER,
        "email": "ann@example.com",
        "order": {"first": "a1", "second": "b2", "qty": {"second": 5}},
    }
    assert result.steps[0].logs == []


async def test_keep_original_false_outputs_only_the_mapped_fields() -> None:
    config = {"mappings": {"contact.email": "user.contact.email", "n": "items.1.qty"},
              "keepOriginal": False}
    result = await mapping(config, USER)
    assert result.output == {"contact": {"email": "ann@example.com"}, "n": 5}


async def test_whole_objects_and_lists_map_as_independent_copies() -> None:
    config = {"mappings": {"profile": "user", "profile.name": "items.0.id", "list": "items"}}
    result = await mapping(config, USER)
    assert result.output["profile"] == {"contact": {"email": "ann@example.com"}, "name": "a1"}
    assert result.output["user"]["name"] == "Ann"  # the source object is untouched
    assert result.output["list"] == USER["items"]


async def test_sources_are_read_from_the_input_as_received() -> None:
    result = await mapping({"mappings": {"a": "b", "c": "a"}}, {"a": 1, "b": 2})
    assert result.output == {"a": 2, "b": 2, "c": 1}


async def test_missing_source_gives_null_and_a_log_line() -> None:
    config = {"mappings": {"email": "user.contact.mail", "third": "items[2].id", "name": "user.name"}}
    result = await mapping(config, USER)
    assert result.status == "success"
    assert result.output["email"] is None and result.output["third"] is None
    assert result.output["name"] == "Ann"
    messages = [line["message"] for line in result.steps[0].logs]
    assert len(messages) == 2
    assert "'user.contact.mail'" in messages[0] and "'items[2].id'" in messages[1]
    assert {line["level"] for line in result.steps[0].logs} == {"warning"}


async def test_a_null_source_maps_to_null_without_complaint() -> None:
    result = await mapping({"mappings": {"e": "email"}}, {"email": None})
    assert result.output == {"email": None, "e": None}
    assert result.steps[0].logs == []


async def test_strict_fails_the_step_naming_every_missing_path() -> None:
    exp = experiment(
        step("map-1", "data_mapping", {"mappings": {"a": "user.contact.mail", "b": "user.name",
                                                    "c": "items.9.id"}, "strict": True}),
        step("m1", "metrics"),
    )
    result = await run_experiment(exp, USER)
    assert result.status == "error"
    assert [s.status for s in result.steps] == ["error", "skipped"]
    assert result.output is None
    error = result.steps[0].error
    assert error is not None and error["type"] == "MissingField"
    assert "'user.contact.mail'" in error["message"] and "'items.9.id'" in error["message"]
    assert "'user.name'" not in error["message"]
    assert result.to_record()["steps"][0]["error"]["type"] == "MissingField"


async def test_strict_with_every_source_present_succeeds() -> None:
    result = await mapping({"mappings": {"e": "user.contact.email"}, "strict": True}, USER)
    assert result.status == "success" and result.output["e"] == "ann@example.com"


async def test_a_literal_dotted_key_wins_over_the_path() -> None:
    result = await mapping({"mappings": {"x": "a.b"}, "keepOriginal": False},
                           {"a.b": "literal", "a": {"b": "nested"}})
    assert result.output == {"x": "literal"}


async def test_a_target_through_a_list_needs_a_valid_index() -> None:
    ok = await mapping({"mappings": {"items.1.label": "user.name"}}, USER)
    assert ok.output["items"][1] == {"id": "b2", "qty": 5, "label": "Ann"}
    bad = await mapping({"mappings": {"items.4.label": "user.name"}}, USER)
    assert bad.status == "error"
    error = bad.steps[0].error
    assert error is not None and error["type"] == "StepError"
    assert "'items.4.label'" in error["message"] and "list of 2" in error["message"]


async def test_a_dotted_target_replaces_a_scalar_in_its_way() -> None:
    result = await mapping({"mappings": {"score.value": "s"}}, {"s": 3, "score": 0.4})
    assert result.output == {"s": 3, "score": {"value": 3}}


async def test_recorded_input_stays_as_given() -> None:
    result = await mapping({"mappings": {"user.contact.phone": "items.0.id"}}, USER)
    assert result.steps[0].input == USER
    assert result.output["user"]["contact"] == {"email": "ann@example.com", "phone": "a1"}


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"mappings": {"a": "b"}, "keepOrignal": False},
         "steps[0] (map-1): config.keepOrignal: unknown key (did you mean 'keepOriginal'?)"),
        ({"mappings": {"a": "b"}, "strict": "yes"},
         "steps[0] (map-1): config.strict: must be true or false, not text"),
        ({"mappings": {"a": 5}},
         "steps[0] (map-1): config.mappings.a: must be text, not a number"),
        ({"mappings": {"a": "items..id"}},
         "steps[0] (map-1): config.mappings: 'a' <- 'items..id': invalid path 'items..id': "
         "empty segment"),
        ({"mappings": ["a"]},
         "steps[0] (map-1): config.mappings: must be an object, not a list"),
    ],
)
def test_config_errors_name_their_place(config: dict[str, Any], expected: str) -> None:
    with pytest.raises(ExperimentError) as info:
        load_experiment(experiment(step("map-1", "data_mapping", config)))
    assert info.value.problems == [expected]
