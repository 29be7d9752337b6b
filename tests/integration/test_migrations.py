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


@pytest.mark.parametrize(
    "given",
    [
        "postgres://clinic:pw@db.example:5432/clinic",
        "postgresql://clinic:pw@db.example:5432/clinic",
    ],
)
def test_database_urls_as_hosting_platforms_give_them_use_psycopg(given):
    from bot.settings import parse_settings

    settings = parse_settings({"DATABASE_URL": given})
    assert settings.database_url == "postgresql+psycopg://clinic:pw@db.example:5432/clinic"


def test_two_release_steps_migrating_at_once_leave_one_schema_at_head(pg_db):
    import threading

    from bot.db.migrate import current_revision, head_revision

    SQLModel.metadata.drop_all(pg_db.engine)
    errors: list[BaseException] = []

    def migrate() -> None:
        try:
            upgrade(Database(pg_db.url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=migrate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert current_revision(pg_db) == head_revision()


def test_a_replica_of_another_release_refuses_to_start_with_one_line(pg_db, clock):
    from bot.app import build_core
    from bot.db.migrate import SchemaMismatch
    from bot.settings import parse_settings

    SQLModel.metadata.drop_all(pg_db.engine)
    upgrade(pg_db, revision="0001")
    settings = parse_settings({"DATABASE_URL": pg_db.url})
    with pytest.raises(SchemaMismatch) as refused:
        build_core(settings, clock=clock, db=pg_db)
    message = str(refused.value)
    assert "\n" not in message
    assert "revision 0001" in message
    assert "python -m bot migrate" in message
    upgrade(pg_db)
    assert build_core(settings, clock=clock, db=pg_db).db is pg_db
