"""The words of staff operations: what staff read, and the patient notices staff actions send.

Views take the plain records of `bot.services.staff_records` and return Telegram HTML (values
escaped, words from `bot/texts/staff.py`). Staff buttons carry compact callback data
(`st:<action>:<id>[:<n>]`, packed by `bot.domain.callback_data`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from bot.domain.callback_data import StaffAction, StaffPress
from bot.domain.enums import AppointmentStatus, CloseOutcome
from bot.domain.refs import appointment_ref, block_ref, patient_ref
from bot.messaging.channels import Button
from bot.presentation.formatting import clock_time, when_short
from bot.profile import ClinicProfile
from bot.texts import Texts

if TYPE_CHECKING:
    from bot.presentation.staff_views import DaySchedule, ScheduleEntry

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
MAX_TASK_BUTTONS = 8
COURSE_POINTS = 6


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


def esc(value: object) -> str:
    return html.escape(str(value), quote=False)


def fill(
    texts: Texts, key: str, /, *, markup: dict[str, str] | None = None, **values: object
) -> str:
    """A text with plain values escaped and `markup` values (already HTML) inserted as they are."""
    merged = {k: esc(v) for k, v in values.items()}
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


def span_text(start: datetime, end: datetime, profile: ClinicProfile) -> str:
    tz = profile.tz
    return f"{when_short(start, tz)}–{clock_time(end, tz)}"


def patient_name(name: str | None) -> str:
    return name or "(no name)"


def percent_text(share: float | None, texts: Texts) -> str:
    return texts.plain("staff_na") if share is None else f"{share * 100:.0f}%"


def signed_text(value: float | None, texts: Texts, *, suffix: str = "") -> str:
    return texts.plain("staff_na") if value is None else f"{value:+.1f}{suffix}"


def stamp_time(moment: datetime, profile: ClinicProfile) -> str:
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
        hours = ", ".join(
            f"{wall_clock(opens)}–{wall_clock(closes)}" for opens, closes in day.hours
        )
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


def wall_clock(moment: time) -> str:
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


# --- approval ----------------------------------------------------------------------------


# --- series ------------------------------------------------------------------------------


# --- blocks ------------------------------------------------------------------------------


# --- flags -------------------------------------------------------------------------------


# --- export and outcomes -----------------------------------------------------------------


# --- digest ------------------------------------------------------------------------------


# --- phone-only patients -----------------------------------------------------------------
