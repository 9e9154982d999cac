"""The app's Import JSON refuses every bad document of the hardening corpus, saying where.

The same 44 small files and 3 generated multi-MB ones that the API and the CLI
refuse (tests/hardening/test_corpus.py) go through the real main window's
import path, one window for all: each must be refused (import_file returns
False) with an error in the message bar that names the file and the place
(the corpus's expected text), no traceback and no raw control character, and
the experiment that was open must be exactly as it was: same document, not
marked changed, not noted as imported, not added to the recent files.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest

from orchestrator_gui.ui.main_window import MainWindow
from tests.hardening.corpus_gen import CORPUS, LARGE, SMALL, expected, write_large

SMALL_FILES = sorted(CORPUS.glob("*.json"))


def shown_safely(text: str) -> bool:
    """No control or bidi-override character reaches the label (newlines aside)."""
    return all(ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf") for ch in text)


@pytest.fixture(scope="module")
def large_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_large(tmp_path_factory.mktemp("corpus"))


def test_import_refuses_the_whole_corpus_and_keeps_the_open_experiment(
        window: MainWindow, large_files: list[Path], qtbot: Any) -> None:
    files = SMALL_FILES + large_files
    assert {p.name for p in SMALL_FILES} == set(SMALL) and len(files) == len(SMALL) + len(LARGE)
    assert len(files) >= 30
    before = window.canvas.to_document()
    title = window.windowTitle()
    recent = window.recent.load()
    failures: list[str] = []
    for path in files:
        window.message_bar.clear()
        accepted = window.documents.import_file(path)
        text = window.message_bar.text()
        problems = []
        if accepted:
            problems.append("accepted")
        if window.message_bar.level != "error":
            problems.append(f"level {window.message_bar.level!r}")
        if path.name not in text or "nothing was changed" not in text:
            problems.append("message does not name the file")
        if expected(path.name) not in text:
            problems.append(f"missing {expected(path.name)!r}")
        if "Traceback" in text or not shown_safely(text):
            problems.append("traceback or control character shown")
        if window.canvas.to_document() != before or window.session.dirty or window.windowTitle() != title:
            problems.append("the open experiment changed")
        if problems:
            failures.append(f"{path.name}: {', '.join(problems)} — {text[:300]!r}")
    assert not failures, "\n".join(failures)
    assert window.recent.load() == recent
    assert window.session.origin == "own"  # still the experiment opened before
    assert window.session.path is not None and window.session.path.name == "risk-assessment.json"
