"""The exception tree of the headless core, drawn once here.

::

    OrchestratorError                    base of everything we raise on purpose
    ├── ExperimentError (ValueError)     a document that cannot be loaded; .problems lists every one
    ├── InputError (ValueError)          a run input that is refused before any step runs
    ├── RegistryError                    a step type or agent that cannot be registered
    └── StepError                        raised by a handler: the step fails with this type and message
        ├── StepTimeout                  the step's own time limit
        ├── RunTimeout                   the run's time limit stopped the step
        ├── PayloadTooLarge              a step output over the payload limit
        ├── InvalidOutput                a handler returned something that is not a JSON object
        ├── MissingField                 a required field is missing or null
        ├── ComplianceViolation          compliance_check with action "block" found something
        ├── WebhookError                 a webhook failed after its retries
        └── SecretError                  a ${env:...} or ${secret:...} reference could not be resolved

A step record's ``error.type`` is the class name of whatever the handler
raised, ours or not; these classes exist so that the common failures have
names a user can search for.
"""

from __future__ import annotations

from collections.abc import Iterable


class OrchestratorError(Exception):
    """Base class of the errors this package raises on purpose."""


class ExperimentError(OrchestratorError, ValueError):
    """An experiment document that cannot be loaded.

    ``problems`` lists every problem found, each naming its place, for example
    ``steps[2] (ai-1): config.threshold: must be <= 1``. Nothing is half-loaded:
    when this is raised, no experiment object exists.
    """

    def __init__(self, problems: Iterable[str], source: str | None = None) -> None:
        self.problems: list[str] = list(problems) or ["invalid experiment"]
        self.source = source
        head = f"{source}: " if source else ""
        if len(self.problems) == 1:
            message = f"{head}invalid experiment: {self.problems[0]}"
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            message = f"{head}invalid experiment ({len(self.problems)} problems):\n{lines}"
        super().__init__(message)


class InputError(OrchestratorError, ValueError):
    """A run input refused before any step runs (not an object, not JSON, too large)."""


class RegistryError(OrchestratorError):
    """A step type or agent type that cannot be registered (duplicate name, bad metadata)."""


class StepError(OrchestratorError):
    """Raised by a step handler to fail its step with a clear message."""


class StepTimeout(StepError):
    """The step ran past its own time limit."""


class RunTimeout(StepError):
    """The run ran past its time limit while this step was running."""


class PayloadTooLarge(StepError):
    """A step output larger than the payload limit."""


class InvalidOutput(StepError):
    """A handler returned something that is not a JSON object."""


class MissingField(StepError):
    """A required field is missing or null."""


class ComplianceViolation(StepError):
    """A compliance check with ``action: block`` found sensitive data."""


class WebhookError(StepError):
    """A webhook call failed after its retries."""


class SecretError(StepError):
    """A ``${env:NAME}`` or ``${secret:NAME}`` reference that cannot be resolved."""
