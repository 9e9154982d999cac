"""The shipped example ``ai-prompt-chain-llm``: runs against a configured endpoint, else says
what to set."""

from __future__ import annotations

import json

from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.engine import Engine, run_experiment
from orchestrator_gui.core.settings import AppSettings, settings_path
from orchestrator_gui.resources import path as resource_path
from tests.fake_openai import completion, decision, endpoint_settings, fake_openai, messages_of
from tests.httpserver import ScriptedServer

__all__ = ["fake_openai", "script_example"]

EXAMPLE = resource_path("examples", "ai-prompt-chain-llm.json")
GDPR = {"riskScore": 0.5, "email": "person@eu.com"}


def script_example(server: ScriptedServer) -> None:
    """The four answers the example asks for, in order."""
    server.script(
        completion("The customer was charged twice and wants help.", prompt_tokens=40,
                   completion_tokens=10),
        completion('{"category": "billing", "urgency": 0.8}', prompt_tokens=50, completion_tokens=9),
        decision("above", 0.9, "A double charge needs a person to refund it.", prompt_tokens=60,
                 completion_tokens=20),
        completion("Sorry about the double charge! A colleague will refund it today.",
                   prompt_tokens=30, completion_tokens=15),
    )


async def test_the_example_runs_against_a_configured_endpoint(fake_openai: ScriptedServer) -> None:
    script_example(fake_openai)
    experiment = load_experiment(EXAMPLE)
    result = await run_experiment(experiment, GDPR, "GDPR Sensitive",
                                  engine=Engine(settings=endpoint_settings(fake_openai, "local")))
    assert result.status == "success", result.error
    out = result.output
    assert out["summary"] == "The customer was charged twice and wants help."
    assert out["triage"] == {"category": "billing", "urgency": 0.8}
    assert out["decision"]["label"] == "escalate to a person"
    assert out["decision"]["agentType"] == "llm"
    assert out["reply"].startswith("Sorry about the double charge!")
    assert "email" not in out  # redacted before sending
    numeric = out["metrics"]["numeric"]
    assert numeric["llm.promptTokens"] == 180 and numeric["llm.completionTokens"] == 54
    assert numeric["triage.urgency"] == 0.8
    assert len(fake_openai.requests) == 4
    assert "billing; urgency 0.8; risk score 0.5" in messages_of(fake_openai, 2)[1]["content"]
    assert "handled as: escalate to a person." in messages_of(fake_openai, 3)[0]["content"]


async def test_without_an_endpoint_the_first_llm_step_says_what_to_set() -> None:
    result = await run_experiment(load_experiment(EXAMPLE), GDPR, engine=Engine(settings=AppSettings()))
    assert result.status == "error"
    assert [s.status for s in result.steps] == ["success", "error"] + ["skipped"] * 5
    error = result.steps[1].error
    assert error is not None and error["type"] == "EndpointNotConfigured"
    message = error["message"]
    assert str(settings_path()) in message
    snippet = message.split("for example: ", 1)[1].split(" (baseUrl", 1)[0]
    assert json.loads(snippet)["endpoints"]["local"]["baseUrl"].startswith("http://127.0.0.1")
    assert "orchestrator endpoints test local" in message
