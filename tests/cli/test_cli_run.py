"""``orchestrator run`` in-process: progress on stderr, the record on stdout, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from orchestrator_gui.cli import main
from orchestrator_gui.store import Store

PIPELINE: dict[str, Any] = {
    "id": "cli-1",
    "name": "CLI Pipeline",
    "steps": [
        {"id": "input-1", "type": "input", "name": "Collect", "config": {"required": ["riskScore"]}},
        {"id": "transform-1", "type": "transform", "name": "Gate",
         "config": {"filters": {"riskScore": {"max": 0.95}}}},
        {"id": "ai-1", "type": "ai_decision", "name": "Decide", "config": {"threshold": 0.7}},
    ],
}


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    file = tmp_path / "pipeline.json"
    file.write_text(json.dumps(PIPELINE))
    return file


def test_run_a_file_shows_progress_and_prints_the_output(
    pipeline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(pipeline), "--input", '{"riskScore": 0.9}']) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["decision"]["outcome"] == "above"
    assert "[1/3] > Collect (input-1, input)" in err
    assert "[3/3] " in err and "Decide  success" in err
    assert "success in" in err and "saved in" in err


def test_json_prints_only_the_run_record_and_the_run_is_in_history(
    pipeline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(pipeline), "--preset", "high risk", "--json"]) == 0
    out, _ = capsys.readouterr()
    record = json.loads(out)
    assert record["scenario"] == "High Risk" and record["status"] == "success"
    assert [s["status"] for s in record["steps"]] == ["success"] * 3
    with Store.open() as store:
        assert store.get_run(record["runId"])["output"] == record["output"]


def test_a_stored_experiment_by_id_with_input_from_a_file_and_a_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "in.json"
    data.write_text('{"riskScore": 0.2, "email": null}')
    assert main(["run", "risk-assessment", "--input", f"@{data}", "--scenario", "nightly",
                 "--json", "--no-save"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["scenario"] == "nightly"
    assert record["output"]["decision"]["outcome"] == "below"
    with Store.open() as store:
        assert store.list_runs() == []  # --no-save


def test_input_keys_override_the_presets(pipeline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(pipeline), "--preset", "High Risk", "--input", '{"riskScore": 0.1}',
                 "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["input"] == {"riskScore": 0.1, "email": "user@example.com"}


def test_filtered_exits_0_and_a_failed_run_exits_1(
    pipeline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(pipeline), "--input", '{"riskScore": 0.99}', "-q"]) == 0
    assert "filtered" in capsys.readouterr().err
    assert main(["run", str(pipeline), "--input", '{"other": 1}', "-q"]) == 1
    err = capsys.readouterr().err
    assert "error at step 'input-1': MissingField" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("argv", "says"), [
    (["run", "no-such-thing"], "no such file, and no stored experiment"),
    (["run", "risk-assessment", "--input", '{"riskScore": 0.9'], "--input is not valid JSON"),
    (["run", "risk-assessment", "--input", "[1, 2]"], "must be a JSON object"),
    (["run", "risk-assessment", "--input", "@/no/such/file.json"], "cannot read it"),
    (["run", "risk-assessment", "--preset", "Nope"], "known presets: 'Happy Path'"),
    (["run"], "the following arguments are required: EXPERIMENT"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_or_usage_exits_2_with_the_reason(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_an_invalid_document_lists_every_problem_one_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"id": "bad", "name": "Bad", "steps": [
        {"id": "a", "type": "ai_decision", "name": "A", "config": {"threshold": 2}},
        {"id": "b", "type": "no_such_type", "name": "B"}]}))
    assert main(["run", str(bad)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"{bad}: invalid experiment (2 problems):"
    assert lines[1] == "  steps[0] (a): config.threshold: must be <= 1"
    assert lines[2].startswith("  steps[1] (b): type: unknown step type 'no_such_type'")


def test_a_webhook_example_dry_run_sends_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "webhook-notification", "--preset", "GDPR Sensitive", "--dry-run",
                 "--json", "-q"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["dryRun"] is True
    request = record["output"]["webhook"]["request"]
    assert request["method"] == "POST"
    assert request["body"]["email"] != "person@eu.com"  # masked before sending


def test_a_new_run_is_compared_with_the_starred_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "risk-assessment", "--preset", "High Risk", "--json", "-q"]) == 0
    baseline = json.loads(capsys.readouterr().out)["runId"]
    assert main(["baseline", baseline]) == 0
    capsys.readouterr()

    assert main(["run", "risk-assessment", "--preset", "High Risk"]) == 0
    assert f"vs baseline {baseline[:8]}: same behaviour" in capsys.readouterr().err

    assert main(["run", "risk-assessment", "--preset", "Happy Path"]) == 0
    err = capsys.readouterr().err
    assert f"vs baseline {baseline[:8]}:" in err
    assert "step(s) differ, first at 'input-1'" in err
    assert f"orchestrator diff {baseline[:8]} " in err
