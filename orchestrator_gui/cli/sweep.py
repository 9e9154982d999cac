"""``orchestrator sweep``: the outcome of an experiment over a range of one input field.

Prints a table (one row per swept value, one column per grid value) and the
flip points; sweep runs are not kept in the history (a sweep is a question,
not a record).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from orchestrator_gui.cli.output import OK, CliError, print_json, table
from orchestrator_gui.cli.run import find_preset, resolve_experiment, resolve_input
from orchestrator_gui.cli.trust import require_trust
from orchestrator_gui.core import jsonio
from orchestrator_gui.core.sweeps import Sweep, run_sweep, spaced


def sweep_command(args: argparse.Namespace) -> int:
    experiment, store = resolve_experiment(args.experiment, args.db)
    try:
        require_trust(experiment, label=args.experiment, db=args.db, dry_run=args.dry_run,
                      allow_hosts=args.allow_host, store=store)
        preset = find_preset(args.preset, store, args.db) if args.preset else None
    finally:
        if store is not None:
            store.close()
    base = resolve_input(args.input, preset)
    grid_field, grid_values = parse_grid(args.grid) if args.grid else (None, [])
    try:
        values = spaced(args.start, args.stop, args.steps)
        sweep = asyncio.run(run_sweep(
            experiment, base, args.field, values, grid_field=grid_field,
            grid_values=grid_values, watch=args.watch, dry_run=args.dry_run,
            on_row=_counter if sys.stderr.isatty() else None))
    except ValueError as exc:
        raise CliError(f"sweep: {exc}") from None
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print_json(sweep.to_dict())
    else:
        print(sweep_text(sweep))
    return OK


def _counter(done: int, total: int, _row: object) -> None:
    print(f"\r{done}/{total} runs", end="", file=sys.stderr, flush=True)


def parse_grid(text: str) -> tuple[str, list[Any]]:
    """``email=null,person@eu.com`` -> ``("email", [None, "person@eu.com"])``."""
    field, sep, rest = text.partition("=")
    if not sep or not field.strip() or not rest:
        raise CliError(f"--grid {text!r}: write FIELD=VALUE1,VALUE2 (each JSON, or text)")
    return field.strip(), [_value(part) for part in rest.split(",")]


def _value(text: str) -> Any:
    try:
        return jsonio.parse_json(text.strip(), what="value")
    except jsonio.NumberProblem as exc:
        raise CliError(f"--grid: {text.strip()}: {exc.number.detail()}") from None
    except jsonio.JSONProblem:
        return text.strip()


def _show(value: Any) -> str:
    return jsonio.dumps(value).decode("utf-8") if not isinstance(value, str) else value


def sweep_text(sweep: Sweep) -> str:
    columns = sweep.grid_values
    headers = [sweep.field] + (
        [f"{sweep.grid_field}={jsonio.dumps(g).decode()}" for g in columns]
        if sweep.grid_field else [sweep.plotted()])
    cells: dict[tuple[float, str], str] = {}
    for row in sweep.rows:
        cells[(row.value, jsonio.dumps(row.grid_value).decode())] = (
            _show(row.outcome) if row.problem is None else f"refused: {row.problem}")
    rows = [[f"{value:g}", *(cells.get((value, jsonio.dumps(g).decode()), "-")
                             for g in columns)] for value in sweep.values]
    lines = [table(rows, headers), ""]
    flips = sweep.flips()
    if not flips:
        lines.append(f"no flip: {sweep.plotted()} is the same over the whole range")
    if not all(row.watched for row in sweep.rows if row.problem is None):
        lines.append(f"note: where a run did not record {sweep.watch}, its status is shown")
    for flip in flips:
        where = (f"{sweep.grid_field}={jsonio.dumps(flip.grid_value).decode()}: "
                 if sweep.grid_field else "")
        lines.append(f"flip: {where}between {sweep.field}={flip.low:g} and {flip.high:g}: "
                     f"{_show(flip.before)} -> {_show(flip.after)}")
    return "\n".join(lines)
