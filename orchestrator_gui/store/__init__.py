"""The local store: experiments, run history and presets in one SQLite file (no Qt).

``Store.open()`` is the way in; see docs/storage.md.
"""

from __future__ import annotations

from orchestrator_gui.store.database import SCHEMA_VERSION, StoreError
from orchestrator_gui.store.integrity import StoreDamaged
from orchestrator_gui.store.location import default_db_path, resolve_user
from orchestrator_gui.store.models import ExperimentSummary, Preset, RunSummary
from orchestrator_gui.store.runs import DEFAULT_MAX_RUNS
from orchestrator_gui.store.store import Store

__all__ = [
    "DEFAULT_MAX_RUNS",
    "SCHEMA_VERSION",
    "ExperimentSummary",
    "Preset",
    "RunSummary",
    "Store",
    "StoreDamaged",
    "StoreError",
    "default_db_path",
    "resolve_user",
]
