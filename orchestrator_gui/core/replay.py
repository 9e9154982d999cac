"""Recorded answers from the outside world, so that a run can be replayed without calling out.

Steps that talk to other systems (webhook, language models) go through
``ctx.external(kind, request, call)``. In a normal run the call is made and
``{"kind", "request", "response"}`` is appended to the step's record under
``external`` (the request as the step chose to show it: secrets redacted). In a
replay, the engine is handed the earlier run's record and each such call is
answered, in order and per step, from what was recorded, and nothing is sent.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from orchestrator_gui.core.errors import StepError


class ReplayMissing(StepError):
    """A replayed step asked for an answer the original run did not record."""


class Replay:
    """The external answers of one earlier run, handed back in the order they were recorded."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.run_id: str | None = record.get("runId")
        self._calls: dict[str, list[dict[str, Any]]] = {
            step["id"]: list(step.get("external") or []) for step in record.get("steps", [])
        }
        self._taken: defaultdict[str, int] = defaultdict(int)

    def take(self, step_id: str, kind: str) -> dict[str, Any]:
        """The next recorded call of ``kind`` for ``step_id``, or ``ReplayMissing``."""
        calls = self._calls.get(step_id, [])
        index = self._taken[step_id]
        while index < len(calls) and calls[index].get("kind") != kind:
            index += 1
        if index >= len(calls):
            raise ReplayMissing(
                f"no recorded {kind} answer for step {step_id!r} in run {self.run_id}: "
                "the original run did not make this call (the step or its input changed)"
            )
        self._taken[step_id] = index + 1
        return calls[index]
