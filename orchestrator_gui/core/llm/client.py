"""An OpenAI-compatible chat client: ``POST {baseUrl}/chat/completions`` over httpx.

Why it exists: every model call (the ``prompt`` step, ``ai_decision``'s ``llm``
agent, "test connection") needs the same care: each attempt bounded by the
endpoint's ``timeoutSeconds`` unless the step's own limit comes first (then
the step ends ``timeout``), retries on connection errors, timeouts, 408, 429
and 5xx honouring ``Retry-After`` (core/http.py) but never waiting past the
step's limit, and the API key kept out of every message (in every form
core/secret_scrub.py covers; core/known_secrets.py keeps it out of logs). Other 4xx answers
are not retried: the message says what the server said and what to check.
The app's network policy holds here as for webhooks (core/netpolicy.py): the
URL is checked before sending and every connection on the address it opens.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from orchestrator_gui.core import http, jsonio
from orchestrator_gui.core.llm.endpoints import Endpoint
from orchestrator_gui.core.llm.errors import LlmError
from orchestrator_gui.core.redact import scrub, url_secrets
from orchestrator_gui.core.settings import NetworkSettings

if TYPE_CHECKING:  # httpx is imported where a request is made (start-up: docs/benchmarks.md)
    import httpx

RETRIES = 2
BACKOFF_BASE_SECONDS = http.BACKOFF_BASE_SECONDS
ANSWER_CAP_BYTES = 4 * 1024 * 1024
USER_AGENT = "orchestrator-gui llm"
_HINTS = {
    401: "the server refused the API key: check the endpoint's apiKey",
    403: "the server refused the API key: check the endpoint's apiKey",
    404: "check the endpoint's baseUrl (it should end where /chat/completions is added, "
         "often /v1) and its model name",
}


class Log(Protocol):
    def info(self, message: str) -> None: ...
    def warning(self, message: str) -> None: ...


class _Quiet:
    def info(self, message: str) -> None:
        pass

    def warning(self, message: str) -> None:
        pass


def request_body(endpoint: Endpoint, messages: list[dict[str, str]],
                 options: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON body of a chat request: model, messages and the options that are set."""
    body: dict[str, Any] = {"model": endpoint.model, "messages": messages}
    body.update({k: v for k, v in (options or {}).items() if v is not None})
    return body


async def chat(endpoint: Endpoint, key: str | None, body: dict[str, Any], *,
               remaining: Callable[[], float], log: Log | None = None,
               retries: int = RETRIES, network: NetworkSettings | None = None) -> dict[str, Any]:
    """Send ``body``, retrying as described above; the answer as JSON-able data.

    ``network`` is the policy to hold to (``any`` when None); a refusal raises
    ``NetworkRefused`` at once, never retried.

    Returns ``{"content", "model", "finishReason", "usage": {"promptTokens",
    "completionTokens", "totalTokens"}, "latencyMs", "attempts"}`` (``latencyMs``
    from the first attempt to the answer, waits included). Raises ``LlmError``.
    """
    log = log or _Quiet()
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    hidden = ([key] if key else []) + url_secrets(endpoint.url)
    data = jsonio.dumps(body)
    total = retries + 1
    started = time.perf_counter()
    limit = endpoint.timeout_seconds
    network = network or NetworkSettings()
    import httpx  # here, not at the top: the app's start does not need the network stack

    from orchestrator_gui.core import netpolicy

    netpolicy.check_url(endpoint.url, network)
    async with httpx.AsyncClient(follow_redirects=False, timeout=httpx.Timeout(limit),
                                 transport=netpolicy.checked_transport(network)) as client:
        attempt = 0
        while True:
            attempt += 1
            log.info(f"POST {endpoint.shown_url} (endpoint {endpoint.name!r}, model "
                     f"{endpoint.model!r}): attempt {attempt} of {total}")
            wait: float | None = None
            try:
                # When the step's own limit comes first, let it stop us (step status `timeout`).
                own = limit < remaining()
                async with asyncio.timeout(limit if own else None):
                    response = await client.post(endpoint.url, content=data, headers=headers)
            except (httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
                raise LlmError(scrub(_failed(endpoint, attempt, _describe(exc, limit)), hidden)
                               ) from None
            except (httpx.TransportError, TimeoutError) as exc:
                problem = scrub(_describe(exc, limit), hidden)
                log.warning(f"attempt {attempt}: {problem}")
            else:
                if response.is_success:
                    answer = _parse(endpoint, response, hidden)
                    answer["latencyMs"] = round((time.perf_counter() - started) * 1000, 3)
                    answer["attempts"] = attempt
                    return answer
                problem = scrub(_status_problem(response), hidden)
                log.warning(f"attempt {attempt}: {problem}")
                if not http.is_retryable_status(response.status_code):
                    raise LlmError(_failed(endpoint, attempt, problem))
                wait = http.retry_after_seconds(response.headers.get("retry-after"))
            if attempt >= total:
                raise LlmError(_failed(endpoint, attempt, problem))
            reason = "Retry-After" if wait is not None else "backoff"
            wait = http.backoff_seconds(attempt, BACKOFF_BASE_SECONDS) if wait is None else wait
            left = remaining()
            if wait >= left:
                raise LlmError(_failed(endpoint, attempt, problem + (
                    f"; not retried: the wait of {wait:.2f} s ({reason}) would pass the "
                    f"step's time limit ({left:.2f} s left)")))
            log.info(f"retrying in {wait:.2f} s ({reason})")
            await asyncio.sleep(wait)


def _failed(endpoint: Endpoint, attempts: int, problem: str) -> str:
    return (f"endpoint {endpoint.name!r} ({endpoint.shown_url}) failed after {attempts} "
            f"attempt{'s' if attempts != 1 else ''}: {problem}")


def _describe(exc: BaseException, limit: float) -> str:
    import httpx

    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return f"no answer within {limit:g} s (the endpoint's timeoutSeconds)"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({exc or type(exc).__name__}): is the server running?"
    detail = str(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _status_problem(response: httpx.Response) -> str:
    text = f"answered {response.status_code} {response.reason_phrase}".rstrip()
    said = _server_message(response)
    if said:
        text += f": {said}"
    hint = _HINTS.get(response.status_code)
    return f"{text} ({hint})" if hint else text


def _server_message(response: httpx.Response) -> str:
    """The server's own words: OpenAI's ``error.message``, Ollama's ``error``, or the text."""
    raw = response.content[:2000]
    try:
        data = jsonio.parse_json(raw, what="the answer", reject_duplicate_keys=False)
    except jsonio.JSONProblem:
        return raw.decode("utf-8", errors="replace").strip()[:300]
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        error = error.get("message")
    return str(error)[:300] if error else ""


def _parse(endpoint: Endpoint, response: httpx.Response, hidden: list[str]) -> dict[str, Any]:
    if len(response.content) > ANSWER_CAP_BYTES:
        raise LlmError(f"endpoint {endpoint.name!r}: the answer is larger than "
                       f"{ANSWER_CAP_BYTES // (1024 * 1024)} MB")
    try:
        data = jsonio.parse_json(response.content, what="the answer", reject_duplicate_keys=False)
        choice = data["choices"][0]
        content = choice["message"]["content"]
        if not isinstance(content, str):
            raise TypeError("content is not text")
    except (jsonio.JSONProblem, KeyError, IndexError, TypeError) as exc:
        shown = scrub(response.text[:300], hidden)
        raise LlmError(
            f"endpoint {endpoint.name!r} ({endpoint.shown_url}) answered, but not as an "
            f"OpenAI-compatible chat completion ({type(exc).__name__}: {exc}); it said: {shown!r}"
        ) from None
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    answer = {
        "content": content,
        "model": data.get("model") if isinstance(data.get("model"), str) else endpoint.model,
        "finishReason": choice.get("finish_reason"),
        "usage": {
            "promptTokens": _count(usage.get("prompt_tokens")),
            "completionTokens": _count(usage.get("completion_tokens")),
            "totalTokens": _count(usage.get("total_tokens")),
        },
    }
    cleaned: dict[str, Any] = scrub(answer, hidden)
    return cleaned


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
