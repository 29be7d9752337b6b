"""The words of the confirmation, the reminders, the discharge and pickup messages and the series
summary (CLINICAL.md section 2), from plain values. `bot/services/reminder_messages.py` decides
whether a message still goes out (reading the outbox and the series from the database) and calls
these; the preparation block is computed there too and handed in as text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain.callback_data import AppointmentPress, AppointmentVerb, ReminderPress, ReminderVerb
from bot.domain.enums import OutboxKind
from bot.domain.errors import ConfigError
from bot.domain.reminders import fasting_times
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.messaging.channels import Button, OutgoingMessage
from bot.presentation.formatting import clock_time, longest_when_short, when_long, when_short
from bot.profile import ClinicProfile
from bot.texts import Texts
from bot.texts.profile_texts import service_label, service_preparation

_SUFFIX = {
    OutboxKind.REMINDER_72H: "72h",
    OutboxKind.REMINDER_24H: "24h",
    OutboxKind.REMINDER_2H: "2h",
}

REMINDER_SMS_KEYS = (
    "booked_sms",
    "reminder_72h_sms",
    "reminder_24h_sms",
    "reminder_24h_driver_sms",
    "reminder_2h_sms",
    "discharge_sms",
    "pickup_sms",
    "driver_pickup_sms",
)


class RemindedVisit(Protocol):
    """A booked appointment as its reminders read it (a `bot.db.models.Appointment`)."""

    @property
    def id(self) -> int | None: ...

    @property
    def service(self) -> str: ...

    @property
    def starts_at(self) -> datetime: ...

    @property
    def confirmed_at(self) -> datetime | None: ...

    @property
    def driver_confirmed_at(self) -> datetime | None: ...


def _escape(value: str) -> str:
    return html.escape(value, quote=False)


@dataclass(frozen=True)
class ReminderWords:
    """The messages about one patient's visits, in the reader's language (`texts`), for the
    channel they go out on (`sms`: a neutral text; else Telegram HTML with buttons)."""

    texts: Texts
    profile: ClinicProfile
    sms: bool

    def appointment_buttons(self, appointment_id: int, *, confirm: bool) -> list[list[Button]]:
        t = self.texts
        rows: list[list[Button]] = []
        if confirm:
            confirmed = ReminderPress(ReminderVerb.CONFIRM, appointment_id).pack()
            rows.append([Button(t.plain("btn_confirm"), data=confirmed)])
        reschedule = AppointmentPress(AppointmentVerb.RESCHEDULE, appointment_id).pack()
        cancel = AppointmentPress(AppointmentVerb.ASK_CANCEL, appointment_id).pack()
        rows.append(
            [
                Button(t.plain("btn_reschedule"), data=reschedule),
                Button(t.plain("btn_cancel"), data=cancel),
            ]
        )
        return rows

    def values(self, visit: RemindedVisit) -> dict[str, str]:
        tz = self.profile.tz
        service = self.profile.services.get(visit.service)
        return {
            "service": service_label(visit.service, service.label) if service else visit.service,
            "when": when_short(visit.starts_at, tz) if self.sms else when_long(visit.starts_at, tz),
            "time": clock_time(visit.starts_at, tz),
            "address": self.profile.clinic.address,
            "phone": self.profile.clinic.phone,
            "clinic": self.profile.clinic.name,
            "preparation": service_preparation(visit.service, service.preparation)
            if service
            else "",
        }

    def fasting_line(self, starts_at: datetime) -> str:
        tz = self.profile.tz
        fasting = self.profile.fasting
        times = fasting_times(
            starts_at,
            light_meal_hours=fasting.light_meal_until_hours,
            clear_liquids_hours=fasting.clear_liquids_until_hours,
        )
        return self.texts.plain(
            "fasting_rule",
            meal_until=clock_time(times.light_meal_until, tz),
            liquids_until=clock_time(times.clear_liquids_until, tz),
        )

    def checklist(self, visit: RemindedVisit, *, day_before: bool) -> str:
        service = self.profile.services.get(visit.service)
        if service is None or not (service.fasting or service.driver_required):
            return self.texts.html(
                "checklist_consultation",
                preparation=service_preparation(visit.service, service.preparation)
                if service
                else "",
            )
        key = "checklist_treatment_24h" if day_before else "checklist_treatment"
        return self.texts.html(key, fasting=self.fasting_line(visit.starts_at))

    def confirmation(self, visit: RemindedVisit, *, preparation: str) -> OutgoingMessage:
        """Booked: the visit, and on Telegram its preparation block (may be empty) and buttons."""
        assert visit.id is not None
        values = self.values(visit)
        if self.sms:
            return OutgoingMessage(self.texts.plain("booked_sms", **values))
        text = self.texts.html("booked_tg", **values)
        return OutgoingMessage(
            f"{text}\n\n{preparation}" if preparation else text,
            buttons=self.appointment_buttons(visit.id, confirm=True),
        )

    def reminder(self, kind: OutboxKind, visit: RemindedVisit) -> OutgoingMessage:
        """A reminder (72 h, 24 h, 2 h); the day before, a treatment asks about the driver."""
        assert visit.id is not None
        values = self.values(visit)
        suffix = _SUFFIX[kind]
        service = self.profile.services.get(visit.service)
        ask_driver = (
            kind is OutboxKind.REMINDER_24H
            and service is not None
            and service.driver_required
            and visit.driver_confirmed_at is None
        )
        if self.sms:
            # The day before, an SMS patient is asked about the driver too: reply D (issue 11).
            key = "reminder_24h_driver_sms" if ask_driver else f"reminder_{suffix}_sms"
            return OutgoingMessage(self.texts.plain(key, **values))
        if kind is OutboxKind.REMINDER_2H:
            return OutgoingMessage(self.texts.html("reminder_2h_tg", **values))
        checklist = self.checklist(visit, day_before=kind is OutboxKind.REMINDER_24H)
        text = self.texts.raw(f"reminder_{suffix}_tg").format(
            **{k: _escape(v) for k, v in values.items()}, checklist=checklist
        )
        buttons = self.appointment_buttons(visit.id, confirm=visit.confirmed_at is None)
        if ask_driver:
            buttons.insert(
                0,
                [
                    Button(
                        self.texts.plain("btn_driver_yes"),
                        data=ReminderPress(ReminderVerb.DRIVER_YES, visit.id).pack(),
                    ),
                    Button(
                        self.texts.plain("btn_driver_no"),
                        data=ReminderPress(ReminderVerb.DRIVER_NO, visit.id).pack(),
                    ),
                ],
            )
        return OutgoingMessage(text, buttons=buttons)

    def discharge(self) -> OutgoingMessage:
        values = {"clinic": self.profile.clinic.name}
        if self.sms:
            return OutgoingMessage(self.texts.plain("discharge_sms", **values))
        return OutgoingMessage(
            self.texts.html("discharge_tg", emergency=self.texts.plain("emergency_notice"))
        )

    def _where(self) -> dict[str, str]:
        return {
            "clinic": self.profile.clinic.name,
            "address": self.profile.clinic.address,
            "phone": self.profile.clinic.phone,
        }

    def pickup(self) -> OutgoingMessage:
        """At Done: the patient may be picked up now (Telegram or a neutral SMS)."""
        if self.sms:
            return OutgoingMessage(self.texts.plain("pickup_sms", **self._where()))
        return OutgoingMessage(self.texts.html("pickup_tg", **self._where()))

    def driver_pickup(self) -> OutgoingMessage:
        """At Done: the driver's phone hears where and that it is time; nothing about care."""
        return OutgoingMessage(self.texts.plain("driver_pickup_sms", **self._where()))

    def series_summary(
        self, service_code: str, starts: Sequence[datetime], *, preparation: str
    ) -> OutgoingMessage:
        """Every visit still booked of a series (`starts`, in order; the first one's service and
        preparation block), in one message."""
        tz = self.profile.tz
        if self.sms:
            return OutgoingMessage(
                self.texts.plain(
                    "series_summary_sms",
                    clinic=self.profile.clinic.name,
                    count=len(starts),
                    dates="; ".join(when_short(start, tz) for start in starts),
                    phone=self.profile.clinic.phone,
                )
            )
        service = self.profile.services.get(service_code)
        items = "\n".join(
            self.texts.html("series_summary_item", when=when_long(start, tz)) for start in starts
        )
        text = self.texts.raw("series_summary_tg").format(
            count=len(starts),
            service=_escape(
                service_label(service_code, service.label) if service else service_code
            ),
            items=items,
            address=_escape(self.profile.clinic.address),
            preparation=preparation,
        )
        return OutgoingMessage(text)


def check_reminder_sms_texts(texts: Texts, profile: ClinicProfile) -> None:
    """Refuse to start when a reminder SMS (e.g. a profile override) is unsafe or over 1 segment."""
    values = {
        "clinic": profile.clinic.name,
        "phone": profile.clinic.phone,
        "address": profile.clinic.address,
        # The widest date and time the SMS texts can show, so the one-segment check is honest.
        "when": longest_when_short(),
        "time": clock_time(datetime(2027, 1, 1, 12, 45, tzinfo=UTC), ZoneInfo("UTC")),
    }
    for key in REMINDER_SMS_KEYS:
        try:
            assert_sms_safe(texts.plain(key, **values), max_segments=1)
        except UnsafeSmsText as exc:
            raise ConfigError(f"clinic profile texts.{key}: {exc}") from None
