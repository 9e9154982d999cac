"""Showing requests without showing credentials.

Run records, step logs and dry-run previews are stored, exported and shown
on screen, so anything that may be a credential is replaced by
:data:`REDACTED` before it gets there: sensitive headers (by name, or because
their value used ``${env:...}``/``${secret:...}``), user info and
key/token-like query parameters in URLs, and any resolved secret value a
server echoes back in its answer (``scrub``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from orchestrator_gui.core.secrets import has_reference

REDACTED = "[redacted]"

_SENSITIVE_EXACT = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SENSITIVE_PARTS = ("key", "token", "secret", "password", "passwd", "auth", "cookie", "session")
# Shorter values are not scrubbed from answers: replacing every "1" or "ok" would
# mangle the answer and such values protect nothing.
MIN_SCRUB_LENGTH = 4


def is_sensitive_name(name: str) -> bool:
    """A header or parameter name that usually carries a credential."""
    lowered = name.lower()
    return lowered in _SENSITIVE_EXACT or any(part in lowered for part in _SENSITIVE_PARTS)


def is_sensitive_header(name: str, value: str) -> bool:
    """Sensitive by name, or because its (unresolved) value uses a ``${...}`` reference."""
    return is_sensitive_name(name) or has_reference(value)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers as written in the document, sensitive values replaced by ``REDACTED``."""
    return {
        name: REDACTED if is_sensitive_header(name, value) else value
        for name, value in headers.items()
    }


def redact_url(url: str) -> str:
    """``https://user:pw@h/p?api_key=x&q=1`` -> ``https://[redacted]@h/p?api_key=[redacted]&q=1``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = REDACTED + "@" + netloc.rpartition("@")[2]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_sensitive_name(k) for k, _ in pairs):
            query = urlencode(
                [(k, REDACTED if is_sensitive_name(k) else v) for k, v in pairs], safe="[]"
            )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def scrub(value: Any, secrets: Iterable[str]) -> Any:
    """``value`` with every occurrence of each secret (in strings and keys) replaced."""
    needles = sorted({s for s in secrets if len(s) >= MIN_SCRUB_LENGTH}, key=len, reverse=True)
    if not needles:
        return value
    return _scrub(value, needles)


def _scrub(value: Any, needles: list[str]) -> Any:
    if isinstance(value, str):
        for needle in needles:
            if needle in value:
                value = value.replace(needle, REDACTED)
        return value
    if isinstance(value, dict):
        return {_scrub(k, needles): _scrub(v, needles) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, needles) for v in value]
    return value
