"""A canary secret used in a real run is found nowhere it could rest: a byte search.

The canaries reach the server (checked), through ``${secret:NAME}`` from a real
in-process keyring backend (``keyring.set_keyring``) and ``${env:NAME}``; the
server echoes the request back, so the answer carries them too. Then the
database file, its -wal and -shm, the exported experiment, the run record, the
CLI's output and every log record at DEBUG (all loggers) are searched for
their bytes.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import keyring
import pytest

from orchestrator_gui.cli import main as cli_main
from orchestrator_gui.core import jsonio
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.engine import Engine, run_experiment
from orchestrator_gui.core.secrets import KEYRING_SERVICE
from orchestrator_gui.store import Store
from tests.core.test_secret_scrub import forms_of
from tests.core.test_secrets import MemoryKeyring
from tests.httpserver import Reply, ScriptedServer, http_server

__all__ = ["http_server"]


@pytest.fixture
def canaries(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    secret = "cnry-secret-" + secrets.token_hex(12)
    env = "cnry-env-" + secrets.token_hex(12)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    backend.set_password(KEYRING_SERVICE, "crm-token", secret)
    keyring.set_keyring(backend)
    monkeypatch.setenv("CANARY_ENV", env)
    try:
        yield secret, env
    finally:
        keyring.set_keyring(previous)


def experiment(url: str) -> dict[str, object]:
    return {"id": "canary", "name": "Canary", "steps": [
        {"id": "in", "type": "input", "name": "In"},
        {"id": "hook", "type": "webhook", "name": "Hook", "config": {
            "url": url, "retries": 0,
            "headers": {"Authorization": "Bearer ${secret:crm-token}",
                        "X-Trace": "t-${env:CANARY_ENV}"}}},
        {"id": "m", "type": "metrics", "name": "Metrics"},
    ]}


def found_in(data: bytes, needles: tuple[str, str]) -> list[str]:
    return [n for n in needles if n.encode() in data]


def test_canary_rests_nowhere(
    http_server: ScriptedServer, canaries: tuple[str, str], tmp_path: Path,
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)  # root: every logger, httpx and httpcore included
    http_server.default = Reply(200, echo=True)
    db = tmp_path / "canary.db"
    doc = experiment(http_server.url())

    store = Store.open(db)
    store.save_experiment(load_experiment(doc))
    result = asyncio.run(run_experiment(doc, {"riskScore": 0.9}, "canary", store=store,
                                        engine=Engine()))
    assert result.status == "success", result.error
    sent = http_server.requests[0].headers
    assert sent["authorization"] == f"Bearer {canaries[0]}"  # the secret was really used
    assert sent["x-trace"] == f"t-{canaries[1]}"

    record = store.get_run(result.run_id)
    places = {
        "run record (store)": jsonio.dumps(record),
        "run record (result)": jsonio.dumps(result.to_record()),
    }
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            places[f"database{suffix}"] = path.read_bytes()
    assert "database-wal" in places  # WAL mode: the file holding the newest pages is searched

    spec = tmp_path / "canary.json"
    spec.write_text(json.dumps(doc))
    exported = tmp_path / "exported.json"
    assert cli_main(["--db", str(db), "export", "canary", "-o", str(exported)]) == 0
    assert cli_main(["--db", str(db), "run", str(spec), "--json"]) == 2  # not approved yet
    assert cli_main(["--db", str(db), "trust", str(spec)]) == 0
    assert cli_main(["--db", str(db), "run", str(spec), "--json"]) == 0
    assert cli_main(["--db", str(db), "run", "canary"]) == 0
    out, err = capsys.readouterr()
    places["exported experiment"] = exported.read_bytes()
    places["CLI stdout"] = out.encode()
    places["CLI stderr"] = err.encode()
    assert len(http_server.requests) == 3

    store.close()
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            places[f"database{suffix} after the CLI runs"] = path.read_bytes()
    logs = "\n".join(f"{r.name} {r.levelname} {r.getMessage()} {r.args!r} {r.exc_text or ''}"
                     for r in caplog.records)
    places["logs (DEBUG, all loggers)"] = logs.encode()
    assert any(r.name.startswith(("httpx", "httpcore")) for r in caplog.records)

    leaks = {where: found_in(data, canaries) for where, data in places.items()}
    assert {w: n for w, n in leaks.items() if n} == {}
    # the echoed answer was kept, scrubbed: the run still shows what came back
    assert "[redacted]" in json.dumps(record["steps"][1]["output"]["webhook"]["response"]).lower()


# --- a server that echoes the secret back, in every form, through `orchestrator -v` --------

def echo_replies(token: str) -> list[Reply]:
    """What a hostile or careless server sends back: the token in headers and bodies, as is,
    base64 (standard, URL-safe, inside Basic credentials and a cookie), URL-encoded, hex."""
    data = token.encode()
    b64, b64url = base64.b64encode(data).decode(), base64.urlsafe_b64encode(data).decode()
    basic = base64.b64encode(b"user:" + data).decode()
    headers = {
        "X-Echo": token,
        "WWW-Authenticate": f'Bearer realm="x", error="invalid_token", token="{token}"',
        "Location": f"/cb?t={quote(token, safe='')}&b={b64url}",
        "X-B64": b64, "X-B64url": b64url.rstrip("="), "X-Basic": f"Basic {basic}",
        "X-Hex": data.hex(), "X-HEX": data.hex().upper(), "X-Url": quote_plus(token).lower(),
        "Set-Cookie": f"sid={base64.b64encode(b'sess:' + data).decode()}; HttpOnly",
        "Retry-After": "0",
    }
    body = {"echo": token, "b64": b64, "b64url": b64url, "basic": f"Basic {basic}",
            "url": quote(token, safe=""), "plus": quote_plus(token), "hex": data.hex(),
            "HEX": data.hex().upper(), "text": f"token={token}; auth=Basic {basic}"}
    redirect = {**headers, "Location": f"http://127.0.0.1:9/cb?t={quote(token, safe='')}"}
    return [Reply(503, body=body, headers=headers),  # hook 1, retried
            Reply(302, body=f"see {token}", headers=redirect),  # hook 1: not followed, fails
            Reply(200, body=body, headers=headers)]  # hook 2


def echo_experiment(url: str) -> dict[str, object]:
    def hook(step_id: str, **config: object) -> dict[str, object]:
        return {"id": step_id, "type": "webhook", "name": step_id, "config": {
            "url": url, "headers": {"Authorization": "Bearer ${env:CANARY_ENV}"}, **config}}

    return {"id": "echo-canary", "name": "Echo canary", "steps": [
        {"id": "in", "type": "input", "name": "In"},
        hook("hook1", retries=1, failOnError=False),
        hook("hook2", retries=0),
    ]}


def orchestrator(db: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "orchestrator_gui", "--db", str(db), "-v", *args],
                          capture_output=True, env=env, timeout=120, check=False)


def test_echoed_forms_rest_nowhere_with_verbose_cli(
    http_server: ScriptedServer, tmp_path: Path
) -> None:
    token = "cnry/env+" + secrets.token_hex(12)  # '/' and '+': every encoding differs
    http_server.script(*echo_replies(token))
    env = {**os.environ, "CANARY_ENV": token}
    db = tmp_path / "echo.db"
    spec = tmp_path / "echo.json"
    spec.write_text(json.dumps(echo_experiment(http_server.url())))

    places: dict[str, bytes] = {}
    calls = [("import", str(spec)), ("trust", "echo-canary"), ("run", "echo-canary", "--json")]
    done = [orchestrator(db, *call, env=env) for call in calls]
    assert [p.returncode for p in done] == [0, 0, 0], done[-1].stderr.decode()[-2000:]
    run_id = json.loads(done[2].stdout)["runId"]
    exported = tmp_path / "exported.json"
    calls += [("show", run_id), ("history", "--json"), ("export", "echo-canary", "-o",
                                                        str(exported))]
    done += [orchestrator(db, *call, env=env) for call in calls[3:]]
    assert [p.returncode for p in done] == [0] * 6
    for call, proc in zip(calls, done, strict=True):
        places[f"{call[0]}: stdout"], places[f"{call[0]}: stderr"] = proc.stdout, proc.stderr
    places["exported experiment"] = exported.read_bytes()
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{db}{suffix}").exists():
            places[f"database{suffix}"] = Path(f"{db}{suffix}").read_bytes()

    # the token was really sent, three times
    assert [r.headers["authorization"] for r in http_server.requests] == [f"Bearer {token}"] * 3
    forms = {name: form.encode() for name, form in forms_of(token).items()}
    forms["Basic"] = base64.b64encode(b"user:" + token.encode())
    leaks = {where: [name for name, form in forms.items() if form in data]
             for where, data in places.items()}
    assert {where: names for where, names in leaks.items() if names} == {}

    # the server's echoes were logged (httpcore's DEBUG trace), scrubbed
    run_log = places["run: stderr"].decode()
    assert "httpcore.http11" in run_log and "b'X-Echo', b'[redacted]'" in run_log
    assert "b'Set-Cookie', b'[redacted]'" in run_log  # sensitive by name, whatever it holds

    record = json.loads(done[2].stdout)
    hook1, hook2 = record["steps"][1]["output"]["webhook"], record["steps"][2]["output"]["webhook"]
    assert hook1["ok"] is False and hook1["attempts"] == 2
    assert "Location: http://127.0.0.1:9/cb?t=[redacted]" in hook1["error"]
    assert hook2["response"]["echo"] == "[redacted]"
    assert hook2["response"]["basic"].startswith("Basic dXNlcj")  # "user:" kept, the rest not
