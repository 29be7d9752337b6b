"""What the staff web console shows beyond the chat's staff records: read-only, plain records.

The console's pages (bot/web/console) render these; every change still goes through the services
the chat uses (aftercare, booking, escalation, staff_ops), so the rules stay in one place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import (
    Appointment,
    AuditLog,
    CheckIn,
    CheckInAnswer,
    CrisisMessage,
    Escalation,
    Outbox,
    Patient,
    ScreeningAnswer,
)
from bot.domain.checkins import CheckinCatalog, Question
from bot.domain.enums import OutboxKind, OutboxStatus
from bot.domain.screening import SCREENING_CODES
from bot.services.staff_ops import FLAG_ANSWERS, PatientNotFound
from bot.texts import Texts

DRIVER_CODE = "S12"
# The answers booking stores besides the nine screening questions (bot/services/drafts.py).
EXTRA_LABELS = {
    "S10": "Medicines",
    "S11_now": "Pain now (0-10)",
    "S11_avg": "Average pain, last week (0-10)",
    "S12": "Adult to drive them home",
}
AUDIT_LIMIT = 200
ANSWER_LIMIT = 400


@dataclass(frozen=True)
class VisitFacts:
    """Beside a visit on the day view: the driver and what screening said."""

    screened: bool
    screening_flags: int  # Yes / Not sure answers to S1-S9
    driver_answer: str | None  # the S12 answer ("yes", "no", "not_sure") or None
    driver_phone_on_file: bool
    driver_confirmed: bool
    version: int  # what a Done / No-show / Cancel form was made for
    planned_checkins: tuple[PlannedCheckin, ...] = ()
    approved: bool = False  # the patient is approved for treatment


@dataclass(frozen=True)
class PlannedCheckin:
    slot: str
    due_at: datetime
    status: str


@dataclass(frozen=True)
class AnswerLine:
    label: str
    answer: str
    at: datetime
    attention: bool = False  # a screening Yes / Not sure for a clinician to review


@dataclass(frozen=True)
class FlagContext:
    """What the patient answered that raised a flag (check-in answers or their own words)."""

    answers: tuple[AnswerLine, ...]
    words: tuple[AnswerLine, ...]


@dataclass(frozen=True)
class AppointmentLine:
    id: int
    patient_id: int
    service: str
    starts_at: datetime
    ends_at: datetime
    status: str
    confirmed: bool
    series_id: str | None
    cancel_reason: str | None
    version: int


@dataclass(frozen=True)
class CheckinAnswers:
    checkin_id: int
    appointment_id: int
    slot: str
    status: str
    at: datetime | None
    answers: tuple[AnswerLine, ...]


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    action: str
    subject: str
    detail: str


@dataclass(frozen=True)
class PatientRecord:
    id: int
    name: str | None
    phone: str | None
    phone_verified: bool
    channel: str
    telegram: bool
    telegram_consent_at: datetime | None
    sms_consent_at: datetime | None
    sms_opted_out_at: datetime | None
    care_messages_stopped_at: datetime | None
    approved_at: datetime | None
    approved_by: str | None
    driver_phone_on_file: bool
    appointments: tuple[AppointmentLine, ...]
    screening: tuple[AnswerLine, ...]
    checkins: tuple[CheckinAnswers, ...]
    flags: tuple[tuple[int, str, str, datetime, bool], ...]  # id, level, detail, raised, open
    audit: tuple[AuditLine, ...]


class ConsoleReads:
    """Read models for the console: one query per page section, nothing written."""

    def __init__(self, *, db: Database, texts: Texts, catalog: CheckinCatalog) -> None:
        self.db = db
        self.texts = texts
        self.catalog = catalog

    # --- day view -----------------------------------------------------------------------

    def visit_facts(self, appointment_ids: Iterable[int]) -> dict[int, VisitFacts]:
        """Driver, screening state and planned check-ins for each appointment."""
        ids = sorted(set(appointment_ids))
        if not ids:
            return {}
        with self.db.session(write=False) as session:
            appointments = session.exec(
                select(Appointment).where(col(Appointment.id).in_(ids))
            ).all()
            patient_ids = sorted({a.patient_id for a in appointments})
            patients = {
                p.id: p
                for p in session.exec(select(Patient).where(col(Patient.id).in_(patient_ids)))
            }
            latest: dict[int, dict[str, str]] = {}
            for patient_id, code, answer in session.exec(
                select(ScreeningAnswer.patient_id, ScreeningAnswer.code, ScreeningAnswer.answer)
                .where(col(ScreeningAnswer.patient_id).in_(patient_ids))
                .order_by(col(ScreeningAnswer.answered_at).desc(), col(ScreeningAnswer.id).desc())
            ):
                latest.setdefault(patient_id, {}).setdefault(code, answer)
            planned: dict[int, list[PlannedCheckin]] = {}
            for row in session.exec(
                select(Outbox)
                .where(col(Outbox.appointment_id).in_(ids))
                .where(col(Outbox.kind) == OutboxKind.CHECKIN)
                .where(col(Outbox.status).in_([OutboxStatus.PENDING, OutboxStatus.SENT]))
                .order_by(col(Outbox.due_at), col(Outbox.id))
            ):
                slot = str(_payload(row.payload).get("slot", "?"))
                assert row.appointment_id is not None
                planned.setdefault(row.appointment_id, []).append(
                    PlannedCheckin(slot=slot, due_at=row.due_at, status=row.status)
                )
        facts: dict[int, VisitFacts] = {}
        for appointment in appointments:
            assert appointment.id is not None
            answers = latest.get(appointment.patient_id, {})
            patient = patients.get(appointment.patient_id)
            facts[appointment.id] = VisitFacts(
                screened=any(code in answers for code in SCREENING_CODES),
                screening_flags=sum(answers.get(c) in FLAG_ANSWERS for c in SCREENING_CODES),
                driver_answer=answers.get(DRIVER_CODE),
                driver_phone_on_file=patient is not None and patient.driver_phone is not None,
                driver_confirmed=appointment.driver_confirmed_at is not None,
                version=appointment.version,
                planned_checkins=tuple(planned.get(appointment.id, ())),
                approved=patient is not None and patient.approved_at is not None,
            )
        return facts

    def appointment(self, appointment_id: int) -> AppointmentLine | None:
        with self.db.session(write=False) as session:
            found = session.get(Appointment, appointment_id)
            return _appointment_line(found) if found is not None else None

    # --- flags --------------------------------------------------------------------------

    def flag_context(self, escalation_ids: Iterable[int]) -> dict[int, FlagContext]:
        """For each red flag: the answers of the check-in that raised it, and quoted words."""
        ids = sorted(set(escalation_ids))
        if not ids:
            return {}
        with self.db.session(write=False) as session:
            escalations = session.exec(select(Escalation).where(col(Escalation.id).in_(ids))).all()
            checkin_ids = [e.checkin_id for e in escalations if e.checkin_id is not None]
            by_checkin: dict[int, list[AnswerLine]] = {}
            if checkin_ids:
                for answer in session.exec(
                    select(CheckInAnswer)
                    .where(col(CheckInAnswer.checkin_id).in_(checkin_ids))
                    .order_by(col(CheckInAnswer.answered_at), col(CheckInAnswer.id))
                ):
                    by_checkin.setdefault(answer.checkin_id, []).append(self._checkin_line(answer))
            words: dict[int, list[AnswerLine]] = {}
            for message in session.exec(
                select(CrisisMessage)
                .where(col(CrisisMessage.escalation_id).in_(ids))
                .order_by(col(CrisisMessage.received_at), col(CrisisMessage.id))
            ):
                words.setdefault(message.escalation_id, []).append(
                    AnswerLine(
                        label=f"{message.channel} message",
                        answer=message.text[:ANSWER_LIMIT],
                        at=message.received_at,
                    )
                )
        return {
            e.id: FlagContext(
                answers=tuple(by_checkin.get(e.checkin_id or -1, ())),
                words=tuple(words.get(e.id, ())),
            )
            for e in escalations
            if e.id is not None
        }

    # --- patient ------------------------------------------------------------------------

    def patient_record(self, patient_id: int) -> PatientRecord:
        """Everything the patient page lists (erased patients are not shown)."""
        with self.db.session(write=False) as session:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.erased_at is not None:
                raise PatientNotFound(str(patient_id))
            appointments = session.exec(
                select(Appointment)
                .where(col(Appointment.patient_id) == patient_id)
                .order_by(col(Appointment.starts_at).desc(), col(Appointment.id).desc())
            ).all()
            screening = session.exec(
                select(ScreeningAnswer)
                .where(col(ScreeningAnswer.patient_id) == patient_id)
                .order_by(col(ScreeningAnswer.answered_at).desc(), col(ScreeningAnswer.id))
            ).all()
            checkins = self._checkins(session, patient_id)
            escalations = session.exec(
                select(Escalation)
                .where(col(Escalation.patient_id) == patient_id)
                .order_by(col(Escalation.created_at).desc())
            ).all()
            audit = self._audit(
                session,
                patient_id,
                [a.id for a in appointments if a.id is not None],
                [e.id for e in escalations if e.id is not None],
            )
        return PatientRecord(
            id=patient_id,
            name=patient.name,
            phone=patient.phone_e164,
            phone_verified=patient.phone_verified_at is not None,
            channel=patient.preferred_channel,
            telegram=patient.telegram_user_id is not None,
            telegram_consent_at=patient.telegram_consent_at,
            sms_consent_at=patient.sms_consent_at,
            sms_opted_out_at=patient.sms_opted_out_at,
            care_messages_stopped_at=patient.care_messages_stopped_at,
            approved_at=patient.approved_at,
            approved_by=patient.approved_by,
            driver_phone_on_file=patient.driver_phone is not None,
            appointments=tuple(_appointment_line(a) for a in appointments),
            screening=tuple(
                AnswerLine(
                    label=self._screening_label(s.code),
                    answer=s.answer,
                    at=s.answered_at,
                    attention=s.code in SCREENING_CODES and s.answer in FLAG_ANSWERS,
                )
                for s in screening
            ),
            checkins=checkins,
            flags=tuple(
                (e.id or 0, e.level, e.detail or e.rule, e.created_at, e.closed_at is None)
                for e in escalations
            ),
            audit=audit,
        )

    def _checkins(self, session: Session, patient_id: int) -> tuple[CheckinAnswers, ...]:
        rows = session.exec(
            select(CheckIn)
            .where(col(CheckIn.patient_id) == patient_id)
            .where(col(CheckIn.sent_at).is_not(None))
            .order_by(col(CheckIn.sent_at).desc(), col(CheckIn.id).desc())
        ).all()
        ids = [c.id for c in rows if c.id is not None]
        answers: dict[int, list[AnswerLine]] = {}
        if ids:
            for answer in session.exec(
                select(CheckInAnswer)
                .where(col(CheckInAnswer.checkin_id).in_(ids))
                .order_by(col(CheckInAnswer.answered_at), col(CheckInAnswer.id))
            ):
                answers.setdefault(answer.checkin_id, []).append(self._checkin_line(answer))
        return tuple(
            CheckinAnswers(
                checkin_id=c.id,
                appointment_id=c.appointment_id,
                slot=c.slot,
                status=c.status,
                at=c.completed_at or c.sent_at,
                answers=tuple(answers.get(c.id, ())),
            )
            for c in rows
            if c.id is not None
        )

    @staticmethod
    def _audit(
        session: Session,
        patient_id: int,
        appointment_ids: Sequence[int],
        escalation_ids: Sequence[int],
    ) -> tuple[AuditLine, ...]:
        subjects = [f"patient:{patient_id}"]
        subjects += [f"appointment:{i}" for i in appointment_ids]
        subjects += [f"escalation:{i}" for i in escalation_ids]
        rows = session.exec(
            select(AuditLog)
            .where(
                or_(
                    col(AuditLog.subject).in_(subjects),
                    col(AuditLog.actor) == f"patient:{patient_id}",
                )
            )
            .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
            .limit(AUDIT_LIMIT)
        ).all()
        return tuple(
            AuditLine(at=r.at, actor=r.actor, action=r.action, subject=r.subject, detail=r.detail)
            for r in rows
        )

    def _checkin_line(self, answer: CheckInAnswer) -> AnswerLine:
        question: Question | None = self.catalog.questions.get(answer.question)
        label = question.label if question is not None else answer.question
        value = answer.value
        if question is not None:
            for option in question.options:
                if option.code == value:
                    value = option.label
                    break
        return AnswerLine(label=label, answer=value[:ANSWER_LIMIT], at=answer.answered_at)

    def _screening_label(self, code: str) -> str:
        key = f"screening_{code}"
        if key in self.texts:
            return self.texts.plain(key)
        return EXTRA_LABELS.get(code, code)


def _appointment_line(a: Appointment) -> AppointmentLine:
    assert a.id is not None
    return AppointmentLine(
        id=a.id,
        patient_id=a.patient_id,
        service=a.service,
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        status=a.status,
        confirmed=a.confirmed_at is not None,
        series_id=a.series_id,
        cancel_reason=a.cancel_reason,
        version=a.version,
    )


def _payload(raw: str) -> dict[str, object]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
