"""``webhook``: send the step input to an HTTP endpoint and record the answer (docs/steps.md).

The one built-in step that talks to the outside world, so it is where time
limits, retries and credentials meet. Choices beyond docs/steps.md, written down:

- Every attempt is bounded by the webhook's ``timeoutSeconds`` (the whole
  attempt, not just one socket read) unless the step's own remaining time is
  shorter: then the step's limit stops it and the step ends ``timeout``.
- A retry waits ``Retry-After`` (seconds or an HTTP date) when the answer has
  one, else 0.5 s x 2^(n-1) x a random 1-1.25. A wait that would end past the
  step's limit is not started: the step fails at once, saying so.
- The answer is read up to 64 KB (``RESPONSE_CAP_BYTES``, after content
  decoding). A longer one is cut there: ``response`` is then the first 64 KB
  as text (never half-parsed JSON) and ``webhook.truncated`` is ``true``; the
  key is absent otherwise.
- A JSON answer with a number our JSON cannot keep exactly (a whole number
  beyond 64 bits, 1e400) is recorded as its text, every digit as received,
  with a warning naming the number's path (core/numbers.py).
- With ``failOnError: false`` a failure is recorded, not raised: ``ok`` is
  false, ``status`` the last status or null, and ``webhook.error`` says what
  went wrong.
- Header values may use ``${env:NAME}`` / ``${secret:NAME}`` (core.secrets).
  Logs and previews show sensitive headers as ``[redacted]`` (core.redact),
  URLs lose their user info and key/token query values. Every value sent
  that must not be shown (resolved references, sensitive headers, URL
  credentials) is made known to core.known_secrets before the request goes
  out, so wherever the server echoes it back, in any form core.secret_scrub
  covers (answer, status message, ``Location``, response headers in httpx's
  DEBUG logs), it is replaced.
- Redirects are not followed unless ``followRedirects`` is true: a 3xx is a
  non-2xx answer, and the message names its ``Location``. When followed, every
  hop is checked against the network policy, and sensitive headers are not
  sent on to another origin.
- The app's network policy (core.netpolicy) is checked before anything is sent
  and again on the address each connection actually reaches; a refusal fails
  the step (``NetworkRefused``), is never retried, whatever ``failOnError`` says.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator

from orchestrator_gui.core import http, jsonio, known_secrets
from orchestrator_gui.core.bounded_text import clip
from orchestrator_gui.core.context import StepContext
from orchestrator_gui.core.document import Step
from orchestrator_gui.core.errors import SecretError, WebhookError
from orchestrator_gui.core.http import RETRY_STATUSES, retry_after_seconds
from orchestrator_gui.core.redact import (
    is_sensitive_header,
    redact_headers,
    redact_url,
    scrub,
    url_secrets,
)
from orchestrator_gui.core.registry import StepConfig, StepType
from orchestrator_gui.core.secrets import check_references, check_value, resolve

if TYPE_CHECKING:  # httpx is imported where a request is made (start-up: docs/benchmarks.md)
    from collections.abc import Callable

    import httpx

RESPONSE_CAP_BYTES = 64 * 1024
BACKOFF_BASE_SECONDS = 0.5
USER_AGENT = "orchestrator-gui webhook"
SHOWN_HEADER_CHARS = 200

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HEADER_VALUE = re.compile(r"[\x20-\x7e\t]*")


class WebhookConfig(StepConfig):
    """Config of ``webhook``."""

    url: str = Field(description="Where to send the request (http:// or https://).")
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = Field(
        "POST", description="HTTP method; GET sends no body."
    )
    headers: dict[str, str] = Field(
        default_factory=dict,
        description="Extra headers; values may use ${env:NAME} or ${secret:NAME}.",
    )
    timeout_seconds: float = Field(
        10.0, gt=0, le=3600, description="Limit of each attempt, capped by the step's limit."
    )
    retries: int = Field(
        2, ge=0, le=10, description="Retries after connection errors, timeouts, 408, 429, 5xx."
    )
    fail_on_error: bool = Field(True, description="Fail the step when the call fails.")
    follow_redirects: bool = Field(
        False, description="Follow 3xx redirects (each hop checked by the network policy)."
    )

    @field_validator("method", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        import httpx  # here, not at the top: the app's start does not need the network stack

        try:
            url = httpx.URL(value)
        except httpx.InvalidURL as exc:
            raise ValueError(f"is not a valid URL ({exc})") from None
        if url.scheme not in ("http", "https"):
            got = f"{url.scheme}://" if url.scheme else "no scheme"
            raise ValueError(f"must start with http:// or https:// (got {got})")
        if not url.host:
            raise ValueError("must name a host, as in https://example.com/hook")
        return value

    @field_validator("headers")
    @classmethod
    def _valid_headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name, text in value.items():
            if not _TOKEN.fullmatch(name):
                raise ValueError(f"{name!r} is not a valid header name")
            if not _HEADER_VALUE.fullmatch(text):
                raise ValueError(
                    f"header {name!r}: the value must be printable ASCII on one line"
                )
            try:
                check_value(text)
            except ValueError as exc:
                raise ValueError(f"header {name!r}: {exc}") from None
        return value


def backoff_seconds(retry_number: int) -> float:
    """Wait before retry ``retry_number`` (1-based): exponential from 0.5 s, with jitter."""
    return http.backoff_seconds(retry_number, BACKOFF_BASE_SECONDS)


def _headers_to_send(headers: dict[str, str], has_body: bool) -> dict[str, str]:
    names = {name.lower() for name in headers}
    out = dict(headers)
    if has_body and "content-type" not in names:
        out["Content-Type"] = "application/json"
    if "user-agent" not in names:
        out["User-Agent"] = USER_AGENT
    return out


async def _resolve_headers(templates: dict[str, str], step_id: str,
                           max_bytes: int) -> tuple[dict[str, str], list[str]]:
    """Headers ready to send, and every value that must never be shown."""
    resolved: dict[str, str] = {}
    hidden: list[str] = []
    for name, template in templates.items():
        value, inserted = await resolve(template, where=f"step {step_id!r}: header {name!r}",
                                        max_bytes=max_bytes)
        if inserted and not _HEADER_VALUE.fullmatch(value):
            refs = ", ".join(r.text for r in check_references(template))
            raise SecretError(
                f"header {name!r}: the value of {refs} contains a line break, a control "
                "character or non-ASCII text, which cannot be sent in a header"
            )
        resolved[name] = value
        hidden.extend(inserted)
        if is_sensitive_header(name, template):
            hidden.append(value)
    return resolved, hidden


def _describe(exc: BaseException, limit: float) -> str:
    import httpx

    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return f"timed out after {limit:g} s (the webhook's timeoutSeconds)"
    detail = str(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _decode_answer(data: bytes, response: httpx.Response, truncated: bool,
                   warn: Callable[[str], None]) -> Any:
    """JSON when the answer is JSON, else its text.

    A JSON answer holding a number our JSON cannot keep exactly (a whole number
    beyond 64 bits, 1e400) is kept as its text, every digit as received, with
    a warning naming the number's path: never rounded, and the step goes on.
    """
    if not data:
        return None
    if not truncated and "json" in response.headers.get("content-type", "").lower():
        try:
            return jsonio.parse_json(data, what="the answer", reject_duplicate_keys=False)
        except jsonio.NumberProblem as exc:
            warn(f"{exc}; the answer is kept as text, exactly as received")
        except jsonio.JSONProblem:
            pass
    try:
        text = data.decode(response.charset_encoding or "utf-8", errors="replace")
    except LookupError:
        text = data.decode("utf-8", errors="replace")
    return text.rstrip("\ufffd") if truncated else text


async def _read_capped(response: httpx.Response) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > RESPONSE_CAP_BYTES:
            break
    return b"".join(chunks)[:RESPONSE_CAP_BYTES], size > RESPONSE_CAP_BYTES


async def handle_webhook(step: Step, ctx: StepContext) -> dict[str, Any]:
    cfg: WebhookConfig = ctx.config
    output = ctx.input
    body = None if cfg.method == "GET" else jsonio.dumps(output)
    shown_url = redact_url(cfg.url)
    if ctx.run.dry_run:
        preview = redact_headers(_headers_to_send(cfg.headers, body is not None))
        ctx.log.info(f"dry run: would send {cfg.method} {shown_url}; nothing sent")
        output["webhook"] = {"dryRun": True, "request": {
            "url": shown_url, "method": cfg.method, "headers": preview,
            "body": None if body is None else jsonio.loads_trusted(body),
        }}
        return output
    from orchestrator_gui.core import netpolicy

    in_url = url_secrets(cfg.url)
    known_secrets.remember(in_url)
    netpolicy.check_url(cfg.url, ctx.settings.network)

    async def send() -> dict[str, Any]:
        headers, hidden = await _resolve_headers(cfg.headers, step.id, ctx.max_payload_bytes)
        hidden += in_url
        known_secrets.remember(hidden)
        call = _Call(cfg, ctx, shown_url, _headers_to_send(headers, body is not None), body,
                     hidden)
        return await call.run()

    # Recorded (secrets redacted) so that a replay answers from it and sends nothing;
    # the body is the step's own recorded input, so only its size is repeated here.
    request = {"method": cfg.method, "url": shown_url,
               "headers": redact_headers(_headers_to_send(cfg.headers, body is not None)),
               "bodyBytes": None if body is None else len(body)}
    output["webhook"] = await ctx.external("webhook", request, send)
    if ctx.replaying:
        ctx.log.info(f"replay: answered {cfg.method} {shown_url} from the recording; nothing sent")
    if not output["webhook"]["ok"] and cfg.fail_on_error:
        raise WebhookError(output["webhook"]["error"])
    return output


class _Call:
    """One webhook call: its attempts, waits and what is recorded of them."""

    def __init__(self, cfg: WebhookConfig, ctx: StepContext, shown_url: str,
                 headers: dict[str, str], body: bytes | None, hidden: list[str]) -> None:
        self.cfg, self.ctx, self.shown_url = cfg, ctx, shown_url
        self.headers, self.body, self.hidden = headers, body, hidden
        shown = redact_headers(_headers_to_send(cfg.headers, body is not None))
        # clipped: a header may be as long as the document, and this is logged every attempt
        self.shown_headers = ", ".join(f"{k}: {clip(v, SHOWN_HEADER_CHARS)}"
                                       for k, v in shown.items())

    async def run(self) -> dict[str, Any]:
        import httpx

        from orchestrator_gui.core import netpolicy

        cfg, log = self.cfg, self.ctx.log
        total = cfg.retries + 1
        started = time.perf_counter()
        status: int | None = None
        problem = ""
        answer: Any = None
        truncated = False
        attempt = 0
        network = self.ctx.settings.network
        sensitive = [name for name, value in cfg.headers.items() if is_sensitive_header(name, value)]
        async with httpx.AsyncClient(
            follow_redirects=cfg.follow_redirects, timeout=httpx.Timeout(cfg.timeout_seconds),
            transport=netpolicy.checked_transport(network),
            event_hooks={"request": [netpolicy.request_hook(network, cfg.url, sensitive)]},
        ) as client:
            while True:
                attempt += 1
                log.info(f"{cfg.method} {self.shown_url}: attempt {attempt} of {total} "
                         f"(headers: {self.shown_headers})")
                t0 = time.perf_counter()
                wait: float | None = None
                retryable = True
                try:
                    response, data, truncated = await self._attempt(client)
                except (httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
                    status, problem = None, self._clean(_describe(exc, cfg.timeout_seconds))
                    log.error(f"attempt {attempt}: {problem}")
                    break
                except (httpx.TransportError, TimeoutError) as exc:
                    status, problem = None, self._clean(_describe(exc, cfg.timeout_seconds))
                    answer, truncated = None, False
                    log.warning(f"attempt {attempt}: {problem}")
                else:
                    status = response.status_code
                    answer = scrub(_decode_answer(data, response, truncated, log.warning),
                                   self.hidden)
                    ms = (time.perf_counter() - t0) * 1000
                    log.info(f"attempt {attempt}: {status} {response.reason_phrase} in {ms:.0f} ms")
                    if response.is_success:
                        problem = ""
                        break
                    problem = self._status_problem(response)
                    retryable = status in RETRY_STATUSES or status >= 500
                    wait = retry_after_seconds(response.headers.get("retry-after"))
                if not retryable or attempt >= total:
                    break
                reason = "Retry-After" if wait is not None else "backoff"
                wait = backoff_seconds(attempt) if wait is None else wait
                left = self.ctx.remaining_seconds()
                if wait >= left:
                    problem += (f"; not retried: the wait of {wait:.2f} s ({reason}) would pass "
                                f"the step's time limit ({left:.2f} s left)")
                    break
                log.info(f"retrying in {wait:.2f} s ({reason})")
                await asyncio.sleep(wait)
        ok = not problem
        record: dict[str, Any] = {
            "url": self.shown_url, "method": cfg.method, "status": status, "ok": ok,
            "attempts": attempt, "durationMs": round((time.perf_counter() - started) * 1000, 3),
            "response": answer,
        }
        if truncated:
            record["truncated"] = True
            log.warning(f"the answer was longer than {RESPONSE_CAP_BYTES // 1024} KB; "
                        "recorded its beginning as text")
        if not ok:
            record["error"] = (f"{cfg.method} {self.shown_url} failed after {attempt} "
                               f"attempt{'s' if attempt > 1 else ''}: {problem}")
            log.error(record["error"])
        return record

    async def _attempt(self, client: httpx.AsyncClient) -> tuple[httpx.Response, bytes, bool]:
        limit = self.cfg.timeout_seconds
        # When the step's own limit comes first, let it stop us (step status `timeout`).
        own = limit < self.ctx.remaining_seconds()
        async with asyncio.timeout(limit if own else None), client.stream(
            self.cfg.method, self.cfg.url, content=self.body, headers=self.headers
        ) as response:
            data, truncated = await _read_capped(response)
        return response, data, truncated

    def _status_problem(self, response: httpx.Response) -> str:
        text = f"answered {response.status_code} {response.reason_phrase}".rstrip()
        if response.is_redirect:
            where = redact_url(response.headers.get("location", "?"))
            text += f" (redirects are not followed; Location: {self._clean(where)})"
        return text

    def _clean(self, text: str) -> str:
        cleaned: str = scrub(text, self.hidden)
        return cleaned


STEP_TYPE = StepType(
    name="webhook",
    handler=handle_webhook,
    config_model=WebhookConfig,
    title="Webhook",
    description="Sends the data to an HTTP endpoint, with retries, and records the answer.",
    category="Integration",
    color="#0ea5e9",
    icon="webhook",
    builtin=True,
    contacts_network=True,
    silent_when_dry=True,
)
