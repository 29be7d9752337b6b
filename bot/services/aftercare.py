"""Session end (issue 4, part 4): staff press Done or No-show on the session's notice.

Done completes the appointment and, after a treatment session, plans the discharge message (due
now) and the check-ins of CLINICAL.md section 3 (E, D1, D3, D7, D14, then weekly) as CheckIn rows
with CHECKIN outbox rows, in clinic time and in the same transaction. A consultation gets
neither. No-show records the miss and cancels whatever the appointment still had planned.
Both are audited, and pressing either twice changes nothing the second time.
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import Appointment, CheckIn, Escalation, Outbox, Patient
from bot.domain.appointment_states import Change, Verdict, button_still_valid, in_time, transition
from bot.domain.callback_data import StaffAction, StaffPress
from bot.domain.checkins import CheckinCatalog, PlannedCheckin, plan_checkins
from bot.domain.clock import Clock
from bot.domain.enums import AppointmentStatus, Channel, OutboxKind, OutboxStatus
from bot.domain.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    ClinicError,
    StaleButton,
)
from bot.domain.refs import appointment_ref, flag_ref
from bot.domain.series_schedule import Candidate, Planned, merge_schedule
from bot.messaging.channels import Button, OutgoingMessage
from bot.profile import ClinicProfile, ServiceKind
from bot.services.audit import audit
from bot.services.checkins import CheckinStatus, drop_sms_draft
from bot.services.formatting import clock_time, when_long, when_short
from bot.services.outbox import cancel_pending, enqueue, payload_of
from bot.services.planner import SessionEndStep, patient_channel, plan_series_check
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.services.staff_notices import patient_line, session_row
from bot.texts import Texts
from bot.texts.profile_texts import service_label

# The discharge advice covers the next 24 hours; half a day late it has lost its point.
DISCHARGE_STALE_AFTER = timedelta(hours=12)
# "Ready to be picked up" an hour late is no longer true.
PICKUP_STALE_AFTER = timedelta(hours=1)


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


def checkin_key(appointment_id: int, slot: str, channel: Channel | str) -> str:
    return f"{appointment_id}:checkin:{slot}:{channel}"


class AftercareService:
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
            "patient": patient_line(ctx, ctx.patient),
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

    def _plan_aftercare(
        self, session: Session, appointment: Appointment, *, now: datetime, pickup: bool = False
    ) -> list[str]:
        assert appointment.id is not None
        patient = session.get(Patient, appointment.patient_id)
        if patient is None:
            return []
        channel = patient_channel(patient)
        enqueue(
            session,
            kind=OutboxKind.DISCHARGE,
            channel=channel,
            due_at=now,
            dedupe_key=f"{appointment.id}:{OutboxKind.DISCHARGE}:{channel}",
            now=now,
            patient_id=patient.id,
            appointment_id=appointment.id,
            not_after=now + DISCHARGE_STALE_AFTER,
        )
        if pickup:
            # Staff pressed Done: the patient is leaving now (an assumed attendance is hours
            # later, when they are long gone, so it sends no pick-up message).
            self._plan_pickup(session, appointment, patient, channel=channel, now=now)
        # Pressed early, the session ended now; pressed late, it ended at its booked end.
        session_end = min(now, appointment.ends_at)
        planned = plan_checkins(
            session_end=session_end,
            tz=self.profile.tz,
            catalog=self.catalog,
            next_session_start=self._next_in_series(session, appointment, after=session_end),
            discharged_at=now,
        )
        # A check-in already past when Done is pressed is not sent late (like a reminder), but
        # the evening safety check-in still inside its window goes at once (never dropped).
        planned = sorted(
            (
                p if p.due_at_utc > now else replace(p, due_at_utc=now)
                for p in planned
                if p.due_at_utc > now or (p.not_after is not None and now < p.not_after)
            ),
            key=lambda p: p.due_at_utc,
        )
        if appointment.series_id is not None:
            self._supersede_earlier_in_series(session, appointment)
            self._plan_presession(session, appointment, channel=channel, now=now)
        planned = self._fit(session, appointment, planned, now=now)
        for index, item in enumerate(planned):
            checkin = self._checkin_row(session, appointment, item.slot)
            assert checkin.id is not None
            payload: dict[str, object] = {"slot": item.slot, "checkin_id": checkin.id}
            if item.any_hour:
                payload["any_hour"] = True
                # Its window closes early; its nudge may still go until the next check-in.
                payload["nudge_until"] = self._stale_at(planned, index).isoformat()
            enqueue(
                session,
                kind=OutboxKind.CHECKIN,
                channel=channel,
                due_at=item.due_at_utc,
                dedupe_key=checkin_key(appointment.id, item.slot, channel),
                now=now,
                patient_id=patient.id,
                appointment_id=appointment.id,
                not_after=item.not_after or self._stale_at(planned, index),
                payload=payload,
            )
        return [p.slot for p in planned]

    def _supersede_earlier_in_series(self, session: Session, appointment: Appointment) -> None:
        """One schedule per series: the latest session's check-ins replace the earlier ones'."""
        earlier = [
            i
            for i in session.exec(
                select(Appointment.id)
                .where(col(Appointment.patient_id) == appointment.patient_id)
                .where(col(Appointment.series_id) == appointment.series_id)
                .where(col(Appointment.id) != appointment.id)
                .where(col(Appointment.starts_at) < appointment.starts_at)
            ).all()
            if i is not None
        ]
        if not earlier:
            return
        for earlier_id in earlier:
            cancel_pending(
                session,
                appointment_id=earlier_id,
                kinds=[OutboxKind.CHECKIN],
                reason="replaced by a later session of the series",
            )
        session.exec(
            update(CheckIn)
            .where(col(CheckIn.appointment_id).in_(earlier))
            .where(col(CheckIn.status) == CheckinStatus.PLANNED)
            .values(status=CheckinStatus.CANCELLED)
        )

    def _plan_presession(
        self, session: Session, appointment: Appointment, *, channel: Channel, now: datetime
    ) -> None:
        """The next session of the series gets its pre-session check (CLINICAL.md 4c)."""
        plan = self.catalog.presession
        if plan is None:
            return
        following = session.exec(
            select(Appointment)
            .where(col(Appointment.patient_id) == appointment.patient_id)
            .where(col(Appointment.series_id) == appointment.series_id)
            .where(col(Appointment.status) == AppointmentStatus.BOOKED)
            .where(col(Appointment.starts_at) > appointment.starts_at)
            .order_by(col(Appointment.starts_at))
            .limit(1)
        ).first()
        if following is None or following.id is None:
            return
        due = plan.due(
            start=following.starts_at, previous_start=appointment.starts_at, tz=self.profile.tz
        )
        if due is None or following.starts_at <= now:
            return
        checkin = self._checkin_row(session, following, plan.code)
        enqueue(
            session,
            kind=OutboxKind.CHECKIN,
            channel=channel,
            due_at=max(due, now),
            dedupe_key=checkin_key(following.id, plan.code, channel),
            now=now,
            patient_id=following.patient_id,
            appointment_id=following.id,
            not_after=following.starts_at,  # asked after the start, it is no longer "before"
            payload={"slot": plan.code, "checkin_id": checkin.id, "presession": True},
        )

    def held_for_review(self, appointment_id: int) -> bool:
        """A Yes on this session's pre-session check that nobody has acknowledged yet."""
        with self.db.session(write=False) as session:
            return session_held(session, appointment_id)

    def _fit(
        self,
        session: Session,
        appointment: Appointment,
        planned: list[PlannedCheckin],
        *,
        now: datetime,
    ) -> list[PlannedCheckin]:
        """Space the new check-ins against the patient's others, their sessions and the cap."""
        others = session.exec(
            select(Outbox)
            .where(col(Outbox.patient_id) == appointment.patient_id)
            .where(col(Outbox.kind) == OutboxKind.CHECKIN)
            .where(col(Outbox.status) == OutboxStatus.PENDING)
            .where(col(Outbox.appointment_id) != appointment.id)
        ).all()
        sessions = [
            (a.starts_at, a.ends_at)
            for a in session.exec(
                select(Appointment)
                .where(col(Appointment.patient_id) == appointment.patient_id)
                .where(col(Appointment.status) == AppointmentStatus.BOOKED)
                .where(col(Appointment.ends_at) > now)
                .where(col(Appointment.id) != appointment.id)
            ).all()
        ]
        merged = merge_schedule(
            [Candidate(p.slot, p.due_at_utc, p.any_hour) for p in planned],
            [
                Planned(
                    row.id,
                    row.due_at,
                    payload_of(row).get("any_hour") is True
                    or payload_of(row).get("presession") is True,
                )
                for row in others
                if row.id is not None
            ],
            sessions,
            min_gap=self.catalog.min_gap,
            per_week=self.catalog.max_per_week,
            tz=self.profile.tz,
        )
        for row in others:
            if row.id in merged.cancel:
                row.status = OutboxStatus.CANCELLED
                row.last_error = "gave way to a closer check-in"
                checkin = session.get(CheckIn, payload_of(row).get("checkin_id", 0))
                if checkin is not None and checkin.status == CheckinStatus.PLANNED:
                    checkin.status = CheckinStatus.CANCELLED
        due = {c.slot: c.due for c in merged.keep}
        return sorted(
            (replace(p, due_at_utc=due[p.slot]) for p in planned if p.slot in due),
            key=lambda p: p.due_at_utc,
        )

    @staticmethod
    def _plan_pickup(
        session: Session,
        appointment: Appointment,
        patient: Patient,
        *,
        channel: Channel,
        now: datetime,
    ) -> None:
        assert appointment.id is not None
        enqueue(
            session,
            kind=OutboxKind.PICKUP,
            channel=channel,
            due_at=now,
            dedupe_key=f"{appointment.id}:{OutboxKind.PICKUP}:{channel}",
            now=now,
            patient_id=patient.id,
            appointment_id=appointment.id,
            not_after=now + PICKUP_STALE_AFTER,
        )
        if patient.driver_phone:
            enqueue(
                session,
                kind=OutboxKind.DRIVER_PICKUP,
                channel=Channel.SMS,
                due_at=now,
                dedupe_key=f"{appointment.id}:{OutboxKind.DRIVER_PICKUP}:{Channel.SMS}",
                now=now,
                patient_id=patient.id,
                appointment_id=appointment.id,
                not_after=now + PICKUP_STALE_AFTER,
                payload={"to": patient.driver_phone},
            )

    def _stale_at(self, planned: list[PlannedCheckin], index: int) -> datetime:
        """A check-in not sent by the time the next one is due is skipped, not sent late."""
        if index + 1 < len(planned):
            return planned[index + 1].due_at_utc
        return planned[index].due_at_utc + timedelta(days=self.catalog.weekly.every_days)

    @staticmethod
    def _checkin_row(session: Session, appointment: Appointment, slot: str) -> CheckIn:
        checkin = session.exec(
            select(CheckIn)
            .where(col(CheckIn.appointment_id) == appointment.id)
            .where(col(CheckIn.slot) == slot)
        ).one_or_none()
        if checkin is None:
            assert appointment.id is not None
            checkin = CheckIn(
                patient_id=appointment.patient_id,
                appointment_id=appointment.id,
                slot=slot,
                status=CheckinStatus.PLANNED,
            )
            session.add(checkin)
            session.flush()
        elif checkin.status == CheckinStatus.CANCELLED:
            # Done again after a mistaken No-show: the same check-in is planned again.
            checkin.status = CheckinStatus.PLANNED
            checkin.questions = "[]"
            checkin.position = 0
        return checkin

    def _next_in_series(
        self, session: Session, appointment: Appointment, *, after: datetime
    ) -> datetime | None:
        """Start of the patient's next booked session of the same series, if any."""
        if appointment.series_id is None:
            return None
        return session.exec(
            select(Appointment.starts_at)
            .where(col(Appointment.patient_id) == appointment.patient_id)
            .where(col(Appointment.series_id) == appointment.series_id)
            .where(col(Appointment.status) == AppointmentStatus.BOOKED)
            .where(col(Appointment.starts_at) > after)
            .order_by(col(Appointment.starts_at))
            .limit(1)
        ).first()

    def _is_treatment(self, appointment: Appointment) -> bool:
        service = self.profile.services.get(appointment.service)
        return service is not None and service.kind is ServiceKind.TREATMENT

    @staticmethod
    def _appointment(session: Session, appointment_id: int) -> Appointment:
        appointment = session.get(Appointment, appointment_id)
        if appointment is None:
            raise AppointmentNotFound(f"appointment {appointment_ref(appointment_id)} not found")
        return appointment
