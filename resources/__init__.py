"""Shipped resources: example experiments, presets, the JSON Schema, icons, style sheet.

Reached as the package ``orchestrator_gui.resources`` (a link to the top-level
``resources/`` folder), so that they install with the package.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """The path of a shipped resource, e.g. ``path("examples", "risk-assessment.json")``."""
    return ROOT.joinpath(*parts)
