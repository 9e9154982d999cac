"""Prompt templates and reading JSON out of model answers."""

from __future__ import annotations

import pytest

from orchestrator_gui.core.errors import MissingField
from orchestrator_gui.core.llm.answers import parse_decision, parse_json_answer
from orchestrator_gui.core.llm.endpoints import chat_url
from orchestrator_gui.core.llm.templates import render, variables

PAYLOAD = {"riskScore": 0.9, "user": {"contact": {"email": "a@b.eu"}}, "items": [{"id": 7}],
           "flag": True, "none": None, "a.b": "literal", "tags": ["x", "y"]}


@pytest.mark.parametrize(("template", "text"), [
    ("{{riskScore}}", "0.9"),
    ("mail {{ user.contact.email }}!", "mail a@b.eu!"),
    ("{{items.0.id}}/{{items[0].id}}", "7/7"),
    ("{{flag}} {{none}} {{tags}}", 'true null ["x","y"]'),
    ("{{a.b}}", "literal"),
    ("{{user.contact}}", '{"email":"a@b.eu"}'),
    ("no variables { here }", "no variables { here }"),
])
def test_render(template: str, text: str) -> None:
    assert render(template, PAYLOAD, where="config.prompt") == text


def test_the_whole_input() -> None:
    assert render("{{.}}", {"x": 1}, where="p") == '{"x":1}'


def test_missing_variables_are_named_once_each() -> None:
    with pytest.raises(MissingField) as caught:
        render("{{user.phone}} {{nope}} {{nope}}", PAYLOAD, where="config.prompt")
    message = str(caught.value)
    assert message.startswith("config.prompt: {{user.phone}}, {{nope}} not in the step's input")
    assert "top-level fields: a.b, flag, items, none, riskScore, tags, user" in message


def test_bad_variables_are_found_before_running() -> None:
    assert variables("{{a}} and {{ b.c }} and {{.}}") == ["a", "b.c", "."]
    with pytest.raises(ValueError, match="empty segment"):
        variables("{{a..b}}")


@pytest.mark.parametrize("text", [
    '{"a": 1}', '```json\n{"a": 1}\n```', '```\n{"a": 1}\n```', 'Here you go: {"a": 1} Cheers.',
])
def test_json_answers_in_the_shapes_models_give_them(text: str) -> None:
    assert parse_json_answer(text) == {"a": 1}


def test_not_json() -> None:
    with pytest.raises(ValueError, match="the answer is not valid JSON"):
        parse_json_answer("no")
    with pytest.raises(ValueError, match="the answer is empty"):
        parse_json_answer("  ")


def test_decisions() -> None:
    assert parse_decision('{"outcome": "Above", "confidence": 1, "reasoning": " ok "}') == (
        "above", 1.0, "ok")
    with pytest.raises(ValueError, match='"confidence" is True'):
        parse_decision('{"outcome": "below", "confidence": true, "reasoning": "x"}')
    with pytest.raises(ValueError, match='"reasoning" is missing'):
        parse_decision('{"outcome": "below", "confidence": 0.5}')
    with pytest.raises(ValueError, match="is a list, not a JSON object"):
        parse_decision("[1]")


def test_chat_url() -> None:
    assert chat_url("http://h:11434/v1/") == "http://h:11434/v1/chat/completions"
    assert chat_url("http://h/v1/chat/completions") == "http://h/v1/chat/completions"
