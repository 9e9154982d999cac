"""``data_mapping``: copy values from source paths to target paths.

Where ``transform`` renames top-level keys, this step reshapes: ``mappings``
``{target: sourcePath}`` reads ``user.contact.email``, ``items.0.id`` or
``items[0].id`` (a top-level key written exactly, dots included, wins over the
dotted path) and writes the value at ``target``, where a dotted target builds
nested objects (``contact.email`` -> ``{"contact": {"email": ...}}``).

Choices made beyond docs/steps.md:

- Every source is read from the step's input as received, before anything is
  written, so the order of ``mappings`` never changes what is read; targets
  are then written in config order (a later target wins where they overlap).
- Values are copied: changing a mapped object later never changes the original.
- A source that exists but is null maps to null without a log line; only a
  missing one is logged (or, with ``strict``, fails the step naming every
  missing path at once with ``MissingField``).
- A target that goes through a list needs an index within that list;
  anything else fails the step with a message naming the target.

``keepOriginal`` (default true) starts the output from the input; false
starts from an empty object, so only the mapped fields come out.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from orchestrator_gui.core.context import StepContext
from orchestrator_gui.core.document import Step
from orchestrator_gui.core.errors import MissingField, StepError
from orchestrator_gui.core.paths import MISSING, check_path, copy_json, get_field, set_path
from orchestrator_gui.core.registry import StepConfig, StepType


class DataMappingConfig(StepConfig):
    """Config of ``data_mapping``: ``mappings``, ``keepOriginal`` and ``strict``."""

    mappings: dict[str, str] = Field(
        default_factory=dict,
        description="Target path -> source path, e.g. {\"contact.email\": \"user.email\"}.",
    )
    keep_original: bool = Field(
        default=True, description="Keep the input's fields; off: output only the mapped fields."
    )
    strict: bool = Field(
        default=False, description="Fail the step when a source path is missing (else null)."
    )

    @field_validator("mappings")
    @classmethod
    def _paths_are_valid(cls, mappings: dict[str, str]) -> dict[str, str]:
        for target, source in mappings.items():
            try:
                check_path(target)
                check_path(source)
            except ValueError as exc:
                raise ValueError(f"{target!r} <- {source!r}: {exc}") from None
        return mappings


async def handle_data_mapping(step: Step, ctx: StepContext) -> dict[str, Any]:
    config: DataMappingConfig = ctx.config
    values: list[tuple[str, Any]] = []
    missing: list[str] = []
    for target, source in config.mappings.items():
        found = get_field(ctx.input, source)
        if found is MISSING:
            missing.append(source)
            values.append((target, None))
        else:
            values.append((target, copy_json(found)))
    missing = list(dict.fromkeys(missing))
    if missing and config.strict:
        paths = ", ".join(repr(path) for path in missing)
        raise MissingField(
            f"source path(s) not found in the input: {paths} (strict mapping; fix the path or "
            "turn strict off to map them to null)"
        )
    for path in missing:
        ctx.log.warning(f"source path {path!r} is not in the input; its target is set to null")

    output: dict[str, Any] = ctx.input if config.keep_original else {}
    for target, value in values:
        try:
            set_path(output, target, value)
        except ValueError as exc:
            raise StepError(f"mappings: target {target!r}: {exc}") from None
    return output


STEP_TYPE = StepType(
    name="data_mapping",
    handler=handle_data_mapping,
    config_model=DataMappingConfig,
    title="Data Mapping",
    description="Copies values from source paths to target paths, building nested objects.",
    category="Data",
    color="#14b8a6",
    icon="data_mapping",
    builtin=True,
)
