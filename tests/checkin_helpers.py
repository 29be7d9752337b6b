"""The check-in services wired to fake channels (`World`), with builders for sessions, check-ins
and answers; shared by the check-in, aftercare, escalation and SMS tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from bot.db.engine import Database
from bot.db.models import (
    Appointment,
    CheckIn,
    CheckInAnswer,
    Escalation,
    Outbox,
)
from bot.domain.checkin_parsing import parse_checkin_catalog
from bot.domain.checkins import CheckinCatalog, QuestionKind
from bot.domain.clock import FixedClock
from bot.domain.enums import OutboxKind, OutboxStatus
from bot.domain.sms_keywords import Inbound, InboundKind
from bot.profile import ClinicProfile
from bot.services.aftercare import AftercareService
from bot.services.checkin_rows import AnswerStatus, CheckinStatus
from bot.services.checkins import AnswerResult, CheckinService
from bot.services.dispatch import Dispatcher
from bot.services.dispatch_routes import Channels
from bot.services.escalation import EscalationService
from bot.services.routing import permanent_failure_hook
from bot.texts import Texts
from tests.fakes import FakeSms, FakeTelegram
from tests.outbox_helpers import ONCALL, STAFF_CHAT, renderers, telegram_patient

PATIENT_CHAT = 501
PATIENT_PHONE = "+15555550123"
ALL_SLOTS = ["E", "D1", "D3", "D7", "D14", "W21", "W28", "W35", "W42", "W49", "W56"]


# Monday 1 March 2027, 09:00-13:00 clinic time (EST); DST starts on Sunday 14 March.
SESSION_START = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
BENIGN = {
    QuestionKind.YES_NO: "no",
    QuestionKind.SEVERITY: "none",
    QuestionKind.SCALE_0_10: "3",
    QuestionKind.PGIC: "4",
    QuestionKind.PHQ: "0",
}


@dataclass
class World:
    db: Database
    profile: ClinicProfile
    clock: FixedClock
    catalog: CheckinCatalog
    texts: Texts
    telegram: FakeTelegram
    sms: FakeSms
    escalation: EscalationService
    checkins: CheckinService
    aftercare: AftercareService
    dispatcher: Dispatcher


def build_world(
    db: Database,
    profile: ClinicProfile,
    clock: FixedClock,
    *,
    staff_chat: int | None = STAFF_CHAT,
    oncall: str | None = ONCALL,
) -> World:
    catalog = parse_checkin_catalog(profile.model_dump())
    texts = Texts()
    telegram, sms = FakeTelegram(), FakeSms()
    merged = renderers()
    # As in bot/app.py: the dispatcher first, over the registry the services then fill.
    dispatcher = Dispatcher(
        db=db,
        profile=profile,
        texts=texts,
        clock=clock,
        channels=Channels(
            telegram=telegram, sms=sms, staff_chat_id=staff_chat, oncall_phone=oncall
        ),
        renderers=merged,
        on_permanent_failure=permanent_failure_hook(texts),
    )
    escalation = EscalationService(
        db=db, profile=profile, clock=clock, texts=texts, catalog=catalog, dispatcher=dispatcher
    )
    checkins = CheckinService(
        db=db, profile=profile, clock=clock, catalog=catalog, texts=texts, escalation=escalation
    )
    aftercare = AftercareService(db=db, profile=profile, clock=clock, catalog=catalog, texts=texts)
    merged.update(checkins.renderers)
    merged.update(escalation.renderers)
    return World(
        db,
        profile,
        clock,
        catalog,
        texts,
        telegram,
        sms,
        escalation,
        checkins,
        aftercare,
        dispatcher,
    )


def add_appointment(
    w: World,
    patient_id: int,
    *,
    start: datetime = SESSION_START,
    service: str = "iv_infusion",
    series_id: str | None = None,
    status: str = "booked",
) -> int:
    end = start + w.profile.services[service].duration
    with w.db.session() as session:
        appointment = Appointment(
            patient_id=patient_id,
            service=service,
            starts_at=start,
            ends_at=end,
            held_until=end,
            status=status,
            created_at=start - timedelta(days=7),
            series_id=series_id,
        )
        session.add(appointment)
        session.flush()
        assert appointment.id is not None
        return appointment.id


def sms_patient(w: World) -> int:
    return telegram_patient(w.db, now=w.clock.now(), sms_consent=True, channel="sms")


def done_session(w: World, *, patient_id: int | None = None, **kwargs: object) -> int:
    """A treatment session marked Done at its booked end; returns the appointment id."""
    pid = patient_id if patient_id is not None else telegram_patient(w.db, now=w.clock.now())
    appointment_id = add_appointment(w, pid, **kwargs)  # type: ignore[arg-type]
    with w.db.session(write=False) as session:
        appointment = session.get(Appointment, appointment_id)
        assert appointment is not None
        w.clock.set(appointment.ends_at)
    w.aftercare.mark_done(appointment_id=appointment_id, actor="staff:1")
    return appointment_id


def checkin_row(w: World, appointment_id: int, slot: str) -> Outbox:
    with w.db.session(write=False) as session:
        return session.exec(
            select(Outbox)
            .where(col(Outbox.appointment_id) == appointment_id)
            .where(col(Outbox.kind) == OutboxKind.CHECKIN)
            .where(col(Outbox.dedupe_key).contains(f":checkin:{slot}:"))
        ).one()


async def open_slot(w: World, appointment_id: int, slot: str) -> int:
    """Move the clock to the check-in's due time, dispatch, and return the check-in id.

    The appointment's earlier check-ins still waiting are cancelled first: the test skips to
    this one, which is not downtime (after downtime a safety check-in that never went out
    becomes a staff call task; tests/integration/test_evening_checkin.py covers that).
    """
    row = checkin_row(w, appointment_id, slot)
    with w.db.session() as session:
        session.exec(
            update(Outbox)
            .where(col(Outbox.appointment_id) == appointment_id)
            .where(col(Outbox.kind) == OutboxKind.CHECKIN)
            .where(col(Outbox.status) == OutboxStatus.PENDING)
            .where(col(Outbox.due_at) < row.due_at)
            .values(status=OutboxStatus.CANCELLED)
        )
    w.clock.set(row.due_at)
    await w.dispatcher.run_due()
    checkin_id = int(json.loads(row.payload)["checkin_id"])
    assert checkin(w, checkin_id).status == CheckinStatus.OPEN
    return checkin_id


def checkin(w: World, checkin_id: int) -> CheckIn:
    with w.db.session(write=False) as session:
        found = session.get(CheckIn, checkin_id)
        assert found is not None
        return found


def next_question(w: World, checkin_id: int) -> str | None:
    found = checkin(w, checkin_id)
    codes = json.loads(found.questions)
    with w.db.session(write=False) as session:
        answered = set(
            session.exec(
                select(CheckInAnswer.question).where(col(CheckInAnswer.checkin_id) == checkin_id)
            ).all()
        )
    if found.status in (CheckinStatus.DONE, CheckinStatus.CANCELLED):
        return None
    return next((code for code in codes if code not in answered), None)


async def tap(
    w: World, checkin_id: int, question: str, value: str, *, user: int = PATIENT_CHAT
) -> AnswerResult:
    """Press an answer button, then let the pages it started in the background go out."""
    result = await w.checkins.answer(
        telegram_user_id=user, checkin_id=checkin_id, question=question, value=value
    )
    await w.escalation.wait_for_pages()
    return result


async def walk(
    w: World, checkin_id: int, answers: dict[str, str] | None = None
) -> list[tuple[str, AnswerResult]]:
    """Answer each next question (benign unless given) until the check-in closes."""
    answers = answers or {}
    results = []
    while (code := next_question(w, checkin_id)) is not None:
        question = w.catalog.questions[code]
        value = answers.get(code, BENIGN[question.kind])
        result = await tap(w, checkin_id, code, value)
        assert result.status is AnswerStatus.RECORDED, (code, result)
        results.append((code, result))
    return results


def stored_answers(w: World, checkin_id: int) -> dict[str, str]:
    with w.db.session(write=False) as session:
        rows = session.exec(
            select(CheckInAnswer).where(col(CheckInAnswer.checkin_id) == checkin_id)
        ).all()
        return {row.question: row.value for row in rows}


def escalations(w: World) -> list[Escalation]:
    with w.db.session(write=False) as session:
        return list(session.exec(select(Escalation).order_by(col(Escalation.id))).all())


def patient_messages(w: World) -> list[str]:
    return w.telegram.texts_to(PATIENT_CHAT)


def sms_answer(w: World, patient_id: int, kind: InboundKind, number: int | None = None) -> str:
    with w.db.session() as session:
        reply = w.checkins.answer_sms(
            session, patient_id, Inbound(kind, number=number), w.clock.now()
        )
    assert reply is not None
    return reply
