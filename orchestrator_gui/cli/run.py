"""``orchestrator run``: resolve the experiment and the input, run, report.

The experiment is a file when such a file exists (or the argument looks
like a path); otherwise it is the id of a stored experiment. The input is a
preset's, with ``--input`` keys laid over it; with neither, ``{}``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
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
)
from orchestrator_gui.cli.progress import Progress
from orchestrator_gui.cli.stores import borrowed_store, open_store, refuse_if_damaged
from orchestrator_gui.cli.trust import require_trust
from orchestrator_gui.core import jsonio
from orchestrator_gui.core.baselines import compare_to_baseline
from orchestrator_gui.core.compare import RunComparison
from orchestrator_gui.core.document import Experiment, load_experiment
from orchestrator_gui.core.engine import run_experiment
from orchestrator_gui.core.errors import ExperimentError, InputError
from orchestrator_gui.core.result import RunResult
from orchestrator_gui.core.status import GOOD_RUN_STATUSES
from orchestrator_gui.store import Preset, Store, StoreError
from orchestrator_gui.store.database import StoreWriteError
from orchestrator_gui.store.location import resolve_db_path
from orchestrator_gui.store.shipped import builtin_presets


def run_command(args: argparse.Namespace) -> int:
    store: Store | None = None
    try:
        experiment, store = resolve_experiment(args.experiment, args.db)
        require_trust(experiment, label=args.experiment, db=args.db, dry_run=args.dry_run,
                      allow_hosts=args.allow_host, store=store)
        preset = find_preset(args.preset, store, args.db) if args.preset else None
        run_input = resolve_input(args.input, preset)
        unwritable: StoreWriteError | None = None
        if not args.no_save and store is None:
            store, unwritable = open_for_saving(args.db)
        scenario = args.scenario or (preset.name if preset else "custom")
        watch = _Follow(None if args.quiet else Progress(show_logs=True))
        try:
            result = asyncio.run(run_experiment(
                experiment, run_input, scenario=scenario, dry_run=args.dry_run,
                store=None if args.no_save else store, on_event=watch))
        except InputError as exc:
            raise CliError(f"--input: {exc}") from None
        except KeyboardInterrupt:
            return _cancelled(watch.result, store.path if store else None)
        if not args.no_save:
            refuse_if_damaged(store)
        if store is not None and result.saved and not args.quiet:  # compared as stored
            say_baseline(compare_to_baseline(store, result.run_id))
    finally:
        if store is not None:
            store.close()
    if unwritable is not None:  # ran without the store: say why it is not kept
        result.saved, result.save_error = False, unwritable.reason
    record = result.to_record()
    if args.json:
        print_json(record)
    where = store.path if store else resolve_db_path(args.db) if unwritable else None
    if not (args.json and args.quiet):
        report(record, saved=result.saved, store_path=where, show_output=not args.json)
    if result.saved is False:
        say_not_saved(result.run_id, result.status, where, result.save_error,
                      printed=args.json)
        return NOT_SAVED
    return OK if result.status in GOOD_RUN_STATUSES else RUN_FAILED


def open_for_saving(db: str | None) -> tuple[Store | None, StoreWriteError | None]:
    """The store to keep the run in; or, when the file cannot take writes (a full disk, a
    read-only file system), None and why: the run goes, and is reported NOT saved."""
    try:
        return Store.open(db), None
    except StoreWriteError as exc:
        return None, exc
    except StoreError as exc:  # not a database, a newer schema...: the user must act first
        raise CliError(str(exc)) from None


class _Follow:
    """The run's progress lines, and a hold on its result for a Ctrl-C (which leaves
    ``run_experiment`` without returning it)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.result: RunResult | None = None

    def __call__(self, event: Any) -> None:
        if self.result is None:
            self.result = getattr(event, "result", None)
        if self.progress is not None:
            self.progress(event)


def _cancelled(result: RunResult | None, store_path: Path | None) -> int:
    if result is None or result.saved is None:
        say("cancelled (Ctrl-C)")
        return RUN_FAILED
    if result.saved:
        say("cancelled (Ctrl-C); the run is kept as cancelled")
        return RUN_FAILED
    say_not_saved(result.run_id, result.status, store_path, result.save_error, printed=False)
    return NOT_SAVED


def say_not_saved(run_id: str, status: str, store_path: Path | None, reason: str | None,
                  *, printed: bool) -> None:
    """The one line a script or a person must not miss: the run is not in the history."""
    where = f" in {store_path}" if store_path else ""
    say(f"run {run_id} finished ({status}) but was NOT saved{where}: {reason}")
    say("  the record printed on stdout is its only copy" if printed else
        "  the history has none of it, or lists it unfinished: free some disk space or "
        "make the database writable, then run it again (--json prints the record)")


def resolve_experiment(ref: str, db: str | None) -> tuple[Experiment, Store | None]:
    path = Path(ref).expanduser()
    if path.exists() or ref.endswith(".json") or "/" in ref or "\\" in ref:
        try:
            return load_experiment(path), None
        except ExperimentError as exc:
            raise problems_of(exc) from None
    store = open_store(db)
    try:
        return store.get_experiment(ref), store
    except KeyError:
        store.close()
        raise CliError(f"{ref}: no such file, and no stored experiment has this id",
                       "  `orchestrator list` shows the stored experiments") from None
    except ExperimentError as exc:
        store.close()
        raise problems_of(exc, f"stored experiment {ref!r}") from None


def find_preset(name: str, store: Store | None, db: str | None) -> Preset:
    wanted = _key(name)
    for preset in builtin_presets():
        if _key(preset.name) == wanted:
            return preset
    with borrowed_store(store, db) as own:
        presets = own.list_presets()
    for preset in presets:
        if _key(preset.name) == wanted:
            return preset
    names = ", ".join(repr(p.name) for p in presets)
    raise CliError(f"--preset: no preset named {name!r}; known presets: {names}")


def _key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def resolve_input(text: str | None, preset: Preset | None) -> dict[str, Any]:
    base: dict[str, Any] = dict(preset.input) if preset else {}
    if text is None:
        return base
    if text.startswith("@"):
        source = text[1:]
        what = "--input (stdin)" if source == "-" else f"--input file {source}"
        try:
            raw = (jsonio.read_stream_bounded(sys.stdin.buffer, what=what) if source == "-"
                   else jsonio.read_bounded(Path(source).expanduser(), what=what))
        except OSError as exc:
            raise CliError(f"{what}: cannot read it: {exc.strerror or exc}") from None
        except jsonio.JSONProblem as exc:
            raise CliError(str(exc)) from None
    else:
        what, raw = "--input", text.encode("utf-8")
    try:
        value = jsonio.parse_json(raw, what=what)
    except jsonio.JSONProblem as exc:
        raise CliError(str(exc)) from None
    if not isinstance(value, dict):
        raise CliError(f"{what}: the run input must be a JSON object ({{...}})")
    return {**base, **value}


def say_baseline(comparison: RunComparison | None) -> None:
    """New runs are compared with the experiment's starred baseline, when there is one."""
    if comparison is None:
        return
    head = f"vs baseline {str(comparison.run_a)[:8]}:"
    first = comparison.first_divergence
    if comparison.same_behaviour:
        say(f"{head} same behaviour")
    elif first is None:
        say(f"{head} status {comparison.status_a} -> {comparison.status_b}")
    else:
        changed = sum(1 for step in comparison.steps if step.diverged)
        say(f"{head} {changed} step(s) differ, first at {first.step_id!r} "
            f"({', '.join(first.reasons)}); `orchestrator diff {str(comparison.run_a)[:8]} "
            f"{str(comparison.run_b)[:8]}` shows how")


def report(record: dict[str, Any], *, saved: bool | None, store_path: Path | None,
           show_output: bool = True) -> None:
    """The run's output on stdout (for pipes); the verdict on stderr. ``saved`` None: the
    run was not to be kept (``--no-save``); False: it could not be (say_not_saved)."""
    status = record["status"]
    if show_output and record.get("output") is not None:
        print_json(record["output"])
    error = record.get("error")
    if error:
        where = f" at step {error['stepId']!r}" if error.get("stepId") else ""
        say(f"{status}{where}: {error.get('type')}: {error.get('message')}")
    where = (f" (saved in {store_path})" if saved and store_path
             else " (NOT saved)" if saved is False else " (not saved)")
    say(f"{status} in {duration(record.get('durationMs'))}; run {record['runId']}{where}")
