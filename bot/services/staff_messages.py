"""The words of staff operations: what staff read, and the patient notices staff actions send.

Views take the plain records of `bot.services.staff_records` and return Telegram HTML (values
escaped, words from `bot/texts/staff.py`). Staff buttons carry compact callback data
(`st:<action>:<id>[:<n>]`, packed by `bot.domain.callback_data`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from babel import Locale
from sqlmodel import Session

from bot.db.models import Patient
from bot.domain.callback_data import EscalationAck, MenuPress, MenuVerb, StaffAction, StaffPress
from bot.domain.checkins import CheckinCatalog
from bot.domain.enums import AppointmentStatus, CloseOutcome, OutboxKind
from bot.domain.language import DEFAULT_LANGUAGE, LOCALES
from bot.domain.outcomes import Response
from bot.domain.refs import appointment_ref, block_ref, flag_ref, patient_ref, task_ref
from bot.messaging.channels import Button, OutgoingMessage
from bot.profile import ClinicProfile, ServiceKind
from bot.services.charts import ChartLabels, PainChart, pain_chart_png
from bot.services.formatting import clock_time, when_short
from bot.services.outbox import enqueue
from bot.services.patients import language_of
from bot.services.planner import patient_channel
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.texts import Texts

if TYPE_CHECKING:
    from bot.services.outcomes_report import ClinicSummary
    from bot.services.staff_records import (
        Approval,
        BlockOutcome,
        BlockView,
        DaySchedule,
        Digest,
        Export,
        FlagItem,
        OfferBooked,
        PatientCard,
        PatientMatch,
        ScheduleEntry,
        SeriesBooking,
        SeriesPlan,
        SlotOffer,
    )

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
MAX_TASK_BUTTONS = 8
COURSE_POINTS = 6
PATIENT_NOTICE_KEYS = frozenset({"approved", "screening_request"})


PATIENT_NOTICE = OutboxKind.PATIENT_NOTICE

# Done by nobody: attendance assumed after the session-end prompts went unanswered (issue 11).
ASSUMED_MARK = "✔️?"
# Held: a Yes on the pre-session check waits for a staff review (issue 11 item 4).
HELD_MARK = "⛔"
# Which appointment states each mark stands for in the schedule.
_MARKS = {
    AppointmentStatus.COMPLETED: "✔️",
    AppointmentStatus.NO_SHOW: "🚫",
    AppointmentStatus.CANCELLED: "✖️",
}


# The answers to "what was done?" when a task or a flag is closed, numbered 1-3 in buttons.
CLOSE_OUTCOMES = (CloseOutcome.CALLED, CloseOutcome.NO_ANSWER, CloseOutcome.NOT_NEEDED)


def callback(action: StaffAction, number: int, extra: int | None = None) -> str:
    """A staff button's data (`st:<action>:<number>[:<extra>]`)."""
    return StaffPress(action, number, extra).pack()


# --- small helpers -----------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape(str(value), quote=False)


def fill(
    texts: Texts, key: str, /, *, markup: dict[str, str] | None = None, **values: object
) -> str:
    """A text with plain values escaped and `markup` values (already HTML) inserted as they are."""
    merged = {k: _e(v) for k, v in values.items()}
    merged.update(markup or {})
    return texts.raw(key).format(**merged)


def split_message(text: str, *, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split at line ends into parts Telegram accepts; no tag spans lines in these views."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single overlong line: cut it (never happens with our data)
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


def fit_lines(texts: Texts, lines: Sequence[str], *, budget: int) -> list[str]:
    """As many lines as fit in `budget` characters, then "… and N more"."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        left_after = len(lines) - index - 1
        # Room for the "… and N more" line unless this is the last line.
        reserve = len(fill(texts, "staff_more", count=left_after)) + 1 if left_after else 0
        if used + len(line) + 1 + reserve > budget:
            kept.append(fill(texts, "staff_more", count=left_after + 1))
            return kept
        kept.append(line)
        used += len(line) + 1
    return kept


def service_label(profile: ClinicProfile, code: str) -> str:
    service = profile.services.get(code)
    return service.label if service else code


def unit_label(unit: str) -> str:
    pool, _, number = unit.rpartition(":")
    return f"{pool.replace('_', ' ').capitalize()} {number}" if pool else unit


def pool_label(texts: Texts, pool: str | None) -> str:
    return texts.plain("staff_scope_all") if pool is None else pool.replace("_", " ")


def day_title(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _span(start: datetime, end: datetime, profile: ClinicProfile) -> str:
    tz = profile.tz
    return f"{when_short(start, tz)}–{clock_time(end, tz)}"


def patient_name(name: str | None) -> str:
    return name or "(no name)"


def _percent(share: float | None, texts: Texts) -> str:
    return texts.plain("staff_na") if share is None else f"{share * 100:.0f}%"


def _signed(value: float | None, texts: Texts, *, suffix: str = "") -> str:
    return texts.plain("staff_na") if value is None else f"{value:+.1f}{suffix}"


def _stamp_time(moment: datetime, profile: ClinicProfile) -> str:
    return when_short(moment, profile.tz)


# --- schedule ----------------------------------------------------------------------------


def render_schedule(
    texts: Texts, profile: ClinicProfile, days: Sequence[DaySchedule], *, title_key: str
) -> str:
    """The schedule per day and per resource unit; long weeks are split by the caller."""
    lines = [fill(texts, "staff_schedule_title", title=texts.plain(title_key))]
    for day in days:
        lines.append("")
        lines.extend(day_lines(texts, profile, day))
    return "\n".join(lines)


def day_lines(texts: Texts, profile: ClinicProfile, day: DaySchedule) -> list[str]:
    tz = profile.tz
    title = day_title(day.day)
    if day.closed_reason is not None or not day.hours:
        reason = f": {day.closed_reason}" if day.closed_reason else ""
        lines = [fill(texts, "staff_day_closed", day=title, reason=reason)]
    else:
        hours = ", ".join(f"{_wall(opens)}–{_wall(closes)}" for opens, closes in day.hours)
        lines = [fill(texts, "staff_day_open", day=title, hours=hours)]
    for block in day.blocks:
        lines.append(
            fill(
                texts,
                "staff_block_line",
                start=when_short(block.starts_at, tz),
                end=clock_time(block.ends_at, tz),
                scope=pool_label(texts, block.pool),
                reason=block.reason or "-",
                id=block_ref(block.id),
            )
        )
    if not day.entries:
        if day.closed_reason is None and day.hours:
            lines.append(texts.plain("staff_day_empty"))
        return lines
    for unit, entries in day.by_unit():
        lines.append(fill(texts, "staff_unit", unit=unit_label(unit)))
        lines.extend(entry_line(texts, profile, entry) for entry in entries)
    return lines


# Enough for a clinic's day of chairs; more would make the message hard to use.
MAX_DUE_ROWS = 12


def due_session_buttons(
    texts: Texts, days: Sequence[DaySchedule], *, now: datetime
) -> list[list[Button]]:
    """Done / No-show for each session that has started and nobody has closed yet."""
    due = [
        entry
        for day in days
        for entry in day.entries
        if entry.status == AppointmentStatus.BOOKED and entry.starts_at <= now
    ]
    return [
        [
            Button(
                texts.plain("staff_btn_done_row", appointment_id=appointment_ref(e.appointment_id)),
                data=callback(StaffAction.DONE, e.appointment_id, e.version),
            ),
            Button(
                texts.plain(
                    "staff_btn_noshow_row", appointment_id=appointment_ref(e.appointment_id)
                ),
                data=callback(StaffAction.NO_SHOW, e.appointment_id, e.version),
            ),
        ]
        for e in due[:MAX_DUE_ROWS]
    ]


def _wall(moment: time) -> str:
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def status_mark(entry: ScheduleEntry) -> str:
    if entry.held:
        return HELD_MARK
    if entry.assumed:
        return ASSUMED_MARK
    if entry.status in _MARKS:
        return _MARKS[entry.status]
    return "✅" if entry.confirmed else "⏳"


def entry_line(texts: Texts, profile: ClinicProfile, entry: ScheduleEntry) -> str:
    tz = profile.tz
    return fill(
        texts,
        "staff_entry",
        start=clock_time(entry.starts_at, tz),
        end=clock_time(entry.ends_at, tz),
        service=service_label(profile, entry.service),
        name=patient_name(entry.patient_name),
        patient_id=patient_ref(entry.patient_id),
        mark=status_mark(entry),
        appointment_id=appointment_ref(entry.appointment_id),
    )


# --- patients ----------------------------------------------------------------------------


def render_matches(texts: Texts, query: str, matches: Sequence[PatientMatch]) -> str:
    items = "\n".join(match_line(texts, m) for m in matches)
    return fill(texts, "staff_ambiguous_patient", query=query, markup={"items": items})


def match_line(texts: Texts, match: PatientMatch) -> str:
    return fill(
        texts,
        "staff_match_line",
        id=patient_ref(match.id),
        name=patient_name(match.name),
        phone=match.phone or "no phone",
        channel=match.channel,
        approved=texts.plain("staff_match_approved") if match.approved else "",
    )


def match_buttons(matches: Sequence[PatientMatch]) -> list[list[Button]]:
    return [
        [
            Button(
                f"{patient_ref(m.id)} {patient_name(m.name)}"[:40],
                data=callback(StaffAction.PATIENT, m.id),
            )
        ]
        for m in matches
    ]


def language_line(texts: Texts, patient: Patient) -> list[str]:
    """ "Reads the bot in Spanish": staff know to call in it (nothing for the clinic's language)."""
    language = language_of(patient)
    if language is DEFAULT_LANGUAGE:
        return []
    name = Locale.parse(language.value).get_display_name(LOCALES[DEFAULT_LANGUAGE])
    return [fill(texts, "staff_card_language", language=name or language.value)]


def render_patient_card(texts: Texts, profile: ClinicProfile, card: PatientCard) -> str:
    tz = profile.tz
    patient = card.patient
    assert patient.id is not None

    def yes_no(moment: datetime | None) -> str:
        if moment is None:
            return texts.plain("staff_card_no")
        return texts.plain("staff_card_yes", when=when_short(moment, tz))

    opt_out = ""
    if patient.sms_opted_out_at is not None:
        opt_out += texts.plain("staff_card_opt_out", when=when_short(patient.sms_opted_out_at, tz))
    if patient.telegram_blocked_at is not None:
        opt_out += texts.plain(
            "staff_card_blocked", when=when_short(patient.telegram_blocked_at, tz)
        )
    lines = [
        fill(
            texts, "staff_card_title", name=patient_name(patient.name), id=patient_ref(patient.id)
        ),
        fill(
            texts,
            "staff_card_contact",
            phone=patient.phone_e164 or "no phone",
            channel=patient.preferred_channel,
        ),
        *language_line(texts, patient),
        fill(
            texts,
            "staff_card_consent",
            telegram=yes_no(patient.telegram_consent_at),
            sms=yes_no(patient.sms_consent_at),
            opt_out=opt_out,
        ),
    ]
    if patient.approved_at is not None:
        lines.append(
            fill(
                texts,
                "staff_card_approved",
                when=when_short(patient.approved_at, tz),
                by=patient.approved_by or "?",
            )
        )
    else:
        lines.append(fill(texts, "staff_card_not_approved", id=patient_ref(patient.id)))
    if not card.screened:
        lines.append(texts.plain("staff_card_not_screened"))
    elif card.screening_flags:
        items = "\n".join(
            f"• {_e(texts.plain(f'screen_label_{code}'))}: {_e(answer.replace('_', ' '))}"
            for code, answer in card.screening_flags
        )
        lines.append(fill(texts, "staff_card_flags", markup={"items": items}))
    else:
        lines.append(texts.plain("staff_card_no_flags"))
    if card.medicines:
        lines.append(fill(texts, "staff_card_medicines", medicines=card.medicines[:300]))
    if card.driver:
        lines.append(fill(texts, "staff_card_driver", driver=card.driver.replace("_", " ")))
    lines.append("")
    lines.append(texts.raw("staff_card_upcoming"))
    lines.extend(_visit_lines(texts, profile, card.upcoming))
    lines.append(texts.raw("staff_card_recent"))
    lines.extend(_visit_lines(texts, profile, card.recent))
    if card.status_counts:
        counts = " · ".join(
            f"{status.replace('_', '-')} {count}"
            for status, count in sorted(card.status_counts.items())
        )
        lines.append(fill(texts, "staff_card_counts", counts=counts))
    if card.checkins:
        lines.append(texts.raw("staff_card_checkins"))
        for checkin in card.checkins:
            pain = (
                texts.plain("staff_card_checkin_pain", pain=checkin.pain)
                if checkin.pain is not None
                else ""
            )
            lines.append(
                fill(
                    texts,
                    "staff_card_checkin",
                    slot=checkin.slot,
                    appointment_id=appointment_ref(checkin.appointment_id),
                    status=checkin.status,
                    when=when_short(checkin.at, tz) if checkin.at else "",
                    pain=pain,
                )
            )
    lines.append("")
    lines.extend(outcome_lines(texts, profile, card))
    if card.open_flags:
        lines.append(fill(texts, "staff_card_open_flags", count=card.open_flags))
    return "\n".join(lines)


def _visit_lines(
    texts: Texts, profile: ClinicProfile, entries: Iterable[ScheduleEntry]
) -> list[str]:
    lines = [
        fill(
            texts,
            "staff_card_visit",
            when=when_short(e.starts_at, profile.tz),
            service=service_label(profile, e.service),
            status=f"{status_mark(e)} {e.status.value.replace('_', '-')}",
            appointment_id=appointment_ref(e.appointment_id),
        )
        for e in entries
    ]
    return lines or [texts.plain("staff_card_none")]


def outcome_lines(texts: Texts, profile: ClinicProfile, card: PatientCard) -> list[str]:
    outcome = card.report.outcome
    tz = profile.tz
    lines = [texts.raw("staff_card_outcomes")]
    latest = card.report.latest
    if outcome.baseline_pain is None:
        lines.append(texts.plain("staff_card_no_baseline"))
    else:
        latest_text = texts.plain("staff_na")
        if latest is not None:
            latest_text = texts.plain(
                "staff_card_latest",
                pain=latest.pain,
                slot=latest.slot,
                reduction=_reduction(latest.reduction_pct, texts),
                response=response_label(texts, latest.response),
            )
        lines.append(
            fill(
                texts,
                "staff_card_baseline",
                baseline=f"{outcome.baseline_pain:.1f}",
                latest=latest_text,
            )
        )
        course = " · ".join(
            f"{p.slot} {p.pain} ({_reduction(p.reduction_pct, texts)})"
            for p in outcome.pain_course[-COURSE_POINTS:]
        )
        if course:
            lines.append(fill(texts, "staff_card_course", course=course))
    for relief in outcome.relief:
        days = (
            texts.plain("staff_card_relief_days", days=relief.relief_days)
            if relief.relief_days is not None
            else texts.plain("staff_card_relief_ongoing")
        )
        lines.append(
            fill(
                texts,
                "staff_card_relief",
                when=when_short(relief.last_session_end, tz),
                days=days,
            )
        )
    pgic = texts.plain("staff_not_asked")
    if outcome.pgic_responder is not None:
        pgic = texts.plain(
            "staff_pgic_responder" if outcome.pgic_responder else "staff_pgic_not_responder"
        )
    lines.append(fill(texts, "staff_card_pgic", pgic=pgic))
    moderate = (
        f"{outcome.sessions_with_moderate_side_effect}/{outcome.sessions_with_side_effect_answers}"
        if outcome.sessions_with_side_effect_answers
        else texts.plain("staff_na")
    )
    lines.append(
        fill(
            texts,
            "staff_card_other",
            peg=_signed(outcome.peg_change, texts),
            phq=outcome.phq[-1].phq2 if outcome.phq else texts.plain("staff_na"),
            moderate=moderate,
        )
    )
    return lines


def _reduction(pct: float | None, texts: Texts) -> str:
    """Reduction from baseline: "43%" lower, "-14%" when pain is above baseline."""
    return texts.plain("staff_na") if pct is None else f"{pct:.0f}%"


def response_label(texts: Texts, response: Response | None) -> str:
    if response is None:
        return texts.plain("staff_na")
    return texts.plain(f"staff_response_{response.value}")


def patient_chart(
    texts: Texts, card: PatientCard, profile: ClinicProfile, catalog: CheckinCatalog
) -> bytes:
    """The PNG of the patient's pain over time (screening and check-in answers)."""
    return pain_chart_png(pain_chart_for(texts, card, catalog), tz=profile.tz)


def pain_chart_for(texts: Texts, card: PatientCard, catalog: CheckinCatalog) -> PainChart:
    """What the pain chart shows for a patient: labelled with their number, never their name."""
    report = card.report
    assert card.patient.id is not None
    baseline = report.outcome.baseline_pain
    pct = catalog.outcomes.responder_pct
    return PainChart(
        points=[(r.at, r.score) for r in report.pain_reports],
        sessions=report.session_starts,
        baseline=baseline,
        responder_pct=pct,
        title=texts.plain("staff_chart_title", id=patient_ref(card.patient.id)),
        labels=ChartLabels(
            pain=texts.plain("staff_chart_pain"),
            session_day=texts.plain("staff_chart_session_day"),
            baseline=texts.plain(
                "staff_chart_baseline", value="" if baseline is None else f"{baseline:.1f}"
            ),
            responder=texts.plain("staff_chart_responder", pct=f"{pct:g}"),
            empty=texts.plain("staff_chart_empty"),
        ),
    )


# --- approval ----------------------------------------------------------------------------


def render_approval(texts: Texts, approval: Approval) -> str:
    key = "staff_already_approved" if approval.already else "staff_approved"
    return fill(
        texts, key, name=patient_name(approval.patient.name), id=patient_ref(approval.patient.id)
    )


def enqueue_patient_notice(
    session: Session, *, patient: Patient, text_key: str, now: datetime
) -> bool:
    """Queue a fixed notice for a patient on their channel (rendered when it is sent)."""
    if text_key not in PATIENT_NOTICE_KEYS:
        raise ValueError(f"unknown patient notice {text_key!r}")
    assert patient.id is not None
    return enqueue(
        session,
        kind=PATIENT_NOTICE,
        channel=patient_channel(patient),
        due_at=now,
        dedupe_key=f"patient_notice:{text_key}:{patient.id}",
        now=now,
        patient_id=patient.id,
        payload={"text_key": text_key},
    )


def render_patient_notice(ctx: RenderContext) -> OutgoingMessage:
    key = str(ctx.payload.get("text_key", ""))
    if key not in PATIENT_NOTICE_KEYS:
        raise Skip(f"unknown patient notice {key!r}")
    values = {"clinic": ctx.profile.clinic.name, "phone": ctx.profile.clinic.phone}
    if ctx.is_sms:
        return OutgoingMessage(ctx.texts.plain(f"patient_{key}_sms", **values))
    buttons: list[list[Button]] = []
    if key == "screening_request":
        label = ctx.texts.plain("menu_screening")
        buttons = [[Button(label, data=MenuPress(MenuVerb.SCREENING).pack())]]
    return OutgoingMessage(ctx.texts.html(f"patient_{key}_tg", **values), buttons=buttons)


RENDERERS: Renderers = {PATIENT_NOTICE: render_patient_notice}


# --- series ------------------------------------------------------------------------------


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


# --- blocks ------------------------------------------------------------------------------


def _block_when(block: BlockView, profile: ClinicProfile) -> str:
    return _span(block.starts_at, block.ends_at, profile)


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


# --- flags -------------------------------------------------------------------------------


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


# --- export and outcomes -----------------------------------------------------------------


def render_export_caption(texts: Texts, export: Export) -> str:
    totals = " · ".join(
        texts.plain("staff_export_total", status=status.replace("_", "-"), count=count)
        for status, count in sorted(export.totals.items())
    )
    caption = fill(
        texts,
        "staff_export_caption",
        first=day_title(export.first_day),
        last=day_title(export.last_day),
        rows=export.rows,
        totals=totals,
    )
    return caption[:CAPTION_LIMIT]


def render_outcomes(texts: Texts, summary: ClinicSummary, catalog: CheckinCatalog) -> str:
    settings = catalog.outcomes
    na = texts.plain("staff_na")
    if summary.first_day is None and summary.last_day is None:
        period = texts.plain("staff_outcomes_all_time")
    else:
        first = day_title(summary.first_day) if summary.first_day else "…"
        last = day_title(summary.last_day) if summary.last_day else "…"
        period = f"{first} – {last}"
    lines = [
        fill(texts, "staff_outcomes_title", period=period),
        fill(
            texts,
            "staff_outcomes_patients",
            treated=summary.patients_treated,
            with_baseline=summary.patients_with_baseline,
            baseline=na if summary.mean_baseline is None else f"{summary.mean_baseline:.1f}",
        ),
        texts.raw("staff_outcomes_reduction"),
    ]
    for stat in summary.slots:
        slot = texts.plain("staff_outcomes_weekly") if stat.slot == "weekly" else stat.slot
        lines.append(
            fill(
                texts,
                "staff_outcomes_slot",
                slot=slot,
                mean=na if stat.mean_reduction is None else f"{stat.mean_reduction:.0f}%",
                responder_pct=f"{settings.responder_pct:g}",
                responders=_percent(stat.responder_share, texts),
                substantial_pct=f"{settings.substantial_pct:g}",
                substantial=_percent(stat.substantial_share, texts),
                n=stat.count,
            )
        )
    median = summary.median_relief_days
    lines += [
        fill(
            texts,
            "staff_outcomes_relief",
            median=na if median is None else f"{median:g} days",
            n=len(summary.relief_days),
            ongoing=summary.relief_ongoing,
        ),
        fill(
            texts,
            "staff_outcomes_pgic",
            share=_percent(summary.pgic_share, texts),
            n=summary.pgic_count,
        ),
        fill(
            texts,
            "staff_outcomes_peg",
            mean=_signed(summary.mean_peg_change, texts),
            n=summary.peg_count,
        ),
        fill(
            texts,
            "staff_outcomes_phq",
            threshold=catalog.phq9_when_phq2_at_least,
            high=summary.phq2_high,
            n=summary.phq_count,
        ),
        fill(
            texts,
            "staff_outcomes_side_effects",
            share=_percent(summary.moderate_share, texts),
            n=summary.side_effect_sessions,
        ),
        fill(
            texts,
            "staff_outcomes_series",
            share=_percent(summary.series_completion, texts),
            n=summary.series_count,
        ),
        fill(
            texts,
            "staff_outcomes_no_show",
            share=_percent(summary.no_show_rate, texts),
            no_shows=summary.no_shows,
            due=summary.due_appointments,
        ),
        texts.raw("staff_outcomes_note"),
    ]
    return "\n".join(lines)


# --- digest ------------------------------------------------------------------------------


def render_digest(texts: Texts, profile: ClinicProfile, digest: Digest) -> str:
    """The opening-time digest, trimmed to one Telegram message."""
    tz = profile.tz
    head = [fill(texts, "staff_digest_title", day=day_title(digest.day))]
    schedule = day_lines(texts, profile, digest.today)
    unconfirmed = [
        fill(
            texts,
            "staff_digest_unconfirmed_item",
            when=when_short(e.starts_at, tz),
            service=service_label(profile, e.service),
            name=patient_name(e.patient_name),
            patient_id=patient_ref(e.patient_id),
            appointment_id=appointment_ref(e.appointment_id),
        )
        for e in digest.unconfirmed
    ] or [texts.plain("staff_digest_none")]
    flags = flag_lines(texts, profile, digest.flags) or [texts.plain("staff_digest_none")]
    open_sessions = [
        fill(
            texts,
            "staff_digest_open_item",
            when=when_short(e.starts_at, tz),
            service=service_label(profile, e.service),
            name=patient_name(e.patient_name),
            patient_id=patient_ref(e.patient_id),
            appointment_id=appointment_ref(e.appointment_id),
            assumed=texts.plain("staff_digest_assumed") if e.assumed else "",
        )
        for e in digest.open_sessions
    ]
    # Each section gets a share of the message; whatever does not fit says how much is left.
    budget = (MESSAGE_LIMIT - 300) // (4 if open_sessions else 3)
    if open_sessions:
        # First: a session nobody closed may be a patient without check-ins.
        head += [
            "",
            fill(texts, "staff_digest_open_sessions", count=len(open_sessions)),
            *fit_lines(texts, open_sessions, budget=budget),
        ]
    lines = [
        *head,
        "",
        *fit_lines(texts, schedule, budget=budget),
        "",
        fill(texts, "staff_digest_unconfirmed", count=len(digest.unconfirmed)),
        *fit_lines(texts, unconfirmed, budget=budget),
        "",
        fill(texts, "staff_digest_flags", count=len(digest.flags)),
        *fit_lines(texts, flags, budget=budget),
    ]
    return "\n".join(lines)


# --- phone-only patients -----------------------------------------------------------------


def render_offer(texts: Texts, profile: ClinicProfile, offer: SlotOffer) -> OutgoingMessage:
    label = service_label(profile, offer.service)
    if not offer.slots:
        return OutgoingMessage(fill(texts, "staff_no_times", service=label))
    text = fill(
        texts,
        "staff_new_patient",
        state=texts.plain(
            "staff_new_patient_existing" if offer.existed else "staff_new_patient_created"
        ),
        name=patient_name(offer.patient.name),
        id=patient_ref(offer.patient.id),
        phone=offer.patient.phone or "no phone",
        channel=offer.patient.channel,
        service=label,
    )
    buttons = [
        [
            Button(
                when_short(start, profile.tz),
                data=callback(StaffAction.OFFER, offer.draft_id, index),
            )
        ]
        for index, start in enumerate(offer.slots)
    ]
    buttons.append(
        [
            Button(
                texts.plain("btn_staff_cancel"),
                data=callback(StaffAction.CANCEL_DRAFT, offer.draft_id),
            )
        ]
    )
    return OutgoingMessage(text, buttons=buttons)


def render_offer_booked(texts: Texts, profile: ClinicProfile, booked: OfferBooked) -> str:
    appointment = booked.appointment
    return fill(
        texts,
        "staff_offer_already" if booked.already else "staff_offer_booked",
        service=service_label(profile, appointment.service),
        name=patient_name(booked.patient.name),
        id=patient_ref(booked.patient.id),
        when=when_short(appointment.starts_at, profile.tz),
    )


def treatment_codes(profile: ClinicProfile) -> list[str]:
    return [c for c, s in profile.services.items() if s.kind is ServiceKind.TREATMENT]
