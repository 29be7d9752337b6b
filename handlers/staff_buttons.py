"""The staff chat's buttons (`st:` callback data): approve, Done / No-show / Leaving now, close a
task or flag with its outcome, confirm a series, block anyway, cancel, unblock, offer a time,
open a patient card."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import (
    Update,
)

from bot.domain.callback_data import (
    StaffAction,
    StaffPress,
    staff_buttons_about,
    unpack_as,
)
from bot.domain.errors import (
    AppointmentNotFound,
    ClinicError,
    InvalidSlot,
    SlotTaken,
)
from bot.presentation import staff_messages as views
from bot.presentation import staff_patient_messages as patient_views
from bot.presentation import staff_plan_messages as plan_views
from bot.presentation import staff_report_messages as report_views
from bot.services.aftercare import LeavingEarly
from bot.services.staff_records import (
    ApprovalRefused,
    BlockNotFound,
    InvalidRequest,
    PatientNotFound,
    StaleAction,
    TaskNotFound,
)
from handlers.staff_plan_commands import StaffPlanCommands
from handlers.staff_plumbing import SESSION_ACTIONS, Context, Press


class StaffButtons(StaffPlanCommands):
    """One coroutine per staff button."""

    async def on_button(self, update: Update, context: Context) -> None:
        """Act on a staff button (approve, done, no-show, called, confirm, reopen, book)."""
        query = update.callback_query
        pressed = unpack_as(query.data if query is not None else None, StaffPress)
        if query is None or query.data is None or pressed is None:
            return  # the pattern lets only staff buttons through
        if not await self.allowed(update, f"button:{query.data}"):
            return
        press = Press(
            update,
            context,
            pressed.action,
            pressed.number,
            pressed.extra,
            self.actor(update),
            query.data,
        )
        try:
            await self.buttons()[pressed.action](press)
        except StaleAction:
            await query.answer(self.texts.plain("staff_expired"), show_alert=True)
        except (AppointmentNotFound, TaskNotFound, PatientNotFound, BlockNotFound):
            await query.answer(self.texts.plain("staff_toast_not_found"), show_alert=True)

    def buttons(self) -> dict[StaffAction, Callable[[Press], Coroutine[Any, Any, None]]]:
        return {
            StaffAction.APPROVE: self.press_approve,
            StaffAction.DONE: self.press_done,
            StaffAction.LEAVING_NOW: self.press_leaving_now,
            StaffAction.NO_SHOW: self.press_no_show,
            StaffAction.CLOSE_TASK: self.press_close,
            StaffAction.CLOSE_FLAG: self.press_close,
            StaffAction.TASK_OUTCOME: self.press_outcome,
            StaffAction.FLAG_OUTCOME: self.press_outcome,
            StaffAction.CONFIRM_SERIES: self.press_confirm_series,
            StaffAction.BLOCK_ANYWAY: self.press_block_anyway,
            StaffAction.CANCEL_DRAFT: self.press_cancel,
            StaffAction.UNBLOCK: self.press_unblock,
            StaffAction.OFFER: self.press_offer,
            StaffAction.PATIENT: self.press_patient,
        }

    async def press_approve(self, press: Press) -> None:
        try:
            approval = await asyncio.to_thread(
                self.ops.approve,
                patient_id=press.number,
                actor=press.actor,
                consultation_id=press.extra,
            )
        except ApprovalRefused as exc:
            reason = self.texts.plain("staff_refused", reason=str(exc))[:200]
            await press.query.answer(reason, show_alert=True)
            return
        await press.query.answer(patient_views.render_approval(self.texts, approval)[:200])
        if approval.already:  # approved elsewhere: the button is simply spent
            await self.drop_button(press.update, press.data)
            return
        await self.stamp(
            press.update, "staff_stamp_approved", drop=lambda other: other == press.data
        )
        self.core.kick_outbox()

    async def press_done(self, press: Press) -> None:
        await self.mark(press, done=True)

    async def press_no_show(self, press: Press) -> None:
        await self.mark(press, done=False)

    async def press_leaving_now(self, press: Press) -> None:
        """Staff confirm an early Done: the patient is leaving now."""
        await self.mark(press, done=True, leaving_now=True)

    async def mark(self, press: Press, *, done: bool, leaving_now: bool = False) -> None:
        """Done or No-show through aftercare (discharge and check-ins, or their cancellation)."""
        aftercare = self.core.aftercare
        try:
            if done:
                await asyncio.to_thread(
                    aftercare.mark_done,
                    appointment_id=press.number,
                    actor=press.actor,
                    leaving_now=leaving_now,
                    version=press.extra,
                )
            else:
                await asyncio.to_thread(
                    aftercare.mark_no_show,
                    appointment_id=press.number,
                    actor=press.actor,
                    version=press.extra,
                )
        except AppointmentNotFound:
            raise
        except LeavingEarly as early:
            await press.query.answer()
            await self.send(press.update, press.context, self.leaving_question(early))
            return
        except ClinicError as exc:  # cancelled, or not started yet: say so, change nothing
            reason = self.texts.plain("staff_refused", reason=str(exc))[:200]
            await press.query.answer(reason, show_alert=True)
            return
        await press.query.answer(
            self.texts.plain("staff_toast_done" if done else "staff_toast_no_show")
        )
        await self.stamp(
            press.update,
            "staff_stamp_done" if done else "staff_stamp_no_show",
            # Every Done / No-show / Leaving now of this appointment, and no other's.
            drop=staff_buttons_about(press.number, *SESSION_ACTIONS),
        )
        self.core.kick_outbox()

    async def press_close(self, press: Press) -> None:
        """Closing a task or a red flag first asks what was done."""
        await press.query.answer()
        question = plan_views.render_close_question(
            self.texts, kind=press.action, number=press.number
        )
        await self.send(press.update, press.context, question)

    async def press_outcome(self, press: Press) -> None:
        """Close the task or the red flag with the outcome pressed."""
        index = (press.extra or 0) - 1
        if not 0 <= index < len(views.CLOSE_OUTCOMES):
            raise StaleAction(press.data)
        outcome = views.CLOSE_OUTCOMES[index]
        if press.action is StaffAction.TASK_OUTCOME:
            closed = await asyncio.to_thread(
                self.ops.close_task, task_id=press.number, actor=press.actor, outcome=outcome
            )
        else:
            closed = await asyncio.to_thread(
                self.ops.close_flag,
                escalation_id=press.number,
                actor=press.actor,
                outcome=outcome,
            )
        await press.query.answer(
            self.texts.plain("staff_toast_already", status="done")
            if closed.already
            else self.texts.plain("staff_toast_called")
        )
        await self.stamp(
            press.update,
            "staff_stamp_closed",
            drop=staff_buttons_about(press.number, press.action),
            outcome=self.texts.plain(f"staff_outcome_{closed.outcome or outcome}"),
        )

    async def press_confirm_series(self, press: Press) -> None:
        result = await asyncio.to_thread(
            self.ops.confirm_series, draft_id=press.number, actor=press.actor
        )
        await press.query.answer()
        if result.replanned is not None:
            await self.replace(press.update, self.texts.html("staff_series_replanned"))
            plan = plan_views.render_series_plan(self.texts, self.profile, result.replanned)
            await self.send(press.update, press.context, plan)
            return
        await self.replace(
            press.update, plan_views.render_series_booking(self.texts, self.profile, result)
        )
        self.core.kick_outbox()

    async def press_block_anyway(self, press: Press) -> None:
        try:
            outcome = await asyncio.to_thread(
                self.ops.confirm_block, draft_id=press.number, actor=press.actor
            )
        except InvalidRequest as exc:
            await press.query.answer()
            await self.replace(press.update, self.texts.html("staff_refused", reason=str(exc)))
            return
        await press.query.answer()
        rendered = plan_views.render_block_outcome(self.texts, self.profile, outcome)
        await self.replace(press.update, rendered.text)

    async def press_cancel(self, press: Press) -> None:
        await asyncio.to_thread(self.ops.cancel_draft, draft_id=press.number, actor=press.actor)
        await press.query.answer()
        await self.replace(press.update, self.texts.html("staff_cancelled"))

    async def press_unblock(self, press: Press) -> None:
        block = await asyncio.to_thread(self.ops.unblock, block_id=press.number, actor=press.actor)
        await press.query.answer()
        reopened = plan_views.render_unblocked(self.texts, self.profile, block)
        await self.send(press.update, press.context, reopened)
        await self.drop_button(press.update, press.data)

    async def press_offer(self, press: Press) -> None:
        await self.book_offer(
            press.update, press.context, press.number, press.extra or 0, press.actor
        )

    async def press_patient(self, press: Press) -> None:
        await press.query.answer()
        await self.show_card(press.update, press.context, press.number)

    async def book_offer(
        self, update: Update, context: Context, draft_id: int, index: int, actor: str
    ) -> None:
        query = update.callback_query
        assert query is not None
        try:
            booked = await asyncio.to_thread(
                self.ops.book_offer, draft_id=draft_id, index=index, actor=actor
            )
        except (SlotTaken, InvalidSlot):
            await query.answer(self.texts.plain("staff_slot_taken"), show_alert=True)
            draft_patient = await asyncio.to_thread(self.ops.offer_patient, draft_id)
            offer = await asyncio.to_thread(self.ops.offer_consultation, patient_id=draft_patient)
            await self.send(
                update, context, report_views.render_offer(self.texts, self.profile, offer)
            )
            return
        await query.answer()
        await self.replace(
            update, report_views.render_offer_booked(self.texts, self.profile, booked)
        )
        self.core.kick_outbox()
