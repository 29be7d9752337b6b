"""Named states and kinds shared by every layer (values are what the database stores)."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    TELEGRAM = "telegram"
    SMS = "sms"
    STAFF = "staff"  # the staff Telegram chat
    ONCALL = "oncall"  # SMS to the on-call phone
    ONCALL_CALL = "oncall_call"  # a voice call to the on-call phone
    BACKUP = "backup"  # SMS to the backup phone (on-call did not acknowledge)
    BACKUP_CALL = "backup_call"  # a voice call to the backup phone


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    # The sender died mid-send: the provider may or may not have it (staff were told).
    POSSIBLY_SENT = "possibly_sent"


class OutboxKind(StrEnum):
    CONFIRMATION = "confirmation"
    REMINDER_72H = "reminder_72h"
    REMINDER_24H = "reminder_24h"
    REMINDER_2H = "reminder_2h"
    DISCHARGE = "discharge"
    CHECKIN = "checkin"  # one per check-in slot (E, D1, ...); the slot is in the dedupe key
    CHECKIN_NUDGE = "checkin_nudge"
    STAFF_NOTICE = "staff_notice"
    ESCALATION_PAGE = "escalation_page"
    # An escalation's deadline: no message of its own; past it, unacknowledged, the ladder starts.
    ESCALATION_DEADLINE = "escalation_deadline"
    ESCALATION_TAKEN = "escalation_taken"  # the patient hears a clinician has taken their answer
    CRISIS_FOLLOWUP = "crisis_followup"  # more crisis words on an open escalation, for staff
    SMS_REPLY = "sms_reply"
    PATIENT_NOTICE = "patient_notice"  # a one-off message to a patient (e.g. approved by staff)
    CALENDAR = "calendar"  # the .ics for a change made outside the patient's chat (Telegram only)
    PHONE_CODE = "phone_code"  # a one-time code to a typed number (payload "to"), any hour
    # Staff chat: a treatment session past its end with no Done / No-show (prompt, repeat,
    # then aftercare starts as if attended); the step is in the payload.
    SESSION_END = "session_end"
    # A treatment booked too late for the reminders that carry its preparation (issue 11).
    PREPARATION = "preparation"
    # At Done: the patient hears they can be picked up; the stored driver's phone is texted
    # (payload "to"), in neutral words (issue 11 item 7).
    PICKUP = "pickup"
    # /series: one message listing every booked visit instead of one confirmation each.
    SERIES_SUMMARY = "series_summary"
    DRIVER_PICKUP = "driver_pickup"
    # A freed time offered to a waiting patient (issue 15); its deadline is a timer row of its
    # own, which sends nothing: past it, the offer expires and the next patient is asked.
    WAITLIST_OFFER = "waitlist_offer"
    WAITLIST_EXPIRY = "waitlist_expiry"


class DraftStep(StrEnum):
    SERVICE = "service"
    DATE = "date"
    TIME = "time"
    NAME = "name"
    PHONE = "phone"
    PHONE_CODE = "phone_code"  # waiting for the code texted to a typed number
    SCREENING = "screening"
    MEDICINES = "medicines"
    PAIN_NOW = "pain_now"
    PAIN_AVERAGE = "pain_average"
    DRIVER = "driver"
    SMS_CONSENT = "sms_consent"
    SUMMARY = "summary"
    DONE = "done"


class EscalationLevel(StrEnum):
    """How fast staff must act; ordered from most to least urgent."""

    URGENT = "urgent"  # page on-call now, re-page until acknowledged
    CALLBACK_1H = "callback_1h"
    SAME_DAY = "same_day"
    BUSINESS_DAY = "business_day"
    NEXT_BUSINESS_DAY = "next_business_day"


class CloseOutcome(StrEnum):
    """What staff did about a flag or task when they closed it."""

    CALLED = "called"
    NO_ANSWER = "no_answer"
    NOT_NEEDED = "not_needed"


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"
