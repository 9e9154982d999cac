"""Real file systems that run out of room or turn read-only, for the "never says saved" tests.

Nothing is simulated: the database lives on a file system of its own, mounted for the test.

- :func:`small_disk`: a tmpfs of a few hundred kilobytes. :meth:`Disk.fill` writes a
  filler file until the kernel answers ENOSPC (leaving ``room`` bytes free if asked),
  :meth:`Disk.free` deletes it.
- :func:`disk_that_turns_readonly`: a small ext4 image on a loop device mounted with
  ``errors=remount-ro``; :meth:`Disk.make_readonly` triggers a file-system error
  through ext4's ``trigger_fs_error`` (sysfs), and the kernel remounts it read-only
  at once, files open for writing included. That is what a failing disk does to a
  running program; ``chmod`` cannot show it, since root (the tests' user) ignores
  modes and open files keep their access, and ``mount -o remount,ro`` refuses
  while SQLite holds the files open.

Mounting needs root (CAP_SYS_ADMIN); without it, or without loop devices and
mkfs.ext4 for the read-only case, the tests using these skip and say why.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

FILLER = "filler.bin"


class Disk:
    """A mounted file system for one test."""

    def __init__(self, path: Path, device: str | None = None) -> None:
        self.path = path
        self.device = device  # the loop device of an ext4 image, for make_readonly
        self._fillers = 0

    def fill(self, room: int = 0) -> int:
        """Take every free byte but ``room`` (rounded to the page size); returns how many
        were taken. Writes until ENOSPC, so it is the kernel that says the disk is full."""
        taken = 0
        self._fillers += 1
        with open(self.path / f"{self._fillers}-{FILLER}", "wb", buffering=0) as out:
            for chunk in (1 << 16, 1 << 12, 1 << 9, 1):
                block = b"\0" * chunk
                while True:
                    try:
                        out.write(block)
                    except OSError as exc:
                        if exc.errno != errno.ENOSPC:
                            raise
                        break
                    taken += chunk
            if room:
                out.truncate(max(0, taken - room))
                taken = max(0, taken - room)
        return taken

    def free(self) -> None:
        for filler in self.path.glob(f"*-{FILLER}"):
            filler.unlink()

    @property
    def available(self) -> int:
        stat = os.statvfs(self.path)
        return stat.f_bavail * stat.f_frsize

    def make_readonly(self) -> None:
        """An ext4 error: the kernel remounts the file system read-only, now."""
        assert self.device is not None, "only disk_that_turns_readonly() can"
        knob = Path("/sys/fs/ext4") / Path(self.device).name / "trigger_fs_error"
        knob.write_text("unsaved-runs test\n")
        if not _mount_options(self.path) & {"ro", "emergency_ro"}:
            raise AssertionError(f"{self.path} is still writable after an ext4 error")


def _need_root() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("mounting a small file system for the test needs Linux")
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system for the test needs root (CAP_SYS_ADMIN)")


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        pytest.skip(f"cannot mount for the test: mount {' '.join(args)}: {done.stderr.strip()}")


def _unmount(path: Path) -> None:
    done = subprocess.run(["umount", str(path)], capture_output=True, text=True, timeout=30)
    if done.returncode != 0:  # a straggler still holds a file: detach now, free when done
        subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=30)


def _mount_options(path: Path) -> set[str]:
    done = subprocess.run(["findmnt", "-n", "-o", "OPTIONS", "--target", str(path)],
                          capture_output=True, text=True, timeout=30)
    return set(done.stdout.strip().split(","))


@contextlib.contextmanager
def small_disk(where: Path, size_kb: int = 512) -> Iterator[Disk]:
    """A tmpfs of ``size_kb`` kilobytes mounted at ``where/disk`` for the block."""
    _need_root()
    mountpoint = where / "disk"
    mountpoint.mkdir()
    _mount("-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(mountpoint))
    try:
        yield Disk(mountpoint)
    finally:
        _unmount(mountpoint)


@contextlib.contextmanager
def disk_that_turns_readonly(where: Path, size_kb: int = 4096) -> Iterator[Disk]:
    """An ext4 image mounted with ``errors=remount-ro`` at ``where/disk`` (see module)."""
    _need_root()
    if shutil.which("mkfs.ext4") is None:
        pytest.skip("mkfs.ext4 is not installed (e2fsprogs): no ext4 image for the test")
    image = where / "disk.img"
    with open(image, "wb") as out:
        out.truncate(size_kb * 1024)
    made = subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], capture_output=True,
                          text=True, timeout=60)
    if made.returncode != 0:
        pytest.skip(f"mkfs.ext4 failed: {made.stderr.strip()}")
    mountpoint = where / "disk"
    mountpoint.mkdir()
    _mount("-o", "loop,errors=remount-ro", str(image), str(mountpoint))
    try:
        found = subprocess.run(["findmnt", "-n", "-o", "SOURCE", str(mountpoint)],
                               capture_output=True, text=True, timeout=30)
        device = found.stdout.strip()
        knob = Path("/sys/fs/ext4") / Path(device).name / "trigger_fs_error"
        if not knob.exists():
            pytest.skip(f"this kernel has no {knob}: cannot make the disk fail for the test")
        yield Disk(mountpoint, device)
    finally:
        _unmount(mountpoint)
