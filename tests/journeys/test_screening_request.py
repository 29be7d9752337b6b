"""Staff send the health questions to a patient who was never asked them (issue 11 item 3), and
such a patient finds them in the menu: answered, they go to the record and staff are told."""

from __future__ import annotations

from sqlmodel import select

from bot.db.models import AuditLog, Outbox, Patient, ScreeningAnswer
from bot.services.staff_ops import StaffOps
from tests.journey_helpers import (
    ALICE,
    STAFF_CHAT,
    STAFF_USER,
    open_journey,
    start_and_consent,
)

QUESTIONS = "📝 Health questions for the clinic"


def staff_texts(journey) -> list[str]:
    return [m.text for m in journey.bot_messages(STAFF_CHAT)]


async def booked_by_staff_after_start(journey) -> tuple[object, int]:
    """Alice agreed to chat here, then the front desk booked her visit by phone."""
    alice = journey.patient(ALICE, "Alice")
    await start_and_consent(alice)
    [patient] = [p for p in journey.patients() if p.telegram_user_id == ALICE]
    start = journey.core.booking.next_free(service="consultation", count=1)[0].start
    journey.core.booking.book(
        patient_id=patient.id, service="consultation", start=start, actor="staff:1"
    )
    return alice, patient.id


async def test_staff_send_the_questions_and_the_answers_reach_the_record(database, clock):
    async with open_journey(database, clock) as journey:
        alice, patient_id = await booked_by_staff_after_start(journey)
        ops: StaffOps = journey.core.staff_ops
        assert ops.patient_card(patient_id).screened is False

        staff = journey.double.user(STAFF_USER, "Sam").in_chat(STAFF_CHAT)
        await staff.send_text(f"/screen P-{patient_id}")
        assert "Health questions sent to" in staff_texts(journey)[-1]
        await journey.dispatch()
        asked = alice.last_message()
        assert "asks you to answer a few health questions" in asked.text
        assert asked.button_labels == [QUESTIONS]

        await alice.press(QUESTIONS)
        assert "Question 1 of 9" in alice.last_message().text
        for answer in ["No"] * 8 + ["Yes"]:
            await alice.press(answer)
        await alice.send_text("Sertraline 50 mg")
        await alice.press("7")
        await alice.press("6")
        summary = alice.last_message()
        assert "Send your answers to the clinic now?" in summary.text
        await alice.press("✅ Send to the clinic")
        assert "the clinic has your answers" in alice.last_message().text
        assert QUESTIONS not in alice.last_message().button_labels
        await journey.dispatch()

        notice = staff_texts(journey)[-1]
        assert f"Health questions answered: (no name yet) (P-{patient_id})" in notice
        assert "Screening flags" in notice
        card = ops.patient_card(patient_id)
        assert card.screened is True
        assert [code for code, _ in card.screening_flags] == ["S9"]
        with journey.core.db.session(write=False) as session:
            rows = session.exec(select(ScreeningAnswer)).all()
            assert {r.appointment_id for r in rows} == {None}
            answers = {r.code: r.answer for r in rows}
        assert answers["S9"] == "yes"
        assert answers["S1"] == "no"
        assert (answers["S10"], answers["S11_now"], answers["S11_avg"]) == (
            "Sertraline 50 mg",
            "7",
            "6",
        )
        assert "S12" not in answers  # the ride home is asked with a treatment booking, not here
        with journey.core.db.session(write=False) as session:
            actions = {a.action for a in session.exec(select(AuditLog)).all()}
        assert {"screening.requested", "screening.answered"} <= actions

        # Asked again: the record has the answers, nothing is sent.
        await staff.send_text(f"/screen P-{patient_id}")
        assert "has answered the health questions already" in staff_texts(journey)[-1]


async def test_the_menu_offers_the_questions_only_to_a_booked_patient_without_answers(
    database, clock
):
    async with open_journey(database, clock) as journey:
        bob = journey.patient(ALICE + 1, "Bob")
        await start_and_consent(bob)
        # A new patient answers them while booking: no separate button.
        assert QUESTIONS not in bob.last_message().button_labels
        alice, _ = await booked_by_staff_after_start(journey)
        await alice.send_command("/start")
        assert QUESTIONS in alice.last_message().button_labels
        # Stopping halfway records nothing and brings the menu back.
        await alice.press(QUESTIONS)
        await alice.press("No")
        await alice.press("Not now")
        assert QUESTIONS in alice.last_message().button_labels
        assert journey.screening() == {}


def phone_patient(journey, name: str, phone: str, *, sms: bool) -> int:
    now = journey.clock.now()
    with journey.core.db.session() as session:
        patient = Patient(
            created_at=now,
            name=name,
            phone_e164=phone,
            preferred_channel="sms",
            sms_consent_at=now if sms else None,
        )
        session.add(patient)
        session.flush()
        assert patient.id is not None
        return patient.id


async def test_a_patient_without_telegram_is_offered_them_by_text_or_staff_are_told_to_call(
    database, clock
):
    async with open_journey(database, clock) as journey:
        texting = phone_patient(journey, "Tess", "+12015550177", sms=True)
        silent = phone_patient(journey, "Quinn", "+12015550178", sms=False)
        staff = journey.double.user(STAFF_USER, "Sam").in_chat(STAFF_CHAT)
        await staff.send_text(f"/screen P-{texting}")
        assert "a text offers them the health questions by text" in staff_texts(journey)[-1]
        await staff.send_text(f"/screen P-{silent}")
        assert "call them to ask the health questions" in staff_texts(journey)[-1]
        # Once a day: the same request again plans nothing more.
        await staff.send_text(f"/screen P-{texting}")
        with journey.core.db.session(write=False) as session:
            rows = session.exec(select(Outbox).where(Outbox.patient_id == texting)).all()
        assert len([r for r in rows if "screening_request" in r.dedupe_key]) == 1
