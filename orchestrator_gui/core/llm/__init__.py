"""Language-model steps: an OpenAI-compatible chat client and what the steps share.

Why it exists: the ``prompt`` step and ``ai_decision``'s ``llm`` agent reach
any OpenAI-compatible endpoint (Ollama, LM Studio, vLLM, hosted services)
through one client (client.py), with endpoints named in the app's settings
(endpoints.py), prompts filled from the payload (templates.py), JSON
answers read leniently (answers.py) and every call recorded for replay
(ask.py). ``test_endpoint`` (probe.py) is the "test connection" action.
See docs/ai.md.
"""

from __future__ import annotations

from orchestrator_gui.core.llm.endpoints import Endpoint, find_endpoint, how_to_add
from orchestrator_gui.core.llm.errors import EndpointNotConfigured, LlmAnswerError, LlmError
from orchestrator_gui.core.llm.probe import EndpointCheck, test_endpoint

__all__ = [
    "Endpoint",
    "EndpointCheck",
    "EndpointNotConfigured",
    "LlmAnswerError",
    "LlmError",
    "find_endpoint",
    "how_to_add",
    "test_endpoint",
]
