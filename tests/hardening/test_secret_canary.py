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
import json
import logging
import secrets
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from orchestrator_gui.cli import main as cli_main
from orchestrator_gui.core import jsonio
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.engine import Engine, run_experiment
from orchestrator_gui.core.secrets import KEYRING_SERVICE
from orchestrator_gui.store import Store
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
