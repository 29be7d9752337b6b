"""The staff chat's words about bookings and changes (STAFF_NOTICE rows), from plain values: the
patient line, the screening flags, each event's notice and its buttons (Approve, Done / No-show,
Called). `bot/services/staff_notices.py` reads what they show (the screening answers, the
moved-from visit, the tasks it opens) and decides whether a notice still goes out.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.callback_data import EscalationAck, StaffAction, StaffPress
from bot.domain.refs import appointment_ref, patient_ref
from bot.domain.screening import FLAG_ANSWERS
from bot.domain.screening import SCREENING_CODES as SCREENING_FLAG_CODES
from bot.messaging.channels import Button, OutgoingMessage
from bot.presentation.formatting import when_long
from bot.profile import ClinicProfile, ServiceKind
from bot.texts import Texts


class NoticeVisit(Protocol):
    """An appointment as a staff notice reads it (a `bot.db.models.Appointment`)."""

    @property
    def id(self) -> int | None: ...

    @property
    def patient_id(self) -> int: ...

    @property
    def version(self) -> int: ...

    @property
    def service(self) -> str: ...

    @property
    def starts_at(self) -> datetime: ...


class NoticePatient(Protocol):
    """A patient as a staff notice names them (a `bot.db.models.Patient`)."""

    @property
    def id(self) -> int | None: ...

    @property
    def name(self) -> str | None: ...

    @property
    def phone_e164(self) -> str | None: ...

    @property
    def preferred_channel(self) -> str: ...

    @property
    def approved_at(self) -> datetime | None: ...


def _e(value: str) -> str:
    return html.escape(value, quote=False)


def called_row(texts: Texts, task_id: int | None) -> list[Button]:
    """The "Called" button under a staff task (pressing it asks what was done, then closes it)."""
    if task_id is None:
        raise ValueError("a task not stored yet has no button")
    data = StaffPress(StaffAction.CLOSE_TASK, task_id).pack()
    return [Button(texts.plain("btn_called"), data=data)]


def session_row(texts: Texts, appointment: NoticeVisit) -> list[Button]:
    """Done and No-show for one appointment; its version makes a press on an older state
    recognisable (issue 11 item 3)."""
    if appointment.id is None:
        raise ValueError("an appointment not stored yet has no buttons")
    done = StaffPress(StaffAction.DONE, appointment.id, appointment.version)
    no_show = StaffPress(StaffAction.NO_SHOW, appointment.id, appointment.version)
    return [
        Button(texts.plain("btn_done"), data=done.pack()),
        Button(texts.plain("btn_no_show"), data=no_show.pack()),
    ]


def old_ref(old_id: object) -> str:
    """The moved-from appointment's identifier, from a notice's payload."""
    return (
        appointment_ref(int(old_id))
        if isinstance(old_id, int | str) and str(old_id).isdigit()
        else "?"
    )


def patient_line(texts: Texts, patient: NoticePatient | None) -> str:
    if patient is None:
        return "(unknown patient)"
    return texts.html(
        "notice_patient",
        name=patient.name or "(no name yet)",
        ref=patient_ref(patient.id),
        phone=patient.phone_e164 or "no phone",
        channel=patient.preferred_channel,
    )


def screening_flags(texts: Texts, latest: Mapping[str, str] | None) -> str:
    """The screening answers that need a look (`latest`: each code's latest answer; empty or
    None: not screened)."""
    if not latest:
        return texts.html("notice_not_screened")
    flagged = [code for code in SCREENING_FLAG_CODES if latest.get(code) in FLAG_ANSWERS]
    if not flagged:
        return texts.html("notice_flags_none")
    items = "\n".join(
        f"• {texts.plain(f'screen_label_{code}')}: {latest[code].replace('_', ' ')}"
        for code in flagged
    )
    return texts.raw("notice_flags").format(items=items)


@dataclass(frozen=True)
class StaffNoticeWords:
    """The notices about one appointment, in the staff's words."""

    texts: Texts
    profile: ClinicProfile

    def free_form(self, text: str, ack_escalation_id: object) -> OutgoingMessage:
        """A notice another service wrote (already HTML-safe, built from texts), with an
        Acknowledge button when it is about an escalation."""
        buttons = (
            [
                [
                    Button(
                        self.texts.plain("esc_btn_ack"),
                        data=EscalationAck(ack_escalation_id).pack(),
                    )
                ]
            ]
            if isinstance(ack_escalation_id, int)
            else []
        )
        return OutgoingMessage(text, buttons=buttons)

    def values(self, appointment: NoticeVisit, patient: NoticePatient | None) -> dict[str, str]:
        service = self.profile.services.get(appointment.service)
        return {
            "appointment_id": appointment_ref(appointment.id),
            "patient": patient_line(self.texts, patient),
            "service": service.label if service else appointment.service,
            "when": when_long(appointment.starts_at, self.profile.tz),
        }

    def fill(self, key: str, values: dict[str, str], **more: str) -> str:
        merged = {k: (v if k == "patient" else _e(v)) for k, v in values.items()}
        merged.update({k: _e(v) for k, v in more.items()})
        return self.texts.raw(key).format(**merged)

    def buttons(
        self, appointment: NoticeVisit, patient: NoticePatient | None
    ) -> list[list[Button]]:
        """Approve (a consultation's patient not approved yet), then Done and No-show."""
        t = self.texts
        service = self.profile.services.get(appointment.service)
        rows: list[list[Button]] = []
        consultation = service is not None and service.kind is ServiceKind.CONSULTATION
        if consultation and patient is not None and patient.approved_at is None:
            data = StaffPress(StaffAction.APPROVE, appointment.patient_id, appointment.id).pack()
            rows.append([Button(t.plain("btn_approve"), data=data)])
        rows.append(session_row(t, appointment))
        return rows

    def booked(
        self, appointment: NoticeVisit, patient: NoticePatient | None, flags: str
    ) -> OutgoingMessage:
        values = self.values(appointment, patient)
        text = self.texts.raw("notice_booked").format(
            **{k: v if k == "patient" else _e(v) for k, v in values.items()}, flags=flags
        )
        return OutgoingMessage(text, buttons=self.buttons(appointment, patient))

    def rescheduled(
        self,
        appointment: NoticeVisit,
        patient: NoticePatient | None,
        *,
        old_id: object,
        old_starts_at: datetime | None,
    ) -> OutgoingMessage:
        old_when = when_long(old_starts_at, self.profile.tz) if old_starts_at else "?"
        return OutgoingMessage(
            self.fill(
                "notice_rescheduled",
                self.values(appointment, patient),
                old_id=old_ref(old_id),
                old_when=old_when,
            ),
            buttons=self.buttons(appointment, patient),
        )

    def cancelled(
        self, appointment: NoticeVisit, patient: NoticePatient | None, *, late: bool
    ) -> OutgoingMessage:
        suffix = self.texts.plain("notice_late_suffix") if late else ""
        return OutgoingMessage(
            self.fill("notice_cancelled", self.values(appointment, patient), late=suffix)
        )

    def series_interrupted(
        self,
        values: dict[str, str],
        *,
        missed: str,
        days: int,
        task_id: int | None,
    ) -> OutgoingMessage:
        """`missed`: "no-show" or "cancelled"."""
        return OutgoingMessage(
            self.fill(
                "notice_series_interrupted",
                values,
                missed=self.texts.plain(f"notice_series_{missed.replace('-', '_')}"),
                days=str(days),
            ),
            buttons=[called_row(self.texts, task_id)],
        )
