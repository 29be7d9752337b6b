"""Check-in rows: statuses, answers, scores, question lists and the SMS answer window.

Shared by the three parts of the check-in service (`checkins` schedules, `checkin_questions`
words the questions, `checkin_answers` records the answers).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from bot.db.models import (
    Appointment,
    BookingDraft,
    CheckIn,
    CheckInAnswer,
    Outbox,
    Patient,
    ScreeningAnswer,
    StaffTask,
)
from bot.domain.checkins import (
    SAFETY_SET,
    CheckinCatalog,
    Option,
    Question,
    peg_score,
    phq2_total,
    phq9_due_next,
    phq9_total,
)
from bot.domain.enums import (
    AppointmentStatus,
    Channel,
    OutboxKind,
)
from bot.domain.outcomes import PainReport, baseline_pain
from bot.domain.redflags import RedFlag
from bot.messaging.channels import OutgoingMessage
from bot.profile import ClinicProfile, ServiceKind
from bot.services.outbox import enqueue, payload_of
from bot.services.rendering import RenderContext, Skip
from bot.services.sms_conversation import sms_draft

log = logging.getLogger(__name__)

# The combined SMS question "any of the URGENT warning signs 1-3?" is stored under this code.
SMS_SIGNS = "SMS_SAFE"
# By SMS, the pre-session check's Yes/No items are one question in words a lock screen may show,
# stored under this code; a Yes raises what a Yes to any of them raises (staff call the patient).
SMS_PRESESSION = "SMS_PS"
# The SMS service routes replies to `answer_sms` while a draft of this flow is open.
FLOW_CHECKIN = "checkin"
# How long a text reply still counts as an answer; later a "Y" means what it means elsewhere.
SMS_ANSWER_WINDOW = timedelta(hours=48)
# The screening answer (average pain over the last week, 0-10) that sets baseline pain.
# The booking flow stores screening S11 "average pain" under this code (bot/services/drafts.py).
BASELINE_SCREENING_CODE = "S11_avg"
TASK_KIND = "checkin_missed"


class CheckinStatus(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    DONE = "done"
    MISSED = "missed"  # no reply (staff task), or a newer check-in went out; answers still count
    CANCELLED = "cancelled"


CLOSED = (CheckinStatus.DONE, CheckinStatus.CANCELLED)


class AnswerStatus(StrEnum):
    RECORDED = "recorded"
    ALREADY_ANSWERED = "already_answered"
    CLOSED = "closed"
    NOT_ASKED = "not_asked"  # a button for a question this check-in does not (or no longer) ask
    NOT_FOUND = "not_found"  # no such check-in for this person


@dataclass(frozen=True)
class CheckinScores:
    peg: float | None
    phq2: int | None
    phq9: int | None
    phq9_next: bool  # the next check-in asks the full PHQ-9


def score_answers(answers: Mapping[str, str], catalog: CheckinCatalog) -> CheckinScores:
    """PEG (mean), PHQ-2 and PHQ-9 totals of one check-in, None where not (fully) answered."""
    known = {code: value for code, value in answers.items() if code in catalog.questions}
    return CheckinScores(
        peg=peg_score(known, catalog),
        phq2=phq2_total(known, catalog),
        phq9=phq9_total(known, catalog),
        phq9_next=phq9_due_next(known, catalog),
    )


@dataclass(frozen=True)
class AnswerResult:
    """What a button press did, and what to show for it."""

    status: AnswerStatus
    answered: str | None = None  # HTML replacing the pressed message: the question and answer
    messages: tuple[OutgoingMessage, ...] = ()  # fixed red-flag replies, then next question/thanks
    flags: tuple[RedFlag, ...] = ()
    finished: bool = False
    notice: str | None = None  # short text for the button's toast when nothing was recorded


@dataclass
class Step:
    """What one answer did (recorded or not, flags raised, what comes next)."""

    status: AnswerStatus
    question: Question | None = None
    option: Option | None = None
    flags: tuple[RedFlag, ...] = ()
    next_code: str | None = None
    finished: bool = False
    ended_by_flag: bool = False
    first: bool = False  # the answered question opened the check-in
    escalations: tuple[int, ...] = ()  # raised by this answer, to page once committed
    promises: tuple[str | None, ...] = ()  # per flag: when we call, and what to do meanwhile


def checkin_of(ctx: RenderContext) -> CheckIn:
    checkin = ctx.session.get(CheckIn, int(ctx.payload.get("checkin_id", 0)))
    if checkin is None:
        raise Skip("check-in not found")
    return checkin


def answers_of(session: Session, checkin_id: int) -> dict[str, str]:
    rows = session.exec(
        select(CheckInAnswer.question, CheckInAnswer.value)
        .where(col(CheckInAnswer.checkin_id) == checkin_id)
        .order_by(col(CheckInAnswer.id))
    ).all()
    return {question: value for question, value in rows}


def patient_baseline(
    session: Session, checkin: CheckIn, *, profile: ClinicProfile, catalog: CheckinCatalog
) -> float | None:
    """Mean "average pain" before the first treatment session (CLINICAL.md section 5)."""
    treatments = [c for c, s in profile.services.items() if s.kind is ServiceKind.TREATMENT]
    first = session.exec(
        select(Appointment.starts_at)
        .where(col(Appointment.patient_id) == checkin.patient_id)
        .where(col(Appointment.service).in_(treatments))
        .where(col(Appointment.status) == AppointmentStatus.COMPLETED)
        .order_by(col(Appointment.starts_at))
        .limit(1)
    ).first()
    if first is None:
        return None
    reports = [
        PainReport(at=at, score=float(answer))
        for at, answer in session.exec(
            select(ScreeningAnswer.answered_at, ScreeningAnswer.answer)
            .where(col(ScreeningAnswer.patient_id) == checkin.patient_id)
            .where(col(ScreeningAnswer.code) == BASELINE_SCREENING_CODE)
        ).all()
        if answer.strip().isdigit()
    ]
    reports += [
        PainReport(at=at, score=float(value))
        for at, value in session.exec(
            select(CheckInAnswer.answered_at, CheckInAnswer.value)
            .where(col(CheckInAnswer.patient_id) == checkin.patient_id)
            .where(col(CheckInAnswer.question) == catalog.outcomes.pain_question)
        ).all()
        if value.isdigit()
    ]
    return baseline_pain(reports, first_session_start=first)


def drop_sms_draft(session: Session, *, checkin_ids: Iterable[int], patient_id: int) -> None:
    """Close the SMS answer window of these check-ins (answered, cancelled)."""
    patient = session.get(Patient, patient_id)
    if patient is None or patient.phone_e164 is None:
        return
    draft = sms_draft(session, patient.phone_e164)
    if draft is not None and draft_checkin_id(draft) in set(checkin_ids):
        session.delete(draft)


def draft_checkin_id(draft: BookingDraft) -> int | None:
    if draft.flow != FLOW_CHECKIN:
        return None
    try:
        data = json.loads(draft.data or "{}")
    except ValueError:
        return None
    value = data.get("checkin_id") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def codes_of(checkin: CheckIn) -> list[str]:
    try:
        codes = json.loads(checkin.questions or "[]")
    except ValueError:
        return []
    return [str(code) for code in codes] if isinstance(codes, list) else []


def first_unanswered(codes: Sequence[str], answers: Mapping[str, str]) -> str | None:
    return next((code for code in codes if code not in answers), None)


def insert_after(codes: Sequence[str], code: str, extra: Sequence[str]) -> list[str]:
    """Follow-ups go right after the answer that asked them, ahead of the rest."""
    rest = [c for c in codes if c not in extra]
    at = rest.index(code) + 1
    return [*rest[:at], *extra, *rest[at:]]


def nudge_until(ctx: RenderContext) -> datetime | None:
    """The evening check-in's row closes with its window; its nudge, at the next check-in."""
    until = ctx.payload.get("nudge_until")
    if isinstance(until, str):
        try:
            return datetime.fromisoformat(until)
        except ValueError:
            pass
    return ctx.row.not_after


def nudge_key(checkin_id: int) -> str:
    return f"checkin:{checkin_id}:nudge"


def task_key(checkin_id: int) -> str:
    return f"checkin:{checkin_id}:task"


def hand_unsent_to_staff(session: Session, row: Outbox, now: datetime) -> None:
    """A check-in that could not go out within its window (the bot or the messaging service was
    down) goes to staff as a call task, so its safety questions still reach a person. The
    staff stage of the nudge decides: a check-in without the safety screen adds no task."""
    checkin_id = payload_of(row).get("checkin_id")
    if not isinstance(checkin_id, int):
        return
    enqueue(
        session,
        kind=OutboxKind.CHECKIN_NUDGE,
        channel=Channel.STAFF,
        due_at=now,
        dedupe_key=task_key(checkin_id),
        now=now,
        patient_id=row.patient_id,
        appointment_id=row.appointment_id,
        payload={
            "checkin_id": checkin_id,
            "stage": "staff",
            "unsent": True,
            "window_closed": row.not_after.isoformat() if row.not_after else None,
        },
    )


def asks_safety(catalog: CheckinCatalog, slot: str) -> bool:
    """Whether the check-in `slot` (E, D1, W21...) opens with the safety screen."""
    return any(s.code == slot and SAFETY_SET in s.sets for s in catalog.slots)


def ensure_checkin_task(
    session: Session, checkin: CheckIn, *, detail: str, now: datetime
) -> StaffTask:
    """The one staff call task of a check-in (created once)."""
    key = f"{TASK_KIND}:{checkin.id}"
    task = session.exec(select(StaffTask).where(col(StaffTask.dedupe_key) == key)).one_or_none()
    if task is None:
        task = StaffTask(
            kind=TASK_KIND,
            patient_id=checkin.patient_id,
            appointment_id=checkin.appointment_id,
            detail=detail,
            created_at=now,
            dedupe_key=key,
        )
        session.add(task)
        session.flush()
    return task
