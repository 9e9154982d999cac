"""Real damaged stores for the tests: a store with real runs, then bytes overwritten.

The store is made the way the app and the CLI make it (``Store.open``, runs of the
shipped examples recorded through ``run_experiment``), closed cleanly, then bytes are
written into the file behind SQLite's back, as a disk error, a bad copy or a hostile
sender would.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import sqlite3
from pathlib import Path

from orchestrator_gui import run_experiment
from orchestrator_gui.core.engine import Engine
from orchestrator_gui.store import Store
from orchestrator_gui.store.shipped import builtin_presets

EXPERIMENTS = ("risk-assessment", "marketing-campaign", "feature-experiment",
               "compliance-workflow", "data-transformation")


USER = "tester"  # tests/conftest.py's ORCHESTRATOR_USER


def make_store(path: Path, runs: int = 30) -> list[str]:
    """A closed store at ``path`` holding ``runs`` real runs of ``USER``; their ids."""
    store = Store.open(path, user=USER)
    try:
        experiments = [store.get_experiment(e) for e in EXPERIMENTS]
        presets = builtin_presets()
        engine = Engine()

        async def fill() -> list[str]:
            ids = []
            for i in range(runs):
                preset = presets[i % len(presets)]
                result = await run_experiment(experiments[i % len(experiments)],
                                              dict(preset.input), scenario=preset.name,
                                              store=store, engine=engine)
                ids.append(result.run_id)
            return ids

        return asyncio.run(fill())
    finally:
        store.close()


def copy_store(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target


def overwrite(path: Path, offset: int, data: bytes) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(data)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pages_of(path: Path, name: str, kind: str | None = None) -> list[int]:
    """Page numbers of the b-tree ``name`` (a table or index), ``kind`` leaf/internal."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT pageno, pagetype FROM dbstat WHERE name = ? ORDER BY pageno",
                            (name,)).fetchall()
    finally:
        conn.close()
    return [page for page, pagetype in rows if kind is None or pagetype == kind]


def page_offset(path: Path, page: int) -> int:
    conn = sqlite3.connect(path)
    try:
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()
    return (page - 1) * size


def text_offset(path: Path, needle: bytes, pages: list[int] | None = None) -> int:
    """Where ``needle`` (text stored in some row) first lies in the file, or in ``pages``."""
    data = path.read_bytes()
    if pages is None:
        found = data.find(needle)
    else:
        size = page_offset(path, 2)
        found = next((hit for page in pages
                      if (hit := data.find(needle, (page - 1) * size, page * size)) >= 0), -1)
    assert found >= 0, f"{needle!r} is not in {path}"
    return found


def sqlite_sees_damage(path: Path) -> bool:
    """The oracle, independent of the product's code: SQLite's integrity check fails, or
    some row cannot be read back (undecodable text, a page that errors). Opened
    immutable: it writes nothing, not even a -wal/-shm file."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            return True
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        for (table,) in tables:
            conn.execute(f'SELECT * FROM "{table}"').fetchall()
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        return True
    finally:
        conn.close()
    return False
