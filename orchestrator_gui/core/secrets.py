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
from dataclasses import dataclass

from orchestrator_gui.core import known_secrets
from orchestrator_gui.core.errors import SecretError
from orchestrator_gui.core.secret_scrub import MIN_SCRUB_LENGTH

KEYRING_SERVICE = "orchestrator-gui"
"""The keyring service name under which ``${secret:NAME}`` looks ``NAME`` up."""

# Anything shaped like ``${...}``; checked further by ``check_references``.
_ANY_REF = re.compile(r"\$\{([^}]*)\}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SECRET_NAME = re.compile(r"[A-Za-z0-9_.@/-]{1,128}")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reference:
    """One ``${kind:name}`` inside a value; ``text`` is how it was written."""

    kind: str
    name: str
    text: str


def has_reference(value: str) -> bool:
    """True when ``value`` contains something written as ``${...}``."""
    return _ANY_REF.search(value) is not None


def check_references(value: str) -> list[Reference]:
    """The references in ``value``; ``ValueError`` (a document error) for a malformed one."""
    found = []
    for match in _ANY_REF.finditer(value):
        kind, sep, name = match.group(1).partition(":")
        if not sep or kind not in ("env", "secret"):
            raise ValueError(
                f"{match.group(0)!r} is not a reference: write ${{env:NAME}} for an environment "
                "variable or ${secret:NAME} for a keyring entry"
            )
        pattern = _ENV_NAME if kind == "env" else _SECRET_NAME
        if not pattern.fullmatch(name):
            allowed = (
                "letters, digits and '_', not starting with a digit"
                if kind == "env"
                else "1-128 letters, digits and . _ @ / -"
            )
            raise ValueError(f"{match.group(0)!r}: the name must be {allowed}")
        found.append(Reference(kind, name, match.group(0)))
    return found


async def resolve(value: str, *, where: str) -> tuple[str, list[str]]:
    """Replace every reference in ``value``; returns the result and the values inserted.

    ``where`` names the place for error messages (``header 'Authorization'``).
    The keyring is asked from a worker thread: a Secret Service may block on
    D-Bus or an unlock prompt, and the event loop (the app's UI) must not.
    """
    references = check_references(value)
    if not references:
        return value, []
    inserted: list[str] = []
    out = value
    for ref in references:
        if ref.kind == "env":
            secret = os.environ.get(ref.name)
            if not secret:
                raise SecretError(
                    f"{where}: environment variable {ref.name!r} ({ref.text}) is not set or empty; "
                    "set it in the environment that starts the app or the run"
                )
        else:
            secret = await asyncio.to_thread(_from_keyring, ref, where)
        if len(secret) < MIN_SCRUB_LENGTH:
            _log.warning("%s: the value of %s is shorter than %d characters, too short to be "
                         "told apart from other text, so it is not scrubbed from answers and "
                         "logs", where, ref.text, MIN_SCRUB_LENGTH)
        known_secrets.remember([secret])
        inserted.append(secret)
        out = out.replace(ref.text, secret)
    return out, inserted


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
