"""The comparison verbs in-process: diff, test (exit codes, JUnit), sweep, baseline, replay."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from orchestrator_gui.cli import main
from tests.analysis.conftest import risk_document

SUITE = {"scenarios": [
    {"name": "low", "input": {"riskScore": 0.1, "email": None},
     "expect": ['decision.outcome == "below"']},
    {"name": "eu", "input": {"riskScore": 0.9, "email": "person@eu.com"},
     "expect": ["compliance.passed == true"]},
]}


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["run", *argv, "--json", "-q"]) == 0
    record: dict[str, Any] = json.loads(capsys.readouterr().out)
    return record


def write(tmp_path: Path, name: str, data: Any) -> str:
    target = tmp_path / name
    target.write_text(json.dumps(data), encoding="utf-8")
    return str(target)


def test_diff_prints_aligned_steps_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    a = run_json(capsys, "risk-assessment", "--preset", "Happy Path")
    b = run_json(capsys, "risk-assessment", "--preset", "High Risk")
    assert main(["diff", a["runId"][:10], b["runId"]]) == 0
    out = capsys.readouterr().out
    assert "first divergence: input-1 (Collect Input): input, output" in out
    assert 'output ~ decision.outcome: "below" -> "above"' in out
    assert "metrics.runId" not in out  # volatile, hidden without --all
    assert main(["diff", a["runId"], b["runId"], "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["firstDivergence"]["stepId"] == "input-1"
    assert [s["stepId"] for s in data["steps"]][2] == "ai-1"
    assert main(["diff", a["runId"], "nope"]) == 2
    assert "nope: no such run" in capsys.readouterr().err


def test_test_exits_1_on_a_failure_writes_junit_and_compares_with_the_last_suite_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = write(tmp_path, "risk.json", risk_document(suite=SUITE))
    junit = tmp_path / "report.xml"
    assert main(["test", doc, "--junit", str(junit)]) == 1
    captured = capsys.readouterr()
    assert "FAIL eu" in captured.err and "pass low" in captured.err  # progress on stderr
    assert "\neu        FAIL    success  compliance-1" in captured.out
    assert "failures per step: compliance-1 1" in captured.out
    root = ET.parse(junit).getroot()
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    failure = root.find(".//testcase[@name='eu']/failure")
    assert failure is not None and "compliance.passed is false" in (failure.text or "")

    fixed = risk_document(suite=SUITE)
    fixed["suite"]["scenarios"][1]["expect"] = ["compliance.passed == false"]
    assert main(["test", write(tmp_path, "fixed.json", fixed), "--json", "-q"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] == 2 and data["sincePrevious"]["fixed"] == ["eu"]


def test_test_exits_2_without_a_suite_or_with_a_bad_scenarios_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "risk-assessment"]) == 2
    assert "has no scenarios to test" in capsys.readouterr().err
    bad = tmp_path / "cases.jsonl"
    bad.write_text('{"name": "x", "expect": ["status = 1"]}\n', encoding="utf-8")
    assert main(["test", "risk-assessment", "--scenarios", str(bad)]) == 2
    assert "line 1: expect.0" in capsys.readouterr().err
    good = tmp_path / "cases.csv"
    good.write_text('name,riskScore,expect\nhigh,0.9,decision.outcome == "above"\n',
                    encoding="utf-8")
    assert main(["test", "risk-assessment", "--scenarios", str(good), "-q"]) == 0
    assert main(["test", write(tmp_path, "broken.json", {"id": "x"})]) == 2


def test_sweep_prints_the_table_and_the_flip_points(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "risk-assessment", "--field", "riskScore", "--from", "0", "--to", "1",
                 "--steps", "11", "--grid", "email=null,person@eu.com"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["riskScore", "email=null", 'email="person@eu.com"']
    assert "flip: email=null: between riskScore=0.6 and 0.7: below -> above" in out
    assert main(["sweep", "risk-assessment", "--field", "riskScore", "--from", "0", "--to", "1",
                 "--steps", "3", "--json"]) == 0
    assert [r["outcome"] for r in json.loads(capsys.readouterr().out)["rows"]] == [
        "below", "below", "above"]
    assert main(["sweep", "risk-assessment", "--field", "riskScore", "--from", "0", "--to", "1",
                 "--grid", "email"]) == 2
    assert main(["sweep", "risk-assessment", "--field", "riskScore"]) == 2


def test_baseline_and_replay(capsys: pytest.CaptureFixture[str]) -> None:
    a = run_json(capsys, "risk-assessment", "--preset", "High Risk")
    assert main(["baseline", a["runId"]]) == 0
    assert "is now the baseline of 'risk-assessment'" in capsys.readouterr().err
    assert main(["baseline", "--show", "risk-assessment"]) == 0
    assert capsys.readouterr().out.strip() == a["runId"]
    assert main(["replay", a["runId"]]) == 0
    out = capsys.readouterr().out
    assert "replay: every step gave the same output" in out
    assert main(["replay", a["runId"], "--json", "--no-save"]) == 0
    assert json.loads(capsys.readouterr().out)["same"] is True
    assert main(["baseline", "--clear", "risk-assessment"]) == 0
    assert main(["baseline", "--show", "risk-assessment"]) == 1
    assert main(["baseline"]) == 2
    assert main(["replay", "0000nope"]) == 2


def test_sweep_names_the_run_status_when_no_run_records_the_watched_path(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sweep", "risk-assessment", "--field", "riskScore", "--from", "0", "--to", "0.2",
                 "--steps", "3", "--watch", "decision.nowhere"])
    out = capsys.readouterr().out
    assert code == 0
    assert "no flip: the run status is the same over the whole range" in out
    assert "where a run did not record decision.nowhere, its status is shown" in out
    assert "no flip: decision.nowhere" not in out
