"""Issue 10 items 2 and 3: every red-flag level has a deadline and an owner, and an unanswered
alert climbs the ladder (staff chat, on-call SMS, a voice call, the backup phone) until someone
acknowledges it, by button, by SMS or by pressing 1 on the call. A fake clock moves time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.db.engine import Database
from bot.db.models import AuditLog, Escalation, Outbox
from bot.domain.clock import FixedClock
from bot.domain.deadlines import Owner, deadline_for, end_of_clinic_day, next_opening
from bot.domain.enums import EscalationLevel, OutboxKind, OutboxStatus
from bot.domain.sms_policy import assert_sms_safe
from bot.profile import ClinicProfile
from bot.services.escalation_ladder import AckStatus, is_sms_ack
from tests.checkin_helpers import (
    PATIENT_CHAT,
    World,
    build_world,
    done_session,
    escalations,
    open_slot,
    tap,
    walk,
)
from tests.fakes import FakeVoice
from tests.outbox_helpers import ONCALL, STAFF_CHAT, telegram_patient

BACKUP = "+15550002222"
TAKEN = "A clinician has seen your answer and will contact you."


@pytest.fixture(name="w")
def world_fixture(sqlite_db: Database, profile: ClinicProfile, clock: FixedClock) -> World:
    w = build_world(sqlite_db, profile, clock)
    w.dispatcher.channels.voice = FakeVoice()
    w.dispatcher.channels.backup_phone = BACKUP
    return w


def voice(w: World) -> FakeVoice:
    caller = w.dispatcher.channels.voice
    assert isinstance(caller, FakeVoice)
    return caller


def staff(w: World) -> list[str]:
    return w.telegram.texts_to(STAFF_CHAT)


def only(w: World) -> Escalation:
    (escalation,) = escalations(w)
    return escalation


async def tick(w: World, minutes: float) -> None:
    """Let time pass and run the outbox, as the scheduler would."""
    w.clock.advance(timedelta(minutes=minutes))
    await w.dispatcher.run_due()


def local(w: World, text: str) -> datetime:
    """A clinic-time moment "2027-03-02 10:00" as aware UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=w.profile.tz).astimezone(UTC)


async def flag_on(w: World, slot: str, answers: dict[str, str]) -> Escalation:
    checkin_id = await open_slot(w, done_session(w), slot)
    await walk(w, checkin_id, answers)
    return only(w)


# --- the rules (pure) ---------------------------------------------------------------------------


def test_each_level_has_its_deadline_and_owner_in_opening_hours(w: World) -> None:
    tuesday_9 = local(w, "2027-03-02 09:00")
    tz, opening = w.profile.tz, w.escalation.opening

    def at(level: EscalationLevel) -> tuple[datetime, Owner, bool]:
        deadline = deadline_for(level, now=tuesday_9, opening=opening, tz=tz)
        return deadline.at, deadline.owner, deadline.page_now

    assert at(EscalationLevel.URGENT) == (tuesday_9, Owner.ONCALL, True)
    assert at(EscalationLevel.CALLBACK_1H) == (local(w, "2027-03-02 10:00"), Owner.STAFF, False)
    assert at(EscalationLevel.SAME_DAY) == (local(w, "2027-03-02 17:30"), Owner.STAFF, False)
    assert at(EscalationLevel.NEXT_BUSINESS_DAY) == (
        local(w, "2027-03-03 08:30"),
        Owner.STAFF,
        False,
    )
    assert at(EscalationLevel.BUSINESS_DAY) == (local(w, "2027-03-03 17:30"), Owner.STAFF, False)


def test_a_deadline_outside_opening_hours_goes_to_on_call_at_once(w: World) -> None:
    tz, opening = w.profile.tz, w.escalation.opening
    thursday_evening = local(w, "2027-03-04 20:32")  # the example
    late_afternoon = local(w, "2027-03-02 17:00")  # a 1 h callback would end after closing

    for level in (EscalationLevel.CALLBACK_1H, EscalationLevel.SAME_DAY):
        deadline = deadline_for(level, now=thursday_evening, opening=opening, tz=tz)
        assert (deadline.owner, deadline.page_now) == (Owner.ONCALL, True)
    late = deadline_for(EscalationLevel.CALLBACK_1H, now=late_afternoon, opening=opening, tz=tz)
    assert late.page_now
    # Next business day after Saturday is Monday (Sunday is closed), still a task.
    saturday = deadline_for(
        EscalationLevel.NEXT_BUSINESS_DAY,
        now=local(w, "2027-03-06 12:00"),
        opening=opening,
        tz=tz,
    )
    assert (saturday.at, saturday.page_now) == (local(w, "2027-03-08 08:30"), False)


def test_closures_count_as_closed_days(w: World) -> None:
    christmas_eve = local(w, "2026-12-24 10:00")
    opening = w.escalation.opening
    assert next_opening(christmas_eve, opening=opening, tz=w.profile.tz) == local(
        w, "2026-12-26 09:00"
    )
    assert end_of_clinic_day(local(w, "2026-12-25 10:00"), opening=opening, tz=w.profile.tz) is None


# --- each level's deadline passing --------------------------------------------------------------


async def test_a_one_hour_callback_nobody_takes_becomes_urgent_at_its_deadline(w: World) -> None:
    escalation = await flag_on(w, "D1", {"SE_NAU": "sev"})  # Tuesday 09:00
    assert escalation.level == EscalationLevel.CALLBACK_1H
    assert escalation.deadline_at == local(w, "2027-03-02 10:00")
    assert escalation.owner == Owner.STAFF
    assert "⏰ Deadline: Tue 2 Mar 10:00 AM · owner: staff chat" in staff(w)[-1]

    await tick(w, 59)
    assert w.sms.bodies_to(ONCALL) == []
    await tick(w, 1)

    alert = staff(w)[-1]
    assert f"URGENT now: deadline passed</b> F-{escalation.id}" in alert
    assert "Red flag: call the patient back within 1 hour" in alert
    assert "⏰ Deadline: Tue 2 Mar 10:00 AM · owner: on-call" in alert
    (page,) = w.sms.bodies_to(ONCALL)
    assert page.startswith(f"Riverside Health URGENT alert F-{escalation.id}: call patient")
    assert f"Reply ACK F-{escalation.id}" in page
    climbed = only(w)
    assert climbed.climbed_at == local(w, "2027-03-02 10:00")
    assert climbed.owner == Owner.ONCALL
    await tick(w, 10)
    assert len(w.sms.bodies_to(ONCALL)) == 2  # re-paged like any urgent alert


async def test_a_callback_taken_before_its_deadline_pages_nobody_and_the_patient_hears(
    w: World,
) -> None:
    escalation = await flag_on(w, "D1", {"SE_NAU": "sev"})
    assert escalation.id is not None
    await tick(w, 20)

    ack = w.escalation.acknowledge(escalation_id=escalation.id, actor="staff:1")
    await tick(w, 0)
    await tick(w, 120)

    assert ack.status is AckStatus.ACKNOWLEDGED
    assert w.sms.sent == []
    assert voice(w).calls == []
    assert w.telegram.texts_to(PATIENT_CHAT)[-1] == TAKEN
    with w.db.session(write=False) as session:
        timer = session.exec(
            select(Outbox).where(col(Outbox.kind) == OutboxKind.ESCALATION_DEADLINE)
        ).one()
    assert (timer.status, timer.last_error) == (OutboxStatus.CANCELLED, "acknowledged")


async def test_a_same_day_flag_goes_to_on_call_by_sms_at_the_end_of_the_clinic_day(
    w: World,
) -> None:
    escalation = await flag_on(w, "D1", {"SE_LIVER": "yes"})  # Tuesday 09:00
    assert (escalation.level, escalation.deadline_at) == (
        EscalationLevel.SAME_DAY,
        local(w, "2027-03-02 17:30"),
    )

    w.clock.set(local(w, "2027-03-02 17:29"))
    await w.dispatcher.run_due()
    assert w.sms.bodies_to(ONCALL) == []
    w.clock.set(local(w, "2027-03-02 17:30"))
    await w.dispatcher.run_due()

    (page,) = w.sms.bodies_to(ONCALL)
    assert f"alert F-{escalation.id}" in page
    assert_sms_safe(page)


async def test_a_next_business_day_flag_stays_a_task_and_leads_the_digest_once_overdue(
    w: World,
) -> None:
    escalation = await flag_on(w, "D3", {"SE_DIZ": "mod"})  # Thursday 09:00
    assert escalation.level == EscalationLevel.NEXT_BUSINESS_DAY
    assert escalation.deadline_at == local(w, "2027-03-05 08:30")  # Friday's opening

    w.clock.set(local(w, "2027-03-05 08:31"))
    await w.dispatcher.run_due()

    assert w.sms.sent == []
    assert voice(w).calls == []
    assert only(w).climbed_at is None


# --- after hours ----------------------------------------------------------------------------------


async def test_a_flag_raised_after_hours_is_paged_to_on_call_at_once(w: World) -> None:
    checkin_id = await open_slot(w, done_session(w), "E")  # Monday evening
    w.clock.set(local(w, "2027-03-01 20:32"))

    await walk(w, checkin_id, {"SE_NAU": "sev"})

    escalation = only(w)
    assert escalation.level == EscalationLevel.CALLBACK_1H
    assert (escalation.owner, escalation.climbed_at) == (Owner.ONCALL, w.clock.now())
    alert = staff(w)[-1]
    assert "URGENT now: outside opening hours" in alert
    assert len(w.sms.bodies_to(ONCALL)) == 1


# --- the ladder -----------------------------------------------------------------------------------


async def test_the_ladder_climbs_to_a_call_and_then_the_backup_phone(w: World) -> None:
    checkin_id = await open_slot(w, done_session(w), "D1")
    await tap(w, checkin_id, "SAFE1", "yes")
    escalation = only(w)

    assert (len(staff(w)), len(w.sms.bodies_to(ONCALL)), voice(w).calls) == (1, 1, [])
    await tick(w, 10)  # page 2: still staff chat and SMS
    assert (len(staff(w)), len(w.sms.bodies_to(ONCALL)), voice(w).calls) == (2, 2, [])
    await tick(w, 10)  # page 3: two pages unanswered, so on-call gets a call
    (call,) = voice(w).calls
    assert call[0] == ONCALL
    assert call[2] == f"escalation={escalation.id}"
    assert_sms_safe(call[1])
    assert w.sms.bodies_to(BACKUP) == []
    await tick(w, 10)  # page 4: the backup phone, by SMS and call
    (backup_page,) = w.sms.bodies_to(BACKUP)
    assert f"alert F-{escalation.id}" in backup_page
    assert voice(w).to(BACKUP)
    assert len(voice(w).to(ONCALL)) == 2
    assert only(w).owner == Owner.BACKUP

    assert escalation.id is not None
    status = w.escalation.acknowledge_call(escalation_id=escalation.id, callee=BACKUP, digits="1")
    await tick(w, 0)
    calls_before = len(voice(w).calls)
    await tick(w, 30)

    assert status is AckStatus.ACKNOWLEDGED
    assert only(w).acknowledged_by == "backup:call"
    assert len(voice(w).calls) == calls_before
    assert "acknowledged by backup phone (pressed 1 on the call)" in staff(w)[-1]
    assert w.telegram.texts_to(PATIENT_CHAT)[-1] == TAKEN


async def test_a_key_other_than_1_acknowledges_nothing(w: World) -> None:
    checkin_id = await open_slot(w, done_session(w), "D1")
    await tap(w, checkin_id, "SAFE1", "yes")
    escalation_id = only(w).id
    assert escalation_id is not None

    status = w.escalation.acknowledge_call(escalation_id=escalation_id, callee=ONCALL, digits="9")

    assert status is AckStatus.NOT_FOUND
    assert only(w).acknowledged_at is None


# --- acknowledging by SMS -----------------------------------------------------------------------


async def test_on_call_acknowledges_by_replying_ack_and_the_number(w: World) -> None:
    checkin_id = await open_slot(w, done_session(w), "D1")
    await tap(w, checkin_id, "SAFE1", "yes")
    escalation_id = only(w).id

    reply = w.escalation.acknowledge_sms(phone=ONCALL, body=f"ack {escalation_id}")
    again = w.escalation.acknowledge_sms(phone=ONCALL, body=f"ACK #{escalation_id}")
    await tick(w, 0)

    assert reply == f"Alert F-{escalation_id} acknowledged. Paging stopped. Thank you."
    assert again.startswith(f"Alert F-{escalation_id} was already acknowledged at")
    assert only(w).acknowledged_by == "oncall:sms"
    assert w.telegram.texts_to(PATIENT_CHAT)[-1] == TAKEN
    assert "acknowledged by on-call (SMS reply)" in staff(w)[-1]
    for text in (reply, again):
        assert_sms_safe(text)


async def test_a_plain_ack_works_only_when_exactly_one_alert_is_open(w: World) -> None:
    first = await open_slot(w, done_session(w), "D1")
    await tap(w, first, "SAFE1", "yes")
    other = telegram_patient(w.db, now=w.clock.now(), chat_id=777, phone="+15555550177")
    second = await open_slot(w, done_session(w, patient_id=other), "D1")
    await w.checkins.answer(telegram_user_id=777, checkin_id=second, question="SAFE1", value="yes")
    await w.escalation.wait_for_pages()
    ids = [e.id for e in escalations(w)]

    which = w.escalation.acknowledge_sms(phone=ONCALL, body="ACK")
    assert (
        which
        == f"Reply ACK and the alert number, e.g. ACK F-12. Open alerts: F-{ids[0]}, F-{ids[1]}."
    )
    w.escalation.acknowledge_sms(phone=ONCALL, body=f"ACK F-{ids[1]}")
    done = w.escalation.acknowledge_sms(phone=BACKUP, body="ack")

    assert done == f"Alert F-{ids[0]} acknowledged. Paging stopped. Thank you."
    assert [e.acknowledged_by for e in escalations(w)] == ["backup:sms", "oncall:sms"]


async def test_an_ack_from_any_other_number_is_refused_and_audited(w: World) -> None:
    checkin_id = await open_slot(w, done_session(w), "D1")
    await tap(w, checkin_id, "SAFE1", "yes")
    escalation_id = only(w).id
    assert escalation_id is not None

    reply = w.escalation.acknowledge_sms(phone="+15555550123", body=f"ACK {escalation_id}")
    by_call = w.escalation.acknowledge_call(
        escalation_id=escalation_id, callee="+15555550199", digits="1"
    )

    assert reply == "Riverside Health: this number cannot acknowledge alerts."
    assert by_call is AckStatus.REFUSED
    assert only(w).acknowledged_at is None
    with w.db.session(write=False) as session:
        refused = session.exec(
            select(AuditLog).where(col(AuditLog.action) == "escalation.ack_refused")
        ).all()
    assert [r.actor for r in refused] == ["sms:+1******0123", "call:+1******0199"]


@pytest.mark.parametrize(
    ("body", "is_ack"),
    [
        ("ACK", True),
        ("ack 12", True),
        ("Ack #12.", True),
        ("acknowledged 7", True),
        ("ACK F-12", True),
        ("ack f12", True),
    ],
)
def test_ack_words(body: str, is_ack: bool) -> None:
    assert is_sms_ack(body) is is_ack


@pytest.mark.parametrize("body", ["ACK me later", "back", "12", "acknowledge this pain", ""])
def test_other_texts_are_not_acknowledgements(body: str) -> None:
    assert not is_sms_ack(body)


# --- restart-safe -------------------------------------------------------------------------------


async def test_a_deadline_survives_a_restart_because_it_is_an_outbox_row(
    w: World, profile: ClinicProfile
) -> None:
    escalation = await flag_on(w, "D1", {"SE_NAU": "sev"})
    restarted = build_world(w.db, profile, w.clock)  # new services, same database

    w.clock.advance(timedelta(hours=1))
    await restarted.dispatcher.run_due()

    assert any(f"alert F-{escalation.id}" in body for body in restarted.sms.bodies_to(ONCALL))


# --- item 4: every rule fires ---------------------------------------------------------------------


async def test_one_check_in_records_every_flag_and_the_highest_level_pages(w: World) -> None:
    checkin_id = await open_slot(w, done_session(w), "D1")

    await walk(w, checkin_id, {"SE_LIVER": "yes", "SE_RASH": "yes", "SE_NAU": "sev"})

    raised = [(e.rule, e.level, e.trigger) for e in escalations(w)]
    assert ("liver", EscalationLevel.SAME_DAY, "SE_LIVER") in raised
    assert ("liver", EscalationLevel.SAME_DAY, "SE_RASH") in raised
    assert ("severe_se", EscalationLevel.CALLBACK_1H, "SE_NAU") in raised
    w.clock.advance(timedelta(hours=1))
    await w.dispatcher.run_due()
    # The 1 h callback's deadline passed first: it is the one that pages.
    pages = w.sms.bodies_to(ONCALL)
    callback = next(e for e in escalations(w) if e.level == EscalationLevel.CALLBACK_1H)
    assert len(pages) == 1
    assert f"alert F-{callback.id}" in pages[0]


# --- item 6: one path for self-harm answers ---------------------------------------------------------


async def test_an_abandoned_self_harm_follow_up_is_paged_as_urgent_after_15_minutes(
    w: World,
) -> None:
    checkin_id = await open_slot(w, done_session(w), "D1")
    await walk_until(w, checkin_id, "SAFE4")
    result = await tap(w, checkin_id, "SAFE4", "yes")  # then the patient stops answering
    escalation = only(w)
    assert escalation.level == EscalationLevel.SAME_DAY
    assert result.messages[-1].buttons  # the first C-SSRS question is waiting

    await tick(w, 14)
    assert w.sms.bodies_to(ONCALL) == []
    await tick(w, 1)

    paged = only(w)
    assert paged.level == EscalationLevel.URGENT
    assert "not answered within 15 minutes" in paged.detail
    assert len(w.sms.bodies_to(ONCALL)) == 1
    assert "URGENT red flag" in staff(w)[-1]


async def test_a_follow_up_answered_in_time_stays_at_its_level(w: World) -> None:
    checkin_id = await open_slot(w, done_session(w), "D1")
    await walk_until(w, checkin_id, "SAFE4")
    await tap(w, checkin_id, "SAFE4", "yes")
    for code in ("CS1", "CS2", "CS6"):
        await tap(w, checkin_id, code, "no")

    await tick(w, 16)

    assert only(w).level == EscalationLevel.SAME_DAY
    assert w.sms.bodies_to(ONCALL) == []


async def test_the_reply_after_a_lower_level_flag_says_when_we_call_and_what_to_do(
    w: World,
) -> None:
    checkin_id = await open_slot(w, done_session(w), "D1")  # Tuesday 09:00

    results = await walk(w, checkin_id, {"SE_LIVER": "yes"})

    replies = [m.text for _, r in results for m in r.messages if not m.buttons]
    assert (
        "We've let your care team know.\nWe will call you today, before 5:30 PM. If it gets "
        "worse, call 911." in replies
    )


async def walk_until(w: World, checkin_id: int, stop: str) -> None:
    """Answer benignly up to (not including) the question `stop`."""
    from tests.checkin_helpers import BENIGN, next_question

    while (code := next_question(w, checkin_id)) is not None and code != stop:
        await tap(w, checkin_id, code, BENIGN[w.catalog.questions[code].kind])
