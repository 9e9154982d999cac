"""``ai_decision``: compare a score with a threshold through a pluggable agent.

Why it is split this way: this module finds the score, applies labels, checks
what the agent returned and shapes ``decision``; *how* the outcome is decided
belongs to the agent named by ``agentType`` (``orchestrator_gui.core.agents``).

Score lookup: with ``scoreField`` unset, the first of ``DEFAULT_SCORE_FIELDS``
holding a number is used (booleans are never numbers; a field holding text or
null is passed over). With ``scoreField`` set, only that field (a dotted path
such as ``user.risk`` works too) is used: when it is missing or not a number
the step fails naming it, rather than silently deciding on another field.
A score outside 0..1 is accepted; its confidence is capped at 1.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from orchestrator_gui.core.agents import (
    CORE_AI,
    OUTCOMES,
    AgentDecision,
    AgentRequest,
    default_agents,
)
from orchestrator_gui.core.context import StepContext
from orchestrator_gui.core.document import Step
from orchestrator_gui.core.errors import MissingField, StepError
from orchestrator_gui.core.llm.agent import LLM  # registers the 'llm' agent type
from orchestrator_gui.core.llm.templates import check_template
from orchestrator_gui.core.paths import MISSING, get_path, is_number, json_kind, split_path
from orchestrator_gui.core.registry import StepConfig, StepType

DEFAULT_SCORE_FIELDS: tuple[str, ...] = (
    "risk_level", "riskScore", "risk_score", "normalized_score", "score",
)


class DecisionLabels(StepConfig):
    """Words shown for each outcome; an unset one shows the outcome itself."""

    above: str | None = Field(default=None, description="Label when score >= threshold.")
    below: str | None = Field(default=None, description="Label when score < threshold.")


class AiDecisionConfig(StepConfig):
    """Config of ``ai_decision``."""

    threshold: float = Field(
        default=0.5, ge=0, le=1, description="Scores at or above it decide 'above' (0 to 1)."
    )
    agent_type: str = Field(
        title="Agent type",
        default=CORE_AI, description="Who decides: a registered agent type ('core-ai' built in)."
    )
    score_field: str | None = Field(
        title="Score field",
        default=None,
        description="Field holding the score; unset: the first numeric one of "
        + ", ".join(DEFAULT_SCORE_FIELDS) + ".",
    )
    labels: DecisionLabels = Field(
        default_factory=DecisionLabels, description="Labels for the 'above' and 'below' outcomes."
    )
    endpoint: str | None = Field(
        default=None, validate_default=True, min_length=1,
        description="agentType 'llm': the name of an endpoint in the app's settings.",
    )
    prompt: str | None = Field(
        default=None, description="agentType 'llm': the prompt, with {{field}} from the input."
    )
    system: str | None = Field(
        default=None, description="agentType 'llm': the system prompt (the JSON contract is added)."
    )

    @field_validator("agent_type")
    @classmethod
    def _known_agent(cls, value: str) -> str:
        if value not in default_agents():
            known = ", ".join(default_agents().names())
            raise ValueError(f"unknown agent type {value!r} (known: {known})")
        return value

    @field_validator("labels", mode="before")
    @classmethod
    def _known_labels(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for key in value:
                if key not in OUTCOMES:
                    raise ValueError(
                        f"unknown label {key!r}: labels are 'above' and 'below'"
                    )
        return value

    @field_validator("endpoint")
    @classmethod
    def _llm_endpoint(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("agent_type") == LLM:
            raise ValueError("agentType 'llm' needs an endpoint: the name of one in the app's "
                             "settings (`orchestrator endpoints list`)")
        return value

    @field_validator("prompt")
    @classmethod
    def _valid_prompt(cls, value: str | None) -> str | None:
        return None if value is None else check_template(value)

    @field_validator("score_field")
    @classmethod
    def _valid_path(cls, value: str | None) -> str | None:
        if value is not None:
            split_path(value)  # raises ValueError naming the problem
        return value


def _describe(value: Any) -> str:
    return "not a finite number" if is_number(value) else json_kind(value)


def _usable(value: Any) -> bool:
    return is_number(value) and math.isfinite(value)


def find_score(payload: dict[str, Any], score_field: str | None) -> tuple[str, float]:
    """The (field, score) to decide on, or ``MissingField`` naming what was looked at."""
    if score_field is not None:
        value = get_path(payload, score_field)
        if value is MISSING:
            raise MissingField(f"score field {score_field!r} (config.scoreField) is missing")
        if not _usable(value):
            raise MissingField(
                f"score field {score_field!r} (config.scoreField) is {_describe(value)}, "
                "not a number"
            )
        return score_field, value
    for name in DEFAULT_SCORE_FIELDS:
        if _usable(payload.get(name)):
            return name, payload[name]
    seen = [f"{name} is {_describe(payload[name])}" for name in DEFAULT_SCORE_FIELDS
            if name in payload]
    found = f" ({'; '.join(seen)})" if seen else ""
    raise MissingField(
        "no numeric score field: looked for " + ", ".join(DEFAULT_SCORE_FIELDS) + found
        + "; add one to the input or set config.scoreField"
    )


def _checked(agent: str, decision: Any) -> AgentDecision:
    if not isinstance(decision, AgentDecision):
        raise StepError(f"agent type {agent!r} returned {type(decision).__name__}, "
                        "not an AgentDecision")
    if decision.outcome not in OUTCOMES:
        raise StepError(f"agent type {agent!r} returned outcome {decision.outcome!r}, "
                        "not 'above' or 'below'")
    if not _usable(decision.confidence) or not 0 <= decision.confidence <= 1:
        raise StepError(f"agent type {agent!r} returned confidence {decision.confidence!r}, "
                        "not a number from 0 to 1")
    if not isinstance(decision.reason, str):
        raise StepError(f"agent type {agent!r} returned a reason that is not text")
    return decision


async def handle_ai_decision(step: Step, ctx: StepContext) -> dict[str, Any]:
    config: AiDecisionConfig = ctx.config
    field, score = find_score(ctx.input, config.score_field)
    agent = default_agents().get(config.agent_type)
    request = AgentRequest(score=score, threshold=config.threshold, field=field,
                           payload=ctx.input, config=config, ctx=ctx)
    decision = _checked(agent.name, await agent.decide(request))
    label = getattr(config.labels, decision.outcome)
    ctx.log.info(f"{decision.outcome}: {decision.reason}")
    output = dict(ctx.input)
    output["decision"] = {
        "outcome": decision.outcome,
        "label": decision.outcome if label is None else label,
        "score": score,
        "threshold": config.threshold,
        "confidence": decision.confidence,
        "agentType": agent.name,
        "reason": decision.reason,
    }
    return output


STEP_TYPE = StepType(
    name="ai_decision",
    handler=handle_ai_decision,
    config_model=AiDecisionConfig,
    title="AI Decision",
    description="Decides 'above' or 'below' by comparing a score with a threshold via an agent.",
    category="AI",
    color="#8b5cf6",
    icon="ai",
    builtin=True,
    id_prefix="ai",
)
