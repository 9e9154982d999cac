"""``ai_decision`` with ``agentType: "llm"`` against the fake OpenAI-compatible server."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.engine import Engine, run_experiment
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.result import RunResult
from orchestrator_gui.core.settings import AppSettings
from tests.fake_openai import completion, decision, endpoint_settings, fake_openai, messages_of
from tests.httpserver import ScriptedServer

__all__ = ["fake_openai"]


def doc(**config: Any) -> dict[str, Any]:
    return {"id": "d", "name": "Decide", "steps": [
        {"id": "in", "type": "input", "name": "In"},
        {"id": "ai", "type": "ai_decision", "name": "AI",
         "config": {"agentType": "llm", "endpoint": "local", "threshold": 0.7, **config}},
    ]}


async def run(document: dict[str, Any], settings: AppSettings,
              payload: dict[str, Any] | None = None) -> RunResult:
    payload = payload or {"riskScore": 0.9, "user": {"contact": {"email": "ana@example.com"}}}
    return await run_experiment(document, payload, engine=Engine(settings=settings))


async def test_the_model_decides_with_the_core_ai_decision_shape(fake_openai: ScriptedServer) -> None:
    fake_openai.script(decision("above", 0.85, "A 0.9 risk for a known customer is high."))
    result = await run(doc(prompt="Risk {{riskScore}} for {{user.contact.email}}",
                           labels={"above": "review"}), endpoint_settings(fake_openai))
    assert result.status == "success", result.error
    made = result.output["decision"]
    assert made == {"outcome": "above", "label": "review", "score": 0.9, "threshold": 0.7,
                    "confidence": 0.85, "agentType": "llm",
                    "reason": "A 0.9 risk for a known customer is high."}
    system, user = messages_of(fake_openai)
    assert user == {"role": "user", "content": "Risk 0.9 for ana@example.com"}
    assert "the threshold 0.7; its score (riskScore) is 0.9" in system["content"]
    assert '"outcome": "above" or "below"' in system["content"]
    assert result.output["llm"]["steps"]["ai"]["promptTokens"] == 12
    assert result.to_record()["steps"][1]["external"][0]["kind"] == "llm"


async def test_the_default_prompt_shows_the_whole_input(fake_openai: ScriptedServer) -> None:
    fake_openai.script(decision("below", 0.6, "fine"))
    result = await run(doc(system="You judge fraud."), endpoint_settings(fake_openai),
                       {"riskScore": 0.2, "note": "x"})
    assert result.output["decision"]["outcome"] == "below"
    system, user = messages_of(fake_openai)
    assert system["content"].startswith("You judge fraud.")
    assert user["content"].endswith('{"riskScore":0.2,"note":"x"}')


async def test_a_malformed_answer_is_asked_again_once(fake_openai: ScriptedServer) -> None:
    fake_openai.script(decision("maybe", 0.5, "unsure"), decision("below", 0.7, "on reflection"))
    result = await run(doc(), endpoint_settings(fake_openai))
    assert result.status == "success"
    assert result.output["decision"]["reason"] == "on reflection"
    log = "\n".join(line["message"] for line in result.steps[1].logs)
    assert "answer 1 is not the expected JSON (\"outcome\" is 'maybe'" in log
    assert result.output["llm"]["calls"] == 2


async def test_two_malformed_answers_fail_the_step_with_the_raw_answer_logged(
    fake_openai: ScriptedServer,
) -> None:
    fake_openai.script(completion("I think it is risky."),
                       completion('{"outcome": "above", "confidence": 7, "reasoning": "x"}'))
    result = await run(doc(), endpoint_settings(fake_openai))
    assert result.status == "error"
    error = result.steps[1].error
    assert error is not None and error["type"] == "LlmAnswerError"
    assert "\"confidence\" is 7, not a number from 0 to 1" in error["message"]
    errors = [line["message"] for line in result.steps[1].logs if line["level"] == "error"]
    assert any("raw answer: '{\"outcome\": \"above\", \"confidence\": 7" in e for e in errors)
    assert len(fake_openai.requests) == 2


def test_llm_without_an_endpoint_is_a_document_error_naming_the_field() -> None:
    document = doc()
    del document["steps"][1]["config"]["endpoint"]
    with pytest.raises(ExperimentError) as caught:
        load_experiment(document)
    assert caught.value.problems == [
        "steps[1] (ai): config.endpoint: agentType 'llm' needs an endpoint: the name of one in "
        "the app's settings (`orchestrator endpoints list`)"
    ]


def test_core_ai_needs_no_endpoint_and_a_bad_prompt_is_caught() -> None:
    load_experiment({"id": "c", "name": "C", "steps": [
        {"id": "ai", "type": "ai_decision", "name": "AI", "config": {"threshold": 0.5}}]})
    with pytest.raises(ExperimentError) as caught:
        load_experiment(doc(prompt="{{}}"))
    assert "steps[1] (ai): config.prompt: '{{}}' names no field" in caught.value.problems[0]


async def test_an_unknown_endpoint_is_a_step_error_saying_how_to_add_it() -> None:
    result = await run(doc(endpoint="gpu-box"), AppSettings())
    error = result.steps[1].error
    assert error is not None and error["type"] == "EndpointNotConfigured"
    assert "no endpoint named 'gpu-box'" in error["message"]
    assert '{"endpoints":{"gpu-box":{' in error["message"]
