"""Templates (``{{name}}``) and references (``${env:NAME}``): same findings as the old
expressions, in linear work, with bounded messages (docs/hardening.md, "Templates and
references").

The old expressions are kept here as the reference definition; they are run only
on short strings, where their backtracking costs nothing.
"""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator_gui.core import secrets
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.llm import templates
from orchestrator_gui.core.llm.templates import check_template, distinct_names, scan, variables
from orchestrator_gui.core.secrets import check_references, check_value
from tests.hardening.work_counter import Counted

OLD_VARIABLE = re.compile(r"\{\{\s*(.*?)\s*\}\}")
OLD_REFERENCE = re.compile(r"\$\{([^}]*)\}")

# Pieces that make the old expressions backtrack, and the characters around them.
TEMPLATE_PIECES = ["{", "}", "{{", "}}", " ", "\n", "\t", "x", ".", "$", "\u00a0"]
REFERENCE_PIECES = ["$", "{", "}", "${", ":", "env", "secret", "A", "-", " ", "\n"]

template_text = st.lists(st.sampled_from(TEMPLATE_PIECES), max_size=24).map("".join)
reference_text = st.lists(st.sampled_from(REFERENCE_PIECES), max_size=24).map("".join)
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def old_variables(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(1)) for m in OLD_VARIABLE.finditer(text)]


def prompt_document(prompt: str) -> bytes:
    import json
    return json.dumps({"id": "t", "name": "T", "steps": [
        {"id": "ask", "type": "prompt", "name": "Ask",
         "config": {"endpoint": "local", "prompt": prompt}}]}).encode()


# --- the examples ---------------------------------------------------------------
# The old expression took 41 s on the first and over 70 s on the second; the scan takes
# milliseconds. The timeout is a margin of a thousand, not a measurement.

@pytest.mark.timeout(30)
def test_a_4_kb_prompt_of_braces_and_spaces_validates_at_once() -> None:
    experiment = load_experiment(prompt_document("{{" + " " * 4000 + "x"))
    assert experiment.steps[0].id == "ask"
    text = Counted("{{" + " " * 4000 + "x")
    assert variables(text) == [] and text.work <= 4 * len(text)


@pytest.mark.timeout(30)
def test_100000_openings_validate_at_once() -> None:
    load_experiment(prompt_document("{{" * 100_000))
    closed = "{{" * 100_000 + "}}"  # one variable: a name made of 199,998 braces
    assert [name for _, _, name in scan(closed)] == ["{" * 199_998]


@pytest.mark.timeout(30)
def test_scaled_up_hostile_templates_validate_in_linear_work() -> None:
    n = 1_000_000
    for text in ["{{" + " " * n + "x", "{{" + " " * n + "x}}", "{{ \n" * (n // 4) + "}}",
                 "{{a\nb}}" * (n // 7), "{{{a\nb}}" * (n // 8), "{{" * (n // 2) + "\n}}",
                 "{{" + "\n" * n + "{{x}}", "{{x}}" * (n // 5), "} {" * (n // 3)]:
        counted = Counted(text)
        check_template(counted)
        assert counted.work <= 6 * len(text), text[:20]


# --- the scanner is the old expression, in linear work -------------------------------------

@FUZZ
@given(template_text)
def test_scan_finds_what_the_old_expression_found(text: str) -> None:
    assert list(scan(text)) == old_variables(text)


@FUZZ
@given(st.lists(template_text, min_size=1, max_size=6), st.integers(1, 400))
def test_distinct_names_are_the_scanned_names(parts: list[str], times: int) -> None:
    # repeated so that both ways are taken: one scan, and pieces cut at "}}"
    text = "".join(parts) * times
    assert set(distinct_names(text)) == {name for _, _, name in scan(text)}


@FUZZ
@given(st.lists(template_text, min_size=1, max_size=4), st.integers(1, 2000))
def test_scanning_reads_each_character_a_bounded_number_of_times(
        parts: list[str], times: int) -> None:
    text = Counted("".join(parts) * times)
    list(scan(text))
    assert text.work <= 6 * len(text) + 8
    again = Counted(str(text))
    set(distinct_names(again))
    assert again.work <= 6 * len(again) + 8


@FUZZ
@given(template_text)
def test_a_bad_template_is_refused_naming_its_first_bad_variable(text: str) -> None:
    many = text * 1500  # many variables: checked through the distinct pieces
    try:
        variables(many)
    except ValueError as exc:
        with pytest.raises(ValueError) as caught:
            check_template(many)
        assert str(caught.value) == str(exc)
    else:
        assert check_template(many) == many


def test_messages_quote_a_long_variable_name_briefly() -> None:
    name = "a." + "b" * 4000 + ".."
    with pytest.raises(ValueError) as caught:
        check_template("{{" + name + "}}")
    message = str(caught.value)
    assert len(message) < 300
    assert "… (4008 characters)" in message and "empty segment" in message
    with pytest.raises(ExperimentError) as doc_caught:
        load_experiment(prompt_document("Hi {{" + name + "}}"))
    assert len(str(doc_caught.value)) < 500


def test_short_messages_are_as_before() -> None:
    with pytest.raises(ValueError, match=r"^\{\{a\.\.b\}\}: invalid path 'a\.\.b': empty segment$"):
        check_template("x {{a..b}}")
    with pytest.raises(ValueError, match=r"^'\{\{\}\}' names no field"):
        check_template("{{ }}")


# --- ${...} references -----------------------------------------------------------------------

@pytest.mark.timeout(30)
def test_200000_reference_openings_in_a_header_validate_at_once() -> None:
    value = Counted("${" * 200_000)
    assert check_value(value) == value and value.work <= 4 * len(value)
    assert check_references("${" * 200_000) == []
    assert not secrets.has_reference("${" * 200_000)


@FUZZ
@given(reference_text)
def test_reference_scan_finds_what_the_old_expression_found(text: str) -> None:
    assert list(secrets.scan(text)) == [
        (m.start(), m.end(), m.group(1)) for m in OLD_REFERENCE.finditer(text)]


@FUZZ
@given(st.lists(reference_text, min_size=1, max_size=4), st.integers(1, 2000))
def test_reference_checks_agree_and_read_each_character_a_bounded_number_of_times(
        parts: list[str], times: int) -> None:
    text = "".join(parts) * times
    counted = Counted(text)
    try:
        check_references(text)
    except ValueError as exc:
        with pytest.raises(ValueError) as caught:
            check_value(counted)
        assert str(caught.value) == str(exc)
    else:
        assert check_value(counted) == text
    assert counted.work <= 6 * len(text) + 8


def test_reference_messages_quote_briefly() -> None:
    with pytest.raises(ValueError) as caught:
        check_references("${env:" + "A" * 3000 + "-}")
    assert len(str(caught.value)) < 200 and "(3008 characters)" in str(caught.value)
    with pytest.raises(ValueError, match=r"^'\$\{A\}' is not a reference"):
        check_references("${A}")


@given(st.text(alphabet=string.ascii_letters + "{}$ ", max_size=40))
def test_has_reference_is_the_old_search(text: str) -> None:
    assert secrets.has_reference(text) == (OLD_REFERENCE.search(text) is not None)


def test_few_and_many_take_the_same_answers() -> None:
    # around the point where one scan gives way to splitting
    for count in (templates._FEW - 1, templates._FEW, templates._FEW + 1):
        text = "{{a}} {{b.c}}" * count + "{{ \n}}"
        assert set(distinct_names(text)) == {"a", "b.c", ""}
        refs = "${env:A}${secret:b}" * count
        assert check_value(refs) == refs
