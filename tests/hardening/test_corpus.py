"""Bad documents: every file of the corpus is refused by the Python API and the CLI, saying where.

Plus a property-based fuzz test of the loader (hypothesis): whatever bytes or
JSON it is given, it returns an ``Experiment`` or raises ``ExperimentError``,
nothing else. And the size limits to the byte, for documents and run inputs.
Timing per file is a figure, not a test: bench/bench_corpus.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator_gui import ExperimentError, load_experiment, run_experiment
from orchestrator_gui.cli import main as cli_main
from orchestrator_gui.core.document import Experiment
from orchestrator_gui.core.errors import InputError
from orchestrator_gui.core.jsonio import DEFAULT_MAX_BYTES
from tests.hardening.corpus_gen import CORPUS, LARGE, SMALL, expected, padded, write_large

SMALL_FILES = sorted(CORPUS.glob("*.json"))


@pytest.fixture(scope="module")
def large_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {p.name: p for p in write_large(tmp_path_factory.mktemp("corpus"))}


def corpus_file(name: str, large_files: dict[str, Path]) -> Path:
    return large_files[name] if name in large_files else CORPUS / name


NAMES = [p.name for p in SMALL_FILES] + [name for name, _b, _e in LARGE]


def test_the_corpus_is_complete_on_disk() -> None:
    assert {p.name for p in SMALL_FILES} == set(SMALL), "run python -m tests.hardening.corpus_gen"
    assert len(NAMES) >= 30
    for path in SMALL_FILES:
        assert path.read_bytes() == SMALL[path.name][0]


@pytest.mark.parametrize("name", NAMES)
def test_python_api_refuses_naming_where(name: str, large_files: dict[str, Path]) -> None:
    path = corpus_file(name, large_files)
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    assert info.value.source == str(path)
    assert any(expected(name) in problem for problem in info.value.problems), info.value.problems


@pytest.mark.parametrize("name", NAMES)
def test_cli_validate_refuses_with_exit_2(
    name: str, large_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = corpus_file(name, large_files)
    assert cli_main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert expected(name) in err and str(path) in err
    assert "Traceback" not in err + out
    assert "\x1b" not in err  # a hostile id cannot drive the terminal


@pytest.mark.parametrize("name", ["over-10-mb.json",
                                  "control-char-in-step-id.json"])
def test_real_cli_process_refuses_without_traceback(
    name: str, large_files: dict[str, Path], tmp_path: Path
) -> None:
    path = corpus_file(name, large_files)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-m", "orchestrator_gui", "validate", str(path)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert expected(name) in proc.stderr and "Traceback" not in proc.stderr


def test_exactly_10_mb_document_loads_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    exact = tmp_path / "exact.json"
    exact.write_bytes(padded(DEFAULT_MAX_BYTES))
    assert exact.stat().st_size == 10 * 1024 * 1024
    assert load_experiment(exact).id == "bad"
    over = tmp_path / "over.json"
    over.write_bytes(padded(DEFAULT_MAX_BYTES + 1))
    with pytest.raises(ExperimentError, match=r"over the limit of 10\.0 MB \(10485760 bytes\)"):
        load_experiment(over)


async def test_exactly_10_mb_input_runs_and_one_byte_more_is_refused() -> None:
    doc = {"id": "e", "name": "E", "steps": [{"id": "i", "type": "input", "name": "I"}]}
    frame = len(b'{"p":""}')
    exact = {"p": "x" * (DEFAULT_MAX_BYTES - frame)}
    result = await run_experiment(doc, exact)
    assert result.status == "success" and len(result.steps[0].output_json or b"") == DEFAULT_MAX_BYTES
    with pytest.raises(InputError, match="10485761 bytes"):
        await run_experiment(doc, {"p": "x" * (DEFAULT_MAX_BYTES - frame + 1)})


# --- fuzzing -----------------------------------------------------------------------------

def _loads(data: Any) -> None:
    try:
        result = load_experiment(data)
    except ExperimentError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
    else:
        assert isinstance(result, Experiment)


FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner,
                                                                  max_size=5),
    max_leaves=20,
)
step_like = st.fixed_dictionaries(
    {"id": st.text(max_size=8), "type": st.sampled_from(
        ["input", "transform", "ai_decision", "compliance_check", "metrics", "webhook",
         "data_mapping", "nope"]), "name": st.text(max_size=8)},
    optional={"config": st.dictionaries(st.sampled_from(
        ["threshold", "mapping", "url", "fields", "action", "required", "x"]), json_values,
        max_size=3), "timeoutSeconds": json_values},
)
doc_like = st.fixed_dictionaries(
    {"id": st.text(max_size=10) | st.just("e"), "name": st.text(max_size=10),
     "steps": st.lists(step_like, max_size=4) | json_values},
    optional={"settings": json_values, "ui": json_values, "description": json_values},
)


@FUZZ
@given(st.binary(max_size=300))
def test_fuzz_bytes(data: bytes) -> None:
    _loads(data)


@FUZZ
@given(json_values)
def test_fuzz_any_json(value: Any) -> None:
    _loads(json.dumps(value).encode())


@FUZZ
@given(doc_like)
def test_fuzz_document_shapes(doc: dict[str, Any]) -> None:
    _loads(doc)
    _loads(json.dumps(doc).encode())
