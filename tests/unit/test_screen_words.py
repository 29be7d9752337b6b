"""Issue 9 item 4: the patient's screens are worded from plain values, with no database row,
session or service (bot/presentation/preparation_words.py, menu_words.py, booking_words.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.domain.callback_data import AppointmentPress, AppointmentVerb
from bot.domain.draft_flows import BOOK, RESCHEDULE
from bot.domain.enums import DraftStep
from bot.presentation.booking_words import BookingWords
from bot.presentation.menu_words import MenuWords
from bot.presentation.preparation_words import preparation_block, preparation_lines
from bot.texts import Texts

NOW = datetime(2027, 3, 1, 13, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Visit:
    id: int | None
    service: str
    starts_at: datetime
    confirmed_at: datetime | None = None


@dataclass(frozen=True)
class Someone:
    approved_at: datetime | None = None


@dataclass(frozen=True)
class DraftSeen:
    flow: str
    step: DraftStep
    version: int = 3
    data: dict[str, Any] = field(default_factory=dict)


def labels(screen) -> list[str]:
    return [button.text for row in screen.buttons for button in row]


def test_a_treatment_visit_gets_its_preparation_block_from_plain_values(profile):
    visit = Visit(id=None, service="iv_infusion", starts_at=datetime(2027, 3, 5, 15, tzinfo=UTC))
    block = preparation_block(Texts(), profile, visit)
    lines = preparation_lines(Texts(), profile, visit)
    assert block.split("\n")[1:] == lines
    assert "Fri 5 Mar: light meal by" in block
    consultation = Visit(id=None, service="consultation", starts_at=visit.starts_at)
    assert preparation_block(Texts(), profile, consultation) == ""


def test_the_appointments_list_buttons_name_the_appointment_id(profile):
    words = MenuWords(profile=profile, texts=Texts())
    visit = Visit(id=42, service="iv_infusion", starts_at=datetime(2027, 3, 5, 15, tzinfo=UTC))
    screen = words.appointments([visit], Someone())
    assert [b.data for b in screen.buttons[0]] == [
        AppointmentPress(verb, 42).pack()
        for verb in (
            AppointmentVerb.RESCHEDULE,
            AppointmentVerb.ASK_CANCEL,
            AppointmentVerb.CALENDAR,
        )
    ]
    for line in preparation_lines(Texts(), profile, visit):
        assert f"    {line}" in screen.text


def test_the_menu_adds_waitlist_and_health_questions_only_when_told(profile):
    words = MenuWords(profile=profile, texts=Texts())
    t = Texts()
    plain = labels(words.menu_screen(Someone(), waiting=False, needs_screening=False))
    both = labels(words.menu_screen(Someone(), waiting=True, needs_screening=True))
    assert t.plain("wl_btn_mine") not in plain
    assert t.plain("menu_screening") not in plain
    assert set(both) - set(plain) == {t.plain("wl_btn_mine"), t.plain("menu_screening")}
    approved = labels(
        words.menu_screen(Someone(approved_at=NOW), waiting=False, needs_screening=False)
    )
    assert approved[0] == t.plain("menu_book_approved")
    assert plain[0] == t.plain("menu_book")


def test_booking_steps_are_worded_from_what_was_read(profile):
    words = BookingWords(profile=profile, texts=Texts())
    t = Texts()
    moving = DraftSeen(flow=RESCHEDULE, step=DraftStep.NAME)
    assert labels(words.step_screen(moving))[-1] == t.plain("resched_keep")
    booking = DraftSeen(flow=BOOK, step=DraftStep.SUMMARY, data={"changing": True})
    one = labels(words.change_menu(booking, several_services=False))
    several = labels(words.change_menu(booking, several_services=True))
    assert set(several) - set(one) == {t.plain("book_change_service")}
    no_week = DraftSeen(flow=BOOK, step=DraftStep.DATE, data={"service": "consultation"})
    empty = words.calendar(no_week, [], now=NOW)
    assert labels(empty) == [t.plain("wl_btn_none_suit"), t.plain("book_stop")]
    full_day = DraftSeen(
        flow=BOOK, step=DraftStep.TIME, data={"service": "consultation", "day": "2027-03-05"}
    )
    assert words.times(full_day, []).text == t.html("book_day_full", day="Fri 5 Mar")
