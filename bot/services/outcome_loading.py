"""Loading what the outcome reports read (CLINICAL.md section 5): a handful of column-only queries.

No ORM objects and no per-patient queries, so the clinic summary stays fast on years of history:
per-patient fingerprints (which histories changed), the due appointments by status (the no-show
rate), and the histories themselves. `OutcomesReport` (outcomes_report.py) puts it together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlalchemy import select as columns
from sqlmodel import Session, col

from bot.db.engine import Database
from bot.db.models import Appointment, CheckIn, CheckInAnswer, ScreeningAnswer
from bot.domain.checkins import CheckinCatalog
from bot.domain.enums import AppointmentStatus
from bot.domain.outcomes import CheckinRecord, PainReport, SessionRecord
from bot.services.outcome_records import (
    RESCHEDULED,
    SCREENING_PAIN_AVERAGE,
    DayFilter,
    PatientHistory,
    score_0_10,
)


class OutcomeLoading:
    """The queries behind the outcome reports.

    The attributes are set by `OutcomesReport.__init__`.
    """

    db: Database
    catalog: CheckinCatalog
    tz: ZoneInfo
    treatments: list[str]
    _questions: list[str]

    def _fingerprints(self, session: Session) -> dict[int, tuple[int, ...]]:
        """Per patient, numbers that change whenever a row the outcomes read changes.

        Answers and screening rows are only ever added (count and max id cover them).
        Appointments also change status: the id-weighted sum of status codes catches that.
        """
        status_code = case(
            (col(Appointment.status) == AppointmentStatus.COMPLETED, 1),
            (col(Appointment.status) == AppointmentStatus.NO_SHOW, 2),
            (col(Appointment.status) == AppointmentStatus.CANCELLED, 3),
            else_=0,
        )
        prints: dict[int, list[int]] = defaultdict(lambda: [0] * 7)
        appointments = columns(
            col(Appointment.patient_id),
            func.count(),
            func.max(col(Appointment.id)),
            func.sum(status_code * col(Appointment.id)),
        ).group_by(col(Appointment.patient_id))
        connection = session.connection()
        for patient_id, number, last, statuses in connection.execute(appointments):
            prints[patient_id][0:3] = [number, last or 0, statuses or 0]
        answers = columns(
            col(CheckInAnswer.patient_id), func.count(), func.max(col(CheckInAnswer.id))
        ).group_by(col(CheckInAnswer.patient_id))
        for patient_id, number, last in connection.execute(answers):
            prints[patient_id][3:5] = [number, last or 0]
        screening = (
            columns(
                col(ScreeningAnswer.patient_id), func.count(), func.max(col(ScreeningAnswer.id))
            )
            .where(col(ScreeningAnswer.code) == SCREENING_PAIN_AVERAGE)
            .group_by(col(ScreeningAnswer.patient_id))
        )
        for patient_id, number, last in connection.execute(screening):
            prints[patient_id][5:7] = [number, last or 0]
        return {patient_id: tuple(values) for patient_id, values in prints.items()}

    def _due(
        self, session: Session, *, now: datetime, first_day: date | None, last_day: date | None
    ) -> list[SessionRecord]:
        """Appointments of every service that were due, as records for the no-show rate.

        Counted by status in the database; one shared record per appointment stands in for
        the row (the rate reads only the status).
        """
        in_range = self._day_filter(first_day, last_day)
        statement = columns(col(Appointment.status), func.count()).where(
            col(Appointment.starts_at) < now
        )
        if in_range.start is not None:
            statement = statement.where(col(Appointment.starts_at) >= in_range.start)
        if in_range.end is not None:
            statement = statement.where(col(Appointment.starts_at) < in_range.end)
        due: list[SessionRecord] = []
        grouped = statement.group_by(col(Appointment.status))
        for status, number in session.connection().execute(grouped):
            record = SessionRecord(0, now, now, AppointmentStatus(status))
            due.extend([record] * int(number))
        return due

    def _load(
        self, session: Session, *, patient_ids: Collection[int] | None
    ) -> dict[int, PatientHistory]:
        histories: dict[int, PatientHistory] = {}

        def history(patient_id: int) -> PatientHistory:
            found = histories.get(patient_id)
            if found is None:
                found = histories[patient_id] = PatientHistory(patient_id)
            return found

        wanted = set(patient_ids) if patient_ids is not None else None
        appointments = columns(
            col(Appointment.id),
            col(Appointment.patient_id),
            col(Appointment.starts_at),
            col(Appointment.ends_at),
            col(Appointment.status),
            col(Appointment.series_id),
            col(Appointment.cancel_reason),
        ).where(col(Appointment.service).in_(self.treatments))
        if wanted is not None:
            appointments = appointments.where(col(Appointment.patient_id).in_(wanted))
        connection = session.connection()  # plain rows: no ORM bookkeeping for 10^4-10^5 rows
        for row in connection.execute(appointments):
            appointment_id, patient_id, starts, ends, status, series_id, reason = row
            assert appointment_id is not None
            # A rescheduled appointment lives on as its replacement: count that one only.
            if not (status == AppointmentStatus.CANCELLED and reason == RESCHEDULED):
                history(patient_id).sessions.append(
                    SessionRecord(
                        appointment_id, starts, ends, AppointmentStatus(status), series_id
                    )
                )

        answers_by_checkin: dict[int, dict[str, str]] = defaultdict(dict)
        answers = columns(
            col(CheckInAnswer.checkin_id), col(CheckInAnswer.question), col(CheckInAnswer.value)
        ).where(col(CheckInAnswer.question).in_(self._questions))
        if wanted is not None:
            answers = answers.where(col(CheckInAnswer.patient_id).in_(wanted))
        questions = self.catalog.questions
        # Few distinct (question, value) pairs: check each once, not once per answer.
        valid: dict[tuple[str, str], bool] = {}
        for checkin_id, question, value in connection.execute(answers):
            pair = (question, value)
            ok = valid.get(pair)
            if ok is None:
                known = questions.get(question)
                ok = valid[pair] = known is not None and known.score_or_none(value) is not None
            if ok:
                answers_by_checkin[checkin_id][question] = value

        checkins = (
            columns(
                col(CheckIn.id),
                col(CheckIn.patient_id),
                col(CheckIn.appointment_id),
                col(CheckIn.slot),
                func.max(col(CheckInAnswer.answered_at)),
            )
            .join(CheckInAnswer, col(CheckInAnswer.checkin_id) == col(CheckIn.id))
            .group_by(col(CheckIn.id), col(CheckIn.patient_id), col(CheckIn.appointment_id))
            .group_by(col(CheckIn.slot))
        )
        if wanted is not None:
            checkins = checkins.where(col(CheckIn.patient_id).in_(wanted))
        pain_code = self.catalog.outcomes.pain_question
        pain_question = questions[pain_code]
        for found, owner_id, appointment_id, slot, answered_at in connection.execute(checkins):
            given = answers_by_checkin.get(found or 0)
            if not given or answered_at is None:
                continue
            owner = history(owner_id)
            owner.checkins.append(CheckinRecord(appointment_id, slot, answered_at, given))
            if pain_code in given:
                owner.pain_reports.append(
                    PainReport(answered_at, pain_question.score(given[pain_code]))
                )

        screening = columns(
            col(ScreeningAnswer.patient_id),
            col(ScreeningAnswer.answer),
            col(ScreeningAnswer.answered_at),
        ).where(col(ScreeningAnswer.code) == SCREENING_PAIN_AVERAGE)
        if wanted is not None:
            screening = screening.where(col(ScreeningAnswer.patient_id).in_(wanted))
        for patient_id, answer, answered_at in connection.execute(screening):
            score = score_0_10(answer)
            if score is not None:
                history(patient_id).pain_reports.append(PainReport(answered_at, score))
        if wanted is not None:
            return {k: v for k, v in histories.items() if k in wanted}
        return histories

    def _day_filter(self, first_day: date | None, last_day: date | None) -> DayFilter:
        return DayFilter(self.tz, first_day, last_day)
