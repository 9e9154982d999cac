"""Files the editor writes: exported documents (atomically) and the recent-files list.

An export must never leave a half-written file, even if the machine stops
mid-write: write a temporary file in the same folder, flush and fsync it, then
``os.replace`` it over the target (atomic on POSIX and Windows) and fsync the
folder so the rename itself survives. No Qt here.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

import platformdirs

from orchestrator_gui.core import jsonio

MAX_RECENT = 10


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old file or the new, never half."""
    target = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    with contextlib.suppress(OSError):  # not every platform can open a folder
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def export_document(path: str | os.PathLike[str], document: dict[str, Any]) -> None:
    """Write a document as pretty JSON (what people diff and review), atomically."""
    write_atomic(path, (jsonio.dumps_pretty(document) + "\n").encode("utf-8"))


def config_dir() -> Path:
    env = os.environ.get("ORCHESTRATOR_CONFIG_DIR")
    return Path(env) if env else Path(platformdirs.user_config_dir("orchestrator-gui"))


class RecentFiles:
    """The last files opened or exported, newest first, kept in the user's config folder."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "recent.json"

    def load(self) -> list[str]:
        try:
            data = jsonio.parse_json(self.path.read_bytes(), what="recent files")
        except (OSError, ValueError):
            return []
        if not isinstance(data, list):
            return []
        return [item for item in data if isinstance(item, str)][:MAX_RECENT]

    def add(self, file: str | os.PathLike[str]) -> list[str]:
        name = str(Path(file).resolve())
        items = [name] + [item for item in self.load() if item != name]
        items = items[:MAX_RECENT]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, jsonio.dumps(items))
        except OSError:
            pass  # a read-only profile must not stop anyone from working
        return items
