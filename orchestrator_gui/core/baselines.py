"""Baselines and replay: "is this run still like the one I trusted?".

- :func:`compare_to_baseline`: given a finished run, its comparison with the
  run starred as its experiment's baseline (``None`` when there is none, or
  it is that run). The app calls it when a run ends; ``orchestrator run``
  could do the same.
- :func:`replay_run`: run an earlier run again, from its input and the
  experiment snapshot it ran with, answering every external call (webhook,
  model endpoints) from its recording instead of calling out
  (``ctx.external``), and say which steps now give a different output. Pass
  ``experiment`` to replay against another version (the current one, say):
  "would my change have altered that run, given the same answers?".

The core may not import the store, so these take any object with the
store's ``get_run``/``get_baseline`` (:class:`RunSource`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Protocol

from orchestrator_gui.core.compare import RunComparison, StepComparison, compare_runs
from orchestrator_gui.core.document import Experiment, load_experiment
from orchestrator_gui.core.engine import Engine, run_experiment
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.result import RunResult


class RunSource(Protocol):
    """What these helpers need of the store."""

    def get_run(self, run_id: str) -> dict[str, Any]: ...

    def get_baseline(self, experiment_id: str) -> str | None: ...


def compare_to_baseline(store: RunSource, run: dict[str, Any] | str) -> RunComparison | None:
    """``run`` (a record or a run id) compared with its experiment's baseline (``a``)."""
    record = store.get_run(run) if isinstance(run, str) else run
    baseline_id = store.get_baseline(record["experimentId"])
    if baseline_id is None or baseline_id == record.get("runId"):
        return None
    try:
        baseline = store.get_run(baseline_id)
    except KeyError:
        return None
    if "experiment" not in record:
        with contextlib.suppress(KeyError):
            record = {**record, "experiment": store.get_run(record["runId"])["experiment"]}
    return compare_runs(baseline, record)


@dataclass(frozen=True)
class ReplayReport:
    """The replay's own record, and how it compares with the original (``a``)."""

    original_run_id: str
    record: dict[str, Any]
    comparison: RunComparison
    saved: bool | None = None  # kept in the history (None: not asked to keep it)
    save_error: str | None = None
    result: RunResult | None = None  # the replay run itself

    @property
    def changed_steps(self) -> list[StepComparison]:
        """Steps whose status or (non-volatile) output differ from the original's."""
        return [s for s in self.comparison.steps if s.only_in or s.output_differs]

    @property
    def same(self) -> bool:
        return not self.changed_steps and self.comparison.status_a == self.comparison.status_b

    def to_dict(self) -> dict[str, Any]:
        return {"originalRunId": self.original_run_id, "replayRunId": self.record["runId"],
                "same": self.same, "changedSteps": [s.step_id for s in self.changed_steps],
                "comparison": self.comparison.to_dict()}


async def replay_run(
    store: RunSource,
    run_id: str,
    *,
    experiment: Experiment | None = None,
    engine: Engine | None = None,
    keep: bool = True,
) -> ReplayReport:
    """Replay ``run_id`` with its recorded external answers (see the module docstring).

    ``KeyError`` if there is no such run; ``ExperimentError`` if its snapshot no
    longer loads (a step type that is gone). With ``keep`` the replay is stored
    in the history when ``store`` can record events.
    """
    original = store.get_run(run_id)
    if experiment is None:
        snapshot = original.get("experiment")
        if not isinstance(snapshot, dict):
            raise ExperimentError(["the run has no experiment snapshot to replay"],
                                  source=f"run {run_id}")
        experiment = load_experiment(snapshot)
    recorder = store if keep and hasattr(store, "record_event") else None
    result = await run_experiment(
        experiment, original.get("input") or {}, scenario=original.get("scenario"),
        dry_run=bool(original.get("dryRun")), store=recorder, engine=engine,
        replay_of=original)
    record = {**result.to_record(), "experiment": experiment.to_dict()}
    return ReplayReport(run_id, record, compare_runs(original, record), result.saved,
                        result.save_error, result)
