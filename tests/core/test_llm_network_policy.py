"""Language-model calls hold to the app's network policy, as webhooks do.

A ``public-only`` user whose experiment names a model server on a private or
loopback address must not have data sent there unless it is on the allow-list;
the same goes for the app's and CLI's "Test connection".
"""

from __future__ import annotations

from typing import Any

from orchestrator_gui.core.engine import Engine, run_experiment
from orchestrator_gui.core.llm.probe import test_endpoint
from orchestrator_gui.core.settings import AppSettings, NetworkSettings
from tests.fake_openai import endpoint_settings, fake_openai
from tests.httpserver import ScriptedServer

__all__ = ["fake_openai"]

DOC = {"id": "chain", "name": "Chain", "steps": [
    {"id": "ask", "type": "prompt", "name": "Ask",
     "config": {"endpoint": "local", "prompt": "Summarise: {{message}}"}}]}


def with_policy(server: ScriptedServer, policy: str, allow: list[str] | None = None) -> AppSettings:
    settings = endpoint_settings(server)
    network = NetworkSettings.model_validate({"policy": policy, "allow": allow or []})
    return settings.model_copy(update={"network": network})


async def run(settings: AppSettings) -> Any:
    return await run_experiment(DOC, {"message": "hello"}, engine=Engine(settings=settings))


async def test_public_only_refuses_a_loopback_model_server_and_sends_nothing(
        fake_openai: ScriptedServer) -> None:
    result = await run(with_policy(fake_openai, "public-only"))
    assert result.status == "error"
    assert result.steps[0].error is not None
    assert result.steps[0].error["type"] == "NetworkRefused"
    assert "loopback" in result.steps[0].error["message"]
    assert fake_openai.requests == []


async def test_an_allow_list_entry_lets_a_local_model_server_through(
        fake_openai: ScriptedServer) -> None:
    port = fake_openai.url("/").split(":")[-1].rstrip("/")
    result = await run(with_policy(fake_openai, "public-only", [f"127.0.0.1:{port}"]))
    assert result.status == "success", result.steps[0].error
    assert len(fake_openai.requests) == 1
    result = await run(with_policy(fake_openai, "allow-list", ["api.example.com"]))
    assert result.status == "error" and fake_openai.requests[1:] == []


async def test_test_connection_says_the_policy_refused_it(fake_openai: ScriptedServer) -> None:
    check = await test_endpoint(with_policy(fake_openai, "public-only"), "local")
    assert not check.ok
    assert "loopback" in check.reason and "public-only" in check.reason
    assert fake_openai.requests == []
    check = await test_endpoint(endpoint_settings(fake_openai), "local")  # policy "any"
    assert check.ok, check.reason
