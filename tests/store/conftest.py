"""Store fixtures: a real SQLite file per test (tests/conftest.py points ORCHESTRATOR_DB there)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator_gui.store import Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "orchestrator.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    opened = Store.open(db_path)
    yield opened
    opened.close()


def raw(db_path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection, as another tool or the guide's SQL would use."""
    return sqlite3.connect(db_path, isolation_level=None)


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid
