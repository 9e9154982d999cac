"""Crashes lose nothing: SIGKILL at 20 seeded random moments; a failed write never replaces a file.

The seed is printed (``-s`` shows it) and can be fixed with ``CRASH_SEED=N``
to replay a failing sequence exactly.
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from orchestrator_gui.cli import main as cli_main
from orchestrator_gui.core.atomic import write_atomic
from tests.hardening.crash_harness import run_harness

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


@posix_only
def test_sigkill_at_20_random_moments_loses_no_acknowledged_step(tmp_path: Path) -> None:
    seed = int(os.environ.get("CRASH_SEED") or random.randrange(1_000_000))
    print(f"crash harness seed: {seed} (CRASH_SEED={seed} repeats it)")
    figures = run_harness(tmp_path / "crash.db", kills=20, seed=seed)
    print(f"{figures.acked_steps} acked steps, {figures.interrupted_runs} interrupted, "
          f"{figures.finished_runs} finished, {figures.seconds:.1f} s; delays {figures.delays}")
    assert figures.problems == []
    assert figures.kills == 20
    assert figures.acked_steps > 20  # the kills landed while work was being acknowledged
    assert figures.interrupted_runs >= 1


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_failing_write_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "export.json"
    target.write_text('{"good": true}')

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # the os module core.atomic calls
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, b'{"new": ' + b"1" * 1_000_000 + b"}")
    assert target.read_text() == '{"good": true}'
    assert leftovers(tmp_path) == []


def test_a_failing_cli_export_keeps_the_good_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "risk.json"
    target.write_text("precious")
    db = str(tmp_path / "o.db")
    assert cli_main(["--db", db, "list"]) == 0  # first start stores the shipped examples
    capsys.readouterr()
    exp_id = _first_id(db)

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", broken_replace)
    code = cli_main(["--db", db, "export", exp_id, "-o", str(target)])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err
    assert target.read_text() == "precious"
    assert leftovers(tmp_path) == []


def _first_id(db: str) -> str:
    from orchestrator_gui.store import Store

    with Store.open(db) as store:
        return store.list_experiments()[0].id


WRITER = textwrap.dedent("""
    import sys
    from orchestrator_gui.core.atomic import write_atomic
    print("WRITING", flush=True)
    write_atomic(sys.argv[1], b"x" * 400_000_000)
""")


@posix_only
def test_sigkill_during_a_large_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    target.write_text('{"good": true}')
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"WRITING"
    for _ in range(500):  # until the temp file exists and is growing (bounded)
        temps = leftovers(tmp_path)
        if temps and (tmp_path / temps[0]).stat().st_size > 0:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert target.read_text() == '{"good": true}'
    # A killed process cannot clean up: its temp file (dot-named, ".tmp") may remain, never the target.
    assert all(name.startswith(".export.json.") for name in leftovers(tmp_path))
