"""``compliance_check`` with ``action: "mask"``: a value reported is never passed on unchanged.

The rule (docs/decision-and-compliance.md): a masked value never equals the
original, and masked text holds no e-mail address or phone number any more.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from orchestrator_gui import run_experiment
from orchestrator_gui.core.steps._patterns import find_patterns
from orchestrator_gui.core.steps.compliance import ComplianceConfig, scan

MASK = ComplianceConfig(action="mask")


def doc() -> dict[str, Any]:
    return {"id": "mask", "name": "Mask", "steps": [
        {"id": "in", "type": "input", "name": "In"},
        {"id": "gdpr", "type": "compliance_check", "name": "GDPR",
         "config": {"action": "mask"}},
    ]}


async def test_a_one_letter_address_is_masked_through_a_run() -> None:
    result = await run_experiment(doc(), {"email": "a@b.com", "note": "write to a@b.com"})
    assert result.status == "success"
    findings = result.output["compliance"]["findings"]
    assert [f["path"] for f in findings] == ["email", "note"]
    assert result.output["email"] == "*@b.com"
    assert result.output["note"] == "write to *@b.com"


@pytest.mark.parametrize("value, masked", [
    ("a@b.com", "*@b.com"),
    ("x", "*"),
    ("*", "**"),
    ("***", "****"),
    ("a***", "****"),
    ("bob", "b**"),
    ("p.smith@eu.com", "p******@eu.com"),
    ("x@555-123-4567.com", "*@5***********.com"),  # the kept domain held a phone number
    (0, "***"),
    (False, "***"),
    ({"nested": "x"}, "***"),
    (["x"], "***"),
])
def test_sensitive_values_never_come_out_unchanged(value: Any, masked: Any) -> None:
    out, findings = scan({"email": value}, MASK)
    assert findings and out["email"] == masked and out["email"] != value


@pytest.mark.parametrize("text, masked", [
    ("mail a@b.com now", "mail *@b.com now"),
    ("call +44 20 7946 0958", "call +***************"),
    ("tel 5551234567.", "tel 5*********."),
    ("a@555-123-4567.com", "*@5***********.com"),
])
def test_patterns_in_free_text_never_come_out_unchanged(text: str, masked: str) -> None:
    out, findings = scan({"notes": text}, MASK)
    assert findings and out["notes"] == masked


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=3),
    max_leaves=8,
)
emails = st.builds(lambda local, domain: f"{local}@{domain}.com",
                   st.text(alphabet="ab1._%+-", min_size=1, max_size=4),
                   st.text(alphabet="ab5-", min_size=1, max_size=14))
phones = st.text(alphabet="0123456789 +-().", min_size=7, max_size=22)
free_text = st.lists(st.text(max_size=4) | emails | phones | st.sampled_from("*@-. _"),
                     max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(value=json_values | st.text(alphabet="*a@b.", max_size=6) | emails)
@example(value="a@b.com")
def test_any_value_under_a_sensitive_key_is_changed(value: Any) -> None:
    out, findings = scan({"email": value}, MASK)
    if not findings:  # only empty values are not findings
        assert value in (None, "", [], {})
        return
    assert out["email"] != value
    assert isinstance(out["email"], str) and find_patterns(out["email"]) == []


@settings(max_examples=300, deadline=None)
@given(text=free_text)
@example(text="a@b.com")
@example(text="a@555-123-4567.com")
def test_any_text_with_a_finding_is_changed_and_holds_no_pattern(text: str) -> None:
    out, findings = scan({"notes": [text]}, MASK)
    if not findings:
        assert out["notes"] == [text]
        return
    assert out["notes"][0] != text
    assert find_patterns(out["notes"][0]) == []
    assert len(out["notes"][0]) == len(text)  # the rest of the text is kept in place
