"""``orchestrator test``: run the experiment's scenario suite headless, for people and CI.

stdout gets the verdict table, failures per step and the change since the
previous suite run (or the JSON with ``--json``); stderr gets one progress
line per scenario. ``--junit FILE`` writes a JUnit XML report (one
``testcase`` per scenario, its failed expectations in ``failure``), which CI
systems show natively.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import xml.etree.ElementTree as ET
from typing import Any

from orchestrator_gui.cli.output import (
    NOT_SAVED,
    OK,
    RUN_FAILED,
    CliError,
    print_json,
    say,
    table,
    write_atomic,
)
from orchestrator_gui.cli.run import open_for_saving, resolve_experiment
from orchestrator_gui.cli.stores import refuse_if_damaged
from orchestrator_gui.cli.trust import require_trust
from orchestrator_gui.core.document import Experiment
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.suite_import import load_scenarios
from orchestrator_gui.core.suite_model import Suite
from orchestrator_gui.core.suites import (
    SuiteProgress,
    SuiteRun,
    compare_suite_runs,
    run_suite,
)
from orchestrator_gui.store.database import StoreWriteError


def test_command(args: argparse.Namespace) -> int:
    experiment, store = resolve_experiment(args.experiment, args.db)
    try:
        suite = _suite(experiment, args.scenarios)
        require_trust(experiment, label=args.experiment, db=args.db, dry_run=suite.dry_run,
                      allow_hosts=args.allow_host, store=store)
        not_saved = None
        if store is None:  # also without saving: the previous suite run is compared
            store, unwritable = open_for_saving(args.db)
            if unwritable is not None:  # the suite runs; nothing of it can be kept
                not_saved = str(unwritable) if (args.save_runs or not args.no_save) else None
        progress = None if args.quiet else _progress
        suite_run = asyncio.run(run_suite(
            experiment, suite, store=store if args.save_runs else None,
            concurrency=args.concurrency, on_progress=progress))
        if args.save_runs:
            refuse_if_damaged(store)
        last = store.last_suite_run(experiment.id) if store is not None else None
        previous = SuiteRun.from_dict(last) if last else None
        if store is not None and not args.no_save:
            try:
                suite_run.suite_run_id = store.save_suite_run(suite_run.to_dict())
            except StoreWriteError as exc:  # the verdicts are still shown below
                not_saved = str(exc)
    finally:
        if store is not None:
            store.close()
    delta = compare_suite_runs(previous, suite_run)
    if args.junit:
        target = write_atomic(args.junit, junit_xml(experiment, suite_run))
        say(f"wrote {target}")
    if args.json:
        print_json({**suite_run.to_dict(), "sincePrevious": delta.to_dict()
                    if previous else None})
    else:
        print(summary_text(suite_run, previous is not None, delta.to_dict()))
    if not_saved or suite_run.runs_not_saved:
        say_suite_not_saved(not_saved, suite_run.runs_not_saved)
        return NOT_SAVED
    return OK if suite_run.all_passed else RUN_FAILED


def say_suite_not_saved(suite_error: str | None, runs: dict[str, str]) -> None:
    """What of the suite the history does not have (the verdicts above are complete)."""
    if suite_error:
        say(f"the suite run finished but was NOT saved: {suite_error}; the next `test` "
            "cannot compare with it")
    if runs:
        first = next(iter(runs.values()))
        say(f"{len(runs)} scenario run(s) finished but were NOT saved in the history: {first}")


def _suite(experiment: Experiment, scenarios_file: str | None) -> Suite:
    if scenarios_file:
        try:
            scenarios = load_scenarios(scenarios_file)
        except ExperimentError as exc:
            head = f"{exc.source}: cannot use these scenarios:"
            raise CliError(head, *(f"  {p}" for p in exc.problems)) from None
        own = experiment.suite
        return Suite(scenarios=scenarios, dry_run=own.dry_run if own else False)
    if experiment.suite is None or not experiment.suite.scenarios:
        raise CliError(f"{experiment.id}: the experiment has no scenarios to test",
                       '  add a "suite": {"scenarios": [...]} to the document, or give '
                       "--scenarios FILE (.csv or .jsonl)")
    return experiment.suite


def _progress(event: SuiteProgress) -> None:
    width = len(str(event.total))
    result = event.result
    if result.passed:
        line = f"[{event.done:>{width}}/{event.total}] pass {result.name}"
    else:
        failed = [c for c in result.checks if not c.passed]
        detail = "; ".join(f"{c.expectation}: {c.message}" for c in failed[:2])
        line = f"[{event.done:>{width}}/{event.total}] FAIL {result.name}  ({detail})"
    print(line, file=sys.stderr, flush=True)


def summary_text(run: SuiteRun, has_previous: bool, delta: dict[str, Any]) -> str:
    rows = []
    for result in run.results:
        failed = [c for c in result.checks if not c.passed]
        why = "; ".join(f"{c.expectation} ({c.message})" for c in failed)
        rows.append([result.name, "pass" if result.passed else "FAIL", result.status,
                     ", ".join(result.failed_steps) or "-", why or "-"])
    lines = [table(rows, ["SCENARIO", "RESULT", "STATUS", "FAILED AT", "FAILED EXPECTATIONS"])]
    heat = {k: v for k, v in run.heatmap().items() if v}
    if heat:
        lines.append("failures per step: " + ", ".join(f"{k} {v}" for k, v in heat.items()))
    if has_previous:
        lines.append("since the previous suite run: " + _delta_text(delta))
    lines.append(f"{run.passed} passed, {run.failed} failed, {len(run.results)} scenarios "
                 f"in {(run.duration_ms or 0) / 1000:.2f} s")
    return "\n".join(lines)


def _delta_text(delta: dict[str, Any]) -> str:
    parts = [f"{label}: {', '.join(delta[key])}"
             for key, label in (("newFailures", "NEW FAILURES"), ("fixed", "fixed"),
                                ("added", "added"), ("removed", "removed")) if delta[key]]
    return "; ".join(parts) or "no change"


def junit_xml(experiment: Experiment, run: SuiteRun) -> str:
    """A JUnit XML report: one testsuite, one testcase per scenario."""
    seconds = f"{(run.duration_ms or 0) / 1000:.3f}"
    suite = ET.Element("testsuite", name=experiment.name, tests=str(len(run.results)),
                       failures=str(run.failed), errors="0", skipped="0", time=seconds,
                       timestamp=run.started_at or "")
    for result in run.results:
        case = ET.SubElement(suite, "testcase", classname=experiment.id, name=result.name,
                             time=f"{(result.duration_ms or 0) / 1000:.3f}")
        if not result.passed:
            failed = [c for c in result.checks if not c.passed]
            failure = ET.SubElement(case, "failure", type="ExpectationFailed",
                                    message="; ".join(c.expectation for c in failed))
            failure.text = "\n".join(
                f"{c.expectation}: {c.message}" + (f" (step {c.step_id})" if c.step_id else "")
                for c in failed) + f"\nrun status: {result.status}"
    root = ET.Element("testsuites", name=experiment.id, tests=str(len(run.results)),
                      failures=str(run.failed), time=seconds)
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


__all__ = ["junit_xml", "summary_text", "test_command"]
