"""Engine and transactions for SQLite (WAL, foreign keys, BEGIN IMMEDIATE) and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.domain.errors import ClinicError


class DatabaseUnavailable(ClinicError):
    """The database cannot be reached or opened."""


def _sqlite_file(url: str) -> Path | None:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> Engine:
    """Create an engine configured the way this application relies on."""
    if url.startswith("sqlite"):
        path = _sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            # Error messages must not quote bound values: they are names and phone numbers.
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
            # writers can take the write lock up front (BEGIN IMMEDIATE) instead of failing with
            # "database is locked" when a read transaction later tries to write.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
            connection.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return create_engine(
        url,
        echo=echo,
        hide_parameters=True,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
    )


class Database:
    """Owns the engine and hands out transactional sessions."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._writer = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )
        # SQLite has one writer. This process's writers queue here and are handed the turn at
        # once; waiting inside BEGIN IMMEDIATE instead means SQLite's busy handler, which sleeps
        # (up to 100 ms a time) and wakes in no order, so a crowd of chats waits far longer than
        # the writes take. Other processes on the same file still wait in BEGIN IMMEDIATE.
        self._write_turn: AbstractContextManager[object] = (
            threading.RLock() if self.is_sqlite else nullcontext()
        )

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        try:
            if not write:
                with Session(self.engine, expire_on_commit=False) as s, s.begin():
                    yield s
                return
            with self._write_turn, Session(self._writer, expire_on_commit=False) as s, s.begin():
                yield s
        except OperationalError as exc:
            raise DatabaseUnavailable(f"database error: {exc.orig}") from exc

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A bare connection for a hot read-only look-up (no ORM session to set up)."""
        try:
            with self.engine.connect() as connection:
                yield connection
        except OperationalError as exc:
            raise DatabaseUnavailable(f"database error: {exc.orig}") from exc

    def check(self) -> None:
        """Fail fast with a clear error when the database cannot be reached."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except OperationalError as exc:
            raise DatabaseUnavailable(
                f"DATABASE_URL: cannot connect ({exc.orig}). Fix: check the URL, that the server "
                "runs and that the file's folder is writable."
            ) from None

    def dispose(self) -> None:
        self.engine.dispose()
