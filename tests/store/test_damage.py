"""A damaged database is noticed: at open (nothing written), mid-session (nothing more
written), and what is readable can be recovered into a new file.

Every file here is a real store with real runs (tests/store/damage.py), damaged by
writing bytes into it behind SQLite's back.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.events import RunStarted
from orchestrator_gui.core.result import RunResult
from orchestrator_gui.store import Store, StoreDamaged, StoreError
from orchestrator_gui.store.integrity import check_file
from orchestrator_gui.store.recovery import recover
from tests.store.damage import (
    USER,
    copy_store,
    digest,
    make_store,
    overwrite,
    page_offset,
    pages_of,
    sqlite_sees_damage,
    text_offset,
)

RUNS = 30


@pytest.fixture(scope="module")
def sound(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("sound") / "sound.db"
    return path, make_store(path, RUNS)


@pytest.fixture
def copy(sound: tuple[Path, list[str]], tmp_path: Path) -> Path:
    return copy_store(sound[0], tmp_path / "orchestrator.db")


def middle_of_a_run_page(path: Path) -> int:
    """The brief's example: random bytes in the middle of the file (a page of runs)."""
    pages = pages_of(path, "runs", "leaf")
    return page_offset(path, pages[len(pages) // 2]) + 1000


# --- at open -----------------------------------------------------------------------------


def test_a_sound_store_passes_the_check(sound: tuple[Path, list[str]]) -> None:
    assert check_file(sound[0]) == []
    assert check_file(sound[0], limit=20, parse_json=True) == []


def test_random_bytes_in_the_middle_are_refused_at_open_and_nothing_is_written(
        copy: Path) -> None:
    overwrite(copy, middle_of_a_run_page(copy), os.urandom(2000))
    before = digest(copy)
    with pytest.raises(StoreDamaged) as caught:
        Store.open(copy)
    assert f"the database at {copy} is damaged" in str(caught.value)
    assert "orchestrator db check" in str(caught.value)
    assert "orchestrator db recover" in str(caught.value)
    assert digest(copy) == before
    assert sorted(p.name for p in copy.parent.iterdir()) == [copy.name]  # no -wal/-shm left


@pytest.mark.parametrize("where", ["header", "schema", "index", "step leaf", "run interior"])
def test_damage_in_every_kind_of_page_is_refused(copy: Path, where: str) -> None:
    offset = {
        "header": lambda: 16,  # page size and format bytes
        "schema": lambda: 100 + 8,  # page 1's b-tree header, right after the file header
        "index": lambda: page_offset(copy, pages_of(copy, "ix_runs_user_started")[0]),
        "step leaf": lambda: page_offset(copy, pages_of(copy, "step_runs", "leaf")[1]),
        "run interior": lambda: page_offset(copy, pages_of(copy, "runs", "internal")[0]),
    }[where]()
    overwrite(copy, offset, b"\xa5\x5a\xff\x00\x13" * 20)
    before = digest(copy)
    with pytest.raises(StoreDamaged, match="is damaged"):
        Store.open(copy)
    assert digest(copy) == before


def test_changed_bytes_inside_a_stored_text_are_refused(copy: Path,
                                                       sound: tuple[Path, list[str]]) -> None:
    # SQLite's integrity check cannot see this (the page is sound); reading the row can.
    overwrite(copy, text_offset(copy, b'"risk_level"') + 2, b"\xff\xfe")
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with pytest.raises(StoreDamaged, match=r"is damaged .*UTF-8"):
        Store.open(copy)


def test_a_truncated_file_is_refused(copy: Path) -> None:
    with copy.open("r+b") as handle:
        handle.truncate(copy.stat().st_size // 2)
    before = digest(copy)
    with pytest.raises(StoreDamaged, match="is damaged"):
        Store.open(copy)
    assert digest(copy) == before


def test_a_file_that_is_not_sqlite_is_refused_and_kept(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_bytes(os.urandom(8192))
    before = digest(notes)
    with pytest.raises(StoreDamaged, match="not a usable Experiment Orchestrator database"):
        Store.open(notes)
    assert digest(notes) == before


# --- during a session --------------------------------------------------------------------


def test_damage_found_mid_session_stops_every_write(copy: Path,
                                                   sound: tuple[Path, list[str]]) -> None:
    store = Store.open(copy)  # sound now
    try:
        # the steps' pages were not read while opening: damage them behind the store's back
        for page in pages_of(copy, "step_runs", "leaf"):
            overwrite(copy, page_offset(copy, page), b"\x00\xff" * 50)
        before = digest(copy)
        with pytest.raises(StoreDamaged, match="is damaged"):
            for run_id in sound[1]:
                store.get_run(run_id)
        assert store.damage is not None
        experiment = load_experiment(Path("orchestrator_gui/resources/examples/"
                                          "risk-assessment.json"))
        with pytest.raises(StoreDamaged):
            store.save_experiment(experiment)
        with pytest.raises(StoreDamaged):  # the run history's own write path
            result = RunResult("r-1", experiment.id, experiment.name, "x", status="running")
            store.record_event(RunStarted("r-1", experiment.id, 0, result, experiment))
        with pytest.raises(StoreDamaged):
            store.save_preset("mine", {"a": 1})
        assert digest(copy) == before
    finally:
        store.close()


def test_json_whose_bytes_changed_is_damage_when_read(copy: Path,
                                                      sound: tuple[Path, list[str]]) -> None:
    # printable bytes: the text still decodes, the page is sound, the JSON does not parse
    step_pages = pages_of(copy, "step_runs", "leaf")
    overwrite(copy, text_offset(copy, b'{"riskScore"', step_pages), b"#?")
    assert check_file(copy) == []  # the check at open does not parse JSON (docs/storage.md)
    assert "does not parse" in check_file(copy, parse_json=True)[0]
    store = Store.open(copy)
    try:
        with pytest.raises(StoreDamaged, match="stored JSON text does not parse"):
            for run_id in sound[1]:
                store.get_run(run_id)
        with pytest.raises(StoreDamaged):
            store.delete_run(sound[1][0])
    finally:
        store.close()


# --- recovery ----------------------------------------------------------------------------


def test_recover_copies_what_is_readable_and_keeps_the_damaged_file(
        copy: Path, sound: tuple[Path, list[str]], tmp_path: Path) -> None:
    leaves = pages_of(copy, "step_runs", "leaf")
    overwrite(copy, page_offset(copy, leaves[len(leaves) // 2]), os.urandom(4096))
    before = digest(copy)
    target = tmp_path / "recovered.db"
    salvage = recover(copy, target)
    assert digest(copy) == before
    assert check_file(target, limit=20, parse_json=True) == []
    counts = {t.name: t for t in salvage.tables}
    assert counts["runs"].copied == RUNS and counts["runs"].complete
    assert counts["experiments"].copied == 8 and counts["experiments"].complete  # shipped
    steps = counts["step_runs"]
    assert not steps.complete and 0 < steps.copied < RUNS * 5
    reopened = Store.open(target, user=USER)
    try:
        assert len(reopened.list_runs(limit=1000)) == RUNS
        assert reopened.get_run(sound[1][0])["runId"] == sound[1][0]
    finally:
        reopened.close()


def test_recover_refuses_to_overwrite_and_says_when_nothing_is_readable(
        copy: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"mine")
    with pytest.raises(StoreError, match="already exists"):
        recover(copy, taken)
    assert taken.read_bytes() == b"mine"
    overwrite(copy, 0, os.urandom(4096))  # the header and the table list
    with pytest.raises(StoreError, match=r"no file was written|cannot be opened"):
        recover(copy, tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists()


# --- the class: bytes anywhere -----------------------------------------------------------


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.floats(0, 1, exclude_max=True), data=st.binary(min_size=1, max_size=3000))
def test_bytes_anywhere_are_refused_or_harmless(sound: tuple[Path, list[str]], tmp_path: Path,
                                                where: float, data: bytes) -> None:
    """Wherever bytes land: either the check refuses the file (and nothing is written to
    it), or every read works or names the damage; never another error."""
    path = copy_store(sound[0], tmp_path / "h.db")
    overwrite(path, int(where * path.stat().st_size), data)
    before = digest(path)
    damaged = sqlite_sees_damage(path)  # SQLite's own verdict, not the product's check
    try:
        store = Store.open(path, user=USER)
    except StoreDamaged as exc:
        assert f"the database at {path} is damaged" in str(exc)
        assert digest(path) == before
        return
    assert not damaged, "SQLite sees damage the check at open let through"
    try:
        store.list_experiments()
        store.list_presets()
        for summary in store.list_runs(limit=1000):
            store.get_run(summary.run_id)
    except StoreDamaged:
        with pytest.raises(StoreDamaged):
            store.save_preset("after", {})
    finally:
        store.close()


def test_bytes_in_a_write_ahead_log_left_by_a_crash_are_refused_or_harmless(
        sound: tuple[Path, list[str]], tmp_path: Path) -> None:
    path = copy_store(sound[0], tmp_path / "w.db")
    # a process that wrote runs and died without closing: its commits are in the -wal
    code = ("import asyncio, os, sys; from orchestrator_gui import run_experiment; "
            "from orchestrator_gui.store import Store; s = Store.open(sys.argv[1]); "
            "[asyncio.run(run_experiment(s.get_experiment('risk-assessment'), {}, store=s)) "
            "for _ in range(5)]; os._exit(0)")
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=60)
    wal = Path(f"{path}-wal")
    assert wal.stat().st_size > 0
    pristine = wal.read_bytes()
    for offset in range(0, len(pristine), max(1, len(pristine) // 12)):
        wal.write_bytes(pristine)
        overwrite(wal, offset, os.urandom(64))
        before = digest(path)
        try:
            Store.open(path, user=USER).close()
        except StoreDamaged:
            assert digest(path) == before
