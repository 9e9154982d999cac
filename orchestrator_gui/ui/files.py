"""Files the editor writes: exported documents (atomically) and the recent-files list.

An export must never leave a half-written file, even if the machine stops
mid-write: every write goes through ``core.atomic.write_atomic`` (temp file,
fsync, rename, fsync of the folder). No Qt here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.atomic import write_atomic

MAX_RECENT = 10


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
            data = jsonio.parse_json(jsonio.read_bounded(self.path), what="recent files")
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
