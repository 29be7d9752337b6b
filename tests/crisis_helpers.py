"""Crisis words typed on Telegram: a journey whose on-call pages go to a fake SMS sender, and
what staff and the patient were sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlmodel import col, select

from bot.db.models import Escalation
from tests.fakes import FakeSms
from tests.journey_helpers import (
    STAFF_CHAT,
    Journey,
    open_journey,
)

ONCALL = "+15550100999"
SELF_HARM_REPLY = "If you are thinking about harming yourself, call or text 988 now."


@asynccontextmanager
async def crisis_journey(database, clock) -> AsyncIterator[tuple[Journey, FakeSms]]:
    """A journey whose on-call pages go to a fake SMS sender."""
    async with open_journey(database, clock) as journey:
        sms = FakeSms()
        journey.core.channels.sms = sms
        journey.core.channels.oncall_phone = ONCALL
        yield journey, sms


def staff_texts(journey: Journey) -> list[str]:
    return [m.text for m in journey.double.chat_log(STAFF_CHAT) if m.from_bot]


def escalations(journey: Journey) -> list[Escalation]:
    with journey.core.db.session(write=False) as session:
        return list(session.exec(select(Escalation).order_by(col(Escalation.id))).all())


def bot_replies_since(journey: Journey, user_id: int, count_before: int) -> list[str]:
    return [m.text for m in journey.bot_messages(user_id)[count_before:]]


async def say(journey: Journey, user, text: str) -> list[str]:
    """Send `text`, let the background pages go out, and return the bot's replies to it."""
    before = len(journey.bot_messages(user.id))
    await user.send_text(text)
    await journey.core.escalation.wait_for_pages()
    return bot_replies_since(journey, user.id, before)
