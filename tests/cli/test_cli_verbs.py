"""The other verbs in-process: validate, list, history, show, import, export, schema, --help."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from orchestrator_gui.cli import main
from orchestrator_gui.cli.parser import _VERBS
from orchestrator_gui.resources import path as resource_path


def test_validate_good_and_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = resource_path("examples", "risk-assessment.json")
    assert main(["validate", str(good)]) == 0
    assert "valid: risk-assessment 'Risk Assessment Pipeline' (5 steps)" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x", "name": "X", "steps": []}')
    assert main(["validate", str(good), str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: invalid experiment (1 problem):" in err
    assert "steps: must have at least 1 item(s)" in err


def test_list_shows_examples_and_a_hand_inserted_invalid_row(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["list"]) == 0  # creates the database with the examples
    capsys.readouterr()
    import os

    conn = sqlite3.connect(os.environ["ORCHESTRATOR_DB"])
    conn.execute("INSERT INTO experiments (id, name, definition, user_id) VALUES "
                 "('broken', 'Broken', '{\"steps\": [{\"id\": \"a\", \"type\": \"nope\","
                 " \"name\": \"A\"}]}', 'me')")
    conn.commit()
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "risk-assessment" in out and "Marketing Campaign Test" in out
    assert "broken: invalid: steps[0] (a): type: unknown step type 'nope'" in out
    assert main(["list", "--json"]) == 0
    listed = {e["id"]: e for e in json.loads(capsys.readouterr().out)}
    assert listed["broken"]["error"] and listed["risk-assessment"]["steps"] == 5


def test_history_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "risk-assessment", "--preset", "Happy Path", "--json", "-q"]) == 0
    first = json.loads(capsys.readouterr().out)["runId"]
    assert main(["run", "marketing-campaign", "--preset", "High Risk", "--json", "-q"]) == 0
    second = json.loads(capsys.readouterr().out)["runId"]
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert out.index(second) < out.index(first)  # newest first
    assert "Happy Path" in out and "success" in out
    assert main(["history", "risk-assessment", "--json", "--limit", "5"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert [r["runId"] for r in runs] == [first]
    assert main(["show", first]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["experiment"]["id"] == "risk-assessment" and len(shown["steps"]) == 5
    assert main(["show", "nope"]) == 2
    assert main(["history", "--limit", "0"]) == 2


def test_import_export_round_trip_with_an_atomic_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = {"id": "imported", "name": "Imported", "custom": {"kept": True},
           "steps": [{"id": "i", "type": "input", "name": "In", "config": {}}]}
    source = tmp_path / "in.json"
    source.write_text(json.dumps(doc))
    assert main(["import", str(source)]) == 0
    assert main(["import", str(source)]) == 2
    assert "--replace" in capsys.readouterr().err
    assert main(["import", str(source), "--replace"]) == 0
    target = tmp_path / "out.json"
    target.write_text("old contents")
    assert main(["export", "imported", "-o", str(target)]) == 0
    assert json.loads(target.read_text()) == doc
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    capsys.readouterr()
    assert main(["export", "imported"]) == 0
    assert json.loads(capsys.readouterr().out) == doc
    assert main(["export", "absent"]) == 2
    assert main(["export", "imported", "-o", str(tmp_path / "no" / "dir.json")]) == 2


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Experiment" and "steps" in schema["properties"]


@pytest.mark.parametrize("verb", sorted(_VERBS))
def test_every_verb_has_help_with_a_description_and_examples(
    verb: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([verb, "--help"]) == 0
    out = capsys.readouterr().out
    assert f"usage: orchestrator {verb}" in out
    assert "example" in out and "--db PATH" in out


def test_top_level_help_lists_every_verb_and_the_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(verb in out for verb in _VERBS)
    assert "exit codes: 0 run success or filtered" in out
    assert main([]) == 2


def test_db_option_before_or_after_the_verb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    assert main(["--db", str(first), "list"]) == 0
    assert main(["list", "--db", str(second)]) == 0
    assert first.exists() and second.exists()
