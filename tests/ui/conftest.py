"""Fixtures for the desktop app's tests: a real main window under pytest-qt (offscreen).

The window gets the real registry, a real store in the test's temporary
database (tests/conftest.py sets ORCHESTRATOR_DB) and a recent-files list in
the test's config folder. ``ask_unsaved`` is the one dialog tests answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from orchestrator_gui import resources
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.ui.main_window import MainWindow

EXAMPLES = sorted(resources.path("examples").glob("*.json"))
RISK = resources.path("examples", "risk-assessment.json")


@pytest.fixture
def window(qtbot: QtBot, qapp: object) -> Iterator[MainWindow]:
    from orchestrator_gui.ui.style import apply_theme

    apply_theme(qapp)  # type: ignore[arg-type]
    win = MainWindow()
    qtbot.addWidget(win)
    win.answers: list[str] = []  # type: ignore[misc]
    win.documents.ask_unsaved = lambda: win.answers.pop(0) if win.answers else "cancel"  # type: ignore[method-assign]
    win.documents.open_experiment(load_experiment(RISK), path=Path(RISK))
    win.show()
    yield win
    win.canvas.undo_stack.setClean()  # nothing to confirm on teardown
    win.close()
