"""Issue 11 item 5: the evening check-in is never dropped (fake clock, Telegram and SMS fakes)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.db.engine import Database
from bot.db.models import CheckIn, Outbox, StaffTask
from bot.domain.checkin_parsing import parse_checkin_catalog
from bot.domain.clock import FixedClock
from bot.domain.enums import OutboxStatus
from bot.domain.errors import ConfigError
from bot.domain.refs import appointment_ref
from bot.profile import ClinicProfile
from bot.services.checkin_rows import CheckinStatus
from tests.checkin_helpers import (
    PATIENT_CHAT,
    PATIENT_PHONE,
    STAFF_CHAT,
    World,
    add_appointment,
    build_world,
    checkin_row,
    done_session,
    sms_patient,
)
from tests.outbox_helpers import telegram_patient

NY = ZoneInfo("America/New_York")
# Monday 1 March 2027, 15:00-19:00 clinic time: E is due at 23:00, inside quiet hours.
LATE_START = datetime(2027, 3, 1, 20, 0, tzinfo=UTC)
INTRO = "A few quick questions"


@pytest.fixture(name="w")
def world_fixture(sqlite_db: Database, profile: ClinicProfile, clock: FixedClock) -> World:
    return build_world(sqlite_db, profile, clock)


def local_hm(moment: datetime) -> str:
    return moment.astimezone(NY).strftime("%a %H:%M")


async def test_a_late_session_gets_its_evening_check_in_at_night_on_telegram(w: World) -> None:
    appointment_id = done_session(w, start=LATE_START)
    evening = checkin_row(w, appointment_id, "E")
    assert local_hm(evening.due_at) == "Mon 23:00"
    assert evening.not_after is not None
    assert local_hm(evening.not_after) == "Tue 01:00"

    w.clock.set(evening.due_at)
    await w.dispatcher.run_due()

    assert any(INTRO in t for t in w.telegram.texts_to(PATIENT_CHAT))


async def test_a_late_session_gets_its_evening_check_in_at_night_by_sms(w: World) -> None:
    patient_id = sms_patient(w)
    appointment_id = done_session(w, patient_id=patient_id, start=LATE_START)
    evening = checkin_row(w, appointment_id, "E")

    w.clock.set(evening.due_at)  # 23:00: other texts wait for 08:00, this one goes
    await w.dispatcher.run_due()

    bodies = w.sms.bodies_to(PATIENT_PHONE)
    assert len(bodies) >= 1
    assert "Reply" in bodies[-1]
    with w.db.session(write=False) as session:
        row = session.get(Outbox, evening.id)
        assert row is not None
        assert row.status == OutboxStatus.SENT


async def test_done_pressed_late_sends_the_evening_check_in_at_once_inside_its_window(
    w: World,
) -> None:
    patient_id = telegram_patient(w.db, now=w.clock.now())
    appointment_id = add_appointment(w, patient_id, start=LATE_START)
    w.clock.set(LATE_START + timedelta(hours=9))  # 5 h after the end, Tue 00:00
    w.aftercare.mark_done(appointment_id=appointment_id, actor="staff:1")

    evening = checkin_row(w, appointment_id, "E")
    assert evening.due_at == w.clock.now()
    await w.dispatcher.run_due()
    assert any(INTRO in t for t in w.telegram.texts_to(PATIENT_CHAT))


async def test_an_evening_check_in_that_missed_its_window_is_skipped_not_sent_late(
    w: World,
) -> None:
    appointment_id = done_session(w, start=LATE_START)
    evening = checkin_row(w, appointment_id, "E")
    w.clock.set(LATE_START + timedelta(hours=10, minutes=30))  # Tue 01:30: the bot was down

    await w.dispatcher.run_due()

    assert not any(INTRO in t for t in w.telegram.texts_to(PATIENT_CHAT))
    with w.db.session(write=False) as session:
        row = session.get(Outbox, evening.id)
        assert row is not None
        assert row.status == OutboxStatus.SKIPPED


async def test_an_evening_check_in_never_sent_in_its_window_is_a_call_task_for_staff(
    w: World,
) -> None:
    """Nothing falls through: the safety questions that never went out reach a person."""
    appointment_id = done_session(w, start=LATE_START)
    evening = checkin_row(w, appointment_id, "E")
    checkin_id = json.loads(evening.payload)["checkin_id"]
    w.clock.set(LATE_START + timedelta(hours=10, minutes=30))  # Tue 01:30: the bot was down

    await w.dispatcher.run_due()
    await w.dispatcher.run_due()  # a second pass adds nothing

    staff = w.telegram.texts_to(STAFF_CHAT)
    assert len(staff) == 1, staff
    assert "Safety check-in not sent" in staff[0]
    assert "safety questions were not asked" in staff[0]
    assert appointment_ref(appointment_id) in staff[0]
    with w.db.session(write=False) as session:
        task = session.exec(select(StaffTask)).one()
        opened = session.get(CheckIn, checkin_id)
    assert task.kind == "checkin_missed"
    assert task.appointment_id == appointment_id
    assert "not sent" in task.detail
    assert opened is not None
    assert opened.status == CheckinStatus.MISSED


async def test_a_check_in_without_safety_questions_skipped_after_downtime_adds_no_task(
    w: World,
) -> None:
    appointment_id = done_session(w, start=LATE_START)
    d3 = checkin_row(w, appointment_id, "D3")
    d7 = checkin_row(w, appointment_id, "D7")
    w.clock.set(d7.due_at + timedelta(minutes=5))  # down from before D3 until D7 was due
    for slot in ("E", "D1"):  # the safety check-ins went out and were answered or not
        row = checkin_row(w, appointment_id, slot)
        with w.db.session() as session:
            stored = session.get(Outbox, row.id)
            assert stored is not None
            stored.status = OutboxStatus.SENT
            opened = session.get(CheckIn, json.loads(row.payload)["checkin_id"])
            assert opened is not None
            opened.status = CheckinStatus.DONE

    await w.dispatcher.run_due()

    with w.db.session(write=False) as session:
        skipped = session.get(Outbox, d3.id)
        tasks = session.exec(select(StaffTask)).all()
    assert skipped is not None
    assert skipped.status == OutboxStatus.SKIPPED
    assert tasks == []
    assert not any("not sent" in t for t in w.telegram.texts_to(STAFF_CHAT))


def discharge_profile(profile: ClinicProfile) -> ClinicProfile:
    checkins = copy.deepcopy(profile.checkins)
    checkins["slots"][0]["mode"] = "discharge"
    return profile.model_copy(update={"checkins": checkins})


async def test_discharge_mode_asks_two_hours_after_done_and_again_next_morning(
    sqlite_db: Database, clock: FixedClock, profile: ClinicProfile
) -> None:
    w = build_world(sqlite_db, discharge_profile(profile), clock)
    patient_id = telegram_patient(w.db, now=w.clock.now())
    appointment_id = add_appointment(w, patient_id, start=LATE_START)
    w.clock.set(LATE_START + timedelta(hours=4, minutes=10))  # Done at 19:10
    w.aftercare.mark_done(appointment_id=appointment_id, actor="staff:1")

    evening = checkin_row(w, appointment_id, "E")
    morning = checkin_row(w, appointment_id, "D1")
    assert local_hm(evening.due_at) == "Mon 21:10"
    assert local_hm(morning.due_at) == "Tue 09:00"
    assert json.loads(evening.payload).get("any_hour") is True


def test_the_built_in_profile_sends_the_evening_four_to_six_hours_after_the_end(
    profile: ClinicProfile,
) -> None:
    (evening,) = [s for s in profile.checkins["slots"] if s["code"] == "E"]
    assert (evening["after_minutes"], evening["until_minutes"]) == (240, 360)


def test_discharge_mode_without_a_morning_safety_check_is_refused(profile: ClinicProfile) -> None:
    data = discharge_profile(profile).model_dump()
    data["checkins"]["slots"][1]["sets"] = ["pain"]
    with pytest.raises(ConfigError, match="day-1 check-in"):
        parse_checkin_catalog(data)
