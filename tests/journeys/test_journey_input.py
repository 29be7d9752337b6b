"""Input that must not break the bot: every update gets a kind answer, no Bot API call is refused."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.db.models import BookingDraft
from bot.domain.callback_data import BookingStep, BookingVerb, CallbackDataError, unpack
from bot.domain.enums import DraftStep
from tests.journey_helpers import (
    ALICE,
    answer_screening,
    book_consultation,
    choose_first_time,
    open_journey,
    press_first_day,
    press_first_time,
    start_and_consent,
    to_phone_question,
)

CONFIRM = "✅ Confirm booking"
LONG = "pain " * 1000  # 5,000 characters


async def reach_name_step(alice) -> None:
    await start_and_consent(alice)
    await choose_first_time(alice)


async def test_free_text_where_a_button_is_expected_gets_a_kind_reprompt(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        await alice.send_text("tuesday please")
        reply = alice.last_message()
        assert reply.text.startswith("Please answer with one of the buttons below.")
        assert "choose a day" in reply.text
        assert "Tue 2 Mar" in reply.button_labels
        await alice.press("Tue 2 Mar")  # the re-sent buttons work
        assert "choose a time" in alice.last_message().text


async def test_an_old_button_says_it_expired_and_shows_the_current_step(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        calendar = alice.last_message()
        old_data = next(data for row in calendar.buttons for _, data in row if data)
        await press_first_day(alice)
        await press_first_time(alice)
        clock.advance(timedelta(minutes=5))
        update = journey.double.make_update(
            user_id=ALICE, callback_data=old_data, message_id=calendar.message_id
        )
        await journey.double.deliver(update)
        reply = alice.last_message()
        assert reply.text.startswith("That button is from an earlier message and has expired.")
        assert "What is your full name?" in reply.text
        assert journey.draft(ALICE).step == DraftStep.NAME


async def test_a_button_after_the_booking_ended_says_so_and_shows_the_menu(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await book_consultation(alice)
        summary = alice.last_message()
        await alice.press(CONFIRM)
        clock.advance(timedelta(minutes=1))
        update = journey.double.make_update(
            user_id=ALICE,
            callback_data=summary.buttons[0][0][1].replace(":ok:", ":ch:"),
            message_id=summary.message_id,
        )
        await journey.double.deliver(update)
        reply = alice.last_message()
        assert "expired" in reply.text
        assert "🗂 My appointments" in reply.button_labels
        assert len(journey.appointments()) == 1


async def test_start_in_the_middle_of_a_booking_offers_to_resume_or_restart(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await reach_name_step(alice)
        await alice.send_text("Alice Smith")
        await alice.send_command("/start")
        offer = alice.last_message()
        assert "part-way through booking" in offer.text
        assert offer.button_labels == ["Carry on", "Start again"]
        await alice.press("Carry on")
        assert "phone number" in alice.last_message().text
        await alice.send_command("/book")
        await alice.press("Start again")
        assert "choose a day" in alice.last_message().text
        assert "name" not in journey.draft(ALICE).data


async def test_book_in_the_middle_of_a_booking_offers_to_resume(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await reach_name_step(alice)
        await alice.send_command("/book")
        assert alice.last_message().button_labels == ["Carry on", "Start again"]
        await alice.press("Carry on")
        assert "What is your full name?" in alice.last_message().text


async def test_a_booking_left_for_days_is_cleared_kindly(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await reach_name_step(alice)
        prompt = alice.last_message()
        clock.advance(timedelta(hours=49))  # the profile forgets drafts after 48 h
        await alice.send_text("Alice Smith")
        reply = alice.last_message()
        assert "cleared after a while" in reply.text
        assert "📅 Book a consultation" in reply.button_labels
        await alice.press_on(prompt.message_id, "Stop booking")
        assert "expired" in alice.last_message().text
        await alice.send_command("/book")
        assert "cleared after a while. Let's start again." in alice.last_message().text
        assert "choose a day" in alice.last_message().text


async def test_an_unknown_command_is_answered(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.send_command("/frobnicate")
        reply = alice.last_message()
        assert "I don't know that command" in reply.text
        assert "📅 Book a consultation" in reply.button_labels


async def test_a_5000_character_message_is_answered_at_every_step(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await alice.send_text(LONG)  # before /start
        assert "Before we begin" in alice.last_message().text
        await start_and_consent(alice)
        await alice.send_text(LONG)  # nothing underway
        assert "I work with buttons" in alice.last_message().text
        await choose_first_time(alice)
        await alice.send_text(LONG)  # as a name
        assert "up to 100 characters" in alice.last_message().text
        await alice.send_text("Alice Smith")
        await alice.send_text(LONG)  # as a phone number
        assert "does not look like a phone number" in alice.last_message().text
        await alice.share_contact("+12015550123")
        await alice.send_text(LONG)  # at a Yes/No question
        assert "Please answer with one of the buttons" in alice.last_message().text
        for _ in range(9):
            await alice.press("No")
        await alice.send_text(LONG)  # as the medicines list
        assert "1000 characters" in alice.last_message().text
        assert LONG[:200] not in " ".join(m.text for m in journey.bot_messages(ALICE))


async def test_emoji_and_right_to_left_names_are_escaped(database, clock):
    name = "سارة <b>Ünal</b> & 👩🏽‍⚕️ O'Neil"
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "<i>Alice</i> 🌷")
        await alice.send_command("/start")
        assert "Hello <i>Alice</i> 🌷" in alice.last_message().text
        await alice.press("Yes, message me here")
        await to_phone_question(alice, name=name)
        await alice.share_contact("+12015550123")
        await answer_screening(alice)
        await alice.press("No, just Telegram")
        summary = alice.last_message()
        assert name in summary.text  # shown as typed, not as markup
        assert not any(
            entity["type"] == "bold" and entity["length"] == 4 for entity in summary.entities
        )
        await alice.press(CONFIRM)
        assert journey.patients()[0].name == name


@pytest.mark.parametrize(
    "typed",
    ["Ali\x00ce Smith", "\x1b[31mAlice Smith", "Alice\u202e htimS", "Alice \ud800Smith"],
    ids=["nul", "escape", "bidi_override", "lone_surrogate"],
)
async def test_a_name_with_control_characters_is_asked_for_again(database, clock, typed):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await reach_name_step(alice)
        await alice.send_text(typed)
        reply = alice.last_message()
        assert reply.text.startswith("Sorry, I can't use that as a name.")
        assert "What is your full name?" in reply.text
        assert journey.draft(ALICE).step == DraftStep.NAME
        await alice.send_text("Alice Smith")
        assert "phone number" in alice.last_message().text


async def test_names_and_medicines_are_stored_clean_on_every_database(any_db, clock):
    async with open_journey(any_db, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await reach_name_step(alice)
        await alice.send_text("Ali\x00ce Smith")
        await alice.send_text("  Alice \t Smith  ")
        await alice.share_contact("+12015550123")
        for _ in range(9):
            await alice.press("No")
        await alice.send_text("Gabapentin\x00 300 mg\r\ntwice a day\x07")
        for label in ("6", "5", "Yes", "No, just Telegram", CONFIRM):
            await alice.press(label)
        assert len(journey.appointments()) == 1
        assert journey.patients()[0].name == "Alice Smith"
        assert journey.screening()["S10"] == "Gabapentin 300 mg\ntwice a day"


async def test_a_medicines_answer_of_only_control_characters_is_asked_again(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await reach_name_step(alice)
        await alice.send_text("Alice Smith")
        await alice.share_contact("+12015550123")
        for _ in range(9):
            await alice.press("No")
        await alice.send_text("\x00\x01\x02")
        reply = alice.last_message()
        assert reply.text.startswith("Please answer with one of the buttons below.")
        assert "Your current medicines" in reply.text
        assert journey.draft(ALICE).step == DraftStep.MEDICINES


async def test_a_draft_saved_with_a_nul_in_the_name_asks_again_instead_of_failing(any_db, clock):
    """Drafts written before names were checked: Confirm must not fail on them forever."""
    async with open_journey(any_db, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await book_consultation(alice)
        with journey.core.db.session() as session:
            row = session.exec(select(BookingDraft)).one()
            data = json.loads(row.data)
            data["name"] = "Ali\x00ce Smith"
            data["medicines"] = "Gabapentin\x00"
            row.data = json.dumps(data)
        await alice.press(CONFIRM)
        reply = alice.last_message()
        assert reply.text.startswith("Sorry, I can't use that as a name.")
        assert journey.draft(ALICE).step == DraftStep.NAME
        await alice.send_text("Alice Smith")
        assert "Please check your booking" in alice.last_message().text
        await alice.press(CONFIRM)
        assert len(journey.appointments()) == 1
        assert journey.patients()[0].name == "Alice Smith"
        assert journey.screening()["S10"] == "Gabapentin"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("12345", "not valid"),
        ("call me maybe", "does not look like a phone number"),
        ("+1 555 123 4567", "not valid"),
        ("", None),
    ],
)
async def test_an_invalid_phone_number_is_asked_again_with_the_reason(
    database, clock, typed, reason
):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await reach_name_step(alice)
        await alice.send_text("Alice Smith")
        await alice.send_text(typed or " ")
        reply = alice.last_message()
        if reason:
            assert reason in reply.text
        assert reply.kind == "text"
        assert journey.double._chats[ALICE].reply_keyboard is not None  # share button again
        assert journey.draft(ALICE).step == DraftStep.PHONE


@pytest.mark.parametrize("concurrently", [True, False], ids=["concurrently", "in_turn"])
async def test_twenty_taps_a_second_on_confirm_book_once_and_answer_every_tap(
    database, clock, concurrently
):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await book_consultation(alice)
        summary = alice.last_message()
        before = len(journey.bot_messages(ALICE))
        if concurrently:
            await asyncio.gather(*(alice.press_on(summary.message_id, CONFIRM) for _ in range(20)))
        else:
            # Tapped before the first one's answer arrived, and run as the per-chat processor
            # runs them in production: each after the one before, so all but the first find
            # the booking made (each gets a toast, not a menu: 19 menus would be spam).
            [data] = [d for row in summary.buttons for label, d in row if label == CONFIRM]
            taps = [
                journey.double.make_update(
                    user_id=ALICE, callback_data=data, message_id=summary.message_id
                )
                for _ in range(20)
            ]
            for tap in taps:
                await journey.double.deliver(tap)
        assert len(journey.appointments()) == 1
        new_messages = journey.bot_messages(ALICE)[before:]
        assert [m.document_name for m in new_messages] == ["appointment.ics"]
        assert len(journey.double.callback_answers) == len(journey.double.pressed_queries)


@pytest.mark.parametrize("concurrently", [True, False], ids=["concurrently", "in_turn"])
async def test_twenty_taps_on_one_answer_record_it_once(database, clock, concurrently):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await reach_name_step(alice)
        await alice.send_text("Alice Smith")
        await alice.share_contact("+12015550123")
        question = alice.last_message()
        before = len(journey.bot_messages(ALICE))
        taps = [
            journey.double.make_update(
                user_id=ALICE,
                callback_data=question.buttons[0][0][1],
                message_id=question.message_id,
            )
            for _ in range(20)
        ]
        if concurrently:
            await asyncio.gather(*(journey.double.deliver(tap) for tap in taps))
        else:
            for tap in taps:
                await journey.double.deliver(tap)
        assert len(journey.bot_messages(ALICE)) == before  # the question was edited, no spam
        toasts = [a.text for a in journey.double.callback_answers[-20:]]
        assert toasts.count("Already noted ✓") == 19
        draft = journey.draft(ALICE)
        assert draft.data.count('"S1"') == 1
        assert '"S2"' not in draft.data
        assert "Question 2 of 9" in alice.last_message().text


@pytest.mark.parametrize(
    "data",
    [
        "garbage",
        "bk",
        "bk:ok",
        "bk:ok:x:",
        "bk:zz:1:",
        "ap:cy:notanumber",
        "ap:zz:1",
        "mn:zz",
        "xx:yy:zz",
        "wl:zz",
        "wl:p:consultation:0:z:0:0",
        "wl:l:x",
        "pv:zz",
        "rm:ok:x",
        "ci:1:nope",
        "cc:maybe:self_harm",
        "esc:ack:x",
        "st:zz:1",
    ],
)
async def test_forged_or_unknown_buttons_are_answered_as_expired(database, clock, data):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        before = len(journey.double.callback_answers)
        update = journey.double.make_update(
            user_id=ALICE, callback_data=data, message_id=alice.last_message().message_id
        )
        await journey.double.deliver(update)
        assert len(journey.double.callback_answers) == before + 1
        assert "expired" in alice.last_message().text
        assert journey.appointments() == []


async def test_a_photo_or_sticker_is_answered(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        update = journey.double.make_update(user_id=ALICE, text="x")
        message = update["message"]
        del message["text"]
        message["sticker"] = {
            "file_id": "s1",
            "file_unique_id": "u1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        await journey.double.deliver(update)
        assert "only read text messages" in alice.last_message().text


def test_callback_data_round_trips_and_stays_within_64_bytes():
    day = BookingStep(BookingVerb.DAY, 12, "20270302")
    assert day.pack() == "bk:dy:12:20270302"
    assert unpack(day.pack()) == day
    assert unpack("bk:ok:7:") == BookingStep(BookingVerb.CONFIRM, 7, "")
    with pytest.raises(CallbackDataError, match="longer than 64 bytes"):
        BookingStep(BookingVerb.SERVICE, 10**20, "x" * 40).pack()
    with pytest.raises(CallbackDataError, match="must be up to 40"):
        BookingStep(BookingVerb.SERVICE, 1, "bad:colon").pack()
    assert unpack("a" * 65) is None
    assert unpack("bk:é:1") is None
    assert unpack(None) is None


async def test_typed_answers_that_say_a_buttons_label_count_as_pressing_it(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await reach_name_step(alice)
        await alice.send_text("Alice Smith")
        await alice.share_contact("+12015550123")  # a typed number would need its code first
        # Case, spacing, punctuation and emoji do not matter; "no" is the button "No".
        for typed in ["yes", "  NO ", "no.", "No 👍", "not   sure", "no", "no", "no", "no"]:
            await alice.send_text(typed)
        await alice.send_text("none")  # medicines: a typing step keeps the words
        await alice.send_text("6")  # pain now, as digits
        await alice.send_text("five")  # pain on average, as a word
        await alice.send_text("Yes")  # driver
        await alice.send_text("yes")  # "Yes, text me too"
        draft = journey.draft(ALICE)
        assert draft is not None
        assert draft.step == DraftStep.SUMMARY
        data = json.loads(draft.data)
        assert data["screening"]["S1"] == "yes"
        assert data["screening"]["S2"] == "no"
        assert data["screening"]["S5"] == "not_sure"
        assert (data["pain_now"], data["pain_average"], data["driver"], data["sms"]) == (
            6,
            5,
            "yes",
            True,
        )


async def test_typed_text_that_is_not_exactly_a_label_is_still_refused_kindly(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await reach_name_step(alice)
        await alice.send_text("Alice Smith")
        await alice.send_text("201 555 0123")
        await alice.send_text("yes and no")
        assert alice.last_message().text.startswith("Please answer with one of the buttons")
        draft = journey.draft(ALICE)
        assert draft is not None
        assert json.loads(draft.data).get("screening", {}) == {}
