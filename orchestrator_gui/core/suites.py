"""Running a scenario suite: "does the experiment still behave?".

:func:`run_suite` runs every scenario of the experiment's ``suite`` within
the concurrency limit, checks each expectation against the run, and returns
a :class:`SuiteRun`: plain data a view can draw (a pass/fail grid, a per-step
heatmap of failures) and the store can keep, so that the next suite run is
compared with it (:func:`compare_suite_runs`: new failures and fixes).

Which step a failure belongs to (the heatmap): a failed or timed-out step
owns the run's failures; an expectation on ``steps.ID...`` belongs to that
step; one on an output path belongs to the last step that changed the value
at that path (the one that decided it); anything else to the step that ended
the run (the gate of a filtered run, else the last step that ran).

Expectations are evaluated on the live result, decoding only what they
read, so checking costs almost nothing next to the run (bench/bench_suite.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.batch import BatchItem, run_many
from orchestrator_gui.core.document import Experiment
from orchestrator_gui.core.engine import Engine
from orchestrator_gui.core.jsondiff import same
from orchestrator_gui.core.paths import MISSING, get_path, is_number
from orchestrator_gui.core.result import RunResult, iso
from orchestrator_gui.core.saving import SaveWatch
from orchestrator_gui.core.status import FAILED_STEP_STATUSES, UNRUN_STEP_STATUSES
from orchestrator_gui.core.suite_model import Expectation, Scenario, Suite


@dataclass(frozen=True)
class Check:
    """One expectation's verdict, with the value found (``None`` when missing)."""

    expectation: str
    passed: bool
    actual: Any = None
    message: str = ""
    step_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"expectation": self.expectation, "passed": self.passed, "actual": self.actual,
                "message": self.message, "stepId": self.step_id}


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario of a suite run: the verdict, the run's status, each step's status."""

    name: str
    passed: bool
    status: str
    checks: list[Check]
    step_statuses: list[str]
    duration_ms: float | None = None
    run_id: str | None = None
    problem: str | None = None  # the run could not start (the input was refused)

    @property
    def failed_steps(self) -> list[str]:
        return list(dict.fromkeys(c.step_id for c in self.checks if not c.passed and c.step_id))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "status": self.status,
                "checks": [c.to_dict() for c in self.checks], "stepStatuses": self.step_statuses,
                "durationMs": self.duration_ms, "runId": self.run_id, "problem": self.problem}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScenarioResult:
        checks = [Check(c["expectation"], c["passed"], c.get("actual"), c.get("message", ""),
                        c.get("stepId")) for c in data.get("checks", [])]
        return cls(data["name"], data["passed"], data["status"], checks,
                   list(data.get("stepStatuses", [])), data.get("durationMs"),
                   data.get("runId"), data.get("problem"))


@dataclass
class SuiteRun:
    """A whole suite run: results in scenario order, plus the step columns of the grid."""

    experiment_id: str
    step_ids: list[str]
    step_names: list[str]
    results: list[ScenarioResult] = field(default_factory=list)
    started_at: str | None = None
    finished_at: str | None = None
    duration_ms: float | None = None
    suite_run_id: str | None = None
    # scenario runs that were to be kept in the history and are not: run id -> why
    # (run_suite with a store); not part of the stored suite run
    runs_not_saved: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def all_passed(self) -> bool:
        return self.failed == 0

    def heatmap(self) -> dict[str, int]:
        """Failures attributed to each step (every step listed, zeros included)."""
        counts = dict.fromkeys(self.step_ids, 0)
        for result in self.results:
            for step_id in result.failed_steps:
                counts[step_id] = counts.get(step_id, 0) + 1
        return counts

    def grid(self) -> list[dict[str, Any]]:
        """One row per scenario: verdict, and per step its status and whether it failed."""
        rows = []
        for result in self.results:
            blamed = set(result.failed_steps)
            cells = [{"stepId": step_id, "status": status, "failed": step_id in blamed}
                     for step_id, status in zip(self.step_ids, result.step_statuses, strict=False)]
            rows.append({"name": result.name, "passed": result.passed,
                         "status": result.status, "cells": cells})
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {"suiteRunId": self.suite_run_id, "experimentId": self.experiment_id,
                "stepIds": self.step_ids, "stepNames": self.step_names,
                "startedAt": self.started_at, "finishedAt": self.finished_at,
                "durationMs": self.duration_ms, "passed": self.passed, "failed": self.failed,
                "results": [r.to_dict() for r in self.results], "heatmap": self.heatmap()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SuiteRun:
        return cls(data["experimentId"], list(data.get("stepIds", [])),
                   list(data.get("stepNames", [])),
                   [ScenarioResult.from_dict(r) for r in data.get("results", [])],
                   data.get("startedAt"), data.get("finishedAt"), data.get("durationMs"),
                   data.get("suiteRunId"))


@dataclass(frozen=True)
class SuiteProgress:
    """Given to the progress callback as each scenario ends."""

    done: int
    total: int
    result: ScenarioResult
    run: RunResult | None


async def run_suite(
    experiment: Experiment,
    suite: Suite | None = None,
    *,
    engine: Engine | None = None,
    store: Any = None,
    concurrency: int | None = None,
    on_progress: Callable[[SuiteProgress], None] | None = None,
) -> SuiteRun:
    """Run every scenario (``suite`` defaults to the experiment's own) and check it.

    Runs go to the history only when ``store`` is given (a thousand scenarios
    would otherwise push out the user's own runs).
    """
    suite = suite if suite is not None else experiment.suite or Suite()
    scenarios = suite.scenarios
    plans = [scenario.expectations() for scenario in scenarios]
    started, t0 = datetime.now(UTC), time.perf_counter()
    out = SuiteRun(experiment.id, [s.id for s in experiment.steps],
                   [s.name for s in experiment.steps], started_at=iso(started))
    results: list[ScenarioResult | None] = [None] * len(scenarios)
    done = 0
    watch = SaveWatch(store) if store is not None else None

    def finished(item: BatchItem) -> None:
        nonlocal done
        if watch is not None and item.result is not None:
            watch.settle(item.result)
            if not item.result.saved:
                out.runs_not_saved[item.result.run_id] = item.result.save_error or "?"
        result = judge(scenarios[item.index], plans[item.index], item)
        results[item.index] = result
        done += 1
        if on_progress is not None:
            on_progress(SuiteProgress(done, len(scenarios), result, item.result))

    await run_many(experiment, [(s.name, s.input) for s in scenarios], engine=engine,
                   dry_run=suite.dry_run, concurrency=concurrency,
                   listeners=[watch] if watch is not None else (),
                   on_item=finished)
    out.results = [r for r in results if r is not None]
    out.finished_at = iso(datetime.now(UTC))
    out.duration_ms = round((time.perf_counter() - t0) * 1000, 3)
    return out


def judge(scenario: Scenario, expectations: list[Expectation], item: BatchItem) -> ScenarioResult:
    """Check one scenario's run against its expectations."""
    run = item.result
    if run is None:
        check = Check("the run starts", False, None, item.problem or "refused")
        return ScenarioResult(scenario.name, False, "refused", [check], [], problem=item.problem)
    view = RecordView(run)
    checks = [evaluate(exp, view) for exp in expectations]
    failing = next((s for s in run.steps if s.status in FAILED_STEP_STATUSES), None)
    if failing is not None and not expectations:
        checks.append(Check("the run succeeds", False, run.status,
                            f"step {failing.id!r} ended {failing.status}"))
    if any(not c.passed for c in checks):
        checks = [c if c.passed else _blame(c, expectations, view) for c in checks]
    return ScenarioResult(scenario.name, all(c.passed for c in checks), str(run.status), checks,
                          [str(s.status) for s in run.steps], run.duration_ms, run.run_id)


def evaluate(expectation: Expectation, view: RecordView) -> Check:
    actual = view.get(expectation.record_path)
    op, want = expectation.op, expectation.value
    if op == "exists":
        return Check(expectation.text, actual is not MISSING, None if actual is MISSING else actual,
                     "" if actual is not MISSING else f"{expectation.path} is missing")
    if actual is MISSING:
        return Check(expectation.text, False, None, f"{expectation.path} is missing")
    if op == "==":
        ok = same(actual, want)
    elif op == "!=":
        ok = not same(actual, want)
    elif op == "in":
        ok = any(same(actual, option) for option in want)
    else:
        comparable = (is_number(actual) and is_number(want)) or (
            isinstance(actual, str) and isinstance(want, str))
        if not comparable:
            return Check(expectation.text, False, actual,
                         f"{expectation.path} is {_show(actual)}, which {op} cannot compare "
                         f"with {_show(want)}")
        ok = {"<": actual < want, "<=": actual <= want, ">": actual > want,
              ">=": actual >= want}[op]
    return Check(expectation.text, ok, actual, "" if ok else f"{expectation.path} is {_show(actual)}")


def _show(value: Any) -> str:
    text = jsonio.dumps(value).decode("utf-8")
    return text if len(text) <= 60 else text[:57] + "..."


class RecordView:
    """The run record, read lazily from the live result (decoding only what is asked)."""

    def __init__(self, run: RunResult) -> None:
        self.run = run
        self._cache: dict[tuple[str, int], Any] = {}

    def get(self, path: tuple[str, ...]) -> Any:
        head, rest = path[0], list(path[1:])
        run = self.run
        if head == "steps":
            if not rest:
                return MISSING
            step = next((s for s in run.steps if s.id == rest[0]), None)
            if step is None and rest[0].isdigit() and int(rest[0]) < len(run.steps):
                step = run.steps[int(rest[0])]
            if step is None:
                return MISSING
            if len(rest) == 1:
                return step.to_record()
            return get_path(self._step_field(run.steps.index(step), rest[1]), rest[2:])
        # statuses as the record has them, plain words: same() tells a str from a StrEnum
        value = {"status": str(run.status), "scenario": run.scenario, "dryRun": run.dry_run,
                 "durationMs": run.duration_ms, "experimentId": run.experiment_id,
                 "error": run.error}.get(head, MISSING)
        if head in ("output", "input"):
            value = self._decoded(head, -1)
        return get_path(value, rest) if rest else value

    def _decoded(self, what: str, index: int) -> Any:
        key = (what, index)
        if key not in self._cache:
            source = self.run if index < 0 else self.run.steps[index]
            self._cache[key] = getattr(source, what)
        return self._cache[key]

    def _step_field(self, index: int, name: str) -> Any:
        if name in ("input", "output"):
            return self._decoded(name, index)
        step = self.run.steps[index]
        if name == "status":
            return str(step.status)
        if name == "error":
            return step.error
        return step.to_record().get(name, MISSING)

    def ending_step(self) -> str | None:
        steps = self.run.steps
        failing = next((s for s in steps if s.status in FAILED_STEP_STATUSES), None)
        if failing is not None:
            return failing.id
        ran = [s for s in steps if s.status not in UNRUN_STEP_STATUSES]
        return ran[-1].id if ran else None

    def setter_of(self, path: tuple[str, ...]) -> str | None:
        """The last step that changed the value at ``path`` (an output path)."""
        for index in range(len(self.run.steps) - 1, -1, -1):
            step = self.run.steps[index]
            if step.output_json is None:
                continue
            before = get_path(self._decoded("input", index), list(path))
            after = get_path(self._decoded("output", index), list(path))
            if (before is MISSING) != (after is MISSING) or (
                    after is not MISSING and not same(before, after)):
                return step.id
        return None


def _blame(check: Check, expectations: list[Expectation], view: RecordView) -> Check:
    ending = view.ending_step()
    failing = next((s for s in view.run.steps if s.status in FAILED_STEP_STATUSES), None)
    exp = next((e for e in expectations if e.text == check.expectation), None)
    owner = failing.id if failing is not None else None
    if owner is None and exp is not None:
        head = exp.record_path[0]
        if head == "steps" and len(exp.record_path) > 1:
            owner = next((s.id for i, s in enumerate(view.run.steps)
                          if exp.record_path[1] in (s.id, str(i))), None)
        elif head == "output":
            owner = view.setter_of(exp.record_path[1:])
    return Check(check.expectation, False, check.actual, check.message, owner or ending)


@dataclass(frozen=True)
class SuiteDelta:
    """A suite run against the previous one, by scenario name."""

    new_failures: list[str]
    fixed: list[str]
    still_failing: list[str]
    added: list[str]
    removed: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"newFailures": self.new_failures, "fixed": self.fixed,
                "stillFailing": self.still_failing, "added": self.added, "removed": self.removed}


def compare_suite_runs(previous: SuiteRun | None, current: SuiteRun) -> SuiteDelta:
    """New failures (passed before, or new and failing), fixes, and scenarios added/removed."""
    before = {r.name: r.passed for r in previous.results} if previous else {}
    now = {r.name: r.passed for r in current.results}
    return SuiteDelta(
        new_failures=[n for n, ok in now.items() if not ok and before.get(n, True)],
        fixed=[n for n, ok in now.items() if ok and before.get(n) is False],
        still_failing=[n for n, ok in now.items() if not ok and before.get(n) is False],
        added=[n for n in now if previous is not None and n not in before],
        removed=[n for n in before if n not in now],
    )
