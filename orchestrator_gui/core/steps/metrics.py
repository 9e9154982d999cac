"""``metrics``: a snapshot of the run so far, added to the data as ``metrics``.

It lets a pipeline carry its own observations (which run, which scenario, how
long each step took, the numbers in play) to whatever comes next, a webhook
for instance. The output is the input plus::

    "metrics": {"timestamp", "runId", "experimentId", "scenario", "stepsCompleted",
                "stepDurationsMs": {step id: ms}, "totalDurationMs", "numeric": {path: number}}

``timestamp`` is ISO-8601 UTC with a ``Z`` (millisecond precision);
``stepsCompleted`` and ``stepDurationsMs`` count the steps that finished
before this one (this step is still running), in step order, and
``totalDurationMs`` is their sum. ``numeric`` holds the top-level numbers of
the input, or, when ``fields`` is given, the value at each listed path
(keyed by the path as written; a top-level key written exactly wins over the
dotted path). A listed path that is missing or not a number (true/false
included) is left out and logged. ``fields: []`` asks for no numbers at all.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from orchestrator_gui.core.context import StepContext
from orchestrator_gui.core.document import Step
from orchestrator_gui.core.paths import MISSING, check_path, get_field, is_number, json_kind
from orchestrator_gui.core.registry import StepConfig, StepType
from orchestrator_gui.core.result import iso, utc_now


class MetricsConfig(StepConfig):
    """Config of ``metrics``: which numbers to record (default: every top-level number)."""

    fields: list[str] | None = Field(
        default=None,
        description="Paths of the numbers to record; leave unset for every top-level number.",
    )

    @field_validator("fields")
    @classmethod
    def _paths_are_valid(cls, fields: list[str] | None) -> list[str] | None:
        for path in fields or ():
            check_path(path)
        return fields


def collect_numbers(
    data: dict[str, Any], fields: list[str] | None, ctx: StepContext
) -> dict[str, Any]:
    """``{path: number}`` for ``fields`` (or every top-level number), logging what is left out."""
    if fields is None:
        return {key: value for key, value in data.items() if is_number(value)}
    numeric: dict[str, Any] = {}
    for path in fields:
        value = get_field(data, path)
        if value is MISSING:
            ctx.log.warning(f"field {path!r} is not in the input; left out of metrics.numeric")
        elif not is_number(value):
            ctx.log.warning(
                f"field {path!r} is {json_kind(value)}, not a number; left out of metrics.numeric"
            )
        else:
            numeric[path] = value
    return numeric


async def handle_metrics(step: Step, ctx: StepContext) -> dict[str, Any]:
    config: MetricsConfig = ctx.config
    data: dict[str, Any] = ctx.input
    durations = ctx.step_durations_ms
    data["metrics"] = {
        "timestamp": iso(utc_now()),
        "runId": ctx.run.run_id,
        "experimentId": ctx.run.experiment_id,
        "scenario": ctx.run.scenario,
        "stepsCompleted": len(durations),
        "stepDurationsMs": durations,
        "totalDurationMs": round(sum(durations.values()), 3),
        "numeric": collect_numbers(data, config.fields, ctx),
    }
    return data


STEP_TYPE = StepType(
    name="metrics",
    handler=handle_metrics,
    config_model=MetricsConfig,
    title="Metrics",
    description="Records the run's identity, step durations so far and the numbers in the data.",
    category="Observe",
    color="#f59e0b",
    icon="metrics",
    builtin=True,
)
