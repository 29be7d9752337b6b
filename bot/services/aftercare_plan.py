"""What Done plans after a session (CLINICAL.md section 3): the discharge message, the check-ins
(E, D1, D3, D7, D14, then weekly; the pre-session check before the next visit of a series), the
driver's pickup, each fitted into clinic time, and an earlier unfinished series' check-ins
superseded. `AftercareService` (bot/services/aftercare.py) marks the session."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import Appointment, CheckIn, Outbox, Patient
from bot.domain.checkins import CheckinCatalog, PlannedCheckin, plan_checkins
from bot.domain.clock import Clock
from bot.domain.enums import AppointmentStatus, Channel, OutboxKind, OutboxStatus
from bot.domain.series_schedule import Candidate, Planned, merge_schedule
from bot.profile import ClinicProfile, ServiceKind
from bot.services.checkin_rows import CheckinStatus
from bot.services.outbox import cancel_pending, enqueue, payload_of
from bot.services.planner import patient_channel
from bot.texts import Texts


class AftercarePlanner:
    """Plan the rows that follow a completed session, in the caller's transaction.

    The attributes are set by `AftercareService.__init__`.
    """

    db: Database
    profile: ClinicProfile
    clock: Clock
    catalog: CheckinCatalog
    texts: Texts

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


# The discharge advice covers the next 24 hours; half a day late it has lost its point.
DISCHARGE_STALE_AFTER = timedelta(hours=12)


# "Ready to be picked up" an hour late is no longer true.
PICKUP_STALE_AFTER = timedelta(hours=1)


def checkin_key(appointment_id: int, slot: str, channel: Channel | str) -> str:
    return f"{appointment_id}:checkin:{slot}:{channel}"
