"""The console's pages: day and week, flags, a patient, outcomes (GET only)."""

from __future__ import annotations

from datetime import date, timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.domain.availability import local_day
from bot.domain.enums import AppointmentStatus
from bot.domain.refs import BadRef, appointment_ref, patient_ref
from bot.presentation import staff_patient_messages
from bot.presentation.charts import pain_chart_svg
from bot.presentation.outcome_charts import (
    ChartText,
    OutcomeChartLabels,
    cohort_chart_svg,
    side_effect_chart_svg,
    slot_chart_svg,
)
from bot.services.staff_ops import MAX_EXPORT_DAYS, InvalidRequest, PatientNotFound
from bot.web.console.base import PREFIX, ConsoleBase, signed_in
from bot.web.console.security import StaffSession, security_headers

EXPORT_DAYS = 31
COHORT_TEXT = ChartText(
    title="Mean pain reduction over time, by start month",
    empty="No check-in answers in this period",
)
SIDE_EFFECT_TEXT = ChartText(
    title="Share of check-ins by the worst side effect reported",
    empty="No side-effect answers in this period",
)


class ConsolePages(ConsoleBase):
    # --- the schedule -------------------------------------------------------------------

    @signed_in
    async def day(self, request: Request, staff: StaffSession) -> Response:
        day = self.parse_day(request.query_params.get("date"))
        (schedule,) = await self.run(self.ops.schedule, first_day=day, last_day=day)
        ids = [e.appointment_id for e in schedule.entries]
        facts = await self.run(self.reads.visit_facts, ids)
        today = self.ops.today()
        return self.page(
            request,
            "day.html",
            staff=staff,
            title=f"{_day_title(day)}",
            day=day,
            today=today,
            schedule=schedule,
            groups=schedule.by_unit(),
            facts=facts,
            now=self.now(),
            previous=day - timedelta(days=1),
            following=day + timedelta(days=1),
            nav="day",
        )

    @signed_in
    async def week(self, request: Request, staff: StaffSession) -> Response:
        picked = self.parse_day(request.query_params.get("date"))
        monday = picked - timedelta(days=picked.weekday())
        days = await self.run(
            self.ops.schedule, first_day=monday, last_day=monday + timedelta(days=6)
        )
        ids = [e.appointment_id for d in days for e in d.entries]
        facts = await self.run(self.reads.visit_facts, ids)
        units = sorted(
            {e.primary_unit for d in days for e in d.entries},
            key=lambda u: (
                (u.rpartition(":")[0], int(u.rpartition(":")[2] or 0))
                if u.rpartition(":")[2].isdigit()
                else (u, 0)
            ),
        )
        return self.page(
            request,
            "week.html",
            staff=staff,
            title=f"Week of {_day_title(monday)}",
            monday=monday,
            days=days,
            units=units,
            facts=facts,
            today=self.ops.today(),
            previous=monday - timedelta(days=7),
            following=monday + timedelta(days=7),
            nav="week",
        )

    @signed_in
    async def reschedule_form(self, request: Request, staff: StaffSession) -> Response:
        """GET /console/visits/{id}/reschedule: the free times of a day to move a visit to."""
        appointment_id = int(request.path_params["appointment_id"])
        visit = await self.run(self.reads.appointment, appointment_id)
        if visit is None:
            return self.refuse(
                request,
                staff,
                message=f"There is no appointment {appointment_ref(appointment_id)}.",
                back=f"{PREFIX}/day",
                status=404,
            )
        back = f"{PREFIX}/day?date={local_day(visit.starts_at, self.tz).isoformat()}"
        if visit.status != AppointmentStatus.BOOKED:
            what = await self.run(self.core.aftercare.what_happened, appointment_id)
            return self.refuse(
                request,
                staff,
                message=f"{appointment_ref(appointment_id)} cannot be moved: {what}",
                back=back,
            )
        today = self.ops.today()
        last = today + timedelta(days=self.core.profile.booking.horizon_days)
        day = self.parse_day(request.query_params.get("date"))
        if not request.query_params.get("date"):
            day = max(local_day(visit.starts_at, self.tz), today)
        day = min(max(day, today), last)
        slots = await self.run(
            self.core.booking.free_slots,
            service=visit.service,
            first_day=day,
            last_day=day,
            exclude_appointment_id=appointment_id,
            for_patient=visit.patient_id,
        )
        return self.page(
            request,
            "reschedule.html",
            staff=staff,
            title=f"Move {appointment_ref(appointment_id)}",
            visit=visit,
            day=day,
            day_title=_day_title(day),
            slots=slots,
            previous=day - timedelta(days=1) if day > today else None,
            following=day + timedelta(days=1) if day < last else None,
            back=back,
            nav="day",
        )

    # --- flags --------------------------------------------------------------------------

    @signed_in
    async def flags(self, request: Request, staff: StaffSession) -> Response:
        items = await self.run(self.ops.open_flags)
        context = await self.run(
            self.reads.flag_context, [i.id for i in items if i.kind == "escalation"]
        )
        return self.page(
            request,
            "flags.html",
            staff=staff,
            title="Open flags",
            items=items,
            context=context,
            now=self.now(),
            nav="flags",
        )

    # --- patients -----------------------------------------------------------------------

    @signed_in
    async def patients(self, request: Request, staff: StaffSession) -> Response:
        query = request.query_params.get("q", "").strip()[:80]
        problem = ""
        try:
            matches = await self.run(self.ops.find_patients, query) if query else []
        except BadRef as wrong:  # A-345 typed where a patient is wanted: say what it is
            matches, problem = [], str(wrong)
        if len(matches) == 1:
            return RedirectResponse(f"{PREFIX}/patients/{matches[0].id}", status_code=303)
        return self.page(
            request,
            "patients.html",
            staff=staff,
            title="Find a patient",
            query=query,
            matches=matches,
            problem=problem,
            nav="patients",
        )

    @signed_in
    async def patient(self, request: Request, staff: StaffSession) -> Response:
        patient_id = int(request.path_params["patient_id"])
        try:
            card = await self.run(self.ops.patient_card, patient_id)
            record = await self.run(self.reads.patient_record, patient_id)
        except PatientNotFound:
            return self.page(
                request,
                "message.html",
                staff=staff,
                status_code=404,
                title="No such patient",
                message=f"There is no patient {patient_ref(patient_id)}.",
                link=(f"{PREFIX}/patients", "Find a patient"),
            )
        await self.run(
            self.ops.note_access, actor=self.core.staff.actor(staff.user_id), patient_id=patient_id
        )
        return self.page(
            request,
            "patient.html",
            staff=staff,
            title=patient_ref(patient_id),
            card=card,
            record=record,
            now=self.now(),
            nav="patients",
        )

    @signed_in
    async def chart(self, request: Request, staff: StaffSession) -> Response:
        """The pain chart as SVG (matplotlib, the same chart the chat gets as a PNG)."""
        patient_id = int(request.path_params["patient_id"])
        try:
            card = await self.run(self.ops.patient_card, patient_id)
        except PatientNotFound:
            return Response("no such patient", status_code=404, headers=security_headers())
        # The chart is the patient's pain record: who saw it is recorded as for the page.
        await self.run(
            self.ops.note_access, actor=self.core.staff.actor(staff.user_id), patient_id=patient_id
        )
        chart = staff_patient_messages.pain_chart_for(self.core.texts, card, self.catalog)
        svg = await self.draw(pain_chart_svg, chart, tz=self.tz)
        return Response(svg, media_type="image/svg+xml", headers=security_headers())

    # --- outcomes -----------------------------------------------------------------------

    @signed_in
    async def outcomes(self, request: Request, staff: StaffSession) -> Response:
        try:
            first, last = self._outcome_range(request)
            summary = await self.run(self.ops.clinic_outcomes, first_day=first, last_day=last)
        except InvalidRequest as exc:
            return self.refuse(
                request,
                staff,
                message=f"Those dates do not work: {exc}.",
                back=f"{PREFIX}/outcomes",
                status=400,
            )
        return self.page(
            request,
            "outcomes.html",
            staff=staff,
            title="Outcomes",
            summary=summary,
            first=first,
            last=last,
            nav="outcomes",
        )

    @signed_in
    async def outcomes_chart(self, request: Request, _staff: StaffSession) -> Response:
        """GET /console/outcomes.svg (reduction and responders by check-in),
        /console/outcomes/cohorts.svg (reduction over time by start month) and
        /console/outcomes/side-effects.svg (the worst side effect by check-in), for the range."""
        chart = request.path_params.get("chart", "slots")
        if chart not in ("slots", "cohorts", "side-effects"):
            return Response("no such chart", status_code=404, headers=security_headers())
        try:
            first, last = self._outcome_range(request)
            summary = await self.run(self.ops.clinic_outcomes, first_day=first, last_day=last)
        except InvalidRequest:
            return Response("bad range", status_code=400, headers=security_headers())
        if chart == "cohorts":
            svg = await self.draw(cohort_chart_svg, summary.cohorts, COHORT_TEXT)
        elif chart == "side-effects":
            svg = await self.draw(side_effect_chart_svg, summary.side_effects, SIDE_EFFECT_TEXT)
        else:
            pct = self.catalog.outcomes.responder_pct
            labels = OutcomeChartLabels(
                title="Pain reduction by check-in",
                reduction="Mean reduction from baseline",
                responders=f"Responders (at least {pct:g}% less pain)",
                empty="No check-in answers in this period",
            )
            svg = await self.draw(slot_chart_svg, summary.slots, labels)
        return Response(svg, media_type="image/svg+xml", headers=security_headers())

    def _range(self, request: Request, *, default_days: int) -> tuple[date, date]:
        today = self.ops.today()
        first = self.parse_day(
            request.query_params.get("first") or (today - timedelta(days=default_days)).isoformat()
        )
        last = self.parse_day(request.query_params.get("last") or today.isoformat())
        return first, last

    def _outcome_range(self, request: Request) -> tuple[date, date]:
        """The Outcomes page's range, capped like the CSV export (InvalidRequest beyond)."""
        first, last = self._range(request, default_days=EXPORT_DAYS)
        if (last - first).days >= MAX_EXPORT_DAYS:
            raise InvalidRequest(f"show at most {MAX_EXPORT_DAYS} days at a time")
        return first, last

    @signed_in
    async def export(self, request: Request, staff: StaffSession) -> Response:
        """The appointments of a date range with their outcomes, as the chat's /export CSV."""
        today = self.ops.today()
        first = self.parse_day(request.query_params.get("first") or today.isoformat())
        last = self.parse_day(request.query_params.get("last") or today.isoformat())
        try:
            export = await self.run(
                self.ops.export_csv,
                first_day=first,
                last_day=last,
                actor=self.core.staff.actor(staff.user_id),
            )
        except InvalidRequest as exc:
            return self.refuse(
                request,
                staff,
                message=f"Those dates do not work: {exc}.",
                back=f"{PREFIX}/outcomes",
                status=400,
            )
        headers = security_headers()
        headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        return Response(export.content, media_type="text/csv; charset=utf-8", headers=headers)


def _day_title(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"
