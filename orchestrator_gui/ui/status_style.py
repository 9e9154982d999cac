"""How a status looks in the window: its colour, mark and label, and how long it took.

One table for every view (the canvas's badges and glow, the history, the
inspector, the log, the status line, the compare and suite views), so that a
status reads the same wherever it shows. Every word of ``core.status`` has a
look here; tests/ui/test_status_style.py fails for a status added to the core
without one. Plain module-level data and functions: the canvas asks for a
step's badge on every step event, so a lookup is one dict access.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestrator_gui.core.status import RunStatus, StepStatus

# The theme's secondary text: what a word the vocabulary does not know (a damaged
# record's) is drawn in.
MUTED = "#98a1b3"


@dataclass(frozen=True, slots=True)
class StatusLook:
    """A status as drawn: ``color`` (``#rrggbb``), ``mark`` (one glyph), ``label`` (the
    word shown), whether a canvas badge says the word (``named``: a success shows only its
    mark and time) and whether it shows a duration (``timed``: a skipped step has none)."""

    color: str
    mark: str
    label: str
    named: bool = False
    timed: bool = True


LOOKS: dict[str, StatusLook] = {
    StepStatus.PENDING: StatusLook("#5c6370", "…", "pending"),
    RunStatus.QUEUED: StatusLook(MUTED, "…", "queued"),
    StepStatus.RUNNING: StatusLook("#7aa2f7", "●", "running", named=True),
    StepStatus.SUCCESS: StatusLook("#3fb950", "✓", "success"),
    RunStatus.FILTERED: StatusLook("#a371f7", "⊘", "filtered", named=True),
    StepStatus.ERROR: StatusLook("#f05252", "✗", "error"),
    StepStatus.TIMEOUT: StatusLook("#e3a008", "⏱", "timeout", named=True),
    StepStatus.CANCELLED: StatusLook("#8b949e", "■", "cancelled", named=True),
    RunStatus.INTERRUPTED: StatusLook("#8b949e", "■", "interrupted", named=True),
    StepStatus.SKIPPED: StatusLook("#5c6370", "–", "skipped", named=True, timed=False),
}


# The colours alone, for the canvas's per-step path (a dict lookup, no call).
COLORS: dict[str, str] = {status: found.color for status, found in LOOKS.items()}


def look(status: str) -> StatusLook:
    """``status``'s look; a word outside the vocabulary is shown as it is, muted."""
    found = LOOKS.get(status)
    return found if found is not None else StatusLook(MUTED, "", status)


def color(status: str | None, default: str = MUTED) -> str:
    """``status``'s colour, or ``default`` for no status or a word outside the vocabulary."""
    found = LOOKS.get(status or "")
    return found.color if found is not None else default


def mark(status: str) -> str:
    found = LOOKS.get(status)
    return found.mark if found is not None else ""


def marked(status: str) -> str:
    """``✓ success``: the mark and the label (just the word when it has no mark)."""
    found = look(status)
    return f"{found.mark} {found.label}".strip()


def format_duration(ms: float | None) -> str:
    """``—``, ``<0.1 ms``, ``0.4 ms``, ``12 ms``, ``3.25 s``: short, and exact enough to compare."""
    if ms is None:
        return "—"
    if ms < 1:
        return "<0.1 ms" if ms < 0.05 else f"{ms:.1f} ms"
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms"


def badge_text(status: str, duration_ms: float | None) -> str:
    """A canvas badge's text: ``✓ 12 ms``, ``⏱ timeout 2.00 s``, ``– skipped``."""
    found = LOOKS.get(status)
    if found is None:
        found = look(status)
    if not found.timed:
        return f"{found.mark} {found.label}"
    took = "" if duration_ms is None else " " + format_duration(duration_ms)
    label = found.label if found.named else ""
    return f"{found.mark} {label}{took}".replace("  ", " ").strip()
