"""Prompt templates: ``{{riskScore}}`` and ``{{user.contact.email}}`` filled from the payload.

Why it exists: prompts are written by people who do not write code, and a
chain only works if each prompt can quote the data and the answers before
it. A variable is a path as everywhere else (core/paths.py: a top-level key
written exactly wins, then the dotted path, ``items.0.id`` / ``items[0].id``);
``{{.}}`` is the whole payload. Text is inserted as it is; numbers,
true/false, null, objects and lists as compact JSON. A variable the payload
does not have is an error naming it, never an empty string: a prompt with a
hole in it gives answers nobody can explain.

What is a variable: ``{{``, optional white space, a name on one line, optional
white space, and the first ``}}`` after it (what the regular expression
``\\{\\{\\s*(.*?)\\s*\\}\\}`` finds). That expression backtracks: a 4 KB
``{{`` + spaces took 41 s. :func:`scan` finds the same variables in one
forward pass (docs/hardening.md, "Templates and references").

A document may come from anyone, so rendering is bounded: the text stops at
the payload limit with an error naming the step and the limit, and a message
never quotes more than a few dozen characters of a variable.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.bounded_text import BoundedText, clip, clipped_list, utf8_size
from orchestrator_gui.core.errors import MissingField, PayloadTooLarge
from orchestrator_gui.core.paths import MISSING, check_path, get_field

WHOLE = "."
NAMES_SHOWN = 10
FIELDS_SHOWN = 30
_OPEN, _CLOSE = "{{", "}}"
_FEW = 1000  # with fewer "{{" or "}}", one scan is as quick as splitting


def scan(template: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, name)`` of each variable, left to right, in time linear in the template.

    A variable ends at the first ``}}`` after its ``{{``. When its name would
    cross a line break, a regular expression tries the very next ``{{`` and
    reads the same text again; but every later ``{{`` before that line break
    fails the same way, so the scan goes on at the one ``{{`` that may succeed
    (the one whose white space reaches past the break) or past the break.
    Each stretch of text is so read a bounded number of times.
    """
    find = template.find
    pos = 0
    while (start := find(_OPEN, pos)) >= 0:
        close = find(_CLOSE, start + 2)
        if close < 0:
            return  # no "}}" after this "{{", so none after any later one
        inner = template[start + 2:close]
        name = inner.strip()
        if "\n" not in name:
            yield start, close + 2, name
            pos = close + 2
        else:
            pos = _after_line_break(template, start, inner, name)


def _after_line_break(template: str, start: int, inner: str, name: str) -> int:
    """Where to look for the next ``{{`` when the name after ``start`` holds a line break."""
    # inner is white space, then name: the first occurrence of name's first character
    # (not white space) is where the name starts
    name_start = start + 2 + inner.find(name[0])
    last_break = name.rfind("\n")
    # The white space around that line break starts at `space`; a "{{" right before it
    # skips the break, and is the only one before the break that can name a variable.
    space = name_start + len(name[:last_break].rstrip())
    if template.startswith(_OPEN, space - 2):
        return space - 2
    return name_start + last_break + 1


def distinct_names(template: str) -> Iterator[str]:
    """The names :func:`scan` finds in ``template``, each once, in time linear in the template.

    Why not just :func:`scan`: a valid 10 MB template may hold two million
    variables, and a Python loop over them takes seconds. A variable ends at
    the first ``}}`` after its name starts, so cut at every ``}}`` each piece
    holds at most one: the first ``{{`` in it whose name stays on one line.
    Only the distinct pieces are looked at (``str.split`` and ``set`` do the
    rest in C). Templates with few ``{{`` or few ``}}`` are scanned as they are.
    """
    if _OPEN not in template:
        return
    seen: set[str] = set()
    pieces = template.split(_CLOSE, _FEW)
    if len(pieces) <= _FEW or template.count(_OPEN) <= _FEW:
        found: Iterator[str] = (name for _, _, name in scan(template))
    else:
        found = _split_names(pieces)
    for name in found:
        if name not in seen:
            seen.add(name)
            yield name


def _split_names(pieces: list[str]) -> Iterator[str]:
    # The first pieces before the rest: a bad name near the start is found
    # without splitting all of a large template.
    rest = pieces.pop()
    yield from _piece_names(set(pieces))
    yield from _piece_names(set(rest.split(_CLOSE)[:-1]))  # the last piece has no "}}"


def _piece_names(pieces: set[str]) -> Iterator[str]:
    for piece in pieces:
        start = piece.find(_OPEN)
        if start < 0:
            continue
        name = piece[start + 2:].strip()
        if "\n" not in name:
            yield name
        else:  # that name crosses a line break: a later "{{" in the piece may not
            yield from (name for _, _, name in scan(piece + _CLOSE))


def _problem(name: str) -> str | None:
    """Why ``name`` is not a usable variable, or None."""
    if not name:
        return ("'{{}}' names no field: write {{fieldName}}, or {{.}} for the "
                "whole input")
    if name != WHOLE:
        try:
            check_path(name)
        except ValueError as exc:
            return str(exc)
    return None


def variables(template: str) -> list[str]:
    """The variables of ``template`` in order; ``ValueError`` (a document error) for a bad one."""
    found = []
    checked: set[str] = set()
    for start, end, name in scan(template):
        if name not in checked:
            problem = _problem(name)
            if problem is not None:
                raise ValueError(problem if not name else f"{clip(template[start:end])}: {problem}")
            checked.add(name)
        found.append(name)
    return found


def check_template(template: str) -> str:
    """``template`` itself when its variables are usable paths (for config validators).

    Each distinct name is checked once; when one is bad, the template is
    scanned in order so that the message names the first bad variable.
    """
    if any(_problem(name) is not None for name in distinct_names(template)):
        variables(template)
    return template


def as_text(value: Any) -> str:
    """How a value appears in a prompt: text as is, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return jsonio.dumps(value).decode("utf-8")


def render(template: str, payload: dict[str, Any], *, where: str,
           max_bytes: int | None = None, step_id: str | None = None) -> str:
    """``template`` with every ``{{path}}`` replaced; ``MissingField`` naming a missing one.

    ``where`` names the template in messages, as in ``config.prompt``. With
    ``max_bytes`` (a step passes the payload limit), the first piece that
    would take the text past it raises ``PayloadTooLarge`` naming ``step_id``
    and the limit: nothing longer is ever built. A variable used many times
    is looked up and converted once.
    """
    out = BoundedText(max_bytes)
    values: dict[str, tuple[str, int] | None] = {}
    missing: dict[str, None] = {}
    pos = 0
    for start, end, name in scan(template):
        if not out.add(template[pos:start]):
            _too_large(where, max_bytes, step_id, template, pos)
        pos = end
        if name not in values:
            values[name] = _value_of(payload, name, out.room())
        value = values[name]
        if value is None:
            missing[name] = None
        elif not out.add(*value):
            _too_large(where, max_bytes, step_id, template, start)
    if not out.add(template[pos:]):
        _too_large(where, max_bytes, step_id, template, pos)
    if missing:
        names = clipped_list(["{{" + name + "}}" for name in missing], NAMES_SHOWN)
        fields = clipped_list(sorted(payload), FIELDS_SHOWN) or "none"
        raise MissingField(
            f"{where}: {names} not in the step's input (its top-level fields: {fields}); "
            "fix the template or add the field in an earlier step"
        )
    return out.text()


def _value_of(payload: dict[str, Any], name: str, room: int | None) -> tuple[str, int] | None:
    """The text of variable ``name`` and its UTF-8 size; None when the payload lacks it."""
    value = payload if name == WHOLE else get_field(payload, name)
    if value is MISSING:
        return None
    if isinstance(value, str):
        return value, utf8_size(value)
    data = jsonio.dumps(value)
    if room is not None and len(data) > room:
        return "", len(data)  # too large where it is first used: refused without decoding it
    return data.decode("utf-8"), len(data)


def _too_large(where: str, max_bytes: int | None, step_id: str | None, template: str,
               at: int) -> None:
    assert max_bytes is not None
    step = f"step {step_id!r}: " if step_id is not None else ""
    raise PayloadTooLarge(
        f"{step}{where} renders to more than the payload limit of {jsonio.human_size(max_bytes)} "
        f"(stopped at character {at + 1} of the template); quote less of the input, "
        "or raise the limit in the app's settings"
    )
