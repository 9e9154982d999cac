"""A known secret is scrubbed in every form a server may echo it in (core/secret_scrub.py).

The property: for any secret and any surrounding text, once scrubbed, none of
the forms below is left — not the secret, its base64 (standard, URL-safe,
padded or not, or inside a longer base64 string at any byte offset: ``Basic``
credentials), its URL encodings (``quote``, ``quote_plus``, upper or lower hex
escapes), its hex (lower, upper) or its JSON text.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from orchestrator_gui.core import known_secrets
from orchestrator_gui.core.secret_scrub import (
    MIN_BASE64_CORE,
    MIN_SCRUB_LENGTH,
    REDACTED,
    scrub,
)


def _lower_escapes(text: str) -> str:
    """``%2F`` -> ``%2f``: servers differ in the case of their escapes."""
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), text)


def base64_cores(secret: str) -> list[str]:
    """What base64 of ``prefix + secret + suffix`` always contains, for each offset mod 3,
    in both alphabets (the characters that depend only on the secret's bits)."""
    data = secret.encode()
    cores = []
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + data + b"\0\0").decode()
        core = encoded[(8 * offset + 5) // 6:(8 * offset + 8 * len(data)) // 6]
        if len(core) >= MIN_BASE64_CORE:
            cores += [core, core.replace("+", "-").replace("/", "_")]
    return cores


def forms_of(secret: str) -> dict[str, str]:
    """Every form the scrubber promises to remove, by name."""
    data = secret.encode()
    forms = {
        "plain": secret,
        "base64": base64.b64encode(data).decode(),
        "base64 unpadded": base64.b64encode(data).decode().rstrip("="),
        "base64url": base64.urlsafe_b64encode(data).decode(),
        "base64url unpadded": base64.urlsafe_b64encode(data).decode().rstrip("="),
        "quote": quote(secret, safe=""),
        "quote (safe /)": quote(secret),
        "quote_plus": quote_plus(secret),
        "quote lower escapes": _lower_escapes(quote(secret, safe="")),
        "quote_plus lower escapes": _lower_escapes(quote_plus(secret)),
        "hex": data.hex(),
        "HEX": data.hex().upper(),
        "json ascii": json.dumps(secret)[1:-1],
        "json unicode": json.dumps(secret, ensure_ascii=False)[1:-1],
        "json slash": json.dumps(secret)[1:-1].replace("/", "\\/"),
    }
    for i, core in enumerate(base64_cores(secret)):
        forms[f"base64 core {i}"] = core
    return forms


def leaks(text: str, secret: str) -> list[str]:
    return [name for name, form in forms_of(secret).items() if form in text]


def embeddings(secret: str, before: str, after: str) -> list[str]:
    """The secret in each form, inside other text; base64 also inside longer base64."""
    data, head, tail = secret.encode(), before.encode(), after.encode()
    texts = [before + form + after for form in forms_of(secret).values()]
    for prefix in (b"", b"u:", b"us:", b"user:", head):
        joined = prefix + data + tail
        texts += [f"Basic {base64.b64encode(joined).decode()}",
                  f"t={base64.urlsafe_b64encode(joined).decode().rstrip('=')}"]
    return texts


secrets_strategy = st.one_of(
    st.text(min_size=MIN_SCRUB_LENGTH, max_size=40),
    st.text(alphabet="abcdef0123456789", min_size=MIN_SCRUB_LENGTH, max_size=40),
    st.text(alphabet="+/=-_ %&?:@.~", min_size=MIN_SCRUB_LENGTH, max_size=12),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E),
            min_size=MIN_SCRUB_LENGTH, max_size=64),
    st.text(alphabet="aé€😀 \n\"\\/", min_size=MIN_SCRUB_LENGTH, max_size=16),
)
surroundings = st.text(max_size=30) | st.text(alphabet="ABCxyz019+/=%", max_size=12)


@settings(max_examples=300, deadline=None)
@given(secret=secrets_strategy, before=surroundings, after=surroundings)
@example(secret="dact", before="[re", after="ed]")  # a secret found inside the marker itself
@example(secret="x[re", before="x", after="")  # a new match formed around the marker
@example(secret="cnry/env+0123", before="", after="")
def test_no_form_of_a_secret_survives_scrubbing(secret: str, before: str, after: str) -> None:
    for text in embeddings(secret, before, after):
        cleaned = scrub(text, [secret])
        assert leaks(cleaned, secret) == [], (text, cleaned)


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (*strings_in(k), *strings_in(v))]
    if isinstance(value, list):
        return [t for v in value for t in strings_in(v)]
    return []


@settings(max_examples=100, deadline=None)
@given(secret=secrets_strategy, key_text=surroundings)
def test_keys_and_nested_values_are_scrubbed_too(secret: str, key_text: str) -> None:
    assume(all(secret not in key for key in ("n", "t", "none")))  # those keys must stay keys
    data = {key_text + secret: [secret, {"b64": base64.b64encode(secret.encode()).decode()}],
            "n": 1, "t": True, "none": None}
    cleaned = scrub(data, [secret])
    assert all(leaks(text, secret) == [] for text in strings_in(cleaned)), cleaned
    assert (cleaned["n"], cleaned["t"], cleaned["none"]) == (1, True, None)


@pytest.mark.parametrize("text, expected", [
    # the brief's examples: an echoed token in headers, base64 and URL-encoded
    ("X-Echo: tok3n/Value+1", f"X-Echo: {REDACTED}"),
    ("Basic " + base64.b64encode(b"user:tok3n/Value+1").decode(), f"Basic dXNlcj{REDACTED}"),
    ("Location: /cb?t=" + quote("tok3n/Value+1", safe=""), f"Location: /cb?t={REDACTED}"),
    ("Location: /cb?t=" + _lower_escapes(quote_plus("tok3n/Value+1")), f"Location: /cb?t={REDACTED}"),
    ("hex 746f6b336e2f56616c75652b31 HEX 746F6B336E2F56616C75652B31",
     f"hex {REDACTED} HEX {REDACTED}"),
    ('{"t": "tok3n\\/Value+1"}', f'{{"t": "{REDACTED}"}}'),
])
def test_echoed_forms_are_replaced(text: str, expected: str) -> None:
    assert scrub(text, ["tok3n/Value+1"]) == expected


def test_short_values_are_left_alone_and_ordinary_text_is_untouched() -> None:
    assert scrub("ok 1 abc", ["ok", "1", "abc"]) == "ok 1 abc"
    text = "Y2xlYW4gdGV4dA== 0123456789abcdef some text %41 \\u0041"
    assert scrub(text, ["s3cret-value"]) == text


def test_log_records_of_every_logger_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    secret = "log-canary-" + "7f3a9c2e"
    known_secrets.remember([secret])
    caplog.set_level(logging.DEBUG)
    b64 = base64.b64encode(secret.encode()).decode()
    logging.getLogger("some.library").debug("echo %s and %r", secret, {"k": b64})
    logging.getLogger("httpcore.http11").debug(
        "receive_response_headers.complete return_value=%s",
        (b"HTTP/1.1", 200, b"OK", [(b"Set-Cookie", b"sid=unknown-session-value"),
                                   (b"X-Echo", quote(secret).encode())]))
    try:
        raise ValueError(f"failed with {secret}")
    except ValueError:
        logging.getLogger("other").exception("boom %s", "x")
    text = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert leaks(text, secret) == []
    assert "unknown-session-value" not in text  # sensitive response header by name
    assert "b'Set-Cookie', b'[redacted]'" in text
    assert text.count(REDACTED) >= 5
