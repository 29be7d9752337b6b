"""What the terminal sandbox keeps between runs and shows besides the chats (issue 14 item 4).

- SMS: a sender that prints each text the bot sends (`[sms to +1...] ...`), so codes and SMS
  reminders are visible, and people can answer them with `/sms`.
- The clock: the sandbox's offset from real time is stored in the database, so a restart carries
  on at the moved time instead of landing before the data; `--reset` starts over.
- The daily digest: moving the clock past opening time queues that day's digest, as the job at
  opening time would have.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.db.engine import Database
from bot.db.models import RuntimeState
from bot.domain.availability import local_day, local_to_utc
from bot.profile import ClinicProfile

CLOCK_KEY = "sandbox.clock_offset"


class TerminalSms:
    """An SmsSender that prints the text instead of sending it."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self.sent = 0

    async def send_sms(self, *, to: str, body: str) -> str:
        self.sent += 1
        self.write(f"[sms to {to}] {body}")
        return f"SM{uuid.uuid4().hex}"


def load_clock_offset(db: Database) -> timedelta:
    """How far the sandbox's clock was moved in earlier runs (zero for a new database)."""
    with db.session(write=False) as session:
        row = session.get(RuntimeState, CLOCK_KEY)
    try:
        return timedelta(seconds=float(row.value)) if row is not None else timedelta(0)
    except ValueError:
        return timedelta(0)


def save_clock_offset(db: Database, offset: timedelta) -> None:
    with db.session() as session:
        row = session.get(RuntimeState, CLOCK_KEY)
        value = str(offset.total_seconds())
        now = datetime.now(UTC)
        if row is None:
            session.add(RuntimeState(key=CLOCK_KEY, value=value, updated_at=now))
        else:
            row.value, row.updated_at = value, now


def last_opening_passed(
    profile: ClinicProfile, *, before: datetime, after: datetime
) -> datetime | None:
    """The latest opening time in (before, after], if the clock passed one."""
    tz = profile.tz
    day = local_day(after, tz)
    first = local_day(before, tz)
    while day >= first:
        ranges = profile.opening_ranges(day.weekday())
        if ranges:
            opening = local_to_utc(day, ranges[0][0], tz)
            if opening is not None and before < opening <= after:
                return opening
        day -= timedelta(days=1)
    return None


def reset_database(url: str) -> str:
    """Delete the sandbox's SQLite file (and its journal files); say what happened."""
    if not url.startswith("sqlite:///"):
        raise ValueError("--reset only deletes a local SQLite file; drop that database yourself")
    path = Path(url.removeprefix("sqlite:///"))
    removed = False
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if candidate.is_file():
            candidate.unlink()
            removed = True
    return f"(reset: {path} removed, starting clean)" if removed else f"(reset: no {path} yet)"
