"""Names that look alike are the same name: step ids, scenario names, presets.

``café`` written precomposed and decomposed, ``s1`` and fullwidth ``ｓ１``,
Latin ``paypal`` and one with a Cyrillic ``а``: distinct strings that a person
cannot tell apart on the canvas, in a log or in the run history, so one can
stand in for another. Two names are the same when their *skeletons* are
equal: the confusable skeleton of Unicode TR39 (section 4), computed by ICU's
``SpoofChecker`` through PyICU (the Unicode consortium's own implementation
and its ``confusables.txt`` data; docs/hardening.md says why this library),
taken after NFKC (TR39 assumes it: ``ｓ１`` is ``s1`` there) and with each run
of white space as one space. White space at either end is refused outright
where a name is an id (an invisible difference on its own).

Messages show names with every character that is not plain ASCII as a
``\\uXXXX`` escape, so two lookalikes read differently and nothing invisible
reaches a terminal.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Generic, TypeVar

import icu

_CHECKER = icu.SpoofChecker()
Where = TypeVar("Where")


def skeleton(name: str) -> str:
    """The key two names share when they look alike (TR39 skeleton of NFKC, spaces folded)."""
    folded = " ".join(unicodedata.normalize("NFKC", name).split())
    return str(_CHECKER.getSkeleton(0, folded))


def spell(name: str) -> str:
    """``name`` in quotes, with non-ASCII, control and edge-space characters as escapes.

    ``spell("café")`` is ``'caf\\u00e9'``, its decomposed twin ``'cafe\\u0301'``
    and ``spell("a ")`` is ``'a\\u0020'``.
    """
    out = []
    last = len(name) - 1
    for index, char in enumerate(name):
        code = ord(char)
        plain = 0x20 < code < 0x7F and char not in "\\'"
        inner_space = char == " " and 0 < index < last
        if plain or inner_space:
            out.append(char)
        elif char in "\\'":
            out.append("\\" + char)
        else:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return "'" + "".join(out) + "'"


def clash_message(new: str, old: str, owner: str) -> str:
    """``'a' is already used by steps[0]`` or ``'a\u0301' looks like 'a', used by steps[0]; ...``."""
    if new == old:
        return f"{spell(new)} is already used by {owner}"
    return f"{spell(new)} looks like {spell(old)}, used by {owner}; names that look alike are refused"


class Names(Generic[Where]):
    """Names seen so far, by skeleton: :meth:`clash` tells which earlier one a new one matches."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, Where]] = {}

    def clash(self, name: str, where: Where) -> tuple[str, Where] | None:
        """The earlier ``(name, where)`` that ``name`` equals or looks like; else records it."""
        key = skeleton(name)
        earlier = self._seen.get(key)
        if earlier is None:
            self._seen[key] = (name, where)
        return earlier


def clash_in(name: str, others: Iterable[str]) -> str | None:
    """The first of ``others`` that ``name`` equals or looks like."""
    key = skeleton(name)
    return next((other for other in others if skeleton(other) == key), None)


def has_edge_space(name: str) -> bool:
    """White space (any Unicode kind) at the start or the end."""
    return name != name.strip()
