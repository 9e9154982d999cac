"""Writing for people and for scripts: exit codes, problems on stderr, atomic files."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, TextIO

from orchestrator_gui.core import atomic, jsonio, known_secrets
from orchestrator_gui.core.errors import ExperimentError

OK = 0
RUN_FAILED = 1
INVALID = 2
NOT_SAVED = 3  # the work was done but could not be stored (docs/cli.md, "Exit codes")


class CliError(Exception):
    """Stops a verb with reasons for stderr and an exit code (2 unless said otherwise)."""

    def __init__(self, *lines: str, code: int = INVALID) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)
        self.code = code


def problems_of(exc: ExperimentError, label: str | None = None) -> CliError:
    """An ExperimentError as a header line plus one problem per line."""
    where = label or exc.source or "experiment"
    count = len(exc.problems)
    head = f"{where}: invalid experiment ({count} problem{'s' if count != 1 else ''}):"
    return CliError(head, *(f"  {problem}" for problem in exc.problems))


def say(message: str, stream: TextIO | None = None) -> None:
    """A line for people (stderr by default), known secret values replaced: errors quote
    URLs and servers' words."""
    print(known_secrets.scrub_known(message), file=stream or sys.stderr, flush=True)


def print_json(value: Any) -> None:
    sys.stdout.write(jsonio.dumps_pretty(value) + "\n")
    sys.stdout.flush()


def write_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` atomically (core.atomic), with CLI-friendly errors for bad targets."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise CliError(f"{target}: is a folder; give a file name")
    if not folder.is_dir():
        raise CliError(f"{target}: the folder {folder} does not exist")
    return atomic.write_atomic(target, text)


def duration(ms: float | None) -> str:
    if ms is None:
        return "-"
    if ms >= 1000:
        return f"{ms / 1000:.2f} s"
    return f"{ms:.1f} ms"


def table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=False))
        .rstrip() for line in lines
    )
