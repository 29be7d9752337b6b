"""A `Timeline` of everything the fake channels let out, in order, and staff notices queued
the way the planner queues them; shared by the escalation, web and crisis tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from bot.db.engine import Database
from bot.db.models import Outbox
from bot.messaging.channels import OutgoingMessage
from bot.services.dispatch import Channels
from bot.services.planner import staff_notice


class Timeline:
    """Every message the fakes below let out, in order, whoever it went to; `hold()` stops them.

    A held send waits until `release()`, so whatever awaits a send cannot finish meanwhile.
    """

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []
        self._open = asyncio.Event()
        self._open.set()

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def note(self, to: str, text: str) -> None:
        self.events.append((to, text))

    async def passing(self, to: str, text: str) -> int:
        await self._open.wait()
        self.note(to, text)
        return len(self.events)


@dataclass
class TimelineTelegram:
    timeline: Timeline

    async def send(self, *, chat_id: int, message: OutgoingMessage) -> int:
        return await self.timeline.passing(f"telegram:{chat_id}", message.text)


@dataclass
class TimelineSms:
    timeline: Timeline

    async def send_sms(self, *, to: str, body: str) -> str:
        return f"SM{await self.timeline.passing(f'sms:{to}', body):032x}"


def on_timeline(channels: Channels) -> Timeline:
    """Route the staff chat, on-call and patients' messages through one timeline."""
    timeline = Timeline()
    channels.telegram = TimelineTelegram(timeline)
    channels.sms = TimelineSms(timeline)
    return timeline


def queue_staff_notices(db: Database, *, now: datetime, count: int) -> list[int]:
    """A backlog: `count` staff notices due now, queued before the red flag."""
    with db.session() as session:
        for n in range(count):
            staff_notice(
                session,
                appointment=None,
                event="message",
                now=now,
                extra={"html": f"Backlog notice {n}"},
                key=f"test:backlog:{n}",
            )
    with db.session(write=False) as session:
        return [
            row_id
            for row_id in session.exec(
                select(Outbox.id).where(col(Outbox.dedupe_key).startswith("test:backlog:"))
            ).all()
            if row_id is not None
        ]


def statuses(db: Database, ids: list[int]) -> set[str]:
    with db.session(write=False) as session:
        return {
            row.status for row in session.exec(select(Outbox).where(col(Outbox.id).in_(ids))).all()
        }
