"""Blocks and series in the console, with the chat commands' rules (bot/services/staff_ops.py).

Both take two steps as in the chat: a block over booked visits, and a series, are kept in a draft
that staff confirm on the next page (or drop); a confirmation pressed twice books or blocks once.
"""

from __future__ import annotations

from datetime import date, time

from starlette.requests import Request
from starlette.responses import Response

from bot.domain.errors import ClinicError, NotApproved, UnknownService
from bot.domain.refs import block_ref, patient_ref
from bot.services.staff_ops import (
    BlockNotFound,
    InvalidRequest,
    NotATreatment,
    PatientNotFound,
    SeriesDoesNotFit,
    StaleAction,
)
from bot.web.console.base import PREFIX, ConsoleBase, posted, signed_in
from bot.web.console.security import StaffSession

BLOCKS = f"{PREFIX}/blocks"
MAX_REASON = 200


class ConsolePlanning(ConsoleBase):
    # --- blocks -------------------------------------------------------------------------

    @signed_in
    async def blocks(self, request: Request, staff: StaffSession) -> Response:
        """GET /console/blocks: upcoming blocked time, and a form to block more."""
        upcoming = await self.run(self.ops.upcoming_blocks)
        return self.page(
            request,
            "blocks.html",
            staff=staff,
            title="Blocked time",
            blocks=upcoming,
            pools=sorted(self.core.profile.resources),
            today=self.ops.today(),
            nav="blocks",
        )

    @posted
    async def add_block(
        self, request: Request, staff: StaffSession, fields: dict[str, str]
    ) -> Response:
        """POST /console/blocks: block a time; over booked visits, confirm on the next page."""
        try:
            day = date.fromisoformat(fields.get("day", ""))
            start = time.fromisoformat(fields.get("start", ""))
            end = time.fromisoformat(fields.get("end", ""))
        except ValueError:
            return self.refuse(
                request,
                staff,
                message="Give a date, a start and an end time.",
                back=BLOCKS,
                status=400,
            )
        pool = fields.get("pool") or None
        reason = " ".join(fields.get("reason", "").split())[:MAX_REASON]
        try:
            outcome = await self.run(
                self.ops.block_time,
                day=day,
                start=start,
                end=end,
                reason=reason,
                actor=self.core.staff.actor(staff.user_id),
                pool=pool,
            )
        except InvalidRequest as exc:
            return self.refuse(
                request, staff, message=f"Nothing was blocked: {exc}.", back=BLOCKS, status=400
            )
        if outcome.draft_id is not None:
            return self.page(
                request,
                "block_confirm.html",
                staff=staff,
                title="Block over booked visits?",
                outcome=outcome,
                day=day,
                start=start,
                end=end,
                pool=pool,
                reason=reason,
                nav="blocks",
            )
        assert outcome.block is not None
        note = "already_blocked" if outcome.already else "blocked"
        return self.back({}, BLOCKS, ok=note, ref=block_ref(outcome.block.id))

    @posted
    async def confirm_block(
        self, request: Request, staff: StaffSession, fields: dict[str, str]
    ) -> Response:
        """POST /console/blocks/confirm: block over the booked visits listed (they stay booked)."""
        draft_id = _int(fields.get("draft"))
        if draft_id is None:
            return self.refuse(request, staff, message="The form was incomplete.", back=BLOCKS)
        try:
            outcome = await self.run(
                self.ops.confirm_block,
                draft_id=draft_id,
                actor=self.core.staff.actor(staff.user_id),
            )
        except (StaleAction, InvalidRequest) as exc:
            return self.refuse(request, staff, message=f"Nothing was blocked: {exc}.", back=BLOCKS)
        if outcome.block is None:
            return self.refuse(request, staff, message="Nothing was blocked.", back=BLOCKS)
        note = "already_blocked" if outcome.already else "blocked"
        return self.back({}, BLOCKS, ok=note, ref=block_ref(outcome.block.id))

    @posted
    async def unblock(
        self, request: Request, staff: StaffSession, _fields: dict[str, str]
    ) -> Response:
        """POST /console/blocks/{id}/unblock: reopen the time (waiting patients hear of it)."""
        block_id = int(request.path_params["block_id"])
        try:
            await self.run(
                self.ops.unblock, block_id=block_id, actor=self.core.staff.actor(staff.user_id)
            )
        except BlockNotFound:
            return self.refuse(
                request,
                staff,
                message=f"{block_ref(block_id)} is not blocked (any more): nothing changed.",
                back=BLOCKS,
            )
        self.core.kick_outbox()
        return self.back({}, BLOCKS, ok="unblocked", ref=block_ref(block_id))

    @posted
    async def drop_draft(
        self, request: Request, staff: StaffSession, fields: dict[str, str]
    ) -> Response:
        """POST /console/drafts/{id}/cancel: drop a planned series or block (nothing booked)."""
        draft_id = int(request.path_params["draft_id"])
        try:
            await self.run(
                self.ops.cancel_draft, draft_id=draft_id, actor=self.core.staff.actor(staff.user_id)
            )
        except StaleAction as exc:
            return self.refuse(request, staff, message=f"Nothing to drop: {exc}.", back=BLOCKS)
        return self.back(fields, f"{PREFIX}/day", ok="dropped", ref="")

    # --- series -------------------------------------------------------------------------

    @posted
    async def plan_series(
        self, request: Request, staff: StaffSession, fields: dict[str, str]
    ) -> Response:
        """POST /console/patients/{id}/series: the next free times for N sessions, to confirm."""
        patient_id = int(request.path_params["patient_id"])
        back = f"{PREFIX}/patients/{patient_id}"
        count = _int(fields.get("count"))
        service = fields.get("service", "")
        if count is None:
            return self.refuse(
                request, staff, message="Say how many sessions.", back=back, status=400
            )
        try:
            plan = await self.run(
                self.ops.plan_series,
                patient_id=patient_id,
                service=service,
                count=count,
                actor=self.core.staff.actor(staff.user_id),
            )
        except (
            NotATreatment,
            NotApproved,
            SeriesDoesNotFit,
            InvalidRequest,
            PatientNotFound,
            UnknownService,
        ) as exc:
            return self.refuse(
                request, staff, message=f"No series was planned: {_said(exc)}.", back=back
            )
        return self.page(
            request,
            "series_plan.html",
            staff=staff,
            title=f"Series for {patient_ref(patient_id)}",
            plan=plan,
            replanned=False,
            back=back,
            nav="patients",
        )

    @posted
    async def confirm_series(
        self, request: Request, staff: StaffSession, _fields: dict[str, str]
    ) -> Response:
        """POST /console/series/{draft}/confirm: book every planned session (once)."""
        draft_id = int(request.path_params["draft_id"])
        try:
            result = await self.run(
                self.ops.confirm_series,
                draft_id=draft_id,
                actor=self.core.staff.actor(staff.user_id),
            )
        except (StaleAction, ClinicError) as exc:
            return self.refuse(
                request,
                staff,
                message=f"Nothing was booked: {_said(exc)}.",
                back=f"{PREFIX}/patients",
            )
        back = f"{PREFIX}/patients/{result.patient.id}"
        if result.replanned is not None:
            return self.page(
                request,
                "series_plan.html",
                staff=staff,
                title=f"Series for {patient_ref(result.patient.id)}",
                plan=result.replanned,
                replanned=True,
                back=back,
                nav="patients",
            )
        self.core.kick_outbox()
        return self.page(
            request,
            "series_booked.html",
            staff=staff,
            title=f"Series for {patient_ref(result.patient.id)}",
            result=result,
            back=back,
            nav="patients",
        )


def _int(raw: str | None) -> int | None:
    if raw is None or not raw.isdigit() or len(raw) > 9:
        return None
    return int(raw)


def _said(exc: Exception) -> str:
    return str(exc).rstrip(".") or type(exc).__name__
