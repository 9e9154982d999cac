"""Opening the store for a verb, with its failures turned into CLI errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from orchestrator_gui.cli.output import INVALID, NOT_SAVED, CliError
from orchestrator_gui.store import Store, StoreError
from orchestrator_gui.store.database import StoreWriteError


def open_store(db: str | None, *, writing: bool = False) -> Store:
    """The store; a verb that came to change it (``writing``) and finds the database
    unable to take writes exits 3, like a write that fails later (docs/cli.md)."""
    try:
        return Store.open(db)
    except StoreWriteError as exc:
        raise CliError(f"{exc}; nothing was changed", code=NOT_SAVED if writing else INVALID
                       ) from None
    except StoreError as exc:
        raise store_problem(exc) from None


@contextmanager
def borrowed_store(store: Store | None, db: str | None) -> Iterator[Store]:
    """``store`` when the verb already has it open; else one opened for this and closed after."""
    if store is not None:
        yield store
        return
    with open_store(db) as own:
        yield own


def store_problem(exc: StoreError) -> CliError:
    """A store failure as exit code 2 with its lines (a damaged file: what to do next)."""
    return CliError(*(getattr(exc, "lines", None) or [str(exc)]))


def refuse_if_damaged(store: Store | None) -> None:
    """After work whose store writes are made by listeners (which the engine logs and
    goes on from): a file found damaged meanwhile is an error, never "saved"."""
    damage = store.damage if store is not None else None
    if damage is not None:
        raise store_problem(damage)
