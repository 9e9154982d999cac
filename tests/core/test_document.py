"""The experiment document (docs/format.md): every rule, every problem at once, round trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from orchestrator_gui import Experiment, ExperimentError, load_experiment

GUIDE_EXAMPLE: dict[str, Any] = {
    "id": "exp-1",
    "name": "Risk Assessment Pipeline",
    "steps": [
        {"id": "input-1", "type": "input", "name": "Collect Input", "config": {}},
        {"id": "transform-1", "type": "transform", "name": "Normalize Data",
         "config": {"mapping": {"riskScore": "risk_level"}}},
        {"id": "ai-1", "type": "ai_decision", "name": "AI Decision", "config": {"threshold": 0.7}},
    ],
}


def problems_of(doc: Any) -> list[str]:
    with pytest.raises(ExperimentError) as info:
        load_experiment(doc)
    return info.value.problems


def test_guide_example_without_settings_or_ui_loads() -> None:
    exp = load_experiment(GUIDE_EXAMPLE)
    assert isinstance(exp, Experiment)
    assert [s.id for s in exp.steps] == ["input-1", "transform-1", "ai-1"]
    assert exp.settings is None and exp.ui is None
    assert exp.to_dict() == GUIDE_EXAMPLE


def test_loads_from_text_bytes_path_and_dict(tmp_path: Path) -> None:
    text = json.dumps(GUIDE_EXAMPLE)
    path = tmp_path / "exp.json"
    path.write_text(text, encoding="utf-8")
    for source in (text, text.encode(), path, str(path), GUIDE_EXAMPLE):
        assert load_experiment(source).to_dict() == GUIDE_EXAMPLE


def test_unknown_keys_survive_a_round_trip() -> None:
    doc = json.loads(json.dumps(GUIDE_EXAMPLE))
    doc["owner"] = {"team": "growth"}
    doc["steps"][1]["note"] = "keep me"
    doc["settings"] = {"maxDurationSeconds": 20, "stepTimeoutSeconds": 5}
    doc["ui"] = {"positions": {"input-1": [0, 0], "ai-1": [400, 10]}, "zoom": 1.5}
    again = load_experiment(load_experiment(doc).to_json()).to_dict()
    assert again["owner"] == {"team": "growth"}
    assert again["steps"][1]["note"] == "keep me"
    assert again["ui"]["zoom"] == 1.5
    assert again["ui"]["positions"]["ai-1"] == [400.0, 10.0]
    assert again["settings"] == {"maxDurationSeconds": 20, "stepTimeoutSeconds": 5}


def test_every_problem_is_reported_at_once_with_its_place() -> None:
    doc = {
        "id": "bad id!",
        "name": "",
        "steps": [
            {"id": "a", "type": "input", "name": "A"},
            {"id": "a", "type": "transfrom", "name": "B"},
            {"id": "ai-1", "type": "ai_decision", "name": "AI", "config": {"threshold": 1.5}},
            {"id": "ai-2", "type": "ai_decision", "name": "AI", "config": {"treshold": 0.5}},
        ],
    }
    problems = problems_of(doc)
    assert "id: must be 1-64 characters of A-Z a-z 0-9 . _ -" in problems
    assert "name: must not be empty" in problems
    assert "steps[1] (a): id: 'a' is already used by steps[0]" in problems
    assert any(p.startswith("steps[1] (a): type: unknown step type 'transfrom'") and
               "did you mean 'transform'" in p for p in problems)
    assert "steps[2] (ai-1): config.threshold: must be <= 1" in problems
    assert any(p.startswith("steps[3] (ai-2): config.treshold: unknown key") and
               "'threshold'" in p for p in problems)
    # listed in document order: the document's own problems first, then step by step
    order = [p.split(":")[0] for p in problems]
    assert order.index("steps[1] (a)") < order.index("steps[2] (ai-1)")


def test_the_message_lists_every_problem() -> None:
    with pytest.raises(ExperimentError) as info:
        load_experiment({"id": "x", "name": "n", "steps": [{"id": "s", "type": "nope", "name": ""}]})
    text = str(info.value)
    assert "2 problems" in text
    assert "steps[0] (s): name: must not be empty" in text
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"id": "x" * 65}, "id: must be 1-64 characters"),
        ({"id": ""}, "id: must be 1-64 characters"),
        ({"steps": []}, "steps: must have at least 1 item"),
        ({"name": "   "}, "name: must not be blank"),
        ({"steps": "nope"}, "steps: must be a list, not text"),
        ({"settings": {"stepTimeoutSeconds": 0}}, "settings.stepTimeoutSeconds: must be > 0"),
        ({"settings": {"stepTimeoutSecond": 5}},
         "settings.stepTimeoutSecond: unknown key (did you mean 'stepTimeoutSeconds'?)"),
        ({"settings": {"maxDurationSeconds": True}}, "settings.maxDurationSeconds: must be a number"),
    ],
)
def test_document_rules(patch: dict[str, Any], expected: str) -> None:
    doc = {**GUIDE_EXAMPLE, **patch}
    assert any(p.startswith(expected) for p in problems_of(doc)), problems_of(doc)


def test_fifty_steps_load_and_the_fifty_first_is_refused() -> None:
    steps = [{"id": f"s{i}", "type": "input", "name": f"S{i}"} for i in range(51)]
    load_experiment({"id": "big", "name": "Big", "steps": steps[:50]})
    problems = problems_of({"id": "big", "name": "Big", "steps": steps})
    assert problems == ["steps: must have at least 1 item"] or problems == [
        "steps: must have at most 50 items (has 51)"
    ]


def test_step_level_rules() -> None:
    doc = {"id": "e", "name": "E", "steps": [
        {"id": "s", "type": "input", "name": "S", "timeoutSeconds": -1},
        {"type": "input", "name": "S2"},
        "not a step",
        {"id": "c", "type": "input", "name": "C", "config": []},
    ]}
    problems = problems_of(doc)
    assert "steps[0] (s): timeoutSeconds: must be > 0" in problems
    assert "steps[1]: id: is required" in problems
    assert "steps[2]: must be an object, not text" in problems
    assert "steps[3] (c): config: must be an object, not a list" in problems


def test_nothing_is_half_loaded() -> None:
    """A failed load raises and produces no experiment, whatever was valid in it."""
    doc = json.loads(json.dumps(GUIDE_EXAMPLE))
    doc["steps"][2]["config"]["threshold"] = "high"
    with pytest.raises(ExperimentError) as info:
        load_experiment(doc)
    assert info.value.problems == ["steps[2] (ai-1): config.threshold: must be a number, not text"]


def test_booleans_are_never_numbers_in_configs() -> None:
    doc = json.loads(json.dumps(GUIDE_EXAMPLE))
    doc["steps"][2]["config"]["threshold"] = True
    assert problems_of(doc) == [
        "steps[2] (ai-1): config.threshold: must be a number, not true/false"
    ]


def test_config_of_gives_the_validated_model() -> None:
    exp = load_experiment(GUIDE_EXAMPLE)
    config = exp.config_of(exp.steps[2])
    assert config.threshold == 0.7
    # the document keeps the config as written, defaults are not added to it
    assert exp.to_dict()["steps"][2]["config"] == {"threshold": 0.7}
