"""Apply Alembic migrations programmatically (`python -m bot migrate`, and at start-up on SQLite).

On PostgreSQL the release step (Procfile `release: python -m bot migrate`) migrates once per
deploy, under an advisory lock so two release runs never migrate at once; replicas never migrate
at start, they check that the schema is the one their code expects and refuse otherwise.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.db.engine import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: it names the lock, shared by every process migrating this database.
MIGRATION_LOCK = 7_215_310_001


class SchemaMismatch(Exception):
    """The database's schema revision is not the one this release was built for."""


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(database: Database, *, revision: str = "head") -> None:
    """Bring the schema up to `revision`; a no-op when it is already there."""
    config = alembic_config(database.url)
    with database.engine.begin() as connection:
        if not database.is_sqlite:
            # Held to the end of this transaction: a second `migrate` waits, then finds no work.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_revision(database: Database) -> None:
    """Refuse to run against a schema this release was not built for (one line says why)."""
    current, expected = current_revision(database), head_revision()
    if current != expected:
        raise SchemaMismatch(
            f"database schema is at revision {current or 'none'} but this release needs "
            f"{expected}. Fix: run `python -m bot migrate` (the Procfile's release step) with "
            "this release, then start the replicas."
        )
