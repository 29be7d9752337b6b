"""Crisis words texted to the clinic: a phone line to the signed Twilio webhook whose pages
land on one timeline (used by tests/journeys/test_crisis_sms.py and tests/journeys/test_crisis_check.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from sqlmodel import col, select

from bot.core import Core
from bot.db.engine import Database
from bot.db.models import Escalation
from bot.domain.clock import FixedClock
from bot.services.dispatch import Dispatcher
from bot.services.routing import permanent_failure_hook
from bot.web.app import create_web_app
from tests.checkin_helpers import World
from tests.escalation_helpers import Timeline, on_timeline
from tests.outbox_helpers import ONCALL, STAFF_CHAT
from tests.sms_helpers import PHONE
from tests.web_helpers import asgi_client, make_core, post_signed, reply_of, sms

SELF_HARM = (
    "Riverside Health: please call or text 988 now to talk to someone, any time. "
    "In an emergency call 911. Our on-call team has been alerted."
)


@dataclass
class Line:
    core: Core
    timeline: Timeline
    client: httpx.AsyncClient

    async def text(self, body: str, *, from_number: str = PHONE, sid: str | None = None) -> str:
        """Text the clinic; return the TwiML reply once the pages it set off have gone out."""
        params = sms(body, from_number=from_number)
        if sid is not None:
            params["MessageSid"] = sid
        reply = reply_of(await post_signed(self.client, "/twilio/sms", params))
        assert reply is not None
        self.timeline.note(f"sms:{from_number}", reply)  # Twilio sends the TwiML reply
        await self.core.escalation.wait_for_pages()
        return reply

    def staff(self) -> list[str]:
        return [text for to, text in self.timeline.events if to == f"telegram:{STAFF_CHAT}"]

    def oncall(self) -> list[str]:
        return [text for to, text in self.timeline.events if to == f"sms:{ONCALL}"]

    def escalations(self) -> list[Escalation]:
        with self.core.db.session(write=False) as session:
            return list(session.exec(select(Escalation).order_by(col(Escalation.id))).all())

    def world(self) -> World:
        dispatcher = self.core.dispatcher
        return World(
            db=self.core.db,
            profile=self.core.profile,
            clock=self.core.clock,  # type: ignore[arg-type]
            catalog=self.core.checkins.catalog,
            texts=self.core.texts,
            telegram=self.core.channels.telegram,  # type: ignore[arg-type]
            sms=self.core.channels.sms,  # type: ignore[arg-type]
            escalation=self.core.escalation,
            checkins=self.core.checkins,
            aftercare=self.core.aftercare,
            dispatcher=dispatcher,
        )


@asynccontextmanager
async def open_line(sqlite_db: Database, clock: FixedClock) -> AsyncIterator[Line]:
    """A phone line to the clinic's signed Twilio webhook, with every page on one timeline
    (the `line` fixture in tests/conftest.py)."""
    core = make_core(sqlite_db, clock)
    core.channels.staff_chat_id, core.channels.oncall_phone = STAFF_CHAT, ONCALL
    timeline = on_timeline(core.channels)
    dispatcher = Dispatcher(
        db=core.db,
        profile=core.profile,
        texts=core.texts,
        clock=clock,
        channels=core.channels,
        renderers=core.renderers,
        on_permanent_failure=permanent_failure_hook(core.texts),
    )
    core.escalation.dispatcher = dispatcher
    core.dispatcher = dispatcher
    app = create_web_app(core=core, inbound=core.sms_inbound)
    async with asgi_client(app) as client:
        yield Line(core=core, timeline=timeline, client=client)
