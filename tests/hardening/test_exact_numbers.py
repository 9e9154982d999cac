"""Numbers are kept exactly or refused, naming where; never rounded (docs/hardening.md).

The class: a number our JSON (orjson) cannot keep exactly. A whole number
outside -2**63 .. 2**64-1 (orjson reads it as the nearest float and cannot
write it), a number beyond a float (1e400, 10**4000), NaN/Infinity (orjson
writes a Python nan as null). Every entry point refuses them with the path
and "send it as a string"; the webhook keeps such an answer as exact text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator_gui import ExperimentError, load_experiment
from orchestrator_gui.cli import main
from orchestrator_gui.core import jsonio
from orchestrator_gui.core.engine import Engine, prepare_input, run_experiment
from orchestrator_gui.core.errors import InputError
from orchestrator_gui.core.numbers import INT_MAX, INT_MIN, format_path
from orchestrator_gui.core.registry import StepRegistry, StepType
from orchestrator_gui.core.steps import webhook
from orchestrator_gui.core.suite_import import load_scenarios
from orchestrator_gui.core.suite_model import parse_expectation
from tests.httpserver import Reply, ScriptedServer, http_server

__all__ = ["http_server"]

BIG = "1234567890123456789012345"
HUGE = "1" + "0" * 4000  # 10**4000


def doc(config: dict[str, Any] | None = None) -> dict[str, Any]:
    step = {"id": "s1", "type": "input", "name": "Intake", "config": config or {}}
    return {"id": "exp", "name": "Exp", "steps": [step]}


def doc_text(default_value_literal: str) -> bytes:
    return (b'{"id": "exp", "name": "Exp", "steps": [{"id": "s1", "type": "input", "name": "I",'
            b' "config": {"defaultValue": {"accountId": ' + default_value_literal.encode()
            + b"}}}]}")


@pytest.fixture
def experiment_file(tmp_path: Path) -> Path:
    path = tmp_path / "exp.json"
    path.write_text(json.dumps(doc()))
    return path


# --- the examples ----------------------------------------------------------------------


async def test_a_25_digit_account_id_is_refused_naming_its_path_not_rounded() -> None:
    with pytest.raises(InputError) as info:
        await run_experiment(doc(), '{"accountId": BIG}'.replace("BIG", BIG))
    message = str(info.value)
    assert "accountId" in message and BIG in message and "send it as a string" in message
    assert "e+24" not in message
    # the same number given as a Python int: orjson could not write it
    with pytest.raises(InputError, match=r"accountId: the whole number 1234567890123456789012345"):
        await run_experiment(doc(), {"accountId": int(BIG)})
    # as a string it runs, every digit kept
    result = await run_experiment(doc(), {"accountId": BIG})
    assert result.output == {"accountId": BIG}


def test_cli_run_refuses_the_account_id_with_exit_2(
    experiment_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", str(experiment_file), "--input", '{"accountId": BIG}'.replace("BIG", BIG)])
    err = capsys.readouterr().err
    assert code == 2
    assert f'--input: accountId: the whole number {BIG} is outside the 64-bit range' in err
    assert f'send it as a string: "{BIG}"' in err and "Traceback" not in err


def test_cli_run_in_a_real_process_from_a_file_and_from_stdin(
    experiment_file: Path, tmp_path: Path
) -> None:
    data = tmp_path / "in.json"
    data.write_text('{"customer": {"accountId": BIG}}'.replace("BIG", BIG))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    base = [sys.executable, "-m", "orchestrator_gui", "run", str(experiment_file), "--no-save"]
    by_file = subprocess.run([*base, "--input", f"@{data}"], capture_output=True, text=True,
                             env=env, timeout=60)
    by_stdin = subprocess.run([*base, "--input", "@-"], input=data.read_text(),
                              capture_output=True, text=True, env=env, timeout=60)
    for proc in (by_file, by_stdin):
        assert proc.returncode == 2, proc.stderr
        assert "customer.accountId: the whole number" in proc.stderr
        assert "send it as a string" in proc.stderr and "Traceback" not in proc.stderr


def test_a_10_to_the_4000_literal_is_refused_for_its_size() -> None:
    with pytest.raises(ExperimentError) as info:
        load_experiment(doc_text(HUGE))
    [problem] = info.value.problems
    assert "steps[0] (s1): config.defaultValue.accountId" in problem
    assert "a whole number of 4001 digits is outside the 64-bit range" in problem
    assert "NaN" not in problem and "\\u escape" not in problem


@pytest.mark.parametrize("literal", ["1e400", "-1.5E+999", HUGE + ".5", "-" + HUGE])
def test_numbers_beyond_a_float_are_refused_for_their_size(literal: str) -> None:
    with pytest.raises(ExperimentError) as info:
        load_experiment(doc_text(literal))
    [problem] = info.value.problems
    assert "config.defaultValue.accountId" in problem
    assert "too large for a 64-bit float" in problem or "digits is outside" in problem


def test_cli_validate_and_run_refuse_a_huge_literal_in_the_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.json"
    path.write_bytes(doc_text(HUGE))
    assert main(["validate", str(path)]) == 2
    assert "4001 digits" in capsys.readouterr().err
    assert main(["run", str(path), "--input", "{}"]) == 2
    err = capsys.readouterr().err
    assert "4001 digits" in err and "Traceback" not in err


def test_a_syntax_error_after_a_huge_number_still_says_where_the_number_is() -> None:
    with pytest.raises(jsonio.NumberProblem, match=r"line 1, column 7: the number 1e400 is too large"):
        jsonio.parse_json('{"a": 1e400, }', what="input")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
async def test_nan_and_infinity_from_python_are_refused_not_written_as_null(value: float) -> None:
    with pytest.raises(InputError, match=r"the run input: scores\[1\]: (nan|inf|-inf) is not valid"):
        await run_experiment(doc(), {"scores": [1.0, value]})
    with pytest.raises(ExperimentError, match=r"steps\[0\] \(s1\): config.defaultValue.x"):
        load_experiment(doc({"defaultValue": {"x": value}}))


async def test_a_step_returning_a_huge_int_fails_naming_the_path() -> None:
    registry = StepRegistry()

    async def handler(step: Any, ctx: Any) -> dict[str, Any]:
        return {"total": {"cents": 10**30}}

    registry.register(StepType(name="big", handler=handler))
    experiment = {"id": "e", "name": "E", "steps": [{"id": "b", "type": "big", "name": "B"}]}
    result = await run_experiment(experiment, {}, engine=Engine(registry=registry))
    error = result.steps[0].error or {}
    assert result.status == "error" and error["type"] == "InvalidOutput"
    assert "total.cents: the whole number 1000000000000000000000000000000" in error["message"]


def test_suites_sweeps_and_scenario_files_refuse_them_too(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="outside the 64-bit range"):
        parse_expectation(f"output.accountId == {BIG}")
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text(f"name,accountId\nbig,{BIG}\n")
    with pytest.raises(ExperimentError, match=r"line 2: column 'accountId': the whole number"):
        load_scenarios(csv_file)
    jsonl = tmp_path / "cases.jsonl"
    jsonl.write_text('{"name": "big", "input": {"accountId": BIG}}\n'.replace("BIG", BIG))
    with pytest.raises(ExperimentError, match=r"line 1: input.accountId: the whole number"):
        load_scenarios(jsonl)


def test_cli_sweep_grid_refuses_a_big_value(
    experiment_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["sweep", str(experiment_file), "--field", "x", "--from", "0", "--to", "1",
                 "--steps", "2", "--grid", f"accountId=1,{BIG}"])
    err = capsys.readouterr().err
    assert code == 2 and "outside the 64-bit range" in err and "Traceback" not in err


async def test_a_webhook_answer_with_a_huge_int_is_kept_as_exact_text(
    http_server: ScriptedServer,
) -> None:
    body = '{"accountId": BIG, "ok": true}'.replace("BIG", BIG).encode()
    http_server.script(Reply(200, body=body, headers={"Content-Type": "application/json"}))
    registry = StepRegistry()
    registry.register(webhook.STEP_TYPE)
    experiment = {"id": "wh", "name": "W", "steps": [
        {"id": "hook", "type": "webhook", "name": "Call", "config": {"url": http_server.url()}}]}
    result = await run_experiment(experiment, {"user": "ana"}, engine=Engine(registry=registry))
    assert result.status == "success"
    assert result.output["webhook"]["response"] == body.decode()
    logs = "\n".join(line["message"] for line in result.steps[0].logs)
    assert "the answer: accountId: the whole number" in logs and "kept as text" in logs


# --- the class, by property ------------------------------------------------------------

_KEY = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6)
_SMALL_INT = st.integers(min_value=INT_MIN, max_value=INT_MAX)
_SCALAR = st.none() | st.booleans() | _SMALL_INT | st.text(max_size=5) | st.floats(
    allow_nan=False, allow_infinity=False)
_UNKEPT_INT = st.one_of(st.integers(max_value=INT_MIN - 1), st.integers(min_value=INT_MAX + 1),
                        st.integers(min_value=20, max_value=5000).map(lambda n: 10**n + 7))


@st.composite
def with_one_unkept(draw: st.DrawFn) -> tuple[Any, tuple[str | int, ...], int]:
    """A JSON value holding exactly one whole number beyond 64 bits, and its path."""
    number = draw(_UNKEPT_INT)
    value: Any = number
    path: list[str | int] = []
    for _ in range(draw(st.integers(0, 5))):
        if draw(st.booleans()):
            before = draw(st.lists(_SCALAR, max_size=3))
            value = [*before, value, *draw(st.lists(_SCALAR, max_size=3))]
            path.insert(0, len(before))
        else:
            key = draw(_KEY)
            siblings = draw(st.dictionaries(_KEY.filter(lambda k, key=key: k != key), _SCALAR,
                                            max_size=3))
            value = {**siblings, key: value}
            path.insert(0, key)
    return value, tuple(path), number


@settings(max_examples=150, deadline=None)
@given(with_one_unkept())
def test_any_unkept_int_anywhere_is_refused_naming_its_path(
    case: tuple[Any, tuple[str | int, ...], int],
) -> None:
    value, path, _number = case
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # to write the 5,000-digit cases as JSON text
    try:
        text = json.dumps(value, ensure_ascii=False)
    finally:
        sys.set_int_max_str_digits(limit)
    # As JSON text (what files, --input, the app and answers give) ...
    with pytest.raises(jsonio.NumberProblem) as info:
        jsonio.parse_json(text, what="input")
    assert info.value.number.path == path
    assert format_path(path) in str(info.value) and "send it as a string" in str(info.value)
    # ... and as Python data (the API, step outputs): refused, never rounded or nulled.
    with pytest.raises(jsonio.NumberProblem) as info:
        jsonio.dumps_exact(value, what="input")
    assert info.value.number.path == path
    if isinstance(value, dict):
        with pytest.raises(InputError, match="send it as a string"):
            prepare_input(value)


_JSON = st.recursive(_SCALAR, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(_KEY, inner, max_size=4), max_leaves=25)


@settings(max_examples=150, deadline=None)
@given(_JSON)
def test_numbers_within_range_round_trip_exactly(value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False)
    parsed = jsonio.parse_json(text, what="input", reject_duplicate_keys=False)
    assert parsed == json.loads(text)
    assert orjson.loads(jsonio.dumps_exact(parsed)) == parsed
