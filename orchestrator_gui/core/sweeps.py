"""Sweeps: run one input field over a range (optionally crossed with a second field's
values) and find where the outcome flips.

"At which risk score does the decision change, with and without an EU
e-mail?" is answered by :func:`run_sweep`: ``field`` takes ``steps`` evenly
spaced values from ``start`` to ``stop`` (inclusive), each crossed with every
value of the optional ``grid`` field; every combination is one run (within
the concurrency limit). The outcome watched is read from the run record by
path, as suite expectations are (default ``decision.outcome``, falling back
to the run's ``status`` when the output has none). A flip is a pair of
neighbouring values of ``field``, in the same grid row, with different
outcomes. Results are plain rows, ready for a table or a plot.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.batch import BatchItem, run_many
from orchestrator_gui.core.document import Experiment
from orchestrator_gui.core.engine import Engine
from orchestrator_gui.core.jsondiff import same
from orchestrator_gui.core.paths import MISSING, copy_json, set_path, split_path
from orchestrator_gui.core.suite_model import record_path
from orchestrator_gui.core.suites import RecordView

DEFAULT_WATCH = "decision.outcome"
MAX_RUNS = 10_000


@dataclass(frozen=True)
class SweepRow:
    """One combination: the swept value, the grid value (if any), what came out."""

    value: float
    grid_value: Any
    status: str
    outcome: Any
    run_id: str | None = None
    problem: str | None = None
    watched: bool = False  # the outcome is the watched path's value, not the run's status

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "gridValue": self.grid_value, "status": self.status,
                "outcome": self.outcome, "runId": self.run_id, "problem": self.problem,
                "watched": self.watched}


@dataclass(frozen=True)
class Flip:
    """Between ``low`` and ``high`` (neighbouring values) the outcome went from ``before``
    to ``after``, in the grid row ``grid_value``."""

    low: float
    high: float
    before: Any
    after: Any
    grid_value: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "before": self.before,
                "after": self.after, "gridValue": self.grid_value}


@dataclass
class Sweep:
    """What was swept and how; ``rows`` are value-major within each grid row."""

    field: str
    values: list[float]
    watch: str
    grid_field: str | None = None
    grid_values: list[Any] = dataclasses.field(default_factory=lambda: [None])
    rows: list[SweepRow] = dataclasses.field(default_factory=list)

    def flips(self) -> list[Flip]:
        out = []
        for grid_value in self.grid_values:
            line = [r for r in self.rows if same(r.grid_value, grid_value)]
            line.sort(key=lambda r: r.value)
            for low, high in itertools.pairwise(line):
                if not same(low.outcome, high.outcome):
                    out.append(Flip(low.value, high.value, low.outcome, high.outcome,
                                    grid_value))
        return out

    def plotted(self) -> str:
        """What the outcomes are, in words: the watched path, the run status, or both."""
        watched = [r.watched for r in self.rows]
        if watched and all(watched):
            return self.watch
        if not any(watched):
            return "the run status"
        return f"{self.watch} (the run status where a run did not reach it)"

    def series(self) -> dict[str, list[tuple[float, Any]]]:
        """For a plot: one series per grid value (its JSON text), points (value, outcome)."""
        out: dict[str, list[tuple[float, Any]]] = {}
        for row in sorted(self.rows, key=lambda r: r.value):
            key = "" if self.grid_field is None else jsonio.dumps(row.grid_value).decode()
            out.setdefault(key, []).append((row.value, row.outcome))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "values": self.values, "watch": self.watch,
                "gridField": self.grid_field,
                "gridValues": self.grid_values if self.grid_field else [],
                "rows": [r.to_dict() for r in self.rows],
                "flips": [f.to_dict() for f in self.flips()]}


def spaced(start: float, stop: float, steps: int) -> list[float]:
    """``steps`` evenly spaced values from ``start`` to ``stop`` inclusive, tidily rounded."""
    if steps < 1:
        raise ValueError("steps must be at least 1")
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise ValueError("the range must be finite numbers")
    if steps == 1:
        return [float(start)]
    width = (stop - start) / (steps - 1)
    return [round(start + width * i, 12) for i in range(steps)]


async def run_sweep(
    experiment: Experiment,
    base_input: dict[str, Any],
    field: str,
    values: Sequence[float],
    *,
    grid_field: str | None = None,
    grid_values: Sequence[Any] = (),
    watch: str = DEFAULT_WATCH,
    engine: Engine | None = None,
    dry_run: bool = False,
    on_row: Callable[[int, int, SweepRow], None] | None = None,
) -> Sweep:
    """Run every combination and return the :class:`Sweep` (``flips()`` says where)."""
    split_path(field)
    watch_path = record_path(watch)
    if grid_field is not None:
        split_path(grid_field)
        if not grid_values:
            raise ValueError(f"give the values of {grid_field!r} to cross the sweep with")
    grid = list(grid_values) if grid_field is not None else [None]
    if len(values) * len(grid) > MAX_RUNS:
        raise ValueError(f"{len(values) * len(grid)} runs is over the limit of {MAX_RUNS}")
    sweep = Sweep(field, list(values), watch, grid_field, grid)
    combos = [(value, grid_value) for grid_value in grid for value in values]
    inputs = []
    for value, grid_value in combos:
        run_input = copy_json(base_input)
        set_path(run_input, field, value)
        if grid_field is not None:
            set_path(run_input, grid_field, copy_json(grid_value))
        inputs.append((f"sweep {field}={value:g}", run_input))
    rows: list[SweepRow | None] = [None] * len(combos)
    done = 0

    def finished(item: BatchItem) -> None:
        nonlocal done
        value, grid_value = combos[item.index]
        rows[item.index] = row = _row(value, grid_value, item, watch_path)
        done += 1
        if on_row is not None:
            on_row(done, len(combos), row)

    await run_many(experiment, inputs, engine=engine, dry_run=dry_run, on_item=finished)
    sweep.rows = [r for r in rows if r is not None]
    return sweep


def _row(value: float, grid_value: Any, item: BatchItem, watch: tuple[str, ...]) -> SweepRow:
    run = item.result
    if run is None:
        return SweepRow(value, grid_value, "refused", None, None, item.problem)
    outcome = RecordView(run).get(watch)
    if outcome is MISSING:  # the run ended before the path was written: its status is shown
        status = str(run.status)  # the plain word, as a stored run has it (same() tells types)
        return SweepRow(value, grid_value, status, status, run.run_id)
    return SweepRow(value, grid_value, str(run.status), outcome, run.run_id, watched=True)
