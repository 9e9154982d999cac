"""The secret values this process has used, kept out of every log record and run record.

A value becomes known when it is resolved from ``${env:...}``/``${secret:...}``
(core/secrets.py), when a webhook sends a header that is sensitive by name,
when a URL carries user info or a key-like query parameter, and when a
model endpoint's API key is read. From then on:

- every log record of every logger is scrubbed as it is created (a log
  record factory, so no handler, filter or propagation setting can let one
  through): message, arguments, traceback and stack text, with every form of
  each secret (core/secret_scrub.py) replaced. Header lists as httpcore's
  DEBUG trace prints them (``(b'Set-Cookie', b'...')``) also lose the values
  of sensitive header names, known or not;
- the engine scrubs step logs, errors and outputs (core/engine.py,
  core/context.py) and the CLI what it prints on stderr, so records, the
  store, exports and messages never hold them.

The set is process-wide (log records do not know which run they belong
to) and bounded: the :data:`MAX_KNOWN` most recently used values are kept.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.secret_scrub import (
    MIN_SCRUB_LENGTH,
    REDACTED,
    compile_secrets,
    is_sensitive_name,
    scrub_text,
    scrub_value,
)

MAX_KNOWN = 256

_lock = threading.Lock()
_known: dict[str, None] = {}  # insertion-ordered: the oldest is dropped first
_compiled: tuple[re.Pattern[str], str] | None = None
_installed = False

# ``(b'Name', b'value')`` pairs as httpcore (and h11) print header lists.
_BYTES = r"""b(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_HEADER_PAIR = re.compile(rf"\((?P<name>{_BYTES}), (?P<value>{_BYTES})\)")


def remember(values: Iterable[str]) -> None:
    """Add secret values; they are scrubbed from logs and records from now on."""
    global _compiled
    fresh = [v for v in values if isinstance(v, str) and len(v) >= MIN_SCRUB_LENGTH]
    if not fresh:
        return
    with _lock:
        changed = False
        for value in fresh:
            if value in _known:
                _known[value] = _known.pop(value)  # most recently used goes last
                continue
            _known[value] = None
            changed = True
        while len(_known) > MAX_KNOWN:
            del _known[next(iter(_known))]
        if changed:
            _compiled = compile_secrets(frozenset(_known))
    install_log_scrubber()


def forget_all() -> None:
    """Forget every known value (tests)."""
    global _compiled
    with _lock:
        _known.clear()
        _compiled = None


def scrub_known(value: Any) -> Any:
    """``value`` (text or JSON-like data) with every form of every known secret replaced."""
    return scrub_value(value, _compiled)


def scrub_known_json(data: bytes) -> bytes:
    """JSON text (``jsonio.dumps``) with known secrets scrubbed from its strings and keys.

    ``data`` itself, untouched, when it holds none: one search of the text,
    so the common case costs no decoding into objects.
    """
    compiled = _compiled
    if compiled is None or compiled[0].search(data.decode("utf-8")) is None:
        return data
    return jsonio.dumps(scrub_value(jsonio.loads_trusted(data), compiled))


def redact_header_pairs(text: str) -> str:
    """``(b'Set-Cookie', b'sid=1')`` -> ``(b'Set-Cookie', b'[redacted]')`` for sensitive names."""
    if "(b" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")[2:-1]
        if not is_sensitive_name(name):
            return match.group(0)
        return f"({match.group('name')}, b'{REDACTED}')"

    return _HEADER_PAIR.sub(replace, text)


def clean_log_text(text: str) -> str:
    """A log line as it may be shown: sensitive header values and known secrets replaced."""
    return scrub_text(redact_header_pairs(text), _compiled)


def _clean_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format: logging reports it later; keep what can be shown
        message = f"{record.msg!s} {record.args!r}"
    cleaned = clean_log_text(message)
    if cleaned != message:
        record.msg, record.args = cleaned, ()
    compiled = _compiled
    if compiled is None:
        return
    if record.exc_info and record.exc_info[0] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        if compiled[0].search(text) is not None:
            # formatters use exc_text as given; dropping exc_info keeps handlers
            # that format the exception themselves from printing the raw one
            record.exc_text, record.exc_info = scrub_text(text, compiled), None
    elif record.exc_text:
        record.exc_text = scrub_text(record.exc_text, compiled)
    if record.stack_info:
        record.stack_info = scrub_text(record.stack_info, compiled)


def install_log_scrubber() -> None:
    """Scrub every log record from now on (idempotent; wraps the current record factory)."""
    global _installed
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _clean_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
