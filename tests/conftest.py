"""Shared fixtures: a fixed clock, the default profile, and databases (SQLite always, PostgreSQL
when CLINIC_TEST_POSTGRES_URL points at a reachable server)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

import bot.db.models  # noqa: F401
from bot.db.engine import Database
from bot.domain.clock import FixedClock
from bot.profile import ClinicProfile, load_profile
from tests.paths import SPECS

if TYPE_CHECKING:
    from tests.crisis_sms_helpers import Line

PG_ENV = "CLINIC_TEST_POSTGRES_URL"


@pytest.fixture
def clock() -> FixedClock:
    # A Monday morning in clinic time (America/New_York, EST).
    return FixedClock(datetime(2027, 3, 1, 13, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def profile() -> ClinicProfile:
    return load_profile()


def sqlite_database(path: Path) -> Database:
    database = Database(f"sqlite:///{path}")
    SQLModel.metadata.create_all(database.engine)
    return database


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = sqlite_database(tmp_path / "clinic.db")
    yield database
    database.dispose()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """A SQLite file database for the journey tests (the same as sqlite_db, by its journey name)."""
    db = sqlite_database(tmp_path / "journey.db")
    yield db
    db.dispose()


def postgres_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        return None
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception:
        return None
    return url


def postgres_database() -> Iterator[Database]:
    """A Database in a throw-away schema, so parallel runs never see each other's rows."""
    url = postgres_url()
    if url is None and os.environ.get("CLINIC_REQUIRE_POSTGRES"):
        pytest.fail(f"PostgreSQL required but {PG_ENV} is unset or unreachable")
    if url is None:
        pytest.skip(f"PostgreSQL not configured ({PG_ENV} unset or unreachable)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    database = Database(f"{url}{separator}options=-csearch_path%3D{schema}")
    SQLModel.metadata.create_all(database.engine)
    try:
        yield database
    finally:
        database.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def pg_db() -> Iterator[Database]:
    yield from postgres_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = sqlite_database(tmp_path / "clinic.db")
        yield database
        database.dispose()
    else:
        yield from postgres_database()


@pytest.fixture
async def line(sqlite_db: Database, clock: FixedClock) -> AsyncIterator[Line]:
    """A phone texting the clinic through the signed Twilio webhook (tests/crisis_sms_helpers.py)."""
    from tests.crisis_sms_helpers import open_line  # the web app, only for the tests that text

    async with open_line(sqlite_db, clock) as opened:
        yield opened


LEVELS = ("unit", "integration", "journeys")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test with its level, the folder it is in (tests/unit, tests/integration,
    tests/journeys), so a level can be chosen by folder or by marker (`-m "not journeys"`)."""
    for item in items:
        level = item.path.parent.name
        if level in LEVELS:
            item.add_marker(getattr(pytest.mark, level))


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI the published API specs must be there: their tests may not quietly skip."""
    if not os.environ.get("CLINIC_REQUIRE_SPECS"):
        return
    for name in ("telegram-bot-api.json", "twilio_api_v2010.json"):
        if not (SPECS / name).exists():
            raise pytest.UsageError(f"CLINIC_REQUIRE_SPECS is set but {SPECS / name} is missing")
