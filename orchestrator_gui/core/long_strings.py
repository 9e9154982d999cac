"""Find multi-megabyte strings in a JSON document without parsing all of it.

Why: a hostile document with a 5 MB ``name`` must be refused in under 5 ms
(issue 7), but orjson alone needs 6-13 ms to parse 5 MB, before the 200-character
limit on ``name`` is ever checked. A valid document may hold long strings too (a
long description), so a blanket limit on string length is not an option.

So :func:`long_string_paths` finds every run of at least ``threshold`` bytes
without a double quote (``memrchr`` jumps: a few hundred calls for 10 MB),
replaces each run's text with a short marker, parses the now-small document and
reports where each marker sits. The loader then checks only those places
against the field limits it knows. Whatever this cannot place with certainty
(a run outside a string, inside a string with escaped quotes, a key) is simply
not reported, and the document takes the ordinary full parse.
"""

from __future__ import annotations

from typing import Any

import orjson

Path = tuple[str | int, ...]

DEFAULT_THRESHOLD = 64 * 1024
_QUOTE = b'"'
_MARKER = "\x00long-string-{}\x00"


def quote_free_runs(raw: bytes, threshold: int = DEFAULT_THRESHOLD) -> list[tuple[int, int]]:
    """``(start, end)`` of every stretch of at least ``threshold`` bytes without a ``"``.

    Looks only at the last quote of each ``threshold``-wide window, so the
    bytes are scanned about twice at most and the Python loop runs a few times
    per ``threshold`` bytes.
    """
    runs: list[tuple[int, int]] = []
    start, size = 0, len(raw)
    while size - start >= threshold:
        last = raw.rfind(_QUOTE, start, start + threshold)
        if last != -1:
            start = last + 1
            continue
        end = raw.find(_QUOTE, start + threshold)
        end = size if end == -1 else end
        runs.append((start, end))
        start = end + 1
    return runs


def long_string_paths(raw: bytes, threshold: int = DEFAULT_THRESHOLD) -> tuple[Any, dict[Path, int]]:
    """The document with its long strings cut short, and where each was with its size in bytes.

    Gives ``(document, {("steps", 0, "name"): 5242880})``; the mapping is
    empty when there are no long strings or they cannot be placed without a
    full parse.
    """
    runs = quote_free_runs(raw, threshold)
    if not runs:
        return None, {}
    pieces: list[bytes] = []
    markers: dict[str, int] = {}
    cursor = 0
    for number, (start, end) in enumerate(runs):
        marker = _MARKER.format(number)
        pieces += [raw[cursor:start], orjson.dumps(marker)[1:-1]]
        markers[marker] = end - start
        cursor = end
    pieces.append(raw[cursor:])
    try:
        reduced = orjson.loads(b"".join(pieces))
    except orjson.JSONDecodeError:
        return None, {}  # e.g. a run outside any string: the full parse will say what is wrong
    found: dict[Path, int] = {}
    _collect(reduced, (), markers, found)
    return reduced, found


def _collect(value: Any, path: Path, markers: dict[str, int], found: dict[Path, int]) -> None:
    stack: list[tuple[Any, Path]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if item in markers:
                found[where] = markers[item]
        elif isinstance(item, dict):
            stack.extend((v, (*where, k)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, (*where, i)) for i, v in enumerate(item))
