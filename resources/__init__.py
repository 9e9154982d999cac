"""Shipped resources: example experiments, presets, the JSON Schema, icons, style sheet.

Reached as the package ``orchestrator_gui.resources`` (a link to the top-level
``resources/`` folder), so that they install with the package.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """The path of a shipped resource, e.g. ``path("examples", "risk-assessment.json")``."""
    return ROOT.joinpath(*parts)


def presets() -> list[tuple[str, dict[str, Any]]]:
    """The built-in scenario presets (docs/format.md) as ``(name, input)`` pairs, read anew.

    Here rather than in the store so that the app's simulator offers them before the
    store is opened (docs/benchmarks.md, start-up); the store lists them first too.
    """
    data = json.loads(path("presets.json").read_text(encoding="utf-8"))
    return [(item["name"], item["input"]) for item in data["presets"]]
