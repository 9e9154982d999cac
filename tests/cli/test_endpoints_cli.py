"""``orchestrator endpoints list|test`` in-process, and the LLM example from a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator_gui.cli import main
from orchestrator_gui.core.settings import settings_path
from orchestrator_gui.resources import path as resource_path
from tests.core.test_llm_example import script_example
from tests.fake_openai import MODEL, endpoint_settings, fake_openai
from tests.httpserver import Reply, ScriptedServer, closed_port

__all__ = ["fake_openai"]

SECRET = "sk-cli-test-0a1b2c3d4e5f"


def test_list_without_endpoints_says_how_to_add_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["endpoints"]) == 0
    err = capsys.readouterr().err
    assert f"no endpoints in {settings_path()}" in err
    assert '{"endpoints":{"local":{"baseUrl":"http://127.0.0.1:11434/v1"' in err


def test_list_shows_the_endpoints(fake_openai: ScriptedServer,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    endpoint_settings(fake_openai, "local", apiKey="${env:LLM_KEY}").save()
    assert main(["endpoints", "list"]) == 0
    out = capsys.readouterr().out
    assert "NAME" in out and "local" in out and MODEL in out and "${env:LLM_KEY}" in out
    assert main(["endpoints", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["local"]["baseUrl"] == fake_openai.url("/v1")


def test_a_working_endpoint(fake_openai: ScriptedServer, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_KEY", SECRET)
    endpoint_settings(fake_openai, "local", apiKey="${env:LLM_KEY}").save()
    assert main(["endpoints", "test", "local"]) == 0
    out = capsys.readouterr().out
    assert f"local: ok: model '{MODEL}' answered in" in out
    [request] = fake_openai.requests
    assert request.headers["authorization"] == f"Bearer {SECRET}"
    assert request.json()["max_tokens"] == 8
    assert main(["endpoints", "test", "local", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is True and result["reply"] == "ok" and result["latencyMs"] > 0


def test_a_refused_key_is_a_failure_with_the_reason(
    fake_openai: ScriptedServer, capsys: pytest.CaptureFixture[str],
) -> None:
    fake_openai.script(Reply(401, body={"error": {"message": "Incorrect API key provided"}}))
    endpoint_settings(fake_openai, "hosted").save()
    assert main(["endpoints", "test", "hosted"]) == 1
    err = capsys.readouterr().err
    assert "hosted: failed: " in err
    assert "answered 401 Unauthorized: Incorrect API key provided" in err
    assert "check the endpoint's apiKey" in err


def test_nothing_listening_is_a_failure(capsys: pytest.CaptureFixture[str]) -> None:
    (settings_path().parent).mkdir(parents=True, exist_ok=True)
    settings_path().write_text(json.dumps({"endpoints": {"gone": {
        "baseUrl": f"http://127.0.0.1:{closed_port()}/v1", "model": "m"}}}))
    assert main(["endpoints", "test", "gone"]) == 1
    assert "cannot connect" in capsys.readouterr().err


def test_unknown_name_and_bad_settings_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["endpoints", "test", "nope"]) == 2
    assert "no endpoint named 'nope'" in capsys.readouterr().err
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text('{"endpoints": {"x": {"model": "m"}}}')
    assert main(["endpoints", "list"]) == 2
    assert "endpoints.x.baseUrl" in capsys.readouterr().err


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "orchestrator_gui", *args], env=dict(os.environ),
                          capture_output=True, text=True, timeout=60)


def test_the_llm_example_from_a_real_process(fake_openai: ScriptedServer, tmp_path: Path) -> None:
    example = str(resource_path("examples", "ai-prompt-chain-llm.json"))
    unconfigured = _cli("run", example, "--preset", "High Risk", "--no-save")
    assert unconfigured.returncode == 1
    assert "EndpointNotConfigured" in unconfigured.stderr and str(settings_path()) in (
        unconfigured.stderr)
    assert "Traceback" not in unconfigured.stderr

    endpoint_settings(fake_openai, "local").save()
    script_example(fake_openai)
    done = _cli("run", example, "--preset", "High Risk", "--json", "-q")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["status"] == "success"
    assert record["output"]["decision"]["label"] == "escalate to a person"
    assert [len(s.get("external", [])) for s in record["steps"]] == [0, 1, 1, 1, 1, 0, 0]
