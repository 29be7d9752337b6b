"""The booking in progress as a database row: its steps, its versions, and how it completes.

Each person has one `BookingDraft` row per channel. Every change bumps `version` under an
optimistic lock, so a button carrying an older version is recognised, and two simultaneous taps
move the draft once. The row is reused for the next booking so versions only ever grow, which
keeps the idempotency keys built from them unique.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import Appointment, BookingDraft, Patient, ScreeningAnswer, StaffTask
from bot.domain.enums import Answer, Channel, DraftStep
from bot.domain.refs import patient_ref
from bot.domain.screening import SCREENING_CODES
from bot.profile import ClinicProfile, ServiceKind
from bot.services.audit import audit
from bot.services.patients import patient_by_phone
from bot.services.waitlist_intake import OFFER_KEY, check_offer

BOOK = "book"
RESCHEDULE = "reschedule"
# The health questions alone, for a patient who was never asked them (booked by staff or by
# SMS, on the waitlist): the answers go to the patient's record without an appointment.
SCREEN = "screen"
SCREEN_STEPS = (
    DraftStep.SCREENING,
    DraftStep.MEDICINES,
    DraftStep.PAIN_NOW,
    DraftStep.PAIN_AVERAGE,
)
ANSWERS = {"y": Answer.YES, "n": Answer.NO, "u": Answer.NOT_SURE}
# Where the other answers of CLINICAL.md section 1 are stored, keyed by ScreeningAnswer.code.
EXTRA_ANSWERS = (
    ("S10", "medicines"),
    ("S11_now", "pain_now"),
    ("S11_avg", "pain_average"),
    ("S12", "driver"),
)
HEALTH_KEYS = ("screening", "medicines", "pain_now", "pain_average", "driver")
DUPLICATE_TASK = "duplicate_record"
_REQUEST_PREFIX = "tg"

# Built once: the statements every button press runs (building them costs more than running them).
_DRAFT_OF = (
    select(BookingDraft)
    .where(col(BookingDraft.channel) == bindparam("channel"))
    .where(col(BookingDraft.address) == bindparam("address"))
)
_DRAFTS = BookingDraft.__table__  # type: ignore[attr-defined]
_SAVE = (
    _DRAFTS.update()
    .where(_DRAFTS.c.id == bindparam("draft_id"))
    .where(_DRAFTS.c.version == bindparam("expected"))
    .values(
        step=bindparam("new_step"),
        data=bindparam("new_data"),
        version=bindparam("new_version"),
        updated_at=bindparam("new_updated_at"),
        expires_at=bindparam("new_expires_at"),
    )
)


@dataclass
class Draft:
    """A snapshot of the draft row with its data decoded."""

    id: int
    flow: str
    step: DraftStep
    version: int
    data: dict[str, Any]
    updated_at: datetime
    expires_at: datetime | None
    patient_id: int | None = None

    def active(self, now: datetime) -> bool:
        if self.step is DraftStep.DONE:
            return False
        return self.expires_at is None or self.expires_at > now

    def expired(self, now: datetime) -> bool:
        """Left unfinished for longer than the profile keeps drafts."""
        return self.step is not DraftStep.DONE and not self.active(now)

    def copy_data(self) -> dict[str, Any]:
        """A deep copy of the choices, to change freely."""
        return decode(json.dumps(self.data))


def steps_of(flow: str, data: dict[str, Any], profile: ClinicProfile) -> list[DraftStep]:
    """The steps a draft goes through; screening only before a consultation."""
    if flow == RESCHEDULE:
        return [DraftStep.DATE, DraftStep.TIME]
    if flow == SCREEN:
        return list(SCREEN_STEPS)
    steps = [
        DraftStep.SERVICE,
        DraftStep.DATE,
        DraftStep.TIME,
        DraftStep.NAME,
        DraftStep.PHONE,
        DraftStep.PHONE_CODE,
    ]
    service = profile.services.get(str(data.get("service", "")))
    if service is None or service.kind is ServiceKind.CONSULTATION:
        steps += [
            DraftStep.SCREENING,
            DraftStep.MEDICINES,
            DraftStep.PAIN_NOW,
            DraftStep.PAIN_AVERAGE,
            DraftStep.DRIVER,
        ]
    return [*steps, DraftStep.SMS_CONSENT]


def next_step(flow: str, data: dict[str, Any], profile: ClinicProfile) -> DraftStep:
    """The first step without an answer, or the summary when all are answered.

    Changing something from the summary clears its answer, so the same rule walks the person
    through that step and straight back to the summary.
    """
    filled = {
        DraftStep.SERVICE: "service" in data,
        DraftStep.DATE: "day" in data,
        DraftStep.TIME: "start" in data,
        DraftStep.NAME: bool(data.get("name")),
        # A typed number waits at PHONE_CODE for its code; "phone" is set once settled.
        DraftStep.PHONE: bool(data.get("phone") or data.get("phone_claim")),
        DraftStep.PHONE_CODE: bool(data.get("phone")),
        DraftStep.SCREENING: len(data.get("screening") or {}) >= len(SCREENING_CODES),
        DraftStep.MEDICINES: "medicines" in data,
        DraftStep.PAIN_NOW: "pain_now" in data,
        DraftStep.PAIN_AVERAGE: "pain_average" in data,
        DraftStep.DRIVER: "driver" in data,
        DraftStep.SMS_CONSENT: "sms" in data,
    }
    for step in steps_of(flow, data, profile):
        if not filled[step]:
            return step
    return DraftStep.SUMMARY


def request_key(draft: Draft) -> str:
    """Idempotency key for booking from this draft at this version (20 taps, one booking)."""
    return f"{_REQUEST_PREFIX}:{draft.id}:{draft.data.get('nonce', '')}:{draft.version}"


def parse_request_key(key: str | None) -> tuple[int, str] | None:
    """The draft id and nonce inside a key made by `request_key`, or None for other callers."""
    if not key:
        return None
    parts = key.split(":")
    if len(parts) != 4 or parts[0] != _REQUEST_PREFIX or not parts[1].isdigit():
        return None
    return int(parts[1]), parts[2]


def decode(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class DraftStore:
    """Reads and writes Telegram booking drafts."""

    def __init__(self, *, db: Database, expiry: timedelta) -> None:
        self.db = db
        self.expiry = expiry

    def row(self, session: Session, user_id: int) -> BookingDraft | None:
        params = {"channel": Channel.TELEGRAM.value, "address": str(user_id)}
        return session.exec(_DRAFT_OF, params=params).one_or_none()

    def load(self, user_id: int) -> Draft | None:
        with self.db.session(write=False) as session:
            found = self.row(session, user_id)
            return snapshot(found) if found is not None else None

    def save(
        self, draft: Draft, *, step: DraftStep, data: dict[str, Any], now: datetime
    ) -> Draft | None:
        """Write the next state unless someone moved the draft since it was read (then None)."""
        expires = now + self.expiry
        with self.db.session() as session:
            result = session.connection().execute(
                _SAVE,
                {
                    "draft_id": draft.id,
                    "expected": draft.version,
                    "new_step": step.value,
                    "new_data": json.dumps(data, sort_keys=True),
                    "new_version": draft.version + 1,
                    "new_updated_at": now,
                    "new_expires_at": expires,
                },
            )
            if not result.rowcount:
                return None
        return Draft(
            id=draft.id,
            flow=draft.flow,
            step=step,
            version=draft.version + 1,
            data=data,
            updated_at=now,
            expires_at=expires,
            patient_id=draft.patient_id,
        )

    def begin(
        self,
        *,
        user_id: int,
        patient_id: int,
        flow: str,
        step: DraftStep,
        data: dict[str, Any],
        now: datetime,
    ) -> Draft:
        """Start a new booking in the person's row, with a fresh nonce for its request keys."""
        data = {**data, "nonce": secrets.token_hex(4)}
        with self.db.session() as session:
            row = self.row(session, user_id)
            if row is None:
                row = BookingDraft(
                    channel=Channel.TELEGRAM,
                    address=str(user_id),
                    step=step.value,
                    version=0,
                    updated_at=now,
                )
                session.add(row)
            row.version += 1
            row.patient_id = patient_id
            row.flow = flow
            row.step = step.value
            row.data = json.dumps(data, sort_keys=True)
            row.updated_at = now
            row.expires_at = now + self.expiry
            row.prompt_message_id = None
            session.flush()
            return snapshot(row)

    def finish(self, draft: Draft, *, now: datetime) -> None:
        """End the draft without booking; its buttons expire."""
        with self.db.session() as session:
            session.exec(
                update(BookingDraft)
                .where(col(BookingDraft.id) == draft.id)
                .values(
                    step=DraftStep.DONE.value,
                    data="{}",
                    version=BookingDraft.version + 1,  # type: ignore[operator]
                    updated_at=now,
                    expires_at=None,
                )
            )


# The draft's columns under prefixed names, to read a draft in the same query as its owner.
DRAFT_COLUMNS = tuple(
    _DRAFTS.c[name].label(f"draft_{name}")
    for name in (
        "id",
        "flow",
        "step",
        "version",
        "data",
        "updated_at",
        "expires_at",
        "patient_id",
    )
)


def draft_on(channel: str) -> Any:
    """The join condition from the patient table to their draft on a channel (address bound)."""
    return (_DRAFTS.c.channel == channel) & (_DRAFTS.c.address == bindparam("address"))


def snapshot_columns(values: Mapping[Any, Any]) -> Draft | None:
    """A draft from the `DRAFT_COLUMNS` of a result row (None when there is no draft)."""
    if values["draft_id"] is None:
        return None
    try:
        step = DraftStep(values["draft_step"])
    except ValueError:
        step = DraftStep.DONE
    return Draft(
        id=values["draft_id"],
        flow=values["draft_flow"],
        step=step,
        version=values["draft_version"],
        data=decode(values["draft_data"]),
        updated_at=values["draft_updated_at"],
        expires_at=values["draft_expires_at"],
        patient_id=values["draft_patient_id"],
    )


def snapshot(row: BookingDraft) -> Draft:
    assert row.id is not None
    try:
        step = DraftStep(row.step)
    except ValueError:
        step = DraftStep.DONE
    return Draft(
        id=row.id,
        flow=row.flow,
        step=step,
        version=row.version,
        data=decode(row.data),
        patient_id=row.patient_id,
        updated_at=row.updated_at,
        expires_at=row.expires_at,
    )


class DraftRecorder:
    """An AppointmentObserver that completes a chat booking inside the booking's transaction.

    It writes the patient's details, SMS consent and screening answers from the draft and marks
    the draft done, so a booking never exists without its answers (and staff notices see them).
    """

    def booked(self, session: Session, appointment: Appointment, *, now: datetime) -> None:
        self._complete(session, appointment, now=now)

    def rescheduled(
        self, session: Session, old: Appointment, new: Appointment, *, now: datetime
    ) -> None:
        self._complete(session, new, now=now)

    def cancelled(self, session: Session, appointment: Appointment, *, now: datetime) -> None:
        return None

    def _complete(self, session: Session, appointment: Appointment, *, now: datetime) -> None:
        parsed = parse_request_key(appointment.request_key)
        if parsed is None:
            return
        draft_id, nonce = parsed
        draft = session.get(BookingDraft, draft_id)
        if draft is None:
            return
        data = decode(draft.data)
        if data.get("nonce") != nonce:
            return
        offer_id = data.get(OFFER_KEY)
        if draft.flow == BOOK and isinstance(offer_id, int):
            # Answering a waitlist offer: only while it is still theirs (raises OfferLapsed).
            check_offer(session, offer_id=offer_id, start=appointment.starts_at, now=now)
        patient = session.get(Patient, appointment.patient_id)
        if draft.flow == BOOK and patient is not None:
            _record_details(session, patient, appointment, data, now=now)
        draft.step = DraftStep.DONE
        draft.version += 1
        # The answers now live in their own rows; the draft keeps no personal data.
        draft.data = json.dumps({"appointment_id": appointment.id})
        draft.updated_at = now
        draft.expires_at = None


def _record_details(
    session: Session,
    patient: Patient,
    appointment: Appointment,
    data: dict[str, Any],
    *,
    now: datetime,
) -> None:
    name = data.get("name")
    if isinstance(name, str) and name:
        patient.name = name
    phone = data.get("phone")
    # Only a proved number is ever the patient's (set when it was proved); a typed one stays a
    # claim. A proved number another record holds is for staff to look at, never said here.
    verified = data.get("phone_verified") is True
    if isinstance(phone, str) and verified and phone != patient.phone_e164:
        owner = patient_by_phone(session, phone)
        if owner is not None and owner.id != patient.id:
            _flag_possible_duplicate(
                session, patient, owner, appointment, wants_sms=data.get("sms") is True, now=now
            )
    if (
        data.get("sms") is True
        and verified
        and patient.sms_consent_at is None
        and patient.phone_e164
        and patient.phone_verified_at is not None
        and phone in (None, patient.phone_e164)
    ):
        patient.sms_consent_at = now
        audit(
            session,
            at=now,
            actor=f"patient:{patient.id}",
            action="consent.sms",
            subject=f"patient:{patient.id}",
        )
    record_screening(session, appointment.patient_id, data, appointment_id=appointment.id, now=now)


def recorded_answers(session: Session, patient_id: int, *, since: datetime) -> dict[str, Any]:
    """Health answers on record since `since`, as draft data (the newest per question).

    The nine Yes / No questions count only all together, as the booking asks them.
    """
    rows = session.exec(
        select(ScreeningAnswer)
        .where(col(ScreeningAnswer.patient_id) == patient_id)
        .where(col(ScreeningAnswer.answered_at) >= since)
        .order_by(col(ScreeningAnswer.answered_at), col(ScreeningAnswer.id))
    ).all()
    latest = {row.code: row.answer for row in rows}
    data: dict[str, Any] = {}
    if all(code in latest for code in SCREENING_CODES):
        data["screening"] = {code: latest[code] for code in SCREENING_CODES}
    data.update({key: latest[code] for code, key in EXTRA_ANSWERS if code in latest})
    return data


def record_screening(
    session: Session,
    patient_id: int,
    data: Mapping[str, Any],
    *,
    appointment_id: int | None,
    now: datetime,
) -> int:
    """The draft's health answers as the patient's screening rows; returns how many."""
    answers = [(code, str(value)) for code, value in dict(data.get("screening") or {}).items()]
    answers += [(code, str(data[key])) for code, key in EXTRA_ANSWERS if key in data]
    session.add_all(
        ScreeningAnswer(
            patient_id=patient_id,
            appointment_id=appointment_id,
            code=code,
            answer=value,
            answered_at=now,
        )
        for code, value in answers
    )
    return len(answers)


def _flag_possible_duplicate(
    session: Session,
    patient: Patient,
    owner: Patient,
    appointment: Appointment,
    *,
    wants_sms: bool,
    now: datetime,
) -> None:
    """A front-desk task to merge by hand: the phone given is already on record `owner`."""
    detail = f"possible duplicate record; phone matches patient {patient_ref(owner.id)}"
    if wants_sms:
        detail += "; asked for text reminders, which need the number on this record"
    session.add(
        StaffTask(
            kind=DUPLICATE_TASK,
            patient_id=patient.id,
            appointment_id=appointment.id,
            detail=detail,
            created_at=now,
            dedupe_key=f"{DUPLICATE_TASK}:{appointment.id}",
        )
    )
    audit(
        session,
        at=now,
        actor=f"patient:{patient.id}",
        action="patient.possible_duplicate",
        subject=f"patient:{patient.id}",
        detail={"matches": f"patient:{owner.id}", "appointment": appointment.id},
    )
