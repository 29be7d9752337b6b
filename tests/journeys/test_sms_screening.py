"""The health questions by text (issue 11 item 3): a patient without Telegram asks for them
with Q and answers S1-S9 with Y / N / ?; the answers reach the record and staff, and every text
meets the SMS privacy policy."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.db.models import AuditLog, BookingDraft, Outbox, Patient, ScreeningAnswer
from bot.domain.enums import Channel, OutboxKind, OutboxStatus
from bot.domain.language import Language
from bot.domain.sms_keywords import screening_answer
from bot.domain.sms_policy import assert_sms_safe
from bot.texts import Texts
from bot.texts.i18n import use_language
from tests.fakes import FakeSms
from tests.journey_helpers import STAFF_CHAT, STAFF_USER, open_journey

PHONE = "+12015550177"


def add_sms_patient(journey, *, name: str = "Tess", phone: str = PHONE) -> int:
    now = journey.clock.now()
    with journey.core.db.session() as session:
        patient = Patient(
            created_at=now,
            name=name,
            phone_e164=phone,
            preferred_channel="sms",
            sms_consent_at=now,
        )
        session.add(patient)
        session.flush()
        assert patient.id is not None
        return patient.id


def texter(journey, phone: str = PHONE):
    """Send one SMS to the bot's own inbound service; every reply is checked for the policy."""
    inbound = journey.core.sms_inbound

    def send(body: str) -> str:
        reply = inbound.handle(
            from_number=phone,
            body=body,
            message_sid="SM" + uuid.uuid4().hex,
            now=journey.clock.now(),
        )
        assert reply is not None
        assert_sms_safe(reply, max_segments=2)
        return reply

    return send


def answers_of(journey, patient_id: int) -> dict[str, str]:
    with journey.core.db.session(write=False) as session:
        rows = session.exec(
            select(ScreeningAnswer).where(col(ScreeningAnswer.patient_id) == patient_id)
        ).all()
        return {row.code: row.answer for row in rows}


def staff_texts(journey) -> list[str]:
    return [m.text for m in journey.bot_messages(STAFF_CHAT)]


def test_texted_answers_are_read_as_the_buttons_are():
    assert [screening_answer(t) for t in ("Y", "yes please", "Sí", "yep")] == ["yes"] * 4
    assert [screening_answer(t) for t in ("n", "No.", "nope", "nunca")] == ["no"] * 4
    assert [screening_answer(t) for t in ("?", "not sure", "No sé", "idk", "¿?")] == [
        "not_sure"
    ] * 5
    assert [screening_answer(t) for t in ("", "blah", "Q", "7", "yes and no")] == [None] * 5


async def test_staff_send_the_questions_by_text_and_the_answers_reach_the_record(database, clock):
    async with open_journey(database, clock) as journey:
        patient_id = add_sms_patient(journey)
        staff = journey.double.user(STAFF_USER, "Sam").in_chat(STAFF_CHAT)
        await staff.send_text(f"/screen P-{patient_id}")
        assert "a text offers them the health questions by text" in staff_texts(journey)[-1]
        with journey.core.db.session(write=False) as session:
            [invite] = session.exec(
                select(Outbox).where(col(Outbox.patient_id) == patient_id)
            ).all()
        assert (invite.channel, invite.kind) == (Channel.SMS, OutboxKind.PATIENT_NOTICE)

        send = texter(journey)
        first = send("Q")
        assert first.startswith("Q1/9:")
        assert "Reply Y, N or ?" in first
        again = send("maybe later")
        assert again.startswith("Please reply Y (yes), N (no) or ? (not sure). Q1/9:")
        replies = [send(answer) for answer in ["no", "N", "?", "no", "No", "n", "YES", "no"]]
        assert [r[:5] for r in replies] == [f"Q{n}/9:" for n in range(2, 10)]
        assert "the clinic has your answers" in send("no thanks")  # No, to the last one
        assert answers_of(journey, patient_id) == {
            "S1": "no",
            "S2": "no",
            "S3": "not_sure",
            "S4": "no",
            "S5": "no",
            "S6": "no",
            "S7": "yes",
            "S8": "no",
            "S9": "no",
        }
        assert "the clinic has your answers already" in send("Q")

        await journey.dispatch()  # (no Twilio here: the invitation itself is reported unsent)
        [notice] = [t for t in staff_texts(journey) if "Health questions answered" in t]
        assert f"Health questions answered: Tess (P-{patient_id})" in notice
        assert "S3 psychosis / mania history: not sure" in notice
        assert "S7 pregnant / breastfeeding: yes" in notice
        assert "Answered by text, in short lock-screen wording" in notice
        with journey.core.db.session(write=False) as session:
            actions = session.exec(
                select(AuditLog.action).where(col(AuditLog.subject) == f"patient:{patient_id}")
            ).all()
            assert session.exec(select(BookingDraft)).all() == []
        assert {"screening.requested", "screening.started", "screening.answered"} <= set(actions)


async def test_visit_keywords_act_and_leave_the_question_open(database, clock):
    async with open_journey(database, clock) as journey:
        patient_id = add_sms_patient(journey)
        start = journey.core.booking.next_free(service="consultation", count=1)[0].start
        journey.core.booking.book(
            patient_id=patient_id, service="consultation", start=start, actor="staff:1"
        )
        send = texter(journey)
        assert send("Q").startswith("Q1/9:")
        assert send("Y").startswith("Q2/9:")
        assert "is confirmed" in send("C")  # C confirms the visit ...
        assert send("N").startswith("Q3/9:")  # ... and the next answer goes on where it was
        # BOOK starts something else in its place; Q later starts the questions again.
        assert "Reply" in send("BOOK")
        assert send("Q").startswith("Q1/9:")
        assert answers_of(journey, patient_id) == {}


async def test_a_no_to_a_question_is_not_taken_for_not_safe(database, clock):
    """A crisis check open on the number must not read a screening "No" as "not safe"."""
    async with open_journey(database, clock) as journey:
        add_sms_patient(journey)
        send = texter(journey)
        send("Q")
        assert send("no").startswith("Q2/9:")


async def test_an_unknown_number_gets_no_questions(database, clock):
    async with open_journey(database, clock) as journey:
        send = texter(journey, "+12015550199")
        assert "no visit or request for this number" in send("Q")


async def test_booked_by_text_the_patient_is_invited_after_the_confirmation(database, clock):
    async with open_journey(database, clock) as journey:
        send = texter(journey, "+12015550155")
        offer = send("BOOK")
        assert "1)" in offer
        send("1")
        assert "you are booked" in send("Rosa Diaz")
        with journey.core.db.session(write=False) as session:
            patient = session.exec(
                select(Patient).where(col(Patient.phone_e164) == "+12015550155")
            ).one()
            invites = session.exec(
                select(Outbox)
                .where(col(Outbox.patient_id) == patient.id)
                .where(col(Outbox.kind) == OutboxKind.PATIENT_NOTICE)
            ).all()
        assert [row.channel for row in invites] == [Channel.SMS]
        assert invites[0].due_at > journey.clock.now().replace(tzinfo=invites[0].due_at.tzinfo)
        (visit,) = journey.appointments()
        # It asks for answers "before your visit": held back (quiet hours) past the start, it
        # is pointless, so it stops there.
        assert invites[0].not_after == visit.starts_at


@pytest.mark.parametrize(("sent_at", "sent"), [(-1, True), (5, False)])
async def test_an_invitation_held_past_the_visit_start_is_not_sent(
    database, clock, sent_at: int, sent: bool
) -> None:
    sms = FakeSms()

    def with_sms(core) -> None:
        core.channels.sms = sms

    async with open_journey(database, clock, configure=with_sms) as journey:
        send = texter(journey, "+12015550156")
        send("BOOK")
        send("1")
        assert "you are booked" in send("Rosa Diaz")
        (visit,) = journey.appointments()
        clock.set(visit.starts_at + timedelta(minutes=sent_at))
        await journey.dispatch()
        with journey.core.db.session(write=False) as session:
            (invite,) = session.exec(
                select(Outbox).where(col(Outbox.kind) == OutboxKind.PATIENT_NOTICE)
            ).all()
        assert invite.status == (OutboxStatus.SENT if sent else OutboxStatus.SKIPPED)
        invited = [body for body in sms.bodies_to("+12015550156") if "health questions" in body]
        assert len(invited) == (1 if sent else 0)


def test_every_question_fits_one_segment_and_the_policy_in_both_languages(profile):
    texts = Texts(profile.texts)
    for language in (Language.EN, Language.ES):
        with use_language(language):
            for n in range(1, 10):
                assert_sms_safe(texts.plain(f"sms_screen_q_S{n}"), max_segments=1)
            values = {"clinic": profile.clinic.name, "phone": profile.clinic.phone}
            for key in ("sms_screen_done", "sms_screen_already", "sms_screen_no_record"):
                assert_sms_safe(texts.plain(key, **values), max_segments=1)
            assert_sms_safe(texts.plain("patient_screening_request_sms", **values))
            again = texts.plain("sms_screen_again", question=texts.plain("sms_screen_q_S3"))
            assert_sms_safe(again, max_segments=2)


async def test_a_spanish_texter_answers_in_spanish(database, clock):
    async with open_journey(database, clock) as journey:
        patient_id = add_sms_patient(journey, name="Rosa")
        with journey.core.db.session() as session:
            patient = session.get(Patient, patient_id)
            assert patient is not None
            patient.language = "es"
        send = texter(journey)
        assert send("PREGUNTAS").startswith("P1/9: ¿Problemas del corazon")
        assert send("Sí").startswith("P2/9:")
        assert send("no sé").startswith("P3/9:")
        assert send("quizá mañana").startswith("Por favor responda SI, NO o ?")
        for answer in ["No"] * 6:
            send(answer)
        assert "la clinica tiene sus respuestas" in send("no")
        answers = answers_of(journey, patient_id)
        assert (answers["S1"], answers["S2"], answers["S9"]) == ("yes", "not_sure", "no")


async def test_an_invitation_is_not_sent_once_the_answers_are_in(database, clock):
    sms = FakeSms()

    def with_sms(core) -> None:
        core.channels.sms = sms

    async with open_journey(database, clock, configure=with_sms) as journey:
        patient_id = add_sms_patient(journey)
        staff = journey.double.user(STAFF_USER, "Sam").in_chat(STAFF_CHAT)
        await staff.send_text(f"/screen P-{patient_id}")
        send = texter(journey)
        send("Q")  # before the invitation went out (a reminder mentioned Q, or a call did)
        for _ in range(9):
            send("N")
        assert len(answers_of(journey, patient_id)) == 9

        await journey.dispatch()

        with journey.core.db.session(write=False) as session:
            (invite,) = session.exec(
                select(Outbox).where(col(Outbox.kind) == OutboxKind.PATIENT_NOTICE)
            ).all()
        assert (invite.status, invite.last_error) == (OutboxStatus.SKIPPED, "answered already")
        assert not [body for body in sms.bodies_to(PHONE) if "health questions" in body]
