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
    OK,
    RUN_FAILED,
    CliError,
    duration,
    print_json,
    problems_of,
    say,
)
from orchestrator_gui.cli.progress import Progress
from orchestrator_gui.cli.stores import open_store
from orchestrator_gui.core import jsonio
from orchestrator_gui.core.baselines import compare_to_baseline
from orchestrator_gui.core.compare import RunComparison
from orchestrator_gui.core.document import Experiment, load_experiment
from orchestrator_gui.core.engine import run_experiment
from orchestrator_gui.core.errors import ExperimentError, InputError
from orchestrator_gui.store import Preset, Store
from orchestrator_gui.store.shipped import builtin_presets


def run_command(args: argparse.Namespace) -> int:
    store: Store | None = None
    try:
        experiment, store = resolve_experiment(args.experiment, args.db)
        preset = find_preset(args.preset, store, args.db) if args.preset else None
        run_input = resolve_input(args.input, preset)
        if not args.no_save and store is None:
            store = open_store(args.db)
        scenario = args.scenario or (preset.name if preset else "custom")
        progress = None if args.quiet else Progress(show_logs=True)
        try:
            result = asyncio.run(run_experiment(
                experiment, run_input, scenario=scenario, dry_run=args.dry_run,
                store=None if args.no_save else store, on_event=progress))
        except InputError as exc:
            raise CliError(f"--input: {exc}") from None
        except KeyboardInterrupt:
            say("cancelled (Ctrl-C); the run is kept as cancelled"
                if not args.no_save else "cancelled (Ctrl-C)")
            return RUN_FAILED
        if store is not None and not args.no_save and not args.quiet:
            say_baseline(compare_to_baseline(store, result.run_id))
    finally:
        if store is not None:
            store.close()
    record = result.to_record()
    if args.json:
        print_json(record)
    if not (args.json and args.quiet):
        report(record, saved=not args.no_save, store_path=store.path if store else None,
               show_output=not args.json)
    return OK if result.status in ("success", "filtered") else RUN_FAILED


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
    own = store or open_store(db)
    try:
        presets = own.list_presets()
    finally:
        if store is None:
            own.close()
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


def report(record: dict[str, Any], *, saved: bool, store_path: Path | None,
           show_output: bool = True) -> None:
    """The run's output on stdout (for pipes); the verdict on stderr."""
    status = record["status"]
    if show_output and record.get("output") is not None:
        print_json(record["output"])
    error = record.get("error")
    if error:
        where = f" at step {error['stepId']!r}" if error.get("stepId") else ""
        say(f"{status}{where}: {error.get('type')}: {error.get('message')}")
    where = f" (saved in {store_path})" if saved and store_path else " (not saved)"
    say(f"{status} in {duration(record.get('durationMs'))}; run {record['runId']}{where}")
