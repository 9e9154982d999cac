"""``orchestrator diff``, ``baseline`` and ``replay``: comparing runs from a terminal.

The text form of a comparison (:func:`comparison_text`) is shared by the
three verbs; ``--json`` prints ``RunComparison.to_dict()`` instead.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from orchestrator_gui.cli.output import (
    NOT_SAVED,
    OK,
    RUN_FAILED,
    CliError,
    duration,
    print_json,
    problems_of,
    say,
    table,
)
from orchestrator_gui.cli.stores import open_store, refuse_if_damaged
from orchestrator_gui.cli.trust import require_trust
from orchestrator_gui.core.baselines import replay_run
from orchestrator_gui.core.compare import RunComparison, compare_runs
from orchestrator_gui.core.document import Experiment, load_experiment
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.jsondiff import Change, describe
from orchestrator_gui.store import Store

MAX_LINES = 12


def find_run(store: Store, ref: str) -> dict[str, Any]:
    """The run ``ref`` names: its id, or a unique prefix of one among this user's runs."""
    try:
        return store.get_run(ref)
    except KeyError:
        pass
    matches = [r.run_id for r in store.list_runs(limit=100_000) if r.run_id.startswith(ref)]
    if len(matches) == 1:
        return store.get_run(matches[0])
    if matches:
        raise CliError(f"{ref}: matches {len(matches)} runs; give more of the id")
    raise CliError(f"{ref}: no such run; `orchestrator history` lists them")


def diff_command(args: argparse.Namespace) -> int:
    with open_store(args.db) as store:
        a, b = find_run(store, args.run_a), find_run(store, args.run_b)
    comparison = compare_runs(a, b)
    if args.json:
        print_json(comparison.to_dict())
    else:
        print(comparison_text(comparison, show_volatile=args.all))
    return OK


def comparison_text(c: RunComparison, *, show_volatile: bool = False) -> str:
    """The comparison for people: header, experiment changes, step table, changes."""
    def keep(changes: list[Change]) -> list[Change]:
        return changes if show_volatile else [x for x in changes if not x.volatile]

    lines = [f"A {c.run_a}  {c.status_a}  {duration(c.duration_a_ms)}",
             f"B {c.run_b}  {c.status_b}  {duration(c.duration_b_ms)}", ""]
    if c.experiment_changes:
        lines.append("experiment changes (layout ignored):")
        lines += [f"  {describe(x)}" for x in c.experiment_changes]
    else:
        lines.append("experiment: no changes (layout ignored)")
    first = c.first_divergence
    lines.append("first divergence: " + (
        f"{first.step_id} ({first.name}): {', '.join(first.reasons)}" if first
        else "none (the runs behaved the same)"))
    lines.append("")
    rows = []
    for s in c.steps:
        change = s.duration_change_ms
        delta = "-" if change is None else f"{change:+.2f} ms"
        mark = "*" if s is first else ("!" if s.diverged else "")
        rows.append([mark, s.step_id, s.status_a or "(absent)", s.status_b or "(absent)",
                     delta, ", ".join(s.reasons) or "same"])
    lines.append(table(rows, ["", "STEP", "A", "B", "DURATION CHANGE", "DIFFERS IN"]))
    previous: list[Change] = []
    for s in c.steps:
        inputs = keep(s.input_changes)
        # A step's input is the previous step's output: say so instead of repeating it.
        repeated = bool(inputs) and inputs == previous
        previous = keep(s.output_changes)
        shown = [("config", s.config_changes), ("input", [] if repeated else inputs),
                 ("output", previous)]
        if any(changes for _what, changes in shown) or (s.error_a != s.error_b):
            lines.append(f"\n{s.step_id} ({s.name}):")
            if repeated:
                lines.append("  input: as the previous step's output")
            for what, changes in shown:
                lines += _limited(f"  {what} ", changes)
            if s.error_a != s.error_b:
                lines.append(f"  error: {_error(s.error_a)} -> {_error(s.error_b)}")
    if keep(c.input_changes):
        lines.append("\nrun input:")
        lines += _limited("  ", keep(c.input_changes))
    if keep(c.output_changes):
        lines.append("\nrun output:")
        lines += _limited("  ", keep(c.output_changes))
    return "\n".join(lines)


def _limited(prefix: str, changes: list[Change]) -> list[str]:
    lines = [prefix + describe(x) for x in changes[:MAX_LINES]]
    if len(changes) > MAX_LINES:
        lines.append(f"{prefix}... and {len(changes) - MAX_LINES} more (--json lists all)")
    return lines


def _error(error: dict[str, Any] | None) -> str:
    return "none" if not error else f"{error.get('type')}: {error.get('message')}"


def baseline_command(args: argparse.Namespace) -> int:
    if not (args.run_id or args.show or args.clear):
        raise CliError("give RUN_ID to star it, or --show / --clear EXPERIMENT_ID")
    with open_store(args.db, writing=not args.show) as store:
        if args.clear:
            store.clear_baseline(args.clear)
            say(f"{args.clear}: no baseline now")
            return OK
        if args.show:
            run_id = store.get_baseline(args.show)
            if run_id is None:
                raise CliError(f"{args.show}: no baseline; `orchestrator baseline RUN_ID` stars "
                               "one", code=RUN_FAILED)
            print(run_id)
            return OK
        record = find_run(store, args.run_id)
        experiment_id = store.set_baseline(record["runId"])
    say(f"run {record['runId']} ({record['status']}, scenario {record.get('scenario') or '-'}) "
        f"is now the baseline of {experiment_id!r}")
    return OK


def replay_command(args: argparse.Namespace) -> int:
    with open_store(args.db, writing=not args.no_save) as store:
        record = find_run(store, args.run_id)
        experiment = None
        if args.current:
            try:
                experiment = store.get_experiment(record["experimentId"])
            except KeyError:
                raise CliError(f"{record['experimentId']}: not stored any more; replay without "
                               "--current uses the snapshot kept with the run") from None
            except ExperimentError as exc:
                raise problems_of(exc) from None
        _require_replay_trust(store, record, experiment, args)
        try:
            report = asyncio.run(replay_run(store, record["runId"], experiment=experiment,
                                            keep=not args.no_save))
        except ExperimentError as exc:
            raise problems_of(exc, f"run {record['runId']}") from None
        if not args.no_save:
            refuse_if_damaged(store)
    if args.json:
        print_json(report.to_dict())
    else:
        print(comparison_text(report.comparison))
        changed = report.changed_steps
        print("\nreplay: " + ("every step gave the same output" if not changed else
                              "now different: " + ", ".join(s.step_id for s in changed)))
    say(f"replay run {report.record['runId']} of {report.original_run_id}")
    if report.saved is False:
        say(f"replay run {report.record['runId']} finished ({report.record['status']}) but "
            f"was NOT saved: {report.save_error}")
        return NOT_SAVED
    return OK if report.same else RUN_FAILED


def _require_replay_trust(store: Store, record: dict[str, Any], experiment: Experiment | None,
                          args: argparse.Namespace) -> None:
    """A replay answers recorded calls from the record, but a step without one calls out."""
    if experiment is None:
        snapshot = record.get("experiment")
        try:
            experiment = load_experiment(snapshot) if isinstance(snapshot, dict) else None
        except ExperimentError:
            return  # replay_run reports it
    if experiment is not None:
        require_trust(experiment, label=f"run {record['runId']}", db=args.db,
                      dry_run=bool(record.get("dryRun")), allow_hosts=args.allow_host,
                      store=store)
