"""Bad files get one clear message naming the problem, never a traceback (issue 2, item 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator_gui import ExperimentError, load_experiment
from orchestrator_gui.core import jsonio

GOOD = {"id": "e", "name": "E", "steps": [{"id": "s", "type": "input", "name": "S"}]}


def load_bytes(tmp_path: Path, data: bytes) -> ExperimentError:
    path = tmp_path / "exp.json"
    path.write_bytes(data)
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    assert info.value.source == str(path)
    return info.value


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode())
    assert load_experiment(path).id == "e"
    assert load_experiment("\ufeff" + json.dumps(GOOD)).id == "e"


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    err = load_bytes(tmp_path, b'{\n  "id": "e",\n  "name": "E"\n  "steps": []\n}')
    assert err.problems == ["document is not valid JSON: Expecting ',' delimiter at line 4, column 3"]


def test_utf16_file_is_named(tmp_path: Path) -> None:
    err = load_bytes(tmp_path, json.dumps(GOOD).encode("utf-16"))
    assert "UTF-16" in err.problems[0] and "save it as UTF-8" in err.problems[0]


def test_latin1_file_is_named(tmp_path: Path) -> None:
    err = load_bytes(tmp_path, '{"id": "e", "name": "Caf\xe9"}'.encode("latin-1"))
    assert err.problems[0].startswith("document is not UTF-8 text (byte 0xe9 at line 1")


def test_deep_nesting_is_refused_cleanly(tmp_path: Path) -> None:
    # stdlib json raises RecursionError on this; we must not
    err = load_bytes(tmp_path, b"[" * 100_000 + b"]" * 100_000)
    assert "nested too deeply" in err.problems[0]
    err = load_bytes(tmp_path, b'{"a":' * 500 + b"1" + b"}" * 500)
    assert "nested too deeply" in err.problems[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[]", "the top level must be a JSON object, not a list"),
        ('"text"', "the top level must be a JSON object, not text"),
        ("42", "the top level must be a JSON object, not a number"),
        ("null", "the top level must be a JSON object, not null"),
        ("", "document is empty; expected a JSON object"),
    ],
)
def test_top_level_must_be_an_object(tmp_path: Path, text: str, expected: str) -> None:
    assert load_bytes(tmp_path, text.encode()).problems == [expected]


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    doc = b'{"id": "e", "name": "E", "steps": [{"id": "s", "type": "input", "name": "S", "name": "T"}]}'
    err = load_bytes(tmp_path, doc)
    assert err.problems == ["document is not valid JSON: the key 'name' appears twice in the same object"]
    # a document that is invalid anyway is refused for that, without the slower duplicate scan
    err = load_bytes(tmp_path, b'{"id": "e", "id": "f", "name": "E", "steps": []}')
    assert err.problems == ["steps: must have at least 1 item(s)"]


def test_files_over_10_mb_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as f:
        f.write(b'{"id": "e", "name": "' + b"x" * (jsonio.DEFAULT_MAX_BYTES) + b'"}')
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    assert "over the limit of 10.0 MB" in info.value.problems[0]


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ExperimentError, match="no such file"):
        load_experiment(tmp_path / "nope.json")
    with pytest.raises(ExperimentError, match="is a folder"):
        load_experiment(tmp_path)


def test_nan_is_not_json(tmp_path: Path) -> None:
    err = load_bytes(tmp_path, b'{"id": "e", "name": NaN}')
    assert "not valid JSON" in err.problems[0]
