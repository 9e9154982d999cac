"""``ai_decision`` through the real engine: score lookup, core-ai, labels, agents, errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from orchestrator_gui import ExperimentError, RunResult, load_experiment, run_experiment
from orchestrator_gui.core.agents import (
    AgentDecision,
    AgentRequest,
    default_agents,
    register_agent,
)
from orchestrator_gui.core.errors import RegistryError

DEFAULT_FIELDS = ("risk_level", "riskScore", "risk_score", "normalized_score", "score")


def step(step_id: str, step_type: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": step_id, "type": step_type, "name": step_id.title(), "config": config or {}}


def experiment(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"id": "ai-test", "name": "AI test", "steps": list(steps)}


async def decide(config: dict[str, Any], data: dict[str, Any]) -> RunResult:
    return await run_experiment(
        experiment(step("input-1", "input"), step("ai-1", "ai_decision", config),
                   step("after", "input")),
        data,
    )


def decision(result: RunResult) -> dict[str, Any]:
    assert result.status == "success", result.steps[1].error
    out: dict[str, Any] = result.output["decision"]
    return out


# --- presets and the core-ai rule -------------------------------------------

@pytest.mark.parametrize(
    ("data", "outcome", "reason", "confidence"),
    [
        ({"riskScore": 0.2, "email": None}, "below", "riskScore 0.20 < threshold 0.70", 0.5 / 0.7),
        ({"riskScore": 0.9, "email": "user@example.com"}, "above",
         "riskScore 0.90 >= threshold 0.70", 0.2 / 0.7),
        ({"riskScore": 0.5, "email": "person@eu.com"}, "below",
         "riskScore 0.50 < threshold 0.70", 0.2 / 0.7),
    ],
    ids=["happy-path", "high-risk", "gdpr-sensitive"],
)
async def test_presets_decide_against_the_threshold(
    data: dict[str, Any], outcome: str, reason: str, confidence: float
) -> None:
    result = await decide({"threshold": 0.7}, data)
    assert result.output == {
        **data,
        "decision": {
            "outcome": outcome, "label": outcome, "score": data["riskScore"], "threshold": 0.7,
            "confidence": pytest.approx(confidence), "agentType": "core-ai", "reason": reason,
        },
    }
    assert [s.status for s in result.steps] == ["success"] * 3
    assert result.steps[1].input == data  # the recorded input does not gain the decision
    assert any(reason in line["message"] for line in result.steps[1].logs)


async def test_defaults_threshold_one_half_and_score_equal_to_it_is_above() -> None:
    got = decision(await decide({}, {"riskScore": 0.5}))
    assert got["threshold"] == 0.5
    assert got["outcome"] == "above"
    assert got["confidence"] == 0
    assert got["agentType"] == "core-ai"
    assert got["reason"] == "riskScore 0.50 >= threshold 0.50"


@pytest.mark.parametrize(
    ("threshold", "score", "confidence"),
    [
        (0.2, 1.0, 1.0),      # 0.8 / max(0.2, 0.8)
        (0.2, 0.6, 0.5),      # 0.4 / 0.8
        (0.9, 0.0, 1.0),      # 0.9 / 0.9
        (0.9, -3.0, 1.0),     # out of 0..1 is accepted, capped at 1
        (0.5, 7, 1.0),
        (0.0, 0.3, 0.3),      # max(0, 1) = 1
        (1.0, 0.25, 0.75),
    ],
)
async def test_confidence_formula_and_cap(threshold: float, score: float, confidence: float) -> None:
    got = decision(await decide({"threshold": threshold}, {"score": score}))
    assert got["confidence"] == pytest.approx(confidence)
    assert 0 <= got["confidence"] <= 1


async def test_an_integer_score_is_kept_as_written() -> None:
    got = decision(await decide({"threshold": 1}, {"score": 1}))
    assert got["score"] == 1 and isinstance(got["score"], int)
    assert got["outcome"] == "above"
    assert got["reason"] == "score 1.00 >= threshold 1.00"


async def test_reason_shows_more_digits_when_two_would_look_equal() -> None:
    got = decision(await decide({"threshold": 0.7}, {"riskScore": 0.699}))
    assert got["outcome"] == "below"
    assert got["reason"] == "riskScore 0.699 < threshold 0.700"


async def test_labels_replace_the_outcome_and_an_unset_one_stays_the_outcome() -> None:
    config = {"threshold": 0.7, "labels": {"above": "Manual review", "below": "Auto-approve"}}
    assert decision(await decide(config, {"riskScore": 0.9}))["label"] == "Manual review"
    assert decision(await decide(config, {"riskScore": 0.1}))["label"] == "Auto-approve"
    partial = {"threshold": 0.7, "labels": {"above": "Reject"}}
    got = decision(await decide(partial, {"riskScore": 0.1}))
    assert (got["outcome"], got["label"]) == ("below", "below")


# --- finding the score ---------------------------------------------------------

async def test_default_fields_are_tried_in_order() -> None:
    data = {"score": 0.1, "normalized_score": 0.2, "risk_score": 0.3, "riskScore": 0.4,
            "risk_level": 0.95}
    got = decision(await decide({"threshold": 0.7}, data))
    assert got["score"] == 0.95 and got["reason"].startswith("risk_level ")
    del data["risk_level"]
    assert decision(await decide({"threshold": 0.7}, data))["reason"].startswith("riskScore 0.40")


async def test_booleans_text_and_null_are_not_scores() -> None:
    data = {"risk_level": True, "riskScore": "0.9", "risk_score": None, "normalized_score": 0.8}
    got = decision(await decide({"threshold": 0.7}, data))
    assert got["score"] == 0.8
    assert got["reason"] == "normalized_score 0.80 >= threshold 0.70"


async def test_no_numeric_score_fails_naming_every_field_looked_for() -> None:
    result = await decide({}, {"riskScore": True, "score": "high", "email": None})
    assert result.status == "error"
    ai = result.steps[1]
    assert ai.status == "error" and ai.output is None
    assert ai.error is not None and ai.error["type"] == "MissingField"
    for name in DEFAULT_FIELDS:
        assert name in ai.error["message"]
    assert "riskScore is true/false" in ai.error["message"]
    assert "score is text" in ai.error["message"]
    assert "scoreField" in ai.error["message"]  # says what to do next
    assert result.steps[2].status == "skipped"
    assert result.output is None


async def test_explicit_score_field_is_used_even_when_defaults_exist() -> None:
    got = decision(await decide({"scoreField": "confidence_pct", "threshold": 0.5},
                                {"riskScore": 0.9, "confidence_pct": 0.1}))
    assert got["score"] == 0.1 and got["outcome"] == "below"
    assert got["reason"] == "confidence_pct 0.10 < threshold 0.50"


async def test_explicit_score_field_may_be_a_dotted_or_indexed_path() -> None:
    data = {"model": {"runs": [{"p": 0.2}, {"p": 0.8}]}}
    got = decision(await decide({"scoreField": "model.runs[1].p", "threshold": 0.7}, data))
    assert got["score"] == 0.8
    assert got["reason"] == "model.runs[1].p 0.80 >= threshold 0.70"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"riskScore": 0.9}, "'myScore' (config.scoreField) is missing"),
        ({"myScore": False, "riskScore": 0.9}, "'myScore' (config.scoreField) is true/false"),
        ({"myScore": "0.9", "riskScore": 0.9}, "'myScore' (config.scoreField) is text"),
        ({"myScore": None}, "'myScore' (config.scoreField) is null"),
    ],
)
async def test_explicit_score_field_missing_or_not_a_number_fails_without_fallback(
    data: dict[str, Any], says: str
) -> None:
    result = await decide({"scoreField": "myScore"}, data)
    error = result.steps[1].error
    assert result.status == "error"
    assert error is not None and error["type"] == "MissingField"
    assert says in error["message"]


# --- document errors ----------------------------------------------------------

def problems(config: dict[str, Any]) -> list[str]:
    doc = experiment(step("input-1", "input"), step("ai-1", "ai_decision", config))
    with pytest.raises(ExperimentError) as info:
        load_experiment(doc)
    return info.value.problems


def test_unknown_agent_type_is_a_document_error_naming_the_place() -> None:
    assert problems({"agentType": "gpt-9"}) == [
        "steps[1] (ai-1): config.agentType: unknown agent type 'gpt-9' (known: core-ai, llm)"
    ]


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ({"threshold": 1.5}, "config.threshold: must be <= 1"),
        ({"threshold": -0.1}, "config.threshold: must be >= 0"),
        ({"threshold": "0.7"}, "config.threshold: must be a number, not text"),
        ({"threshold": True}, "config.threshold: must be a number, not true/false"),
        ({"treshold": 0.7}, "config.treshold: unknown key (did you mean 'threshold'?)"),
        ({"labels": {"abov": "x"}}, "config.labels: unknown label 'abov'"),
        ({"scoreField": "a..b"}, "config.scoreField: invalid path 'a..b': empty segment"),
        ({"agentType": 3}, "config.agentType: must be text, not a number"),
    ],
)
def test_bad_config_is_reported_at_its_place(config: dict[str, Any], problem: str) -> None:
    found = problems(config)
    assert len(found) == 1
    assert found[0].startswith("steps[1] (ai-1): ")
    assert problem in found[0]


def test_every_problem_is_listed_at_once() -> None:
    found = problems({"agentType": "nope", "threshold": 2})
    assert len(found) == 2
    assert any("agentType" in p for p in found) and any("threshold" in p for p in found)


# --- other agent types ------------------------------------------------------------

@pytest.fixture
def agent_names() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        default_agents().unregister(name)


async def test_a_registered_agent_decides_and_the_step_shapes_its_answer(
    agent_names: list[str],
) -> None:
    seen: list[AgentRequest] = []

    async def contrarian(request: AgentRequest) -> AgentDecision:
        seen.append(request)
        return AgentDecision(outcome="above", confidence=0.42,
                             reason=f"{request.field} looked suspicious")

    register_agent("test-contrarian", contrarian, description="always above")
    agent_names.append("test-contrarian")
    config = {"agentType": "test-contrarian", "threshold": 0.7, "labels": {"above": "Flag"}}
    got = decision(await decide(config, {"riskScore": 0.1, "note": "hi"}))
    assert got == {"outcome": "above", "label": "Flag", "score": 0.1, "threshold": 0.7,
                   "confidence": 0.42, "agentType": "test-contrarian",
                   "reason": "riskScore looked suspicious"}
    (request,) = seen
    assert (request.score, request.threshold, request.field) == (0.1, 0.7, "riskScore")
    assert request.payload == {"riskScore": 0.1, "note": "hi"}
    assert request.config.agent_type == "test-contrarian"
    assert request.ctx.step.id == "ai-1"


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (AgentDecision(outcome="maybe", confidence=0.5, reason="?"),  # type: ignore[arg-type]
         "returned outcome 'maybe', not 'above' or 'below'"),
        (AgentDecision(outcome="below", confidence=1.5, reason="?"),
         "returned confidence 1.5, not a number from 0 to 1"),
        ({"outcome": "below"}, "returned dict, not an AgentDecision"),
    ],
)
async def test_a_bad_agent_answer_fails_the_step_naming_the_agent(
    agent_names: list[str], answer: Any, says: str
) -> None:
    async def broken(request: AgentRequest) -> Any:
        return answer

    register_agent("test-broken", broken)
    agent_names.append("test-broken")
    result = await decide({"agentType": "test-broken"}, {"riskScore": 0.3})
    error = result.steps[1].error
    assert result.status == "error"
    assert error is not None and error["type"] == "StepError"
    assert error["message"] == f"agent type 'test-broken' {says}"


async def test_an_agent_raising_fails_the_step_with_its_error(agent_names: list[str]) -> None:
    async def offline(request: AgentRequest) -> AgentDecision:
        raise ConnectionError("endpoint http://127.0.0.1:9/v1 refused the connection")

    register_agent("test-offline", offline)
    agent_names.append("test-offline")
    result = await decide({"agentType": "test-offline"}, {"riskScore": 0.3})
    assert result.steps[1].error == {
        "type": "ConnectionError",
        "message": "endpoint http://127.0.0.1:9/v1 refused the connection",
    }


def test_agent_registry_refuses_duplicates_bad_names_and_removing_core_ai() -> None:
    async def noop(request: AgentRequest) -> AgentDecision:
        raise AssertionError

    with pytest.raises(RegistryError, match="already registered"):
        register_agent("core-ai", noop)
    with pytest.raises(RegistryError, match="must be 1-64 letters"):
        register_agent("has space", noop)
    with pytest.raises(RegistryError, match="cannot be removed"):
        default_agents().unregister("core-ai")
    assert "core-ai" in default_agents().names()
