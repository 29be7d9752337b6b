"""Send limits shared by every replica, kept in the database (DESIGN.md rule 8).

Each limit is a key with the earliest time its next message may go (`rate_slot.next_at`). A send
reserves a slot under its own keys first (the chat's 1/s or the group's 19/min, the SMS sender's
rate) and, once that slot comes, under the bot's 25/s: it goes at the later of the two, and each
key moves on by its spacing. Reserved together, a message whose chat slot is a minute away (the
staff group's 20th notice) would move the bot's slot a minute on too, and every other chat would
wait behind it: the load proof saw the whole bot stall for minutes behind the staff group. A send that wakes up well after its slot takes a new one rather than go
bunched with the sends after it. The row locks (PostgreSQL) or the write lock (SQLite) make two replicas
take different slots, so together they stay inside the limit. A 429's retry_after moves the key
on for everyone. Sends wait for their slot outside the transaction.

Direct replies go first. The outbox's messages to patients' own chats (reminders, check-ins,
nudges) take the bot-wide slot only when nobody is queued for it (`reserve_if_free`): they never
hold slots ahead, so a patient who writes while a reminder wave goes out waits behind at most the
one message going that moment, not behind every lane's reservation (the dispatcher sends 8
lanes at once: 8 slots, 320 ms). After YIELD_LIMIT an outbox message queues like a reply (a
crowd never holds it back for ever). The staff group's messages (red-flag alerts) never yield.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import RateSlot
from bot.domain.clock import Clock

# Telegram's published limits (core.telegram.org/bots/faq): about 30 messages/s overall (we keep
# to 25), 1/s in one private chat, 20/min in one group (we keep to 19: with exactly 3 s between
# sends, one send a little late puts 21 inside some 60 s window, and the load proof saw 429s).
BOT_PER_SECOND = 25
PRIVATE_CHAT_INTERVAL = timedelta(seconds=1)
GROUP_INTERVAL = timedelta(minutes=1) / 19
BOT_KEY = "tg:bot"
# Keys every message shares: taken only once the message's own (chat, group) slot has come.
SHARED_KEYS = frozenset({BOT_KEY})
# A send that wakes up this much after its slot (the event loop was busy, the process paused)
# does not go late, bunched with the sends on time after it: it takes a new slot, at most
# MAX_RESLOTS times (then it goes: a message is never held back for ever).
LATE_TOLERANCE = timedelta(milliseconds=200)
MAX_RESLOTS = 3
# Texts go 10% slower than the sender's rate (1/s becomes one every 1.1 s).
SMS_MARGIN = 1.1
# How long an outbox message to a patient lets direct replies take the bot-wide slots first.
YIELD_LIMIT = timedelta(seconds=10)


@dataclass(frozen=True)
class Limit:
    key: str
    interval: timedelta  # the spacing between two messages under this key


def telegram_limits(chat_id: int | str) -> list[Limit]:
    """The bot's overall limit plus the chat's own (groups and channels have negative ids)."""
    chat = int(chat_id) if isinstance(chat_id, int) or str(chat_id).lstrip("-").isdigit() else 0
    per_chat = GROUP_INTERVAL if chat < 0 else PRIVATE_CHAT_INTERVAL
    return [
        Limit(BOT_KEY, timedelta(seconds=1) / BOT_PER_SECOND),
        Limit(f"tg:chat:{chat_id}", per_chat),
    ]


def sms_limits(sender: str, *, per_second: float) -> list[Limit]:
    """The sender number's rate from the profile, kept with a margin like the staff group's:
    two sends a spacing apart can arrive closer than that (one delayed in flight), and the
    load proof saw two inside one second at exactly 1/s."""
    return [Limit(f"sms:{sender}", timedelta(seconds=1) / per_second * SMS_MARGIN)]


def _ensure_rows(db: Database, session: Session, keys: Sequence[str], now: datetime) -> None:
    """Make sure a row exists for each key (concurrent creators: the first one wins)."""
    values = [{"key": key, "next_at": now} for key in keys]
    if db.is_sqlite:
        session.execute(sqlite_insert(RateSlot).values(values).on_conflict_do_nothing())
    else:
        session.execute(pg_insert(RateSlot).values(values).on_conflict_do_nothing())


def reserve(db: Database, limits: Sequence[Limit], *, now: datetime) -> datetime:
    """Take the next slot under every limit; returns when the message may be sent."""
    at, _taken = _reserve(db, limits, now=now, free_only=False)
    return at


def reserve_if_free(db: Database, limits: Sequence[Limit], *, now: datetime) -> datetime | None:
    """Take the slot only if it is free now (nobody queued for it): None when taken, to send at
    once; otherwise the time the queue ahead ends (nothing reserved)."""
    at, taken = _reserve(db, limits, now=now, free_only=True)
    return None if taken else at


def _reserve(
    db: Database, limits: Sequence[Limit], *, now: datetime, free_only: bool
) -> tuple[datetime, bool]:
    ordered = sorted(limits, key=lambda limit: limit.key)  # one lock order: no deadlocks
    keys = [limit.key for limit in ordered]
    with db.session() as session:
        _ensure_rows(db, session, keys, now)
        query = select(RateSlot).where(col(RateSlot.key).in_(keys)).order_by(col(RateSlot.key))
        if not db.is_sqlite:
            query = query.with_for_update()
        rows = {row.key: row for row in session.exec(query).all()}
        at = max([now, *(row.next_at for row in rows.values())])
        if free_only and at > now:
            return at, False
        for limit in ordered:
            rows[limit.key].next_at = at + limit.interval
    return at, True


def pause(db: Database, key: str, *, until: datetime, now: datetime) -> None:
    """Hold every message under `key` until `until` (a 429's retry_after), for all replicas."""
    with db.session() as session:
        _ensure_rows(db, session, [key], now)
        session.execute(
            update(RateSlot)
            .where(col(RateSlot.key) == key)
            .where(col(RateSlot.next_at) < until)
            .values(next_at=until)
        )


def _spaced_from(db: Database, limits: Sequence[Limit], now: datetime) -> None:
    for limit in limits:
        pause(db, limit.key, until=now + limit.interval, now=now)


class SharedPacer:
    """What a sender awaits before each message: a slot reserved in the shared table."""

    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.db = db
        self.clock = clock
        self._sleep = sleep

    async def wait_for(self, limits: Sequence[Limit], *, yielding: bool = False) -> None:
        """`yielding`: take the shared slots only once nobody is queued for them (replies go
        first), for at most YIELD_LIMIT."""
        own = [limit for limit in limits if limit.key not in SHARED_KEYS]
        shared = [limit for limit in limits if limit.key in SHARED_KEYS]
        if own:
            await self._take(own)
        if shared and yielding:
            await self._take_when_free(shared)
        elif shared:
            await self._take(shared)
        if own and shared:
            # Later than its own slot (the bot-wide queue was long): the chat's next message
            # keeps its spacing from this one, not from the slot.
            now = self.clock.now()
            await asyncio.to_thread(_spaced_from, self.db, own, now)

    async def _take(self, limits: Sequence[Limit]) -> None:
        for _ in range(MAX_RESLOTS + 1):
            now = self.clock.now()
            at = await asyncio.to_thread(reserve, self.db, limits, now=now)
            delay = (at - now).total_seconds()
            if delay > 0:
                await self._sleep(delay)
            if self.clock.now() - at <= LATE_TOLERANCE:
                return

    async def _take_when_free(self, limits: Sequence[Limit]) -> None:
        """Let whoever is queued for these slots go first; queue too after YIELD_LIMIT."""
        until = self.clock.now() + YIELD_LIMIT
        while (now := self.clock.now()) < until:
            free_at = await asyncio.to_thread(reserve_if_free, self.db, limits, now=now)
            if free_at is None:
                return  # taken, at once
            await self._sleep(max(0.0, (min(free_at, until) - now).total_seconds()))
        await self._take(limits)

    async def wait_sms(self, sender: str, *, per_second: float) -> None:
        """Return when the sender number (or Messaging Service) may send its next text."""
        await self.wait_for(sms_limits(sender, per_second=per_second))

    async def wait(self, chat: int | str) -> None:
        """Return when a Telegram message to `chat` may be sent (and count it as sent): the
        outbox's. A patient's own chat lets direct replies go first; a group never waits so."""
        await self.wait_for(telegram_limits(chat), yielding=not str(chat).startswith("-"))

    async def wait_reply(self, chat: int | str) -> None:
        """A handler's direct reply: the bot-wide limit, and a group's own (not a private chat's:
        a reply of two messages to one tap is fine, and a 429 there is obeyed and retried)."""
        limits = telegram_limits(chat)
        await self.wait_for(limits if str(chat).startswith("-") else limits[:1])

    async def pause_chat(self, chat: int | str, seconds: float) -> None:
        """Telegram answered 429 for this chat: nobody sends to it for `seconds`."""
        now = self.clock.now()
        await asyncio.to_thread(
            pause,
            self.db,
            f"tg:chat:{chat}",
            until=now + timedelta(seconds=seconds),
            now=now,
        )
