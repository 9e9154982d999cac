"""Numbers that our JSON cannot keep exactly: found, placed and explained.

orjson, which reads and writes all our JSON, keeps a whole number exactly
only from -2**63 to 2**64 - 1. Outside that range it *reads* one as the
nearest float without a word (``1234567890123456789012345`` becomes
``1.2345678901234568e+24``) and cannot *write* one at all; a number beyond
a float's range (``1e400``, a 4,000-digit integer) stops the parse with a
message about infinity; NaN and Infinity are not JSON, and orjson writes a
Python ``nan`` or ``inf`` as ``null``. None of these may pass silently.

We refuse them, naming the path and asking for a string, rather than keep
big integers exactly: keeping them would mean a slower parser for every
document and input, and a writer of our own, for values that a JSON reader
elsewhere (JavaScript, most databases) would round anyway. A string keeps
every digit everywhere. Floats (numbers with a fraction or an exponent) are
read as the nearest 64-bit float, as by every JSON reader (``0.1`` is the
float nearest to 0.1, ``1e-400`` is 0): that is a float's meaning, not a
change we make.

The checks are cheap where nothing is wrong: :mod:`jsonio` calls
:func:`find_unkept_number_in_text` (a second, exact parse) only when orjson
failed or gave a float of 2**63 or more in size, the trace a whole number
out of range leaves.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

INT_MIN = -(2**63)
INT_MAX = 2**64 - 1
RANGE_TEXT = f"{INT_MIN} to {INT_MAX}"
# Literals longer than this are described by their length, not shown whole.
_SHOWN = 40
_LITERAL = re.compile(r"-?[0-9][0-9.eE+-]*")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class UnkeptNumber:
    """One number that cannot be kept exactly: what it is and where."""

    literal: str
    kind: str  # "int" (beyond 64 bits), "float" (beyond a float), "constant" (NaN, Infinity)
    path: Path | None = None
    line: int | None = None
    column: int | None = None
    # The whole value it was found in (for labels such as a step's id), when known.
    context: Any = field(default=None, compare=False, repr=False)

    def where(self) -> str:
        if self.path is not None:
            return format_path(self.path)
        return f"line {self.line}, column {self.column}"

    def detail(self) -> str:
        if self.kind == "constant":
            return (f"{self.literal} is not valid JSON (JSON has no NaN or Infinity); "
                    "send null or a string")
        digits = sum(ch.isdigit() for ch in self.literal)
        if self.kind == "int":
            shown = (f"the whole number {self.literal} is" if len(self.literal) <= _SHOWN
                     else f"a whole number of {digits} digits is")
            return (f"{shown} outside the 64-bit range of whole numbers kept exactly "
                    f"({RANGE_TEXT}); send it as a string"
                    + (f': "{self.literal}"' if len(self.literal) <= _SHOWN else ""))
        shown = (f"the number {self.literal} is" if len(self.literal) <= _SHOWN
                 else f"a number of {len(self.literal)} characters is")
        return (f"{shown} too large for a 64-bit float (at most about 1.8e308); "
                "send it as a string")

    def message(self, what: str) -> str:
        where = self.where()
        return f"{what}: {where}: {self.detail()}" if where else f"{what}: {self.detail()}"


def format_path(path: Path) -> str:
    """``("items", 2, "accountId")`` -> ``items[2].accountId``; odd keys quoted as JSON."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            out += ("." if out else "") + part
        else:
            out += f"[{json.dumps(part)}]"
    return out


# --- Python values (what the API is given, what steps return) ----------------


def find_unkept_number(value: Any) -> UnkeptNumber | None:
    """The first number in ``value`` (document order) that our JSON would change or refuse."""
    for path, item in _walk(value):
        if isinstance(item, bool):
            continue
        if isinstance(item, int) and not INT_MIN <= item <= INT_MAX:
            return UnkeptNumber(_int_text(item), "int", path)
        if isinstance(item, float) and not math.isfinite(item):
            return UnkeptNumber(repr(item), "constant", path)
    return None


def _int_text(number: int) -> str:
    try:
        return str(number)
    except ValueError:  # over Python's 4,300-digit conversion limit
        return "9" * (int(number.bit_length() * math.log10(2)) + 1)


def _walk(value: Any) -> Any:
    """``(path, leaf)`` in document order, without recursion."""
    stack: list[tuple[Path, Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            stack.extend(((*path, key), child) for key, child in reversed(item.items()))
        elif isinstance(item, list | tuple):
            stack.extend(((*path, index), child)
                         for index, child in reversed(list(enumerate(item))))
        else:
            yield path, item


# --- JSON text ------------------------------------------------------------------


@dataclass(frozen=True)
class _Mark:
    """Stands in for a number literal the second parse found unkeepable."""

    literal: str
    kind: str


def _int_or_mark(literal: str, marks: list[_Mark]) -> int | _Mark:
    # Length first: int() of a 5,000-digit literal is refused by Python (and slow).
    if len(literal) <= 21:
        number = int(literal)
        if INT_MIN <= number <= INT_MAX:
            return number
    marks.append(_Mark(literal, "int"))
    return marks[-1]


def _float_or_mark(literal: str, marks: list[_Mark]) -> float | _Mark:
    number = float(literal)
    if math.isfinite(number):
        return number
    marks.append(_Mark(literal, "float"))
    return marks[-1]


def _constant_mark(literal: str, marks: list[_Mark]) -> _Mark:
    marks.append(_Mark(literal, "constant"))
    return marks[-1]


def find_unkept_number_in_text(text: str) -> UnkeptNumber | None:
    """The first number literal in JSON ``text`` that orjson would round or refuse, with its path.

    A second parse with the stdlib, whose hooks see each literal as written;
    the value is walked for a path only when a hook found one. ``None`` when
    there is none, or when the text is not JSON for another reason (the
    caller then reports that).
    """
    marks: list[_Mark] = []
    try:
        marked = json.loads(text, parse_int=lambda t: _int_or_mark(t, marks),
                            parse_float=lambda t: _float_or_mark(t, marks),
                            parse_constant=lambda t: _constant_mark(t, marks))
    except (ValueError, RecursionError):
        return None
    if not marks:
        return None
    for path, item in _walk(marked):
        if isinstance(item, _Mark):
            return UnkeptNumber(item.literal, item.kind, path, context=marked)
    return None  # pragma: no cover - a mark is always in the value


def huge_number_at(text: str, pos: int, line: int, column: int) -> UnkeptNumber:
    """The literal orjson found too large for a float at ``pos``, placed by line and column."""
    found = _LITERAL.match(text, pos)
    literal = found.group() if found else "?"
    kind = "float" if any(ch in literal for ch in ".eE") else "int"
    return UnkeptNumber(literal, kind, None, line, column)
