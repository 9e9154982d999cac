"""Multi-megabyte strings: refused early where a field is short, kept where they are allowed."""

from __future__ import annotations

import re

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestrator_gui import ExperimentError, load_experiment
from orchestrator_gui.core.long_strings import long_string_paths, quote_free_runs

BIG = 200 * 1024  # over the 64 KiB threshold, far over any 200-character limit


def doc(**extra: object) -> dict[str, object]:
    step = {"id": "s1", "name": "Intake", "type": "input", "config": {}}
    return {"id": "exp", "name": "Exp", "steps": [step], **extra}


@given(st.lists(st.sampled_from([b'"', b"a", b"\\", b" ", b"\xc3\xa9"]), max_size=300),
       st.integers(min_value=1, max_value=40))
def test_quote_free_runs_finds_exactly_the_long_stretches(parts: list[bytes], threshold: int) -> None:
    raw = b"".join(parts)
    naive = [m.span() for m in re.finditer(rb'[^"]{%d,}' % threshold, raw)]
    assert quote_free_runs(raw, threshold) == naive


def test_places_a_long_step_name_by_its_path() -> None:
    data = doc()
    data["steps"][0]["name"] = "n" * BIG  # type: ignore[index]
    document, found = long_string_paths(orjson.dumps(data))
    assert found == {("steps", 0, "name"): BIG}
    assert document["steps"][0]["id"] == "s1"


def test_a_long_name_is_refused_saying_where_and_how_long() -> None:
    data = doc(name="n" * BIG)
    with pytest.raises(ExperimentError) as info:
        load_experiment(orjson.dumps(data))
    assert info.value.problems == ["name: must be at most 200 characters (this one is 0.2 MB (204800 bytes))"]


def test_a_long_step_name_with_escaped_quotes_is_still_refused() -> None:
    # Escaped quotes break the quote-free stretch: the ordinary full parse refuses it instead.
    data = doc()
    data["steps"][0]["name"] = 'say "hi" ' * (BIG // 9)  # type: ignore[index]
    with pytest.raises(ExperimentError, match=r"steps\[0\] \(s1\): name: must be at most 200"):
        load_experiment(orjson.dumps(data))


def test_a_long_name_ending_in_an_escaped_quote_is_refused() -> None:
    data = doc(name="n" * BIG + '"')
    with pytest.raises(ExperimentError, match="name: must be at most 200 characters"):
        load_experiment(orjson.dumps(data))


@pytest.mark.parametrize("extra", [
    {"description": "d" * BIG},  # a long description is fine
    {"notes": {"name": "n" * BIG}},  # an unknown key's inner "name" has no limit
    {"ui": {"positions": {}, "comment": "c" * BIG}},
])
def test_long_strings_where_they_are_allowed_load(extra: dict[str, object]) -> None:
    experiment = load_experiment(orjson.dumps(doc(**extra)))
    assert experiment.to_dict() | extra == experiment.to_dict()


def test_long_white_space_outside_strings_loads() -> None:
    raw = orjson.dumps(doc()).replace(b'"steps":', b'"steps":' + b" " * BIG)
    assert load_experiment(raw).steps[0].id == "s1"


def test_a_too_big_document_is_refused_for_its_size_first() -> None:
    data = doc(name="n" * BIG)
    with pytest.raises(ExperimentError, match="over the limit"):
        load_experiment(orjson.dumps(data), max_bytes=100 * 1024)
