"""The step-type registry: metadata + container + entry-point discovery.

Every step type, built-in or third-party, is a :class:`StepType` registered
here: its handler, its pydantic config model (which validates documents and
drives the app's property editor) and what the palette shows (title,
description, category, colour, icon). Built-in types arrive through the same
entry-point group as plugins, ``orchestrator_gui.steps``; an entry point names
either a ``StepType`` or a callable that takes the registry and registers
types itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from orchestrator_gui.core.errors import RegistryError

if TYPE_CHECKING:
    from orchestrator_gui.core.context import StepContext
    from orchestrator_gui.core.document import Step

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "orchestrator_gui.steps"
BUILTIN_ENTRY_POINT = "orchestrator_gui.core.steps:register_builtin_steps"

Handler = Callable[["Step", "StepContext"], Awaitable[dict[str, Any]]]


class StepConfig(BaseModel):
    """Base of step config models: camelCase keys, unknown keys refused, no coercion.

    Strict so that ``"0.7"`` is not a threshold and ``true`` is never a number;
    ``extra="forbid"`` so that a typo such as ``treshold`` is an error.
    """

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
    )


@dataclass(frozen=True)
class StepType:
    """One step type: what runs, what it accepts, how the palette shows it, and its policy.

    The policy is declared here, never inferred from the type's name elsewhere
    (docs/plugins.md, "What a step type declares"):

    - ``contacts_network``: the handler may send data off this machine. The
      trust check (core/trust.py) lists any URL or model endpoint a step's
      config names, whatever its type; a step of a type that declares this
      and names none goes to a destination the document does not show, and
      is asked about all the same.
    - ``silent_when_dry``: in a dry run the handler sends nothing and reads
      no secret (it records what it would have sent), so a dry run's
      exposure leaves it out.
    - ``id_prefix``: new steps of this type get ids ``<prefix>-1``,
      ``<prefix>-2``…; default: the name with ``_`` written ``-``.

    The defaults are the safe reading for a plugin that says nothing: it is
    assumed to send in a dry run too.
    """

    name: str
    handler: Handler
    config_model: type[BaseModel] | None = None
    title: str = ""
    description: str = ""
    category: str = "Custom"
    color: str = "#7f8c8d"
    icon: str = "custom"
    builtin: bool = False
    contacts_network: bool = False
    silent_when_dry: bool = False
    id_prefix: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("_", "").replace("-", "").isalnum():
            raise RegistryError(
                f"step type name {self.name!r} must be letters, digits, '_' or '-'"
            )
        if not callable(self.handler):
            raise RegistryError(f"step type {self.name!r}: handler is not callable")
        if not self.title:
            object.__setattr__(self, "title", self.name.replace("_", " ").title())
        if not self.id_prefix:
            object.__setattr__(self, "id_prefix", self.name.replace("_", "-"))
        if len(self.id_prefix) > 40 or not self.id_prefix.replace("_", "").replace("-", "").isalnum():
            raise RegistryError(
                f"step type {self.name!r}: id_prefix {self.id_prefix[:50]!r} must be at most 40 "
                "letters, digits, '_' or '-'"
            )

    def parse_config(self, config: dict[str, Any]) -> Any:
        """Validate a document's ``config`` object; raises pydantic's ValidationError."""
        if self.config_model is None:
            return dict(config)
        return self.config_model.model_validate(config)


class StepRegistry:
    """A container of step types by name; duplicate names are refused."""

    def __init__(self) -> None:
        self._types: dict[str, StepType] = {}
        self._lock = threading.Lock()
        self.load_errors: list[str] = []

    def register(self, step_type: StepType) -> StepType:
        with self._lock:
            if step_type.name in self._types:
                raise RegistryError(f"a step type named {step_type.name!r} is already registered")
            self._types[step_type.name] = step_type
        return step_type

    def unregister(self, name: str) -> None:
        with self._lock:
            self._types.pop(name, None)

    def get(self, name: str) -> StepType:
        try:
            return self._types[name]
        except KeyError:
            raise KeyError(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __iter__(self) -> Iterator[StepType]:
        return iter(list(self._types.values()))

    def names(self) -> list[str]:
        return list(self._types)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Register every type that installed packages advertise under ``group``.

        A plugin that fails to load is reported in ``load_errors`` (and the
        log), never fatal: one broken package must not stop the app. When the
        package metadata is missing (a frozen build), the built-in types are
        registered directly so that the product still works.
        """
        found_builtin = False
        for ep in entry_points(group=group):
            found_builtin = found_builtin or ep.value == BUILTIN_ENTRY_POINT
            try:
                self._register_object(ep.load())
            except Exception as exc:  # a broken plugin is reported, not fatal
                message = f"step plugin {ep.name!r} ({ep.value}) failed to load: {exc}"
                log.warning(message)
                self.load_errors.append(message)
        if not found_builtin:
            from orchestrator_gui.core.steps import register_builtin_steps

            register_builtin_steps(self)

    def _register_object(self, obj: Any) -> None:
        if isinstance(obj, StepType):
            self.register(obj)
        elif callable(obj):
            obj(self)
        else:
            raise RegistryError(f"expected a StepType or a callable, got {type(obj).__name__}")


_default: StepRegistry | None = None
_default_lock = threading.Lock()


def default_registry() -> StepRegistry:
    """The process-wide registry, filled from entry points on first use."""
    global _default
    with _default_lock:
        if _default is None:
            reg = StepRegistry()
            reg.load_entry_points()
            _default = reg
        return _default


def register_step_type(
    name: str,
    handler: Handler,
    config_model: type[BaseModel] | None = None,
    **metadata: Any,
) -> StepType:
    """Register a custom step type in the process-wide registry and return it."""
    return default_registry().register(
        StepType(name=name, handler=handler, config_model=config_model, **metadata)
    )
