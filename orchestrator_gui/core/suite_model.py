"""A scenario suite as stored in the experiment document, and its expectations.

An experiment keeps its suite under the top-level ``suite`` key, so it is
saved, exported and versioned with the experiment::

    "suite": {"scenarios": [
      {"name": "high risk is reviewed", "input": {"riskScore": 0.9},
       "expect": ["status == \\"success\\"", "decision.outcome == \\"above\\""]}
    ]}

An expectation is one line, ``PATH OP VALUE``: ``OP`` is one of ``==``,
``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in`` (VALUE a JSON list) or
``exists`` (no VALUE). VALUE is JSON (text in double quotes). PATH reads the
run record: ``status``, ``error.type``, ``output.decision.outcome``,
``steps.ai-1.status``; a path whose first segment is not a record key is read
inside ``output`` (``compliance.passed`` means ``output.compliance.passed``).
Expectations are kept as text (readable in the JSON and in a CSV cell) and
checked when the document loads, so a typo is a document error.

This module knows nothing about running; see :mod:`orchestrator_gui.core.suites`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic.alias_generators import to_camel

from orchestrator_gui.core import jsonio, lookalike
from orchestrator_gui.core.bounded_text import clip
from orchestrator_gui.core.paths import split_path

Operator = Literal["==", "!=", "<", "<=", ">", ">=", "in", "exists"]
RECORD_KEYS = frozenset({"status", "output", "error", "input", "steps", "durationMs",
                         "scenario", "dryRun", "experimentId"})

# The value runs to the last character that is not white space on its line. Written
# as ``\s*(?P<value>.+?)\s*$`` it made the engine try every split of a long run of
# spaces (quadratic); the possessive ``\s*+`` and the greedy line leave one way.
_COMPARE = re.compile(
    r"^\s*(?P<path>[^\s=!<>]+)\s*(?P<op>==|!=|<=|>=|<|>)\s*+(?P<value>[^\n]*\S)\s*$")
_IN = re.compile(r"^\s*(?P<path>\S+)\s+in\s++(?P<value>[^\n]*\S)\s*$")
_EXISTS = re.compile(r"^\s*(?P<path>\S+)\s+exists\s*$")


@dataclass(frozen=True)
class Expectation:
    """A parsed expectation: ``path`` as the user wrote it, its record path, op and value."""

    text: str
    path: str
    record_path: tuple[str, ...]
    op: Operator
    value: Any = None


def parse_expectation(text: str) -> Expectation:
    """Parse ``PATH OP VALUE``; ``ValueError`` with what to write instead."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError('an expectation must be text such as status == "success"')
    match = _EXISTS.match(text)
    if match:
        return Expectation(text, match["path"], record_path(match["path"]), "exists")
    match = _IN.match(text)
    op: Operator
    if match:
        op = "in"
    else:
        match = _COMPARE.match(text)
        if match is None:
            raise ValueError(
                f"{clip(text)!r}: write PATH OP VALUE with OP one of == != < <= > >= in exists, "
                'as in status == "filtered"')
        op = match["op"]  # type: ignore[assignment]
    raw = match["value"]
    try:
        value = jsonio.parse_json(raw, what="value")
    except jsonio.NumberProblem as exc:
        raise ValueError(f"{text!r}: {exc.number.detail()}") from None
    except jsonio.JSONProblem:
        raise ValueError(f"{clip(text)!r}: the value {clip(raw)} is not JSON; write text in double "
                         f'quotes ("{clip(raw.strip(chr(39)))}"), numbers, true, false or null'
                         ) from None
    if op == "in" and not isinstance(value, list):
        raise ValueError(f'{clip(text)!r}: after "in" give a JSON list, as in ["success", "filtered"]')
    if op in ("<", "<=", ">", ">=") and (
            isinstance(value, bool) or not isinstance(value, int | float | str)):
        raise ValueError(f"{clip(text)!r}: {op} compares numbers or text, not {clip(raw)}")
    return Expectation(text, match["path"], record_path(match["path"]), op, value)


def record_path(path: str) -> tuple[str, ...]:
    """Where ``path`` points in the run record (``decision.x`` -> ``output.decision.x``)."""
    try:
        parts = split_path(path)
    except ValueError as exc:
        raise ValueError(f"path {clip(path)!r}: {exc}") from None
    return tuple(parts) if parts[0] in RECORD_KEYS else ("output", *parts)


def _check_expectation(text: str) -> str:
    parse_expectation(text)
    return text


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, strict=True,
                              extra="forbid")


class Scenario(_Model):
    """One named case: the run input and what the run record must show."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    description: str | None = None
    input: dict[str, Any] = Field(default_factory=dict, description="The run input.")
    expect: list[Annotated[str, AfterValidator(_check_expectation)]] = Field(
        default_factory=list,
        description='Expectations on the run record, e.g. status == "filtered", '
                    "decision.outcome == \"above\", compliance.passed == false.")

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    def expectations(self) -> list[Expectation]:
        return [parse_expectation(text) for text in self.expect]


class Suite(_Model):
    """The experiment's scenario suite (document key ``suite``)."""

    scenarios: list[Scenario] = Field(default_factory=list)
    dry_run: bool = Field(False, description="Run the scenarios as dry runs (no side effects).")

    @field_validator("scenarios")
    @classmethod
    def _unique_names(cls, value: list[Scenario]) -> list[Scenario]:
        names: lookalike.Names[int] = lookalike.Names()
        for index, scenario in enumerate(value):
            clash = names.clash(scenario.name, index)
            if clash is not None:
                raise ValueError(f"scenarios[{index}]: the name " + lookalike.clash_message(
                    scenario.name, clash[0], f"scenarios[{clash[1]}]"))
        return value
