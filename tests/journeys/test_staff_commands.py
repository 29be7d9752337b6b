"""Staff commands and buttons through the Telegram double, on a seeded clinic."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.db.models import Appointment, Outbox, Patient, ScreeningAnswer, StaffTask, TimeBlock
from bot.domain.checkin_parsing import parse_checkin_catalog
from bot.domain.enums import AppointmentStatus, Channel, OutboxKind, OutboxStatus
from bot.presentation import staff_patient_messages as patient_views
from bot.presentation.charts import pain_chart_svg
from bot.services.patient_notices import PATIENT_NOTICE
from tests.staff_scene import (
    BUTTONS,
    COMMANDS,
    STAFF,
    STAFF_CHAT,
    STRANGER,
    add_appointment,
    add_checkin,
    add_escalation,
    add_patient,
    add_task,
    attend,
    close_scene,
    count,
    local,
    open_scene,
    state,
)

NOT_AUTHORISED = "Sorry, this is for clinic staff only."
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def scene(tmp_path):
    built = await open_scene(tmp_path)
    yield built
    await close_scene(built)


async def said(scene, person, command: str) -> list:
    """Send `command` as `person`; return the bot's messages that followed, in order."""
    mark = scene.last_id(person.chat_id)
    await person.send_command(command)
    return [m for m in scene.double.chat_log(person.chat_id) if m.from_bot and m.message_id > mark]


def text_of(messages) -> str:
    return "\n".join(m.text for m in messages)


@pytest.mark.parametrize("command", COMMANDS)
async def test_anyone_not_on_the_staff_list_is_refused_and_audited(scene, command):
    before = state(scene)
    replies = await said(scene, scene.stranger(), command)
    assert [m.text for m in replies] == [NOT_AUTHORISED]
    denial = scene.denials()[-1]
    assert denial.actor == f"telegram:{STRANGER}"
    assert denial.subject == command.split()[0]
    assert state(scene) == before


async def test_a_stranger_in_the_staff_group_is_refused_too(scene):
    intruder = scene.stranger().in_chat(STAFF_CHAT)
    replies = await said(scene, intruder, "/flags")
    assert [m.text for m in replies] == [NOT_AUTHORISED]


async def test_a_stranger_asking_for_help_gets_no_staff_help(scene):
    replies = await said(scene, scene.stranger(), "/help")
    assert "Staff commands" not in text_of(replies)


@pytest.mark.parametrize("data", BUTTONS)
async def test_a_stranger_pressing_a_staff_button_is_refused_and_audited(scene, data):
    add_task(scene, scene.ids["ben"])
    before = state(scene)
    update = scene.double.make_update(user_id=STRANGER, chat_id=STAFF_CHAT, callback_data=data)
    await scene.double.deliver(update)
    answer = scene.double.callback_answers[-1]
    assert (answer.text, answer.show_alert) == (NOT_AUTHORISED, True)
    assert scene.denials()[-1].subject == f"button:{data}"
    assert state(scene) == before


# --- the schedule ----------------------------------------------------------------------


async def test_today_lists_each_resource_with_confirmation_marks(scene):
    text = text_of(await said(scene, scene.staff(), "/today"))
    assert "Monday 1 March 2027 · open 8:30 AM–5:30 PM" in text
    assert "Clinician 1\n  9:00 AM–9:45 AM Free consultation · Ana Lopez (P-1) ✅" in text
    assert "Infusion chair 1\n  10:00 AM–2:00 PM IV infusion session · Ben Okafor (P-3) ⏳" in text
    assert "Anabel" not in text


async def test_tomorrow_shows_tomorrows_bookings_and_blocks(scene):
    await said(scene, scene.staff(), "/block tomorrow 12-13 lunch talk")
    text = text_of(await said(scene, scene.staff(), "/tomorrow"))
    assert "Tuesday 2 March 2027" in text
    assert "2:00 PM–2:45 PM Free consultation · Anabel Ruiz (P-2) ⏳" in text
    assert "⛔ Tue 2 Mar 12:00 PM–1:00 PM blocked (whole clinic): lunch talk" in text


async def test_the_week_shows_seven_days_including_closed_ones(scene):
    text = text_of(await said(scene, scene.staff(), "/week"))
    assert text.count(" 2027") == 7
    assert "Sunday 7 March 2027 · closed" in text


async def test_a_busy_week_is_split_into_messages_telegram_accepts(scene):
    for n in range(120):
        patient = add_patient(scene, f"Patient number {n} with a longish name")
        with scene.db.session() as session:
            start = local(2 + n % 5, 9) + timedelta(minutes=15 * (n // 5))
            session.add(
                Appointment(
                    patient_id=patient,
                    service="consultation",
                    starts_at=start,
                    ends_at=start + timedelta(minutes=45),
                    held_until=start + timedelta(hours=1),
                    resources=f"clinician:{1 + n % 2},consult_room:1",
                    created_at=scene.clock.now(),
                )
            )
    replies = await said(scene, scene.staff(), "/week")
    assert len(replies) >= 2
    assert all(len(m.text) <= 4096 for m in replies)
    assert text_of(replies).count("Patient number") == 120


async def test_names_are_escaped_in_telegram_html(scene):
    add_patient(scene, "Zed <b>& Co</b>")
    replies = await said(scene, scene.staff(), "/patient Zed")
    assert replies[0].text.startswith("👤 Zed <b>& Co</b> (P-4)")


# --- patients --------------------------------------------------------------------------


async def test_an_ambiguous_name_lists_the_matches_with_buttons(scene):
    staff = scene.staff()
    replies = await said(scene, staff, "/patient ana")
    assert "Several patients match “ana”" in replies[0].text
    assert replies[0].button_labels == ["P-1 Ana Lopez", "P-2 Anabel Ruiz"]
    await staff.press("P-2 Anabel Ruiz")
    card = scene.double.chat_log(staff.chat_id)[-2]
    assert card.text.startswith("👤 Anabel Ruiz (P-2)")


async def test_the_patient_card_comes_with_a_pain_chart(scene):
    replies = await said(scene, scene.staff(), "/patient 617 555 0101")
    card, chart = replies
    assert card.text.startswith("👤 Ana Lopez (P-1)")
    assert (
        "⚠️ Screening flags for clinician review:\n• S1 heart disease / blood pressure: yes"
        in card.text
    )
    assert "Mon 1 Mar 9:00 AM Free consultation · ✅ booked A-1" in card.text
    assert chart.kind == "photo"
    assert chart.photo_bytes.startswith(PNG)
    assert scene.audits("staff.view_patient")[-1].subject == "patient:1"


def test_the_pain_chart_names_the_patient_by_number_never_by_name(scene):
    card = scene.ops.patient_card(scene.ids["ana"])
    catalog = parse_checkin_catalog(scene.core.profile.model_dump())
    chart = patient_views.pain_chart_for(scene.core.texts, card, catalog)
    assert chart.title == f"P-{scene.ids['ana']} Average pain (0-10)"
    svg = pain_chart_svg(chart, tz=scene.core.profile.tz)
    assert f"P-{scene.ids['ana']} Average pain (0-10)" in svg
    assert "Ana" not in svg
    assert "Lopez" not in svg
    assert patient_views.patient_chart(
        scene.core.texts, card, scene.core.profile, catalog
    ).startswith(PNG)


async def test_an_unknown_patient_or_a_missing_argument_gets_a_clear_answer(scene):
    assert "No patient matches “Zoe”" in text_of(await said(scene, scene.staff(), "/patient Zoe"))
    usage = text_of(await said(scene, scene.staff(), "/patient"))
    assert "Usage: /patient <phone, name or P-id>" in usage


async def test_patients_are_found_by_p_number_bare_number_or_hash(scene):
    for typed in ("P-1", "p1", "1", "#1"):
        card = (await said(scene, scene.staff(), f"/patient {typed}"))[0]
        assert card.text.startswith("👤 Ana Lopez (P-1)"), typed


async def test_another_kinds_identifier_where_a_patient_is_wanted_says_what_it_is(scene):
    wrong = text_of(await said(scene, scene.staff(), "/patient A-1"))
    assert "A-1 is an appointment; this needs a patient (P-12)" in wrong
    assert "Usage: /patient" in wrong


async def test_approving_tells_the_patient(scene):
    attend(scene, scene.ids["ana_consult"])
    text = text_of(await said(scene, scene.staff(), "/approve Ana Lopez"))
    assert "Ana Lopez (P-1) is approved for treatment" in text
    with scene.db.session(write=False) as session:
        notice = session.exec(select(Outbox).where(col(Outbox.kind) == str(PATIENT_NOTICE))).one()
    assert notice.patient_id == scene.ids["ana"]
    again = text_of(await said(scene, scene.staff(), "/approve P-1"))
    assert "was already approved" in again


# --- series ----------------------------------------------------------------------------


async def test_a_series_is_shown_then_booked_on_confirmation(scene):
    staff = scene.staff()
    plan = (await said(scene, staff, "/series Okafor iv 3"))[0]
    assert plan.text.startswith("🗓 Series for Ben Okafor (P-3): 3 × IV infusion session")
    assert "1. Tue 2 Mar 8:30 AM\n2. Wed 3 Mar 8:30 AM\n3. Thu 4 Mar 8:30 AM" in plan.text
    assert count(scene, Appointment, col(Appointment.series_id).is_not(None)) == 0
    await staff.press("✅ Book all 3")
    booked = scene.double.message(staff.chat_id, plan.message_id)
    assert booked.text.startswith("✅ Booked 3 session(s) for Ben Okafor (P-3)")
    assert booked.button_labels == []
    assert count(scene, Appointment, col(Appointment.series_id).is_not(None)) == 3
    again = scene.double.make_update(
        user_id=STAFF,
        chat_id=staff.chat_id,
        callback_data=f"st:sc:{plan.buttons[0][0][1].split(':')[2]}",
    )
    await scene.double.deliver(again)
    assert count(scene, Appointment, col(Appointment.series_id).is_not(None)) == 3


async def test_a_series_can_be_cancelled_before_booking(scene):
    staff = scene.staff()
    plan = (await said(scene, staff, "/series P-3 nasal 2"))[0]
    await staff.press("Cancel")
    assert (
        scene.double.message(staff.chat_id, plan.message_id).text
        == "Cancelled; nothing was changed."
    )
    assert count(scene, Appointment, col(Appointment.series_id).is_not(None)) == 0


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/series Ana Lopez iv 3", "Ana Lopez (P-1) is not approved for treatment yet"),
        ("/series #3 booster 6", "Not planned: 6 sessions 14-42 days apart do not fit"),
        ("/series #3 iv", "Usage: /series <patient> <service> <count>"),
        ("/series #3 massage 3", "is not one of the services"),
    ],
)
async def test_a_series_that_cannot_be_planned_says_why_and_books_nothing(scene, command, answer):
    text = text_of(await said(scene, scene.staff(), command))
    assert answer in text
    assert count(scene, Appointment, col(Appointment.series_id).is_not(None)) == 0


# --- blocks ----------------------------------------------------------------------------


async def test_a_block_over_a_booked_patient_waits_for_confirmation(scene):
    staff = scene.staff()
    warning = (await said(scene, staff, "/block tomorrow 14-15 training"))[0]
    assert "1 booked appointment(s) in that time; nothing changed yet" in warning.text
    assert "Anabel Ruiz (P-2)" in warning.text
    assert count(scene, TimeBlock) == 0
    await staff.press("⛔ Block anyway")
    done = scene.double.message(staff.chat_id, warning.message_id)
    assert done.text.startswith("⛔ Blocked Tue 2 Mar 2:00 PM–3:00 PM (whole clinic): training")
    assert "Still booked in that time" in done.text
    assert count(scene, TimeBlock) == 1
    assert count(scene, Appointment, col(Appointment.status) == AppointmentStatus.BOOKED) == 3


async def test_a_block_in_the_past_is_refused_with_the_usage(scene):
    text = text_of(await said(scene, scene.staff(), "/block yesterday 9-10 late"))
    assert "that time is in the past" in text
    assert "Usage: /block" in text
    assert count(scene, TimeBlock) == 0


async def test_unblock_lists_blocks_and_reopens_one(scene):
    staff = scene.staff()
    await said(scene, staff, "/block 2027-03-03 12-13 chair service")
    listing = (await said(scene, staff, "/unblock"))[0]
    assert "B-1 Wed 3 Mar 12:00 PM–1:00 PM (infusion chair): service" in listing.text
    await staff.press("Reopen B-1")
    assert "✅ Reopened B-1" in scene.double.last_message(staff.chat_id).text
    assert count(scene, TimeBlock, col(TimeBlock.removed_at).is_not(None)) == 1
    assert "No open block B-1" in text_of(await said(scene, staff, "/unblock B-1"))


# --- flags, export, outcomes -----------------------------------------------------------


async def test_flags_list_the_most_urgent_first_and_closing_asks_what_was_done(scene):
    staff = scene.staff()
    task = add_task(scene, scene.ids["ben"], hours_ago=5)
    add_escalation(scene, scene.ids["ana"], hours_ago=1)
    message = (await said(scene, staff, "/flags"))[0]
    lines = message.text.split("\n")
    assert lines[0] == "🚩 Open flags and tasks, most urgent first: 2"
    assert lines[1].startswith("1. 🟠 callback 1h")
    assert "Severe nausea at D1" in lines[1]
    assert lines[2].startswith("2. 📋 call unconfirmed")
    assert "Ben Okafor (P-3)" in lines[2]
    escalation_button = next(b for b in message.button_labels if b.startswith("✅ Acknowledge F-"))
    await staff.press(f"✔ task T-{task}")
    question = staff.last_message()
    assert question.text == f"What was done for task T-{task}?"
    assert question.button_labels == ["📞 Called", "📵 No answer", "✖ Not needed"]
    await staff.press("📵 No answer")
    stamped = scene.double.message(staff.chat_id, question.message_id)
    assert "✔ Closed (no answer) · Sam at Mon 1 Mar 8:00 AM" in stamped.text
    assert stamped.button_labels == []
    listed = scene.double.message(staff.chat_id, message.message_id)
    assert escalation_button in listed.button_labels  # the open alert can still be acknowledged
    with scene.db.session(write=False) as session:
        closed = session.get(StaffTask, task)
        assert (closed.done_by, closed.outcome) == (f"staff:{STAFF}", "no_answer")


async def test_no_flags_is_said_plainly(scene):
    assert "No open flags or tasks" in text_of(await said(scene, scene.staff(), "/flags"))


async def test_the_export_is_a_csv_document_whose_totals_match_the_database(scene):
    replies = await said(scene, scene.staff(), "/export 1 Mar 2027 to 7 Mar 2027")
    document = replies[0]
    assert document.kind == "document"
    assert document.document_name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(document.document_bytes.decode("utf-8-sig"))))
    assert len(rows) == count(scene, Appointment) == 3
    assert {r["status"] for r in rows} == {"booked"}
    assert "3 row(s)" in document.text
    assert "booked 3" in document.text


async def test_an_export_without_dates_shows_the_usage(scene):
    text = text_of(await said(scene, scene.staff(), "/export someday"))
    assert "Usage: /export <from> <to>" in text


async def test_outcomes_give_the_clinic_summary(scene):
    text = text_of(await said(scene, scene.staff(), "/outcomes"))
    assert text.startswith("📈 Outcomes (all time)")
    assert "No-show rate" in text
    assert "not efficacy claims" in text
    ranged = text_of(await said(scene, scene.staff(), "/outcomes 2027-01-01 2027-02-28"))
    assert "Friday 1 January 2027 – Sunday 28 February 2027" in ranged


# --- phone-only patients ---------------------------------------------------------------


async def test_a_new_phone_patient_is_booked_by_picking_a_time(scene):
    staff = scene.staff()
    offer = (await said(scene, staff, "/newpatient +1 (617) 555-0177 Carla Diaz"))[0]
    assert offer.text.startswith("👤 New patient Carla Diaz (P-4) · +16175550177 · sms")
    first_time = offer.button_labels[0]
    await staff.press(first_time)
    booked = scene.double.message(staff.chat_id, offer.message_id)
    assert booked.text.startswith(f"✅ Booked Free consultation for Carla Diaz (P-4): {first_time}")
    with scene.db.session(write=False) as session:
        confirmation = session.exec(
            select(Outbox)
            .where(col(Outbox.patient_id) == 4)
            .where(col(Outbox.kind) == OutboxKind.CONFIRMATION)
        ).one()
    assert confirmation.channel == Channel.SMS


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/newpatient Carla", "a phone number is missing"),
        ("/newpatient +1 617 555 0177", "the patient's name is missing"),
        ("/newpatient +1 555 555 0177 Carla", "that number is not valid"),
    ],
)
async def test_a_new_patient_without_a_usable_phone_or_name_is_refused(scene, command, answer):
    text = text_of(await said(scene, scene.staff(), command))
    assert answer in text
    assert "Usage: /newpatient" in text
    assert count(scene, Patient) == 3


async def test_staff_help_lists_the_commands(scene):
    text = text_of(await said(scene, scene.staff(), "/help"))
    assert "/series <patient> <service> <count>" in text
    assert "Services: consultation, iv_infusion, nasal_spray, booster" in text


# --- buttons on the staff notices ------------------------------------------------------


def notice(scene, contains: str):
    return next(m for m in scene.double.chat_log(STAFF_CHAT) if m.from_bot and contains in m.text)


async def test_approve_done_and_no_show_buttons_act_and_stamp_the_notice(scene):
    await scene.dispatch()
    desk = scene.staff(in_group=True)
    ana = notice(scene, "New booking A-1")
    await desk.press_on(ana.message_id, "Approve for treatment")  # before the consultation
    assert "no consultation marked Done" in scene.double.callback_answers[-1].text
    scene.clock.set(local(1, 11))
    await desk.press_on(ana.message_id, "No-show")
    await desk.press_on(ana.message_id, "Approve for treatment")  # a no-show is no consultation
    assert "no-show; nothing was approved" in scene.double.callback_answers[-1].text
    attend(scene, scene.ids["ana_consult"])  # staff corrected it: she came after all
    await desk.press_on(ana.message_id, "Approve for treatment")
    ana = scene.double.message(STAFF_CHAT, ana.message_id)
    assert "✅ Approved by Sam at Mon 1 Mar 11:00 AM" in ana.text
    ben = notice(scene, "New booking A-2")
    await desk.press_on(ben.message_id, "Done")
    # 11:00 and booked until 2:00 PM: staff first confirm the patient is leaving now.
    assert "Leaving early?" in scene.replies(STAFF_CHAT)[-1]
    await desk.press("Yes, leaving now")
    with scene.db.session(write=False) as session:
        statuses = {a.id: a.status for a in session.exec(select(Appointment)).all()}
        approved = session.get(Patient, scene.ids["ana"]).approved_at
    assert statuses[scene.ids["ben_infusion"]] == AppointmentStatus.COMPLETED
    assert statuses[scene.ids["ana_consult"]] == AppointmentStatus.COMPLETED
    assert approved is not None
    leaving = scene.double.last_message(STAFF_CHAT)
    assert "✔️ Done · Sam at Mon 1 Mar 11:00 AM" in leaving.text
    assert leaving.button_labels == []


async def test_done_before_the_session_starts_is_refused(scene):
    await scene.dispatch()
    anabel = notice(scene, "New booking A-3")
    await scene.staff(in_group=True).press_on(anabel.message_id, "Done")
    answer = scene.double.callback_answers[-1]
    assert answer.show_alert
    assert "not started" in answer.text
    with scene.db.session(write=False) as session:
        assert session.get(Appointment, scene.ids["anabel_consult"]).status == "booked"


async def test_the_call_list_button_closes_its_task(scene):
    # Ben's confirmation went out on Saturday (the bot was running then): he had his chance.
    with scene.db.session() as session:
        for row in session.exec(select(Outbox).where(Outbox.kind == OutboxKind.CONFIRMATION)).all():
            row.status, row.sent_at = OutboxStatus.SENT, row.created_at
    await scene.dispatch()
    call = notice(scene, "Call list")
    member = scene.staff(in_group=True)
    await member.press_on(call.message_id, "Called")
    await member.press("📞 Called")
    with scene.db.session(write=False) as session:
        # Ben's infusion also lacks a driver (a task of its own since issue 11).
        task = session.exec(
            select(StaffTask).where(col(StaffTask.kind) == "call_unconfirmed")
        ).one()
    assert (task.done_by, task.outcome) == (f"staff:{STAFF}", "called")
    assert "✔ Closed (called) · Sam" in scene.double.last_message(STAFF_CHAT).text


async def test_an_old_or_forged_button_gets_a_clear_answer(scene):
    update = scene.double.make_update(user_id=STAFF, chat_id=STAFF, callback_data="st:sc:999")
    await scene.double.deliver(update)
    assert "expired" in scene.double.callback_answers[-1].text


async def test_every_button_shown_fits_telegrams_callback_limit(scene):
    staff = scene.staff()
    for command in (
        "/patient ana",
        "/series #3 iv 6",
        "/newpatient +1 617 555 0188 Dee",
        "/unblock",
    ):
        await said(scene, staff, command)
    await scene.dispatch()
    for chat in (staff.chat_id, STAFF_CHAT):
        for message in scene.double.chat_log(chat):
            for row in message.buttons:
                for _, data in row:
                    assert data is None or len(data.encode()) <= 64


async def test_the_daily_digest_runs_at_each_opening_time_in_clinic_time(scene):
    jobs = {job.name: job.job.trigger for job in scene.application.job_queue.jobs()}
    assert set(jobs) == {"staff-digest-0830", "staff-digest-0900", "staff-outcomes-warmup"}
    weekdays = jobs["staff-digest-0830"]
    assert "day_of_week='mon,tue,wed,thu,fri'" in str(weekdays)
    assert "hour='8', minute='30'" in str(weekdays)
    assert str(weekdays.timezone) == "America/New_York"
    assert "day_of_week='sat'" in str(jobs["staff-digest-0900"])


async def test_approving_from_a_second_notice_only_removes_the_spent_button(scene):
    await scene.dispatch()
    attend(scene, scene.ids["ana_consult"])
    await said(scene, scene.staff(), "/approve Ana Lopez")
    ana = notice(scene, "New booking A-1")
    await scene.staff(in_group=True).press_on(ana.message_id, "Approve for treatment")
    assert "was already approved" in scene.double.callback_answers[-1].text
    ana = scene.double.message(STAFF_CHAT, ana.message_id)
    assert ana.button_labels == ["Done", "No-show"]
    assert "Approved by" not in ana.text


async def test_the_digest_job_sends_the_day_to_the_staff_chat_once(scene):
    scene.clock.set(local(1, 8, 30))
    job = next(j for j in scene.application.job_queue.jobs() if j.name == "staff-digest-0830")
    await job.callback(None)
    await job.callback(None)
    await scene.dispatch()
    digests = [m for m in scene.double.chat_log(STAFF_CHAT) if "Good morning" in m.text]
    assert len(digests) == 1
    text = digests[0].text
    assert text.startswith("☀️ Good morning: Monday 1 March 2027")
    assert "9:00 AM–9:45 AM Free consultation · Ana Lopez (P-1) ✅" in text
    assert "Not confirmed yet (today and tomorrow): 2" in text
    assert "Open flags and tasks: 0" in text


async def test_the_patient_card_shows_outcomes_computed_from_the_answers(scene):
    """Baseline 7; after a six-session series the pain went 5, 4, 3, 3, 5, 6."""
    ben = scene.ids["ben"]
    with scene.db.session() as session:
        session.add(
            ScreeningAnswer(
                patient_id=ben, code="S11_avg", answer="7", answered_at=local(5, 10, month=1)
            )
        )
    sessions = [
        add_appointment(
            scene,
            patient_id=ben,
            service="iv_infusion",
            start=local(day, 9, month=1),
            status=AppointmentStatus.COMPLETED,
            series_id="S1",
        )
        for day in (12, 14, 16, 19, 21, 23)
    ]
    course = [("D1", 1, "5"), ("D3", 3, "4"), ("D7", 7, "3"), ("D14", 14, "3")]
    course += [("W21", 21, "5"), ("W28", 28, "6")]
    for slot, days, pain in course:
        add_checkin(
            scene,
            patient_id=ben,
            appointment_id=sessions[-1],
            slot=slot,
            at=local(23, 9, month=1) + timedelta(days=days),
            answers={"PAINAVG": pain, **({"PGIC": "2"} if slot == "D7" else {})},
        )
    card, chart = await said(scene, scene.staff(), "/patient P-3")
    assert "Baseline pain 7.0 · latest 6 at W28 (14% reduction, no response)" in card.text
    assert "D1 5 (29%) · D3 4 (43%) · D7 3 (57%) · D14 3 (57%) · W21 5 (29%)" in card.text
    # W21 and W28 both fall below 30%: relief lost at W21, 21 days after 23 January.
    assert "Relief after series ending Sat 23 Jan 1:00 PM: 21 days" in card.text
    assert "PGIC: much or very much improved" in card.text
    assert chart.photo_bytes.startswith(PNG)


async def test_a_bad_date_after_week_gets_the_usage_line(scene):
    staff = scene.staff()
    replies = await said(scene, staff, "/week 2/30")
    assert replies, "the staff member must get an answer"
    assert "/week [date]" in replies[-1].text
