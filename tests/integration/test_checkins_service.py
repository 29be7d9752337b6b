"""The check-in conversation of issue 4 part 5: questions, answers once, scores, nudge, SMS."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.db.engine import Database
from bot.db.models import (
    AuditLog,
    BookingDraft,
    CheckIn,
    Outbox,
    Patient,
    StaffTask,
)
from bot.domain.callback_data import CheckinAnswer, unpack_as
from bot.domain.clock import FixedClock
from bot.domain.enums import EscalationLevel, OutboxKind, OutboxStatus
from bot.domain.errors import ConfigError
from bot.domain.sms_keywords import InboundKind
from bot.domain.sms_policy import assert_sms_safe
from bot.profile import ClinicProfile
from bot.services.checkin_questions import check_sms_texts
from bot.services.checkin_rows import SMS_SIGNS, AnswerResult, AnswerStatus, CheckinStatus
from bot.services.outbox import next_due_at
from bot.texts import Texts
from bot.texts.checkins import DEFAULTS as CHECKIN_TEXTS
from bot.texts.escalations import DEFAULTS as ESCALATION_TEXTS
from tests.checkin_helpers import (
    ALL_SLOTS,
    BENIGN,
    PATIENT_CHAT,
    PATIENT_PHONE,
    SESSION_START,
    World,
    build_world,
    checkin,
    checkin_row,
    done_session,
    escalations,
    next_question,
    open_slot,
    patient_messages,
    sms_answer,
    sms_patient,
    stored_answers,
    tap,
    walk,
)
from tests.outbox_helpers import ONCALL, STAFF_CHAT, telegram_patient

NY = ZoneInfo("America/New_York")


@pytest.fixture(name="w")
def world_fixture(any_db: Database, profile: ClinicProfile, clock: FixedClock) -> World:
    """The services wired to fake channels, on SQLite and (when configured) PostgreSQL."""
    return build_world(any_db, profile, clock)


# --- opening ------------------------------------------------------------------------------------


async def test_a_check_in_opens_with_the_intro_the_emergency_notice_and_the_first_safety_question(
    w: World,
) -> None:
    appointment_id = done_session(w)
    checkin_id = await open_slot(w, appointment_id, "E")

    chat_id, message = w.telegram.sent[-1]
    assert chat_id == PATIENT_CHAT
    assert "A few quick questions" in message.text
    assert "This chat is not monitored 24/7" in message.text
    assert w.catalog.questions["SAFE1"].text in message.text
    assert [[b.data for b in row] for row in message.buttons] == [
        [f"ci:{checkin_id}:SAFE1:yes", f"ci:{checkin_id}:SAFE1:no"]
    ]
    opened = checkin(w, checkin_id)
    assert opened.sent_at == w.clock.now()
    assert json.loads(opened.questions)[:4] == ["SAFE1", "SAFE2", "SAFE3", "SAFE4"]


async def test_every_check_in_and_nudge_carries_the_emergency_notice(w: World) -> None:
    done_session(w)

    while (due := next_due_at(w.db)) is not None:  # nobody answers: every nudge goes out too
        w.clock.set(max(due, w.clock.now()))
        await w.dispatcher.run_due()

    asking = [
        m
        for chat, m in w.telegram.sent
        if chat == PATIENT_CHAT
        and any(b.data and b.data.startswith("ci:") for r in m.buttons for b in r)
    ]
    sent = [r for r in _rows(w, kind=OutboxKind.CHECKIN) if r.status == OutboxStatus.SENT]
    nudges = [r for r in _rows(w, kind=OutboxKind.CHECKIN_NUDGE) if r.status == OutboxStatus.SENT]
    assert {json.loads(r.payload)["slot"] for r in sent} == set(ALL_SLOTS)
    assert len(asking) == len(sent) + len([n for n in nudges if n.channel != "staff"])
    assert all("This chat is not monitored 24/7" in m.text for m in asking)


def _rows(w: World, *, kind: OutboxKind) -> list[Outbox]:
    with w.db.session(write=False) as session:
        return list(session.exec(select(Outbox).where(col(Outbox.kind) == kind)).all())


# --- answering ----------------------------------------------------------------------------------


async def test_answering_every_question_ends_with_thanks_and_stores_the_answers(w: World) -> None:
    appointment_id = done_session(w)
    checkin_id = await open_slot(w, appointment_id, "E")

    results = await walk(w, checkin_id)

    codes = json.loads(checkin(w, checkin_id).questions)
    assert [code for code, _ in results] == codes
    assert stored_answers(w, checkin_id) == {
        code: BENIGN[w.catalog.questions[code].kind] for code in codes
    }
    last = results[-1][1]
    assert last.finished
    assert [m.text for m in last.messages] == [
        "Thank you. Your answers are saved for your care team."
    ]
    assert results[0][1].messages[0].buttons[0][0].data == f"ci:{checkin_id}:SAFE2:yes"
    closed = checkin(w, checkin_id)
    assert closed.status == CheckinStatus.DONE
    assert closed.completed_at == w.clock.now()
    nudge = [r for r in _rows(w, kind=OutboxKind.CHECKIN_NUDGE)]
    assert [r.status for r in nudge] == [OutboxStatus.CANCELLED]
    assert escalations(w) == []


async def test_the_pressed_question_shows_the_answer_and_keeps_the_emergency_notice(
    w: World,
) -> None:
    appointment_id = done_session(w)
    checkin_id = await open_slot(w, appointment_id, "E")

    first = await tap(w, checkin_id, "SAFE1", "no")
    second = await tap(w, checkin_id, "SAFE2", "no")

    assert first.answered is not None
    assert "This chat is not monitored 24/7" in first.answered
    assert first.answered.endswith("→ <b>No</b>")
    assert second.answered is not None
    assert "not monitored" not in second.answered


async def test_a_double_tap_records_once(w: World) -> None:
    appointment_id = done_session(w)
    checkin_id = await open_slot(w, appointment_id, "E")

    first = await tap(w, checkin_id, "SAFE1", "no")
    again = await tap(w, checkin_id, "SAFE1", "no")
    changed_mind = await tap(w, checkin_id, "SAFE1", "yes")

    assert first.status is AnswerStatus.RECORDED
    assert again.status is AnswerStatus.ALREADY_ANSWERED
    assert again.messages == ()
    assert again.notice == "Already recorded, thank you."
    assert changed_mind.status is AnswerStatus.ALREADY_ANSWERED
    assert stored_answers(w, checkin_id) == {"SAFE1": "no"}
    assert escalations(w) == []


async def test_a_double_tap_on_a_red_flag_escalates_once(w: World) -> None:
    appointment_id = done_session(w)
    checkin_id = await open_slot(w, appointment_id, "D1")

    await tap(w, checkin_id, "SAFE2", "yes")
    await tap(w, checkin_id, "SAFE2", "yes")

    assert [e.rule for e in escalations(w)] == ["emergency"]
    assert len(w.sms.bodies_to(ONCALL)) == 1


def test_two_simultaneous_taps_record_once(w: World) -> None:
    appointment_id = done_session(w)
    checkin_id = asyncio.run(open_slot(w, appointment_id, "E"))
    results: list[AnswerResult] = []
    start = threading.Barrier(2)

    def press() -> None:
        start.wait()
        results.append(asyncio.run(tap(w, checkin_id, "SAFE1", "no")))

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.status for r in results) == [
        AnswerStatus.ALREADY_ANSWERED,
        AnswerStatus.RECORDED,
    ]
    assert stored_answers(w, checkin_id) == {"SAFE1": "no"}


async def test_an_old_button_of_a_closed_check_in_gets_a_clear_answer(w: World) -> None:
    appointment_id = done_session(w)
    checkin_id = await open_slot(w, appointment_id, "E")
    await walk(w, checkin_id)

    late = await tap(w, checkin_id, "SAFE1", "yes")

    assert late.status is AnswerStatus.CLOSED
    assert late.notice == "This check-in is already closed. Thank you."
    assert escalations(w) == []


async def test_a_button_of_a_cancelled_check_in_gets_a_clear_answer(w: World) -> None:
    appointment_id = done_session(w)
    checkin_id = await open_slot(w, appointment_id, "E")
    w.aftercare.mark_no_show(appointment_id=appointment_id, actor="staff:1")

    result = await tap(w, checkin_id, "SAFE1", "no")

    assert result.status is AnswerStatus.CLOSED
    assert stored_answers(w, checkin_id) == {}


async def test_someone_elses_button_records_nothing(w: World) -> None:
    appointment_id = done_session(w)
    checkin_id = await open_slot(w, appointment_id, "E")
    telegram_patient(w.db, now=w.clock.now(), chat_id=777, phone=None)

    result = await tap(w, checkin_id, "SAFE1", "no", user=777)

    assert result.status is AnswerStatus.NOT_FOUND
    assert result.notice == "This check-in is not available."
    assert stored_answers(w, checkin_id) == {}


async def test_a_forged_answer_or_question_records_nothing(w: World) -> None:
    appointment_id = done_session(w)
    checkin_id = await open_slot(w, appointment_id, "E")

    wrong_option = await tap(w, checkin_id, "SAFE1", "maybe")
    not_in_this_checkin = await tap(w, checkin_id, "PGIC", "1")
    unknown = await tap(w, checkin_id, "ZZZ", "yes")

    assert {wrong_option.status, not_in_this_checkin.status, unknown.status} == {
        AnswerStatus.NOT_ASKED
    }
    assert stored_answers(w, checkin_id) == {}


def test_callback_data_fits_telegram_and_parses_back(w: World) -> None:
    biggest_id = 999_999_999_999
    for question in w.catalog.questions.values():
        for option in question.options:
            data = f"ci:{biggest_id}:{question.code}:{option.code}"
            assert len(data.encode()) <= 64
            pressed = CheckinAnswer(biggest_id, question.code, option.code)
            assert pressed.pack() == data
            assert unpack_as(data, CheckinAnswer) == pressed
    assert unpack_as("ci:x:SAFE1:yes", CheckinAnswer) is None
    assert unpack_as("esc:ack:1", CheckinAnswer) is None


# --- follow-ups and scores ----------------------------------------------------------------------


async def test_yes_to_self_harm_shows_988_and_asks_the_c_ssrs_next(w: World) -> None:
    appointment_id = done_session(w)
    checkin_id = await open_slot(w, appointment_id, "E")
    for code in ("SAFE1", "SAFE2", "SAFE3"):
        await tap(w, checkin_id, code, "no")

    result = await tap(w, checkin_id, "SAFE4", "yes")

    assert "988" in result.messages[0].text
    assert "911" in result.messages[0].text
    assert result.messages[1].buttons[0][0].data == f"ci:{checkin_id}:CS1:yes"
    assert next_question(w, checkin_id) == "CS1"
    await tap(w, checkin_id, "CS1", "no")
    await tap(w, checkin_id, "CS2", "yes")
    assert next_question(w, checkin_id) == "CS3"
    for code in ("CS3", "CS4", "CS5", "CS6"):
        await tap(w, checkin_id, code, "no")
    assert next_question(w, checkin_id) == "SE_NAU"
    assert [(e.rule, e.level) for e in escalations(w)] == [("suicidal", EscalationLevel.SAME_DAY)]


async def test_a_positive_phq2_asks_the_full_phq9_at_the_next_check_in_once(w: World) -> None:
    appointment_id = done_session(w)
    d7 = await open_slot(w, appointment_id, "D7")
    await walk(w, d7, {"PHQ1": "2", "PHQ2": "1"})

    d14 = await open_slot(w, appointment_id, "D14")
    d14_codes = json.loads(checkin(w, d14).questions)
    await walk(w, d14, {"PHQ1": "2", "PHQ2": "2"})
    w21 = await open_slot(w, appointment_id, "W21")

    assert [c for c in d14_codes if c.startswith("PHQ")] == [f"PHQ{n}" for n in range(1, 10)]
    assert not any(c.startswith("PHQ") for c in json.loads(checkin(w, w21).questions))
    assert [e.rule for e in escalations(w)] == ["phq2_high", "phq2_high"]


async def test_the_closing_answer_scores_peg_and_phq2_in_the_audit_log(w: World) -> None:
    appointment_id = done_session(w)
    d7 = await open_slot(w, appointment_id, "D7")

    await walk(w, d7, {"PEG_PAIN": "4", "PEG_ENJ": "5", "PEG_ACT": "9", "PHQ1": "1"})

    with w.db.session(write=False) as session:
        entry = session.exec(select(AuditLog).where(col(AuditLog.action) == "checkin.done")).one()
    detail = json.loads(entry.detail)
    assert detail["peg"] == 6.0
    assert detail["phq2"] == 1
    assert detail["phq9"] is None
    assert detail["phq9_next"] is False
    assert entry.subject == f"checkin:{d7}"


# --- nudge and staff task -----------------------------------------------------------------------


async def test_no_reply_gets_one_nudge_then_a_staff_task(w: World) -> None:
    appointment_id = done_session(w)
    checkin_id = await open_slot(w, appointment_id, "D3")
    opened_at = w.clock.now()
    await tap(w, checkin_id, "PAINNOW", "4")

    w.clock.set(opened_at + timedelta(hours=4))
    await w.dispatcher.run_due()
    _, nudge_message = w.telegram.sent[-1]
    nudge = nudge_message.text
    w.clock.set(opened_at + timedelta(hours=8))
    await w.dispatcher.run_due()
    w.clock.set(opened_at + timedelta(hours=20))
    await w.dispatcher.run_due()

    assert nudge.startswith("A reminder: your check-in is still open.")
    assert "This chat is not monitored 24/7" in nudge
    assert nudge_message.buttons[0][0].data == f"ci:{checkin_id}:PAINAVG:0"
    staff = w.telegram.texts_to(STAFF_CHAT)
    assert len(staff) == 1
    assert "Check-in not completed" in staff[0]
    assert "Answered 1 of 18 questions" in staff[0]
    assert sum(t.startswith("A reminder") for t in patient_messages(w)) == 1
    with w.db.session(write=False) as session:
        task = session.exec(select(StaffTask)).one()
    assert task.kind == "checkin_missed"
    assert task.appointment_id == appointment_id
    assert checkin(w, checkin_id).status == CheckinStatus.MISSED
    assert escalations(w) == []


async def test_a_missed_check_in_still_accepts_answers(w: World) -> None:
    appointment_id = done_session(w)
    checkin_id = await open_slot(w, appointment_id, "D3")
    for _ in range(2):  # the nudge, then the staff task
        w.clock.advance(timedelta(hours=4))
        await w.dispatcher.run_due()
    assert checkin(w, checkin_id).status == CheckinStatus.MISSED

    await walk(w, checkin_id)

    assert checkin(w, checkin_id).status == CheckinStatus.DONE


async def test_answering_before_the_nudge_cancels_it(w: World) -> None:
    appointment_id = done_session(w)
    checkin_id = await open_slot(w, appointment_id, "D3")
    await walk(w, checkin_id)
    sent_before = len(w.telegram.sent)

    w.clock.advance(timedelta(hours=12))
    await w.dispatcher.run_due()

    assert len(w.telegram.sent) == sent_before
    assert w.telegram.texts_to(STAFF_CHAT) == []


async def test_a_nudge_that_would_fall_in_quiet_hours_waits_for_the_morning(w: World) -> None:
    appointment_id = done_session(w)
    checkin_id = await open_slot(w, appointment_id, "E")  # 17:00 clinic time

    (nudge,) = _rows(w, kind=OutboxKind.CHECKIN_NUDGE)
    assert nudge.due_at.astimezone(NY).strftime("%a %H:%M") == "Tue 08:00"
    w.clock.set(datetime(2027, 3, 2, 2, 30, tzinfo=UTC))  # 21:30 clinic time
    await w.dispatcher.run_due()
    assert not any(t.startswith("A reminder") for t in patient_messages(w))
    w.clock.set(nudge.due_at)
    await w.dispatcher.run_due()
    assert patient_messages(w)[-1].startswith("A reminder")
    assert checkin_id


async def test_a_check_in_delayed_into_quiet_hours_waits_for_the_morning(w: World) -> None:
    appointment_id = done_session(w)
    row = checkin_row(w, appointment_id, "D3")
    w.clock.set(datetime(2027, 3, 5, 3, 30, tzinfo=UTC))  # Thu 22:30: the bot was down at 09:00

    await w.dispatcher.run_due()
    asked_at_night = [t for t in patient_messages(w) if "A few quick questions" in t]
    w.clock.set(datetime(2027, 3, 5, 13, 0, tzinfo=UTC))  # Fri 08:00
    await w.dispatcher.run_due()

    assert asked_at_night == []
    assert "A few quick questions" in patient_messages(w)[-1]
    opened = checkin(w, json.loads(row.payload)["checkin_id"])
    assert opened.status == CheckinStatus.OPEN
    assert opened.sent_at == w.clock.now()


async def test_an_evening_check_in_delayed_into_the_night_is_dropped_for_the_morning_one(
    w: World,
) -> None:
    appointment_id = done_session(w)
    evening = checkin_row(w, appointment_id, "E")
    w.clock.set(datetime(2027, 3, 2, 3, 30, tzinfo=UTC))  # 22:30: the bot was down at 17:00

    await w.dispatcher.run_due()
    w.clock.set(datetime(2027, 3, 2, 13, 0, tzinfo=UTC))  # 08:00
    await w.dispatcher.run_due()

    assert not any("A few quick questions" in t for t in patient_messages(w))
    # Never sent, so never answered: staff are asked to call instead (nothing falls through).
    assert checkin(w, json.loads(evening.payload)["checkin_id"]).status == CheckinStatus.MISSED
    assert any("Safety check-in not sent" in t for t in w.telegram.texts_to(STAFF_CHAT))
    morning = await open_slot(w, appointment_id, "D1")
    assert checkin(w, morning).slot == "D1"


# --- SMS ----------------------------------------------------------------------------------------


async def test_an_sms_check_in_asks_only_the_safety_screen_and_one_score_in_neutral_words(
    w: World,
) -> None:
    patient_id = sms_patient(w)
    appointment_id = done_session(w, patient_id=patient_id)
    checkin_id = await open_slot(w, appointment_id, "D1")

    opening = w.sms.bodies_to(PATIENT_PHONE)[-1]
    replies = [
        sms_answer(w, patient_id, InboundKind.NO),
        sms_answer(w, patient_id, InboundKind.NO),
        sms_answer(w, patient_id, InboundKind.NUMBER, 4),
    ]

    assert opening == (
        "Riverside Health: Since your visit, any trouble with your chest or breathing, passing "
        "out, sudden weakness on one side, trouble speaking or seeing, or swelling of your face "
        "or throat? Reply Y or N. Emergency: call 911. Crisis: call or text 988"
    )
    assert "aftercare sheet" not in opening
    assert "Are you having thoughts of harming yourself? Reply Y or N." in replies[0]
    assert replies[0].endswith("Emergency: call 911. Crisis: call or text 988")
    assert "Rate how you feel now, 0 (fine) to 10 (worst)" in replies[1]
    assert replies[2].startswith("Riverside Health: thank you, your answers are saved")
    for text in [opening, *replies]:
        assert_sms_safe(text, max_segments=2)
    assert stored_answers(w, checkin_id) == {SMS_SIGNS: "no", "SAFE4": "no", "PAINNOW": "4"}
    assert checkin(w, checkin_id).status == CheckinStatus.DONE
    with w.db.session(write=False) as session:
        assert session.exec(select(BookingDraft)).all() == []


async def test_an_sms_check_in_opens_the_answer_window_for_the_sms_service(w: World) -> None:
    patient_id = sms_patient(w)
    appointment_id = done_session(w, patient_id=patient_id)
    checkin_id = await open_slot(w, appointment_id, "E")

    with w.db.session(write=False) as session:
        draft = session.exec(select(BookingDraft)).one()
    assert (draft.channel, draft.address, draft.flow) == ("sms", PATIENT_PHONE, "checkin")
    assert json.loads(draft.data) == {"checkin_id": checkin_id}
    assert draft.expires_at is not None
    assert draft.expires_at > w.clock.now()


async def test_a_yes_by_sms_gets_the_emergency_reply_and_pages_at_once(w: World) -> None:
    patient_id = sms_patient(w)
    appointment_id = done_session(w, patient_id=patient_id)
    checkin_id = await open_slot(w, appointment_id, "D1")

    nothing_waiting = await w.escalation.page_now_for_phone(PATIENT_PHONE)
    reply = sms_answer(w, patient_id, InboundKind.YES)
    # What the SMS webhook has done in the background after replying.
    report = await w.escalation.page_now_for_phone(PATIENT_PHONE)

    assert nothing_waiting is None
    assert report is not None
    assert report.sent == 2
    assert reply == (
        "Riverside Health: Call 911 now or go to the nearest emergency room. Don't drive yourself."
    )
    assert_sms_safe(reply)
    (escalation,) = escalations(w)
    assert (escalation.rule, escalation.level) == ("emergency", EscalationLevel.URGENT)
    assert "by SMS, Yes to the urgent signs question (safety items 1-3" in escalation.detail
    assert len(w.telegram.texts_to(STAFF_CHAT)) == 1
    assert len(w.sms.bodies_to(ONCALL)) == 1
    assert checkin(w, checkin_id).status == CheckinStatus.DONE


async def test_yes_to_warning_sign_4_by_sms_is_paged_as_urgent(w: World) -> None:
    patient_id = sms_patient(w)
    appointment_id = done_session(w, patient_id=patient_id)
    await open_slot(w, appointment_id, "D1")
    sms_answer(w, patient_id, InboundKind.NO)

    reply = sms_answer(w, patient_id, InboundKind.YES)
    await w.escalation.page_now_for_phone(PATIENT_PHONE)

    assert "988" in reply
    assert "911" in reply
    assert_sms_safe(reply)
    (escalation,) = escalations(w)
    assert (escalation.rule, escalation.level) == ("suicidal", EscalationLevel.URGENT)
    assert "follow-up questions not asked" in escalation.detail
    assert len(w.sms.bodies_to(ONCALL)) == 1


async def test_an_sms_reply_that_does_not_answer_the_question_is_asked_again(w: World) -> None:
    patient_id = sms_patient(w)
    appointment_id = done_session(w, patient_id=patient_id)
    checkin_id = await open_slot(w, appointment_id, "D1")

    wrong_kind = sms_answer(w, patient_id, InboundKind.NUMBER, 5)
    sms_answer(w, patient_id, InboundKind.NO)
    sms_answer(w, patient_id, InboundKind.NO)
    not_a_number = sms_answer(w, patient_id, InboundKind.YES)

    assert (
        wrong_kind
        == "Riverside Health: please reply Y or N. Emergency: call 911. Crisis: call or text 988"
    )
    assert not_a_number.startswith("Riverside Health: please reply with one number")
    assert stored_answers(w, checkin_id) == {SMS_SIGNS: "no", "SAFE4": "no"}


async def test_a_check_in_opened_in_telegram_is_nudged_by_sms_in_neutral_words(w: World) -> None:
    patient_id = telegram_patient(w.db, now=w.clock.now(), sms_consent=True)
    appointment_id = done_session(w, patient_id=patient_id)
    checkin_id = await open_slot(w, appointment_id, "D1")
    await tap(w, checkin_id, "SAFE1", "no")
    w.telegram.blocked.add(PATIENT_CHAT)

    w.clock.advance(timedelta(hours=4))
    await w.dispatcher.run_due()
    nudge = w.sms.bodies_to(PATIENT_PHONE)[-1]
    reply = sms_answer(w, patient_id, InboundKind.NO)

    assert nudge.startswith("Riverside Health reminder: Since your visit, any trouble with")
    assert_sms_safe(nudge, max_segments=2)
    assert "thoughts of harming yourself" in reply
    assert stored_answers(w, checkin_id) == {"SAFE1": "no", SMS_SIGNS: "no"}


def test_every_default_sms_check_in_and_on_call_text_is_neutral_and_one_segment(
    profile: ClinicProfile,
) -> None:
    texts = Texts()
    values = {
        "clinic": profile.clinic.name,
        "question": texts.plain("sms_checkin_q_signs", first=1, last=3),
        "text": "Are you having thoughts of harming yourself?",
        "first": 1,
        "last": 3,
        "number": 4,
        "escalation_id": 123456,
        "repeat": texts.plain("sms_oncall_repeat", page=12),
        "page": 12,
        "patient_ref": "ref 123456",
        "callback": " on +15555550123",
        "ids": "123456, 123457",
        "time": "12:59 PM",
        "when": "Wed 30 Sep 12:59 PM",
    }
    keys = [k for k in [*CHECKIN_TEXTS, *ESCALATION_TEXTS] if k.startswith(("sms_", "voice_"))]
    assert len(keys) >= 15
    for key in keys:
        # The question-bearing texts may take two segments, as the sender allows.
        assert_sms_safe(texts.plain(key, **values), max_segments=2)
    for question in ("sms_checkin_q_sign", "sms_checkin_q_sign_other", "sms_checkin_q_score"):
        for wrapper in ("sms_checkin_open", "sms_checkin_nudge"):
            body = texts.plain(
                wrapper,
                clinic=profile.clinic.name,
                question=texts.plain(question, number=4, text=values["text"]),
            )
            assert_sms_safe(body, max_segments=2)
            assert body.endswith("Emergency: call 911. Crisis: call or text 988")


async def test_an_unsafe_sms_override_is_never_sent(
    sqlite_db: Database, profile: ClinicProfile, clock: FixedClock
) -> None:
    w = build_world(sqlite_db, profile, clock)
    w.checkins.texts = Texts({"sms_checkin_done": "{clinic}: thanks, hope the pain is better"})
    patient_id = sms_patient(w)
    appointment_id = done_session(w, patient_id=patient_id)
    await open_slot(w, appointment_id, "D3")

    reply = sms_answer(w, patient_id, InboundKind.NUMBER, 2)

    assert (
        reply
        == "Riverside Health: thank you, your answers are saved. Emergency: call 911. Crisis: call or text 988"
    )


def test_an_sms_reply_for_a_check_in_that_is_gone_gets_a_clear_answer(w: World) -> None:
    patient_id = sms_patient(w)
    with w.db.session() as session:
        session.add(
            BookingDraft(
                channel="sms",
                address=PATIENT_PHONE,
                patient_id=patient_id,
                flow="checkin",
                step="SAFE4",
                data=json.dumps({"checkin_id": 999}),
                updated_at=w.clock.now(),
            )
        )

    reply = sms_answer(w, patient_id, InboundKind.YES)

    assert reply.startswith("Riverside Health: thank you, nothing is waiting for a reply")
    with w.db.session(write=False) as session:
        assert session.exec(select(BookingDraft)).all() == []
        assert session.get(Patient, patient_id) is not None


def test_start_up_refuses_an_sms_text_override_that_names_a_symptom(profile: ClinicProfile) -> None:
    check_sms_texts(Texts(), profile)
    unsafe = Texts({"sms_checkin_q_score": "Rate your pain now, 0 to 10."})

    with pytest.raises(ConfigError, match=r"texts\.sms_checkin_.*pain"):
        check_sms_texts(unsafe, profile)


async def _weekly_after(w: World, *, average_pain: str) -> tuple[int, list[CheckIn]]:
    """Baseline average pain 8, a session, D7 and D14 answered with `average_pain`, then W21 due."""
    from bot.db.models import ScreeningAnswer

    patient_id = telegram_patient(w.db, now=w.clock.now())
    with w.db.session() as session:
        session.add(
            ScreeningAnswer(
                patient_id=patient_id,
                code="S11_avg",
                answer="8",
                answered_at=SESSION_START - timedelta(days=7),
            )
        )
    appointment_id = done_session(w, patient_id=patient_id)
    for slot in ("D7", "D14"):
        checkin_id = await open_slot(w, appointment_id, slot)
        await walk(w, checkin_id, {w.catalog.outcomes.pain_question: average_pain})
    row = checkin_row(w, appointment_id, "W21")
    w.clock.set(row.due_at)
    await w.dispatcher.run_due()
    with w.db.session(write=False) as session:
        weekly = list(
            session.exec(
                select(CheckIn)
                .where(col(CheckIn.appointment_id) == appointment_id)
                .where(col(CheckIn.slot).startswith("W"))
                .order_by(col(CheckIn.id))
            ).all()
        )
    return appointment_id, weekly


async def test_weekly_check_ins_stop_once_relief_is_lost(w: World) -> None:
    appointment_id, weekly = await _weekly_after(w, average_pain="8")  # 0% better, twice
    assert {c.status for c in weekly} == {CheckinStatus.CANCELLED}
    later = [checkin_row(w, appointment_id, slot) for slot in ("W21", "W28", "W56")]
    assert [r.status for r in later] == [OutboxStatus.SKIPPED] + [OutboxStatus.CANCELLED] * 2


async def test_weekly_check_ins_go_on_while_relief_lasts(w: World) -> None:
    _, weekly = await _weekly_after(w, average_pain="3")  # 62% better than baseline
    assert weekly[0].status == CheckinStatus.OPEN
    assert all(c.status == CheckinStatus.PLANNED for c in weekly[1:])
