"""Logs can be shared with a vendor: LOG_LEVEL is honoured, and even DEBUG holds no personal data."""

from __future__ import annotations

import io
import logging
import re
import uuid
from collections.abc import Iterator

import pytest
from sqlmodel import select

from bot.db.models import Appointment, Escalation, Outbox, Patient
from bot.domain.enums import OutboxKind
from bot.logs import configure_logging
from tests.fakes import FakeSms
from tests.journey_helpers import (
    ALICE,
    STAFF_CHAT,
    STAFF_USER,
    open_journey,
    press_first_day,
    press_first_time,
    start_and_consent,
)

NAME = "Zelda Quartermaine"
PHONE = "+12015550123"
SMS_NAME = "Olivia Sandalwood"
SMS_PHONE = "+12025550143"
MEDICINES = "Tramadol 50 mg nightly"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The real logging set-up at DEBUG, writing to a buffer; the test's own set-up after."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    saved_levels = {name: logging.getLogger(name).level for name in ("telegram", "httpx")}
    buffer = io.StringIO()
    configure_logging("DEBUG", stream=buffer)
    try:
        yield buffer
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)


def test_log_level_is_honoured_after_the_command_line_configured_warning(captured):
    # `python -m bot` sets WARNING for its own commands before `run` reads LOG_LEVEL.
    logging.basicConfig(level=logging.WARNING)
    buffer = io.StringIO()
    configure_logging("INFO", stream=buffer)

    logging.getLogger("bot.services.dispatch").info("sent outbox row 1")
    logging.getLogger("bot.services.dispatch").debug("not at INFO")
    logging.getLogger("telegram.ext.ExtBot").info("Calling Bot API endpoint with the text")

    lines = buffer.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith("bot.services.dispatch: sent outbox row 1")


def test_libraries_that_print_request_bodies_are_capped_even_at_debug(captured):
    for name in ("telegram.ext.ExtBot", "httpx", "httpcore.http11", "twilio.http_client"):
        logging.getLogger(name).debug("request body: %s", NAME)
        logging.getLogger(name).info("request body: %s", NAME)
    logging.getLogger("some.new.library").info("request body: %s", NAME)
    logging.getLogger("twilio.http_client").warning("a vendor warning still shows")
    logging.getLogger("bot.services.x").debug("our own debug shows")

    text = captured.getvalue()
    assert NAME not in text
    assert "a vendor warning still shows" in text
    assert "our own debug shows" in text


async def test_a_whole_journey_at_debug_logs_no_name_number_text_answer_or_rule(
    database, clock, captured
):
    async with open_journey(database, clock) as journey:
        sms = FakeSms()
        journey.core.channels.sms = sms
        core = journey.core
        alice = journey.patient(ALICE, "Zelda")
        # Book a consultation, typing the number and confirming it with the texted code.
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        await press_first_day(alice)
        await press_first_time(alice)
        await alice.send_text(NAME)
        await alice.send_text("(201) 555-0123")
        await journey.dispatch()
        [code_text] = sms.bodies_to(PHONE)
        code = re.search(r"\d{6}", code_text).group(0)  # type: ignore[union-attr]
        await alice.send_text(code)
        for answer in ["Yes", "No", "Not sure", *["No"] * 6]:
            await alice.press(answer)
        await alice.send_text(MEDICINES)
        await alice.press("7")
        await alice.press("6")
        await alice.press("Yes")
        await alice.press("Yes, text me too")
        await alice.press("✅ Confirm booking")
        await journey.dispatch()
        # Staff look the patient up in the staff chat.
        staff = journey.double.user(STAFF_USER, "Sam").in_chat(STAFF_CHAT)
        await staff.send_command("/today")
        await staff.send_command(f"/patient {NAME}")
        # Approved, a treatment session, Done; the first check-in raises a red flag.
        with core.db.session(write=False) as session:
            patient = session.exec(select(Patient).where(Patient.telegram_user_id == ALICE)).one()
        assert patient.id is not None
        [consultation] = journey.appointments()
        assert consultation.id is not None
        clock.set(consultation.ends_at)
        core.aftercare.mark_done(appointment_id=consultation.id, actor=f"staff:{STAFF_USER}")
        core.staff_ops.approve(patient_id=patient.id, actor=f"staff:{STAFF_USER}")
        [slot] = core.booking.next_free(service="iv_infusion", count=1, for_patient=patient.id)
        session_visit = core.booking.book(
            patient_id=patient.id, service="iv_infusion", start=slot.start, actor="staff:1"
        )
        assert session_visit.id is not None
        clock.set(session_visit.ends_at)
        core.aftercare.mark_done(appointment_id=session_visit.id, actor="staff:1")
        with core.db.session(write=False) as session:
            first = session.exec(
                select(Outbox)
                .where(Outbox.appointment_id == session_visit.id)
                .where(Outbox.kind == OutboxKind.CHECKIN)
                .order_by(Outbox.due_at)
            ).first()
        assert first is not None
        clock.set(first.due_at)
        await journey.dispatch()
        await alice.press("No")
        await alice.press("Yes")  # a safety question answered Yes: a red flag
        await core.escalation.wait_for_pages()
        await journey.dispatch()
        # A phone-only patient books by text.
        inbound = core.sms_inbound
        for body in ("BOOK", "1", SMS_NAME, "C"):
            inbound.handle(
                from_number=SMS_PHONE,
                body=body,
                message_sid="SM" + uuid.uuid4().hex,
                now=clock.now(),
            )
        await journey.dispatch()

        with core.db.session(write=False) as session:
            rules = {e.rule for e in session.exec(select(Escalation)).all()}
            visits = len(session.exec(select(Appointment)).all())
        staff_saw = [m.text for m in journey.double.chat_log(STAFF_CHAT) if m.from_bot]
    assert rules, "the journey raised a red flag"
    assert visits == 3
    log = captured.getvalue()
    lines = log.splitlines()
    assert any(" bot." in line for line in lines), "our own logging was captured"
    secrets = [
        NAME,
        "Zelda",
        "Quartermaine",
        SMS_NAME,
        "Sandalwood",
        PHONE,
        PHONE[1:],
        "555-0123",
        "5550123",
        SMS_PHONE,
        "5550143",
        code,
        MEDICINES,
        "Tramadol",
        *rules,
    ]
    for line in lines:
        for secret in secrets:
            assert secret not in line, f"{secret!r} logged: {line}"
    # The staff chat did see them: the data was there to leak.
    assert any(NAME in text for text in staff_saw)
    assert any(PHONE in text for text in staff_saw)
    assert not any(name in line for line in lines for name in ("ExtBot", "httpx", "httpcore"))
