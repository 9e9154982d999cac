"""Comparing two runs, and two versions of an experiment: "what changed?".

Works on run records (``RunResult.to_record()`` or ``Store.get_run``), so any
two runs compare, also of different versions of an experiment: steps are
aligned by step id (a step added, removed or moved in between shows up as
such), each pair with its status, duration change and the differences of its
input and output by JSON path. The first step where the runs diverge is the
first aligned step that was added or removed, changed status, type or config,
or received or produced something different (volatile keys such as
timestamps and durations do not count: see :mod:`jsondiff`).

The experiment snapshots are compared without ``ui`` (layout only), steps
keyed by id so that a config change reads ``steps.ai-1.config.threshold``.
Everything here returns plain dataclasses with ``to_dict()``; nothing prints.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from orchestrator_gui.core.jsondiff import Change, diff, meaningful


@dataclass(frozen=True)
class StepComparison:
    """One aligned step. ``only_in`` is ``"a"``/``"b"`` for a step one run does not have."""

    step_id: str
    name: str
    type_a: str | None
    type_b: str | None
    status_a: str | None
    status_b: str | None
    duration_a_ms: float | None
    duration_b_ms: float | None
    input_changes: list[Change] = field(default_factory=list)
    output_changes: list[Change] = field(default_factory=list)
    config_changes: list[Change] = field(default_factory=list)
    error_a: dict[str, Any] | None = None
    error_b: dict[str, Any] | None = None
    only_in: str | None = None

    @property
    def duration_change_ms(self) -> float | None:
        if self.duration_a_ms is None or self.duration_b_ms is None:
            return None
        return self.duration_b_ms - self.duration_a_ms

    @property
    def reasons(self) -> list[str]:
        """Why this step counts as diverged (empty when it behaved the same)."""
        if self.only_in:
            return ["added" if self.only_in == "b" else "removed"]
        out = []
        if self.status_a != self.status_b:
            out.append("status")
        if self.type_a != self.type_b:
            out.append("type")
        if self.config_changes:
            out.append("config")
        if meaningful(self.input_changes):
            out.append("input")
        if meaningful(self.output_changes):
            out.append("output")
        if (self.error_a or {}).get("type") != (self.error_b or {}).get("type"):
            out.append("error")
        return out

    @property
    def diverged(self) -> bool:
        return bool(self.reasons)

    @property
    def output_differs(self) -> bool:
        """The step now gives a different result: status or a non-volatile output change."""
        return self.status_a != self.status_b or bool(meaningful(self.output_changes))

    def to_dict(self) -> dict[str, Any]:
        return {
            "stepId": self.step_id, "name": self.name, "typeA": self.type_a,
            "typeB": self.type_b, "statusA": self.status_a, "statusB": self.status_b,
            "durationAMs": self.duration_a_ms, "durationBMs": self.duration_b_ms,
            "durationChangeMs": self.duration_change_ms, "onlyIn": self.only_in,
            "diverged": self.diverged, "reasons": self.reasons,
            "errorA": self.error_a, "errorB": self.error_b,
            "inputChanges": [c.to_dict() for c in self.input_changes],
            "outputChanges": [c.to_dict() for c in self.output_changes],
            "configChanges": [c.to_dict() for c in self.config_changes],
        }


@dataclass(frozen=True)
class RunComparison:
    """Two runs side by side: run-level facts, aligned steps, experiment changes."""

    run_a: str | None
    run_b: str | None
    status_a: str | None
    status_b: str | None
    duration_a_ms: float | None
    duration_b_ms: float | None
    input_changes: list[Change]
    output_changes: list[Change]
    steps: list[StepComparison]
    experiment_changes: list[Change]

    @property
    def first_divergence(self) -> StepComparison | None:
        return next((s for s in self.steps if s.diverged), None)

    @property
    def same_behaviour(self) -> bool:
        """Same status, same meaningful output and no step diverged."""
        return (self.status_a == self.status_b and not meaningful(self.output_changes)
                and self.first_divergence is None)

    def to_dict(self) -> dict[str, Any]:
        first = self.first_divergence
        return {
            "runA": self.run_a, "runB": self.run_b,
            "statusA": self.status_a, "statusB": self.status_b,
            "durationAMs": self.duration_a_ms, "durationBMs": self.duration_b_ms,
            "sameBehaviour": self.same_behaviour,
            "firstDivergence": None if first is None else
            {"stepId": first.step_id, "reasons": first.reasons},
            "inputChanges": [c.to_dict() for c in self.input_changes],
            "outputChanges": [c.to_dict() for c in self.output_changes],
            "steps": [s.to_dict() for s in self.steps],
            "experimentChanges": [c.to_dict() for c in self.experiment_changes],
        }


def compare_runs(a: dict[str, Any], b: dict[str, Any]) -> RunComparison:
    """Compare two run records (``b`` against ``a``: "before" is ``a``)."""
    exp_a, exp_b = a.get("experiment"), b.get("experiment")
    configs_a, configs_b = _configs(exp_a), _configs(exp_b)
    steps_a = {s["id"]: s for s in a.get("steps", [])}
    steps_b = {s["id"]: s for s in b.get("steps", [])}
    aligned = []
    for step_id in align([s["id"] for s in a.get("steps", [])],
                         [s["id"] for s in b.get("steps", [])]):
        aligned.append(_compare_step(step_id, steps_a.get(step_id), steps_b.get(step_id),
                                     configs_a.get(step_id), configs_b.get(step_id)))
    has_both = isinstance(exp_a, dict) and isinstance(exp_b, dict)
    return RunComparison(
        run_a=a.get("runId"), run_b=b.get("runId"),
        status_a=a.get("status"), status_b=b.get("status"),
        duration_a_ms=a.get("durationMs"), duration_b_ms=b.get("durationMs"),
        input_changes=diff(a.get("input"), b.get("input")),
        output_changes=diff(a.get("output"), b.get("output")),
        steps=aligned,
        experiment_changes=diff_experiments(exp_a, exp_b) if has_both else [],
    )


def align(ids_a: list[str], ids_b: list[str]) -> list[str]:
    """Both id lists merged in run order: common steps once, inserted ones where they sit."""
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=ids_a, b=ids_b, autojunk=False)
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for step_id in [*ids_a[i1:i2], *ids_b[j1:j2]]:
            if step_id not in out:
                out.append(step_id)
    return out


def diff_experiments(a: Any, b: Any) -> list[Change]:
    """Differences between two experiment documents, layout (``ui``) ignored.

    Steps are compared by id (``steps.ai-1.config.threshold``); a change of
    their order is one ``steps (order)`` change listing both orders.
    """
    norm_a, norm_b = _normalised(a), _normalised(b)
    changes = diff(norm_a, norm_b)
    order_a, order_b = _order(a), _order(b)
    if order_a != order_b and set(order_a) == set(order_b):
        changes.append(Change("steps (order)", "changed", before=order_a, after=order_b))
    return changes


def _normalised(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict):
        return {}
    out = {k: v for k, v in document.items() if k != "ui"}
    steps = document.get("steps")
    if isinstance(steps, list):
        out["steps"] = {str(s.get("id")): {k: v for k, v in s.items() if k != "id"}
                        for s in steps if isinstance(s, dict)}
    return out


def _order(document: Any) -> list[str]:
    steps = document.get("steps") if isinstance(document, dict) else None
    return [str(s.get("id")) for s in steps if isinstance(s, dict)] if isinstance(
        steps, list) else []


def _configs(document: Any) -> dict[str, Any]:
    steps = document.get("steps") if isinstance(document, dict) else None
    if not isinstance(steps, list):
        return {}
    return {str(s.get("id")): s.get("config", {}) for s in steps if isinstance(s, dict)}


def _compare_step(step_id: str, a: dict[str, Any] | None, b: dict[str, Any] | None,
                  config_a: Any, config_b: Any) -> StepComparison:
    either = a or b or {}
    only = None if a is not None and b is not None else ("b" if a is None else "a")
    both = only is None
    return StepComparison(
        step_id=step_id, name=str(either.get("name", step_id)),
        type_a=a.get("type") if a else None, type_b=b.get("type") if b else None,
        status_a=a.get("status") if a else None, status_b=b.get("status") if b else None,
        duration_a_ms=a.get("durationMs") if a else None,
        duration_b_ms=b.get("durationMs") if b else None,
        input_changes=diff(a.get("input"), b.get("input")) if a and b else [],
        output_changes=diff(a.get("output"), b.get("output")) if a and b else [],
        config_changes=diff(config_a, config_b) if both and config_a is not None
        and config_b is not None else [],
        error_a=a.get("error") if a else None, error_b=b.get("error") if b else None,
        only_in=only,
    )
