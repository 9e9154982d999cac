"""Known secrets stay out of records and logs whichever way they come back (in process).

The same rules as the webhook canary (test_secret_canary.py) for the other ways
a secret is used or echoed: a model endpoint's API key (``${env:...}``) that
the server echoes encoded in its answer, its error message and its headers; a
key written into a webhook URL (``?api_key=``, user info), which httpx's own
INFO line prints; and a step type (a plugin) that logs, returns or raises a
value the run already knows is secret. Each record and every log record at
DEBUG from every logger is searched for every form (tests/core/test_secret_scrub.py).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.context import StepContext
from orchestrator_gui.core.document import Step
from orchestrator_gui.core.engine import Engine, run_experiment
from orchestrator_gui.core.registry import StepRegistry, StepType
from orchestrator_gui.core.steps import register_builtin_steps
from tests.core.test_secret_scrub import forms_of
from tests.fake_openai import completion, endpoint_settings
from tests.httpserver import Reply, ScriptedServer, http_server

__all__ = ["http_server"]


def leaks(places: dict[str, str], secret: str) -> dict[str, list[str]]:
    found = {where: [name for name, form in forms_of(secret).items() if form in text]
             for where, text in places.items()}
    return {where: names for where, names in found.items() if names}


def all_logs(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.stack_info or ''}"
                     for r in caplog.records)


def encoded(secret: str) -> dict[str, str]:
    data = secret.encode()
    return {"b64": base64.b64encode(data).decode(), "url": quote(secret, safe=""),
            "plus": quote_plus(secret), "hex": data.hex().upper(),
            "basic": base64.b64encode(b"key:" + data).decode()}


def prompt_doc() -> dict[str, Any]:
    return {"id": "llm-echo", "name": "LLM echo", "steps": [
        {"id": "ask", "type": "prompt", "name": "Ask",
         "config": {"endpoint": "local", "prompt": "hello"}},
    ]}


async def test_an_api_key_echoed_encoded_by_the_model_server_rests_nowhere(
    http_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    key = "sk-cnry/" + secrets.token_hex(16)
    monkeypatch.setenv("LLM_ECHO_KEY", key)
    forms = encoded(key)
    echo_headers = {"X-Echo": key, "WWW-Authenticate": f'Bearer error="{forms["url"]}"',
                    "Retry-After": "0"}
    http_server.script(
        Reply(503, body={"error": {"message": f"overloaded for {forms['b64']}"}},
              headers=echo_headers),
        completion(f"your key: {forms['hex']} / {forms['basic']} / {forms['plus']}",
                   headers=echo_headers),
        Reply(401, body={"error": {"message": f"bad key {forms['url']} ({key})"}},
              headers=echo_headers),
    )
    settings = endpoint_settings(http_server, apiKey="${env:LLM_ECHO_KEY}")
    engine = Engine(settings=settings)
    ok = await run_experiment(prompt_doc(), {}, engine=engine)
    refused = await run_experiment(prompt_doc(), {}, engine=engine)

    assert [r.headers["authorization"] for r in http_server.requests] == [f"Bearer {key}"] * 3
    assert ok.status == "success" and refused.status == "error"
    places = {"success record": jsonio.dumps(ok.to_record()).decode(),
              "failure record": jsonio.dumps(refused.to_record()).decode(),
              "logs": all_logs(caplog)}
    assert leaks(places, key) == {}
    assert ok.output["completion"].startswith("your key: [redacted] / ")
    error = refused.steps[0].error
    assert error is not None and "bad key [redacted] ([redacted])" in error["message"]


def webhook_doc(url: str) -> dict[str, Any]:
    return {"id": "url-key", "name": "URL key", "steps": [
        {"id": "in", "type": "input", "name": "In"},
        {"id": "hook", "type": "webhook", "name": "Hook",
         "config": {"url": url, "retries": 0}},
    ]}


async def test_a_key_written_in_the_url_is_kept_out_of_httpx_logs_and_echoes(
    http_server: ScriptedServer, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    key, password = "qk-" + secrets.token_hex(12), "pw-" + secrets.token_hex(12)
    http_server.default = Reply(200, body={"seen": encoded(key), "pw": encoded(password)},
                                headers={"X-Echo": f"{key} {password}"})
    url = http_server.url(f"/hook?api_key={key}&q=1").replace("://", f"://bob:{password}@")
    result = await run_experiment(webhook_doc(url), {}, engine=Engine())

    assert result.status == "success", result.error
    assert http_server.requests[0].path == f"/hook?api_key={key}&q=1"  # sent as written
    logs = all_logs(caplog)
    assert "HTTP Request: POST" in logs  # httpx's own line, which prints the URL
    places = {"record": jsonio.dumps(result.to_record()).decode(), "logs": logs}
    assert leaks(places, key) == {} and leaks(places, password) == {}


async def _leaky(step: Step, ctx: StepContext) -> dict[str, Any]:
    """A plugin step that is careless with a secret the run already used."""
    secret = os.environ["PLUGIN_TOKEN"]
    ctx.log.info(f"got {secret} / {base64.b64encode(secret.encode()).decode()}")
    logging.getLogger("some.plugin").warning("plugin saw %r", {"token": quote(secret)})
    if ctx.input.get("fail"):
        raise RuntimeError(f"cannot use {secret.encode().hex()}")
    return {"echo": secret, "nested": [{"k": quote_plus(secret)}]}


async def test_a_step_that_logs_returns_or_raises_a_known_secret_records_none_of_it(
    http_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    token = "plug-" + secrets.token_hex(12)
    monkeypatch.setenv("PLUGIN_TOKEN", token)
    registry = StepRegistry()
    register_builtin_steps(registry)
    registry.register(StepType(name="leaky", handler=_leaky))
    doc = {"id": "leaky", "name": "Leaky", "steps": [
        {"id": "in", "type": "input", "name": "In"},
        {"id": "hook", "type": "webhook", "name": "Hook", "config": {
            "url": http_server.url(), "retries": 0,
            "headers": {"X-Token": "${env:PLUGIN_TOKEN}"}}},
        {"id": "leak", "type": "leaky", "name": "Leak"},
    ]}
    engine = Engine(registry=registry)
    records = []
    for fail in (False, True):
        result = await run_experiment(doc, {"fail": fail}, engine=engine)
        assert result.status == ("error" if fail else "success")
        records.append(result.to_record())
    places = {"records": json.dumps(records), "logs": all_logs(caplog)}
    assert leaks(places, token) == {}
    assert records[0]["steps"][2]["output"]["echo"] == "[redacted]"
    assert records[1]["error"]["message"] == "cannot use [redacted]"
