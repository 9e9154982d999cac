"""The ways a language-model call fails, as step error types (``error.type`` in the record)."""

from __future__ import annotations

from orchestrator_gui.core.errors import StepError


class LlmError(StepError):
    """The endpoint could not be reached or refused the request (after the retries)."""


class EndpointNotConfigured(StepError):
    """A step names an endpoint this machine's settings do not have; says how to add it."""


class LlmAnswerError(StepError):
    """The model answered, but not with what was asked for (JSON of the agreed shape)."""
