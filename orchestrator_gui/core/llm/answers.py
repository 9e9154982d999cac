"""Reading JSON out of a model's answer, and the decision contract of the ``llm`` agent.

Why it exists: models asked for JSON often wrap it in a Markdown code fence
or a sentence. We accept the JSON value alone, fenced (```json ... ```), or
as the one ``{...}`` object inside some prose; anything else is not JSON.
The decision contract (what ``ai_decision`` with ``agentType: "llm"`` asks for)::

    {"outcome": "above" | "below", "confidence": 0..1, "reasoning": "one or two sentences"}
"""

from __future__ import annotations

import math
import re
from typing import Any

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.paths import is_number, json_kind

DECISION_CONTRACT = (
    'Answer with one JSON object and nothing else: {"outcome": "above" or "below", '
    '"confidence": a number from 0 to 1, "reasoning": "one or two sentences"}.'
)
JSON_ONLY = "Answer with one JSON value and nothing else: no prose, no code fence."
_FENCE = "```"
_FENCE_LANGUAGE = re.compile(r"[A-Za-z0-9_-]*")  # one class, anchored: cannot backtrack


def parse_json_answer(text: str) -> Any:
    """The JSON value in ``text``; ``ValueError`` saying why there is none."""
    body = _unfenced(text.strip())
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


def _unfenced(body: str) -> str:
    """The inside of a Markdown code fence around all of ``body`` (stripped), else ``body``.

    The answer is a stranger's text of up to 4 MB; the expression this
    replaces (``^```lang\\s*\\n?(.*?)\\n?\\s*```$``) went quadratic on long runs
    of white space. The fence is ``````` and an optional language at the
    start, ``````` at the end.
    """
    if len(body) < 2 * len(_FENCE) or not (body.startswith(_FENCE) and body.endswith(_FENCE)):
        return body
    inside_start = _FENCE_LANGUAGE.match(body, len(_FENCE)).end()  # type: ignore[union-attr]
    return body[inside_start:-len(_FENCE)].strip()


def parse_decision(text: str) -> tuple[str, float, str]:
    """``(outcome, confidence, reasoning)`` from an answer; ``ValueError`` saying what is off."""
    data = parse_json_answer(text)
    if not isinstance(data, dict):
        raise ValueError(f"the answer is {json_kind(data)}, not a JSON object")
    outcome = data.get("outcome")
    if isinstance(outcome, str):
        outcome = outcome.strip().lower()
    if outcome not in ("above", "below"):
        raise ValueError(f"\"outcome\" is {outcome!r}, not \"above\" or \"below\"")
    confidence: Any = data.get("confidence")
    if not (is_number(confidence) and math.isfinite(confidence) and 0 <= confidence <= 1):
        raise ValueError(f"\"confidence\" is {confidence!r}, not a number from 0 to 1")
    reasoning = data.get("reasoning", data.get("reason"))
    if not isinstance(reasoning, str) or not reasoning.strip():
        raise ValueError("\"reasoning\" is missing or not text")
    return outcome, float(confidence), reasoning.strip()
