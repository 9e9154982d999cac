"""Opening the store for a verb, with its failures turned into CLI errors."""

from __future__ import annotations

from orchestrator_gui.cli.output import CliError
from orchestrator_gui.store import Store, StoreError


def open_store(db: str | None) -> Store:
    try:
        return Store.open(db)
    except StoreError as exc:
        raise store_problem(exc) from None


def store_problem(exc: StoreError) -> CliError:
    """A store failure as exit code 2 with its lines (a damaged file: what to do next)."""
    return CliError(*(getattr(exc, "lines", None) or [str(exc)]))


def refuse_if_damaged(store: Store | None) -> None:
    """After work whose store writes are made by listeners (which the engine logs and
    goes on from): a file found damaged meanwhile is an error, never "saved"."""
    damage = store.damage if store is not None else None
    if damage is not None:
        raise store_problem(damage)
