"""Finding a secret in text in every form it is commonly written, and replacing it.

A server that echoes a token rarely echoes it verbatim only: it may send it
back base64-encoded (inside ``Basic`` credentials, a JWT, a cookie),
URL-encoded (in a ``Location``), hex-encoded, or JSON-escaped. One regular
expression per set of secrets finds them all; :func:`scrub` replaces each
match with :data:`REDACTED`.

Forms covered, for a secret ``s`` (its UTF-8 bytes where bytes matter):

* ``s`` with any of its characters written as itself, percent-encoded
  (``%2F`` or ``%2f``; twice-encoded ``%252F``; space as ``+``),
  backslash-escaped (``\\/``, ``\\"``, ``\\\\``, ``\\'``, ``\\n`` in JSON or
  Python text), ``\\xNN`` bytes (Python's ``repr`` of bytes), or ``\\uXXXX`` /
  ``\\UXXXXXXXX`` (JSON, Python). Mixtures count: ``quote``, ``quote_plus``
  and a server that encodes only some characters are all found.
* hex of the bytes, lower, upper or mixed case.
* base64 of ``s`` at any of the three byte offsets inside a longer base64
  string (``base64("user:" + s)``, a JWT segment): for each offset, the
  characters that depend only on ``s`` (the alignment's "stable core"), in
  the standard or the URL-safe alphabet (``+/`` or ``-_``, also ``%2B``,
  ``%2F``, ``\\/``), plus the one partial character on each side when present,
  so no bit of ``s`` is left next to the marker. A core shorter than
  :data:`MIN_BASE64_CORE` characters would match unrelated base64 by chance,
  so for short secrets only the exact encoding of ``s`` on its own is found.

Not covered (documented in docs/hardening.md): base64 or hex of an already
URL- or JSON-escaped secret, base64 split across lines, other encodings
(base32, UTF-16, HTML entities), a secret in a compressed or encrypted body,
and secrets shorter than :data:`MIN_SCRUB_LENGTH` characters.

Every pattern is a concatenation of fixed-width alternatives, so a search
is linear in the text (no nested repetition to backtrack through).
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Iterable
from typing import Any

REDACTED = "[redacted]"
# Shorter values are not scrubbed: replacing every "1" or "ok" would mangle
# answers and logs, and such values protect nothing.
MIN_SCRUB_LENGTH = 4
MIN_BASE64_CORE = 6
# Used instead of REDACTED when a secret's form occurs inside REDACTED itself
# (a secret "dact"); "[x]" is shorter than any form, so it never contains one.
_MARKERS = (REDACTED, "[removed]", "[x]")
_MAX_PASSES = 4

_SENSITIVE_EXACT = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SENSITIVE_PARTS = ("key", "token", "secret", "password", "passwd", "auth", "cookie", "session")

# JSON's and Python's one-letter escapes (``\n`` for a line feed).
_SHORT_ESCAPES = {"\n": "n", "\r": "r", "\t": "t", "\b": "b", "\f": "f", "\v": "v", "\a": "a",
                  "\0": "0"}
_B64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")
_B64_CHAR = "[A-Za-z0-9+/_-]"

# A form is a list of units, one per character (or byte) of the secret; a unit lists
# the ways that character may be written, each a pattern that starts with a literal
# character. The whole expression is then an alternation whose every branch starts
# with a literal, which lets the regular-expression engine skip, in C, every
# position where no form can start: a search costs little more than a scan.
Unit = list[str]


def is_sensitive_name(name: str) -> bool:
    """A header or parameter name that usually carries a credential."""
    lowered = name.lower()
    return lowered in _SENSITIVE_EXACT or any(part in lowered for part in _SENSITIVE_PARTS)


def _hex_digit(digit: str) -> list[str]:
    return [digit, digit.upper()] if digit.isalpha() else [digit]


def _hex(number: int, width: int) -> str:
    """``number`` in hex as a pattern that accepts either case of its letters."""
    return "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in f"{number:0{width}x}")


def _char_unit(char: str) -> Unit:
    """Every way one character of a secret is written in the escaped forms."""
    data = char.encode("utf-8", errors="surrogatepass")
    forms = [re.escape(char), r"\\" + re.escape(char)]
    forms.append("".join(f"%(?:25)?{_hex(b, 2)}" for b in data))
    forms.append("".join(rf"\\x{_hex(b, 2)}" for b in data))
    code = ord(char)
    if code < 0x10000:
        forms.append(rf"\\u{_hex(code, 4)}")
    else:
        high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        forms.append(rf"\\u{_hex(high, 4)}\\u{_hex(low, 4)}")
        forms.append(rf"\\U{_hex(code, 8)}")
    if char in _SHORT_ESCAPES:
        forms.append(r"\\" + _SHORT_ESCAPES[char])
    if char == " ":
        forms.append(r"\+")
    return forms


def _hex_units(data: bytes) -> list[Unit]:
    """Hex of the bytes, one unit per hex digit, either case."""
    return [_hex_digit(d) for d in data.hex()]


def _base64_units(text: str) -> list[Unit]:
    """Base64 text in either alphabet; ``+``/``/`` may also be percent- or JSON-escaped."""
    either = {"+": [r"\+", "-", "%2B", "%2b"], "/": ["/", "_", "%2F", "%2f", r"\\/"]}
    return [either.get(c, [re.escape(c)]) for c in text]


def _base64_forms(data: bytes) -> list[tuple[list[Unit], str, bool]]:
    """(units, tail, widen) for ``data`` base64-encoded at each byte offset in longer base64.

    ``widen``: the character before the match also holds bits of ``data``
    (it is taken with the match when it is a base64 character).
    """
    out: list[tuple[list[Unit], str, bool]] = []
    bits = 8 * len(data)
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + data + b"\0\0").decode("ascii")
        start = (8 * offset + 5) // 6  # the first character made only of data's bits
        end = (8 * offset + bits) // 6  # past the last one
        core = encoded[start:end]
        partial = (8 * offset + bits) % 6 != 0
        if len(core) >= MIN_BASE64_CORE:
            tail = (f"{_B64_CHAR}?" if partial else "") + "=*"
            out.append((_base64_units(core), tail, offset > 0))
        elif offset == 0:  # too short to find inside other base64: the exact encoding alone
            exact = base64.b64encode(data).decode("ascii").rstrip("=")
            out.append((_base64_units(exact), "=*", False))
    return out


def _branches(units: list[Unit], tail: str = "", mark: bool = False) -> list[str]:
    """Top-level branches for one form: its first unit's ways, each followed by the rest.

    ``mark`` adds an empty capturing group at the end, so a match can tell it
    came from a form whose match may be widened by one character before it.
    """
    rest = "".join("(?:" + "|".join(unit) + ")" for unit in units[1:]) + tail
    return [first + rest + ("()" if mark else "") for first in units[0]]


def forms_branches(secret: str) -> list[str]:
    """Regular-expression branches that together match ``secret`` in every covered form."""
    data = secret.encode("utf-8", errors="surrogatepass")
    branches = _branches([_char_unit(c) for c in secret]) + _branches(_hex_units(data))
    for units, tail, widen in _base64_forms(data):
        branches += _branches(units, tail, mark=widen)
    return branches


@functools.lru_cache(maxsize=64)
def compile_secrets(secrets: frozenset[str]) -> tuple[re.Pattern[str], str] | None:
    """The pattern finding every form of every secret, and the marker to replace them with.

    ``None`` when no secret is long enough to be scrubbed. Longer secrets come
    first, so that a secret containing a shorter one is replaced whole.
    """
    needles = sorted((s for s in secrets if len(s) >= MIN_SCRUB_LENGTH),
                     key=lambda s: (-len(s), s))
    if not needles:
        return None
    pattern = re.compile("|".join(b for s in needles for b in forms_branches(s)))
    marker = next(m for m in _MARKERS if pattern.search(m) is None)
    return pattern, marker


def _replace(text: str, pattern: re.Pattern[str], marker: str) -> tuple[str, int]:
    parts: list[str] = []
    position = count = 0
    for match in pattern.finditer(text):
        start, end = match.span()
        if match.lastindex is not None and start > position and text[start - 1] in _B64_CHARS:
            start -= 1
        parts += (text[position:start], marker)
        position = end
        count += 1
    if not count:
        return text, 0
    parts.append(text[position:])
    return "".join(parts), count


def scrub_text(text: str, compiled: tuple[re.Pattern[str], str] | None) -> str:
    """``text`` with no match of the pattern left, not even one formed around a marker."""
    if compiled is None:
        return text
    pattern, marker = compiled
    for _ in range(_MAX_PASSES):
        text, count = _replace(text, pattern, marker)
        if count == 0:
            return text
    return text if pattern.search(text) is None else marker


def scrub_value(value: Any, compiled: tuple[re.Pattern[str], str] | None) -> Any:
    """``value`` (JSON-like data) with every string and key scrubbed."""
    if compiled is None:
        return value
    if isinstance(value, str):
        return scrub_text(value, compiled)
    if isinstance(value, dict):
        return {scrub_value(k, compiled): scrub_value(v, compiled) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_value(v, compiled) for v in value]
    return value


def scrub(value: Any, secrets: Iterable[str]) -> Any:
    """``value`` with every form of each secret (in strings and keys) replaced."""
    return scrub_value(value, compile_secrets(frozenset(secrets)))
