"""Rendering a template or resolving a header never builds more than the payload limit
(docs/hardening.md, "Templates and references")."""

from __future__ import annotations

import json
import re
import tracemalloc
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.bounded_text import utf8_size
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.engine import Engine, Limits, run_experiment
from orchestrator_gui.core.errors import MissingField, PayloadTooLarge
from orchestrator_gui.core.llm.templates import as_text, check_template, render
from orchestrator_gui.core.paths import MISSING, get_field
from orchestrator_gui.core.registry import StepRegistry
from orchestrator_gui.core.steps import webhook
from tests.fake_openai import endpoint_settings, fake_openai
from tests.httpserver import ScriptedServer, http_server

__all__ = ["fake_openai", "http_server"]

LIMIT = jsonio.DEFAULT_MAX_BYTES
OLD_VARIABLE = re.compile(r"\{\{\s*(.*?)\s*\}\}")


def amplifying_document(repeats: int, input_bytes: int) -> dict[str, Any]:
    """A prompt that quotes its whole input ``repeats`` times, after an input step."""
    return {"id": "amp", "name": "Amplifier", "steps": [
        {"id": "data", "type": "input", "name": "Data",
         "config": {"defaultValue": {"blob": "x" * input_bytes}}},
        {"id": "ask", "type": "prompt", "name": "Ask",
         "config": {"endpoint": "local", "prompt": "{{.}}" * repeats}}]}


# --- the example: {{.}} over a 100 KB input, 40,000 times (4 GB before) -------------

async def test_a_prompt_that_would_quote_its_input_40000_times_fails_at_the_limit(
        fake_openai: ScriptedServer) -> None:
    document = amplifying_document(40_000, 100 * 1024)
    assert len(json.dumps(document)) < 310 * 1024  # a 300 KB file
    result = await run_experiment(document, {}, engine=Engine(settings=endpoint_settings(
        fake_openai)))
    assert result.status == "error"
    error = result.steps[1].error
    assert error is not None and error["type"] == "PayloadTooLarge"
    assert error["message"].startswith("step 'ask': config.prompt renders to more than the "
                                       "payload limit of 10.0 MB (10485760 bytes)")
    assert fake_openai.requests == []  # nothing was sent


def test_rendering_peak_memory_stays_within_twice_the_limit() -> None:
    payload = {"blob": "x" * (100 * 1024)}
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        with pytest.raises(PayloadTooLarge):
            render("{{.}}" * 40_000, payload, where="config.prompt", max_bytes=LIMIT,
                   step_id="ask")
        text = render("{{blob}}" * 100, payload, where="config.prompt", max_bytes=LIMIT)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert len(text) == 100 * 100 * 1024
    assert peak <= 2 * LIMIT


# --- the class: any template, any payload, any limit ----------------------------------------

def old_render(template: str, payload: dict[str, Any]) -> str | None:
    """The regex-based rendering this replaced; None when a variable is missing."""
    missing = []

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        value = payload if name == "." else get_field(payload, name)
        if value is MISSING:
            missing.append(name)
            return ""
        return as_text(value)

    text = OLD_VARIABLE.sub(fill, template)
    return None if missing else text


pieces = st.sampled_from(["{{a}}", "{{ b }}", "{{.}}", "{{c.d}}", "{{", "}}", " ", "\n", "é",
                          "x", "{{missing}}", "{{\na}}"])
payloads = st.fixed_dictionaries({"a": st.text(max_size=30), "b": st.integers(-(2**63), 2**63 - 1),
                                  "c": st.fixed_dictionaries({"d": st.lists(st.booleans())})})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pieces, max_size=30).map("".join), payloads, st.integers(0, 400))
def test_rendering_is_the_old_rendering_cut_at_the_limit(
        template: str, payload: dict[str, Any], limit: int) -> None:
    try:
        check_template(template)
    except ValueError:
        assume(False)  # refused when the document is loaded: never rendered
    expected = old_render(template, payload)
    try:
        text = render(template, payload, where="p", max_bytes=limit, step_id="s")
    except MissingField:
        assert expected is None
    except PayloadTooLarge as exc:
        assert str(exc).startswith(f"step 's': p renders to more than the payload limit of "
                                   f"{jsonio.human_size(limit)}")
        # a template with a missing variable may stop at the limit before reaching it
        assert expected is None or utf8_size(expected) > limit
    else:
        assert text == expected and utf8_size(text) <= limit
        assert render(template, payload, where="p") == text


def test_a_missing_field_message_names_a_few_of_many() -> None:
    payload = {f"field{i}": i for i in range(5000)}
    template = "".join(f"{{{{absent{i}}}}}" for i in range(5000))
    with pytest.raises(MissingField) as caught:
        render(template, payload, where="config.prompt")
    message = str(caught.value)
    assert len(message) < 1000
    assert message.startswith("config.prompt: {{absent0}}, {{absent1}},")
    assert "{{absent9}} and 4990 more not in the step's input" in message
    assert "field1, field10, field100," in message and "and 4970 more" in message


# --- headers: ${...} in a webhook header -------------------------------------------------------

def webhook_document(headers: dict[str, str], url: str) -> dict[str, Any]:
    return {"id": "wh", "name": "Webhook", "steps": [
        {"id": "hook", "type": "webhook", "name": "Call",
         "config": {"url": url, "headers": headers, "retries": 0, "failOnError": False}}]}


def webhook_engine(**limits: Any) -> Engine:
    registry = StepRegistry()
    registry.register(webhook.STEP_TYPE)
    return Engine(registry=registry, limits=Limits(**limits))


@pytest.mark.timeout(60)
async def test_a_header_of_200000_reference_openings_validates_and_runs(
        http_server: ScriptedServer) -> None:
    # The old expression took minutes on this, once to validate and again to run.
    document = webhook_document({"X-Odd": "${" * 200_000}, http_server.url())
    load_experiment(document, registry=webhook_engine().registry)
    result = await run_experiment(document, {"a": 1}, engine=webhook_engine())
    assert result.steps[0].status == "success"
    assert all(len(line["message"]) < 2000 for line in result.steps[0].logs)


async def test_a_header_whose_references_pass_the_limit_fails_naming_step_and_limit(
        http_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCH_KILO", "k" * 1024)
    document = webhook_document({"X-Big": "${env:ORCH_KILO}" * 100}, http_server.url())
    result = await run_experiment(document, {"a": 1},
                                  engine=webhook_engine(max_payload_bytes=64 * 1024))
    error = result.steps[0].error
    assert error is not None and error["type"] == "PayloadTooLarge"
    assert error["message"] == (
        "step 'hook': header 'X-Big': with its references resolved, the value would pass the "
        "payload limit of 0.1 MB (65536 bytes)")
    assert http_server.requests == []
