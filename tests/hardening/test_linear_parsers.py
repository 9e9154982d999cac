"""The other parsers of document and remote text: a model's code fence and a suite's
expectations. Same answers as the expressions they replace, and no backtracking on long
runs of white space (docs/hardening.md, "Templates and references")."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator_gui.core import jsonio, suite_model
from orchestrator_gui.core.llm.answers import parse_json_answer
from orchestrator_gui.core.suite_model import Expectation, parse_expectation

OLD_FENCE = re.compile(r"^```[A-Za-z0-9_-]*\s*\n?(.*?)\n?\s*```$", re.DOTALL)
OLD_COMPARE = re.compile(
    r"^\s*(?P<path>[^\s=!<>]+)\s*(?P<op>==|!=|<=|>=|<|>)\s*(?P<value>.+?)\s*$")
OLD_IN = re.compile(r"^\s*(?P<path>\S+)\s+in\s+(?P<value>.+?)\s*$")
FUZZ = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def old_parse_json_answer(text: str) -> object:
    """What parse_json_answer did with the expression (its fallbacks unchanged)."""
    body = text.strip()
    fenced = OLD_FENCE.match(body)
    if fenced:
        body = fenced.group(1).strip()
    if not body:
        raise ValueError("the answer is empty")
    try:
        return jsonio.parse_json(body, what="the answer", reject_duplicate_keys=False)
    except jsonio.JSONProblem as exc:
        first, last = body.find("{"), body.rfind("}")
        if 0 <= first < last:
            try:
                return jsonio.parse_json(body[first:last + 1], what="the answer",
                                         reject_duplicate_keys=False)
            except jsonio.JSONProblem:
                pass
        raise ValueError(str(exc)) from None


def outcome(parse: object, text: str) -> object:
    try:
        return parse(text)  # type: ignore[operator]
    except ValueError as exc:
        return ("error", str(exc))


@FUZZ
@given(st.lists(st.sampled_from(["```", "`", "json", " ", "\n", "\t", '{"a": 1}', "[1]", "x"]),
                max_size=12).map("".join))
def test_fenced_answers_read_as_before(text: str) -> None:
    assert outcome(parse_json_answer, text) == outcome(old_parse_json_answer, text)


@pytest.mark.timeout(60)
def test_a_4_mb_answer_of_white_space_in_a_fence_is_read_at_once() -> None:
    # the old expression tried every split of the spaces: hours for 4 MB
    n = 4 * 1024 * 1024
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_json_answer("```json\n" + " " * n + "x")
    assert parse_json_answer("```json\n" + "1" + " " * n + "\n```") == 1


def old_parse_expectation(text: str) -> object:
    compare, within = suite_model._COMPARE, suite_model._IN
    suite_model._COMPARE, suite_model._IN = OLD_COMPARE, OLD_IN
    try:
        return outcome(parse_expectation, text)
    finally:
        suite_model._COMPARE, suite_model._IN = compare, within


@FUZZ
@given(st.lists(st.sampled_from(["status", " ", "\n", "\t", "==", "=", "<", "!", "in", "exists",
                                 '"x"', "1", "[1]", "a.b"]), max_size=10).map("".join))
def test_expectations_parse_as_before(text: str) -> None:
    # whitespace-only values, once taken as the value " ", were an error then and are now
    new, old = outcome(parse_expectation, text), old_parse_expectation(text)
    if isinstance(new, Expectation) or isinstance(old, Expectation):
        assert new == old
    else:
        assert isinstance(new, tuple) and isinstance(old, tuple)


@pytest.mark.timeout(60)
def test_long_hostile_expectations_are_parsed_at_once() -> None:
    n = 1_000_000
    assert parse_expectation('status == "ok"' + " " * n).value == "ok"
    for text in ["a == x" + " " * n + "y\nz", "a in [1]" + " \t" * n + "\nx",
                 "a" + " " * n + "exists x", "a == " + "1 " * n + "\n2"]:
        with pytest.raises(ValueError) as caught:
            parse_expectation(text)
        assert len(str(caught.value)) < 400  # the text is quoted briefly
