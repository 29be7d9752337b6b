"""Where an outbox row goes: the channels the app has (`Channels`), which of them reach a patient
(Telegram, SMS with consent, neither once care stopped), the addressee's language, and the kinds
that go at any hour, to a number in the payload, or are timers that send nothing."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.models import Outbox, Patient
from bot.domain.enums import Channel, OutboxKind
from bot.domain.language import DEFAULT_LANGUAGE, Language
from bot.messaging.channels import (
    SmsSender,
    TelegramSender,
    VoiceCaller,
)
from bot.services.outbox import payload_of
from bot.services.patients import language_of
from bot.services.staff_chat import StaffChat

# Sent by SMS at any hour: safety messages are never held back by quiet hours (CLINICAL.md 6).
SAFETY_KINDS = frozenset({OutboxKind.ESCALATION_PAGE, OutboxKind.ESCALATION_TAKEN})


# Timers: rows that send nothing themselves; their renderer acts, whatever the channels.
TIMER_KINDS = frozenset({OutboxKind.ESCALATION_DEADLINE, OutboxKind.WAITLIST_EXPIRY})


# A one-time code goes at any hour too: the person is waiting for it in the chat. It goes to the
# number in its payload (a claim, not yet the patient's number) and its code is cleared after.
CODE_KINDS = frozenset({OutboxKind.PHONE_CODE})


ANY_HOUR_KINDS = SAFETY_KINDS | CODE_KINDS


# Texts to the number in the payload ("to"), not to the patient's own channel.
TO_NUMBER_KINDS = frozenset({OutboxKind.SMS_REPLY, OutboxKind.DRIVER_PICKUP})


# A failure of these is worth telling staff about; staff messages themselves fall back to on-call.
PATIENT_CHANNELS = (Channel.TELEGRAM, Channel.SMS)


CALL_CHANNELS = (Channel.ONCALL_CALL, Channel.BACKUP_CALL)


def any_hour(row: Outbox) -> bool:
    """Whether a row goes by SMS outside 08:00-21:00: safety pages, codes, the evening check-in."""
    if OutboxKind(row.kind) in ANY_HOUR_KINDS:
        return True
    return OutboxKind(row.kind) is OutboxKind.CHECKIN and payload_of(row).get("any_hour") is True


@dataclass
class Channels:
    telegram: TelegramSender | None = None
    sms: SmsSender | None = None
    staff_chat_id: int | None = None
    oncall_phone: str | None = None
    backup_phone: str | None = None
    voice: VoiceCaller | None = None
    # The staff chat's current id and health in the database (None: trust staff_chat_id).
    staff_chat: StaffChat | None = None
    staff_chat_lost: str | None = None  # why the staff chat refuses messages, when it does

    def staff_chat_usable(self) -> bool:
        return (
            self.staff_chat_id is not None
            and self.telegram is not None
            and self.staff_chat_lost is None
        )

    def refresh_staff_chat(self) -> None:
        """Read the staff chat's current id and health (other replicas may have learned them)."""
        if self.staff_chat is None:
            return
        status = self.staff_chat.status(current=self.staff_chat_id)
        self.staff_chat_id = status.chat_id
        self.staff_chat_lost = status.lost_reason

    def phone_for(self, channel: Channel) -> str | None:
        """The clinician's number a staff-side SMS or call channel goes to."""
        if channel in (Channel.ONCALL, Channel.ONCALL_CALL):
            return self.oncall_phone
        if channel in (Channel.BACKUP, Channel.BACKUP_CALL):
            return self.backup_phone
        return None


def sms_usable(patient: Patient, channels: Channels) -> bool:
    return (
        channels.sms is not None
        and patient.phone_e164 is not None
        and patient.sms_consent_at is not None
        and patient.sms_opted_out_at is None
        and patient.phone_invalid_at is None
        and patient.erased_at is None
    )


def telegram_usable(patient: Patient, channels: Channels) -> bool:
    return (
        channels.telegram is not None
        and patient.telegram_chat_id is not None
        and patient.telegram_blocked_at is None
        and patient.erased_at is None
    )


def care_stopped(row: Outbox, patient: Patient | None) -> bool:
    """The patient said "stop" in Telegram: care messages to them wait for /start."""
    return (
        patient is not None
        and patient.care_messages_stopped_at is not None
        and Channel(row.channel) in PATIENT_CHANNELS
        and OutboxKind(row.kind) not in ANY_HOUR_KINDS
    )


def addressee_language(channel: Channel, patient: Patient | None) -> Language:
    """The language a message on `channel` is read in."""
    if channel in (Channel.TELEGRAM, Channel.SMS):
        return language_of(patient)
    return DEFAULT_LANGUAGE


def route_patient(patient: Patient, channels: Channels) -> Channel | None:
    """The channel a patient message goes out on now: preferred first, then the other."""
    order = (
        (Channel.SMS, Channel.TELEGRAM)
        if patient.preferred_channel == Channel.SMS
        else (Channel.TELEGRAM, Channel.SMS)
    )
    for channel in order:
        if channel is Channel.TELEGRAM and telegram_usable(patient, channels):
            return channel
        if channel is Channel.SMS and sms_usable(patient, channels):
            return channel
    return None
