"""Staff operations: the CSV export of appointments and outcomes, and the clinic outcomes."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.db.models import Appointment, Patient
from bot.domain.refs import appointment_ref, patient_ref
from bot.presentation.outcome_views import ClinicSummary
from bot.presentation.staff_views import Export
from bot.services.audit import audit
from bot.services.outcome_records import AppointmentOutcome
from bot.services.staff_base import StaffOpsBase
from bot.services.staff_records import EXPORT_COLUMNS, MAX_EXPORT_DAYS, InvalidRequest


class ExportOps(StaffOpsBase):
    """/export (a CSV for a date range) and /outcomes."""

    # --- export -------------------------------------------------------------------------

    def export_csv(self, *, first_day: date, last_day: date, actor: str) -> Export:
        """Appointments starting on [first_day, last_day] with their outcomes, as CSV."""
        if last_day < first_day:
            raise InvalidRequest("the last day is before the first")
        if (last_day - first_day).days >= MAX_EXPORT_DAYS:
            raise InvalidRequest(f"export at most {MAX_EXPORT_DAYS} days at a time")
        start, end = self._day_start(first_day), self._day_start(last_day + timedelta(days=1))
        now = self.clock.now()
        with self.db.session(write=False) as session:
            rows = session.exec(
                select(Appointment, Patient.name)
                .join(Patient, col(Patient.id) == col(Appointment.patient_id))
                .where(col(Appointment.starts_at) >= start)
                .where(col(Appointment.starts_at) < end)
                .order_by(col(Appointment.starts_at), col(Appointment.id))
            ).all()
        outcomes = self.outcomes.for_appointments((a.id or 0, a.patient_id) for a, _ in rows)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        totals: Counter[str] = Counter()
        for appointment, name in rows:
            assert appointment.id is not None
            totals[appointment.status] += 1
            outcome = outcomes.get(appointment.id)
            service = self.profile.services.get(appointment.service)
            writer.writerow(
                [
                    appointment_ref(appointment.id),
                    patient_ref(appointment.patient_id),
                    _cell(name or ""),
                    appointment.service,
                    service.kind.value if service else "",
                    _local(appointment.starts_at, self.tz),
                    _local(appointment.ends_at, self.tz),
                    appointment.status,
                    "yes" if appointment.confirmed_at else "no",
                    appointment.created_by,
                    appointment.series_id or "",
                    "yes" if appointment.late_cancel else "no",
                    _cell(appointment.cancel_reason or ""),
                    _number(outcome.baseline if outcome else None),
                    *_slot_cells(outcome),
                    outcome.pgic if outcome and outcome.pgic else "",
                    outcome.worst_side_effect if outcome and outcome.worst_side_effect else "",
                ]
            )
        with self.db.session() as session:
            audit(
                session,
                at=now,
                actor=actor,
                action="staff.export",
                subject=f"{first_day.isoformat()}..{last_day.isoformat()}",
                detail={"rows": len(rows)},
            )
        # A byte-order mark lets spreadsheet programs read the names as UTF-8.
        content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
        return Export(
            filename=f"appointments_{first_day.isoformat()}_{last_day.isoformat()}.csv",
            content=content,
            rows=len(rows),
            totals=dict(totals),
            first_day=first_day,
            last_day=last_day,
        )

    # --- outcomes -----------------------------------------------------------------------

    def clinic_outcomes(
        self, *, first_day: date | None = None, last_day: date | None = None
    ) -> ClinicSummary:
        if first_day is not None and last_day is not None and last_day < first_day:
            raise InvalidRequest("the last day is before the first")
        return self.outcomes.clinic(now=self.clock.now(), first_day=first_day, last_day=last_day)


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _slot_cells(outcome: AppointmentOutcome | None) -> list[str]:
    cells: list[str] = []
    for slot in ("D1", "D3", "D7", "D14"):
        pain = outcome.pain.get(slot) if outcome else None
        reduction = outcome.reduction.get(slot) if outcome else None
        cells += ["" if pain is None else str(pain), _number(reduction)]
    return cells


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas: a name typed as =HYPERLINK(...) stays text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
