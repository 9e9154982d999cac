"""A fake OpenAI-compatible chat server on 127.0.0.1, built on tests/httpserver.py.

Tests script its answers in order (``completion("text")``, ``Reply(429, ...)``)
and read what it received (``server.requests``: method, path, headers, body),
so the real client is exercised over a real socket. ``endpoint_settings``
points an endpoint at it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from orchestrator_gui.core.settings import AppSettings, EndpointSettings
from tests.httpserver import Reply, ScriptedServer

MODEL = "fake-model-1"


def completion(content: str, *, model: str = MODEL, prompt_tokens: int | None = 12,
               completion_tokens: int | None = 5, **extra: Any) -> Reply:
    """A chat.completion answer with ``content``, as OpenAI shapes it."""
    usage = None if prompt_tokens is None else {
        "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + (completion_tokens or 0)}
    body: dict[str, Any] = {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
    }
    if usage is not None:
        body["usage"] = usage
    return Reply(200, body=body, **extra)


def decision(outcome: str, confidence: float, reasoning: str, **extra: Any) -> Reply:
    """A completion whose content is the ``llm`` agent's JSON answer."""
    return completion(json.dumps({"outcome": outcome, "confidence": confidence,
                                  "reasoning": reasoning}), **extra)


def endpoint_settings(server: ScriptedServer, name: str = "local", **fields: Any) -> AppSettings:
    """App settings with one endpoint called ``name`` pointing at ``server``."""
    endpoint = EndpointSettings.model_validate({"baseUrl": server.url("/v1"), "model": MODEL,
                                                "timeoutSeconds": 10.0, **fields})
    return AppSettings(endpoints={name: endpoint})


def messages_of(server: ScriptedServer, index: int = -1) -> list[dict[str, str]]:
    """The chat messages of a request the server received."""
    messages: list[dict[str, str]] = server.requests[index].json()["messages"]
    return messages


@pytest.fixture
def fake_openai() -> Iterator[ScriptedServer]:
    """A started fake server; unscripted requests get ``completion("ok")``."""
    server = ScriptedServer()
    server.default = completion("ok")
    server.start()
    try:
        yield server
    finally:
        server.stop()
