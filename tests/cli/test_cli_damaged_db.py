"""Every verb refuses a damaged database: exit 2, "the database at PATH is damaged", the
file's bytes unchanged; `orchestrator db check` and `db recover` see and salvage it.

The stores are real (tests/store/damage.py: real runs of the shipped examples), damaged
by writing bytes into them behind SQLite's back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator_gui.cli import main
from tests.store.damage import (
    copy_store,
    digest,
    make_store,
    overwrite,
    page_offset,
    pages_of,
    sqlite_sees_damage,
)

EXPERIMENT = Path("orchestrator_gui/resources/examples/risk-assessment.json")


@pytest.fixture(scope="module")
def sound(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("sound") / "sound.db"
    return path, make_store(path, 12)


def damaged_copy(sound: tuple[Path, list[str]], folder: Path) -> Path:
    """The brief's example: random bytes written into the middle of the file."""
    path = copy_store(sound[0], folder / "orchestrator.db")
    pages = pages_of(path, "runs", "leaf")
    overwrite(path, page_offset(path, pages[len(pages) // 2]) + 1000, os.urandom(2000))
    return path


def verbs(run_ids: list[str], folder: Path) -> list[list[str]]:
    """Every verb that opens the store."""
    a, b = run_ids[0], run_ids[1]
    return [
        ["list"], ["history"], ["show", a], ["diff", a, b], ["run", "risk-assessment", "-q"],
        ["run", str(EXPERIMENT), "-q"], ["import", str(EXPERIMENT), "--replace"],
        ["export", "risk-assessment"], ["test", "risk-assessment", "-q"],
        ["sweep", "risk-assessment", "--field", "riskScore", "--from", "0", "--to", "1",
         "--steps", "2"],
        ["baseline", a], ["baseline", "--show", "risk-assessment"], ["replay", a],
        ["run", str(EXPERIMENT), "--preset", "mine", "-q"],
    ]


def _cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ORCHESTRATOR_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "orchestrator_gui", *args], env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args", [["list"], ["run", "risk-assessment", "-q"],
                                  ["import", str(EXPERIMENT), "--replace"], ["show", "FIRST"],
                                  ["diff", "FIRST", "SECOND"]])
def test_the_example_as_a_real_process(sound: tuple[Path, list[str]], tmp_path: Path,
                                       args: list[str]) -> None:
    db = damaged_copy(sound, tmp_path)
    before = digest(db)
    args = [{"FIRST": sound[1][0], "SECOND": sound[1][1]}.get(a, a) for a in args]
    done = _cli(*args, db=db)
    assert done.returncode == 2, done.stderr
    assert f"the database at {db} is damaged" in done.stderr
    assert "orchestrator db check" in done.stderr and "orchestrator db recover" in done.stderr
    assert "unexpected error" not in done.stderr and "Traceback" not in done.stderr
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [db.name]


def test_every_verb_refuses_the_damaged_file_and_writes_nothing(
        sound: tuple[Path, list[str]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = damaged_copy(sound, tmp_path)
    before = digest(db)
    for args in verbs(sound[1], tmp_path):
        assert main(["--db", str(db), *args]) == 2, args
        err = capsys.readouterr().err
        assert f"the database at {db} is damaged" in err, (args, err)
        assert digest(db) == before, args


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.floats(0, 1, exclude_max=True), data=st.binary(min_size=1, max_size=4096),
       verb=st.integers(0, 13))
def test_bytes_anywhere_never_end_in_an_unexpected_error(
        sound: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        where: float, data: bytes, verb: int) -> None:
    db = copy_store(sound[0], tmp_path / "h.db")
    overwrite(db, int(where * db.stat().st_size), data)
    before = digest(db)
    damaged = sqlite_sees_damage(db)  # SQLite's own verdict, not the product's check
    code = main(["--db", str(db), *verbs(sound[1], tmp_path)[verb]])
    err = capsys.readouterr().err
    assert "unexpected error" not in err
    if damaged:
        assert code == 2 and f"the database at {db} is damaged" in err
        assert digest(db) == before
    elif "is damaged" in err:  # found while reading (JSON that no longer parses)
        assert code == 2


def test_db_check_says_ok_or_lists_the_damage(sound: tuple[Path, list[str]], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "check", "--db", str(sound[0])]) == 0
    assert "ok" in capsys.readouterr().out
    db = damaged_copy(sound, tmp_path)
    before = digest(db)
    assert main(["db", "check", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"the database at {db} is damaged" in err and "db recover" in err
    assert digest(db) == before
    assert main(["db", "check", "--db", str(tmp_path / "none.db")]) == 2
    assert "no such database file" in capsys.readouterr().err


def test_db_recover_salvages_into_a_new_file_that_every_verb_uses(
        sound: tuple[Path, list[str]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = damaged_copy(sound, tmp_path)
    before = digest(db)
    target = tmp_path / "salvaged.db"
    assert main(["--db", str(db), "db", "recover", "-o", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"recovered into {target}" in out
    assert "runs" in out and "copied" in out and f"--db {target}" in out
    assert digest(db) == before
    assert main(["db", "check", "--db", str(target)]) == 0
    capsys.readouterr()
    assert main(["--db", str(target), "history", "--json", "--limit", "100"]) == 0
    kept = json.loads(capsys.readouterr().out)
    assert 0 < len(kept) <= len(sound[1])
    assert main(["--db", str(target), "run", "risk-assessment", "-q"]) == 0
    # the default name sits beside the damaged file; a second recover never overwrites
    assert main(["db", "recover", "--db", str(db)]) == 0
    made = [p for p in tmp_path.iterdir() if ".recovered-" in p.name]
    assert len(made) == 1 and made[0].name.startswith("orchestrator.db.recovered-")
    assert main(["db", "recover", "--db", str(db), "-o", str(target)]) == 2
    assert "already exists" in capsys.readouterr().err
