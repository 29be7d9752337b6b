"""The tables: the database is the truth for everything that matters (DESIGN.md rule 1).

Every datetime column is aware UTC (`UTCDateTime`). JSON-ish payloads are stored as TEXT holding
JSON so SQLite and PostgreSQL behave the same.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlmodel import Field, SQLModel

from bot.db.types import UTCDateTime


def _dt(*, nullable: bool = True, index: bool = False) -> object:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Patient(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    name: str | None = Field(default=None, max_length=200)
    phone_e164: str | None = Field(default=None, max_length=20, unique=True, index=True)
    # Telegram ids need 64 bits (user ids pass 2**31; group ids look like -1001234567890).
    telegram_user_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, unique=True, index=True, nullable=True)
    )
    telegram_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    preferred_channel: str = Field(default="telegram", max_length=16)
    telegram_consent_at: datetime | None = _dt()  # type: ignore[assignment]
    sms_consent_at: datetime | None = _dt()  # type: ignore[assignment]
    sms_opted_out_at: datetime | None = _dt()  # type: ignore[assignment]
    phone_invalid_at: datetime | None = _dt()  # type: ignore[assignment]
    telegram_blocked_at: datetime | None = _dt()  # type: ignore[assignment]
    approved_at: datetime | None = _dt()  # type: ignore[assignment]
    approved_by: str | None = Field(default=None, max_length=64)
    erased_at: datetime | None = _dt()  # type: ignore[assignment]
    created_by: str | None = Field(default=None, max_length=64)  # "staff:<id>" for phone-only
    # `phone_e164` is the SMS identity and is only ever a verified number: how it was verified
    # ("code", "contact", "staff", "sms") and when. A typed, unverified number is a PhoneClaim.
    phone_verified_at: datetime | None = _dt()  # type: ignore[assignment]
    phone_verified_via: str | None = Field(default=None, max_length=16)
    # "stop" in Telegram: no care messages in the chat (safety replies excepted) until /start.
    care_messages_stopped_at: datetime | None = _dt()  # type: ignore[assignment]
    # The adult who drives the patient home, stored by staff (/driver): texted "ready to be
    # picked up" at Done, in neutral words (issue 11 item 7). Not an identity; erased with them.
    driver_phone: str | None = Field(default=None, max_length=20)
    # The language the patient reads the bot in ("en", "es"; issue 15). None: not chosen yet, so
    # Telegram's language_code decides (and English by SMS).
    language: str | None = Field(default=None, max_length=8)


class StaffMember(SQLModel, table=True):
    __tablename__ = "staff_member"
    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(
        sa_column=Column(BigInteger, unique=True, index=True, nullable=False)
    )
    name: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Appointment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(sa_column=Column(Integer, ForeignKey("patient.id"), nullable=False))
    service: str = Field(max_length=64, index=True)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # End of the time the units are held (end + buffer, on the claim grid): what others must avoid.
    held_until: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    status: str = Field(default="booked", max_length=16, index=True)
    # The units this appointment occupies, e.g. "infusion_chair:2,nurse:1" (claims hold the lock).
    resources: str = Field(default="", max_length=255)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by: str = Field(default="patient", max_length=64)
    confirmed_at: datetime | None = _dt()  # type: ignore[assignment]
    driver_confirmed_at: datetime | None = _dt()  # type: ignore[assignment]
    cancelled_at: datetime | None = _dt()  # type: ignore[assignment]
    cancel_reason: str | None = Field(default=None, max_length=255)
    late_cancel: bool = False
    completed_at: datetime | None = _dt()  # type: ignore[assignment]
    # Nobody pressed Done or No-show in time: aftercare started as if attended (issue 11).
    attendance_assumed_at: datetime | None = _dt()  # type: ignore[assignment]
    # Bumped on every change, so a staff button made for an older state is recognised.
    version: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    rescheduled_from_id: int | None = Field(default=None, foreign_key="appointment.id")
    series_id: str | None = Field(default=None, max_length=64, index=True)
    # Idempotency: the same booking request (draft, SMS message, staff action) books once.
    request_key: str | None = Field(default=None, max_length=128, unique=True)


class SlotClaim(SQLModel, table=True):
    """One row per (resource unit, grid step) an active appointment occupies.

    The unique constraint is what makes double booking impossible on both databases: two
    overlapping appointments on one unit would need the same (unit, step) row.
    """

    __tablename__ = "slot_claim"
    __table_args__ = (UniqueConstraint("resource_unit", "step_start", name="uq_slot_claim_unit"),)
    id: int | None = Field(default=None, primary_key=True)
    appointment_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("appointment.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    resource_unit: str = Field(max_length=64)
    step_start: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class TimeBlock(SQLModel, table=True):
    """Time staff closed (training, maintenance); `resource_pool` None closes the whole clinic."""

    __tablename__ = "time_block"
    id: int | None = Field(default=None, primary_key=True)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    resource_pool: str | None = Field(default=None, max_length=64)
    reason: str = Field(default="", max_length=255)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    removed_at: datetime | None = _dt()  # type: ignore[assignment]


class BookingDraft(SQLModel, table=True):
    """A booking (or SMS conversation) in progress: the choices so far live here, not in memory."""

    __tablename__ = "booking_draft"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_draft_channel_address"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    address: str = Field(max_length=64)  # telegram user id or E.164 phone
    patient_id: int | None = Field(default=None, foreign_key="patient.id")
    flow: str = Field(default="book", max_length=32)  # book / reschedule / sms_book / checkin ...
    step: str = Field(max_length=32)
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    # Bumped on every step so buttons from older prompts can be recognised as expired.
    version: int = 0
    prompt_message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime | None = _dt()  # type: ignore[assignment]


class ScreeningAnswer(SQLModel, table=True):
    __tablename__ = "screening_answer"
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    code: str = Field(max_length=16)
    answer: str = Field(sa_column=Column(Text, nullable=False))
    answered_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Outbox(SQLModel, table=True):
    """A message the bot will send later (DESIGN.md rule 2)."""

    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_outbox_dedupe"),
        Index("ix_outbox_due", "status", "due_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=160)
    kind: str = Field(max_length=32)
    channel: str = Field(max_length=16)
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id", index=True)
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # A reminder is pointless once this passes (the appointment started): skipped, never late.
    not_after: datetime | None = _dt()  # type: ignore[assignment]
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    claimed_until: datetime | None = _dt()  # type: ignore[assignment]
    # Whose claim this is: only the holder of the token may record the outcome.
    claim_token: str | None = Field(default=None, max_length=32)
    # Set just before the provider is called, cleared with the outcome: a row claimed again with
    # this still set crashed mid-send, so whether it went out is unknown.
    send_started_at: datetime | None = _dt()  # type: ignore[assignment]
    sent_at: datetime | None = _dt()  # type: ignore[assignment]
    provider_id: str | None = Field(default=None, max_length=64, index=True)
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CheckIn(SQLModel, table=True):
    """One post-session questionnaire sent to a patient (E, D1, D3, D7, D14, weekly...)."""

    __tablename__ = "checkin"
    __table_args__ = (UniqueConstraint("appointment_id", "slot", name="uq_checkin_slot"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    appointment_id: int = Field(foreign_key="appointment.id", index=True)
    slot: str = Field(max_length=16)
    status: str = Field(default="planned", max_length=16)  # planned/open/done/missed/cancelled
    sent_at: datetime | None = _dt()  # type: ignore[assignment]
    completed_at: datetime | None = _dt()  # type: ignore[assignment]
    nudged_at: datetime | None = _dt()  # type: ignore[assignment]
    position: int = 0  # index of the next question to ask
    questions: str = Field(default="[]", sa_column=Column(Text, nullable=False))


class CheckInAnswer(SQLModel, table=True):
    __tablename__ = "checkin_answer"
    __table_args__ = (UniqueConstraint("checkin_id", "question", name="uq_checkin_answer"),)
    id: int | None = Field(default=None, primary_key=True)
    checkin_id: int = Field(foreign_key="checkin.id", index=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    question: str = Field(max_length=32)
    value: str = Field(max_length=64)
    answered_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class Escalation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    checkin_id: int | None = Field(default=None, foreign_key="checkin.id")
    level: str = Field(max_length=24)
    rule: str = Field(max_length=64)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    acknowledged_at: datetime | None = _dt()  # type: ignore[assignment]
    acknowledged_by: str | None = Field(default=None, max_length=64)
    pages_sent: int = 0
    last_paged_at: datetime | None = _dt()  # type: ignore[assignment]
    # By when someone must take it, and whose it is now (CLINICAL.md 4a): staff / oncall / backup.
    deadline_at: datetime | None = _dt(index=True)  # type: ignore[assignment]
    owner: str | None = Field(default=None, max_length=16)
    # The channel the patient used (telegram / sms): they hear there when a clinician takes it.
    patient_channel: str | None = Field(default=None, max_length=16)
    # The answers that raised it ("SE_LIVER"), so one rule can fire again for another answer.
    trigger: str | None = Field(default=None, max_length=64)
    # When the deadline passed (or fell outside opening hours) and the ladder started.
    climbed_at: datetime | None = _dt()  # type: ignore[assignment]
    closed_at: datetime | None = _dt()  # type: ignore[assignment]
    closed_by: str | None = Field(default=None, max_length=64)
    outcome: str | None = Field(default=None, max_length=16)  # called / no_answer / not_needed


class CrisisMessage(SQLModel, table=True):
    """Crisis words a patient wrote (CLINICAL.md 4b), kept with the escalation they raised or
    joined: the first one pages, later ones while it is open are follow-up lines for staff."""

    __tablename__ = "crisis_message"
    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    channel: str = Field(max_length=16)  # telegram / sms
    kind: str = Field(max_length=16)  # emergency / self_harm
    phrase: str = Field(max_length=120)  # the words that matched, normalised
    text: str = Field(sa_column=Column(Text, nullable=False))  # what the patient wrote (capped)
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    raised: bool = False  # this message raised the escalation (and paged)
    shown_at: datetime | None = _dt()  # type: ignore[assignment]  # when staff saw it quoted


class StaffTask(SQLModel, table=True):
    """Non-urgent work for the front desk (call an unconfirmed patient, a missed check-in...)."""

    __tablename__ = "staff_task"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    detail: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    done_at: datetime | None = _dt()  # type: ignore[assignment]
    done_by: str | None = Field(default=None, max_length=64)
    dedupe_key: str | None = Field(default=None, max_length=160, unique=True)
    outcome: str | None = Field(default=None, max_length=16)  # called / no_answer / not_needed


class RuntimeState(SQLModel, table=True):
    """Facts every replica must agree on, learned while running (the staff chat's current id)."""

    __tablename__ = "runtime_state"
    key: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str = Field(default="", sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PhoneClaim(SQLModel, table=True):
    """A number someone typed, and the one-time code sent to it to prove it is theirs.

    The code is never stored: only HMAC-SHA-256 of (number, code) under a per-code random salt.
    """

    __tablename__ = "phone_claim"
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("patient.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    telegram_user_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    phone_e164: str | None = Field(default=None, max_length=20)
    code_hash: str | None = Field(default=None, max_length=64)
    code_salt: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    attempts: int = 0
    locked_until: datetime | None = _dt()  # type: ignore[assignment]
    verified_at: datetime | None = _dt()  # type: ignore[assignment]
    # A newer code for this patient replaced this one (still recognised as "the old code").
    superseded_at: datetime | None = _dt()  # type: ignore[assignment]


class DataRequest(SQLModel, table=True):
    """A patient's request about their data (erasure), decided by staff."""

    __tablename__ = "data_request"
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    kind: str = Field(max_length=16)  # "erase"
    status: str = Field(max_length=16)  # pending / held / approved / declined / done
    requested_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    requested_by: str = Field(max_length=64)
    decided_at: datetime | None = _dt()  # type: ignore[assignment]
    decided_by: str | None = Field(default=None, max_length=64)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    completed_at: datetime | None = _dt()  # type: ignore[assignment]


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    actor: str = Field(max_length=64)  # "patient:12", "staff:123456", "system", "sms:+1..."(masked)
    action: str = Field(max_length=64, index=True)
    subject: str = Field(default="", sa_column=Column(String(64), nullable=False))
    detail: str = Field(default="{}", sa_column=Column(Text, nullable=False))


@event.listens_for(Appointment, "before_update")
def _bump_appointment_version(_mapper: object, _connection: object, target: Appointment) -> None:
    """Every change through the ORM makes older staff buttons recognisable as stale."""
    target.version = (target.version or 0) + 1


class InboxItem(SQLModel, table=True):
    """An inbound Telegram update or SMS, stored before it is acknowledged (DESIGN.md rule 7).

    Unique on (source, external_id): a redelivered update (same update_id) or a retried SMS (same
    MessageSid) is recognised and ignored. Processed from here; on restart, or when the replica
    that stored it died (its lease ran out), whatever is not processed yet is processed again.
    """

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_inbox_source_external_id"),
        Index("ix_inbox_open", "processed_at", "claimed_until"),
    )
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16)  # telegram / sms
    external_id: str = Field(max_length=64)  # update_id or MessageSid
    payload: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    claimed_until: datetime | None = _dt()  # type: ignore[assignment]
    processed_at: datetime | None = _dt()  # type: ignore[assignment]
    attempts: int = 0


class RateSlot(SQLModel, table=True):
    """The earliest time the next message under one send limit may go, shared by all replicas.

    Keys like "tg:bot", "tg:chat:<id>", "sms:<sender>". A send reserves the next slot (moving
    `next_at` on by the limit's spacing) in one transaction; a 429's retry_after moves it too.
    """

    __tablename__ = "rate_slot"
    key: str = Field(primary_key=True, max_length=80)
    next_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class WaitlistEntry(SQLModel, table=True):
    """A patient waiting for a freed time of one service (issue 15 item 2).

    One row per (patient, service): joining again updates the preferences (and, after leaving,
    rejoins at the back of the list). Preferences are clinic-local: a weekday mask (bit 0 =
    Monday, 0 = any day), "a"ny / "m"orning / "e" (afternoon), and an inclusive date range.
    """

    __tablename__ = "waitlist_entry"
    __table_args__ = (
        UniqueConstraint("patient_id", "service", name="uq_waitlist_patient_service"),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("patient.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    service: str = Field(max_length=64, index=True)
    weekdays: int = 0
    part_of_day: str = Field(default="a", max_length=1)
    earliest: str | None = Field(default=None, max_length=10)  # ISO date
    latest: str | None = Field(default=None, max_length=10)  # ISO date
    joined_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    left_at: datetime | None = _dt()  # type: ignore[assignment]
    left_reason: str | None = Field(default=None, max_length=16)  # left / booked / staff
    channel: str = Field(default="telegram", max_length=16)  # where they joined


class WaitlistOffer(SQLModel, table=True):
    """A freed time offered to one waiting patient, with a deadline to accept."""

    __tablename__ = "waitlist_offer"
    __table_args__ = (Index("ix_waitlist_offer_slot", "service", "starts_at"),)
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("waitlist_entry.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    patient_id: int = Field(foreign_key="patient.id", index=True)
    service: str = Field(max_length=64)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    status: str = Field(default="open", max_length=16)  # open/accepted/declined/expired/gone
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by: str = Field(default="system", max_length=64)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    answered_at: datetime | None = _dt()  # type: ignore[assignment]
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
