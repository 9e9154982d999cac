"""Noticing a damaged database: the check at open, and SQLite's corruption errors later.

A store file may come from anywhere (copied, synced, restored from a backup, hit by a
disk error), so bytes in it may have changed behind SQLite's back. SQLite does not
look for that on its own: a damaged page is reported only when something reads it,
and text whose bytes changed inside a row is handed back as it is. So:

- :func:`check_file` runs before the store writes anything (``Store.open``): SQLite's
  ``PRAGMA integrity_check`` (every page's structure, and every index against its table),
  our tables' columns as the schema declares them, and one read of every row of every
  table (text that no longer decodes as UTF-8, the commonest trace of changed bytes,
  which the integrity check cannot see). It reads through :func:`read_connection`,
  which writes nothing, not even a checkpoint. Measured in docs/benchmarks.md (issue
  20, "database check at open").
- :func:`is_damage` recognises SQLite's corruption errors (``SQLITE_CORRUPT``,
  ``SQLITE_NOTADB``, undecodable text) however they are wrapped; :class:`DamageGuard`
  turns them into :class:`StoreDamaged` and, from then on, refuses every write.
"""

from __future__ import annotations

import logging
import shlex
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, event

from orchestrator_gui.store.database import BUSY_TIMEOUT_MS, StoreError
from orchestrator_gui.store.tables import TABLES

log = logging.getLogger(__name__)

SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26
# What the sqlite3 module says when the primary code is not attached (older builds, and
# text it cannot decode, which it reports itself).
DAMAGE_MARKS = ("database disk image is malformed", "file is not a database",
                "malformed database schema", "Could not decode to UTF-8")
SQLITE_MAGIC = b"SQLite format 3\x00"
# Columns holding JSON this program wrote (the experiments' ``definition`` is not one:
# users may write it by hand, and the library lists a bad one as invalid).
JSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "runs": ("input", "output", "error", "definition"),
    "step_runs": ("input", "output", "error", "logs", "extra"),
    "presets": ("input",),
    "suite_runs": ("results",),
}
MAX_DETAIL = 200  # the driver quotes the undecodable text: keep messages short
SCAN_BATCH = 500


class StoreDamaged(StoreError):
    """The file's bytes are not a sound database; nothing more is written to it."""

    def __init__(self, path: Path, detail: str = "") -> None:
        self.path = path
        self.detail = detail
        self.lines = damaged_lines(path, detail)
        super().__init__("\n".join(self.lines))


def damaged_lines(path: Path, detail: str = "") -> list[str]:
    """The message, CLI and app alike: what is wrong, that nothing was written, what to do."""
    where = shlex.quote(str(path))
    return [
        f"the database at {path} is damaged" + (f" ({detail})" if detail else ""),
        "  nothing more is written to it; it is kept as it is",
        f"  `orchestrator db check --db {where}` lists what is wrong",
        f"  `orchestrator db recover --db {where}` copies what is readable into a new file",
    ]


def is_damage(exc: BaseException) -> bool:
    """True for SQLite's "this file is damaged" errors, also wrapped by SQLAlchemy."""
    original = getattr(exc, "orig", None) or exc
    if not isinstance(original, sqlite3.DatabaseError):
        return False
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return True
    text = str(original)
    return any(mark in text for mark in DAMAGE_MARKS)


def unparsable(exc: BaseException) -> str:
    """The detail for JSON text we wrote that no longer parses (bytes changed in a row)."""
    return f"a stored JSON text does not parse: {describe(exc)}"


def describe(exc: BaseException) -> str:
    """The driver's words, without the (possibly huge, possibly binary) text it quotes."""
    text = str(getattr(exc, "orig", None) or exc).split(" with text ", 1)[0]
    if "not a database" in text:
        text = f"not a usable Experiment Orchestrator database: {text}"
    return text if len(text) <= MAX_DETAIL else text[:MAX_DETAIL] + "..."


class DamageGuard:
    """One store's memory that its file was found damaged: later writes are refused.

    ``found`` is called wherever SQLite's error surfaces (reads on the UI thread, the
    writer thread); ``listeners`` hear of the first one (the app shows its dialog)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.detail: str | None = None
        self.listeners: list[Callable[[StoreDamaged], None]] = []

    @property
    def damaged(self) -> bool:
        return self.detail is not None

    def found(self, exc: BaseException, detail: str | None = None) -> StoreDamaged:
        first = self.detail is None
        if first:
            self.detail = detail or describe(exc)
        damage = StoreDamaged(self.path, self.detail or "")
        if first:
            for listener in list(self.listeners):
                try:
                    listener(damage)
                except Exception:  # a listener's trouble must not hide the damage
                    log.exception("store damage listener %r failed", listener)
        return damage

    def refuse_writes(self) -> None:
        if self.detail is not None:
            raise StoreDamaged(self.path, self.detail)


def watch(engine: Engine, guard: DamageGuard) -> None:
    """Route ``engine``'s corruption errors through ``guard``, and refuse its writes
    (transactions begun ``IMMEDIATE``, see ``database.writer``) once it has seen one."""

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        if is_damage(context.original_exception):
            raise guard.found(context.original_exception) from None

    @event.listens_for(engine, "begin", insert=True)  # before database.py's BEGIN
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("sqlite_begin") == "IMMEDIATE":
            guard.refuse_writes()


def check_file(path: Path, *, limit: int = 1, parse_json: bool = False) -> list[str]:
    """What is wrong with the database at ``path`` (at most about ``limit`` problems);
    ``[]`` when nothing is, or when there is no database there yet. ``parse_json`` also
    parses every JSON text we wrote (``orchestrator db check``; ~3x the time, so not at
    every open: such a row is found when it is read, see ``Store._stored_json``).

    Raises ``sqlite3.DatabaseError`` for trouble that is not damage (a locked file)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return []
    if size == 0:
        return []  # SQLite's own way of starting a new database
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        return ["not a usable Experiment Orchestrator database: "
                "it does not start like a SQLite database"]
    try:
        conn = read_connection(path)
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return [describe(exc)]
        raise
    try:
        return _problems(conn, max(limit, 1), parse_json)
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return [describe(exc)]
        raise
    except UnicodeDecodeError as exc:  # SQLite quoting damaged schema text in its error
        return [f"the schema holds text that is not UTF-8 ({exc.reason})"]
    finally:
        conn.close()


def read_connection(path: Path) -> sqlite3.Connection:
    """A connection for reading ``path`` that writes nothing to it.

    Read-only when a write-ahead log holds commits (a crash left it, or another process
    is writing): closing a read-write connection last would checkpoint them into the
    file. Otherwise read-write, whose close removes the -wal/-shm files it made (a
    read-only connection leaves them behind); reading writes nothing either way."""
    wal = path.with_name(path.name + "-wal")
    mode = "ro" if wal.exists() and wal.stat().st_size > 0 else "rw"
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True,
                           timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)


def _problems(conn: sqlite3.Connection, limit: int, parse_json: bool) -> list[str]:
    try:
        found = [str(row[0]) for row in conn.execute(f"PRAGMA integrity_check({int(limit)})")]
    except sqlite3.DatabaseError as exc:
        if limit == 1 or not is_damage(exc):
            raise
        found = _each_table(conn, limit)  # say which tables the damage is in
    if found != ["ok"]:
        lines = [" ".join(line.replace("*** in database main ***", "").split())
                 for line in found]
        return [line for line in lines if line][:limit] or ["integrity_check failed"]
    problems = _schema_problems(conn)[:limit]
    for table in table_names(conn):
        if len(problems) >= limit:
            break
        problem = _unreadable(conn, table, JSON_COLUMNS.get(table, ()) if parse_json else ())
        if problem:
            problems.append(problem)
    return problems


def _schema_problems(conn: sqlite3.Connection) -> list[str]:
    """Our tables as the file declares them: changed bytes in the schema's SQL text may
    still parse (the integrity check is content then) yet lose a column every query needs."""
    present = set(table_names(conn))
    if "store_meta" not in present:
        return []  # not (yet) a store of ours: opening creates the tables
    problems = []
    for table in TABLES:
        if table.name not in present:
            if table.name in ("baselines", "suite_runs"):
                continue  # schema version 1; the migration adds them
            problems.append(f"table {table.name} is missing")
            continue
        declared = {str(row[1]) for row in
                    conn.execute(f"PRAGMA table_info({quote_name(table.name)})")}
        missing = sorted(c.name for c in table.columns if c.name not in declared)
        if missing:
            problems.append(f"table {table.name}: column {', '.join(missing)} missing "
                            "(its schema text is damaged)")
    return problems


def _each_table(conn: sqlite3.Connection, limit: int) -> list[str]:
    found: list[str] = []
    for table in table_names(conn):
        try:
            rows = conn.execute(f"PRAGMA integrity_check({quote_name(table)})").fetchall()
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            rows = [(describe(exc),)]
        found += [f"table {table}: {row[0]}" for row in rows if row[0] != "ok"]
    return found[:limit] or ["ok"]


def table_names(conn: sqlite3.Connection) -> list[str]:
    return [str(row[0]) for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]


def _unreadable(conn: sqlite3.Connection, table: str, json_columns: tuple[str, ...]) -> str | None:
    """Read every row once (in batches: memory stays flat); the first problem, if any."""
    try:
        cursor = conn.execute(f"SELECT * FROM {quote_name(table)}")
        names = [column[0] for column in cursor.description]
        json_at = [i for i, name in enumerate(names) if name in json_columns]
        while rows := cursor.fetchmany(SCAN_BATCH):
            for row in rows if json_at else ():
                for i in json_at:
                    if row[i] is not None:
                        orjson.loads(row[i])
    except orjson.JSONDecodeError as exc:
        return f"table {table}: {unparsable(exc)}"
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        return f"table {table}: {describe(exc)}"
    return None


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
