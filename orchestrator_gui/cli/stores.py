"""Opening the store for a verb, with its failures turned into CLI errors."""

from __future__ import annotations

from orchestrator_gui.cli.output import CliError
from orchestrator_gui.store import Store, StoreError


def open_store(db: str | None) -> Store:
    try:
        return Store.open(db)
    except StoreError as exc:
        raise CliError(str(exc)) from None
