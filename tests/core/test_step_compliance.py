"""``compliance_check`` through the real engine: findings, paths, patterns, and the four actions."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator_gui import ExperimentError, RunResult, load_experiment, run_experiment


def step(step_id: str, step_type: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": step_id, "type": step_type, "name": step_id.title(), "config": config or {}}


def experiment(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"id": "compliance-test", "name": "Compliance test", "steps": list(steps)}


async def check(config: dict[str, Any], data: dict[str, Any]) -> RunResult:
    return await run_experiment(
        experiment(step("input-1", "input"), step("gdpr-1", "compliance_check", config),
                   step("after", "input")),
        data,
    )


def compliance(result: RunResult) -> dict[str, Any]:
    assert result.status == "success", result.steps[1].error
    out: dict[str, Any] = result.output["compliance"]
    return out


def found(result: RunResult) -> list[tuple[str, str, str]]:
    return [(f["path"], f["field"], f["reason"]) for f in compliance(result)["findings"]]


def cleaned(result: RunResult) -> dict[str, Any]:
    """The output without the ``compliance`` report: what the step did to the data."""
    out = dict(result.output)
    del out["compliance"]
    return out


# --- presets through a small pipeline ---------------------------------------------

async def test_presets_through_input_ai_and_compliance() -> None:
    doc = experiment(
        step("input-1", "input"),
        step("ai-1", "ai_decision", {"threshold": 0.7}),
        step("gdpr-1", "compliance_check", {"action": "mask"}),
    )
    happy = await run_experiment(doc, {"riskScore": 0.2, "email": None}, scenario="Happy Path")
    assert happy.output["compliance"] == {
        "standard": "GDPR", "passed": True, "findings": [], "action": "mask"}
    assert happy.output["email"] is None
    assert happy.output["decision"]["outcome"] == "below"

    high = await run_experiment(doc, {"riskScore": 0.9, "email": "user@example.com"})
    assert high.output["compliance"] == {
        "standard": "GDPR", "passed": False, "action": "mask",
        "findings": [{"path": "email", "field": "email", "reason": "sensitive_field"}]}
    assert high.output["email"] == "u***@example.com"
    assert high.output["decision"]["outcome"] == "above"

    gdpr = await run_experiment(doc, {"riskScore": 0.5, "email": "person@eu.com"})
    assert gdpr.output["email"] == "p*****@eu.com"
    assert gdpr.output["riskScore"] == 0.5
    assert gdpr.steps[2].input["email"] == "person@eu.com"  # the recorded input is untouched
    assert [s.status for s in gdpr.steps] == ["success"] * 3


async def test_flag_is_the_default_and_leaves_the_data_alone() -> None:
    data = {"riskScore": 0.5, "email": "person@eu.com"}
    result = await check({}, data)
    assert cleaned(result) == data
    assert compliance(result) == {
        "standard": "GDPR", "passed": False, "action": "flag",
        "findings": [{"path": "email", "field": "email", "reason": "sensitive_field"}]}
    assert any("1 finding(s) at email" in line["message"] for line in result.steps[1].logs)
    assert not any("person" in line["message"] for line in result.steps[1].logs)


async def test_standard_is_free_text() -> None:
    assert compliance(await check({"standard": "SOC2"}, {"ok": 1}))["standard"] == "SOC2"


# --- where findings are ---------------------------------------------------------

NESTED = {
    "user": {"name": "Ann", "contact": {"email": "ann@corp.example", "city": "Lyon"}},
    "items": [{"sku": "A-1", "phone": "+1 555 123 4567"}, {"sku": "B-2"}],
    "UserID": "u-8812",
    "note": "ping me",
}


async def test_nested_and_indexed_paths_in_document_order() -> None:
    assert found(await check({}, NESTED)) == [
        ("user.contact.email", "email", "sensitive_field"),
        ("items.0.phone", "phone", "sensitive_field"),
        ("UserID", "UserID", "sensitive_field"),
    ]


async def test_keys_match_whole_and_case_insensitively() -> None:
    data = {"EMAIL": "x", "Phone": 5, "emailVerified": True, "user_id": "u1", "my_email": "n/a"}
    assert found(await check({}, data)) == [
        ("EMAIL", "EMAIL", "sensitive_field"),
        ("Phone", "Phone", "sensitive_field"),
    ]


async def test_a_given_sensitive_list_replaces_the_default() -> None:
    data = {"ssn": "123-45-6789", "userId": "u-1", "email": "a@b.example"}
    result = await check({"sensitiveFields": ["SSN"]}, data)
    # userId is no longer sensitive; the e-mail is still found, by its pattern
    assert found(result) == [("ssn", "ssn", "sensitive_field"),
                             ("email", "email", "pattern:email")]
    assert found(await check({"sensitiveFields": ["ssn"], "detectPatterns": False}, data)) == [
        ("ssn", "ssn", "sensitive_field")]


@pytest.mark.parametrize("empty", [None, "", [], {}])
async def test_null_or_empty_is_not_a_finding(empty: Any) -> None:
    result = await check({"action": "block"}, {"email": empty, "user": {"phone": empty}})
    assert compliance(result)["passed"] is True
    assert result.output["email"] == empty


@pytest.mark.parametrize("value", [0, False, " ", [None]])
async def test_zero_false_and_blank_are_values(value: Any) -> None:
    assert found(await check({}, {"userId": value})) == [("userId", "userId", "sensitive_field")]


async def test_a_sensitive_key_holding_an_object_or_list_is_one_finding() -> None:
    data = {"email": {"work": "a@w.example", "home": "a@h.example"},
            "phone": ["+33 1 23 45 67 89", "+33 6 12 34 56 78"]}
    assert found(await check({}, data)) == [
        ("email", "email", "sensitive_field"),
        ("phone", "phone", "sensitive_field"),
    ]


async def test_one_finding_per_path_sensitive_key_wins_over_pattern() -> None:
    data = {"email": "person@eu.com", "phone": "+44 20 7946 0958", "other": "person@eu.com"}
    assert found(await check({}, data)) == [
        ("email", "email", "sensitive_field"),
        ("phone", "phone", "sensitive_field"),
        ("other", "other", "pattern:email"),
    ]


async def test_patterns_anywhere_including_free_text_and_lists() -> None:
    data = {
        "comment": "Please call me at +44 20 7946 0958 after 5pm",
        "meta": {"history": ["created", "forwarded to ops@corp.example by bot"]},
        "tickets": [{"body": "Reach me: (555) 123-4567."}],
        "count": 5551234567,  # a JSON number is not text: not searched
    }
    assert found(await check({}, data)) == [
        ("comment", "comment", "pattern:phone"),
        ("meta.history.1", "history", "pattern:email"),
        ("tickets.0.body", "body", "pattern:phone"),
    ]


async def test_detect_patterns_false_reports_only_sensitive_keys() -> None:
    data = {"comment": "mail person@eu.com", "phone": "x"}
    assert found(await check({"detectPatterns": False}, data)) == [("phone", "phone",
                                                                     "sensitive_field")]


@pytest.mark.parametrize(
    "text",
    [
        "+44 20 7946 0958", "555-123-4567", "(555) 123-4567", "555.123.4567", "5551234",
        "+123456789012345", "tel: 0612345678", "1500000 users",
    ],
)
async def test_these_are_phone_numbers(text: str) -> None:
    assert found(await check({}, {"t": text})) == [("t", "t", "pattern:phone")]


@pytest.mark.parametrize(
    "text",
    [
        "555123",                   # 6 digits
        "1234567890123456",         # 16 digits: a card or an id, not a phone
        "due 2024-01-15",           # dates
        "2024-01-15 10:30",
        "15.01.2024 09",
        "2024-01-15T10:30:00.123Z",
        "INV-2024-000123",          # ids glued to a prefix
        "/items/12345678",
        "order #12345678",
        "?id=12345678&x=1",
        "ab1234567",
        "1234567th",
        "1234.5678",                # a decimal
        "12  345    678",           # too many separators between digits: three short numbers
    ],
)
async def test_these_are_not_phone_numbers(text: str) -> None:
    assert found(await check({}, {"t": text})) == []


async def test_digits_inside_an_email_are_one_email_not_a_phone() -> None:
    result = await check({"action": "mask"}, {"t": "write to john.5551234567@corp.example now"})
    assert found(result) == [("t", "t", "pattern:email")]
    assert result.output["t"] == "write to j" + "*" * 14 + "@corp.example now"


async def test_a_phone_after_a_date_is_still_found() -> None:
    assert found(await check({}, {"t": "2024-01-15 +44 20 7946 0958"})) == [
        ("t", "t", "pattern:phone")]


async def test_the_first_match_in_a_string_names_the_reason() -> None:
    result = await check({}, {"a": "555-123-4567 or a@b.example", "b": "a@b.example or 5551234"})
    assert found(result) == [("a", "a", "pattern:phone"), ("b", "b", "pattern:email")]


# --- mask ------------------------------------------------------------------------

async def test_mask_in_free_text_masks_only_the_matches() -> None:
    data = {"note": "Contact person@eu.com or +44 20 7946 0958, thanks!",
            "users": [{"bio": "Reach me at anna.k@mail.example."}]}
    result = await check({"action": "mask"}, data)
    assert result.output["note"] == "Contact p*****@eu.com or +***************, thanks!"
    assert result.output["users"] == [{"bio": "Reach me at a*****@mail.example."}]
    assert compliance(result)["passed"] is False


async def test_mask_sensitive_values_of_every_kind() -> None:
    data = {"email": "person@eu.com", "phone": "+1 555 123 4567", "userId": "u-12345",
            "user": {"userId": 12345, "email": {"a": "x@y.example"}, "phone": True},
            "EMAIL": "not-an-address", "keep": "hello"}
    result = await check({"action": "mask"}, data)
    assert cleaned(result) == {
        "email": "p*****@eu.com",
        "phone": "+**************",
        "userId": "u******",
        "user": {"userId": "***", "email": "***", "phone": "***"},
        "EMAIL": "n*************",
        "keep": "hello",
    }
    assert len(compliance(result)["findings"]) == 7


async def test_masked_output_passes_a_second_check() -> None:
    doc = experiment(
        step("mask", "compliance_check", {"action": "mask", "sensitiveFields": []}),
        step("again", "compliance_check", {"action": "block", "sensitiveFields": []}),
    )
    data = {"t": "mail person@eu.com or call +44 20 7946 0958"}
    result = await run_experiment(doc, data)
    assert result.status == "success"
    assert result.output["compliance"]["passed"] is True


# --- redact ----------------------------------------------------------------------

async def test_redact_removes_keys_and_list_elements() -> None:
    data = {
        "email": "person@eu.com",
        "name": "Ann",
        "contacts": ["a@b.example", "nobody", "+1 555 123 4567", "someone"],
        "items": [{"sku": "A", "phone": "+1 555 000 1111"}, {"sku": "B", "phone": None}],
        "notes": "call 555-123-4567",
    }
    result = await check({"action": "redact"}, data)
    assert cleaned(result) == {
        "name": "Ann",
        "contacts": ["nobody", "someone"],
        "items": [{"sku": "A"}, {"sku": "B", "phone": None}],
    }
    # paths name the places as they were in the input
    assert found(result) == [
        ("email", "email", "sensitive_field"),
        ("contacts.0", "contacts", "pattern:email"),
        ("contacts.2", "contacts", "pattern:phone"),
        ("items.0.phone", "phone", "sensitive_field"),
        ("notes", "notes", "pattern:phone"),
    ]
    assert compliance(result)["passed"] is False
    assert result.steps[1].input == data


# --- block -----------------------------------------------------------------------

async def test_block_fails_the_step_listing_the_paths() -> None:
    data = {"riskScore": 0.5, "email": "person@eu.com",
            "items": [{"phone": "+1 555 123 4567"}], "note": "x@y.example"}
    result = await check({"action": "block"}, data)
    assert result.status == "error"
    gate = result.steps[1]
    assert gate.status == "error" and gate.output is None
    assert gate.error is not None and gate.error["type"] == "ComplianceViolation"
    assert "GDPR check blocked the run" in gate.error["message"]
    assert "email, items.0.phone, note" in gate.error["message"]
    assert "person" not in gate.error["message"]  # paths, never the values
    assert result.steps[2].status == "skipped"
    assert result.output is None
    assert result.to_record()["steps"][1]["error"]["type"] == "ComplianceViolation"


async def test_block_with_nothing_found_passes() -> None:
    result = await check({"action": "block"}, {"riskScore": 0.2, "email": None})
    assert compliance(result) == {"standard": "GDPR", "passed": True, "findings": [],
                                  "action": "block"}
    assert result.steps[2].status == "success"


async def test_block_message_caps_a_long_list_of_paths() -> None:
    data = {"people": [{"email": f"p{i}@x.example"} for i in range(80)]}
    result = await check({"action": "block"}, data)
    error = result.steps[1].error
    assert error is not None
    assert "people.49.email and 30 more" in error["message"]
    assert "people.50.email" not in error["message"]


# --- big and hostile strings --------------------------------------------------------

async def test_huge_hostile_strings_are_scanned_in_linear_time() -> None:
    # Inputs that make naive e-mail/phone patterns backtrack quadratically or worse;
    # with a linear scan this run takes well under a second (the pytest timeout guards it).
    n = 400_000
    data = {
        "local": "a" * n + " end",
        "dots": "a." * (n // 2),
        "ats": "a@" * (n // 2),
        "domain": "x@" + "a." * (n // 2),
        "digits": "1" * n,
        "spaced": "1 " * (n // 2),
        "seps": "1    " * (n // 5),
        "tail": "z" * n + " person@eu.com",
    }
    result = await check({}, data)
    assert found(result) == [("tail", "tail", "pattern:email")]


# --- document errors ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ({"action": "delete"}, "config.action: must be one of"),
        ({"sensitiveFields": "email"}, "config.sensitiveFields: must be a list, not text"),
        ({"sensitiveFields": ["email", ""]}, "config.sensitiveFields: field names must not be empty"),
        ({"detectPatterns": "yes"}, "config.detectPatterns: must be true or false, not text"),
        ({"standard": ""}, "config.standard: must not be empty"),
        ({"sensitivefields": []}, "config.sensitivefields: unknown key (did you mean"),
    ],
)
def test_bad_config_is_a_document_error_at_its_place(config: dict[str, Any], problem: str) -> None:
    doc = experiment(step("input-1", "input"), step("gdpr-1", "compliance_check", config))
    with pytest.raises(ExperimentError) as info:
        load_experiment(doc)
    (only,) = info.value.problems
    assert only.startswith("steps[1] (gdpr-1): ")
    assert problem in only
