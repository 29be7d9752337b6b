"""Staff operations on patients: look-up, the patient card, approval, phone-only patients."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from bot.db.models import (
    Appointment,
    BookingDraft,
    CheckIn,
    CheckInAnswer,
    Escalation,
    Patient,
    ScreeningAnswer,
    StaffTask,
)
from bot.domain.enums import AppointmentStatus
from bot.domain.errors import InvalidPhone
from bot.domain.refs import RefKind, appointment_ref, looks_like_ref, parse_ref, patient_ref
from bot.domain.screening import FLAG_ANSWERS
from bot.domain.screening import SCREENING_CODES as SCREENING_FLAG_CODES
from bot.presentation.formatting import when_short
from bot.presentation.staff_views import (
    Approval,
    CheckinLine,
    OfferBooked,
    PatientCard,
    PatientMatch,
    SlotOffer,
)
from bot.profile import ServiceKind
from bot.services.audit import audit
from bot.services.patient_notices import enqueue_patient_notice
from bot.services.patients import patient_by_phone
from bot.services.phones import normalize_phone
from bot.services.routing import InvalidPatientName, create_phone_patient
from bot.services.staff_base import StaffOpsBase
from bot.services.staff_records import (
    DRIVER_CODE,
    ESCALATION_TASK_PREFIX,
    MATCH_LIMIT,
    MEDICINES_CODE,
    OFFER_FLOW,
    OFFERED_SLOTS,
    RECENT_APPOINTMENTS,
    RECENT_CHECKINS,
    STEP_CANCELLED,
    STEP_DONE,
    AmbiguousPatient,
    ApprovalRefused,
    InvalidRequest,
    PatientNotFound,
    StaleAction,
    draft_data,
    match_of,
)


class PatientOps(StaffOpsBase):
    """Find a patient, show their card, approve them, book a consultation for a phone patient."""

    # --- patients -----------------------------------------------------------------------

    def find_patients(self, query: str) -> list[PatientMatch]:
        """Patients matching an identifier (P-12, #12 or 12), a phone number or part of a name.

        Another kind's identifier (A-345) raises BadRef, which says what it is.
        """
        text = " ".join(query.split())
        if not text:
            return []
        typed_id = _typed_patient_id(text)
        with self.db.session(write=False) as session:
            alive = select(Patient).where(col(Patient.erased_at).is_(None))
            if typed_id is not None:
                number, strict = typed_id
                found = session.exec(alive.where(col(Patient.id) == number)).all()
                if found or strict:
                    return [match_of(p) for p in found]
            digits = sum(ch.isdigit() for ch in text)
            if digits >= 7:
                try:
                    phone = normalize_phone(text, region=self.profile.clinic.phone_region)
                except InvalidPhone:
                    phone = None
                if phone is not None:
                    found = session.exec(alive.where(col(Patient.phone_e164) == phone)).all()
                    return [match_of(p) for p in found]
            statement = alive
            for word in text.lower().split():
                statement = statement.where(
                    func.lower(col(Patient.name)).contains(word, autoescape=True)
                )
            found = session.exec(
                statement.order_by(col(Patient.name), col(Patient.id)).limit(MATCH_LIMIT + 1)
            ).all()
            exact = [p for p in found if (p.name or "").lower() == text.lower()]
            return [match_of(p) for p in (exact if len(exact) == 1 else found)]

    def resolve_patient(self, query: str) -> PatientMatch:
        """Exactly one patient, or PatientNotFound / AmbiguousPatient (with the matches)."""
        matches = self.find_patients(query)
        if not matches:
            raise PatientNotFound(query)
        if len(matches) > 1:
            raise AmbiguousPatient(matches[:MATCH_LIMIT])
        return matches[0]

    def patient_card(self, patient_id: int) -> PatientCard:
        """What staff need about one patient: visits, screening, consent, check-ins, outcomes."""
        now = self.clock.now()
        with self.db.session(write=False) as session:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.erased_at is not None:
                raise PatientNotFound(str(patient_id))
            upcoming = self._entries(
                session, start=now, patient_id=patient_id, statuses=[AppointmentStatus.BOOKED]
            )
            recent = self._entries(
                session,
                end=now,
                patient_id=patient_id,
                statuses=[s.value for s in AppointmentStatus],
                newest_first=True,
                limit=RECENT_APPOINTMENTS,
            )
            counts = dict(
                session.exec(
                    select(Appointment.status, func.count())
                    .where(col(Appointment.patient_id) == patient_id)
                    .group_by(col(Appointment.status))
                ).all()
            )
            answers = session.exec(
                select(ScreeningAnswer.code, ScreeningAnswer.answer)
                .where(col(ScreeningAnswer.patient_id) == patient_id)
                .order_by(col(ScreeningAnswer.answered_at).desc(), col(ScreeningAnswer.id).desc())
            ).all()
            latest: dict[str, str] = {}
            for code, answer in answers:
                latest.setdefault(code, answer)
            checkins = self._recent_checkins(session, patient_id)
            open_flags = self._open_flag_count(session, patient_id)
        flags = tuple(
            (code, latest[code])
            for code in SCREENING_FLAG_CODES
            if latest.get(code) in FLAG_ANSWERS
        )
        return PatientCard(
            patient=patient,
            upcoming=tuple(upcoming),
            recent=tuple(recent),
            status_counts={str(k): int(v) for k, v in counts.items()},
            screening_flags=flags,
            medicines=latest.get(MEDICINES_CODE),
            driver=latest.get(DRIVER_CODE),
            checkins=checkins,
            screened=any(code in latest for code in SCREENING_FLAG_CODES),
            open_flags=open_flags,
            report=self.outcomes.patient(patient_id),
        )

    def note_access(self, *, actor: str, patient_id: int) -> None:
        """Record that a staff member opened a patient's record (who saw what)."""
        with self.db.session() as session:
            audit(
                session,
                at=self.clock.now(),
                actor=actor,
                action="staff.view_patient",
                subject=f"patient:{patient_id}",
            )

    def _recent_checkins(self, session: Session, patient_id: int) -> tuple[CheckinLine, ...]:
        rows = session.exec(
            select(CheckIn)
            .where(col(CheckIn.patient_id) == patient_id)
            .where(col(CheckIn.sent_at).is_not(None))
            .order_by(col(CheckIn.sent_at).desc(), col(CheckIn.id).desc())
            .limit(RECENT_CHECKINS)
        ).all()
        ids = [c.id for c in rows if c.id is not None]
        pain_code = self.outcomes.catalog.outcomes.pain_question
        pain_question = self.outcomes.catalog.questions[pain_code]
        pains: dict[int, int] = {}
        if ids:
            for checkin_id, value in session.exec(
                select(CheckInAnswer.checkin_id, CheckInAnswer.value)
                .where(col(CheckInAnswer.checkin_id).in_(ids))
                .where(col(CheckInAnswer.question) == pain_code)
            ):
                score = pain_question.score_or_none(value)
                if score is not None:
                    pains[checkin_id] = score
        return tuple(
            CheckinLine(
                checkin_id=c.id,
                appointment_id=c.appointment_id,
                slot=c.slot,
                status=c.status,
                at=c.completed_at or c.sent_at,
                pain=pains.get(c.id),
            )
            for c in rows
            if c.id is not None
        )

    def _open_flag_count(self, session: Session, patient_id: int) -> int:
        escalations = session.exec(
            select(func.count())
            .select_from(Escalation)
            .where(col(Escalation.patient_id) == patient_id)
            .where(col(Escalation.closed_at).is_(None))
        ).one()
        tasks = session.exec(
            select(func.count())
            .select_from(StaffTask)
            .where(col(StaffTask.patient_id) == patient_id)
            .where(col(StaffTask.done_at).is_(None))
            .where(
                or_(
                    col(StaffTask.dedupe_key).is_(None),
                    ~col(StaffTask.dedupe_key).startswith(ESCALATION_TASK_PREFIX),
                )
            )
        ).one()
        return int(escalations) + int(tasks)

    # --- approval -----------------------------------------------------------------------

    def approve(
        self,
        *,
        patient_id: int,
        actor: str,
        reason: str | None = None,
        consultation_id: int | None = None,
    ) -> Approval:
        """Approve for treatment after an attended consultation; the patient is told once.

        Approval is a clinical decision: without a consultation marked Done it needs an explicit
        override with a reason, which is recorded. `consultation_id` is the consultation a button
        was made for: if it was cancelled or moved since, the button says so and does nothing.
        """
        now = self.clock.now()
        reason = (reason or "").strip()[:300] or None
        with self.db.session() as session:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.erased_at is not None:
                raise PatientNotFound(str(patient_id))
            if patient.approved_at is not None:
                return Approval(patient=match_of(patient), already=True)
            if consultation_id is not None:
                self._check_consultation_button(session, patient_id, consultation_id)
            attended = self._attended_consultation(session, patient_id)
            if attended is None and reason is None:
                raise ApprovalRefused(
                    "no consultation marked Done for this patient. Mark it Done after the "
                    "visit, or approve with a reason: /approve "
                    f"{patient_ref(patient_id)} override <reason>"
                )
            patient.approved_at = now
            patient.approved_by = actor[:64]
            audit(
                session,
                at=now,
                actor=actor,
                action="patient.approve",
                subject=f"patient:{patient_id}",
                detail={"consultation": attended, "override": reason},
            )
            enqueue_patient_notice(session, patient=patient, text_key="approved", now=now)
            session.flush()
            return Approval(patient=match_of(patient), already=False)

    def _attended_consultation(self, session: Session, patient_id: int) -> int | None:
        consultations = [
            code
            for code, service in self.profile.services.items()
            if service.kind is ServiceKind.CONSULTATION
        ]
        return session.exec(
            select(Appointment.id)
            .where(col(Appointment.patient_id) == patient_id)
            .where(col(Appointment.service).in_(consultations))
            .where(col(Appointment.status) == AppointmentStatus.COMPLETED)
            .order_by(col(Appointment.starts_at).desc())
            .limit(1)
        ).first()

    def _check_consultation_button(
        self, session: Session, patient_id: int, consultation_id: int
    ) -> None:
        """An Approve button made for a consultation that has changed says what happened."""
        appointment = session.get(Appointment, consultation_id)
        if appointment is None or appointment.patient_id != patient_id:
            raise StaleAction("this button is not for this patient")
        if appointment.status == AppointmentStatus.COMPLETED:
            return
        moved_to = session.exec(
            select(Appointment)
            .where(col(Appointment.rescheduled_from_id) == consultation_id)
            .limit(1)
        ).first()
        if moved_to is not None:
            raise ApprovalRefused(
                f"consultation {appointment_ref(consultation_id)} was moved to "
                f"{appointment_ref(moved_to.id)} "
                f"({when_short(moved_to.starts_at, self.tz)}, now {moved_to.status}); "
                "nothing was approved"
            )
        if appointment.status == AppointmentStatus.CANCELLED:
            raise ApprovalRefused(
                f"consultation {appointment_ref(consultation_id)} was cancelled; nothing was "
                "approved"
            )
        if appointment.status == AppointmentStatus.NO_SHOW:
            raise ApprovalRefused(
                f"consultation {appointment_ref(consultation_id)} was a no-show; nothing was "
                "approved"
            )

    # --- phone-only patients ------------------------------------------------------------

    def set_driver_phone(self, *, patient_id: int, phone: str | None, actor: str) -> str | None:
        """Store the driver's phone (E.164) texted at Done, or clear it; audited, unlogged."""
        number = normalize_phone(phone, region=self.profile.clinic.phone_region) if phone else None
        now = self.clock.now()
        with self.db.session() as session:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.erased_at is not None:
                raise PatientNotFound(str(patient_id))
            patient.driver_phone = number
            audit(
                session,
                at=now,
                actor=actor,
                action="patient.driver_phone",
                subject=f"patient:{patient_id}",
                detail={"stored": number is not None},
            )
        return number

    def new_phone_patient(self, *, phone: str, name: str, actor: str) -> SlotOffer:
        """Create (or find) a patient without Telegram and offer consultation times."""
        now = self.clock.now()
        region = self.profile.clinic.phone_region
        with self.db.session() as session:
            existed = patient_by_phone(session, normalize_phone(phone, region=region)) is not None
            try:
                patient = create_phone_patient(
                    session,
                    phone=phone,
                    name=name,
                    staff_actor=actor,
                    now=now,
                    region=region,
                )
            except InvalidPatientName as exc:
                raise InvalidRequest(str(exc)) from None
            assert patient.id is not None
            patient_id = patient.id
        return self.offer_consultation(patient_id=patient_id, existed=existed)

    def offer_consultation(self, *, patient_id: int, existed: bool = True) -> SlotOffer:
        """The next free consultation times, kept in a draft for the slot buttons."""
        service = self.profile.consultation_code
        slots = self.booking.next_free(service=service, count=OFFERED_SLOTS)
        now = self.clock.now()
        with self.db.session() as session:
            patient = session.get(Patient, patient_id)
            if patient is None:
                raise PatientNotFound(str(patient_id))
            draft_id = self._new_draft(
                session,
                flow=OFFER_FLOW,
                patient_id=patient_id,
                now=now,
                data={"service": service, "starts": [s.start.isoformat() for s in slots]},
            )
            match = match_of(patient)
        return SlotOffer(
            draft_id=draft_id,
            patient=match,
            existed=existed,
            service=service,
            slots=tuple(s.start for s in slots),
        )

    def book_offer(self, *, draft_id: int, index: int, actor: str) -> OfferBooked:
        """Book the offered time a staff member picked; the patient is told by SMS (outbox)."""
        now = self.clock.now()
        with self.db.session(write=False) as session:
            draft = self._draft(session, draft_id, flow=OFFER_FLOW, now=now)
            data = draft_data(draft)
            patient = session.get(Patient, draft.patient_id)
            if patient is None:
                raise StaleAction("the patient no longer exists")
            if draft.step == STEP_DONE:
                booked = session.get(Appointment, int(data.get("appointment_id", 0)))
                if booked is not None:
                    return OfferBooked(booked, match_of(patient), already=True)
            if draft.step == STEP_CANCELLED:
                raise StaleAction("this offer was cancelled")
        starts = [datetime.fromisoformat(s) for s in data["starts"]]
        if not 0 <= index < len(starts):
            raise StaleAction("that time is not on offer")
        appointment = self.booking.book(
            patient_id=patient.id or 0,
            service=str(data["service"]),
            start=starts[index],
            actor=actor,
            request_key=f"offer:{draft_id}",
        )
        with self.db.session() as session:
            stored = session.get(BookingDraft, draft_id)
            if stored is not None:
                stored.step = STEP_DONE
                stored.data = json.dumps({**data, "appointment_id": appointment.id})
                stored.updated_at = now
        return OfferBooked(appointment, match_of(patient), already=False)

    def offer_patient(self, draft_id: int) -> int:
        """The patient an offer of times was made for (to offer fresh times)."""
        with self.db.session(write=False) as session:
            draft = session.get(BookingDraft, draft_id)
        if draft is None or draft.flow != OFFER_FLOW or draft.patient_id is None:
            raise StaleAction("unknown offer")
        return draft.patient_id


def _typed_patient_id(text: str) -> tuple[int, bool] | None:
    """A patient number typed as P-12 or #12 (strict: no other search), or as 12 (a phone or a
    name may still match); None for anything else. A-345 and the like raise BadRef."""
    if text.startswith("+") or not looks_like_ref(text):
        return None
    number = parse_ref(text, RefKind.PATIENT)
    if number > 9_999_999:
        return None
    return number, not text.isdigit()
