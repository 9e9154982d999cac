"""The ``llm`` agent type: ``ai_decision`` decided by a language model.

Why it exists: ``ai_decision`` owns the score, labels and the ``decision``
shape; this agent only asks a model. The system message says what is being
decided (the score field, its value and the threshold) and the answer
contract (answers.DECISION_CONTRACT); the user message is the step's
``prompt`` template rendered over the input (default: the whole input).
The model's ``reasoning`` becomes ``decision.reason``. Token counts and
latency are added to the input's ``llm`` figures (ask.add_usage), which the
step's output carries on. An answer that is not the agreed JSON is asked
for once more, then fails the step with both raw answers in its log.
"""

from __future__ import annotations

from typing import Any, cast

from orchestrator_gui.core.agents import AgentDecision, AgentRequest, Outcome, register_agent
from orchestrator_gui.core.llm.answers import DECISION_CONTRACT, parse_decision
from orchestrator_gui.core.llm.ask import add_usage, ask_parsed
from orchestrator_gui.core.llm.templates import render

LLM = "llm"
DEFAULT_SYSTEM = "You are a careful analyst deciding cases for an automated pipeline."
DEFAULT_PROMPT = "Decide on this case. Its data:\n{{.}}"


def decision_messages(config: Any, request: AgentRequest) -> list[dict[str, str]]:
    """The system and user messages for one decision."""
    facts = (f"Decide whether the case is \"above\" or \"below\" the threshold {request.threshold}; "
             f"its score ({request.field}) is {request.score}.")
    system = "\n\n".join([config.system or DEFAULT_SYSTEM, facts, DECISION_CONTRACT])
    prompt = render(config.prompt or DEFAULT_PROMPT, request.payload, where="config.prompt",
                    max_bytes=request.ctx.max_payload_bytes, step_id=request.ctx.step.id)
    return [{"role": "system", "content": system}, {"role": "user", "content": prompt}]


async def llm_agent(request: AgentRequest) -> AgentDecision:
    config, ctx = request.config, request.ctx
    # The config model guarantees an endpoint for agentType "llm".
    endpoint: str = config.endpoint
    (outcome, confidence, reasoning), answers = await ask_parsed(
        ctx, endpoint, decision_messages(config, request), parse_decision, DECISION_CONTRACT,
    )
    add_usage(request.payload, ctx.step.id, answers)
    return AgentDecision(outcome=cast(Outcome, outcome), confidence=confidence, reason=reasoning)


register_agent(
    LLM, llm_agent,
    description="A language model behind an OpenAI-compatible endpoint (config.endpoint) "
                "decides, given config.prompt; it answers with outcome, confidence and reasoning.",
)
