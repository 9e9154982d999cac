"""The ``webhook`` step against a real HTTP server on 127.0.0.1 (tests/httpserver.py)."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.engine import Engine, run_experiment
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.redact import REDACTED
from orchestrator_gui.core.registry import StepRegistry
from orchestrator_gui.core.result import RunResult
from orchestrator_gui.core.steps import webhook
from tests.httpserver import Reply, ScriptedServer, closed_port, http_server

__all__ = ["http_server"]


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    # Keeps retry tests fast; the default curve is checked in test_backoff_curve.
    monkeypatch.setattr(webhook, "BACKOFF_BASE_SECONDS", 0.01)


def registry() -> StepRegistry:
    reg = StepRegistry()
    reg.register(webhook.STEP_TYPE)
    return reg


def document(config: dict[str, Any], step_timeout: float | None = None) -> dict[str, Any]:
    step: dict[str, Any] = {"id": "hook", "type": "webhook", "name": "Call", "config": config}
    if step_timeout is not None:
        step["timeoutSeconds"] = step_timeout
    return {"id": "wh", "name": "Webhook test", "steps": [step]}


async def run(
    config: dict[str, Any],
    payload: dict[str, Any] | None = None,
    *,
    step_timeout: float | None = None,
    dry_run: bool = False,
) -> RunResult:
    reg = registry()
    return await run_experiment(
        document(config, step_timeout), {"user": "ana", "score": 3} if payload is None else payload,
        dry_run=dry_run, engine=Engine(registry=reg),
    )


def log_text(result: RunResult) -> str:
    return "\n".join(line["message"] for line in result.steps[0].logs)


async def test_json_answer_is_parsed_and_input_is_the_body(http_server: ScriptedServer) -> None:
    http_server.script(Reply(200, body={"accepted": True, "id": 7}))
    result = await run({"url": http_server.url()})
    assert result.status == "success"
    [request] = http_server.requests
    assert request.method == "POST"
    assert request.json() == {"user": "ana", "score": 3}
    assert request.headers["content-type"] == "application/json"
    hook = result.output["webhook"]
    assert hook["response"] == {"accepted": True, "id": 7}
    assert (hook["status"], hook["ok"], hook["attempts"]) == (200, True, 1)
    assert hook["url"] == http_server.url() and hook["method"] == "POST"
    assert hook["durationMs"] > 0
    assert result.output["user"] == "ana"
    assert "truncated" not in hook


async def test_text_answer_is_kept_as_text(http_server: ScriptedServer) -> None:
    http_server.script(Reply(200, body="thanks, got it"))
    result = await run({"url": http_server.url()})
    assert result.output["webhook"]["response"] == "thanks, got it"


async def test_get_sends_no_body(http_server: ScriptedServer) -> None:
    result = await run({"url": http_server.url("/status?x=1"), "method": "get"})
    [request] = http_server.requests
    assert (request.method, request.path, request.body) == ("GET", "/status?x=1", b"")
    assert "content-type" not in request.headers
    assert result.output["webhook"]["method"] == "GET"


async def test_503_twice_then_200_succeeds_on_attempt_3(http_server: ScriptedServer) -> None:
    http_server.script(Reply(503), Reply(503), Reply(200, body={"ok": 1}))
    result = await run({"url": http_server.url()})
    assert result.status == "success"
    assert len(http_server.requests) == 3
    assert result.output["webhook"]["attempts"] == 3
    assert "attempt 3 of 3" in log_text(result)


async def test_404_is_not_retried_and_fails_the_step(http_server: ScriptedServer) -> None:
    http_server.script(Reply(404, body="no such hook"))
    result = await run({"url": http_server.url()})
    assert len(http_server.requests) == 1
    step = result.steps[0]
    assert (result.status, step.status) == ("error", "error")
    assert step.error is not None and step.error["type"] == "WebhookError"
    assert "404" in step.error["message"]


async def test_own_timeout_fails_each_attempt_and_is_retried(http_server: ScriptedServer) -> None:
    http_server.script(Reply(200, delay=5), Reply(200, delay=5))
    result = await run({"url": http_server.url(), "timeoutSeconds": 0.2, "retries": 1})
    step = result.steps[0]
    assert step.status == "error"  # the webhook's limit, not the step's
    assert step.error is not None and step.error["type"] == "WebhookError"
    assert "timed out after 0.2 s" in step.error["message"]
    assert len(http_server.requests) == 2


async def test_step_limit_stops_a_slow_server_as_timeout(http_server: ScriptedServer) -> None:
    http_server.script(Reply(200, delay=5))
    result = await run({"url": http_server.url(), "timeoutSeconds": 10}, step_timeout=0.5)
    step = result.steps[0]
    assert (result.status, step.status) == ("timeout", "timeout")
    assert step.error is not None and step.error["type"] == "StepTimeout"
    assert len(http_server.requests) == 1


async def test_equal_http_and_step_limits_end_as_step_timeout(http_server: ScriptedServer) -> None:
    http_server.script(Reply(200, delay=5))
    result = await run({"url": http_server.url(), "timeoutSeconds": 0.5}, step_timeout=0.5)
    assert result.steps[0].status == "timeout"


async def test_connection_refused_is_retried_then_fails() -> None:
    url = f"http://127.0.0.1:{closed_port()}/hook"
    result = await run({"url": url, "retries": 1})
    step = result.steps[0]
    assert step.status == "error"
    assert step.error is not None and step.error["type"] == "WebhookError"
    assert "ConnectError" in step.error["message"] and "2 attempts" in step.error["message"]


async def test_fail_on_error_false_records_the_failure() -> None:
    url = f"http://127.0.0.1:{closed_port()}/hook"
    result = await run({"url": url, "retries": 0, "failOnError": False})
    assert result.status == "success"
    hook = result.output["webhook"]
    assert (hook["ok"], hook["status"], hook["attempts"]) == (False, None, 1)
    assert "ConnectError" in hook["error"]


async def test_fail_on_error_false_keeps_the_status(http_server: ScriptedServer) -> None:
    http_server.script(Reply(500, body="boom"))
    result = await run({"url": http_server.url(), "retries": 0, "failOnError": False})
    hook = result.output["webhook"]
    assert (result.status, hook["ok"], hook["status"], hook["response"]) == (
        "success", False, 500, "boom")


async def test_retry_after_seconds_is_honoured(http_server: ScriptedServer) -> None:
    http_server.script(Reply(429, headers={"Retry-After": "1"}), Reply(200))
    result = await run({"url": http_server.url()})
    assert result.status == "success"
    first, second = http_server.requests
    assert second.at - first.at >= 1.0
    assert "Retry-After" in log_text(result)


async def test_retry_after_past_the_step_limit_fails_at_once(http_server: ScriptedServer) -> None:
    http_server.script(Reply(503, headers={"Retry-After": "30"}))
    result = await run({"url": http_server.url()}, step_timeout=3)
    step = result.steps[0]
    assert step.status == "error"  # said at once, not left to the step's limit
    assert step.error is not None and "Retry-After" in step.error["message"]
    assert "503" in step.error["message"]
    assert len(http_server.requests) == 1


def test_retry_after_parsing() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert webhook.retry_after_seconds("3", now) == 3
    assert webhook.retry_after_seconds(format_datetime(now + timedelta(seconds=5), True), now) == 5
    assert webhook.retry_after_seconds(format_datetime(now - timedelta(hours=1), True), now) == 0
    assert webhook.retry_after_seconds("soon", now) is None
    assert webhook.retry_after_seconds("", now) is None


def test_backoff_curve(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhook, "BACKOFF_BASE_SECONDS", 0.5)
    waits = [[webhook.backoff_seconds(n) for _ in range(50)] for n in (1, 2, 3)]
    for n, sample in enumerate(waits):
        assert all(0.5 * 2**n <= w <= 0.5 * 2**n * 1.25 for w in sample)
        assert len(set(sample)) > 1  # jitter


async def test_dry_run_sends_nothing(http_server: ScriptedServer) -> None:
    config = {"url": http_server.url(), "method": "PUT",
              "headers": {"Authorization": "Bearer ${env:NOT_SET_ANYWHERE}", "X-Trace": "t1"}}
    result = await run(config, {"a": 1}, dry_run=True)
    assert result.status == "success"
    assert http_server.requests == []
    assert result.output["webhook"] == {"dryRun": True, "request": {
        "url": http_server.url(), "method": "PUT",
        "headers": {"Authorization": REDACTED, "X-Trace": "t1",
                    "Content-Type": "application/json", "User-Agent": webhook.USER_AGENT},
        "body": {"a": 1},
    }}


async def test_env_header_reaches_server_but_not_the_record(
    http_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    token = "tok-" + secrets.token_hex(16)
    monkeypatch.setenv("WEBHOOK_TEST_TOKEN", token)
    http_server.script(Reply(echo=True))  # the server echoes the headers back
    caplog.set_level(logging.DEBUG)
    config = {"url": http_server.url(),
              "headers": {"Authorization": "Bearer ${env:WEBHOOK_TEST_TOKEN}",
                          "X-Plain": "${env:WEBHOOK_TEST_TOKEN}"}}
    result = await run(config)
    assert result.status == "success"
    [request] = http_server.requests
    assert request.headers["authorization"] == f"Bearer {token}"
    assert request.headers["x-plain"] == token
    record = json.dumps(result.to_record())
    assert token not in record
    assert token not in log_text(result)
    assert token not in caplog.text
    assert f"Authorization: {REDACTED}" in log_text(result)
    assert f"X-Plain: {REDACTED}" in log_text(result)  # sensitive because it used ${env:}
    echoed = result.output["webhook"]["response"]["headers"]
    assert echoed["authorization"] == REDACTED  # the whole sensitive value is scrubbed
    assert echoed["x-plain"] == REDACTED


async def test_url_credentials_are_sent_but_shown_redacted(http_server: ScriptedServer) -> None:
    result = await run({"url": http_server.url("/hook?api_key=k-12345&q=1")})
    assert http_server.requests[0].path == "/hook?api_key=k-12345&q=1"
    assert result.output["webhook"]["url"] == http_server.url(f"/hook?api_key={REDACTED}&q=1")
    assert "k-12345" not in json.dumps(result.to_record())


async def test_missing_env_variable_fails_naming_it(
    http_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WEBHOOK_MISSING_VAR", raising=False)
    result = await run({"url": http_server.url(),
                        "headers": {"X-Api-Key": "${env:WEBHOOK_MISSING_VAR}"}})
    step = result.steps[0]
    assert step.error is not None and step.error["type"] == "SecretError"
    assert "WEBHOOK_MISSING_VAR" in step.error["message"]
    assert http_server.requests == []


async def test_long_answer_is_capped_and_marked(http_server: ScriptedServer) -> None:
    big = {"rows": ["x" * 100] * 1000}  # ~100 KB of JSON
    http_server.script(Reply(200, body=big))
    result = await run({"url": http_server.url()})
    hook = result.output["webhook"]
    assert hook["truncated"] is True
    assert isinstance(hook["response"], str)
    assert len(hook["response"].encode()) == webhook.RESPONSE_CAP_BYTES
    assert json.dumps(big).startswith(hook["response"])
    assert "64 KB" in log_text(result)


async def test_redirect_is_not_followed(http_server: ScriptedServer) -> None:
    http_server.script(Reply(302, headers={"Location": http_server.url("/elsewhere")}))
    result = await run({"url": http_server.url()})
    assert [r.path for r in http_server.requests] == ["/hook"]
    step = result.steps[0]
    assert step.status == "error"
    assert step.error is not None
    assert "302" in step.error["message"] and "/elsewhere" in step.error["message"]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"url": "ftp://example.com/x"}, "config.url: must start with http:// or https://"),
        ({"url": "example.com/hook"}, "config.url: must start with http:// or https://"),
        ({"url": "https://x.org", "method": "TRACE"}, "config.method: must be one of"),
        ({"url": "https://x.org", "headers": {"A": "${vault:x}"}}, "is not a reference"),
        ({"url": "https://x.org", "headers": {"A": "${env:1BAD}"}}, "the name must be"),
        ({"url": "https://x.org", "headers": {"A": "two\nlines"}}, "printable ASCII"),
        ({"url": "https://x.org", "retries": True}, "config.retries"),
        ({"url": "https://x.org", "timeoutSeconds": 0}, "config.timeoutSeconds: must be > 0"),
        ({"url": "https://x.org", "timeout": 3}, "unknown key"),
    ],
)
def test_bad_config_is_a_document_error(config: dict[str, Any], expected: str) -> None:
    with pytest.raises(ExperimentError) as caught:
        load_experiment(document(config), registry=registry())
    assert expected in str(caught.value)
    assert "steps[0] (hook)" in str(caught.value)


def test_step_type_metadata() -> None:
    meta = webhook.STEP_TYPE
    assert meta.builtin and meta.name == "webhook" and meta.config_model is webhook.WebhookConfig
    assert meta.title and meta.description and meta.category and meta.icon
    assert meta.color.startswith("#") and len(meta.color) == 7
