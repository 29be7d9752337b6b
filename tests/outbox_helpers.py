"""Builders for outbox and dispatch tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

from bot.db.engine import Database
from bot.db.models import Outbox, Patient
from bot.domain.clock import FixedClock
from bot.profile import ClinicProfile
from bot.services import reminder_messages, staff_notices
from bot.services.booking import BookingService
from bot.services.dispatch import Channels, Dispatcher
from bot.services.planner import OutboxPlanner
from bot.services.routing import permanent_failure_hook
from bot.texts import Texts
from tests.booking_helpers import first_free
from tests.fakes import FakeSms, FakeTelegram

STAFF_CHAT = -1001
ONCALL = "+15550001111"


def renderers():
    merged = {}
    for module in (reminder_messages, staff_notices):
        merged.update(module.RENDERERS)
    return merged


def booking_with_planner(db: Database, profile: ClinicProfile, clock: FixedClock) -> BookingService:
    return BookingService(
        db=db, profile=profile, clock=clock, observers=[OutboxPlanner(profile=profile)]
    )


def dispatcher(
    db: Database,
    profile: ClinicProfile,
    clock: FixedClock,
    *,
    telegram: FakeTelegram | None = None,
    sms: FakeSms | None = None,
    extra_renderers=None,
) -> Dispatcher:
    merged = renderers()
    merged.update(extra_renderers or {})
    return Dispatcher(
        db=db,
        profile=profile,
        texts=Texts(),
        clock=clock,
        channels=Channels(
            telegram=telegram, sms=sms, staff_chat_id=STAFF_CHAT, oncall_phone=ONCALL
        ),
        renderers=merged,
        on_permanent_failure=permanent_failure_hook(Texts()),
    )


def telegram_patient(
    db: Database,
    *,
    now: datetime,
    chat_id: int = 501,
    sms_consent: bool = False,
    phone: str | None = "+15555550123",
    approved: bool = False,
    channel: str = "telegram",
) -> int:
    with db.session() as session:
        patient = Patient(
            created_at=now,
            name="Ana",
            telegram_user_id=chat_id if channel == "telegram" else None,
            telegram_chat_id=chat_id if channel == "telegram" else None,
            phone_e164=phone,
            preferred_channel=channel,
            telegram_consent_at=now,
            sms_consent_at=now if sms_consent else None,
            approved_at=now if approved else None,
        )
        session.add(patient)
        session.flush()
        assert patient.id is not None
        return patient.id


def rows(db: Database, *, appointment_id: int | None = None) -> list[Outbox]:
    with db.session(write=False) as session:
        statement = select(Outbox).order_by(col(Outbox.due_at), col(Outbox.id))
        if appointment_id is not None:
            statement = statement.where(col(Outbox.appointment_id) == appointment_id)
        return list(session.exec(statement).all())


def book_consultation(db, profile, clock, **patient):
    booking = booking_with_planner(db, profile, clock)
    patient_id = telegram_patient(db, now=clock.now(), **patient)
    start = first_free(booking, "consultation", clock=clock) + timedelta(days=5)
    start = next(
        s.start
        for s in booking.free_slots(
            service="consultation",
            first_day=start.date(),
            last_day=start.date() + timedelta(days=3),
        )
    )
    return booking, booking.book(patient_id=patient_id, service="consultation", start=start)
