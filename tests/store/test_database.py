"""The database file itself: tables, pragmas, defaults, index use, schema version."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator_gui.store import SCHEMA_VERSION, Store, StoreError
from orchestrator_gui.store import database as database_module
from tests.store.conftest import raw

GUIDE_DEFINITION = (
    '{"steps": [{"id": "input-1", "type": "input", "name": "Collect Input", "config": {}},'
    ' {"id": "transform-1", "type": "transform", "name": "Normalize Data",'
    '  "config": {"mapping": {"riskScore": "risk_level"}}},'
    ' {"id": "ai-1", "type": "ai_decision", "name": "AI Decision", "config": {"threshold": 0.7}}]}'
)


def test_tables_wal_and_synchronous_normal(store: Store, db_path: Path) -> None:
    conn = raw(db_path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"experiments", "runs", "step_runs", "presets", "store_meta"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with store._engine.connect() as sa_conn:  # the store's own connections
        assert sa_conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_the_guides_insert_works_as_written_and_the_experiment_runs(
    store: Store, db_path: Path
) -> None:
    conn = raw(db_path)
    conn.execute(
        "INSERT INTO experiments (id, name, definition, user_id) VALUES (?, ?, ?, ?)",
        ("exp-1", "Risk Assessment Pipeline", GUIDE_DEFINITION, "user-1"),
    )
    created, updated = conn.execute(
        "SELECT created_at, updated_at FROM experiments WHERE id = 'exp-1'").fetchone()
    assert created.endswith("Z") and updated.endswith("Z")

    listed = {e.id: e for e in store.list_experiments()}
    assert listed["exp-1"].error is None
    assert listed["exp-1"].name == "Risk Assessment Pipeline"
    assert listed["exp-1"].step_count == 3
    assert listed["exp-1"].updated_at is not None and listed["exp-1"].updated_at.tzinfo

    experiment = store.get_experiment("exp-1")
    assert experiment.id == "exp-1" and [s.id for s in experiment.steps][-1] == "ai-1"


def test_an_invalid_definition_is_listed_with_its_error_and_never_breaks_listing(
    store: Store, db_path: Path
) -> None:
    conn = raw(db_path)
    conn.execute("INSERT INTO experiments (id, name, definition, user_id) VALUES "
                 "('typo', 'Typo', ?, 'u')",
                 ('{"steps": [{"id": "a", "type": "ai_decision", "name": "A",'
                  ' "config": {"treshold": 0.7}}]}',))
    conn.execute("INSERT INTO experiments (id, name, definition, user_id) VALUES "
                 "('broken', 'Broken', '{not json', 'u')")
    conn.execute("INSERT INTO experiments (id, name, definition, user_id) VALUES "
                 "('bad id!', 'Bad id', '[]', 'u')")
    listed = {e.id: e for e in store.list_experiments()}
    assert "config.treshold: unknown key (did you mean 'threshold'?)" in (listed["typo"].error or "")
    assert "not valid JSON" in (listed["broken"].error or "")
    assert listed["bad id!"].error
    assert listed["risk-assessment"].error is None  # the rest still lists
    with pytest.raises(ValueError, match="treshold"):
        store.get_experiment("typo")
    with pytest.raises(KeyError):
        store.get_experiment("absent")


def test_history_query_uses_the_index_without_a_temp_btree(store: Store, db_path: Path) -> None:
    plan = " ".join(row[3] for row in raw(db_path).execute(
        "EXPLAIN QUERY PLAN SELECT run_id, started_at FROM runs WHERE user_id = ? "
        "ORDER BY started_at DESC, rowid DESC LIMIT 50", ("tester",)))
    assert "ix_runs_user_started" in plan
    assert "TEMP B-TREE" not in plan


def test_the_schema_version_is_recorded_and_a_newer_database_is_refused(db_path: Path) -> None:
    Store.open(db_path).close()
    conn = raw(db_path)
    version = conn.execute("SELECT value FROM store_meta WHERE key='schema_version'").fetchone()
    assert int(version[0]) == SCHEMA_VERSION
    conn.execute("UPDATE store_meta SET value = ? WHERE key = 'schema_version'",
                 (str(SCHEMA_VERSION + 1),))
    with pytest.raises(StoreError, match="newer"):
        Store.open(db_path)


def test_a_migration_moves_data_forward_and_keeps_a_backup(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(db_path) as store:
        store.save_preset("Mine", {"riskScore": 0.4})

    def add_tags(conn: object) -> None:
        conn.exec_driver_sql("ALTER TABLE runs ADD COLUMN tags TEXT")  # type: ignore[attr-defined]

    monkeypatch.setattr(database_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(database_module.MIGRATIONS, SCHEMA_VERSION + 1, add_tags)
    with Store.open(db_path) as store:
        assert any(p.name == "Mine" for p in store.list_presets())
    conn = raw(db_path)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(runs)")}
    assert "tags" in columns
    assert conn.execute("SELECT value FROM store_meta WHERE key='schema_version'"
                        ).fetchone()[0] == str(SCHEMA_VERSION + 1)
    backup = db_path.with_name(f"{db_path.name}.bak-v{SCHEMA_VERSION}")
    assert backup.exists()


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="not a usable"):
        Store.open(bogus)
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(tmp_path)


def test_path_and_user_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "nested" / "elsewhere.db"
    monkeypatch.setenv("ORCHESTRATOR_DB", str(target))
    monkeypatch.setenv("ORCHESTRATOR_USER", "alice")
    with Store.open() as store:
        assert store.path == target and store.user == "alice"
    assert target.exists()
    monkeypatch.delenv("ORCHESTRATOR_USER")
    import getpass

    with Store.open(target) as store:
        assert store.user == getpass.getuser()
