"""Atomic writes and the recent-files list (no Qt)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from orchestrator_gui.ui.files import RecentFiles, export_document, write_atomic


def test_an_export_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "exp.json"
    target.write_text("old")
    export_document(target, {"id": "x", "steps": []})
    assert json.loads(target.read_text()) == {"id": "x", "steps": []}
    assert os.listdir(tmp_path) == ["exp.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "exp.json"
    target.write_text("old")

    class Boom:
        def __len__(self) -> int:
            raise RuntimeError("disk full")

    with pytest.raises(TypeError):
        write_atomic(target, Boom())  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["exp.json"]


def test_recent_files_newest_first_without_duplicates(tmp_path: Path) -> None:
    recent = RecentFiles(tmp_path / "cfg" / "recent.json")
    assert recent.load() == []
    for name in ("a.json", "b.json", "a.json"):
        recent.add(tmp_path / name)
    assert [Path(p).name for p in recent.load()] == ["a.json", "b.json"]


def test_a_damaged_recent_list_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "recent.json"
    path.write_text("{not json")
    assert RecentFiles(path).load() == []
