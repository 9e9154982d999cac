"""Prompt templates: ``{{riskScore}}`` and ``{{user.contact.email}}`` filled from the payload.

Why it exists: prompts are written by people who do not write code, and a
chain only works if each prompt can quote the data and the answers before
it. A variable is a path as everywhere else (core/paths.py: a top-level key
written exactly wins, then the dotted path, ``items.0.id`` / ``items[0].id``);
``{{.}}`` is the whole payload. Text is inserted as it is; numbers,
true/false, null, objects and lists as compact JSON. A variable the payload
does not have is an error naming it, never an empty string: a prompt with a
hole in it gives answers nobody can explain.
"""

from __future__ import annotations

import re
from typing import Any

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.errors import MissingField
from orchestrator_gui.core.paths import MISSING, check_path, get_field

WHOLE = "."
_VARIABLE = re.compile(r"\{\{\s*(.*?)\s*\}\}")


def variables(template: str) -> list[str]:
    """The variables of ``template`` in order; ``ValueError`` (a document error) for a bad one."""
    found = []
    for match in _VARIABLE.finditer(template):
        name = match.group(1)
        if not name:
            raise ValueError("'{{}}' names no field: write {{fieldName}}, or {{.}} for the "
                             "whole input")
        if name != WHOLE:
            try:
                check_path(name)
            except ValueError as exc:
                raise ValueError(f"{match.group(0)}: {exc}") from None
        found.append(name)
    return found


def check_template(template: str) -> str:
    """``template`` itself when its variables are usable paths (for config validators)."""
    variables(template)
    return template


def as_text(value: Any) -> str:
    """How a value appears in a prompt: text as is, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return jsonio.dumps(value).decode("utf-8")


def render(template: str, payload: dict[str, Any], *, where: str) -> str:
    """``template`` with every ``{{path}}`` replaced; ``MissingField`` naming a missing one.

    ``where`` names the template in messages, as in ``config.prompt``.
    """
    missing: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == WHOLE:
            return as_text(payload)
        value = get_field(payload, name)
        if value is MISSING:
            missing.append(name)
            return match.group(0)
        return as_text(value)

    text = _VARIABLE.sub(fill, template)
    if missing:
        names = ", ".join("{{" + name + "}}" for name in dict.fromkeys(missing))
        fields = ", ".join(sorted(payload)) or "none"
        raise MissingField(
            f"{where}: {names} not in the step's input (its top-level fields: {fields}); "
            "fix the template or add the field in an earlier step"
        )
    return text
