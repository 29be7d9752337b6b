"""Session end (issue 4, part 4): staff press Done or No-show on the session's notice.

Done completes the appointment and, after a treatment session, plans the discharge message (due
now) and the check-ins of CLINICAL.md section 3 (E, D1, D3, D7, D14, then weekly) as CheckIn rows
with CHECKIN outbox rows, in clinic time and in the same transaction. A consultation gets
neither. No-show records the miss and cancels whatever the appointment still had planned.
Both are audited, and pressing either twice changes nothing the second time.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import Appointment, CheckIn, Escalation
from bot.domain.appointment_states import Change, Verdict, button_still_valid, in_time, transition
from bot.domain.callback_data import StaffAction, StaffPress
from bot.domain.checkins import CheckinCatalog
from bot.domain.clock import Clock
from bot.domain.enums import AppointmentStatus, OutboxKind
from bot.domain.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    ClinicError,
    StaleButton,
)
from bot.domain.refs import appointment_ref, flag_ref
from bot.messaging.channels import Button, OutgoingMessage
from bot.presentation.formatting import clock_time, when_long, when_short
from bot.presentation.staff_notice_words import patient_line, session_row
from bot.profile import ClinicProfile
from bot.services.aftercare_plan import AftercarePlanner
from bot.services.audit import audit
from bot.services.checkin_rows import CheckinStatus, drop_sms_draft
from bot.services.outbox import cancel_pending
from bot.services.planner import SessionEndStep, plan_series_check
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.texts import Texts
from bot.texts.profile_texts import service_label


class SessionNotStarted(ClinicError):
    """Done was pressed before the session's start time."""


class SessionHeld(ClinicError):
    """Done pressed while a Yes on the pre-session check still waits for a clinician's review."""


class LeavingEarly(ClinicError):
    """Done pressed long before a treatment's scheduled end: staff confirm the patient leaves."""

    def __init__(self, appointment_id: int, ends_at: datetime, version: int | None = None) -> None:
        super().__init__(
            f"appointment {appointment_ref(appointment_id)} is booked until {ends_at.isoformat()}"
        )
        self.appointment_id = appointment_id
        self.ends_at = ends_at
        self.version = version


def leaving_buttons(
    texts: Texts, appointment_id: int, version: int | None = None
) -> list[list[Button]]:
    """The one button that confirms an early Done (the staff handler acts on `st:dl`); with the
    version, a press after the appointment changed says what happened instead of acting."""
    data = StaffPress(StaffAction.LEAVING_NOW, appointment_id, version).pack()
    return [[Button(texts.plain("btn_leaving_now"), data=data)]]


def session_buttons(texts: Texts, appointment: Appointment) -> list[list[Button]]:
    """Done and No-show for one appointment (the staff handler acts on `st:dn` / `st:ns`)."""
    return [session_row(texts, appointment)]


def held_by(session: Session, appointment_id: int) -> int | None:
    """The alert holding the session: a Yes on its pre-session check nobody has reviewed yet."""
    return session.exec(
        select(Escalation.id)
        .join(CheckIn, col(CheckIn.id) == col(Escalation.checkin_id))
        .where(col(CheckIn.appointment_id) == appointment_id)
        .where(col(Escalation.acknowledged_at).is_(None))
        .where(col(Escalation.closed_at).is_(None))
        .order_by(col(Escalation.id))
        .limit(1)
    ).first()


def session_held(session: Session, appointment_id: int) -> bool:
    """Whether a Yes on the session's pre-session check still waits for a staff review."""
    return held_by(session, appointment_id) is not None


class AftercareService(AftercarePlanner):
    """Done and No-show for a session, with everything that follows from them."""

    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        clock: Clock,
        catalog: CheckinCatalog,
        texts: Texts,
    ) -> None:
        self.db = db
        self.profile = profile
        self.clock = clock
        self.catalog = catalog
        self.texts = texts

    def mark_done(
        self,
        *,
        appointment_id: int,
        actor: str,
        leaving_now: bool = False,
        version: int | None = None,
    ) -> Appointment:
        """Complete the session; after a treatment, plan discharge and check-ins (caller kicks).

        Pressed more than the profile's `early_done_minutes` before a treatment's scheduled end,
        it raises LeavingEarly and changes nothing until staff confirm (`leaving_now=True`) that
        the patient is leaving now: the discharge advice must not reach someone still in the chair.
        """
        now = self.clock.now()
        with self.db.session() as session:
            appointment = self._appointment(session, appointment_id)
            self._check_version(session, appointment, version)
            step = transition(Change.DONE, appointment.status)
            if step.verdict is Verdict.ALREADY:
                if appointment.attendance_assumed_at is not None:
                    # Staff confirm what the bot assumed: aftercare is already under way.
                    appointment.attendance_assumed_at = None
                    audit(
                        session,
                        at=now,
                        actor=actor,
                        action="appointment.done",
                        subject=f"appointment:{appointment_id}",
                        detail={"confirmed_assumed": True},
                    )
                return appointment
            if step.verdict is Verdict.REFUSED:
                raise AppointmentNotActive(
                    f"appointment {appointment_ref(appointment_id)} was {step.before}"
                )
            if not in_time(Change.DONE, starts_at=appointment.starts_at, now=now):
                raise SessionNotStarted(
                    f"appointment {appointment_ref(appointment_id)} has not started (it starts "
                    f"{self._when(appointment)}): it cannot be marked Done before it starts"
                )
            alert = held_by(session, appointment_id)
            if alert is not None:
                # CLINICAL.md 4c: a Yes before the session is reviewed before it goes ahead; the
                # review is on record (alert acknowledged) before the session can be recorded.
                raise SessionHeld(
                    f"appointment {appointment_ref(appointment_id)} is held: the patient "
                    f"answered Yes on the pre-session check (alert {flag_ref(alert)}). Review "
                    f"it and acknowledge alert {flag_ref(alert)}, then mark the session Done"
                )
            early = now < appointment.ends_at - timedelta(
                minutes=self.profile.session_end.early_done_minutes
            )
            treatment = self._is_treatment(appointment)
            if early and treatment and not leaving_now:
                assert appointment.id is not None
                raise LeavingEarly(appointment.id, appointment.ends_at, appointment.version)
            corrected = step.corrected
            appointment.status = step.after
            appointment.completed_at = now
            slots: list[str] = []
            if treatment:
                slots = self._plan_aftercare(session, appointment, now=now, pickup=True)
            detail: dict[str, object] = {"checkins": slots, "was_no_show": corrected}
            if early and treatment:
                detail["left_early"] = True
            audit(
                session,
                at=now,
                actor=actor,
                action="appointment.done",
                subject=f"appointment:{appointment_id}",
                detail=detail,
            )
            return appointment

    def mark_no_show(
        self, *, appointment_id: int, actor: str, version: int | None = None
    ) -> Appointment:
        """Record a no-show and cancel what was still planned for the appointment."""
        now = self.clock.now()
        with self.db.session() as session:
            appointment = self._appointment(session, appointment_id)
            self._check_version(session, appointment, version)
            step = transition(Change.NO_SHOW, appointment.status)
            if step.verdict is Verdict.ALREADY:
                return appointment
            if step.verdict is Verdict.REFUSED:
                raise AppointmentNotActive(
                    f"appointment {appointment_ref(appointment_id)} was {step.before}"
                )
            if not in_time(Change.NO_SHOW, starts_at=appointment.starts_at, now=now):
                # Nobody can miss a visit that has not begun; reminders must keep going.
                raise SessionNotStarted(
                    f"appointment {appointment_ref(appointment_id)} has not started (it starts "
                    f"{self._when(appointment)}): it cannot be a no-show before it starts"
                )
            corrected = step.corrected
            appointment.status = step.after
            appointment.completed_at = None
            appointment.attendance_assumed_at = None
            cancelled_rows = cancel_pending(
                session, appointment_id=appointment_id, reason="no-show"
            )
            # A missed session of a series: a staff task if nothing is rebooked in the gap.
            plan_series_check(session, appointment, profile=self.profile, now=now)
            # A Done pressed by mistake planned check-ins: they must not go out.
            open_ids = list(
                session.exec(
                    select(CheckIn.id)
                    .where(col(CheckIn.appointment_id) == appointment_id)
                    .where(
                        col(CheckIn.status).in_(
                            [CheckinStatus.PLANNED, CheckinStatus.OPEN, CheckinStatus.MISSED]
                        )
                    )
                ).all()
            )
            if open_ids:
                session.exec(
                    update(CheckIn)
                    .where(col(CheckIn.id).in_(open_ids))
                    .values(status=CheckinStatus.CANCELLED)
                )
                drop_sms_draft(
                    session,
                    checkin_ids=[i for i in open_ids if i is not None],
                    patient_id=appointment.patient_id,
                )
            audit(
                session,
                at=now,
                actor=actor,
                action="appointment.no_show",
                subject=f"appointment:{appointment_id}",
                detail={
                    "cancelled_messages": cancelled_rows,
                    "cancelled_checkins": len(open_ids),
                    "was_done": corrected,
                },
            )
            return appointment

    def _check_version(
        self, session: Session, appointment: Appointment, version: int | None
    ) -> None:
        """A button made for an older state says what happened instead of acting.

        Changes that leave the session booked as it was (the patient confirmed, the driver was
        noted) do not spoil the button; a cancellation, a move, Done or No-show do.
        """
        if button_still_valid(appointment.status, made_for=version, current=appointment.version):
            return
        raise StaleButton(self._what_happened(session, appointment))

    def what_happened(self, appointment_id: int) -> str:
        """What became of an appointment a form or button was made for (cancelled, moved...)."""
        with self.db.session(write=False) as session:
            return self._what_happened(session, self._appointment(session, appointment_id))

    def _what_happened(self, session: Session, appointment: Appointment) -> str:
        tz = self.profile.tz
        number = appointment.id
        if appointment.status == AppointmentStatus.CANCELLED:
            moved = session.exec(
                select(Appointment).where(col(Appointment.rescheduled_from_id) == number)
            ).first()
            if moved is not None:
                return self.texts.plain(
                    "staff_toast_stale_moved",
                    id=appointment_ref(number),
                    new=appointment_ref(moved.id),
                    when=when_short(moved.starts_at, tz),
                )
            when = appointment.cancelled_at or appointment.starts_at
            return self.texts.plain(
                "staff_toast_stale_cancelled", id=appointment_ref(number), when=when_short(when, tz)
            )
        if appointment.status == AppointmentStatus.NO_SHOW:
            return self.texts.plain("staff_toast_stale_no_show", id=appointment_ref(number))
        if appointment.attendance_assumed_at is not None:
            return self.texts.plain("staff_toast_stale_assumed", id=appointment_ref(number))
        when = appointment.completed_at or appointment.ends_at
        return self.texts.plain(
            "staff_toast_stale_done", id=appointment_ref(number), when=when_short(when, tz)
        )

    # --- a session nobody closed ----------------------------------------------------------

    @property
    def renderers(self) -> Renderers:
        return {OutboxKind.SESSION_END: self.render_session_end}

    def render_session_end(self, ctx: RenderContext) -> OutgoingMessage:
        """Ask staff for Done / No-show; at the last step, start aftercare as if attended."""
        appointment = ctx.appointment
        if appointment is None or appointment.id is None:
            raise Skip("session-end prompt without an appointment")
        if appointment.status != AppointmentStatus.BOOKED:
            raise Skip(f"session already {appointment.status}")
        step = str(ctx.payload.get("step", SessionEndStep.PROMPT))
        ctx.session.flush()  # the buttons carry the version the staff will see
        values = {
            "appointment_id": appointment_ref(appointment.id),
            "patient": patient_line(ctx.texts, ctx.patient),
            "service": self._label(appointment),
            "when": when_long(appointment.starts_at, self.profile.tz),
            "end": clock_time(appointment.ends_at, self.profile.tz),
        }
        buttons = session_buttons(ctx.texts, appointment)
        if step != SessionEndStep.ASSUME:
            key = (
                "staff_session_open_again"
                if step == SessionEndStep.REPEAT
                else "staff_session_open"
            )
            return OutgoingMessage(self._fill(key, values), buttons=buttons)
        appointment.status = AppointmentStatus.COMPLETED
        appointment.completed_at = ctx.now
        appointment.attendance_assumed_at = ctx.now
        slots = self._plan_aftercare(ctx.session, appointment, now=ctx.now)
        audit(
            ctx.session,
            at=ctx.now,
            actor="system",
            action="appointment.assumed_attended",
            subject=f"appointment:{appointment.id}",
            detail={"checkins": slots},
        )
        # Done (confirming) or No-show (correcting) remain possible on the assumed session.
        ctx.session.flush()
        return OutgoingMessage(
            self._fill("staff_session_assumed", values),
            buttons=session_buttons(ctx.texts, appointment),
        )

    def _fill(self, key: str, values: dict[str, str]) -> str:
        return self.texts.raw(key).format(
            **{k: v if k == "patient" else html.escape(v, quote=False) for k, v in values.items()}
        )

    def _label(self, appointment: Appointment) -> str:
        service = self.profile.services.get(appointment.service)
        if service is None:
            return appointment.service
        return service_label(appointment.service, service.label)

    def _when(self, appointment: Appointment) -> str:
        return when_long(appointment.starts_at, self.profile.tz)

    def held_for_review(self, appointment_id: int) -> bool:
        """A Yes on this session's pre-session check that nobody has acknowledged yet."""
        with self.db.session(write=False) as session:
            return session_held(session, appointment_id)

    @staticmethod
    def _appointment(session: Session, appointment_id: int) -> Appointment:
        appointment = session.get(Appointment, appointment_id)
        if appointment is None:
            raise AppointmentNotFound(f"appointment {appointment_ref(appointment_id)} not found")
        return appointment
