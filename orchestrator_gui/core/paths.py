"""Dotted paths into JSON data, shared by transform, data_mapping, compliance and metrics.

``user.contact.email``, ``items.0.id`` and ``items[0].id`` all work: a
segment is a dict key, or a list index when the value there is a list.
"""

from __future__ import annotations

import re
from typing import Any, Final


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
        raise ValueError(f"invalid path {path!r}: empty segment")
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
    (within range); anything else that is not an object is replaced by one.
    """
    parts = split_path(path) if isinstance(path, str) else path
    current: Any = data
    for part in parts[:-1]:
        if isinstance(current, list) and part.isdigit() and int(part) < len(current):
            nxt = current[int(part)]
            if not isinstance(nxt, dict | list):
                nxt = current[int(part)] = {}
            current = nxt
            continue
        nxt = current.get(part)
        if not isinstance(nxt, dict | list):
            nxt = current[part] = {}
        current = nxt
    last = parts[-1]
    if isinstance(current, list) and last.isdigit() and int(last) < len(current):
        current[int(last)] = value
    else:
        current[last] = value


def join_path(parts: list[str | int]) -> str:
    """``["items", 0, "phone"]`` -> ``"items.0.phone"``."""
    return ".".join(str(p) for p in parts)


def is_number(value: Any) -> bool:
    """True for ints and floats; booleans are never numbers (SPEC section 3)."""
    return isinstance(value, int | float) and not isinstance(value, bool)
