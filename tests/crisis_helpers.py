"""Crisis words typed on Telegram: a journey whose on-call pages go to a fake SMS sender, and
what staff and the patient were sent."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

from sqlmodel import col, select

from bot.core import Core
from bot.db.models import Escalation
from bot.domain.crisis import CLAUSE, CrisisKind, StageHit, normalise
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


@dataclass(frozen=True)
class ModelDouble:
    """The learned second stage, as a double: it flags exactly the given texts (self-harm,
    0.9), so a test names a model-only soft hit without leaning on the stored weights."""

    texts: frozenset[tuple[str, ...]]

    def flagged(self, words: Sequence[str]) -> list[StageHit]:
        plain = tuple(word for word in words if word != CLAUSE)
        if plain not in self.texts:
            return []
        return [StageHit(CrisisKind.SELF_HARM, 0.9, ("model",))]


def model_flags(core: Core, *texts: str) -> None:
    """Make the learned stage of `core`'s matcher flag exactly `texts` (a fresh matcher: the
    built one is shared by every Core of the same profile)."""
    double = ModelDouble(frozenset(tuple(w for w in normalise(t) if w != CLAUSE) for t in texts))
    core.crisis.matcher = replace(core.crisis.matcher, second_stage=double)
