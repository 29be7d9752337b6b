"""Staff operations: a series of treatment sessions planned, confirmed or dropped (/series)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlmodel import col, select

from bot.db.models import Appointment, BookingDraft, Escalation, Patient, ScreeningAnswer
from bot.domain.availability import Slot, local_day
from bot.domain.enums import AppointmentStatus
from bot.domain.errors import ClinicError, NotApproved
from bot.presentation.staff_views import SeriesBooking, SeriesPlan
from bot.profile import ServiceKind
from bot.services.audit import audit
from bot.services.planner import plan_series_summary
from bot.services.staff_base import StaffOpsBase
from bot.services.staff_records import (
    MAX_SERIES,
    SERIES_FLOW,
    STAFF_CHANNEL,
    STEP_CANCELLED,
    STEP_DONE,
    InvalidRequest,
    NotATreatment,
    PatientNotFound,
    SeriesDoesNotFit,
    StaleAction,
    draft_data,
    match_of,
)


class SeriesOps(StaffOpsBase):
    """Plan the next free times for a course of treatment, then book them all at once."""

    # --- series -------------------------------------------------------------------------

    def plan_series(self, *, patient_id: int, service: str, count: int, actor: str) -> SeriesPlan:
        """The next free times respecting the service's gaps, kept in a draft to confirm."""
        definition = self.profile.service(service)
        if definition.kind is not ServiceKind.TREATMENT:
            raise NotATreatment(service)
        if not 1 <= count <= MAX_SERIES:
            raise InvalidRequest(f"a series has 1 to {MAX_SERIES} sessions")
        with self.db.session(write=False) as session:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.erased_at is not None:
                raise PatientNotFound(str(patient_id))
            if definition.requires_approval and patient.approved_at is None:
                raise NotApproved("approve the patient for treatment first")
            open_flags = len(
                session.exec(
                    select(Escalation.id)
                    .where(col(Escalation.patient_id) == patient_id)
                    .where(col(Escalation.closed_at).is_(None))
                ).all()
            )
            screened = (
                session.exec(
                    select(ScreeningAnswer.id)
                    .where(col(ScreeningAnswer.patient_id) == patient_id)
                    .limit(1)
                ).first()
                is not None
            )
        starts = self._series_starts(patient_id=patient_id, service=service, count=count)
        now = self.clock.now()
        with self.db.session() as session:
            draft_id = self._new_draft(
                session,
                flow=SERIES_FLOW,
                patient_id=patient_id,
                now=now,
                data={
                    "service": service,
                    "starts": [s.isoformat() for s in starts],
                    "series_id": f"S{uuid.uuid4().hex[:16]}",
                    "by": actor,
                },
            )
        return SeriesPlan(
            draft_id=draft_id,
            patient=match_of(patient),
            service=service,
            starts=tuple(starts),
            open_flags=open_flags,
            screened=screened,
        )

    def _series_starts(self, *, patient_id: int, service: str, count: int) -> list[datetime]:
        definition = self.profile.service(service)
        today = self.today()
        last = today + timedelta(days=self.profile.booking.horizon_days)
        slots = self.booking.free_slots(service=service, first_day=today, last_day=last)
        with self.db.session(write=False) as session:
            busy_days = {
                local_day(e.starts_at, self.tz)
                for e in self._entries(
                    session,
                    start=self.clock.now(),
                    patient_id=patient_id,
                    statuses=[AppointmentStatus.BOOKED],
                )
            }
        by_day: dict[date, list[Slot]] = {}
        for slot in slots:
            day = local_day(slot.start, self.tz)
            if day not in busy_days:
                by_day.setdefault(day, []).append(slot)
        days = plan_series_days(
            sorted(by_day),
            count=count,
            min_gap=max(definition.series_min_gap_days, 1),
            max_gap=definition.series_max_gap_days,
        )
        if days is None:
            raise SeriesDoesNotFit(
                f"{count} sessions {definition.series_min_gap_days}-"
                f"{definition.series_max_gap_days} days apart do not fit in the next "
                f"{self.profile.booking.horizon_days} days"
            )
        first = by_day[days[0]][0].start
        wall = first.astimezone(self.tz).time()
        starts = [first]
        for day in days[1:]:
            options = by_day[day]
            # The same time of day as the first session is easiest for the patient to keep.
            same = next((s for s in options if s.start.astimezone(self.tz).time() == wall), None)
            starts.append((same or options[0]).start)
        return starts

    def confirm_series(self, *, draft_id: int, actor: str) -> SeriesBooking:
        """Book every planned session with one series id; a second press books nothing more."""
        now = self.clock.now()
        with self.db.session(write=False) as session:
            draft = self._draft(session, draft_id, flow=SERIES_FLOW, now=now)
            data = draft_data(draft)
            patient = session.get(Patient, draft.patient_id)
            if patient is None:
                raise StaleAction("the patient no longer exists")
            match = match_of(patient)
            series_id = str(data["series_id"])
            service = str(data["service"])
            if draft.step == STEP_DONE:
                earlier = session.exec(
                    select(Appointment)
                    .where(col(Appointment.series_id) == series_id)
                    .order_by(col(Appointment.starts_at))
                ).all()
                return SeriesBooking(match, service, series_id, tuple(earlier), (), already=True)
            if draft.step == STEP_CANCELLED:
                raise StaleAction("this series was cancelled")
        starts = [datetime.fromisoformat(s) for s in data["starts"]]
        if not self._all_free(service, starts):
            replanned = self.plan_series(
                patient_id=match.id, service=service, count=len(starts), actor=actor
            )
            self._close_draft(draft_id, step=STEP_CANCELLED)
            return SeriesBooking(match, service, series_id, (), (), replanned=replanned)
        booked: list[Appointment] = []
        failed: list[tuple[datetime, str]] = []
        for index, start in enumerate(starts):
            try:
                booked.append(
                    self.booking.book(
                        patient_id=match.id,
                        service=service,
                        start=start,
                        actor=actor,
                        request_key=f"series:{series_id}:{index}",
                        series_id=series_id,
                    )
                )
            except ClinicError as exc:
                failed.append((start, str(exc)))
        self._close_draft(draft_id, step=STEP_DONE)
        with self.db.session() as session:
            patient = session.get(Patient, match.id)
            if booked and patient is not None:
                plan_series_summary(
                    session, patient=patient, series_id=series_id, first=booked[0], now=now
                )
            audit(
                session,
                at=now,
                actor=actor,
                action="staff.series",
                subject=f"patient:{match.id}",
                detail={"series": series_id, "booked": len(booked), "failed": len(failed)},
            )
        return SeriesBooking(match, service, series_id, tuple(booked), tuple(failed))

    def _all_free(self, service: str, starts: Sequence[datetime]) -> bool:
        if not starts:
            return False
        days = [local_day(s, self.tz) for s in starts]
        free = {
            s.start
            for s in self.booking.free_slots(
                service=service, first_day=min(days), last_day=max(days)
            )
        }
        return all(s in free for s in starts)

    def cancel_draft(self, *, draft_id: int, actor: str) -> None:
        """Drop a pending series, block or offer: nothing is booked or closed."""
        now = self.clock.now()
        with self.db.session() as session:
            draft = session.get(BookingDraft, draft_id)
            if draft is None or draft.channel != STAFF_CHANNEL:
                raise StaleAction("nothing to cancel")
            if draft.step == STEP_DONE:
                raise StaleAction("already done")
            draft.step = STEP_CANCELLED
            draft.updated_at = now
            audit(
                session,
                at=now,
                actor=actor,
                action=f"{draft.flow}.cancel",
                subject=f"draft:{draft_id}",
            )


def plan_series_days(
    days: Sequence[date], *, count: int, min_gap: int, max_gap: int
) -> list[date] | None:
    """The earliest `count` days from `days` with consecutive gaps in [min_gap, max_gap].

    A depth-first search that remembers dead ends, so it stays linear in days x sessions even
    when the earliest start leads nowhere and a later one fits.
    """
    if count <= 0:
        return []
    available = sorted(set(days))
    index = {day: i for i, day in enumerate(available)}
    dead: set[tuple[int, date]] = set()

    def extend(position: int, day: date) -> list[date] | None:
        if position == count - 1:
            return [day]
        if (position, day) in dead:
            return None
        start = index[day] + 1
        for following in available[start:]:
            gap = (following - day).days
            if gap > max_gap:
                break
            if gap < min_gap:
                continue
            rest = extend(position + 1, following)
            if rest is not None:
                return [day, *rest]
        dead.add((position, day))
        return None

    for first in available:
        found = extend(0, first)
        if found is not None:
            return found
    return None
