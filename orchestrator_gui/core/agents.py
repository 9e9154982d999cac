"""The agent types behind ``ai_decision``'s ``agentType``: a small name -> decider registry.

Why it exists: the ``ai_decision`` step owns everything every decider shares
(finding the score, labels, the output shape, validating what comes back),
while *how* the decision is made is pluggable. The built-in ``core-ai`` is
deterministic (score against threshold); other agents, for example an LLM
behind an OpenAI-compatible endpoint, register here under their own name and
are then accepted in documents as ``"agentType": "<name>"``.

An agent is an ``async`` function taking one :class:`AgentRequest` (score,
threshold, the field the score came from, the step's input payload, the
step's validated config and its ``StepContext``) and returning an
:class:`AgentDecision` (outcome ``"above"`` or ``"below"``, a confidence in
0..1, a human reason). The step adds ``label``, ``score``, ``threshold`` and
``agentType`` itself. Raising a ``StepError`` (or anything) fails the step with
that error. Register with :func:`register_agent`, typically from the same
callable a plugin advertises under the ``orchestrator_gui.steps`` entry point,
so that the agent exists before documents naming it are loaded: an unknown
``agentType`` is a document error.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from orchestrator_gui.core.errors import RegistryError

if TYPE_CHECKING:
    from orchestrator_gui.core.context import StepContext

Outcome = Literal["above", "below"]
OUTCOMES: tuple[str, ...] = ("above", "below")
CORE_AI = "core-ai"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class AgentRequest:
    """What a decider is given; fields may be added later: ignore what you don't use."""

    score: float
    threshold: float
    field: str
    payload: dict[str, Any]
    config: Any
    ctx: StepContext


@dataclass(frozen=True)
class AgentDecision:
    """What a decider returns; ``ai_decision`` checks it before it is recorded."""

    outcome: Outcome
    confidence: float
    reason: str


Decide = Callable[[AgentRequest], Awaitable[AgentDecision]]


@dataclass(frozen=True)
class Agent:
    """One registered agent type: its name, decider and a line for the property editor."""

    name: str
    decide: Decide
    description: str = ""


class AgentRegistry:
    """Agent types by name; duplicate names are refused, like step types."""

    def __init__(self) -> None:
        self._agents: dict[str, Agent] = {}
        self._lock = threading.Lock()

    def register(self, name: str, decide: Decide, *, description: str = "") -> Agent:
        if not _NAME.match(name):
            raise RegistryError(
                f"agent type name {name!r} must be 1-64 letters, digits, '.', '_' or '-'"
            )
        if not callable(decide):
            raise RegistryError(f"agent type {name!r}: decide is not callable")
        agent = Agent(name=name, decide=decide, description=description)
        with self._lock:
            if name in self._agents:
                raise RegistryError(f"an agent type named {name!r} is already registered")
            self._agents[name] = agent
        return agent

    def unregister(self, name: str) -> None:
        if name == CORE_AI:
            raise RegistryError(f"the built-in agent type {CORE_AI!r} cannot be removed")
        with self._lock:
            self._agents.pop(name, None)

    def get(self, name: str) -> Agent:
        try:
            return self._agents[name]
        except KeyError:
            raise KeyError(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._agents

    def __iter__(self) -> Iterator[Agent]:
        return iter(list(self._agents.values()))

    def names(self) -> list[str]:
        return sorted(self._agents)


def confidence_of(score: float, threshold: float) -> float:
    """|score - threshold| / max(threshold, 1 - threshold), capped at 1 (docs/decision-and-compliance.md)."""
    return min(1.0, abs(score - threshold) / max(threshold, 1.0 - threshold))


def format_pair(a: float, b: float) -> tuple[str, str]:
    """Two numbers with 2 decimals, more when 2 would make different numbers look equal."""
    for digits in range(2, 10):
        left, right = f"{a:.{digits}f}", f"{b:.{digits}f}"
        if left != right or a == b:
            return left, right
    return repr(a), repr(b)


async def core_ai(request: AgentRequest) -> AgentDecision:
    """The built-in deterministic decider: ``above`` when score >= threshold."""
    score, threshold = request.score, request.threshold
    outcome: Outcome = "above" if score >= threshold else "below"
    shown_score, shown_threshold = format_pair(score, threshold)
    sign = ">=" if outcome == "above" else "<"
    return AgentDecision(
        outcome=outcome,
        confidence=confidence_of(score, threshold),
        reason=f"{request.field} {shown_score} {sign} threshold {shown_threshold}",
    )


_agents = AgentRegistry()
_agents.register(
    CORE_AI, core_ai, description="Built-in, deterministic: 'above' when score >= threshold."
)


def default_agents() -> AgentRegistry:
    """The process-wide agent registry (``core-ai`` always in it)."""
    return _agents


def register_agent(name: str, decide: Decide, *, description: str = "") -> Agent:
    """Register an agent type in the process-wide registry and return it."""
    return _agents.register(name, decide, description=description)
