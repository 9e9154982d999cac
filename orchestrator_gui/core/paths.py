"""Dotted paths into JSON data, shared by transform, data_mapping, compliance and metrics.

``user.contact.email``, ``items.0.id`` and ``items[0].id`` all work: a
segment is a dict key, or a list index when the value there is a list.
``get_field`` is what the step types use to read a configured field: a
top-level key written literally (``"a.b"`` as one key) wins over the dotted
path, so both kinds of documents work.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from typing import Any, Final

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.bounded_text import clip


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()
_BRACKET = re.compile(r"\[(\d+)\]")


def split_path(path: str) -> list[str]:
    """``"items[0].id"`` -> ``["items", "0", "id"]``."""
    if not path:
        raise ValueError("a path must not be empty")
    parts = _BRACKET.sub(r".\1", path).split(".")
    if any(part == "" for part in parts):
        raise ValueError(f"invalid path {clip(path)!r}: empty segment")
    return parts


def get_path(data: Any, path: str | list[str]) -> Any:
    """The value at ``path``, or ``MISSING`` when any segment is absent."""
    current = data
    for part in split_path(path) if isinstance(path, str) else path:
        if isinstance(current, dict):
            if part not in current:
                return MISSING
            current = current[part]
        elif isinstance(current, list) and part.isdigit():
            index = int(part)
            if index >= len(current):
                return MISSING
            current = current[index]
        else:
            return MISSING
    return current


def set_path(data: dict[str, Any], path: str | list[str], value: Any) -> None:
    """Set ``path`` to ``value``, building nested objects for missing segments.

    A segment that reaches an existing list with a digit sets that index
    (within range); any other value on the way that is not an object or a
    list is replaced by an object. A list reached with a key that is not a
    valid index raises ``ValueError`` naming the place: lists are never
    grown or turned into objects behind the user's back.
    """
    parts = split_path(path) if isinstance(path, str) else path
    current: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(current, list):
            if not (part.isdigit() and int(part) < len(current)):
                where = join_path(parts[:depth]) or "the top level"
                raise ValueError(
                    f"cannot set {join_path(parts)!r}: {where!r} is a list of "
                    f"{len(current)} item(s) and {part!r} is not an index in it"
                )
            key: Any = int(part)
        else:
            key = part
        if last:
            current[key] = value
            return
        nxt = current[key] if isinstance(current, list) else current.get(key)
        if not isinstance(nxt, dict | list):
            nxt = current[key] = {}
        current = nxt


def join_path(parts: Sequence[str | int]) -> str:
    """``["items", 0, "phone"]`` -> ``"items.0.phone"``."""
    return ".".join(str(p) for p in parts)


def json_kind(value: Any) -> str:
    """What a JSON value is, in words for messages: ``"text"``, ``"true/false"``, ``"null"``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if is_number(value):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def is_number(value: Any) -> bool:
    """True for ints and floats; booleans are never numbers (docs/format.md)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def get_field(data: Any, field: str) -> Any:
    """A top-level key if ``data`` has one named exactly ``field``, else the dotted path.

    Returns ``MISSING`` when neither exists. ``field`` must be a valid path
    (config models check that with :func:`check_path`).
    """
    if isinstance(data, dict) and field in data:
        return data[field]
    return get_path(data, field)


def check_path(path: str) -> str:
    """``path`` itself when it is a usable path; ``ValueError`` saying why otherwise.

    Meant for config validators, so that ``a..b`` is a document error, not a
    run-time surprise.
    """
    if not isinstance(path, str):
        raise ValueError(f"a path must be text, not {type(path).__name__}")
    split_path(path)
    return path


def copy_json(value: Any) -> Any:
    """An independent copy of JSON data (orjson round trip: far faster than deepcopy)."""
    if isinstance(value, dict | list):
        return jsonio.loads_trusted(jsonio.dumps(value))
    return value


def field_paths(data: Any, limit: int = 500) -> list[str]:
    """The dotted paths of ``data``'s fields (objects' keys, nested), breadth first, at most
    ``limit`` of them: what a person may name in a path field. Lists are not entered."""
    out: list[str] = []
    queue: deque[tuple[tuple[str, ...], Any]] = deque([((), data)])
    while queue and len(out) < limit:
        prefix, value = queue.popleft()
        if not isinstance(value, dict):
            continue
        for key, item in value.items():
            path = (*prefix, str(key))
            out.append(join_path(path))
            if len(out) >= limit:
                break
            queue.append((path, item))
    return out


def same_in_order(a: Any, b: Any) -> bool:
    """Equal, and every object's keys in the same order: a JSON document written from either
    would be the same text (moved rows of a mapping are a change)."""
    if a != b:
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same_in_order(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return all(same_in_order(x, y) for x, y in zip(a, b, strict=True))
    return True
