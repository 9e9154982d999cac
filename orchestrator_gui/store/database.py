"""Opening the SQLite file: engine, pragmas, transactions, schema version, migrations.

- WAL journal with ``synchronous=NORMAL``: a commit is an append to the
  write-ahead log (no fsync), so committing every finished step costs well
  under a millisecond, and a killed process loses nothing it committed
  (a power cut may lose the last few commits, never the file's integrity).
- We issue ``BEGIN`` ourselves (the sqlite3 module's implicit transactions
  are switched off): multi-statement reads use a plain deferred ``BEGIN``,
  single-statement reads none at all (:func:`reader`); every write goes
  through :func:`writer`, whose sessions start with ``BEGIN IMMEDIATE`` so
  two processes writing at once wait for each other (``busy_timeout``)
  instead of failing to upgrade a read lock.
- The schema version lives in the ``store_meta`` table. To change the schema,
  bump ``SCHEMA_VERSION`` and add ``MIGRATIONS[new_version]``, a function that
  moves a database of the previous version forward; before migrating, the file
  is copied to ``<name>.bak-v<old>`` with SQLite's online backup.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import create_engine

from orchestrator_gui.core.errors import OrchestratorError
from orchestrator_gui.store.tables import TABLES, BaselineRow, SuiteRunRow, TrustRow

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
# MIGRATIONS[n] turns a version n-1 database into version n, inside one
# BEGIN IMMEDIATE transaction, e.g.
#   def _to_v3(conn): conn.exec_driver_sql("ALTER TABLE runs ADD COLUMN tags TEXT")
#   MIGRATIONS[3] = _to_v3


def _to_v2(conn: Connection) -> None:
    """Version 2 adds ``baselines`` and ``suite_runs``; existing tables are untouched."""
    for table in (BaselineRow.__table__, SuiteRunRow.__table__):  # type: ignore[attr-defined]
        table.create(conn, checkfirst=True)


def _to_v3(conn: Connection) -> None:
    """Version 3 adds ``trusted_documents`` (approved exposures, core/trust.py)."""
    TrustRow.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


MIGRATIONS: dict[int, Callable[[Connection], None]] = {2: _to_v2, 3: _to_v3}
BUSY_TIMEOUT_MS = 10_000


class StoreError(OrchestratorError):
    """The database cannot be opened or used; the message says which file and what to do."""


class StoreWriteError(StoreError):
    """A write did not reach the database (a full disk, a read-only or failing file):
    nothing of it was kept. ``reason`` is SQLite's own words, e.g. "database or disk is
    full"; the message adds the file and what was being written."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def reason_of(exc: BaseException) -> str:
    """SQLite's words for a failed statement, without SQLAlchemy's SQL and parameters."""
    return str(getattr(exc, "orig", None) or exc)


# SQLite's primary result codes for "the file cannot take writes": SQLITE_PERM, _READONLY,
# _IOERR (a full disk while the -shm/-wal files grow, a file system gone read-only), _FULL,
# _CANTOPEN (no room or no right to create the -wal/-shm next to the database)
_UNWRITABLE = frozenset({3, 8, 10, 13, 14})


def open_failure(exc: BaseException, path: Path) -> StoreError:
    """The error for a database that cannot be opened: a :class:`StoreWriteError` when the
    file is fine but cannot be written (the CLI still runs, then says NOT saved), else a
    plain :class:`StoreError` (not a database, a newer schema...)."""
    message = explain(exc, path)
    if unwritable(exc):
        return StoreWriteError(message, reason_of(exc) + _disk_note(path, reason_of(exc)))
    return StoreError(message)


def unwritable(exc: BaseException) -> bool:
    """Whether SQLite failed because the file cannot take writes (``_UNWRITABLE``)."""
    code = getattr(getattr(exc, "orig", None) or exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _UNWRITABLE


def _disk_note(path: Path, detail: str) -> str:
    """SQLite says "disk I/O error" when the disk is full as a -shm file grows: say which."""
    if "full" in detail:
        return ""
    try:
        stat = os.statvfs(path.parent)
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        return ""
    return " (the disk holding it is full)" if stat.f_bavail == 0 else ""


@contextmanager
def writing(path: Path, what: str) -> Iterator[None]:
    """Turn a failed write into :class:`StoreWriteError` ("could not save the experiment
    in FILE: database or disk is full"), so that every caller, CLI or app, says it was not
    kept instead of showing a driver's traceback."""
    try:
        yield
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        reason = reason_of(exc)
        raise StoreWriteError(f"could not {what} in {path}: {reason}", reason) from None


def create_db_engine(path: Path) -> Engine:
    """An engine for the file at ``path`` with our pragmas and explicit transactions."""
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # no implicit BEGIN: see _on_begin
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                       f"busy_timeout={BUSY_TIMEOUT_MS}"):
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        if mode != "NONE":
            conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions start with ``BEGIN IMMEDIATE``."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def reader(engine: Engine) -> Engine:
    """The same engine for one-statement reads: no BEGIN/ROLLBACK round trip (a single
    SELECT is its own consistent snapshot in SQLite)."""
    return engine.execution_options(sqlite_begin="NONE")


def prepare(engine: Engine, path: Path) -> None:
    """Create the tables on a new file, migrate an older one, refuse a newer one."""
    try:
        with engine.connect() as conn:
            version = _read_version(conn)
        if version == SCHEMA_VERSION:  # nothing to write: a read-only file opens too
            return
        if version is not None and version < SCHEMA_VERSION:
            backup(path, path.with_name(f"{path.name}.bak-v{version}"))
        with writer(engine).begin() as conn:
            version = _read_version(conn)  # again: another process may have done it meanwhile
            if version is None:
                for table in TABLES:
                    table.create(conn, checkfirst=True)
                _write_version(conn, SCHEMA_VERSION)
            elif version < SCHEMA_VERSION:
                migrate(conn, version)
            elif version > SCHEMA_VERSION:
                raise StoreError(
                    f"{path} was written by a newer Experiment Orchestrator (schema "
                    f"version {version}, this one knows {SCHEMA_VERSION}); upgrade the app "
                    "or use another database with --db"
                )
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        raise open_failure(exc, path) from None


def migrate(conn: Connection, version: int) -> None:
    for target in range(version + 1, SCHEMA_VERSION + 1):
        step = MIGRATIONS.get(target)
        if step is None:
            raise StoreError(f"no migration from schema version {target - 1} to {target}")
        log.info("migrating the database to schema version %d", target)
        step(conn)
        _write_version(conn, target)


def backup(source: Path, target: Path) -> None:
    """A consistent copy of a live database (SQLite's online backup API)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def explain(exc: BaseException, path: Path) -> str:
    detail = reason_of(exc)
    if isinstance(exc, OperationalError) and "locked" in detail:
        return f"{path}: the database is busy (locked by another program); try again"
    if "not a database" in detail or "malformed" in detail:
        return (f"{path} is not a usable Experiment Orchestrator database ({detail}); "
                "move it aside or choose another file with --db")
    return f"{path}: cannot use the database: {detail}{_disk_note(path, detail)}"


def _read_version(conn: Connection) -> int | None:
    if not inspect(conn).has_table("store_meta"):
        return None
    value = conn.execute(
        text("SELECT value FROM store_meta WHERE key = 'schema_version'")
    ).scalar_one_or_none()
    return int(value) if value is not None else None


def _write_version(conn: Connection, version: int) -> None:
    conn.execute(
        text("INSERT INTO store_meta (key, value) VALUES ('schema_version', :v) "
             "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
        {"v": str(version)},
    )
