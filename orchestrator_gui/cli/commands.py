"""The verbs other than ``run``: validate, list, history, show, import, export, schema."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from orchestrator_gui.cli.output import (
    INVALID,
    OK,
    CliError,
    duration,
    print_json,
    problems_of,
    say,
    table,
    write_atomic,
)
from orchestrator_gui.cli.stores import open_store
from orchestrator_gui.core import jsonio
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.schema import experiment_json_schema


def validate_command(args: argparse.Namespace) -> int:
    code = OK
    for file in args.files:
        try:
            experiment = load_experiment(file)
        except ExperimentError as exc:
            for line in problems_of(exc, file).lines:
                say(line)
            code = INVALID
            continue
        count = len(experiment.steps)
        print(f"{file}: valid: {experiment.id} {experiment.name!r} "
              f"({count} step{'s' if count != 1 else ''})")
    return code


def list_command(args: argparse.Namespace) -> int:
    with open_store(args.db) as store:
        experiments = store.list_experiments()
    if args.json:
        print_json([{"id": e.id, "name": e.name, "description": e.description,
                     "steps": e.step_count, "updatedAt": _time(e.updated_at), "error": e.error}
                    for e in experiments])
        return OK
    if not experiments:
        say("no stored experiments; `orchestrator import FILE` adds one")
        return OK
    rows = [[e.id, e.name, str(e.step_count), _time(e.updated_at) or "-",
             "INVALID" if e.error else "ok"] for e in experiments]
    print(table(rows, ["ID", "NAME", "STEPS", "UPDATED (UTC)", "STATE"]))
    for e in experiments:
        if e.error:
            print(f"\n{e.id}: invalid: {e.error}")
    return OK


def history_command(args: argparse.Namespace) -> int:
    with open_store(args.db) as store:
        runs = store.list_runs(args.experiment, limit=args.limit, status=args.status)
    if args.json:
        print_json([{"runId": r.run_id, "experimentId": r.experiment_id,
                     "experimentName": r.experiment_name, "scenario": r.scenario,
                     "status": r.status, "dryRun": r.dry_run, "startedAt": _time(r.started_at),
                     "finishedAt": _time(r.finished_at), "durationMs": r.duration_ms}
                    for r in runs])
        return OK
    if not runs:
        say("no runs yet" + (f" of {args.experiment!r}" if args.experiment else "")
            + "; `orchestrator run EXPERIMENT` starts one")
        return OK
    rows = [[_time(r.started_at) or "-", r.run_id, r.experiment_id, r.scenario or "-",
             r.status + (" (dry run)" if r.dry_run else ""), duration(r.duration_ms)]
            for r in runs]
    print(table(rows, ["STARTED (UTC)", "RUN ID", "EXPERIMENT", "SCENARIO", "STATUS",
                       "DURATION"]))
    return OK


def show_command(args: argparse.Namespace) -> int:
    with open_store(args.db) as store:
        try:
            record = store.get_run(args.run_id)
        except KeyError:
            raise CliError(f"{args.run_id}: no such run; `orchestrator history` lists them",
                           ) from None
    print_json(record)
    return OK


def import_command(args: argparse.Namespace) -> int:
    try:
        experiment = load_experiment(args.file)
    except ExperimentError as exc:
        raise problems_of(exc, args.file) from None
    with open_store(args.db, writing=True) as store:
        if store.has_experiment(experiment.id) and not args.replace:
            raise CliError(f"{args.file}: an experiment with id {experiment.id!r} is already "
                           "stored; use --replace to overwrite it, or change the id")
        store.save_experiment(experiment)
        where = store.path
    say(f"imported {experiment.id} {experiment.name!r} into {where}")
    return OK


def export_command(args: argparse.Namespace) -> int:
    with open_store(args.db) as store:
        try:
            experiment = store.get_experiment(args.experiment)
        except KeyError:
            raise CliError(f"{args.experiment}: no stored experiment has this id; "
                           "`orchestrator list` shows them") from None
        except ExperimentError as exc:
            raise problems_of(exc, f"stored experiment {args.experiment!r}") from None
    return _emit(experiment.to_dict(), args.output)


def schema_command(args: argparse.Namespace) -> int:
    return _emit(experiment_json_schema(), args.output)


def _emit(value: Any, output: str | None) -> int:
    text = jsonio.dumps_pretty(value) + "\n"
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        target = write_atomic(output, text)
        say(f"wrote {target}")
    return OK


def _time(moment: Any) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")
