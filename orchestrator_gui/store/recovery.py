"""Salvaging a damaged database: what can still be read goes into a new file.

Why here, in Python, and not the ``sqlite3`` shell's ``.recover``: the shell is
not part of Python (nor of the frozen app), and Python's sqlite3 module has no
``.recover`` (its ``sqlite_dbdata`` reader lives in the shell only). So we read
table by table through SQLite, in rowid order, and step over what cannot be read:

- a damaged page stops a scan; the scan then probes rowids further on (doubling
  the jump) to land beyond the damage, so rows after it are kept;
- a row whose text does not decode as UTF-8, or whose JSON (``integrity.JSON_COLUMNS``,
  the JSON this program writes) does not parse, is left out: such a row would fail
  again in every command that reads it;
- a step whose run was lost is left out (the foreign key).

The new file is a fresh store of this version (``Store.open``), filled in one
transaction and renamed into place when complete: never half-written. The
damaged file is only read (``integrity.read_connection``), never changed.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from orchestrator_gui.store.database import SCHEMA_VERSION, StoreError
from orchestrator_gui.store.integrity import (
    JSON_COLUMNS,
    describe,
    is_damage,
    quote_name,
    read_connection,
)
from orchestrator_gui.store.tables import TABLES

MAX_PROBES = 64  # jumps tried past one damaged stretch (2**64: any rowid)
MAX_ROWID = 2**63 - 1


@dataclass
class TableSalvage:
    """What happened to one table: rows copied, rows read but left out, stretches skipped."""

    name: str
    copied: int = 0
    left_out: int = 0
    skipped: int = 0  # damaged stretches stepped over (their rows are lost, count unknown)
    unreadable: bool = False  # not even its columns could be read
    reasons: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not (self.left_out or self.skipped or self.unreadable)


@dataclass
class Salvage:
    source: Path
    target: Path
    tables: list[TableSalvage]

    @property
    def complete(self) -> bool:
        return all(t.complete for t in self.tables)


def default_target(source: Path, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return source.with_name(f"{source.name}.recovered-{stamp}.db")


def recover(source: Path, target: Path) -> Salvage:
    """Copy what is readable of ``source`` into the new file ``target`` (which must not
    exist). ``StoreError`` if nothing at all can be read (the schema is unreadable)."""
    from orchestrator_gui.store.store import Store

    if target.exists():
        raise StoreError(f"{target} already exists; give another file with -o")
    try:
        damaged = read_connection(source)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{source}: cannot be opened at all ({describe(exc)})") from None
    damaged.text_factory = bytes  # decoded by us, row by row (a bad one is left out)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        names = _readable_tables(damaged, source)
        Store.open(partial, seed_examples=False).close()  # the tables of this version
        fresh = sqlite3.connect(partial, isolation_level=None)
        try:
            fresh.execute("PRAGMA foreign_keys=ON")
            fresh.execute("BEGIN IMMEDIATE")
            tables = [_copy(damaged, fresh, table.name, names) for table in TABLES]
            fresh.execute("COMMIT")
            fresh.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            fresh.close()
        os.replace(partial, target)
    finally:
        damaged.close()
        for leftover in (partial, *(Path(f"{partial}{s}") for s in ("-wal", "-shm",
                                                                      "-journal"))):
            leftover.unlink(missing_ok=True)
    return Salvage(source, target, tables)


def _readable_tables(conn: sqlite3.Connection, source: Path) -> set[str]:
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{source}: nothing can be read, its table list is damaged "
                         f"({describe(exc)}); no file was written") from None
    return {bytes(row[0]).decode("utf-8", "replace") for row in rows}


def _copy(damaged: sqlite3.Connection, fresh: sqlite3.Connection, table: str,
          present: set[str]) -> TableSalvage:
    report = TableSalvage(table)
    if table not in present:
        return report  # an older schema without it: nothing to copy, nothing lost
    ours = [row[1] for row in fresh.execute(f"PRAGMA table_info({quote_name(table)})")]
    try:
        theirs = {bytes(row[1]).decode() for row in
                  damaged.execute(f"PRAGMA table_info({quote_name(table)})")}
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        report.unreadable = True
        report.reasons.append(str(exc))
        return report
    columns = [c for c in ours if c in theirs]
    json_at = [i for i, c in enumerate(columns) if c in JSON_COLUMNS.get(table, ())]
    select = (f"SELECT rowid, {', '.join(quote_name(c) for c in columns)} "
              f"FROM {quote_name(table)} WHERE rowid > ? ORDER BY rowid")
    verb = "INSERT OR REPLACE" if table == "store_meta" else "INSERT OR IGNORE"
    insert = (f"{verb} INTO {quote_name(table)} ({', '.join(quote_name(c) for c in columns)})"
              f" VALUES ({', '.join('?' for _ in columns)})")
    after: int | None = -MAX_ROWID - 1
    while after is not None:
        try:
            for row in damaged.execute(select, (after,)):  # row by row: a damaged page
                values = _decoded(row[1:], json_at)       # loses only what lies on it
                if values is None or not _inserted(fresh, insert, values, table):
                    report.left_out += 1
                else:
                    report.copied += 1
                after = int(row[0])
            break
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            report.skipped += 1
            if len(report.reasons) < 3:
                report.reasons.append(describe(exc))
            after = _beyond_damage(damaged, table, after)
    return report


def _beyond_damage(conn: sqlite3.Connection, table: str, after: int) -> int | None:
    """A rowid to go on after, past the damaged stretch behind ``after``; None if none."""
    probe = f"SELECT rowid FROM {quote_name(table)} WHERE rowid > ? ORDER BY rowid LIMIT 1"
    jump = 1
    for _ in range(MAX_PROBES):
        start = min(after + jump, MAX_ROWID)
        try:
            found = conn.execute(probe, (start,)).fetchone()
        except sqlite3.DatabaseError:
            found = ()  # still inside the damage
        if found is None:
            return None  # nothing readable lies beyond
        if found:
            return start  # rows after `start` are reachable again
        if start >= MAX_ROWID:
            return None
        jump *= 2
    return None


def _decoded(values: tuple[Any, ...], json_at: list[int]) -> list[Any] | None:
    out: list[Any] = []
    for value in values:
        if isinstance(value, bytes):
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError:
                return None
        out.append(value)
    for index in json_at:
        if out[index] is not None:
            try:
                orjson.loads(out[index])
            except orjson.JSONDecodeError:
                return None
    return out


def _inserted(conn: sqlite3.Connection, sql: str, values: list[Any], table: str) -> bool:
    if table == "store_meta" and values and values[0] == "schema_version":
        return True  # the new file's own version stands (SCHEMA_VERSION)
    try:
        return conn.execute(sql, values).rowcount > 0
    except sqlite3.IntegrityError:  # a step whose run was lost; a NOT NULL hit by damage
        return False


def salvage_lines(salvage: Salvage) -> list[str]:
    """The report for people: per table what was copied and lost; how to switch."""
    width = max(len(t.name) for t in salvage.tables)
    lines = [f"recovered into {salvage.target} (schema version {SCHEMA_VERSION})"]
    for t in salvage.tables:
        lost = []
        if t.unreadable:
            lost.append("unreadable, nothing copied")
        if t.left_out:
            lost.append(f"{t.left_out} damaged row{'s' * (t.left_out != 1)} left out")
        if t.skipped and not t.unreadable:
            lost.append(f"{t.skipped} damaged stretch{'es' * (t.skipped != 1)} skipped "
                        "(rows there are lost)")
        lines.append(f"  {t.name.ljust(width)}  {t.copied} copied"
                     + (f"; {'; '.join(lost)}" if lost else ", nothing lost"))
    lines.append(f"the damaged file is kept unchanged: {salvage.source}")
    return lines

