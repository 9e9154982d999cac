"""The real command as a separate process: ``python -m orchestrator_gui``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ORCHESTRATOR_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "orchestrator_gui", *args], env=env,
                          capture_output=True, text=True, timeout=60)


def test_run_json_from_a_real_process(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    done = _cli("run", "risk-assessment", "--preset", "GDPR Sensitive", "--json", db=db)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)  # stdout holds the record and nothing else
    assert record["status"] == "success" and record["scenario"] == "GDPR Sensitive"
    assert record["output"]["compliance"]["passed"] is False
    assert "[5/5]" in done.stderr
    listed = _cli("history", "--json", db=db)
    assert json.loads(listed.stdout)[0]["runId"] == record["runId"]


def test_exit_codes_from_a_real_process(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    failing = _cli("run", "risk-assessment", "--input", '{"riskScore": "high"}', db=db)
    assert failing.returncode == 1
    assert "MissingField" in failing.stderr and "Traceback" not in failing.stderr
    invalid = _cli("validate", str(tmp_path / "missing.json"), db=db)
    assert invalid.returncode == 2 and "no such file" in invalid.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="console script path differs")
def test_the_orchestrator_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("orchestrator")
    if not script.exists():
        pytest.skip("the package is not installed with its console script")
    env = {**os.environ, "ORCHESTRATOR_DB": str(tmp_path / "cli.db")}
    done = subprocess.run([str(script), "schema"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and json.loads(done.stdout)["title"] == "Experiment"
