""""Test connection": one tiny chat request to a named endpoint, and what came of it.

Why it exists: before a chain runs, a user wants to know that the base URL,
model and key are right. ``test_endpoint`` is what the CLI's ``orchestrator
endpoints test NAME`` and the app's "Test connection" button call; it never
raises for a failing endpoint, it says why in ``reason``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from orchestrator_gui.core.errors import StepError
from orchestrator_gui.core.llm.client import chat, request_body
from orchestrator_gui.core.llm.endpoints import find_endpoint, resolve_key
from orchestrator_gui.core.settings import AppSettings

PROBE_MESSAGES = [{"role": "user", "content": "Reply with the single word: ok"}]


@dataclass(frozen=True)
class EndpointCheck:
    """The outcome of a connection test. ``model`` is the model that answered (as it said)."""

    name: str
    ok: bool
    url: str | None
    model: str | None
    latency_ms: float | None
    reason: str
    reply: str | None = None


async def test_endpoint(settings: AppSettings, name: str) -> EndpointCheck:
    """Send one short chat request (no retries) to the endpoint called ``name``."""
    try:
        endpoint = find_endpoint(settings, name)
    except StepError as exc:
        return EndpointCheck(name, False, None, None, None, str(exc))
    deadline = time.monotonic() + endpoint.timeout_seconds
    try:
        key = await resolve_key(endpoint)
        answer = await chat(endpoint, key, request_body(endpoint, PROBE_MESSAGES, {"max_tokens": 8}),
                            # a margin, so that the endpoint's own timeout is what stops it
                            remaining=lambda: deadline - time.monotonic() + 1.0, retries=0,
                            network=settings.network)
    except StepError as exc:  # LlmError, SecretError, NetworkRefused: they say what to check
        return EndpointCheck(name, False, endpoint.shown_url, None, None, str(exc))
    return EndpointCheck(name, True, endpoint.shown_url, answer["model"], answer["latencyMs"],
                         "ok", answer["content"].strip()[:200])


test_endpoint.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
