"""Showing requests without showing credentials.

Run records, step logs and dry-run previews are stored, exported and shown
on screen, so anything that may be a credential is replaced by
:data:`REDACTED` before it gets there: sensitive headers (by name, or because
their value used ``${env:...}``/``${secret:...}``), user info and
key/token-like query parameters in URLs, and any secret value a server
echoes back in its answer, in any form core/secret_scrub.py covers
(``scrub``).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from orchestrator_gui.core.secret_scrub import (
    MIN_SCRUB_LENGTH,
    REDACTED,
    is_sensitive_name,
    scrub,
)
from orchestrator_gui.core.secrets import has_reference

__all__ = [
    "MIN_SCRUB_LENGTH", "REDACTED", "is_sensitive_header", "is_sensitive_name",
    "redact_headers", "redact_url", "scrub", "url_secrets",
]


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


def url_secrets(url: str) -> list[str]:
    """The credentials written into ``url``: its user info and its key/token-like query values.

    They are sent as written, so they are made known (core/known_secrets.py)
    and scrubbed wherever they come back, not only where ``redact_url`` is used.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found: list[str] = []
    if "@" in parts.netloc:
        userinfo = parts.netloc.rpartition("@")[0]
        password = userinfo.partition(":")[2]
        found += [userinfo, unquote(userinfo), password, unquote(password)]
    if parts.query:
        found += [v for k, v in parse_qsl(parts.query, keep_blank_values=True)
                  if is_sensitive_name(k)]
    return list(dict.fromkeys(value for value in found if value))
