"""Patients' rights in the chat: a copy of their data, erasure on request, and "stop"."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import inspect, text
from sqlmodel import col, select

from bot.db.models import (
    Appointment,
    AuditLog,
    DataRequest,
    Escalation,
    Outbox,
    Patient,
    ScreeningAnswer,
)
from bot.domain.enums import OutboxKind, OutboxStatus
from tests.fakes import FakeSms
from tests.journey_helpers import (
    ALICE,
    BOB,
    STAFF_CHAT,
    STAFF_USER,
    answer_screening,
    open_journey,
    press_first_day,
    press_first_time,
    start_and_consent,
)

NAME = "Zelda Quartermaine"
PHONE = "+12015550123"
CONFIRM = "✅ Confirm booking"
NOT_YOU = "For your privacy I can only do this for the patient themselves"


async def book_with_code(journey, user) -> None:
    """Alice books, typing her number and confirming it with the code, and asks for texts."""
    sms = FakeSms()
    journey.core.channels.sms = sms
    await start_and_consent(user)
    await user.press("📅 Book a consultation")
    await press_first_day(user)
    await press_first_time(user)
    await user.send_text(NAME)
    await user.send_text("(201) 555-0123")
    await journey.dispatch()
    [body] = sms.bodies_to(PHONE)
    await user.send_text(re.search(r"\d{6}", body).group(0))  # type: ignore[union-attr]
    await answer_screening(user)
    await user.press("Yes, text me too")
    await user.press(CONFIRM)
    await journey.dispatch()


def staff_in_chat(journey):
    return journey.double.user(STAFF_USER, "Sam").in_chat(STAFF_CHAT)


def alice_record(journey) -> Patient:
    with journey.core.db.session(write=False) as session:
        return session.exec(select(Patient).order_by(col(Patient.id))).first()  # type: ignore[return-value]


def actions(journey, action: str) -> list[AuditLog]:
    with journey.core.db.session(write=False) as session:
        return list(session.exec(select(AuditLog).where(col(AuditLog.action) == action)).all())


# --- a copy ------------------------------------------------------------------------------------


async def test_mydata_sends_a_readable_copy_after_the_patient_confirms(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Zelda")
        await book_with_code(journey, alice)

        await alice.send_command("/mydata")
        assert "Send me my data" in alice.last_message().button_labels
        await alice.press("Send me my data")

        document = alice.last_message()
        assert document.kind == "document"
        assert document.document_name == "my-data.txt"
        content = document.document_bytes.decode("utf-8")
        for expected in (
            f"Name: {NAME}",
            f"Phone: {PHONE} (confirmed",
            "Messages in Telegram agreed: Monday 1 March 2027",
            "Text reminders agreed: Monday 1 March 2027",
            "Tuesday 2 March 2027 at 8:30 AM: Free consultation, booked",
            "Gabapentin 300 mg twice a day",
            "APPOINTMENTS",
            "CHECK-IN ANSWERS",
        ):
            assert expected in content, expected
        assert len(actions(journey, "privacy.export")) == 1


async def test_someone_else_pressing_the_copy_button_gets_nothing_and_is_audited(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Zelda")
        await book_with_code(journey, alice)
        journey.double.group(-100999, title="A group")
        for update in (
            journey.double.make_update(user_id=BOB, callback_data="pv:ex"),
            journey.double.make_update(user_id=ALICE, chat_id=-100999, callback_data="pv:ex"),
            journey.double.make_update(user_id=ALICE, chat_id=-100999, text="/mydata"),
        ):
            await journey.double.deliver(update)
        sent = [m for m in journey.double.chat_log(-100999) if m.from_bot]
        sent += [m for m in journey.double.chat_log(BOB) if m.from_bot]
        assert sent
        assert all(m.kind == "text" and m.text.startswith(NOT_YOU) for m in sent)
        assert actions(journey, "privacy.export") == []
        assert len(actions(journey, "privacy.refused")) == 3


# --- erasure -----------------------------------------------------------------------------------


async def ask_to_delete(alice) -> None:
    await alice.send_command("/mydata")
    await alice.press("Delete my data")
    await alice.press("Yes, ask to delete my data")


def identifying_values(journey, patient: Patient) -> list[str]:
    return [
        v
        for v in (
            patient.name,
            "Zelda",
            "Quartermaine",
            patient.phone_e164,
            (patient.phone_e164 or "")[1:],
            "5550123",
            str(patient.telegram_user_id),
        )
        if v
    ]


def every_stored_value(database) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every cell of every table."""
    found = []
    with database.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            if table == "alembic_version":
                continue
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).mappings().all()
            for row in rows:
                for column, value in row.items():
                    if value is not None:
                        found.append((table, column, str(value)))
    return found


async def test_approved_erasure_leaves_no_identifying_value_in_any_table(any_db, clock):
    async with open_journey(any_db, clock) as journey:
        alice = journey.patient(ALICE, "Zelda")
        await book_with_code(journey, alice)
        await alice.send_command("/stop")
        before = alice_record(journey)
        secrets = identifying_values(journey, before)
        assert PHONE in secrets
        assert str(ALICE) in secrets
        # The values are really stored before (so the scan below means something).
        cells = every_stored_value(any_db)
        assert any(NAME in value for _t, _c, value in cells)

        await ask_to_delete(alice)
        assert "Your request is with the clinic's staff" in alice.last_message().text
        await journey.dispatch()
        assert any("Erasure request R-1" in m.text for m in journey.bot_messages(STAFF_CHAT))
        staff = staff_in_chat(journey)
        await staff.send_command("/erasure")
        assert "R-1: patient P-1, pending" in journey.bot_messages(STAFF_CHAT)[-1].text
        await staff.send_command("/erasure approve R-1")
        assert "Erased: patient P-1" in journey.bot_messages(STAFF_CHAT)[-1].text

        leaks = [
            (table, column, value)
            for table, column, value in every_stored_value(any_db)
            if any(secret in value for secret in secrets)
        ]
        assert leaks == []
        after = alice_record(journey)
        assert after.name == "Erased patient P-1"
        assert after.erased_at == clock.now()
        # The clinical record stays, under the pseudonym.
        with any_db.session(write=False) as session:
            [visit] = session.exec(select(Appointment)).all()
            assert visit.patient_id == after.id
            assert len(session.exec(select(ScreeningAnswer)).all()) == 13
            pending = session.exec(
                select(Outbox)
                .where(col(Outbox.patient_id) == after.id)
                .where(col(Outbox.status) == OutboxStatus.PENDING)
            ).all()
            assert pending == []
            [request] = session.exec(select(DataRequest)).all()
            assert (request.status, request.decided_by) == ("done", f"staff:{STAFF_USER}")
        assert len(actions(journey, "privacy.erased")) == 1
        # The bot no longer knows the Telegram account.
        await alice.send_command("/appointments")
        assert "Free consultation" not in alice.last_message().text


async def test_staff_decline_an_erasure_with_a_reason(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Zelda")
        await book_with_code(journey, alice)
        await ask_to_delete(alice)
        staff = staff_in_chat(journey)
        await staff.send_command("/erasure decline 1")
        assert "a decline needs a reason" in journey.bot_messages(STAFF_CHAT)[-1].text
        await staff.send_command("/erasure decline 1 open invoice dispute")
        assert alice_record(journey).name == NAME
        with database.session(write=False) as session:
            [request] = session.exec(select(DataRequest)).all()
        assert (request.status, request.reason) == ("declined", "open invoice dispute")


async def test_erasure_with_an_open_red_flag_is_held_until_it_is_acknowledged(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Zelda")
        await book_with_code(journey, alice)
        patient = alice_record(journey)
        with database.session() as session:
            session.add(
                Escalation(
                    patient_id=patient.id,
                    level="urgent",
                    rule="emergency",
                    created_at=clock.now(),
                )
            )
        staff = staff_in_chat(journey)
        await staff.send_command(f"/erase P-{patient.id}")
        assert "Held: patient P-1 has an open red flag" in journey.bot_messages(STAFF_CHAT)[-1].text
        assert alice_record(journey).name == NAME

        with database.session() as session:
            flag = session.exec(select(Escalation)).one()
            flag.acknowledged_at = clock.now()
        clock.advance(timedelta(minutes=5))
        await staff.send_command("/erasure")
        assert alice_record(journey).erased_at == clock.now()
        assert len(actions(journey, "privacy.erasure_held")) == 1


# --- stop --------------------------------------------------------------------------------------


async def test_stop_in_telegram_stops_care_messages_until_start(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Zelda")
        await book_with_code(journey, alice)
        journey.core.channels.sms = None  # only Telegram for this one

        await alice.send_text("Stop")

        assert "send /start" in alice.last_message().text
        assert alice_record(journey).care_messages_stopped_at == clock.now()
        [visit] = journey.appointments()
        clock.set(visit.starts_at - timedelta(hours=24))
        await journey.dispatch()
        with database.session(write=False) as session:
            reminder = session.exec(
                select(Outbox).where(col(Outbox.kind) == OutboxKind.REMINDER_24H)
            ).one()
        assert (reminder.status, reminder.last_error) == ("skipped", "stopped by patient")

        await alice.send_command("/start")
        assert "Care messages are on again" in alice.last_message().text
        assert alice_record(journey).care_messages_stopped_at is None
