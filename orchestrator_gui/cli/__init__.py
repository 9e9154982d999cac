"""``orchestrator``: the command line (docs/cli.md). No Qt is imported here.

``main(argv)`` returns the exit code: 0 run success or filtered, 1 the run
ended otherwise, 2 invalid document, input or usage (reasons on stderr), 3 done
but not stored (a full disk, a read-only database: docs/cli.md).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from orchestrator_gui.cli.commands import (
    export_command,
    history_command,
    import_command,
    list_command,
    schema_command,
    show_command,
    validate_command,
)
from orchestrator_gui.cli.db import db_command
from orchestrator_gui.cli.diff import baseline_command, diff_command, replay_command
from orchestrator_gui.cli.endpoints import endpoints_command
from orchestrator_gui.cli.output import INVALID, NOT_SAVED, RUN_FAILED, CliError, say
from orchestrator_gui.cli.parser import build_parser
from orchestrator_gui.cli.run import run_command
from orchestrator_gui.cli.stores import store_problem
from orchestrator_gui.cli.suite import test_command
from orchestrator_gui.cli.sweep import sweep_command
from orchestrator_gui.cli.trust import trust_command
from orchestrator_gui.core import known_secrets
from orchestrator_gui.store import StoreError
from orchestrator_gui.store.database import StoreWriteError

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": run_command,
    "validate": validate_command,
    "list": list_command,
    "history": history_command,
    "show": show_command,
    "import": import_command,
    "export": export_command,
    "schema": schema_command,
    "diff": diff_command,
    "test": test_command,
    "sweep": sweep_command,
    "baseline": baseline_command,
    "replay": replay_command,
    "endpoints": endpoints_command,
    "trust": trust_command,
    "db": db_command,
}

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (argparse said why)
        return exc.code if isinstance(exc.code, int) else INVALID
    if args.verb is None:
        parser.print_help(sys.stderr)
        return INVALID
    _configure_logging(args.verbose)
    try:
        return COMMANDS[args.verb](args)
    except StoreWriteError as exc:  # import, baseline...: the change was not kept
        say(f"{exc}; nothing was changed")
        return NOT_SAVED
    except (CliError, StoreError) as exc:  # StoreError: e.g. the file found damaged mid-way
        problem = exc if isinstance(exc, CliError) else store_problem(exc)
        for line in problem.lines:
            say(line)
        return problem.code
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    except BrokenPipeError:  # `orchestrator history | head`
        return 0
    except Exception as exc:
        say(f"orchestrator: unexpected error: {type(exc).__name__}: {exc}")
        if args.verbose:  # through logging, so the traceback is scrubbed like every record
            logging.getLogger("orchestrator_gui.cli").error("the traceback:", exc_info=exc)
        else:
            say("  run again with --verbose for the details")
        return RUN_FAILED


def _configure_logging(verbose: bool) -> None:
    """Quiet by default: progress lines already show what steps log, and a failing step's
    traceback belongs in --verbose, not in front of someone who gave a bad input.

    Every record is scrubbed of known secrets and sensitive response headers
    (core/known_secrets.py), whichever logger wrote it: ``-v`` shows httpx's and
    httpcore's DEBUG traces."""
    known_secrets.install_log_scrubber()
    package = logging.getLogger("orchestrator_gui")
    if verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    elif not package.handlers:
        package.addHandler(logging.NullHandler())
        package.propagate = False
