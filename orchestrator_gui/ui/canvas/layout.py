"""Auto-layout: where nodes go when a document has no positions, or on request.

A chain reads left to right; long chains wrap into rows (snake order would
cross edges back over nodes, so every row starts again at the left) so that a
50-step experiment fits a screen instead of a 10,000-pixel line.
"""

from __future__ import annotations

NODE_WIDTH = 220.0
NODE_HEIGHT = 68.0
GAP_X = 70.0
GAP_Y = 70.0
PER_ROW = 6


def chain_positions(count: int, per_row: int = PER_ROW) -> list[tuple[float, float]]:
    """Positions for ``count`` nodes in chain order, wrapping after ``per_row``."""
    per_row = max(1, per_row)
    out = []
    for index in range(count):
        row, col = divmod(index, per_row)
        out.append((col * (NODE_WIDTH + GAP_X), row * (NODE_HEIGHT + GAP_Y)))
    return out
