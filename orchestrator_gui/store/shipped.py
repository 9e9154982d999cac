"""The shipped example experiments and built-in presets (``resources/``).

Examples are put in the database once each: the ids already seeded are
recorded in ``store_meta`` (``examples_seeded``), so an example the user
deleted does not come back at the next start, while an example added by a
later version is still seeded once. Seeding never validates against the
registry (a step type from a missing plugin must not stop the app from
starting); an example that does not load is listed with its error like any
other stored experiment.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from orchestrator_gui import resources
from orchestrator_gui.core import jsonio
from orchestrator_gui.store.models import Preset
from orchestrator_gui.store.tables import ExperimentRow, MetaRow

SEEDED_KEY = "examples_seeded"


def example_documents() -> list[dict[str, Any]]:
    """Every shipped example document, in file-name order."""
    folder = resources.path("examples")
    documents = []
    for file in sorted(folder.glob("*.json")):
        data = jsonio.parse_json(file.read_bytes(), what=str(file))
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            documents.append(data)
    return documents


@functools.cache
def _builtin_presets() -> tuple[Preset, ...]:
    return tuple(Preset(name=name, input=data, builtin=True) for name, data in resources.presets())


def builtin_presets() -> list[Preset]:
    """The three built-in presets of docs/format.md (fresh copies of their inputs)."""
    return [Preset(p.name, jsonio.loads_trusted(jsonio.dumps(p.input)), True)
            for p in _builtin_presets()]


def seed_examples(session: Session, user: str) -> list[str]:
    """Insert the examples not seeded before; returns the ids inserted. Caller commits."""
    raw = session.exec(select(MetaRow.value).where(col(MetaRow.key) == SEEDED_KEY)).first()
    seeded: list[str] = jsonio.loads_trusted(raw) if raw else []
    inserted = []
    for document in example_documents():
        exp_id = document["id"]
        if exp_id in seeded:
            continue
        seeded.append(exp_id)
        if session.get(ExperimentRow, exp_id) is None:
            session.exec(insert(ExperimentRow).values(
                id=exp_id, name=str(document.get("name") or exp_id),
                definition=jsonio.dumps(document).decode("utf-8"), user_id=user))
            inserted.append(exp_id)
    stmt = sqlite_insert(MetaRow).values(key=SEEDED_KEY, value=jsonio.dumps(seeded).decode())
    session.exec(stmt.on_conflict_do_update(index_elements=["key"],
                                            set_={"value": stmt.excluded.value}))
    return inserted
