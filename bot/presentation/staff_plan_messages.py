"""The staff's words about planning: series plans and bookings, blocks and what they touch, and the
flags list with its close question."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.domain.callback_data import EscalationAck, StaffAction
from bot.domain.refs import appointment_ref, block_ref, flag_ref, patient_ref, task_ref
from bot.messaging.channels import Button, OutgoingMessage
from bot.presentation.formatting import when_short
from bot.presentation.staff_messages import (
    CLOSE_OUTCOMES,
    MAX_TASK_BUTTONS,
    MESSAGE_LIMIT,
    callback,
    fill,
    fit_lines,
    patient_name,
    pool_label,
    service_label,
    span_text,
)
from bot.profile import ClinicProfile
from bot.texts import Texts

if TYPE_CHECKING:
    from bot.presentation.staff_views import (
        BlockOutcome,
        BlockView,
        FlagItem,
        ScheduleEntry,
        SeriesBooking,
        SeriesPlan,
    )


def render_series_plan(texts: Texts, profile: ClinicProfile, plan: SeriesPlan) -> OutgoingMessage:
    service = profile.service(plan.service)
    items = "\n".join(
        fill(texts, "staff_series_item", n=n, when=when_short(start, profile.tz))
        for n, start in enumerate(plan.starts, 1)
    )
    text = fill(
        texts,
        "staff_series_plan",
        name=patient_name(plan.patient.name),
        id=patient_ref(plan.patient.id),
        count=len(plan.starts),
        service=service.label,
        min_gap=max(service.series_min_gap_days, 1),
        max_gap=service.series_max_gap_days,
        markup={"items": items},
    )
    if plan.open_flags:
        text += "\n" + fill(texts, "staff_series_warn_flags", count=plan.open_flags)
    if not plan.screened:
        text += "\n" + fill(texts, "staff_series_warn_not_screened")
    return OutgoingMessage(
        text,
        buttons=[
            [
                Button(
                    texts.plain("btn_staff_confirm_series", count=len(plan.starts)),
                    data=callback(StaffAction.CONFIRM_SERIES, plan.draft_id),
                ),
                Button(
                    texts.plain("btn_staff_cancel"),
                    data=callback(StaffAction.CANCEL_DRAFT, plan.draft_id),
                ),
            ]
        ],
    )


def render_series_booking(texts: Texts, profile: ClinicProfile, result: SeriesBooking) -> str:
    tz = profile.tz
    items = "\n".join(
        fill(
            texts,
            "staff_series_item",
            n=n,
            when=f"{when_short(a.starts_at, tz)} {appointment_ref(a.id)}",
        )
        for n, a in enumerate(result.booked, 1)
    )
    parts = [
        fill(
            texts,
            "staff_series_booked",
            count=len(result.booked),
            name=patient_name(result.patient.name),
            id=patient_ref(result.patient.id),
            series=result.series_id,
            markup={"items": items},
        )
    ]
    if result.failed:
        failed = "\n".join(
            fill(texts, "staff_series_failed_item", when=when_short(start, tz), reason=reason)
            for start, reason in result.failed
        )
        parts.append(fill(texts, "staff_series_failed", markup={"items": failed}))
    return "\n".join(parts)


def _block_when(block: BlockView, profile: ClinicProfile) -> str:
    return span_text(block.starts_at, block.ends_at, profile)


def _affected_items(texts: Texts, profile: ClinicProfile, entries: Sequence[ScheduleEntry]) -> str:
    return "\n".join(
        fill(
            texts,
            "staff_digest_unconfirmed_item",
            when=when_short(e.starts_at, profile.tz),
            service=service_label(profile, e.service),
            name=patient_name(e.patient_name),
            patient_id=patient_ref(e.patient_id),
            appointment_id=appointment_ref(e.appointment_id),
        )
        for e in entries
    )


def render_block_outcome(
    texts: Texts, profile: ClinicProfile, outcome: BlockOutcome
) -> OutgoingMessage:
    if outcome.block is None:
        assert outcome.draft_id is not None
        text = fill(
            texts,
            "staff_block_conflict",
            count=len(outcome.affected),
            markup={"items": _affected_items(texts, profile, outcome.affected)},
        )
        return OutgoingMessage(
            text,
            buttons=[
                [
                    Button(
                        texts.plain("btn_staff_block_anyway"),
                        data=callback(StaffAction.BLOCK_ANYWAY, outcome.draft_id),
                    ),
                    Button(
                        texts.plain("btn_staff_cancel"),
                        data=callback(StaffAction.CANCEL_DRAFT, outcome.draft_id),
                    ),
                ]
            ],
        )
    block = outcome.block
    if outcome.already and not outcome.affected:
        return OutgoingMessage(fill(texts, "staff_block_exists", id=block_ref(block.id)))
    text = fill(
        texts,
        "staff_blocked",
        when=_block_when(block, profile),
        scope=pool_label(texts, block.pool),
        reason=block.reason or "-",
        id=block_ref(block.id),
    )
    if outcome.affected:
        text += "\n" + fill(
            texts,
            "staff_block_kept",
            markup={"items": _affected_items(texts, profile, outcome.affected)},
        )
    return OutgoingMessage(text)


def render_blocks(
    texts: Texts, profile: ClinicProfile, blocks: Sequence[BlockView]
) -> OutgoingMessage:
    if not blocks:
        return OutgoingMessage(texts.html("staff_blocks_none"))
    items = "\n".join(
        fill(
            texts,
            "staff_block_item",
            id=block_ref(b.id),
            when=_block_when(b, profile),
            scope=pool_label(texts, b.pool),
            reason=b.reason or "-",
        )
        for b in blocks
    )
    items = "\n".join(fit_lines(texts, items.split("\n"), budget=MESSAGE_LIMIT - 200))
    return OutgoingMessage(
        fill(texts, "staff_blocks_title", markup={"items": items}),
        buttons=[
            [
                Button(
                    texts.plain("btn_staff_unblock", id=block_ref(b.id)),
                    data=callback(StaffAction.UNBLOCK, b.id),
                )
            ]
            for b in blocks[:MAX_TASK_BUTTONS]
        ],
    )


def render_unblocked(texts: Texts, profile: ClinicProfile, block: BlockView) -> str:
    return fill(
        texts,
        "staff_unblocked",
        id=block_ref(block.id),
        when=_block_when(block, profile),
        scope=pool_label(texts, block.pool),
    )


def flag_lines(texts: Texts, profile: ClinicProfile, items: Sequence[FlagItem]) -> list[str]:
    lines = []
    for n, item in enumerate(items, 1):
        name = (
            f"{patient_name(item.patient_name)} ({patient_ref(item.patient_id)})"
            if item.patient_id is not None
            else "-"
        )
        key = "staff_flag_escalation" if item.kind == "escalation" else "staff_flag_task"
        mark = texts.plain(f"staff_flag_mark_{item.label}") if item.kind == "escalation" else ""
        if item.kind != "escalation" or item.deadline_at is None:
            deadline = ""
        elif item.overdue:
            deadline = texts.plain(
                "staff_flag_overdue", when=when_short(item.deadline_at, profile.tz)
            )
        else:
            deadline = texts.plain("staff_flag_due", when=when_short(item.deadline_at, profile.tz))
        lines.append(
            fill(
                texts,
                key,
                n=n,
                mark=mark,
                level=item.label.replace("_", " "),
                kind=item.label.replace("_", " "),
                when=when_short(item.created_at, profile.tz),
                name=name,
                detail=(item.detail or "-")[:160],
                id=flag_ref(item.id) if item.kind == "escalation" else task_ref(item.id),
                deadline=deadline,
                taken=texts.plain("staff_flag_taken") if item.acknowledged else "",
            )
        )
    return lines


def render_flags(
    texts: Texts, profile: ClinicProfile, items: Sequence[FlagItem]
) -> OutgoingMessage:
    if not items:
        return OutgoingMessage(texts.html("staff_flags_none"))
    title = fill(texts, "staff_flags_title", count=len(items))
    lines = fit_lines(
        texts, flag_lines(texts, profile, items), budget=MESSAGE_LIMIT - len(title) - 8
    )
    # Each item keeps its own button: pressing one leaves the others working.
    buttons: list[list[Button]] = []
    for item in items[: MAX_TASK_BUTTONS * 2]:
        if item.kind == "escalation" and not item.acknowledged:
            label = f"{texts.plain('esc_btn_ack')} {flag_ref(item.id)}"
            buttons.append([Button(label, data=EscalationAck(item.id).pack())])
        elif item.kind == "escalation":
            label = texts.plain("btn_staff_flag_close", id=flag_ref(item.id))
            buttons.append([Button(label, data=callback(StaffAction.CLOSE_FLAG, item.id))])
        else:
            label = texts.plain("btn_staff_task_done", id=task_ref(item.id))
            buttons.append([Button(label, data=callback(StaffAction.CLOSE_TASK, item.id))])
    return OutgoingMessage("\n".join([title, *lines]), buttons=buttons)


def render_close_question(texts: Texts, *, kind: StaffAction, number: int) -> OutgoingMessage:
    """Ask what was done before closing a task (CLOSE_TASK) or a red flag (CLOSE_FLAG)."""
    close_task = kind is StaffAction.CLOSE_TASK
    action = StaffAction.TASK_OUTCOME if close_task else StaffAction.FLAG_OUTCOME
    return OutgoingMessage(
        texts.html(
            "staff_close_question",
            what=texts.plain(
                f"staff_close_what_{kind}",
                id=task_ref(number) if close_task else flag_ref(number),
            ),
        ),
        buttons=[
            [
                Button(
                    texts.plain(f"btn_staff_outcome_{outcome}"), data=callback(action, number, n)
                )
                for n, outcome in enumerate(CLOSE_OUTCOMES, 1)
            ]
        ],
    )
