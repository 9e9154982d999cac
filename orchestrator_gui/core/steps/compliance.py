"""``compliance_check``: find personal data in the payload, then flag, mask, redact or block.

Why it exists: compliance workflows need one place that says what in a
payload is sensitive (named keys, e-mail addresses and phone numbers in any
string), reports where (dotted paths, document order) and acts on it.

Choices the spec leaves open (also in docs):

* Only string *values* are searched for patterns; keys and JSON numbers are
  not (a phone stored as a number is found only under a sensitive key).
* Masking keeps the first character and replaces every other one with ``*``,
  same length; an e-mail keeps its domain too (``p*****@eu.com``). Phone
  numbers follow the same rule, separators included (``+44 20 7946 0958`` ->
  ``+***************``). A non-string value under a sensitive key (number,
  true/false, object, list) becomes the string ``***``. A masked value never
  equals the original: what the rule would leave unchanged (``a@b.com``,
  ``x``, ``a***``) is starred whole (``*@b.com``, ``*``, ``****``), a value
  of only ``*`` gets one more, and masked text holds no pattern any more
  (core/steps/_patterns.py).
* A ``field`` names the nearest key: for ``notes.2`` (a string in a list) it
  is ``notes``.
* The patterns live in :mod:`._patterns`, with their false-positive rules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field, field_validator

from orchestrator_gui.core.context import StepContext
from orchestrator_gui.core.document import Step
from orchestrator_gui.core.errors import ComplianceViolation
from orchestrator_gui.core.paths import join_path
from orchestrator_gui.core.registry import StepConfig, StepType
from orchestrator_gui.core.steps._patterns import find_patterns, mask_text, mask_whole

Action = Literal["flag", "mask", "redact", "block"]
MAX_PATHS_IN_MESSAGE = 50


class ComplianceConfig(StepConfig):
    """Config of ``compliance_check``."""

    standard: str = Field(default="GDPR", min_length=1,
                          description="The standard checked against, free text (GDPR, SOC2...).")
    sensitive_fields: list[str] = Field(
        title="Sensitive fields",
        default_factory=lambda: ["email", "userId", "phone"],
        description="Keys whose non-empty values are sensitive, at any depth, any case. "
        "A given list replaces the default.",
    )
    detect_patterns: bool = Field(
        title="Detect patterns",
        default=True, description="Also report e-mail addresses and phone numbers in any text."
    )
    action: Action = Field(default="flag",
                           description="flag: report only; mask; redact: remove; block: fail.")

    @field_validator("sensitive_fields")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        if any(not name for name in value):
            raise ValueError("field names must not be empty")
        return value


_REMOVE = object()


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and len(value) == 0)


@dataclass
class _Scan:
    """One pass over the payload: collects findings and builds the acted-on copy."""

    sensitive: frozenset[str]
    patterns: bool
    action: str
    findings: list[dict[str, str]] = field(default_factory=list)

    def _found(self, path: list[str | int], name: str, reason: str) -> None:
        self.findings.append({"path": join_path(path), "field": name, "reason": reason})

    def child(self, value: Any, path: list[str | int], name: str, key: str | None) -> Any:
        """``value`` as it goes into the output, or ``_REMOVE``."""
        if key is not None and key.casefold() in self.sensitive:
            if _is_empty(value):
                return value
            self._found(path, name, "sensitive_field")
            return self._act(value, mask_whole)
        if isinstance(value, str):
            if not self.patterns:
                return value
            matches = find_patterns(value)
            if not matches:
                return value
            self._found(path, name, "pattern:" + matches[0].kind)
            return self._act(value, lambda text: mask_text(text, matches))
        if isinstance(value, dict):
            return self.walk_object(value, path)
        if isinstance(value, list):
            return self.walk_list(value, path, name)
        return value

    def _act(self, value: Any, masker: Callable[[str], str]) -> Any:
        if self.action == "redact":
            return _REMOVE
        if self.action == "mask":
            return masker(value) if isinstance(value, str) else "***"
        return value

    def walk_object(self, data: dict[str, Any], path: list[str | int]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in data.items():
            new = self.child(value, [*path, key], key, key)
            if new is not _REMOVE:
                out[key] = new
        return out

    def walk_list(self, data: list[Any], path: list[str | int], name: str) -> list[Any]:
        out: list[Any] = []
        for index, value in enumerate(data):
            new = self.child(value, [*path, index], name, None)
            if new is not _REMOVE:
                out.append(new)
        return out


def scan(payload: dict[str, Any], config: ComplianceConfig) -> tuple[dict[str, Any], list[Any]]:
    """(the payload after the action, the findings in document order)."""
    state = _Scan(
        sensitive=frozenset(name.casefold() for name in config.sensitive_fields),
        patterns=config.detect_patterns,
        action=config.action,
    )
    out = state.walk_object(payload, [])
    return (out if config.action in ("mask", "redact") else payload), state.findings


def _paths_text(findings: list[dict[str, str]]) -> str:
    paths = [f["path"] for f in findings[:MAX_PATHS_IN_MESSAGE]]
    more = len(findings) - len(paths)
    return ", ".join(paths) + (f" and {more} more" if more > 0 else "")


async def handle_compliance(step: Step, ctx: StepContext) -> dict[str, Any]:
    config: ComplianceConfig = ctx.config
    # A thread keeps the event loop (the app's window) responsive on big payloads.
    output, findings = await asyncio.to_thread(scan, ctx.input, config)
    if findings:
        ctx.log.warning(f"{config.standard}: {len(findings)} finding(s) at "
                        f"{_paths_text(findings)} (action: {config.action})")
    else:
        ctx.log.info(f"{config.standard}: no sensitive data found")
    if findings and config.action == "block":
        raise ComplianceViolation(
            f"{config.standard} check blocked the run: sensitive data at {_paths_text(findings)}; "
            "remove it from the input, or set action to 'mask' or 'redact' to pass it on cleaned"
        )
    output["compliance"] = {
        "standard": config.standard,
        "passed": not findings,
        "findings": findings,
        "action": config.action,
    }
    return output


STEP_TYPE = StepType(
    name="compliance_check",
    handler=handle_compliance,
    config_model=ComplianceConfig,
    title="Compliance Check",
    description="Finds personal data (sensitive keys, e-mails, phone numbers) and flags, "
    "masks, redacts or blocks it.",
    category="Compliance",
    color="#ef4444",
    icon="shield",
    builtin=True,
    id_prefix="compliance",
)
