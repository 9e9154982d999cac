"""Ids that look alike are refused, both spellings shown (docs/hardening.md).

The class: two names a person cannot tell apart (equal TR39 skeletons after
NFKC: composed/decomposed accents, fullwidth forms, Cyrillic for Latin,
``rn`` for ``m``), or one with white space at an end. Step ids, scenario
names and saved preset names.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from orchestrator_gui import ExperimentError, load_experiment
from orchestrator_gui.cli import main
from orchestrator_gui.core.lookalike import skeleton, spell
from orchestrator_gui.core.suite_import import load_scenarios
from orchestrator_gui.store import Store

NFC = "caf\u00e9"
NFD = unicodedata.normalize("NFD", NFC)
EXAMPLES = [  # (first id, lookalike, how the lookalike is spelled in the message)
    (NFC, NFD, "'cafe\\u0301'"),
    ("a", "a ", "'a\\u0020'"),
    ("s1", "\uff53\uff11", "'\\uff53\\uff11'"),
]


def doc(*ids: str) -> dict[str, Any]:
    return {"id": "exp", "name": "Exp",
            "steps": [{"id": i, "type": "input", "name": f"Step {n}"} for n, i in enumerate(ids)]}


def problems(*ids: str) -> list[str]:
    with pytest.raises(ExperimentError) as info:
        load_experiment(doc(*ids))
    return info.value.problems


@pytest.mark.parametrize(("first", "second", "spelled"), EXAMPLES)
def test_the_examples_are_refused_with_both_spellings(first: str, second: str, spelled: str) -> None:
    found = [p for p in problems(first, second) if "looks like" in p]
    assert len(found) == 1
    assert f"id: {spelled} looks like {spell(first)}, used by steps[0]" in found[0]
    assert spell(first) != spelled  # the two spellings differ where the eye cannot tell


def test_white_space_at_either_end_of_an_id_is_refused_on_its_own() -> None:
    for bad in ("a ", " a", "a\u00a0", "\u3000a"):
        [problem] = problems(bad)
        assert problem.endswith(f"id: must not start or end with white space ({spell(bad)})")


@pytest.mark.parametrize(("first", "second", "spelled"), EXAMPLES)
def test_cli_validate_and_run_exit_2_showing_both(
    first: str, second: str, spelled: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "exp.json"
    path.write_text(json.dumps(doc(first, second), ensure_ascii=False), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert f"{spelled} looks like {spell(first)}" in capsys.readouterr().err
    assert main(["run", str(path), "--input", "{}"]) == 2
    err = capsys.readouterr().err
    assert f"{spelled} looks like {spell(first)}" in err and "Traceback" not in err


def test_distinct_ids_still_load_and_an_exact_duplicate_keeps_its_message() -> None:
    assert [s.id for s in load_experiment(doc("a", "b", "a-b", "a_b", "Step", "step")).steps] == [
        "a", "b", "a-b", "a_b", "Step", "step"]
    assert "steps[1] (a): id: 'a' is already used by steps[0]" in problems("a", "a")


def test_scenario_names_and_preset_names_are_compared_the_same_way(tmp_path: Path) -> None:
    suite = {"scenarios": [{"name": NFC}, {"name": NFD}]}
    with pytest.raises(ExperimentError, match=r"scenarios\[1\]: the name 'cafe\\u0301' looks like"):
        load_experiment({**doc("a"), "suite": suite})
    jsonl = tmp_path / "cases.jsonl"
    jsonl.write_text('{"name": "s1"}\n{"name": "\uff53\uff11"}\n', encoding="utf-8")
    with pytest.raises(ExperimentError, match=r"line 2: the name '\\uff53\\uff11' looks like 's1'"):
        load_scenarios(jsonl)
    with Store.open(tmp_path / "db.sqlite") as store:
        store.save_preset("Big customer", {"x": 1})
        with pytest.raises(ValueError, match="looks like 'Big customer'"):
            store.save_preset("Bіg customer", {"x": 2})  # Cyrillic і
        store.save_preset("Big customer", {"x": 3})  # the same name replaces it


# --- the class, by property ------------------------------------------------------------

# Letters with well-known lookalikes, so that drawn pairs often collide.
_ALPHABET = "aаеeoо0OlI1|rnm-_sｓ1１éè" + "\u0301\u0300" + "xyz"


def _id(draw: st.DrawFn) -> str:
    text = draw(st.text(st.sampled_from(_ALPHABET), min_size=1, max_size=8))
    assume(text == text.strip() and unicodedata.category(text[0]) != "Mn")
    return text


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_two_ids_with_equal_skeletons_are_refused_else_accepted(data: st.DataObject) -> None:
    first, second = _id(data.draw), _id(data.draw)
    assume(first != second)
    if skeleton(first) == skeleton(second):
        found = " ".join(problems(first, second))
        assert f"{spell(second)} looks like {spell(first)}" in found
    else:
        assert len(load_experiment(doc(first, second)).steps) == 2


# Characters that normalisation changes (accented letters, ligatures, fullwidth, ...).
_CHANGED_BY_NORMALISATION = [
    chr(code) for code in range(0xA0, 0x30000)
    if unicodedata.category(chr(code)) not in ("Cs", "Cc", "Cf", "Cn", "Co", "Zs", "Mn", "Me")
    and unicodedata.normalize("NFKD", chr(code)) != chr(code)
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_CHANGED_BY_NORMALISATION) | st.sampled_from("ab1-"),
                min_size=1, max_size=6).map("".join),
       st.sampled_from(["NFD", "NFC", "NFKC", "NFKD"]))
def test_any_id_and_its_normal_form_are_refused_as_lookalikes(name: str, form: str) -> None:
    twin = unicodedata.normalize(form, name)
    assume(twin != name and twin == twin.strip() and twin.isprintable() and len(twin) <= 64)
    assume(name == name.strip() and name.isprintable())
    found = " ".join(problems(name, twin))
    assert f"{spell(twin)} looks like {spell(name)}" in found
