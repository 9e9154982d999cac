"""Scenarios from CSV and JSONL files, for suites written in a spreadsheet or by a script.

CSV: a header row, then one scenario per row.

- ``name`` (required): the scenario's name.
- ``input`` (optional): a JSON object, the base input.
- every column whose header starts with ``expect`` (``expect``, ``expect 2``,
  ``expect:status``...): one expectation per non-empty cell.
- ``description`` (optional).
- any other column is an input field, its header a path (``user.email``); the
  cell is read as JSON when it is JSON (``0.9``, ``true``, ``null``,
  ``"0.9"``), else as text. An empty cell leaves the field out.

JSONL: one scenario object per line, as in the document
(``{"name": ..., "input": {...}, "expect": [...]}``); blank lines are skipped.

Every problem names the file and the line; nothing is half-imported.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from orchestrator_gui.core import jsonio, lookalike
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.paths import set_path, split_path
from orchestrator_gui.core.suite_model import Scenario


def load_scenarios(source: str | os.PathLike[str], *, text: str | None = None) -> list[Scenario]:
    """Scenarios from a ``.csv`` or ``.jsonl`` file (``text`` given: parse that instead).

    Raises :class:`ExperimentError` listing every problem with its line.
    """
    label = str(source)
    if text is None:
        try:
            text = jsonio.read_bounded(source).decode("utf-8-sig")
        except OSError as exc:
            raise ExperimentError([f"cannot read it: {exc.strerror or exc}"], source=label) from None
        except (jsonio.JSONProblem, UnicodeDecodeError) as exc:
            raise ExperimentError([str(exc)], source=label) from None
    suffix = Path(label).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        scenarios, problems = _from_jsonl(text)
    elif suffix == ".csv":
        scenarios, problems = _from_csv(text)
    else:
        raise ExperimentError(["scenarios are read from .csv or .jsonl files"], source=label)
    names: lookalike.Names[int] = lookalike.Names()
    for line, scenario in scenarios:
        clash = names.clash(scenario.name, line)
        if clash is not None:
            problems.append(f"line {line}: the name "
                            + lookalike.clash_message(scenario.name, clash[0], f"line {clash[1]}"))
    if problems:
        raise ExperimentError(problems, source=label)
    return [scenario for _line, scenario in scenarios]


def _validate(data: Any, line: int, problems: list[str]) -> Scenario | None:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            where = ".".join(str(p) for p in err["loc"]) or "scenario"
            message = str(err["msg"]).removeprefix("Value error, ")
            problems.append(f"line {line}: {where}: {message}")
        return None


def _from_jsonl(text: str) -> tuple[list[tuple[int, Scenario]], list[str]]:
    out: list[tuple[int, Scenario]] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = jsonio.parse_json(raw, what=f"line {number}")
        except jsonio.JSONProblem as exc:
            problems.append(str(exc))
            continue
        if not isinstance(data, dict):
            problems.append(f"line {number}: must be a JSON object with name, input, expect")
            continue
        scenario = _validate(data, number, problems)
        if scenario is not None:
            out.append((number, scenario))
    return out, problems


def _from_csv(text: str) -> tuple[list[tuple[int, Scenario]], list[str]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or "name" not in [h.strip() for h in header]:
        return [], ["line 1: the header row needs a 'name' column"]
    columns = [h.strip() for h in header]
    out: list[tuple[int, Scenario]] = []
    problems: list[str] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        data = _row(columns, row, line, problems)
        if data is None:
            continue
        scenario = _validate(data, line, problems)
        if scenario is not None:
            out.append((line, scenario))
    return out, problems


def _row(columns: list[str], row: list[str], line: int,
         problems: list[str]) -> dict[str, Any] | None:
    data: dict[str, Any] = {"input": {}, "expect": []}
    fields: list[tuple[str, str]] = []
    for column, cell in zip(columns, row, strict=False):
        if column == "name":
            data["name"] = cell.strip()
        elif column == "description":
            if cell.strip():
                data["description"] = cell.strip()
        elif column == "input":
            if cell.strip():
                try:
                    data["input"] = jsonio.parse_json(cell, what=f"line {line}: input")
                except jsonio.JSONProblem as exc:
                    problems.append(str(exc))
                    return None
        elif column.lower().startswith("expect"):
            if cell.strip():
                data["expect"].append(cell.strip())
        elif cell.strip():
            fields.append((column, cell))
    if not isinstance(data["input"], dict):
        problems.append(f"line {line}: input: must be a JSON object")
        return None
    for column, cell in fields:
        try:
            split_path(column)
            set_path(data["input"], column, _cell_value(cell))
        except ValueError as exc:
            problems.append(f"line {line}: column {column!r}: {exc}")
            return None
    return data


def _cell_value(cell: str) -> Any:
    """The cell as JSON when it is JSON, else as text; a number JSON cannot keep is refused."""
    try:
        return jsonio.parse_json(cell.strip(), what="the value")
    except jsonio.NumberProblem as exc:
        raise ValueError(exc.number.detail()) from None
    except jsonio.JSONProblem:
        return cell
