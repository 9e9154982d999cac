"""``orchestrator db check`` and ``db recover``: look at a database that may be damaged.

Why it exists: every verb refuses a damaged database (exit 2) and writes nothing to
it, so the user needs a way to see what is wrong and to get back what can still be
read. Neither verb opens the store (that would refuse the file): ``check`` runs the
same check as opening does, listing more problems; ``recover`` copies what is
readable into a new file (store/recovery.py) and leaves the damaged one as it was.
"""

from __future__ import annotations

import argparse
import shlex
import sqlite3
from pathlib import Path

from orchestrator_gui.cli.output import INVALID, OK, CliError, say
from orchestrator_gui.store import StoreError
from orchestrator_gui.store.database import explain
from orchestrator_gui.store.integrity import check_file, damaged_lines
from orchestrator_gui.store.location import resolve_db_path

MAX_PROBLEMS = 20

HELP = (
    "check the database for damage, or recover what is readable",
    "  check    run SQLite's integrity check, read every row (what opening the\n"
    "           database also does) and parse every stored JSON text; lists what is wrong\n"
    "  recover  copy what is readable into a new file (-o FILE, default\n"
    "           PATH.recovered-YYYYMMDD-HHMMSS.db); the damaged file is kept unchanged\n"
    "The database is --db PATH, else $ORCHESTRATOR_DB, else the user-data folder's.",
    "examples:\n"
    "  orchestrator db check\n"
    "  orchestrator db recover --db ~/orchestrator.db -o ~/orchestrator-recovered.db\n\n"
    "exit codes: 0 no damage found, or recovered; 2 damage found, or nothing could be\n"
    "            recovered",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="look for damage (exit 2 if any)")
    recover = actions.add_parser("recover", help="copy what is readable into a new file")
    recover.add_argument("-o", "--output", metavar="FILE",
                         help="the new file (must not exist; default "
                              "PATH.recovered-YYYYMMDD-HHMMSS.db)")
    for sub in (check, recover):  # `orchestrator db check --db X` reads naturally
        sub.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                         help="the database file")


def db_command(args: argparse.Namespace) -> int:
    path = resolve_db_path(args.db)
    if not path.is_file():
        raise CliError(f"{path}: no such database file")
    if args.action == "recover":
        return _recover(path, args.output)
    return _check(path)


def _check(path: Path) -> int:
    try:
        problems = check_file(path, limit=MAX_PROBLEMS, parse_json=True)
    except (OSError, sqlite3.DatabaseError) as exc:
        raise CliError(explain(exc, path)) from None
    if not problems:
        print(f"{path}: ok (integrity check passed, every row and JSON text read)")
        return OK
    head, *_said, recover_hint = damaged_lines(path)
    say(f"{head}:")
    for problem in problems:
        say(f"  - {problem}")
    say(recover_hint)
    return INVALID


def _recover(path: Path, output: str | None) -> int:
    from orchestrator_gui.store.recovery import default_target, recover, salvage_lines

    target = Path(output).expanduser() if output else default_target(path)
    if not target.parent.is_dir():
        raise CliError(f"{target}: the folder {target.parent} does not exist")
    try:
        salvage = recover(path, target)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    except (OSError, sqlite3.DatabaseError) as exc:
        raise CliError(explain(exc, path)) from None
    for line in salvage_lines(salvage):
        print(line)
    new, old = shlex.quote(str(target)), shlex.quote(str(path))
    print(f"to use it: add --db {new} (or set ORCHESTRATOR_DB), or put it in place:")
    print(f"  mv {old} {shlex.quote(str(path) + '.damaged')} && mv {new} {old}")
    return OK
