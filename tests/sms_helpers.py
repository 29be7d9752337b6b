"""Texting the clinic without HTTP: a `Conversation` with `SmsInbound`, inbound messages and
phone patients; shared by the SMS, routing and crisis tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.db.engine import Database
from bot.db.models import BookingDraft
from bot.domain.clock import FixedClock
from bot.domain.enums import Channel
from bot.domain.sms_keywords import Inbound
from bot.domain.sms_policy import assert_sms_safe
from bot.profile import ClinicProfile
from bot.services.booking import BookingService
from bot.services.routing import create_phone_patient
from bot.services.sms_inbound import FLOW_CHECKIN, SmsInbound
from bot.texts import Texts
from tests.outbox_helpers import booking_with_planner

PHONE = "+12025550143"
OTHER_PHONE = "+16175550100"


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


@dataclass
class Conversation:
    """One phone texting the service; every reply is checked against the SMS policy."""

    service: SmsInbound
    clock: FixedClock
    phone: str = PHONE
    replies: list[str | None] = field(default_factory=list)
    last_sid: str = ""

    def send(self, body: str, *, sid: str | None = None) -> str | None:
        self.last_sid = sid or new_sid()
        reply = self.service.handle(
            from_number=self.phone, body=body, message_sid=self.last_sid, now=self.clock.now()
        )
        if reply is not None:
            assert_sms_safe(reply)  # every SMS the tests produce meets the privacy policy
        self.replies.append(reply)
        return reply


def make_inbound(
    db: Database,
    profile: ClinicProfile,
    clock: FixedClock,
    *,
    booking: BookingService | None = None,
    checkin_answer: Callable[[Session, int, Inbound, datetime], str | None] | None = None,
) -> SmsInbound:
    return SmsInbound(
        db=db,
        profile=profile,
        texts=Texts(profile.texts),
        booking=booking or booking_with_planner(db, profile, clock),
        checkin_answer=checkin_answer,
    )


def phone_patient(db: Database, clock: FixedClock, *, phone: str = PHONE, name: str = "Ada Byron"):
    with db.session() as session:
        patient = create_phone_patient(
            session, phone=phone, name=name, staff_actor="staff:1", now=clock.now()
        )
        return patient.id


@dataclass
class FakeCheckins:
    answers: list[tuple[int, Inbound]] = field(default_factory=list)
    opted_out: list[bool] = field(default_factory=list)

    def __call__(
        self,
        session: Session,
        patient_id: int,
        inbound: Inbound,
        now: datetime,
        /,
        *,
        opted_out: bool = False,
    ):
        assert isinstance(session, Session)
        self.answers.append((patient_id, inbound))
        self.opted_out.append(opted_out)
        return "Riverside Health: thank you."


def open_checkin(db: Database, patient_id: int, now: datetime, phone: str = PHONE) -> None:
    with db.session() as session:
        session.add(
            BookingDraft(
                channel=Channel.SMS,
                address=phone,
                patient_id=patient_id,
                flow=FLOW_CHECKIN,
                step="q1",
                updated_at=now,
            )
        )
