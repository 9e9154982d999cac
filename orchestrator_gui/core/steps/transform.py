"""``transform``: rename top-level fields, gate the run with filters, flag thresholds.

The three parts run in this order, each on the result of the one before:

1. ``mapping`` ``{source: target}`` renames top-level keys, pairs in order. The
   renamed key keeps the source's place in the object; an existing ``target``
   is overwritten (and its old place dropped). A missing source renames
   nothing and writes a warning to the step's log.
2. ``filters`` ``{field: {min, max, equals, in, notNull}}`` is a gate. Every
   rule is checked; each failing one is listed in ``filter.failed`` (fields in
   config order, rules in the order written) as ``{"field", "rule", "value",
   "limit"}``. ``limit`` is the rule's own setting: the number for
   ``min``/``max``, the expected value for ``equals``, the list of allowed
   values for ``in`` and ``true`` for ``notNull``; ``value`` is the field's
   value, null when it is missing. If anything fails the step still succeeds,
   but the run ends ``filtered`` (``ctx.filter_out()``).
   A missing or null field fails every rule; ``min``/``max`` (inclusive) fail
   on anything that is not a number. A rule set to null is off, as is
   ``notNull: false``, so a property editor may write every rule. ``equals``
   and ``in`` compare JSON values: ``1`` equals ``1.0``, but ``true`` never
   equals ``1`` (booleans are never numbers).
3. ``thresholds`` ``{field: number}`` adds ``{"value", "threshold",
   "exceeded"}`` per field; ``exceeded`` is ``value >= threshold``, and a
   missing or non-numeric value is reported as null and never exceeds.

Fields in ``filters`` and ``thresholds`` are a top-level key written exactly,
else a dotted path (``user.age``, ``items.0.score``, ``items[0].score``).
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any

from pydantic import (
    Field,
    PrivateAttr,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.context import StepContext
from orchestrator_gui.core.document import Step
from orchestrator_gui.core.paths import MISSING, check_path, get_field, is_number, json_kind
from orchestrator_gui.core.registry import StepConfig, StepType


def _number_only(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    if not is_number(value):
        raise ValueError(f"must be a number, not {json_kind(value)}")
    return handler(value)


Number = Annotated[int | float, WrapValidator(_number_only)]
"""A JSON number as written (``5`` stays an int); true/false and text are refused."""

# Document key -> canonical rule name (python field names accepted too).
_RULE_KEYS = {"min": "min", "max": "max", "equals": "equals", "in": "in", "in_": "in",
              "notNull": "notNull", "not_null": "notNull"}
_RULES = ("min", "max", "equals", "in", "notNull")


class FilterRule(StepConfig):
    """The rules for one field; any subset, each null (or ``notNull: false``) meaning off."""

    min: Number | None = Field(default=None, description="Smallest allowed number (inclusive).")
    max: Number | None = Field(default=None, description="Largest allowed number (inclusive).")
    equals: Any = Field(default=None, description="The value the field must equal.")
    in_: list[Any] | None = Field(
        default=None, alias="in", description="The values the field may take."
    )
    not_null: bool = Field(default=False, description="The field must be present and not null.")

    _order: tuple[str, ...] = PrivateAttr(default=_RULES)

    @model_validator(mode="wrap")
    @classmethod
    def _known_rules_in_order(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if not isinstance(data, dict):
            return handler(data)
        for key in data:
            if key not in _RULE_KEYS:
                hint = difflib.get_close_matches(str(key), _RULES, n=1)
                advice = f"did you mean {hint[0]!r}?" if hint else "rules: " + ", ".join(_RULES)
                raise ValueError(f"unknown filter rule {key!r} ({advice})")
        rule = handler(data)
        rule._order = tuple(dict.fromkeys(_RULE_KEYS[key] for key in data))
        return rule

    def limits(self) -> list[tuple[str, Any]]:
        """The active rules as ``(rule, limit)``, in the order they were written."""
        settings = {"min": self.min, "max": self.max, "equals": self.equals, "in": self.in_,
                    "notNull": True if self.not_null else None}
        return [(name, settings[name]) for name in self._order if settings[name] is not None]


class TransformConfig(StepConfig):
    """Config of ``transform``: ``mapping``, ``filters`` and ``thresholds``, all optional."""

    mapping: dict[str, str] = Field(
        default_factory=dict, description="Top-level renames, source field -> target field."
    )
    filters: dict[str, FilterRule] = Field(
        default_factory=dict, description="A gate: field -> rules; a failure ends the run filtered."
    )
    thresholds: dict[str, Number] = Field(
        default_factory=dict, description="Field -> number; reports whether value >= threshold."
    )

    @field_validator("mapping")
    @classmethod
    def _names_not_empty(cls, mapping: dict[str, str]) -> dict[str, str]:
        for source, target in mapping.items():
            if not source or not target:
                raise ValueError(f"{source!r} -> {target!r}: field names must not be empty")
        return mapping

    @field_validator("filters", "thresholds")
    @classmethod
    def _fields_are_paths(cls, fields: dict[str, Any]) -> dict[str, Any]:
        for field in fields:
            check_path(field)
        return fields


def json_equal(a: Any, b: Any) -> bool:
    """Equality of JSON values: numbers by value, booleans only with booleans."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return bool(a == b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def _passes(rule: str, value: Any, limit: Any) -> bool:
    if value is None:
        return False  # a missing or null field fails every rule
    if rule == "min":
        return is_number(value) and value >= limit
    if rule == "max":
        return is_number(value) and value <= limit
    if rule == "equals":
        return json_equal(value, limit)
    if rule == "in":
        return any(json_equal(value, allowed) for allowed in limit)
    return True  # notNull: not null is all it asks


def check_filters(data: dict[str, Any], filters: dict[str, FilterRule]) -> list[dict[str, Any]]:
    """Every failing rule as ``{"field", "rule", "value", "limit"}``, in config order."""
    failed = []
    for field, rules in filters.items():
        found = get_field(data, field)
        value = None if found is MISSING else found
        for rule, limit in rules.limits():
            if not _passes(rule, value, limit):
                failed.append({"field": field, "rule": rule, "value": value, "limit": limit})
    return failed


def check_thresholds(data: dict[str, Any], thresholds: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for field, threshold in thresholds.items():
        found = get_field(data, field)
        value = found if is_number(found) else None
        exceeded = value is not None and value >= threshold
        out[field] = {"value": value, "threshold": threshold, "exceeded": exceeded}
    return out


def rename(data: dict[str, Any], source: str, target: str) -> dict[str, Any]:
    """``data`` with ``source`` renamed to ``target`` in its place; an old ``target`` is dropped."""
    out: dict[str, Any] = {}
    for key, item in data.items():
        if key == source:
            out[target] = item
        elif key != target:
            out[key] = item
    return out


def _show(value: Any) -> str:
    return jsonio.dumps(value).decode("utf-8")


async def handle_transform(step: Step, ctx: StepContext) -> dict[str, Any]:
    config: TransformConfig = ctx.config
    data: dict[str, Any] = ctx.input
    for source, target in config.mapping.items():
        if source in data:
            data = rename(data, source, target)
        else:
            ctx.log.warning(
                f"mapping: field {source!r} is not in the input, so nothing was renamed to "
                f"{target!r}"
            )
    thresholds = check_thresholds(data, config.thresholds) if config.thresholds else None
    if config.filters:
        failed = check_filters(data, config.filters)
        data["filter"] = {"passed": not failed, "failed": failed}
        if failed:
            reasons = "; ".join(
                f"{f['field']} {f['rule']} {_show(f['limit'])} (value {_show(f['value'])})"
                for f in failed
            )
            ctx.log.info(f"filter: {len(failed)} rule(s) failed, the run ends here: {reasons}")
            ctx.filter_out()
    if thresholds is not None:
        data["thresholds"] = thresholds
    return data


STEP_TYPE = StepType(
    name="transform",
    handler=handle_transform,
    config_model=TransformConfig,
    title="Transform",
    description="Renames fields, stops the run when a filter fails and flags exceeded thresholds.",
    category="Data",
    color="#8b5cf6",
    icon="transform",
    builtin=True,
)
