"""The words of a treatment's preparation for one visit (CLINICAL.md section 2; issue 11), from
plain values.

The booking confirmation, the preparation message sent at booking when the reminders that carry
it are already past, and "My appointments" all show the same lines: the fasting cut-off with its
day in clinic time, the driver rule, the medicines line and the service's own preparation.
`bot/services/preparation.py` decides whether the preparation message still goes out and queues
it; the visit is anything with a service code and a start (`PreparedVisit`).
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain.reminders import fasting_times
from bot.domain.sms_policy import assert_sms_safe
from bot.messaging.channels import OutgoingMessage
from bot.presentation.formatting import clock_time, date_short, when_long, when_short
from bot.profile import ClinicProfile, Service
from bot.texts import Texts
from bot.texts.profile_texts import service_label, service_preparation

# A preparation text has times in it: two segments, still free of clinical words.
PREPARATION_SMS_SEGMENTS = 2


class PreparedVisit(Protocol):
    """What the preparation needs of an appointment: its service code and its start (aware UTC)."""

    @property
    def service(self) -> str: ...

    @property
    def starts_at(self) -> datetime: ...


def short_day(moment: datetime, tz: ZoneInfo) -> str:
    """ "Tue 15 Dec" in clinic time."""
    return date_short(moment.astimezone(tz).date())


def needs_preparation(service: Service | None) -> bool:
    return service is not None and (service.fasting or service.driver_required)


def fasting_cutoffs(texts: Texts, profile: ClinicProfile, visit: PreparedVisit) -> str:
    """ "Tue 15 Dec: light meal by 3:00 AM, clear liquids until 7:00 AM" (plain text)."""
    tz = profile.tz
    times = fasting_times(
        visit.starts_at,
        light_meal_hours=profile.fasting.light_meal_until_hours,
        clear_liquids_hours=profile.fasting.clear_liquids_until_hours,
    )
    meal_day = short_day(times.light_meal_until, tz)
    liquids_day = short_day(times.clear_liquids_until, tz)
    liquids = clock_time(times.clear_liquids_until, tz)
    if liquids_day != meal_day:
        liquids = texts.plain("prep_time_on_day", time=liquids, day=liquids_day)
    meal = clock_time(times.light_meal_until, tz)
    return texts.plain("prep_cutoffs", day=meal_day, meal=meal, liquids=liquids)


def preparation_lines(
    texts: Texts, profile: ClinicProfile, visit: PreparedVisit, *, with_service: bool = True
) -> list[str]:
    """The preparation of this visit as HTML bullet lines (empty for a consultation).

    `with_service=False` leaves out the service's own preparation text, for messages that
    already show it ("What to bring").
    """
    service = profile.services.get(visit.service)
    if service is None or not needs_preparation(service):
        return []
    lines: list[str] = []
    if service.fasting:
        lines.append(texts.html("prep_fasting", cutoffs=fasting_cutoffs(texts, profile, visit)))
    if service.driver_required:
        lines.append(texts.html("prep_driver"))
    lines.append(texts.html("prep_medicines"))
    if with_service and service.preparation:
        words = service_preparation(visit.service, service.preparation)
        lines.append(f"• {html.escape(words, quote=False)}")
    return lines


def preparation_block(
    texts: Texts, profile: ClinicProfile, visit: PreparedVisit, *, with_service: bool = True
) -> str:
    """A titled block for a treatment's preparation, "" for anything else."""
    lines = preparation_lines(texts, profile, visit, with_service=with_service)
    if not lines:
        return ""
    return "\n".join([texts.html("prep_title"), *lines])


def preparation_sms(texts: Texts, profile: ClinicProfile, visit: PreparedVisit) -> OutgoingMessage:
    """The preparation message by text: the fasting times only (the caller checks there are)."""
    clinic = profile.clinic
    text = texts.plain(
        "prep_message_sms",
        clinic=clinic.name,
        when=when_short(visit.starts_at, profile.tz),
        cutoffs=fasting_cutoffs(texts, profile, visit),
        phone=clinic.phone,
    )
    assert_sms_safe(text, max_segments=PREPARATION_SMS_SEGMENTS)
    return OutgoingMessage(text)


def preparation_telegram(
    texts: Texts, profile: ClinicProfile, visit: PreparedVisit, service: Service
) -> OutgoingMessage:
    """The preparation message on Telegram: the service, when, where and the whole block."""
    text = texts.raw("prep_message_tg").format(
        service=html.escape(service_label(visit.service, service.label), quote=False),
        when=html.escape(when_long(visit.starts_at, profile.tz), quote=False),
        address=html.escape(profile.clinic.address, quote=False),
        block=preparation_block(texts, profile, visit),
    )
    return OutgoingMessage(text)
