"""The ``prompt`` step against a fake OpenAI-compatible server on 127.0.0.1 (tests/fake_openai.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.engine import Engine, run_experiment
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.llm import client
from orchestrator_gui.core.result import RunResult
from orchestrator_gui.core.settings import AppSettings, settings_path
from tests.fake_openai import MODEL, completion, endpoint_settings, fake_openai, messages_of
from tests.httpserver import Reply, ScriptedServer

__all__ = ["fake_openai"]

SECRET = "sk-test-4f9a8b7c6d5e4f3a2b1c"


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "BACKOFF_BASE_SECONDS", 0.01)


def prompt_step(step_id: str = "ask", **config: Any) -> dict[str, Any]:
    timeout = config.pop("timeoutSeconds", None)
    step: dict[str, Any] = {"id": step_id, "type": "prompt", "name": step_id.title(),
                            "config": {"endpoint": "local", "prompt": "Summarise: {{message}}",
                                       **config}}
    if timeout is not None:
        step["timeoutSeconds"] = timeout
    return step


def doc(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"id": "chain", "name": "Chain", "steps": list(steps)}


async def run(document: dict[str, Any], settings: AppSettings,
              payload: dict[str, Any] | None = None, **kwargs: Any) -> RunResult:
    return await run_experiment(document, payload or {"message": "card charged twice"},
                                engine=Engine(settings=settings), **kwargs)


def logs(result: RunResult, index: int = 0) -> str:
    return "\n".join(line["message"] for line in result.steps[index].logs)


async def test_a_chain_of_prompts_each_quoting_the_answer_before(fake_openai: ScriptedServer) -> None:
    fake_openai.script(completion("Customer was charged twice.", prompt_tokens=20,
                                  completion_tokens=6),
                       completion("billing", prompt_tokens=30, completion_tokens=2))
    document = doc(prompt_step("summary", outputKey="summary", system="Be brief."),
                   prompt_step("topic", prompt="Topic of: {{summary}} (score {{score}})",
                               outputKey="result.topic", temperature=0.2, maxTokens=20))
    result = await run(document, endpoint_settings(fake_openai), {"message": "card charged twice",
                                                                  "score": 0.4})
    assert result.status == "success", result.error
    first, second = fake_openai.requests
    assert first.path == "/v1/chat/completions" and first.method == "POST"
    assert first.json() == {"model": MODEL, "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Summarise: card charged twice"}]}
    assert second.json()["messages"] == [
        {"role": "user", "content": "Topic of: Customer was charged twice. (score 0.4)"}]
    assert (second.json()["temperature"], second.json()["max_tokens"]) == (0.2, 20)
    out = result.output
    assert out["summary"] == "Customer was charged twice."
    assert out["result"] == {"topic": "billing"}
    llm = out["llm"]
    assert (llm["model"], llm["calls"], llm["promptTokens"], llm["completionTokens"]) == (
        MODEL, 2, 50, 8)
    assert llm["steps"]["summary"]["promptTokens"] == 20
    assert llm["steps"]["topic"]["completionTokens"] == 2
    assert llm["latencyMs"] > 0
    record = result.to_record()["steps"][0]
    [call] = record["external"]
    assert call["kind"] == "llm" and call["request"]["endpoint"] == "local"
    assert call["request"]["body"]["messages"][1]["content"] == "Summarise: card charged twice"
    assert call["response"]["content"] == "Customer was charged twice."
    assert "fake-model-1 answered in" in logs(result)


async def test_metrics_pick_up_token_counts_through_fields(fake_openai: ScriptedServer) -> None:
    fake_openai.script(completion("hi", prompt_tokens=9, completion_tokens=3))
    document = doc(prompt_step(), {"id": "m", "type": "metrics", "name": "M", "config": {
        "fields": ["llm.promptTokens", "llm.completionTokens", "llm.latencyMs"]}})
    result = await run(document, endpoint_settings(fake_openai))
    numeric = result.output["metrics"]["numeric"]
    assert numeric["llm.promptTokens"] == 9 and numeric["llm.completionTokens"] == 3
    assert numeric["llm.latencyMs"] == result.output["llm"]["latencyMs"]


async def test_json_answers_are_parsed_even_in_a_code_fence(fake_openai: ScriptedServer) -> None:
    fake_openai.script(completion('```json\n{"category": "billing", "urgency": 0.8}\n```'))
    result = await run(doc(prompt_step(responseFormat="json", outputKey="triage")),
                       endpoint_settings(fake_openai))
    assert result.output["triage"] == {"category": "billing", "urgency": 0.8}
    system = messages_of(fake_openai)[0]
    assert system["role"] == "system" and "one JSON value" in system["content"]


async def test_malformed_json_is_asked_again_once_then_fails_with_the_raw_answers_logged(
    fake_openai: ScriptedServer,
) -> None:
    fake_openai.script(completion("Sure! The category is billing."),
                       completion("{category: billing"))
    result = await run(doc(prompt_step(responseFormat="json")), endpoint_settings(fake_openai))
    assert result.status == "error"
    error = result.steps[0].error
    assert error is not None and error["type"] == "LlmAnswerError"
    assert "answered twice without the expected JSON" in error["message"]
    text = logs(result)
    assert "raw answer: 'Sure! The category is billing.'" in text
    assert "raw answer: '{category: billing'" in text
    assert len(fake_openai.requests) == 2
    retry = messages_of(fake_openai, 1)
    assert retry[-2] == {"role": "assistant", "content": "Sure! The category is billing."}
    assert retry[-1]["content"].startswith(
        "That answer could not be read: the answer is not valid JSON")


async def test_malformed_then_good_json_succeeds_counting_both_calls(
    fake_openai: ScriptedServer,
) -> None:
    fake_openai.script(completion("no"), completion('{"ok": true}', completion_tokens=4))
    result = await run(doc(prompt_step(responseFormat="json")), endpoint_settings(fake_openai))
    assert result.status == "success"
    assert result.output["completion"] == {"ok": True}
    assert result.output["llm"]["calls"] == 2 and result.output["llm"]["completionTokens"] == 9


async def test_429_then_success_waits_the_retry_after(fake_openai: ScriptedServer) -> None:
    fake_openai.script(Reply(429, body={"error": {"message": "rate limited"}},
                             headers={"Retry-After": "0.3"}),
                       completion("fine"))
    result = await run(doc(prompt_step()), endpoint_settings(fake_openai))
    assert result.status == "success" and result.output["completion"] == "fine"
    first, second = fake_openai.requests
    assert second.at - first.at >= 0.3
    text = logs(result)
    assert "attempt 1: answered 429 Too Many Requests: rate limited" in text
    assert "retrying in 0.30 s (Retry-After)" in text
    assert result.to_record()["steps"][0]["external"][0]["response"]["attempts"] == 2


async def test_a_refusal_is_not_retried_and_says_what_the_server_said(
    fake_openai: ScriptedServer,
) -> None:
    fake_openai.script(Reply(404, body={"error": {"message": "model 'x' not found"}}))
    result = await run(doc(prompt_step()), endpoint_settings(fake_openai))
    error = result.steps[0].error
    assert result.status == "error" and error is not None and error["type"] == "LlmError"
    assert "failed after 1 attempt: answered 404 Not Found: model 'x' not found" in error["message"]
    assert "check the endpoint's baseUrl" in error["message"]
    assert len(fake_openai.requests) == 1


async def test_server_errors_are_retried_then_fail_naming_the_last_status(
    fake_openai: ScriptedServer,
) -> None:
    fake_openai.script(Reply(503), Reply(502), Reply(500, body="overloaded"))
    result = await run(doc(prompt_step()), endpoint_settings(fake_openai))
    error = result.steps[0].error
    assert error is not None and "failed after 3 attempts: answered 500" in error["message"]
    assert "overloaded" in error["message"]
    assert len(fake_openai.requests) == 3


async def test_the_step_limit_ends_a_slow_model_call_as_timeout(fake_openai: ScriptedServer) -> None:
    fake_openai.script(completion("late", delay=5))
    result = await run(doc(prompt_step(timeoutSeconds=0.5)), endpoint_settings(fake_openai))
    assert result.status == "timeout"
    assert result.steps[0].status == "timeout"
    error = result.steps[0].error
    assert error is not None and error["type"] == "StepTimeout"


async def test_the_endpoint_timeout_is_retried_then_fails(fake_openai: ScriptedServer) -> None:
    fake_openai.script(*[completion("late", delay=2) for _ in range(3)])
    settings = endpoint_settings(fake_openai, timeoutSeconds=0.3)
    result = await run(doc(prompt_step()), settings)
    assert result.status == "error"
    error = result.steps[0].error
    assert error is not None and error["type"] == "LlmError"
    assert "failed after 3 attempts: no answer within 0.3 s (the endpoint's timeoutSeconds)" in (
        error["message"])
    assert len(fake_openai.requests) == 3


async def test_an_endpoint_timeout_then_an_answer_succeeds(fake_openai: ScriptedServer) -> None:
    fake_openai.script(completion("late", delay=2), completion("in time"))
    result = await run(doc(prompt_step()), endpoint_settings(fake_openai, timeoutSeconds=0.3))
    assert result.status == "success" and result.output["completion"] == "in time"


async def test_the_key_reaches_the_server_and_nowhere_in_the_record(
    fake_openai: ScriptedServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LLM_TEST_KEY", SECRET)
    fake_openai.script(completion(f"your key is {SECRET}"))
    settings = endpoint_settings(fake_openai, apiKey="${env:LLM_TEST_KEY}")
    result = await run(doc(prompt_step()), settings)
    assert result.status == "success"
    assert fake_openai.requests[0].headers["authorization"] == f"Bearer {SECRET}"
    record = result.to_record()
    assert SECRET not in jsonio.dumps(record).decode("utf-8")
    call = record["steps"][0]["external"][0]
    assert call["request"]["headers"] == {"Authorization": "Bearer [redacted]"}
    assert result.output["completion"] == "your key is [redacted]"


async def test_a_missing_key_variable_fails_naming_it(fake_openai: ScriptedServer) -> None:
    settings = endpoint_settings(fake_openai, apiKey="${env:LLM_TEST_UNSET_KEY}")
    result = await run(doc(prompt_step()), settings)
    error = result.steps[0].error
    assert error is not None and error["type"] == "SecretError"
    assert "endpoint 'local' apiKey: environment variable 'LLM_TEST_UNSET_KEY'" in error["message"]
    assert fake_openai.requests == []


async def test_an_endpoint_not_in_the_settings_says_what_to_set() -> None:
    result = await run(doc(prompt_step()), AppSettings())
    error = result.steps[0].error
    assert result.status == "error" and error is not None
    assert error["type"] == "EndpointNotConfigured"
    message = error["message"]
    assert "no endpoint named 'local' is configured on this machine (configured: none)" in message
    assert str(settings_path()) in message
    assert '{"endpoints":{"local":{"baseUrl":' in message
    assert "orchestrator endpoints test local" in message


async def test_a_missing_template_field_fails_before_calling(fake_openai: ScriptedServer) -> None:
    result = await run(doc(prompt_step(prompt="About {{user.contact.email}} and {{message}}")),
                       endpoint_settings(fake_openai))
    error = result.steps[0].error
    assert error is not None and error["type"] == "MissingField"
    assert error["message"].startswith("config.prompt: {{user.contact.email}} not in the step's input")
    assert fake_openai.requests == []


def test_config_problems_are_document_errors() -> None:
    bad = doc({"id": "p", "type": "prompt", "name": "P", "config": {"prompt": "{{a..b}}",
                                                                     "responseFormat": "yaml"}})
    with pytest.raises(ExperimentError) as caught:
        load_experiment(bad)
    problems = "\n".join(caught.value.problems)
    assert "steps[0] (p): config.endpoint: is required" in problems
    assert "steps[0] (p): config.prompt: {{a..b}}: invalid path 'a..b': empty segment" in problems
    assert "steps[0] (p): config.responseFormat:" in problems


async def test_a_replay_runs_the_chain_again_without_calling_the_model(
    fake_openai: ScriptedServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LLM_TEST_KEY", SECRET)
    fake_openai.script(completion("not json"), completion('{"topic": "billing"}'),
                       completion("Dear customer, ..."))
    document = doc(prompt_step("classify", responseFormat="json", outputKey="triage"),
                   prompt_step("reply", prompt="Write a reply about {{triage.topic}}",
                               outputKey="reply"))
    settings = endpoint_settings(fake_openai, apiKey="${env:LLM_TEST_KEY}")
    first = await run(document, settings)
    assert first.status == "success" and len(fake_openai.requests) == 3
    record = json.loads(jsonio.dumps(first.to_record()))  # as stored and read back

    again = await run(document, settings, replay_of=record)
    assert len(fake_openai.requests) == 3  # the model was not called
    assert again.status == "success" and again.output == first.output

    # Another machine: no such endpoint, no key, the server gone: the replay still runs.
    fake_openai.stop()
    monkeypatch.delenv("LLM_TEST_KEY")
    elsewhere = await run(document, AppSettings(), replay_of=record)
    assert elsewhere.status == "success" and elsewhere.output == first.output
    assert all(call["replayed"] for call in elsewhere.to_record()["steps"][0]["external"])
