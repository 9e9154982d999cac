"""A run (or any change) that could not be stored never says "saved" (issue 20, item 2).

Every test here puts the database on a real file system that fills up or turns
read-only (tests/diskfull.py): a tmpfs of a few hundred kilobytes, or an ext4
image the kernel remounts read-only after an error. The property: whatever
moment the disk fails at (opening, the run's start, a step, its end, the
pruning after it), ``saved`` is reported exactly when the whole run can be read
back from the database, and the CLI exits 3 with the record still on stdout.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator_gui import resources
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.engine import run_experiment
from orchestrator_gui.core.events import RunFinished, RunStarted, StepFinished
from orchestrator_gui.core.result import RunResult
from orchestrator_gui.store import Store
from orchestrator_gui.store.database import StoreWriteError
from tests.diskfull import Disk, disk_that_turns_readonly, small_disk

EXAMPLE = resources.path("examples", "data-transformation.json")
EXPERIMENT = load_experiment(EXAMPLE)
NOT_SAVED = 3


def cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ORCHESTRATOR_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "orchestrator_gui", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def stored_whole(store: Store, result: RunResult) -> bool:
    """Whether the database holds the run exactly as it ended, with its snapshot."""
    try:
        record = store.get_run(result.run_id)
    except KeyError:
        return False
    snapshot = record.pop("experiment")
    return record == result.to_record() and snapshot == EXPERIMENT.to_dict()


def assert_says_not_saved(done: subprocess.CompletedProcess[str], reason: str) -> dict[str, Any]:
    assert done.returncode == NOT_SAVED, done.stderr
    assert "but was NOT saved" in done.stderr and reason in done.stderr
    assert "Traceback" not in done.stderr and "KeyError" not in done.stderr
    assert "(saved in" not in done.stderr
    record: dict[str, Any] = json.loads(done.stdout)  # the record, and nothing else
    assert record["status"] == "success" and len(record["steps"]) == len(EXPERIMENT.steps)
    return record


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A database with the examples and two finished runs, the first starred as the
    baseline (retention never deletes it: with ``max_runs=2`` the next run prunes the
    second)."""
    path = tmp_path / "template.db"
    with Store.open(path) as store:
        first = asyncio.run(run_experiment(EXPERIMENT, {}, store=store))
        store.set_baseline(first.run_id)
        asyncio.run(run_experiment(EXPERIMENT, {"riskScore": 0.5}, store=store))
    return path


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Disk]:
    with small_disk(tmp_path, 1024) as mounted:
        yield mounted


# --- the example, from a real process ------------------------------------------------


def test_a_run_on_a_full_disk_says_not_saved_exits_3_and_prints_the_record(
        disk: Disk, template: Path) -> None:
    db = disk.path / "shared.db"
    shutil.copy(template, db)
    # another program (the app) has the shared file open: its -wal and -shm exist, so the
    # run opens the database and its writes are what hit the full disk
    holder = sqlite3.connect(db)
    holder.execute("SELECT count(*) FROM runs").fetchone()
    try:
        disk.fill()
        done = cli("run", str(EXAMPLE), "--json", db=db)
        record = assert_says_not_saved(done, "database or disk is full")
        assert f"run {record['runId']} finished (success) but was NOT saved in {db}" in done.stderr
        assert "the record printed on stdout is its only copy" in done.stderr

        plain = cli("run", str(EXAMPLE), db=db)  # without --json: the output, and the verdict
        assert plain.returncode == NOT_SAVED and "(NOT saved)" in plain.stderr
        assert "Traceback" not in plain.stderr and "KeyError" not in plain.stderr
        quiet = cli("run", str(EXAMPLE), "--json", "-q", db=db)  # -q never hides it
        assert_says_not_saved(quiet, "database or disk is full")
    finally:
        disk.free()
        holder.close()
    with Store.open(db) as store:
        assert record["runId"] not in {r.run_id for r in store.list_runs(limit=100)}


def test_every_other_write_on_a_full_disk_says_what_was_not_kept(
        disk: Disk, template: Path, tmp_path: Path) -> None:
    db = disk.path / "shared.db"
    shutil.copy(template, db)
    holder = sqlite3.connect(db)
    holder.execute("SELECT count(*) FROM runs").fetchone()
    run_id = holder.execute("SELECT run_id FROM runs WHERE run_id NOT IN "
                            "(SELECT run_id FROM baselines)").fetchone()[0]
    starred = holder.execute("SELECT run_id FROM baselines").fetchone()[0]
    risk = resources.path("examples", "risk-assessment.json")
    shared = tmp_path / "shared.json"
    shared.write_text(json.dumps({"id": "shared", "name": "Shared", "steps": [
        {"id": "hook", "type": "webhook", "name": "Hook",
         "config": {"url": "https://hooks.example.net/in"}}]}), encoding="utf-8")
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"name": "calm", "input": {"riskScore": 0.1}}\n'
                     '{"name": "risky", "input": {"riskScore": 0.9}}\n', encoding="utf-8")
    try:
        disk.fill()
        checks = {
            ("import", str(risk), "--replace"): "could not save the experiment",
            ("baseline", run_id): "could not star the baseline",
            ("baseline", "--clear", "data-transformation"): "could not clear the baseline",
            ("test", str(risk), "--scenarios", str(cases)):
                "the suite run finished but was NOT saved",
            ("test", str(risk), "--scenarios", str(cases), "--save-runs", "--no-save"):
                "2 scenario run(s) finished but were NOT saved",
            ("replay", run_id): "but was NOT saved",
            ("trust", str(shared)): "could not keep the approval",
        }
        for args, said in checks.items():
            done = cli(*args, db=db)
            assert done.returncode == NOT_SAVED, (args, done.stderr)
            assert said in done.stderr and "database or disk is full" in done.stderr, args
            assert "Traceback" not in done.stderr and "unexpected error" not in done.stderr
        suite = cli("test", str(risk), "--scenarios", str(cases), "--json", db=db)  # verdicts
        assert suite.returncode == NOT_SAVED and json.loads(suite.stdout)["results"]
    finally:
        disk.free()
        holder.close()
    with Store.open(db) as store:  # nothing of it was half-kept
        assert store.get_baseline("data-transformation") == starred
        assert store.list_suite_runs("risk-assessment") == []
        assert len(store.list_runs(limit=100)) == 2
        assert store.list_approvals() == []


def test_the_cli_at_every_moment_of_a_disk_filling_up(disk: Disk, template: Path) -> None:
    """Leave more and more room: the disk is full at the open, at the run's start, in a
    step, at its end, at the pruning; and at last there is room. Exit 0 and "saved" only
    when the whole run reads back."""
    outcomes: set[str] = set()
    room = 0
    while "saved" not in outcomes:
        assert room < 512 * 1024, f"never saved with {room} bytes free: {outcomes}"
        db = disk.path / "moment.db"
        shutil.copy(template, db)
        disk.fill(room)
        done = cli("run", str(EXAMPLE), "--json", "-q", db=db)
        disk.free()
        assert done.stdout, done.stderr
        record = json.loads(done.stdout)
        with Store.open(db) as store:
            try:
                stored = store.get_run(record["runId"])
                stored.pop("experiment")
            except KeyError:
                stored = None
        assert "Traceback" not in done.stderr and "KeyError" not in done.stderr
        if done.returncode == 0:
            assert stored == record, f"said saved with {room} bytes free, but it is not all there"
            outcomes.add("saved")
        else:
            assert done.returncode == NOT_SAVED and "NOT saved" in done.stderr
            assert stored != record
            outcomes.add("unopened" if "disk holding it is full" in done.stderr
                         else "partly" if stored else "absent")
        for path in disk.path.glob("moment.db*"):
            path.unlink()
        room += 8192
    assert {"unopened", "absent", "partly", "saved"} <= outcomes


# --- the class: every moment, in-process, read back --------------------------------------


class FillAt:
    """An engine listener (called after the store's, for the same event): fills the disk
    after the ``at``-th event leaving ``room`` bytes (-1: before the run starts), frees it
    after the ``free_at``-th."""

    def __init__(self, disk: Disk, at: int, room: int, free_at: int | None) -> None:
        self.disk, self.at, self.room, self.free_at = disk, at, room, free_at
        self.seen = 0
        self.filled = False
        self.freed_before_end = False  # the end's write found room again
        if at < 0:
            disk.fill(room)
            self.filled = True

    def __call__(self, event: Any) -> None:
        if self.seen == self.at:
            self.disk.fill(self.room)
            self.filled = True
        if self.seen == self.free_at:
            self.disk.free()
            self.freed_before_end = self.filled and not isinstance(event, RunFinished)
        self.seen += 1


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at=st.integers(-1, 14), room=st.integers(0, 24).map(lambda pages: pages * 4096),
       free_after=st.none() | st.integers(1, 14))
def test_saved_exactly_when_the_whole_run_reads_back(
        disk: Disk, template: Path, at: int, room: int, free_after: int | None) -> None:
    db = disk.path / "prop.db"
    shutil.copy(template, db)
    store = Store.open(db, max_runs=2)  # each run ends with a pruning (see template)
    try:
        fill = FillAt(disk, at, room, None if free_after is None else at + free_after)
        result = asyncio.run(run_experiment(EXPERIMENT, {}, store=store, on_event=fill))
        disk.free()
        assert result.saved is stored_whole(store, result)
        if result.saved is False:
            assert result.save_error and ("full" in result.save_error
                                          or "I/O" in result.save_error)
        if fill.freed_before_end:
            # room again before the end: the end's write carries everything that failed
            assert result.saved, (at, room, free_after)
    finally:
        disk.free()
        store.close()
        for path in disk.path.glob("prop.db*"):
            path.unlink()


def test_a_pruning_that_fails_leaves_the_run_saved(
        disk: Disk, template: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The end is committed, the deletion of old runs after it finds no room: the run is
    saved (and said so), the pruning waits for the next run."""
    room = 0
    while True:
        assert room < 512 * 1024, "no room found where the run fits and its pruning does not"
        db = disk.path / "prune.db"
        shutil.copy(template, db)
        store = Store.open(db, max_runs=2)
        caplog.clear()
        try:
            disk.fill(room)
            result = asyncio.run(run_experiment(EXPERIMENT, {}, store=store))
            disk.free()
            pruned_later = "could not prune old runs" in caplog.text
            assert result.saved is stored_whole(store, result)
            if result.saved and pruned_later:
                assert store.runs.count() == 3  # the old run waits for the next pruning
                asyncio.run(run_experiment(EXPERIMENT, {}, store=store))
                assert store.runs.count() == 2
                return
        finally:
            disk.free()
            store.close()
            for path in disk.path.glob("prune.db*"):
                path.unlink()
        room += 4096


@pytest.mark.parametrize("write", ["save_experiment", "delete_experiment", "save_preset",
                                   "delete_preset", "set_baseline", "clear_baseline",
                                   "save_suite_run", "delete_run"])
def test_each_store_write_on_a_full_disk_raises_and_changes_nothing(
        disk: Disk, template: Path, write: str) -> None:
    db = disk.path / "writes.db"
    shutil.copy(template, db)
    with Store.open(db) as store:
        store.save_preset("mine", {"a": 1})
        run_id = store.list_runs()[0].run_id
        before = _dump(db)
        calls = {
            "save_experiment": lambda: store.save_experiment(
                load_experiment(resources.path("examples", "risk-assessment.json"))),
            "delete_experiment": lambda: store.delete_experiment("data-transformation"),
            "save_preset": lambda: store.save_preset("other", {"b": 2}),
            "delete_preset": lambda: store.delete_preset("mine"),
            "set_baseline": lambda: store.set_baseline(run_id),
            "clear_baseline": lambda: store.clear_baseline("data-transformation"),
            "save_suite_run": lambda: store.save_suite_run(
                {"experimentId": "data-transformation", "results": []}),
            "delete_run": lambda: store.delete_run(run_id),
        }
        disk.fill()
        try:
            with pytest.raises(StoreWriteError, match=r"could not .* in .*: database or disk is full"):
                calls[write]()
        finally:
            disk.free()
        assert _dump(db) == before


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


# --- a disk that turns read-only --------------------------------------------------------------


@pytest.mark.parametrize("at", [-1, 0, 1, 3])  # after the start; after step 1, 2, the last
def test_a_disk_turning_readonly_mid_run_is_never_reported_saved(
        tmp_path: Path, template: Path, at: int) -> None:
    with disk_that_turns_readonly(tmp_path) as disk:
        db = disk.path / "ro.db"
        shutil.copy(template, db)
        store = Store.open(db)
        try:
            def fail_at(event: Any) -> None:
                if (isinstance(event, RunStarted) and at == -1) or (
                        isinstance(event, StepFinished) and event.index == at):
                    disk.make_readonly()

            result = asyncio.run(run_experiment(EXPERIMENT, {}, store=store, on_event=fail_at))
            assert result.saved is False and result.save_error
            assert not stored_whole(store, result)
        finally:
            store.close()


def test_the_cli_on_a_disk_that_turned_readonly_mid_session(
        tmp_path: Path, template: Path) -> None:
    """The app holds the shared file; the disk fails under it; a CLI run then goes, says
    NOT saved and exits 3, and an import says it changed nothing."""
    with disk_that_turns_readonly(tmp_path) as disk:
        db = disk.path / "ro.db"
        shutil.copy(template, db)
        with Store.open(db) as app_store:
            disk.make_readonly()
            done = cli("run", str(EXAMPLE), "--json", db=db)
            assert_says_not_saved(done, "NOT saved")
            imported = cli("import", str(resources.path("examples", "risk-assessment.json")),
                           "--replace", db=db)
            assert imported.returncode == NOT_SAVED and "Traceback" not in imported.stderr
            assert json.loads(done.stdout)["runId"] not in {
                r.run_id for r in app_store.list_runs(limit=100)}
