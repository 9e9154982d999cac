"""``prompt``: ask a language model, add its answer to the data, so that prompts chain.

Why it exists: "AI prompt chains" are one of the product's uses. The step
renders ``prompt`` (core/llm/templates.py: ``{{riskScore}}``,
``{{user.contact.email}}``, ``{{.}}`` for the whole input) over its input,
sends it with the optional ``system`` prompt to the endpoint named by
``endpoint`` (the app's settings), and adds the answer under ``outputKey``
(a dotted key builds nested objects): the text, or with ``responseFormat:
"json"`` the parsed JSON value (an unreadable answer is asked for once more,
then fails the step with the raw answers in its log). A later prompt can
quote it: ``{{completion}}``. Token counts and latency are added to
``llm`` (core/llm/ask.py: add_usage), where ``metrics`` can pick them up
with ``fields: ["llm.promptTokens", "llm.completionTokens", "llm.latencyMs"]``.
Dry runs call the model too: a model call reads, it changes nothing elsewhere.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from orchestrator_gui.core.context import StepContext
from orchestrator_gui.core.document import Step
from orchestrator_gui.core.llm.answers import JSON_ONLY, parse_json_answer
from orchestrator_gui.core.llm.ask import add_usage, ask, ask_parsed
from orchestrator_gui.core.llm.templates import check_template, render
from orchestrator_gui.core.paths import check_path, set_path
from orchestrator_gui.core.registry import StepConfig, StepType


class PromptConfig(StepConfig):
    """Config of ``prompt``."""

    endpoint: str = Field(min_length=1, description="The name of an endpoint in the app's settings.")
    prompt: str = Field(min_length=1, description="What to ask; {{field}} inserts from the input.")
    system: str | None = Field(default=None, description="An optional system prompt.")
    output_key: str = Field(
        default="completion", title="Output key",
        description="Where the answer goes in the output (a dotted key nests it).",
    )
    response_format: Literal["text", "json"] = Field(
        default="text", title="Response format",
        description="'text' keeps the answer as text; 'json' parses it (asked for JSON).",
    )
    temperature: float | None = Field(default=None, ge=0, le=2,
                                      description="Sampling temperature; unset: the server's.")
    max_tokens: int | None = Field(default=None, gt=0, title="Max tokens",
                                   description="Longest answer in tokens; unset: the server's.")

    @field_validator("prompt", "system")
    @classmethod
    def _valid_template(cls, value: str | None) -> str | None:
        return None if value is None else check_template(value)

    @field_validator("output_key")
    @classmethod
    def _valid_key(cls, value: str) -> str:
        return check_path(value)


async def handle_prompt(step: Step, ctx: StepContext) -> dict[str, Any]:
    config: PromptConfig = ctx.config
    data = ctx.input
    messages = []
    limit, step_id = ctx.max_payload_bytes, step.id
    system = None if config.system is None else render(
        config.system, data, where="config.system", max_bytes=limit, step_id=step_id)
    if config.response_format == "json":
        system = JSON_ONLY if system is None else f"{system}\n\n{JSON_ONLY}"
    if system is not None:
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": render(
        config.prompt, data, where="config.prompt", max_bytes=limit, step_id=step_id)})
    options = {"temperature": config.temperature, "max_tokens": config.max_tokens}
    if config.response_format == "json":
        value, answers = await ask_parsed(ctx, config.endpoint, messages, parse_json_answer,
                                          JSON_ONLY, options)
    else:
        answer = await ask(ctx, config.endpoint, messages, options)
        value, answers = answer["content"], [answer]
    try:
        set_path(data, config.output_key, value)
    except ValueError as exc:
        raise ValueError(f"config.outputKey: {exc}") from None
    add_usage(data, step.id, answers)
    return data


STEP_TYPE = StepType(
    name="prompt",
    handler=handle_prompt,
    config_model=PromptConfig,
    title="Prompt",
    description="Asks a language model (an OpenAI-compatible endpoint) and adds its answer.",
    category="AI",
    color="#a855f7",
    icon="ai",
    builtin=True,
    contacts_network=True,
)
