"""The 10 MiB limit is on compact JSON everywhere; white space never decides (docs/hardening.md).

The class: a limit measured on raw bytes where the rule is compact bytes.
Entry points: ``--input`` text, ``--input @file``, ``--input @-`` (stdin),
document files and text, the API (text and dicts), the app's own JSON
(parse_json). Past the raw ceiling (8 x the limit) text is refused from its
length, so a gigabyte of spaces is never read.
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

from orchestrator_gui import ExperimentError, load_experiment
from orchestrator_gui.cli import main
from orchestrator_gui.core import jsonio
from orchestrator_gui.core.engine import Limits, prepare_input
from orchestrator_gui.core.errors import InputError
from tests.hardening.corpus_gen import padded

LIMIT = jsonio.DEFAULT_MAX_BYTES
FRAME = len(b'{"p":""}')
PIPELINE = {"id": "e", "name": "E", "steps": [{"id": "i", "type": "input", "name": "I"}]}


def exactly_at_the_limit(extra: int = 0) -> bytes:
    """A run input of exactly LIMIT + extra compact bytes."""
    return b'{"p":"' + b"x" * (LIMIT - FRAME + extra) + b'"}'


def spaced(compact: bytes) -> bytes:
    """The same JSON with a few bytes of white space: a newline at the end, spaces inside."""
    return b'{ "p" : ' + compact[len(b'{"p":'):] + b"\n"


@pytest.fixture
def experiment_file(tmp_path: Path) -> Path:
    path = tmp_path / "exp.json"
    path.write_text(json.dumps(PIPELINE))
    return path


def test_an_input_file_of_exactly_10_mib_compact_plus_white_space_runs(
    experiment_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "in.json"
    data.write_bytes(spaced(exactly_at_the_limit()))
    assert data.stat().st_size > LIMIT
    assert main(["run", str(experiment_file), "--input", f"@{data}", "--no-save", "-q"]) == 0
    assert len(json.loads(capsys.readouterr().out)["p"]) == LIMIT - FRAME
    data.write_bytes(spaced(exactly_at_the_limit(1)))
    assert main(["run", str(experiment_file), "--input", f"@{data}", "--no-save", "-q"]) == 2
    err = capsys.readouterr().err
    assert "as compact JSON, over the limit of 10.0 MB (10485760 bytes)" in err
    assert "10485761 bytes" in err


def test_input_text_and_stdin_in_a_real_process(experiment_file: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    base = [sys.executable, "-m", "orchestrator_gui", "run", str(experiment_file), "--no-save",
            "-q", "--input"]
    ok = subprocess.run([*base, "@-"], input=spaced(exactly_at_the_limit()), capture_output=True,
                        env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr[-500:]
    over = subprocess.run([*base, "@-"], input=spaced(exactly_at_the_limit(1)),
                          capture_output=True, env=env, timeout=120)
    assert over.returncode == 2 and b"as compact JSON, over the limit" in over.stderr


def test_the_api_measures_text_and_dicts_the_same_way() -> None:
    assert len(prepare_input(spaced(exactly_at_the_limit()))) == LIMIT
    assert len(prepare_input(spaced(exactly_at_the_limit()).decode())) == LIMIT
    with pytest.raises(InputError, match="10485761 bytes"):
        prepare_input(spaced(exactly_at_the_limit(1)))
    indented = json.dumps(json.loads(exactly_at_the_limit()), indent=4).encode()
    assert len(prepare_input(indented)) == LIMIT


def test_a_document_of_exactly_10_mib_compact_loads_when_indented(tmp_path: Path) -> None:
    exact = json.loads(padded(LIMIT))
    path = tmp_path / "exact.json"
    path.write_text(json.dumps(exact, indent=2))
    assert path.stat().st_size > LIMIT
    assert load_experiment(path).id == "bad"
    over = json.loads(padded(LIMIT + 1))
    path.write_text(json.dumps(over, indent=2))
    with pytest.raises(ExperimentError, match=r"as compact JSON, over the limit of 10\.0 MB"):
        load_experiment(path)


def test_past_the_raw_ceiling_a_file_is_refused_from_its_size(
    experiment_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sparse = tmp_path / "spaces.json"
    with sparse.open("wb") as f:  # 80 MiB + 1 of holes: nothing is written, nothing is read
        f.truncate(jsonio.raw_ceiling(LIMIT) + 1)
    with pytest.raises(ExperimentError, match=r"over the limit of 80\.0 MB .* for JSON text"):
        load_experiment(sparse)
    assert main(["run", str(experiment_file), "--input", f"@{sparse}", "--no-save"]) == 2
    assert "for JSON text with its white space" in capsys.readouterr().err
    with pytest.raises(InputError, match="for JSON text with its white space"):
        prepare_input(b" " * (jsonio.raw_ceiling(1000) + 1) + b"{}", Limits(max_payload_bytes=1000))


# --- the class, by property ------------------------------------------------------------

_SCALAR = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=12)
_JSON = st.recursive(_SCALAR, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=4), inner, max_size=4), max_leaves=20)
_SPACE = st.text(st.sampled_from(" \t\r\n"), max_size=6)


@st.composite
def padded_json(draw: st.DrawFn) -> tuple[dict[str, Any], bytes, bytes]:
    """``(value, compact text, the same text with white space between tokens)``."""
    value = draw(st.dictionaries(st.text(max_size=4), _JSON, max_size=5))
    compact = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    tokens = json.dumps(value, indent=1, ensure_ascii=False).split("\n")
    loose = "".join(draw(_SPACE) + line for line in tokens) + draw(_SPACE)
    return value, compact, loose.encode()


def _accepted(call: Any) -> bool:
    try:
        call()
    except (InputError, ExperimentError, jsonio.JSONProblem):
        return False
    return True


@settings(max_examples=200, deadline=None)
@given(padded_json(), st.integers(min_value=2, max_value=300))
def test_white_space_never_changes_acceptance(
    case: tuple[dict[str, Any], bytes, bytes], limit: int
) -> None:
    _value, compact, loose = case
    if len(loose) > jsonio.raw_ceiling(limit):
        return  # past the raw ceiling, by design (tested above)
    for text in (compact, loose):
        assert jsonio.dumps(jsonio.parse_json(text, max_bytes=10**9)) == jsonio.dumps(
            json.loads(compact))
    within = len(jsonio.dumps(json.loads(compact))) <= limit
    limits = Limits(max_payload_bytes=limit)
    assert _accepted(lambda: prepare_input(loose, limits)) is within
    assert _accepted(lambda: prepare_input(compact, limits)) is within
    assert _accepted(lambda: jsonio.parse_json(loose, max_bytes=limit)) is within


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40), st.integers(min_value=60, max_value=200), _SPACE, st.booleans())
def test_white_space_never_changes_whether_a_document_loads(
    description: str, limit: int, space: str, indent: bool
) -> None:
    document = {**PIPELINE, "description": description}
    compact = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    loose = (space + json.dumps(document, indent=2 if indent else None,
                                ensure_ascii=False) + space).encode()
    if len(loose) > jsonio.raw_ceiling(limit):
        return  # past the raw ceiling, by design (tested above)
    within = len(jsonio.dumps(document)) <= limit
    assert _accepted(lambda: load_experiment(compact, max_bytes=limit)) is within
    assert _accepted(lambda: load_experiment(loose, max_bytes=limit)) is within
