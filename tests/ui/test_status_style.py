"""One look per status (ui/status_style.py), for every word the core defines.

The references below are the canvas badge and the history's duration as they
were written before the table existed: the views that moved to it must show
the same text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import orchestrator_gui
from orchestrator_gui.core.status import RunStatus, StepStatus
from orchestrator_gui.ui import status_style
from orchestrator_gui.ui.status_style import LOOKS, badge_text, format_duration, look

EVERY_STATUS = [*RunStatus, *StepStatus]
PACKAGE = Path(orchestrator_gui.__file__).parent


def test_every_status_of_the_core_has_a_colour_a_mark_and_a_label() -> None:
    for status in EVERY_STATUS:  # a status added to the core fails here until it has a look
        assert status in LOOKS, f"{status!s} has no look in ui/status_style.py"
        found = LOOKS[status]
        assert re.fullmatch(r"#[0-9a-f]{6}", found.color), status
        assert len(found.mark) == 1 and not found.mark.isspace(), status
        assert found.label == str(status)
    assert set(LOOKS) == {str(s) for s in EVERY_STATUS}  # and nothing the core does not say


def test_a_word_outside_the_vocabulary_is_shown_as_it_is_in_the_muted_colour() -> None:
    assert look("routed") == status_style.StatusLook(status_style.MUTED, "", "routed")
    assert status_style.color("routed") == status_style.MUTED
    assert status_style.color(None, "#000000") == "#000000"
    assert status_style.marked("routed") == "routed"
    assert status_style.marked("success") == "✓ success"


def _old_badge_text(status: str, duration_ms: float | None) -> str:
    marks = {"running": "●", "success": "✓", "error": "✗", "timeout": "⏱", "cancelled": "■",
             "skipped": "–", "filtered": "⊘", "pending": "…"}
    mark = marks.get(status, "")
    if status == "skipped":
        return f"{mark} skipped"
    took = ""
    if duration_ms is not None:
        took = f" {duration_ms / 1000:.2f} s" if duration_ms >= 1000 else f" {duration_ms:.0f} ms"
        if duration_ms < 1:
            took = " <0.1 ms" if duration_ms < 0.05 else f" {duration_ms:.1f} ms"
    label = status if status in ("filtered", "timeout", "cancelled", "running") else ""
    return f"{mark} {label}{took}".replace("  ", " ").strip()


def _old_format_duration(ms: float | None) -> str:
    if ms is None:
        return "—"
    if ms < 1:
        return "<0.1 ms" if ms < 0.05 else f"{ms:.1f} ms"
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms"


durations = st.none() | st.floats(min_value=0, max_value=1e9, allow_nan=False)
# the statuses a canvas badge shows: a step's, and the run's "filtered" on its last step
BADGE_STATUSES = [*StepStatus, RunStatus.FILTERED]


@given(st.sampled_from(BADGE_STATUSES) | st.text(max_size=12).filter(lambda s: s not in LOOKS),
       durations)
def test_a_canvas_badge_reads_as_before(status: str, ms: float | None) -> None:
    assert badge_text(status, ms) == _old_badge_text(status, ms)


@given(durations)
def test_durations_read_as_the_history_showed_them(ms: float | None) -> None:
    text = format_duration(ms)
    assert text == _old_format_duration(ms)
    assert len(text) <= 12 and text.endswith(("—", " ms", " s"))


def _imports(path: Path) -> list[tuple[str, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.extend((node.module, alias.name) for alias in node.names)
    return out


def test_no_view_takes_its_palette_or_durations_from_another_view() -> None:
    for path in (PACKAGE / "ui").rglob("*.py"):
        for module, name in _imports(path):
            if name in ("COLORS", "MARKS", "badge_text", "format_duration", "STATUS_MARKS"):
                assert module == "orchestrator_gui.ui.status_style", (path, module, name)
