"""Fixtures for the comparison features: the shipped risk pipeline and a store per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orchestrator_gui.core import jsonio
from orchestrator_gui.resources import path as resource_path
from orchestrator_gui.store import Store


def risk_document(**extra: Any) -> dict[str, Any]:
    """The shipped risk-assessment example as a dict (input, transform, ai, GDPR, metrics)."""
    data: dict[str, Any] = jsonio.loads_trusted(
        Path(resource_path("examples", "risk-assessment.json")).read_bytes())
    data.update(extra)
    return data


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "orchestrator.db")
    yield opened
    opened.close()
