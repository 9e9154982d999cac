"""Named language-model endpoints: from the app's settings to something a call can use.

Why it exists: experiments are shared between machines, endpoints are not.
A step names an endpoint (``"endpoint": "local"``); which server, model and
key that means is this machine's business, kept in ``settings.json`` under
``endpoints``. A name that is not there is a run-time step error that says
exactly what to put in which file. API keys are written as ``${env:NAME}``
or ``${secret:NAME}`` and resolved (core/secrets.py) only to be sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestrator_gui.core import jsonio, known_secrets
from orchestrator_gui.core.llm.errors import EndpointNotConfigured
from orchestrator_gui.core.redact import redact_url, url_secrets
from orchestrator_gui.core.secrets import resolve
from orchestrator_gui.core.settings import AppSettings, EndpointSettings, settings_path

EXAMPLE_BASE_URL = "http://127.0.0.1:11434/v1"
EXAMPLE_MODEL = "llama3.2"


@dataclass(frozen=True)
class Endpoint:
    """One endpoint, ready to call: ``url`` is the chat-completions URL."""

    name: str
    base_url: str
    model: str
    api_key: str | None
    timeout_seconds: float

    @property
    def url(self) -> str:
        return chat_url(self.base_url)

    @property
    def shown_url(self) -> str:
        """The URL as records and logs show it (user info and key-like parameters redacted)."""
        return redact_url(self.url)


def chat_url(base_url: str) -> str:
    """``http://h:11434/v1`` -> ``http://h:11434/v1/chat/completions`` (OpenAI's layout)."""
    base = base_url.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    return base + "/chat/completions"


def example_settings(name: str) -> str:
    """The JSON to put in settings.json for an endpoint called ``name``."""
    sample = {"endpoints": {name: {"baseUrl": EXAMPLE_BASE_URL, "model": EXAMPLE_MODEL}}}
    return jsonio.dumps(sample).decode("utf-8")


def how_to_add(name: str) -> str:
    """Where and what to write so that an endpoint called ``name`` exists."""
    return (
        f"add it to the app's settings file {settings_path()}, for example: "
        f"{example_settings(name)} (baseUrl: any OpenAI-compatible server such as Ollama, "
        "LM Studio or vLLM; if it needs a key, add \"apiKey\": \"${env:NAME}\" or "
        "\"${secret:NAME}\"). `orchestrator endpoints list` shows the configured endpoints and "
        f"`orchestrator endpoints test {name}` checks the connection"
    )


def find_endpoint(settings: AppSettings, name: str, *, where: str = "") -> Endpoint:
    """The endpoint called ``name``; ``EndpointNotConfigured`` saying how to add it otherwise."""
    found: EndpointSettings | None = settings.endpoints.get(name)
    if found is None:
        known = ", ".join(repr(n) for n in sorted(settings.endpoints)) or "none"
        prefix = f"{where}: " if where else ""
        raise EndpointNotConfigured(
            f"{prefix}no endpoint named {name!r} is configured on this machine "
            f"(configured: {known}); {how_to_add(name)}"
        )
    return Endpoint(name=name, base_url=found.base_url, model=found.model,
                    api_key=found.api_key, timeout_seconds=found.timeout_seconds)


async def resolve_key(endpoint: Endpoint) -> str | None:
    """The API key to send (``None`` without one); ``SecretError`` naming the reference."""
    known_secrets.remember(url_secrets(endpoint.url))
    if not endpoint.api_key:
        return None
    key, _ = await resolve(endpoint.api_key, where=f"endpoint {endpoint.name!r} apiKey")
    known_secrets.remember([key])  # also a key written as is (settings refuse one; a caller may not)
    return key
