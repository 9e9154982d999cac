"""Colours and short value texts shared by the analysis views.

One palette for "added / removed / changed / passed / failed" keeps the
comparison, the suite grid and the sweep plot readable side by side, and
matches the statuses (``ui/status_style.py``) in the same dark theme.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor

from orchestrator_gui.core import jsonio

KIND_COLORS = {"added": "#3fb950", "removed": "#f05252", "changed": "#e3a008"}
KIND_MARKS = {"added": "+", "removed": "−", "changed": "~"}
PASS = "#3fb950"
FAIL = "#f05252"
NEW_FAIL = "#ff5f7e"
FIXED = "#56d4dd"
MUTED = "#6b7386"
ACCENT = "#7aa2f7"
SERIES = ("#7aa2f7", "#f0883e", "#a371f7", "#3fb950", "#e3a008", "#56d4dd")


def short(value: Any, width: int = 80) -> str:
    """A JSON value on one line, cut at ``width`` characters."""
    text = jsonio.dumps(value).decode("utf-8")
    return text if len(text) <= width else text[: width - 1] + "…"


def tinted(color: str, alpha: int) -> QColor:
    """``color`` with transparency, for cell backgrounds on the dark theme."""
    out = QColor(color)
    out.setAlpha(alpha)
    return out
