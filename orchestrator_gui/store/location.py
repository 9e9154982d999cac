"""Where the database lives and whose history it is.

The database is one file in the platform's user-data folder (platformdirs),
unless ``--db PATH`` or ``ORCHESTRATOR_DB`` says otherwise. The user is a
local profile name: ``ORCHESTRATOR_USER`` if set, else the OS login name.
Runs are kept per user (and retention counts per user); experiments and
presets record who saved them.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import platformdirs

APP_NAME = "orchestrator-gui"
DB_FILENAME = "orchestrator.db"
DB_ENV = "ORCHESTRATOR_DB"
USER_ENV = "ORCHESTRATOR_USER"


def default_db_path() -> Path:
    """``$ORCHESTRATOR_DB`` if set, else ``<user data dir>/orchestrator-gui/orchestrator.db``."""
    override = os.environ.get(DB_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_FILENAME


def resolve_db_path(path: str | os.PathLike[str] | None) -> Path:
    return default_db_path() if path is None else Path(path).expanduser()


def resolve_user(user: str | None = None) -> str:
    """The given name, else ``$ORCHESTRATOR_USER``, else the OS login name."""
    for candidate in (user, os.environ.get(USER_ENV)):
        if candidate and candidate.strip():
            return candidate.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name (some containers, services)
        return "default"
