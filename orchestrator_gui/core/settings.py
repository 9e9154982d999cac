"""The app's settings: limits, network policy, language-model endpoints. One JSON file.

Kept in ``<user config dir>/orchestrator-gui/settings.json`` (platformdirs), or
under ``$ORCHESTRATOR_CONFIG_DIR``. The file is optional: defaults apply when
it is absent, and a file that cannot be read is a clear error naming the file
and the key, never a silent reset. Writes are atomic (temp file, fsync,
rename), so a crash never leaves half a settings file.

Secrets never live here: an endpoint's API key is written as
``${secret:NAME}`` (OS keyring) or ``${env:NAME}`` and resolved when used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.atomic import write_atomic
from orchestrator_gui.core.errors import OrchestratorError

APP_NAME = "orchestrator-gui"
CONFIG_ENV = "ORCHESTRATOR_CONFIG_DIR"
FILENAME = "settings.json"


class SettingsError(OrchestratorError, ValueError):
    """A settings file that cannot be read or has invalid values; the message names file and key."""


class _Section(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, alias_generator=to_camel, populate_by_name=True
    )


class LimitSettings(_Section):
    """The app's limits (docs/format.md, "Limits"). Each is both the default and the maximum."""

    step_timeout_seconds: float = Field(default=30.0, gt=0)
    run_timeout_seconds: float = Field(default=60.0, gt=0)
    max_payload_bytes: int = Field(default=jsonio.DEFAULT_MAX_BYTES, gt=0)
    max_concurrent_runs: int = Field(default=10, ge=1, le=100)
    max_stored_runs: int = Field(default=1000, ge=1)


class NetworkSettings(_Section):
    """Where steps may send data. ``any`` (default), ``public-only``, or ``allow-list``."""

    policy: Literal["any", "public-only", "allow-list"] = "any"
    allow: list[str] = Field(
        default_factory=list, description="Hosts (or host:port) allowed under 'allow-list'."
    )


class EndpointSettings(_Section):
    """A named OpenAI-compatible chat endpoint, chosen by name in step configs."""

    base_url: str = Field(min_length=1, description="e.g. http://127.0.0.1:11434/v1")
    model: str = Field(min_length=1)
    api_key: str | None = Field(default=None, description="${secret:NAME} or ${env:NAME}, never a raw key")
    timeout_seconds: float = Field(default=30.0, gt=0)


class AppSettings(_Section):
    """Everything the app lets a user set, as stored in settings.json."""

    model_config = ConfigDict(extra="allow")  # later versions' keys survive a save

    user: str | None = None
    limits: LimitSettings = Field(default_factory=LimitSettings)
    network: NetworkSettings = Field(default_factory=NetworkSettings)
    endpoints: dict[str, EndpointSettings] = Field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> AppSettings:
        """The settings in ``path`` (default: the user's file); defaults when it does not exist."""
        path = path or settings_path()
        try:
            raw = jsonio.read_bounded(path, what="settings file")
        except FileNotFoundError:
            return cls()
        except OSError as exc:
            raise SettingsError(f"{path}: cannot be read ({exc.strerror})") from None
        except jsonio.JSONProblem as exc:
            raise SettingsError(f"{path}: {exc}") from None
        try:
            data = jsonio.parse_json(raw, what="settings file")
        except jsonio.JSONProblem as exc:
            raise SettingsError(f"{path}: {exc}") from None
        return cls.from_data(data, source=str(path))

    @classmethod
    def from_data(cls, data: Any, source: str = "settings") -> AppSettings:
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = [
                f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
                for err in exc.errors(include_url=False)
            ]
            raise SettingsError(f"{source}: " + "; ".join(problems)) from None

    def save(self, path: Path | None = None) -> Path:
        """Write atomically: a crash leaves the old file or the new one, never half of one."""
        path = path or settings_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        text = jsonio.dumps_pretty(self.model_dump(mode="json", by_alias=True, exclude_defaults=True))
        write_atomic(path, text.encode("utf-8"))
        return path


def settings_path() -> Path:
    override = os.environ.get(CONFIG_ENV, "").strip()
    folder = Path(override).expanduser() if override else Path(
        platformdirs.user_config_dir(APP_NAME, appauthor=False)
    )
    return folder / FILENAME
