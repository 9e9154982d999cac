"""Suite-wide test setup.

Tests that use Qt are marked ``gui`` automatically (as qutebrowser does), so
``-m "not gui"`` runs the headless suite alone. Every test gets its own
database path through ``ORCHESTRATOR_DB`` and its own user, so nothing a test
does reaches the developer's real history; the secret values a test used are
forgotten after it (core/known_secrets.py), so they are not scrubbed from the
next test's output.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator_gui.core import known_secrets

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_PREFERRED_BINDING", "PySide6")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "qtbot" in fixtures or "qapp" in fixtures:
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def _isolated_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ORCHESTRATOR_DB", str(tmp_path / "orchestrator.db"))
    monkeypatch.setenv("ORCHESTRATOR_USER", "tester")
    monkeypatch.setenv("ORCHESTRATOR_CONFIG_DIR", str(tmp_path / "config"))
    yield
    known_secrets.forget_all()
