"""A crash mid-step loses at most that step: SIGKILL a real process and reopen the file."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from orchestrator_gui.store import Store
from tests.store.conftest import raw

SCRIPT = textwrap.dedent('''
    import asyncio, sys
    from orchestrator_gui import register_step_type, run_experiment
    from orchestrator_gui.store import Store

    async def sleepy(step, ctx):
        print("SLEEPING", flush=True)
        await asyncio.sleep(25)
        return dict(ctx.input)

    register_step_type("sleepy", sleepy)
    doc = {"id": "crash-test", "name": "Crash Test", "steps": [
        {"id": "input-1", "type": "input", "name": "Collect", "config": {}},
        {"id": "transform-1", "type": "transform", "name": "Rename",
         "config": {"mapping": {"riskScore": "risk_level"}}},
        {"id": "ai-1", "type": "ai_decision", "name": "Decide", "config": {"threshold": 0.7}},
        {"id": "slow-1", "type": "sleepy", "name": "Slow Step", "config": {}},
        {"id": "metrics-1", "type": "metrics", "name": "Metrics", "config": {}},
    ]}
    store = Store.open(sys.argv[1])
    asyncio.run(run_experiment(doc, {"riskScore": 0.9}, "crash", store=store))
''')


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_mid_step_keeps_every_finished_step(tmp_path: Path, db_path: Path) -> None:
    script = tmp_path / "crash.py"
    script.write_text(SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), str(db_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the slow step has started: three steps are done
        assert line.strip() == "SLEEPING", proc.stderr.read() if proc.stderr else ""
        time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    conn = raw(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT status FROM runs").fetchall() == [("running",)]
    conn.close()

    with Store.open(db_path) as store:
        (summary,) = store.list_runs()
        record = store.get_run(summary.run_id)
    assert record["status"] == "interrupted"
    statuses = [(s["id"], s["status"]) for s in record["steps"]]
    assert statuses == [("input-1", "success"), ("transform-1", "success"),
                        ("ai-1", "success"), ("slow-1", "cancelled"), ("metrics-1", "skipped")]
    assert record["steps"][2]["output"]["decision"]["outcome"] == "above"
    assert record["steps"][1]["output"]["risk_level"] == 0.9
    assert record["error"]["stepId"] == "slow-1"
    assert raw(db_path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
