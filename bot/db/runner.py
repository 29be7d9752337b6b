"""Which processes may run together on one database.

- SQLite: one process per database file (a second writer would fight for the file and both
  would set the webhook). Held with flock on `<file>.run.lock`, released by the OS when the
  process dies, however it dies.
- PostgreSQL, long polling: one process (Telegram hands each update to one getUpdates caller;
  a second one gets 409 Conflict). Held with a session-level advisory lock.
- PostgreSQL, webhook: any number of replicas. One of them (whoever holds the advisory lock)
  sets the webhook and the command menu; all serve webhooks and dispatch the outbox.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from bot.db.engine import Database
from bot.domain.errors import ClinicError

# Fixed numbers naming the advisory locks (shared by every process on the database).
POLLING_LOCK = 7_215_310_002
LEADER_LOCK = 7_215_310_003


class AlreadyRunning(ClinicError):
    """Another process holds what this one needs; the message is the one line to print."""


class RunnerGuard:
    """Holds this process's claim on the database until `release` (or the process ends)."""

    def __init__(self) -> None:
        self._file: IO[str] | None = None
        self._connections: list[Connection] = []

    def hold_sqlite(self, database: Database) -> None:
        url = make_url(database.url)
        if not url.database or url.database == ":memory:":
            return
        path = Path(url.database).resolve()
        lock_path = path.with_name(path.name + ".run.lock")
        handle = lock_path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            other = handle.read().strip() or "?"
            handle.close()
            raise AlreadyRunning(
                f"another bot process (pid {other}) is already running on {path}: SQLite allows "
                "one. Stop it first, or use PostgreSQL for several replicas (webhook mode)."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def try_advisory(self, database: Database, key: int) -> bool:
        """Take a session-level advisory lock on a connection kept for the process's life."""
        connection = database.engine.connect()
        taken = bool(
            connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        )
        connection.commit()
        if taken:
            self._connections.append(connection)
        else:
            connection.close()
        return taken

    def hold_polling(self, database: Database) -> None:
        if not self.try_advisory(database, POLLING_LOCK):
            raise AlreadyRunning(
                "another bot process is already polling Telegram on this database: polling "
                "allows one. Stop it, or run several replicas in webhook mode (PUBLIC_BASE_URL)."
            )

    def release(self) -> None:
        for connection in self._connections:
            with contextlib.suppress(Exception):
                connection.close()
        self._connections.clear()
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def guard_for(database: Database, *, webhook: bool) -> RunnerGuard:
    """Refuse (AlreadyRunning) a process that may not run beside the ones already running."""
    guard = RunnerGuard()
    if database.is_sqlite:
        guard.hold_sqlite(database)
    elif not webhook:
        guard.hold_polling(database)
    return guard


def leader(database: Database, guard: RunnerGuard) -> bool:
    """Whether this replica sets the webhook and commands (SQLite: the only process is)."""
    if database.is_sqlite:
        return True
    return guard.try_advisory(database, LEADER_LOCK)
