"""One model call from a step: endpoint lookup, key, recording for replay, usage accounting.

Why it exists: the ``prompt`` step and the ``llm`` agent call models the same
way. Every call goes through ``ctx.external("llm", request, call)``, so the
request (the key shown as ``[redacted]``, never resolved into it) and the
answer are in the step's record and a replay answers from them without
calling out. A replay needs neither the key nor even the endpoint's settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from orchestrator_gui.core.llm.client import chat, request_body
from orchestrator_gui.core.llm.endpoints import Endpoint, find_endpoint, resolve_key
from orchestrator_gui.core.llm.errors import EndpointNotConfigured, LlmAnswerError
from orchestrator_gui.core.redact import REDACTED

if TYPE_CHECKING:
    from orchestrator_gui.core.context import StepContext

KIND = "llm"
RAW_LOG_CAP = 16 * 1024
T = TypeVar("T")


async def ask(ctx: StepContext, endpoint_name: str, messages: list[dict[str, str]],
              options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Call the model (or, in a replay, read the recorded answer); the answer as ``chat`` gives it."""
    try:
        endpoint = find_endpoint(ctx.settings, endpoint_name, where="config.endpoint")
    except EndpointNotConfigured:
        if not ctx.replaying:
            raise
        request: dict[str, Any] = {"endpoint": endpoint_name, "body": {"messages": messages}}
        answer: dict[str, Any] = await ctx.external(KIND, request, _never)
        return answer
    body = request_body(endpoint, messages, options)
    request = {"endpoint": endpoint.name, "url": endpoint.shown_url, "body": body}
    if endpoint.api_key:
        request["headers"] = {"Authorization": f"Bearer {REDACTED}"}

    async def call() -> dict[str, Any]:
        key = await resolve_key(endpoint)
        return await chat(endpoint, key, body, remaining=ctx.remaining_seconds, log=ctx.log,
                          network=ctx.settings.network)

    answer = await ctx.external(KIND, request, call)
    _log_answer(ctx, endpoint, answer)
    return answer


async def _never() -> Any:  # pragma: no cover - a replay never calls out
    raise AssertionError("a replay must not call the model")


def _log_answer(ctx: StepContext, endpoint: Endpoint, answer: dict[str, Any]) -> None:
    usage = answer.get("usage") or {}
    ctx.log.info(
        f"{answer.get('model') or endpoint.model} answered in {answer.get('latencyMs', 0):.0f} ms "
        f"({usage.get('promptTokens')} prompt + {usage.get('completionTokens')} completion tokens)"
    )


async def ask_parsed(ctx: StepContext, endpoint_name: str, messages: list[dict[str, str]],
                     parse: Callable[[str], T], expected: str,
                     options: dict[str, Any] | None = None) -> tuple[T, list[dict[str, Any]]]:
    """Ask, and parse the answer; an unreadable answer is asked for once more, then fails.

    ``expected`` says in words what the model must answer (it is sent back with
    the retry). Returns the parsed value and every answer (for usage). The raw
    answers that could not be read are in the step log.
    """
    answers: list[dict[str, Any]] = []
    conversation = list(messages)
    for attempt in (1, 2):
        answer = await ask(ctx, endpoint_name, conversation, options)
        answers.append(answer)
        content: str = answer["content"]
        try:
            return parse(content), answers
        except ValueError as exc:
            problem = str(exc)
        raw = content if len(content) <= RAW_LOG_CAP else content[:RAW_LOG_CAP] + "…"
        level = ctx.log.warning if attempt == 1 else ctx.log.error
        level(f"answer {attempt} is not the expected JSON ({problem}); raw answer: {raw!r}")
        conversation = [*messages, {"role": "assistant", "content": content},
                        {"role": "user", "content": f"That answer could not be read: {problem}. "
                                                    + expected}]
    raise LlmAnswerError(
        f"endpoint {endpoint_name!r}: the model answered twice without the expected JSON "
        f"({problem}); both raw answers are in the step log"
    )


def add_usage(payload: dict[str, Any], step_id: str, answers: list[dict[str, Any]]) -> None:
    """Add this step's calls to ``payload["llm"]``: the chain's totals plus one entry per step.

    ``llm`` = ``{"model", "calls", "promptTokens", "completionTokens", "latencyMs",
    "steps": {step id: the same figures for that step}}``; a count the server did not
    report adds nothing (and is null in the step's entry when no call reported it).
    """
    mine: dict[str, Any] = {"model": answers[-1].get("model"), "calls": len(answers),
                            "promptTokens": _sum(answers, "promptTokens"),
                            "completionTokens": _sum(answers, "completionTokens"),
                            "latencyMs": round(sum(a.get("latencyMs") or 0 for a in answers), 3)}
    before: Any = payload.get("llm")
    usable = isinstance(before, dict) and isinstance(before.get("steps"), dict)
    totals: dict[str, Any] = before if usable else {"steps": {}}
    for name in ("calls", "promptTokens", "completionTokens", "latencyMs"):
        previous = totals.get(name)
        totals[name] = (previous if isinstance(previous, int | float) else 0) + (mine[name] or 0)
    totals["latencyMs"] = round(totals["latencyMs"], 3)
    totals["model"] = mine["model"]
    totals["steps"] = {**totals["steps"], step_id: mine}
    payload["llm"] = {"model": totals["model"], **{k: v for k, v in totals.items() if k != "model"}}


def _sum(answers: list[dict[str, Any]], name: str) -> int | None:
    counts = [(a.get("usage") or {}).get(name) for a in answers]
    known = [c for c in counts if isinstance(c, int)]
    return sum(known) if known else None
