"""The experiment document (docs/format.md): models, loading, dumping, JSON Schema.

Loading goes in three passes so that every problem is reported at once and
nothing is half-loaded: parse the JSON safely (``jsonio``), validate the shape
with the models below, then resolve each step against the registry and
validate its ``config`` with that type's config model. Problems are collected
across all passes and raised together as one :class:`ExperimentError`, each
naming its place: ``steps[2] (ai-1): config.threshold: must be <= 1``.

A step's ``config`` is kept exactly as written (so a round trip gives the
document back); the validated model lives beside it for the engine.
"""

from __future__ import annotations

import difflib
import os
import unicodedata
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel

from orchestrator_gui.core import jsonio, long_strings, lookalike, numbers, topology
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.paths import json_kind
from orchestrator_gui.core.registry import StepRegistry, default_registry
from orchestrator_gui.core.suite_model import Suite

MAX_STEPS = 50
EXPERIMENT_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"

NonBlank = Annotated[str, StringConstraints(min_length=1, max_length=200)]


def _no_control_characters(value: str) -> str:
    # Control and invisible format characters (NUL, bidi overrides, zero-width) in ids and
    # names would make one step look like another in the canvas, logs and history.
    for index, char in enumerate(value):
        if unicodedata.category(char) in ("Cc", "Cf"):
            raise ValueError(
                f"must not contain control or invisible characters (U+{ord(char):04X} at "
                f"position {index + 1})"
            )
    return value


def _reject_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        strict=True,
        validate_assignment=True,
    )


class Settings(_Model):
    """Per-experiment limits; they can lower the app's limits, never raise them past its maximum."""

    model_config = ConfigDict(extra="forbid")

    max_duration_seconds: float | None = Field(default=None, gt=0)
    step_timeout_seconds: float | None = Field(default=None, gt=0)

    _no_bool = field_validator("max_duration_seconds", "step_timeout_seconds", mode="before")(
        _reject_bool
    )


class UI(_Model):
    """Editor layout only; the engine ignores it."""

    model_config = ConfigDict(extra="allow")

    positions: dict[str, Annotated[list[float], Field(min_length=2, max_length=2)]] = Field(
        default_factory=dict, description="Node positions on the canvas: step id -> [x, y]."
    )


class Step(_Model):
    """One step of the pipeline. ``config`` is kept as written; see :meth:`Experiment.config_of`."""

    model_config = ConfigDict(extra="allow")

    id: NonBlank = Field(max_length=64)
    type: NonBlank
    name: NonBlank
    config: dict[str, Any] = Field(default_factory=dict)
    timeout_seconds: float | None = Field(default=None, gt=0)

    _no_bool = field_validator("timeout_seconds", mode="before")(_reject_bool)

    @field_validator("id", "type", "name")
    @classmethod
    def _not_blank(cls, value: str, info: ValidationInfo) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        if info.field_name == "id" and len(value) > 64:
            raise ValueError(f"must be at most 64 characters (has {len(value)})")
        if info.field_name == "id" and lookalike.has_edge_space(value):
            # Invisible on the canvas and in logs: 'a ' would pass for 'a'.
            raise ValueError(f"must not start or end with white space ({lookalike.spell(value)})")
        return _no_control_characters(value)


class Experiment(_Model):
    """An experiment: a named, ordered list of steps. One JSON document each."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(pattern=EXPERIMENT_ID_PATTERN)
    name: NonBlank
    description: str | None = None
    steps: list[Step] = Field(min_length=1, max_length=MAX_STEPS)
    settings: Settings | None = None
    ui: UI | None = None
    suite: Suite | None = Field(
        default=None, description="Scenario suite: named inputs with expectations on the run.")

    _configs: dict[str, tuple[Any, str, Any]] = PrivateAttr(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        _no_control_characters(value)
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    def config_of(self, step: Step, registry: StepRegistry | None = None) -> Any:
        """The validated config of ``step`` (its type's config model instance)."""
        cached = self._configs.get(step.id)
        if cached is not None and cached[0] is step.config and cached[1] == step.type:
            return cached[2]
        parsed = (registry or default_registry()).get(step.type).parse_config(step.config)
        self._configs[step.id] = (step.config, step.type, parsed)
        return parsed

    def to_dict(self) -> dict[str, Any]:
        """The document as plain data: what was given, unknown keys included."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    def to_json(self) -> str:
        return jsonio.dumps_pretty(self.to_dict())

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


# --- loading -----------------------------------------------------------------

Source = str | bytes | os.PathLike[str] | dict[str, Any] | Experiment


def load_experiment(
    source: Source,
    *,
    registry: StepRegistry | None = None,
    max_bytes: int = jsonio.DEFAULT_MAX_BYTES,
) -> Experiment:
    """Load an experiment from a path, JSON text or bytes, or a dict.

    Raises :class:`ExperimentError` (a ``ValueError``) listing every problem.
    A ``str`` that starts with ``{`` (after white space) is JSON text;
    any other ``str`` is a path.
    """
    registry = registry or default_registry()
    if isinstance(source, Experiment):
        source = source.to_dict()
    if isinstance(source, dict):
        return validate_document(source, registry=registry)
    label, raw, data = _read_source(source, max_bytes, registry)
    experiment = validate_document(data, registry=registry, source=label)
    # Last, as it needs a second (slower) parse: a document that fails
    # validation is refused without it.
    try:
        jsonio.check_duplicate_keys(raw, what="document")
    except jsonio.JSONProblem as exc:
        raise ExperimentError([str(exc)], source=label) from None
    return experiment


def _read_source(
    source: str | bytes | os.PathLike[str], max_bytes: int, registry: StepRegistry
) -> tuple[str, bytes, Any]:
    """The document's label, bytes and parsed data; ``max_bytes`` is on compact JSON.

    A file is refused from its size alone only past :func:`jsonio.raw_ceiling`
    (indentation is free); below that, as soon as even its non-white-space
    bytes are over the limit, before megabyte strings are looked for or
    anything is parsed.
    """
    if isinstance(source, bytes):
        label, raw = "document", source
    elif isinstance(source, str) and source.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
        label, raw = "document", source.encode("utf-8")
    else:
        path = Path(source)
        label = str(path)
        try:
            raw = jsonio.read_bounded(path, max_bytes=max_bytes)
        except jsonio.JSONProblem as exc:
            raise ExperimentError([str(exc)], source=label) from None
        except FileNotFoundError:
            raise ExperimentError(["no such file"], source=label) from None
        except IsADirectoryError:
            raise ExperimentError(["is a folder, not a file"], source=label) from None
        except PermissionError:
            raise ExperimentError(["permission denied"], source=label) from None
    try:
        jsonio.check_size_before_parsing(raw, max_bytes=max_bytes, what="document")
    except jsonio.JSONProblem as exc:
        raise ExperimentError([str(exc)], source=label) from None
    if len(raw) >= long_strings.DEFAULT_THRESHOLD:
        problems = _long_string_problems(raw.removeprefix(b"\xef\xbb\xbf"), registry)
        if problems:
            raise ExperimentError(problems, source=label)
    try:
        data = jsonio.parse_json(raw, what="document", max_bytes=max_bytes,
                                 reject_duplicate_keys=False)
    except jsonio.NumberProblem as exc:
        number = exc.number
        place = (f"document: {number.where()}" if number.path is None
                 else _where(number.path, number.context))
        raise ExperimentError([f"{place}: {number.detail()}"], source=label) from None
    except jsonio.JSONProblem as exc:
        raise ExperimentError([str(exc)], source=label) from None
    return label, raw, data


def _long_string_problems(raw: bytes, registry: StepRegistry) -> list[str]:
    """Megabyte strings where a field allows a few hundred characters, found before the full parse.

    A 5 MB ``name`` would otherwise cost a full parse (orjson: ~6-13 ms) before
    its 200-character limit is checked; this refuses it in about a millisecond.
    Only the length problems are reported; the rest show once they are fixed.
    """
    document, found = long_strings.long_string_paths(raw)
    problems = []
    for path, size in found.items():
        limit = _string_limit_at(document, path, registry)
        # Even at 12 bytes a character (a \uXXXX surrogate pair) the string is over its limit.
        if limit is not None and size > 12 * limit:
            problems.append(f"{_where(path, document)}: must be at most {limit} characters "
                            f"(this one is {jsonio.human_size(size)})")
    return sorted(problems, key=_step_order)


def _string_limit_at(document: Any, path: tuple[Any, ...], registry: StepRegistry) -> int | None:
    """The ``max_length`` of the text field at ``path`` (a step's config included), if it has one."""
    model: type[BaseModel] | None = Experiment
    parts = list(path)
    if parts[:1] == ["steps"] and len(parts) >= 4 and parts[2] == "config":
        try:
            step_type = document["steps"][parts[1]]["type"]
            model = registry.get(step_type).config_model
        except (KeyError, TypeError, IndexError):
            return None
        parts = parts[3:]
    field = None
    for part in parts:
        if isinstance(part, int):
            continue  # an index into a list field
        if model is None:
            return None
        field = next((f for n, f in model.model_fields.items() if part in (n, f.alias)), None)
        if field is None:
            return None
        model = _model_in(field.annotation)
    if field is None or field.annotation is not str:
        return None
    limits = [m.max_length for m in field.metadata if getattr(m, "max_length", None) is not None]
    return min(limits) if limits else None


def validate_document(
    data: Any, *, registry: StepRegistry | None = None, source: str | None = None
) -> Experiment:
    """Validate plain data as an experiment, reporting every problem at once."""
    registry = registry or default_registry()
    if not isinstance(data, dict):
        raise ExperimentError(
            [f"the top level must be a JSON object, not {json_kind(data)}"], source=source
        )
    problems: list[str] = []
    experiment: Experiment | None = None
    try:
        experiment = Experiment.model_validate(data)
    except ValidationError as exc:
        problems.extend(_format_errors(exc, data, prefix=(), model=Experiment))

    raw_steps = data.get("steps")
    configs: dict[int, Any] = {}
    if isinstance(raw_steps, list):
        problems.extend(_check_steps(raw_steps, registry, configs))
    number = numbers.find_unkept_number(data)
    if number is not None:
        problems.append(f"{_where(number.path or (), data)}: {number.detail()}")
    if problems:
        raise ExperimentError(sorted(_dedupe(problems), key=_step_order), source=source)
    assert experiment is not None
    index_of = {step.id: index for index, step in enumerate(experiment.steps)}
    plan = topology.plan_steps(experiment.steps,
                               label=lambda i: _step_label(index_of[i], {"id": i}))
    if not plan.ok:  # unreachable while steps are a list of unique ids; kept for graphs
        raise ExperimentError([f"steps: {p.message}" for p in plan.problems], source=source)
    for index, step in enumerate(experiment.steps):
        if index in configs:  # checked once: a 10 MB prompt is not validated twice
            experiment._configs[step.id] = (step.config, step.type, configs[index])
        else:
            experiment.config_of(step, registry)
    return experiment


def _check_steps(raw_steps: list[Any], registry: StepRegistry,
                 configs: dict[int, Any]) -> list[str]:
    """Unique ids, registered types and each config against its type's model.

    Each valid config's model goes into ``configs`` by step index.
    """
    problems: list[str] = []
    ids: lookalike.Names[int] = lookalike.Names()
    for index, raw in enumerate(raw_steps):
        if not isinstance(raw, dict):
            continue  # the shape pass already reported it
        where = _step_label(index, raw)
        step_id = raw.get("id")
        if isinstance(step_id, str) and step_id:
            clash = ids.clash(step_id, index)
            if clash is not None:
                problems.append(f"{where}: id: "
                                + lookalike.clash_message(step_id, clash[0], f"steps[{clash[1]}]"))
        step_type = raw.get("type")
        if not isinstance(step_type, str) or not step_type:
            continue
        if step_type not in registry:
            hint = difflib.get_close_matches(step_type, registry.names(), n=1)
            known = f"did you mean {hint[0]!r}?" if hint else "known types: " + ", ".join(
                sorted(registry.names())
            )
            problems.append(f"{where}: type: unknown step type {step_type!r} ({known})")
            continue
        config = raw.get("config", {})
        if not isinstance(config, dict):
            continue
        step_kind = registry.get(step_type)
        try:
            configs[index] = step_kind.parse_config(config)
        except ValidationError as exc:
            problems.extend(
                _format_errors(exc, config, prefix=(), label=f"{where}: config",
                               model=step_kind.config_model)
            )
        except ValueError as exc:
            problems.append(f"{where}: config: {exc}")
    return problems


def _keys_at(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> list[str]:
    """The keys the (nested) model at ``loc`` accepts, for "did you mean" hints."""
    for part in loc:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        field = next((f for n, f in model.model_fields.items() if part in (n, f.alias)), None)
        if field is None:
            continue  # a dict key or a list index on the way down
        model = _model_in(field.annotation)
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``X``, ``X | None``, ``list[X]`` or ``dict[str, X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _step_label(index: int, raw: Any) -> str:
    step_id = raw.get("id") if isinstance(raw, dict) else None
    if not isinstance(step_id, str) or not step_id:
        return f"steps[{index}]"
    if len(step_id) > 64 or not step_id.isprintable():  # never echo escapes to a terminal
        step_id = ascii(step_id[:64])
    elif lookalike.has_edge_space(step_id):  # nor hide a space
        step_id = lookalike.spell(step_id)
    return f"steps[{index}] ({step_id})"


def _step_order(problem: str) -> int:
    """Problems of the document itself first, then each step's, in step order."""
    if problem.startswith("steps["):
        index = problem[6 : problem.find("]")]
        return int(index) + 1 if index.isdigit() else 0
    return 0


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- error messages ----------------------------------------------------------

_TYPE_NAMES = {
    "int_type": "a whole number",
    "float_type": "a number",
    "string_type": "text",
    "bool_type": "true or false",
    "dict_type": "an object",
    "list_type": "a list",
    "tuple_type": "a list",
    "model_type": "an object",
    "model_attributes_type": "an object",
}


def _format_errors(
    exc: ValidationError,
    data: Any,
    *,
    prefix: tuple[Any, ...],
    label: str | None = None,
    model: type[BaseModel] | None = None,
) -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(err["loc"])
        where = _where(loc, data) if label is None else label + ("." + _dotted(loc) if loc else "")
        out.append(f"{where}: {describe_error(err, model)}")
    return out


def describe_error(err: Any, model: type[BaseModel] | None = None) -> str:
    """One pydantic error in the loader's words: ``must be <= 1``, ``unknown key (did you mean …)``.

    ``model`` is the model that was validated, for "did you mean" hints. The
    app's property editor uses this so its errors read like the loader's.
    """
    keys = _keys_at(model, tuple(err["loc"])[:-1]) if err["type"] == "extra_forbidden" else []
    return _message(err, keys)


def _where(loc: tuple[Any, ...], data: Any) -> str:
    """``('steps', 2, 'config', 'threshold')`` -> ``steps[2] (ai-1): config.threshold``."""
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        steps = data.get("steps") if isinstance(data, dict) else None
        raw = steps[loc[1]] if isinstance(steps, list) and loc[1] < len(steps) else None
        head = _step_label(loc[1], raw)
        rest = _dotted(loc[2:])
        return f"{head}: {rest}" if rest else head
    return _dotted(loc) or "document"


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-before", "function-after") or str(part).startswith("function-"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(err: Any, fields: list[str] | None) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    given = err.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        key = str(err["loc"][-1]) if err["loc"] else ""
        hint = difflib.get_close_matches(key, fields or [], n=1)
        if hint:
            return f"unknown key (did you mean {hint[0]!r}?)"
        allowed = ", ".join(fields) if fields else "none"
        return f"unknown key (allowed: {allowed})"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=",
                "less_than": "<"}[kind]
        limit = next(iter(ctx.values()), "?")
        return f"must be {sign} {limit:g}" if isinstance(limit, float) else f"must be {sign} {limit}"
    if kind == "string_too_short":
        return "must not be empty" if ctx.get("min_length") == 1 else (
            f"must be at least {ctx.get('min_length')} characters"
        )
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == EXPERIMENT_ID_PATTERN:
            return "must be 1-64 characters of A-Z a-z 0-9 . _ -"
        return f"must match {ctx.get('pattern')}"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items (has {ctx.get('actual_length')})"
    if kind in _TYPE_NAMES:
        return f"must be {_TYPE_NAMES[kind]}, not {json_kind(given)}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, not {given!r}"
    if kind == "enum":
        return f"must be one of {ctx.get('expected')}, not {given!r}"
    message = str(err.get("msg", "invalid"))
    for noise in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(noise)
    return message
