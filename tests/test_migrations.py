"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import bot.db.models  # noqa: F401
from bot.db.engine import Database, DatabaseUnavailable
from bot.db.migrate import upgrade
from tests.conftest import postgres_url


def migrated_differences(database: Database) -> list[object]:
    upgrade(database)
    upgrade(database)  # a second run is a no-op
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def test_migrations_match_the_models_on_sqlite(tmp_path: Path):
    database = Database(f"sqlite:///{tmp_path / 'm.db'}")
    assert migrated_differences(database) == []
    assert "slot_claim" in inspect(database.engine).get_table_names()
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_migrations_match_the_models_on_postgresql(pg_db):
    SQLModel.metadata.drop_all(pg_db.engine)
    assert migrated_differences(pg_db) == []


def test_an_unreachable_database_is_a_named_error():
    database = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    with pytest.raises(DatabaseUnavailable, match="DATABASE_URL"):
        database.check()


def test_postgres_url_helper_returns_none_when_unset(monkeypatch):
    monkeypatch.delenv("CLINIC_TEST_POSTGRES_URL", raising=False)
    assert postgres_url() is None
