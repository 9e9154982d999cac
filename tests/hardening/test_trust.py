"""A shared document sends nothing the user has not approved (docs/hardening.md, "Trust").

The attack: a colleague's file whose webhook header says
``Bearer ${env:AWS_SECRET_ACCESS_KEY}`` and points at their server. Every verb
that runs a document must stop before sending, list each host and each
variable, and go ahead only on ``--allow-host`` or a stored approval of that
exact exposure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator_gui import resources
from orchestrator_gui.core import trust
from orchestrator_gui.core.document import load_experiment
from tests.httpserver import Reply, ScriptedServer, http_server

__all__ = ["http_server"]

SECRET = "AKIA-canary-value-0123456789"


def shared(url: str, **changes: Any) -> dict[str, Any]:
    hook = {"url": url, "retries": 0,
            "headers": {"Authorization": "Bearer ${env:AWS_SECRET_ACCESS_KEY}",
                        "X-Crm": "${secret:crm-token}"}}
    hook.update(changes)
    return {"id": "shared", "name": "Shared", "steps": [
        {"id": "in", "type": "input", "name": "In",
         "config": {"defaultValue": {"riskScore": 0.9}}},
        {"id": "ai-1", "type": "ai_decision", "name": "Decide", "config": {"threshold": 0.7}},
        {"id": "hook", "type": "webhook", "name": "Hook", "config": hook},
    ], "suite": {"scenarios": [{"name": "one", "input": {"riskScore": 0.9}}]}}


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_SECRET_ACCESS_KEY": SECRET,
           "ORCHESTRATOR_DB": str(tmp_path / "runs.db")}
    return subprocess.run([sys.executable, "-m", "orchestrator_gui", *args], env=env,
                          capture_output=True, text=True, timeout=60)


def write(tmp_path: Path, doc: dict[str, Any], name: str = "shared.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return str(path)


def test_a_shared_file_is_refused_naming_each_host_and_variable(
        http_server: ScriptedServer, tmp_path: Path) -> None:
    http_server.default = Reply(200, body={"ok": True})
    file = write(tmp_path, shared(http_server.url("/hook")))
    host = f"127.0.0.1:{http_server.port}"

    refused = cli(tmp_path, "run", file, "--input", '{"riskScore": 0.9}')
    assert refused.returncode == 2
    assert host in refused.stderr
    assert "${env:AWS_SECRET_ACCESS_KEY}" in refused.stderr
    assert "${secret:crm-token}" in refused.stderr
    assert f"orchestrator trust {file}" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert http_server.requests == []  # nothing left the machine

    for verb in (["test", file], ["sweep", file, "--field", "riskScore", "--from", "0",
                                  "--to", "1", "--steps", "2"]):
        again = cli(tmp_path, *verb)
        assert again.returncode == 2, (verb, again.stderr)
        assert "${env:AWS_SECRET_ACCESS_KEY}" in again.stderr
    assert http_server.requests == []


def test_allow_host_lets_one_run_send(http_server: ScriptedServer, tmp_path: Path) -> None:
    http_server.default = Reply(200, body={"ok": True})
    file = write(tmp_path, shared(http_server.url("/hook"), headers={
        "Authorization": "Bearer ${env:AWS_SECRET_ACCESS_KEY}"}))
    other = cli(tmp_path, "run", file, "--allow-host", "example.com", "-q")
    assert other.returncode == 2 and http_server.requests == []

    done = cli(tmp_path, "run", file, "--allow-host", f"127.0.0.1:{http_server.port}", "-q")
    assert done.returncode == 0, done.stderr
    assert http_server.requests[0].headers["authorization"] == f"Bearer {SECRET}"
    # --allow-host is for that run only
    assert cli(tmp_path, "run", file, "-q").returncode == 2


def test_an_approval_covers_that_exposure_and_no_other(
        http_server: ScriptedServer, tmp_path: Path) -> None:
    http_server.default = Reply(200, body={"ok": True})
    url = http_server.url("/hook")
    doc = shared(url, headers={"Authorization": "Bearer ${env:AWS_SECRET_ACCESS_KEY}"})
    file = write(tmp_path, doc)

    approved = cli(tmp_path, "trust", file)
    assert approved.returncode == 0, approved.stderr
    assert "${env:AWS_SECRET_ACCESS_KEY}" in approved.stderr  # the user sees what they approve
    assert cli(tmp_path, "run", file, "-q").returncode == 0
    assert len(http_server.requests) == 1

    doc["steps"][1]["config"]["threshold"] = 0.4  # not a sending step: still approved
    write(tmp_path, doc)
    assert cli(tmp_path, "run", file, "-q").returncode == 0
    assert len(http_server.requests) == 2

    doc["steps"][2]["config"]["headers"]["X-Leak"] = "${env:HOME}"  # sends more now
    write(tmp_path, doc)
    refused = cli(tmp_path, "run", file, "-q")
    assert refused.returncode == 2 and "${env:HOME}" in refused.stderr
    assert len(http_server.requests) == 2

    # the same content imported and run by id is the same approval question
    assert cli(tmp_path, "import", file, "--replace").returncode == 0
    assert cli(tmp_path, "run", "shared", "-q").returncode == 2
    listed = cli(tmp_path, "trust", "--list")
    assert "shared" in listed.stdout and "AWS_SECRET_ACCESS_KEY" in listed.stdout


def test_replay_of_a_changed_document_asks_again(
        http_server: ScriptedServer, tmp_path: Path) -> None:
    http_server.default = Reply(200, body={"ok": True})
    doc = shared(http_server.url("/hook"), headers={})
    file = write(tmp_path, doc)
    assert cli(tmp_path, "import", file).returncode == 0
    assert cli(tmp_path, "run", "shared", "--allow-host", f"127.0.0.1:{http_server.port}",
               "-q").returncode == 0
    run_id = json.loads(cli(tmp_path, "history", "--json").stdout)[0]["runId"]
    doc["steps"].append({"id": "leak", "type": "webhook", "name": "Leak", "config": {
        "url": "http://127.0.0.1:9/x", "headers": {"A": "${env:AWS_SECRET_ACCESS_KEY}"}}})
    write(tmp_path, doc)
    assert cli(tmp_path, "import", file, "--replace").returncode == 0
    replay = cli(tmp_path, "replay", run_id, "--current")
    assert replay.returncode == 2, replay.stderr
    assert "127.0.0.1:9" in replay.stderr and "${env:AWS_SECRET_ACCESS_KEY}" in replay.stderr
    assert len(http_server.requests) == 1


def test_a_dry_run_needs_no_approval_when_it_sends_nothing(tmp_path: Path) -> None:
    file = write(tmp_path, shared("http://127.0.0.1:9/x"))
    dry = cli(tmp_path, "run", file, "--dry-run", "-q", "--no-save")
    assert dry.returncode == 0, dry.stderr


def test_shipped_examples_and_documents_that_send_nothing_run_without_asking() -> None:
    for file in sorted(resources.path("examples").glob("*.json")):
        assert trust.check(load_experiment(file)) is None, file.name
    quiet = load_experiment({"id": "q", "name": "Q", "steps": [
        {"id": "in", "type": "input", "name": "In"}]})
    assert trust.exposure(quiet).is_empty() and trust.check(quiet) is None


def test_the_python_api_reports_what_a_document_sends() -> None:
    found = trust.check(load_experiment(shared("https://hooks.example.net/in")))
    assert found is not None
    assert found.hosts == ["hooks.example.net"]
    assert found.names == ["${env:AWS_SECRET_ACCESS_KEY}", "${secret:crm-token}"]
    assert trust.check(load_experiment(shared("https://hooks.example.net/in")),
                       approved={found.fingerprint}) is None


_TEXT = st.text(alphabet="ab${}:_- .\n", max_size=40)
_NAME = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(before=_TEXT, after=_TEXT, name=_NAME, kind=st.sampled_from(["env", "secret"]),
       key=st.text(alphabet="abcXYZ_", min_size=1, max_size=8),
       depth=st.integers(min_value=0, max_value=3))
def test_a_reference_anywhere_in_any_config_is_listed(
        before: str, after: str, name: str, kind: str, key: str, depth: int) -> None:
    """Not only webhook headers: any string of any step's config, at any depth."""
    reference = "${" + kind + ":" + name + "}"
    value: Any = before + reference + after
    for _ in range(depth):
        value = {key: [value]}
    doc = {"id": "p", "name": "P", "steps": [
        {"id": "in", "type": "input", "name": "In", "config": {"defaultValue": {"x": value}}}]}
    found = trust.exposure(load_experiment(doc))
    assert reference in found.names
    assert trust.check(load_experiment(doc)) is not None


@settings(max_examples=100, deadline=None)
@given(host=st.from_regex(r"[a-z]{1,10}\.example\.(com|org)", fullmatch=True),
       key=st.text(alphabet="abcdefXYZ", min_size=1, max_size=8))
def test_a_url_under_any_key_is_a_destination(host: str, key: str) -> None:
    doc = {"id": "p", "name": "P", "steps": [
        {"id": "in", "type": "input", "name": "In",
         "config": {"defaultValue": {key: f"https://{host}/path?q=1"}}}]}
    assert trust.exposure(load_experiment(doc)).hosts == [host]


def test_finding_references_is_linear_on_hostile_text() -> None:
    """``"${" * 200000`` and friends: each ``${`` is looked at once (counted, not timed)."""
    for hostile in ("${" * 200_000, "${env:" * 100_000, "${env:" + "A" * 400_000):
        assert trust.find_references(hostile) == []
    assert trust.find_references("${env:A}${env:A}${secret:b.c}") == ["${env:A}", "${secret:b.c}"]


@pytest.mark.parametrize("allowed, covered", [
    (["127.0.0.1:9"], True), (["127.0.0.1"], True), (["127.0.0.2:9"], False), ([], False)])
def test_allow_host_matches_host_or_host_and_port(allowed: list[str], covered: bool) -> None:
    found = trust.exposure(load_experiment(shared("http://127.0.0.1:9/x")))
    assert found.covered_by_hosts(allowed) is covered
