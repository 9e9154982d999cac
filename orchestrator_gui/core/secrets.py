"""``${env:NAME}`` and ``${secret:NAME}`` references: found, checked and resolved.

Experiments are shared as JSON documents, so credentials must not live in
them. A header value (today: the ``webhook`` step's) may instead name where
its secret lives: ``Bearer ${env:API_TOKEN}`` reads the environment variable
``API_TOKEN``; ``${secret:crm-token}`` reads the OS keyring (the ``keyring``
package) entry of service :data:`KEYRING_SERVICE` and user name ``crm-token``,
which a user creates with ``keyring set orchestrator-gui crm-token``.

Resolved values are returned to the caller only to be sent; they are never
written into a record, a log line or an error message. Each is also made
known to core/known_secrets.py before it is returned, so a server that echoes
it back (in any common encoding) does not get it into a log or a record
either. A reference that cannot be resolved raises :class:`SecretError`
naming the reference, never a value.

No silent fallback: when the system has no usable keyring (on Linux that
means no running, unlocked Secret Service such as GNOME Keyring or KWallet),
``${secret:...}`` fails with a message saying so and pointing at
``${env:NAME}``. We do not fall back to a plain-text file behind the user's back.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from orchestrator_gui.core import known_secrets
from orchestrator_gui.core.bounded_text import BoundedText, clip
from orchestrator_gui.core.errors import PayloadTooLarge, SecretError
from orchestrator_gui.core.jsonio import human_size
from orchestrator_gui.core.secret_scrub import MIN_SCRUB_LENGTH

KEYRING_SERVICE = "orchestrator-gui"
"""The keyring service name under which ``${secret:NAME}`` looks ``NAME`` up."""

_OPEN, _CLOSE = "${", "}"
_FEW = 1000  # with fewer "${" or "}", one scan is as quick as splitting
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SECRET_NAME = re.compile(r"[A-Za-z0-9_.@/-]{1,128}")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reference:
    """One ``${kind:name}`` inside a value; ``text`` is how it was written."""

    kind: str
    name: str
    text: str


def scan(value: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, inside)`` of everything written as ``${...}``, in one forward pass.

    A reference ends at the first ``}`` after its ``${``. Not a regular
    expression: ``\\$\\{([^}]*)\\}`` reads to the end of the value again for
    every ``${`` that no ``}`` follows (200,000 of them: minutes).
    """
    find = value.find
    pos = 0
    while (start := find(_OPEN, pos)) >= 0:
        close = find(_CLOSE, start + 2)
        if close < 0:
            return  # no "}" after this "${", so none after any later one
        yield start, close + 1, value[start + 2:close]
        pos = close + 1


def has_reference(value: str) -> bool:
    """True when ``value`` contains something written as ``${...}``."""
    return next(scan(value), None) is not None


def _problem(inside: str) -> str | None:
    """Why ``${inside}`` is not a usable reference (to follow the quoted reference), or None."""
    kind, sep, name = inside.partition(":")
    if not sep or kind not in ("env", "secret"):
        return (" is not a reference: write ${env:NAME} for an environment variable or "
                "${secret:NAME} for a keyring entry")
    pattern = _ENV_NAME if kind == "env" else _SECRET_NAME
    if not pattern.fullmatch(name):
        allowed = (
            "letters, digits and '_', not starting with a digit"
            if kind == "env"
            else "1-128 letters, digits and . _ @ / -"
        )
        return f": the name must be {allowed}"
    return None


def check_references(value: str) -> list[Reference]:
    """The references in ``value`` in order; ``ValueError`` (a document error) for a malformed one."""
    found = []
    for start, end, inside in scan(value):
        text = value[start:end]
        problem = _problem(inside)
        if problem is not None:
            raise ValueError(f"{clip(text)!r}{problem}")
        kind, _, name = inside.partition(":")
        found.append(Reference(kind, name, text))
    return found


def check_value(value: str) -> str:
    """``value`` itself when every reference in it is well formed (for config validators).

    Each distinct reference is checked once, so a 10 MB value of references
    takes C-speed splitting, not a Python loop per reference: cut at every
    ``}``, a piece holds at most one reference, from its first ``${`` to its
    end. On a malformed one, the value is scanned in order so that the
    message names the first.
    """
    if _OPEN not in value:
        return value
    pieces = value.split(_CLOSE, _FEW)
    if len(pieces) <= _FEW or value.count(_OPEN) <= _FEW:
        insides: Iterator[str] = (inside for _, _, inside in scan(value))
    else:
        insides = _piece_insides(pieces)
    if any(_problem(inside) is not None for inside in insides):
        check_references(value)
    return value


def _piece_insides(pieces: list[str]) -> Iterator[str]:
    rest = pieces.pop()  # the first pieces first: a bad one near the start is found sooner
    yield from _insides(set(pieces))
    yield from _insides(set(rest.split(_CLOSE)[:-1]))  # the last piece has no "}" after it


def _insides(pieces: set[str]) -> Iterator[str]:
    for piece in pieces:
        start = piece.find(_OPEN)
        if start >= 0:
            yield piece[start + 2:]


async def resolve(value: str, *, where: str,
                  max_bytes: int | None = None) -> tuple[str, list[str]]:
    """Replace every reference in ``value``; returns the result and the values inserted.

    ``where`` names the place for error messages (``header 'Authorization'``).
    The keyring is asked from a worker thread: a Secret Service may block on
    D-Bus or an unlock prompt, and the event loop (the app's UI) must not.
    Each distinct reference is looked up once. With ``max_bytes``, a result
    that would pass it raises ``PayloadTooLarge`` before it is built.
    """
    references = check_references(value)
    if not references:
        return value, []
    secrets: dict[str, str] = {}
    for ref in references:
        if ref.text not in secrets:
            secret = await _lookup(ref, where)
            if len(secret) < MIN_SCRUB_LENGTH:
                _log.warning("%s: the value of %s is shorter than %d characters, too short to be "
                             "told apart from other text, so it is not scrubbed from answers and "
                             "logs", where, ref.text, MIN_SCRUB_LENGTH)
            known_secrets.remember([secret])
            secrets[ref.text] = secret
    out = BoundedText(max_bytes)
    pos = 0
    for (start, end, _), ref in zip(scan(value), references, strict=True):
        if not (out.add(value[pos:start]) and out.add(secrets[ref.text])):
            _too_large(where, out)
        pos = end
    if not out.add(value[pos:]):
        _too_large(where, out)
    return out.text(), list(secrets.values())


def _too_large(where: str, out: BoundedText) -> None:
    assert out.max_bytes is not None
    raise PayloadTooLarge(
        f"{where}: with its references resolved, the value would pass the payload limit of "
        f"{human_size(out.max_bytes)}"
    )


async def _lookup(ref: Reference, where: str) -> str:
    if ref.kind == "secret":
        return await asyncio.to_thread(_from_keyring, ref, where)
    secret = os.environ.get(ref.name)
    if not secret:
        raise SecretError(
            f"{where}: environment variable {ref.name!r} ({ref.text}) is not set or empty; "
            "set it in the environment that starts the app or the run"
        )
    return secret


def _from_keyring(ref: Reference, where: str) -> str:
    import keyring
    import keyring.errors

    try:
        secret = keyring.get_password(KEYRING_SERVICE, ref.name)
    except keyring.errors.NoKeyringError:
        raise SecretError(
            f"{where}: {ref.text} needs an OS keyring, and none is available on this system "
            "(on Linux: no running Secret Service such as GNOME Keyring or KWallet). Use "
            f"${{env:NAME}} with an environment variable instead, or install and unlock a keyring "
            f"and add the secret with: keyring set {KEYRING_SERVICE} {ref.name}"
        ) from None
    except keyring.errors.KeyringLocked:
        raise SecretError(
            f"{where}: the keyring is locked, so {ref.text} cannot be read; unlock it and run "
            "again, or use ${env:NAME}"
        ) from None
    except Exception as exc:  # InitError, D-Bus failures: the backend's words, never a value
        raise SecretError(
            f"{where}: the keyring could not be read for {ref.text} ({type(exc).__name__}: {exc}); "
            "unlock or repair the keyring, or use ${env:NAME}"
        ) from None
    if not secret:
        raise SecretError(
            f"{where}: no secret named {ref.name!r} in the keyring (service {KEYRING_SERVICE!r}) "
            f"for {ref.text}; add it with: keyring set {KEYRING_SERVICE} {ref.name}"
        )
    return secret
