"""The console's actions (POST only, CSRF-checked): Done, No-show, Cancel, Approve, flags.

Each calls the same service as the chat's button, with the signed-in staff member as the actor
(so the service's audit entry names them). A form made for a visit that has changed since (moved,
cancelled, closed by someone else) changes nothing and says what happened.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from bot.domain.availability import local_day
from bot.domain.enums import CloseOutcome
from bot.domain.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    ClinicError,
    InvalidSlot,
    SlotTaken,
    StaleButton,
)
from bot.domain.refs import appointment_ref, flag_ref, patient_ref, task_ref
from bot.services.aftercare import LeavingEarly
from bot.services.escalation import AckStatus
from bot.services.staff_ops import ApprovalRefused, PatientNotFound, TaskNotFound
from bot.web.console.base import PREFIX, ConsoleBase, posted, safe_back
from bot.web.console.security import StaffSession

MAX_REASON = 200
VISIT_ACTIONS = ("done", "noshow", "cancel")
# A visit still booked whose version moved on (the patient confirmed, a driver was noted...).
UPDATED_SINCE = (
    "it was updated after this page was drawn (the patient confirmed, for example). "
    "Look at it again, then repeat the action if it still applies."
)


class ConsoleActions(ConsoleBase):
    @posted
    async def visit(
        self, request: Request, staff: StaffSession, fields: dict[str, str]
    ) -> Response:
        """POST /console/visits/{id}/{done|noshow|cancel}."""
        appointment_id = int(request.path_params["appointment_id"])
        action = request.path_params["action"]
        if action not in VISIT_ACTIONS:
            return self.refuse(
                request, staff, message="No such action.", back=f"{PREFIX}/day", status=404
            )
        actor = self.core.staff.actor(staff.user_id)
        ref = appointment_ref(appointment_id)
        back = safe_back(fields.get("back"), f"{PREFIX}/day")
        version = _int(fields.get("version"))
        if version is None:
            return self.refuse(
                request, staff, message="The form was incomplete.", back=back, status=400
            )
        try:
            if action == "done":
                await self.run(
                    self.core.aftercare.mark_done,
                    appointment_id=appointment_id,
                    actor=actor,
                    leaving_now=fields.get("leaving_now") == "1",
                    version=version,
                )
            elif action == "noshow":
                await self.run(
                    self.core.aftercare.mark_no_show,
                    appointment_id=appointment_id,
                    actor=actor,
                    version=version,
                )
            else:
                # Cancelling what staff did not see (moved, confirmed, closed) needs a look: the
                # booking service checks the version in the transaction that cancels.
                reason = " ".join(fields.get("reason", "").split())[:MAX_REASON]
                try:
                    await self.run(
                        self.core.booking.cancel,
                        appointment_id=appointment_id,
                        actor=actor,
                        reason=reason or "cancelled by the clinic",
                        expected_version=version,
                    )
                except StaleButton:
                    raise StaleButton(UPDATED_SINCE) from None
        except AppointmentNotFound:
            return self.refuse(
                request, staff, message=f"There is no appointment {ref}.", back=back, status=404
            )
        except LeavingEarly as early:
            return self.page(
                request,
                "leaving.html",
                staff=staff,
                title=f"{ref}: leaving early?",
                appointment_id=appointment_id,
                ends_at=early.ends_at,
                version=version,
                back=back,
            )
        except AppointmentNotActive:
            what = await self.run(self.core.aftercare.what_happened, appointment_id)
            return self.refuse(
                request,
                staff,
                message=f"{ref} has changed since this page was opened: {what}",
                back=back,
            )
        except StaleButton as stale:
            return self.refuse(
                request,
                staff,
                message=f"{ref} has changed since this page was opened: {stale}",
                back=back,
            )
        except ClinicError as exc:  # not started yet, held for review: say so, change nothing
            return self.refuse(request, staff, message=f"{ref}: {exc}", back=back)
        self.core.kick_outbox()
        note = {"done": "done", "noshow": "noshow"}.get(action, "cancelled")
        return self.back(fields, f"{PREFIX}/day", ok=note, ref=ref)

    @posted
    async def reschedule(
        self, request: Request, staff: StaffSession, fields: dict[str, str]
    ) -> Response:
        """POST /console/visits/{id}/reschedule: move a visit to a free time picked on the page."""
        appointment_id = int(request.path_params["appointment_id"])
        ref = appointment_ref(appointment_id)
        again = f"{PREFIX}/visits/{appointment_id}/reschedule"
        version = _int(fields.get("version"))
        try:
            start = datetime.fromisoformat(fields.get("start", ""))
        except ValueError:
            start = None
        if version is None or start is None or start.tzinfo is None:
            return self.refuse(
                request, staff, message="The form was incomplete.", back=again, status=400
            )
        try:
            moved = await self.run(
                self.core.booking.reschedule,
                appointment_id=appointment_id,
                new_start=start.astimezone(UTC),
                actor=self.core.staff.actor(staff.user_id),
                request_key=f"console:{appointment_id}:v{version}",
                expected_version=version,
            )
        except (SlotTaken, InvalidSlot):
            return self.refuse(
                request,
                staff,
                message="That time is no longer free (someone took it a moment ago). "
                "Nothing was moved; pick another time.",
                back=f"{again}?date={local_day(start, self.tz).isoformat()}",
            )
        except AppointmentNotFound:
            return self.refuse(
                request, staff, message=f"There is no appointment {ref}.", back=again, status=404
            )
        except (AppointmentNotActive, StaleButton) as changed:
            # Still booked but changed (StaleButton from booking): the visit's own words would
            # describe a closed visit, so say it plainly.
            what = (
                UPDATED_SINCE
                if isinstance(changed, StaleButton)
                else await self.run(self.core.aftercare.what_happened, appointment_id)
            )
            return self.refuse(
                request,
                staff,
                message=f"{ref} has changed since this page was opened: {what}",
                back=f"{PREFIX}/day",
            )
        except ClinicError as exc:
            return self.refuse(request, staff, message=f"{ref}: {exc}", back=again)
        self.core.kick_outbox()
        day = local_day(moved.starts_at, self.tz).isoformat()
        return self.back({}, f"{PREFIX}/day?date={day}", ok="moved", ref=appointment_ref(moved.id))

    @posted
    async def acknowledge(
        self, request: Request, staff: StaffSession, fields: dict[str, str]
    ) -> Response:
        """POST /console/flags/{id}/ack: take a red flag (stops the paging, tells the patient)."""
        escalation_id = int(request.path_params["escalation_id"])
        ref = flag_ref(escalation_id)
        ack = await self.run(
            self.core.escalation.acknowledge,
            escalation_id=escalation_id,
            actor=self.core.staff.actor(staff.user_id),
            via=f"{staff.name} (console)",
        )
        if ack.status is AckStatus.NOT_FOUND:
            return self.refuse(
                request,
                staff,
                message=f"There is no flag {ref}.",
                back=f"{PREFIX}/flags",
                status=404,
            )
        self.core.kick_outbox()
        note = "acknowledged" if ack.status is AckStatus.ACKNOWLEDGED else "already_acknowledged"
        return self.back(fields, f"{PREFIX}/flags", ok=note, ref=ref)

    @posted
    async def close(
        self, request: Request, staff: StaffSession, fields: dict[str, str]
    ) -> Response:
        """POST /console/{flags|tasks}/{id}/close with what was done."""
        kind = request.path_params["kind"]
        if kind not in ("flags", "tasks"):
            return self.refuse(
                request, staff, message="No such action.", back=f"{PREFIX}/flags", status=404
            )
        number = int(request.path_params["number"])
        ref = flag_ref(number) if kind == "flags" else task_ref(number)
        try:
            outcome = CloseOutcome(fields.get("outcome", ""))
        except ValueError:
            return self.refuse(
                request,
                staff,
                message="Say what was done before closing.",
                back=f"{PREFIX}/flags",
                status=400,
            )
        actor = self.core.staff.actor(staff.user_id)
        try:
            if kind == "flags":
                closed = await self.run(
                    self.ops.close_flag, escalation_id=number, actor=actor, outcome=outcome
                )
            else:
                closed = await self.run(
                    self.ops.close_task, task_id=number, actor=actor, outcome=outcome
                )
        except TaskNotFound:
            return self.refuse(
                request, staff, message=f"There is no {ref}.", back=f"{PREFIX}/flags", status=404
            )
        if closed.already:
            by = closed.done_by or "someone"
            return self.refuse(
                request,
                staff,
                message=f"{ref} was already closed by {by} ({closed.outcome or 'no outcome'}).",
                back=f"{PREFIX}/flags",
            )
        return self.back(fields, f"{PREFIX}/flags", ok="closed", ref=ref)

    @posted
    async def approve(
        self, request: Request, staff: StaffSession, fields: dict[str, str]
    ) -> Response:
        """POST /console/patients/{id}/approve: approve for treatment after a consultation.

        From the day view the form names the consultation (as the chat's button does): if it
        was moved, cancelled or missed since, nothing is approved and the page says so.
        """
        patient_id = int(request.path_params["patient_id"])
        ref = patient_ref(patient_id)
        back = safe_back(fields.get("back"), f"{PREFIX}/patients/{patient_id}")
        consultation = _int(fields.get("consultation"))
        try:
            approval = await self.run(
                self.ops.approve,
                patient_id=patient_id,
                actor=self.core.staff.actor(staff.user_id),
                consultation_id=consultation,
            )
        except PatientNotFound:
            return self.refuse(
                request,
                staff,
                message=f"There is no patient {ref}.",
                back=f"{PREFIX}/patients",
                status=404,
            )
        except ApprovalRefused as exc:
            return self.refuse(request, staff, message=f"{ref} was not approved: {exc}", back=back)
        self.core.kick_outbox()
        return self.back(
            fields, back, ok="already_approved" if approval.already else "approved", ref=ref
        )


def _int(raw: str | None) -> int | None:
    if raw is None or not raw.isdigit() or len(raw) > 9:
        return None
    return int(raw)
