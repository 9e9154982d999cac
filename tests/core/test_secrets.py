"""``${env:}``/``${secret:}`` resolution and redaction.

``${secret:NAME}`` is tested through the real ``keyring`` API: a small
in-memory ``keyring.backend.KeyringBackend`` subclass installed with
``keyring.set_keyring`` (the API a user's own backend plugs into), so the
code under test calls ``keyring.get_password`` exactly as it does against
GNOME Keyring or KWallet. The "no keyring" case uses keyring's own
``fail.Keyring``, which is what ``keyring`` picks on a Linux box without a
Secret Service.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest

from orchestrator_gui.core.errors import SecretError
from orchestrator_gui.core.redact import REDACTED, redact_headers, redact_url, scrub
from orchestrator_gui.core.secrets import KEYRING_SERVICE, check_references, resolve
from tests.core.test_step_webhook import log_text, run
from tests.httpserver import Reply, ScriptedServer, http_server

__all__ = ["http_server"]


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend holding passwords in a dict."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


class LockedKeyring(MemoryKeyring):
    """A backend whose keyring the user has not unlocked."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("collection is locked")


@pytest.fixture
def use_keyring() -> Iterator[Any]:
    """Install a backend for the test, and put the previous one back afterwards."""
    previous = keyring.get_keyring()

    def install(backend: keyring.backend.KeyringBackend) -> keyring.backend.KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(previous)


async def test_secret_header_from_the_keyring_reaches_server_not_record(
    http_server: ScriptedServer, use_keyring: Any
) -> None:
    backend = use_keyring(MemoryKeyring())
    value = "sk-" + secrets.token_hex(16)
    keyring.set_password(KEYRING_SERVICE, "crm-token", value)
    assert backend.passwords  # stored through the public keyring API into our backend
    http_server.script(Reply(echo=True))
    result = await run({"url": http_server.url(),
                        "headers": {"X-Crm": "${secret:crm-token}"}})
    assert result.status == "success"
    assert http_server.requests[0].headers["x-crm"] == value
    assert value not in json.dumps(result.to_record())
    assert value not in log_text(result)


async def test_missing_secret_says_how_to_add_it(use_keyring: Any) -> None:
    use_keyring(MemoryKeyring())
    with pytest.raises(SecretError) as caught:
        await resolve("${secret:absent}", where="header 'X'")
    message = str(caught.value)
    assert "header 'X'" in message and "absent" in message
    assert f"keyring set {KEYRING_SERVICE} absent" in message


async def test_no_keyring_is_said_aloud_and_points_at_env(
    http_server: ScriptedServer, use_keyring: Any
) -> None:
    use_keyring(keyring.backends.fail.Keyring())
    result = await run({"url": http_server.url(), "headers": {"X-Crm": "${secret:crm-token}"}})
    step = result.steps[0]
    assert step.error is not None and step.error["type"] == "SecretError"
    assert "no" in step.error["message"] and "keyring" in step.error["message"]
    assert "${env:NAME}" in step.error["message"]
    assert http_server.requests == []  # nothing sent with a missing credential


async def test_locked_keyring_is_reported(use_keyring: Any) -> None:
    use_keyring(LockedKeyring())
    with pytest.raises(SecretError, match="locked"):
        await resolve("${secret:crm-token}", where="header 'X'")


async def test_env_references_resolve_inside_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCH_A", "alpha")
    monkeypatch.setenv("ORCH_B", "beta")
    value, inserted = await resolve("${env:ORCH_A}:${env:ORCH_B}!", where="header 'X'")
    assert (value, inserted) == ("alpha:beta!", ["alpha", "beta"])
    assert await resolve("no references", where="x") == ("no references", [])


async def test_empty_env_variable_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCH_EMPTY", "")
    with pytest.raises(SecretError, match="ORCH_EMPTY"):
        await resolve("Bearer ${env:ORCH_EMPTY}", where="header 'Authorization'")


def test_check_references_refuses_malformed_ones() -> None:
    assert [r.name for r in check_references("${env:A} ${secret:team/api.key}")] == [
        "A", "team/api.key"]
    for bad in ("${A}", "${env:}", "${file:/etc/passwd}", "${env:A-B}"):
        with pytest.raises(ValueError):
            check_references(bad)


def test_redact_headers_by_name_and_by_reference() -> None:
    shown = redact_headers({
        "Authorization": "Bearer literal", "Cookie": "a=b", "X-Api-Key": "k",
        "X-Session-Token": "t", "X-Trace": "${env:TRACE}", "Accept": "text/plain",
    })
    assert shown == {
        "Authorization": REDACTED, "Cookie": REDACTED, "X-Api-Key": REDACTED,
        "X-Session-Token": REDACTED, "X-Trace": REDACTED, "Accept": "text/plain",
    }


def test_redact_url_hides_user_info_and_key_parameters() -> None:
    assert redact_url("https://bob:pw@h.example/p?api_key=s3cr3t&q=1") == (
        f"https://{REDACTED}@h.example/p?api_key={REDACTED}&q=1")
    assert redact_url("http://h/p?q=1") == "http://h/p?q=1"


def test_scrub_replaces_secrets_in_strings_and_keys() -> None:
    data = {"echo": "Bearer abcd1234", "abcd1234": [1, "x abcd1234 y"], "n": 3}
    assert scrub(data, ["abcd1234", "ab"]) == {
        "echo": f"Bearer {REDACTED}", REDACTED: [1, f"x {REDACTED} y"], "n": 3}
