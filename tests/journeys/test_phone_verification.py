"""A typed phone number is a claim: it becomes the SMS identity only with the code texted to it."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from bot.db.models import AuditLog, Outbox, Patient, PhoneClaim
from bot.domain.enums import AppointmentStatus, DraftStep, OutboxKind
from bot.domain.phone_codes import as_code, code_matches, hash_code
from bot.domain.sms_policy import assert_sms_safe
from tests.fakes import FakeSms
from tests.journey_helpers import (
    ALICE,
    BOB,
    answer_screening,
    new_database,
    open_journey,
    start_and_consent,
    to_phone_question,
)

CONFIRM = "✅ Confirm booking"
OWNER_PHONE = "+12025550143"  # Olivia's phone; Mallory types it
OWN_PHONE = "+12015550123"
RESEND, OTHER, SKIP = "Send a new code", "Use another number", "Continue without texts"


def with_sms(journey) -> FakeSms:
    sms = FakeSms()
    journey.core.channels.sms = sms
    return sms


async def to_phone_step(user, *, name: str = "Alice Smith") -> None:
    await start_and_consent(user)
    await to_phone_question(user, name=name)


def codes_sent(sms: FakeSms, phone: str) -> list[str]:
    found = []
    for body in sms.bodies_to(phone):
        assert_sms_safe(body, max_segments=1)
        match = re.search(r"\b(\d{6})\b", body)
        assert match is not None, body
        found.append(match.group(1))
    return found


def text_from(journey, phone: str, body: str) -> str | None:
    inbound = journey.core.sms_inbound
    reply = inbound.handle(
        from_number=phone,
        body=body,
        message_sid="SM" + uuid.uuid4().hex,
        now=journey.clock.now(),
    )
    if reply is not None:
        assert_sms_safe(reply)
    return reply


def claims(journey) -> list[PhoneClaim]:
    with journey.core.db.session(write=False) as session:
        return list(session.exec(select(PhoneClaim).order_by(col(PhoneClaim.id))).all())


def patient_of(journey, user_id: int) -> Patient:
    with journey.core.db.session(write=False) as session:
        return session.exec(select(Patient).where(Patient.telegram_user_id == user_id)).one()


# --- the takeover ---------------------------------------------------------------------------


async def test_a_typed_number_does_not_hand_its_owners_texts_to_the_typist(database, clock):
    """Mallory types Olivia's number; Olivia texts BOOK and X: neither touches the other."""
    async with open_journey(database, clock) as journey:
        sms = with_sms(journey)
        mallory = journey.patient(ALICE, "Mallory")
        await to_phone_step(mallory, name="Mallory Smith")
        await mallory.send_text("(202) 555-0143")
        await journey.dispatch()
        # The code went to Olivia's phone, which Mallory does not hold: she carries on without.
        assert len(codes_sent(sms, OWNER_PHONE)) == 1
        await mallory.press(SKIP)
        await answer_screening(mallory)
        await mallory.press(CONFIRM)
        [mallory_visit] = journey.appointments()

        # Olivia, who owns the number, books by text and later cancels by text.
        offer = text_from(journey, OWNER_PHONE, "BOOK")
        assert offer is not None
        assert "1) " in offer
        text_from(journey, OWNER_PHONE, "2")
        booked = text_from(journey, OWNER_PHONE, "Olivia Owner")
        assert booked is not None
        assert "you are booked" in booked
        cancelled = text_from(journey, OWNER_PHONE, "X")
        assert cancelled is not None
        assert "is cancelled" in cancelled

        visits = {a.id: a for a in journey.appointments()}
        olivia_visit = next(a for a in visits.values() if a.id != mallory_visit.id)
        assert visits[mallory_visit.id].status == AppointmentStatus.BOOKED
        assert olivia_visit.status == AppointmentStatus.CANCELLED
        mallory_record = patient_of(journey, ALICE)
        assert mallory_record.phone_e164 is None
        assert mallory_record.sms_consent_at is None
        assert olivia_visit.patient_id != mallory_record.id
        with journey.core.db.session(write=False) as session:
            olivia = session.exec(select(Patient).where(Patient.phone_e164 == OWNER_PHONE)).one()
        assert (olivia.name, olivia.telegram_user_id) == ("Olivia Owner", None)
        # Olivia's texts never named Mallory's visit; Mallory's chat shows only her own.
        await mallory.send_command("/appointments")
        listing = mallory.last_message()
        assert [b for b in listing.button_labels if b.startswith("✖️ Cancel")] == ["✖️ Cancel #1"]
        # The only SMS Olivia's number got before she texted us was the code.
        assert [kind for kind in sent_kinds(journey) if kind != OutboxKind.SMS_REPLY] == [
            OutboxKind.PHONE_CODE
        ]


def sent_kinds(journey) -> list[str]:
    with journey.core.db.session(write=False) as session:
        rows = session.exec(
            select(Outbox).where(col(Outbox.channel) == "sms").order_by(col(Outbox.id))
        ).all()
        return [row.kind for row in rows if row.sent_at is not None]


# --- proving a number -----------------------------------------------------------------------


async def test_the_code_typed_back_makes_the_number_the_patients_and_allows_texts(database, clock):
    async with open_journey(database, clock) as journey:
        sms = with_sms(journey)
        alice = journey.patient(ALICE, "Alice")
        await to_phone_step(alice)
        await alice.send_text("201 555 0123")
        assert "6-digit code" in alice.last_message().text
        assert journey.draft(ALICE).step == DraftStep.PHONE_CODE
        assert patient_of(journey, ALICE).phone_e164 is None  # a claim, not yet an identity
        await journey.dispatch()
        [code] = codes_sent(sms, OWN_PHONE)

        await alice.send_text(f"{code[:3]} {code[3:]}")

        assert "is confirmed" in journey.bot_messages(ALICE)[-2].text
        await answer_screening(alice)
        await alice.press("Yes, text me too")
        await alice.press(CONFIRM)
        patient = patient_of(journey, ALICE)
        assert patient.phone_e164 == OWN_PHONE
        assert (patient.phone_verified_via, patient.phone_verified_at) == ("code", clock.now())
        assert patient.sms_consent_at == clock.now()


async def test_a_wrong_code_says_how_many_tries_are_left_and_five_lock_it_for_an_hour(
    database, clock
):
    async with open_journey(database, clock) as journey:
        sms = with_sms(journey)
        alice = journey.patient(ALICE, "Alice")
        await to_phone_step(alice)
        await alice.send_text("201 555 0123")
        await journey.dispatch()
        [code] = codes_sent(sms, OWN_PHONE)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"

        await alice.send_text(wrong)
        assert "4 more tries" in alice.last_message().text
        for _ in range(3):
            await alice.send_text(wrong)
        assert "1 more try" in alice.last_message().text
        await alice.send_text(wrong)
        assert "Too many wrong codes" in alice.last_message().text
        await alice.send_text(code)  # even the right one, while locked
        assert "Too many wrong codes" in alice.last_message().text
        await alice.press(RESEND)
        assert "Too many wrong codes" in alice.last_message().text
        assert patient_of(journey, ALICE).phone_e164 is None
        assert len(codes_sent(sms, OWN_PHONE)) == 1

        clock.advance(timedelta(hours=1, minutes=1))
        await alice.press(RESEND)
        await journey.dispatch()
        assert len(codes_sent(sms, OWN_PHONE)) == 2
        await alice.send_text(codes_sent(sms, OWN_PHONE)[-1])
        assert patient_of(journey, ALICE).phone_e164 == OWN_PHONE


async def test_an_expired_code_offers_a_new_one_and_resends_are_limited(database, clock):
    async with open_journey(database, clock) as journey:
        sms = with_sms(journey)
        alice = journey.patient(ALICE, "Alice")
        await to_phone_step(alice)
        await alice.send_text("201 555 0123")
        await journey.dispatch()
        [first] = codes_sent(sms, OWN_PHONE)
        await alice.press(RESEND)  # at once: too soon
        assert "less than a minute ago" in alice.last_message().text

        clock.advance(timedelta(minutes=11))
        await alice.send_text(first)
        assert "has expired" in alice.last_message().text
        assert RESEND in alice.last_message().button_labels
        await alice.press(RESEND)
        await journey.dispatch()
        clock.advance(timedelta(minutes=2))
        await alice.press(RESEND)
        await journey.dispatch()
        assert len(codes_sent(sms, OWN_PHONE)) == 3
        clock.advance(timedelta(minutes=2))
        await alice.press(RESEND)  # a fourth within the hour
        assert "several codes already" in alice.last_message().text
        await journey.dispatch()
        assert len(codes_sent(sms, OWN_PHONE)) == 3
        # The newest code works; an older one is no longer accepted.
        second, third = codes_sent(sms, OWN_PHONE)[1:]
        if second != third:
            await alice.send_text(second)
            assert "not right" in alice.last_message().text
        await alice.send_text(third)
        assert patient_of(journey, ALICE).phone_e164 == OWN_PHONE


async def test_a_code_for_another_number_is_refused(database, clock):
    async with open_journey(database, clock) as journey:
        sms = with_sms(journey)
        alice = journey.patient(ALICE, "Alice")
        await to_phone_step(alice)
        await alice.send_text("202 555 0143")
        await journey.dispatch()
        [old_code] = codes_sent(sms, OWNER_PHONE)
        await alice.press(OTHER)
        clock.advance(timedelta(minutes=1))
        await alice.send_text("201 555 0123")
        await journey.dispatch()

        await alice.send_text(old_code)

        assert "sent for a different number" in alice.last_message().text
        assert patient_of(journey, ALICE).phone_e164 is None


async def test_a_code_asked_for_from_another_telegram_account_is_refused(database, clock):
    async with open_journey(database, clock) as journey:
        sms = with_sms(journey)
        bob = journey.patient(BOB, "Bob")
        await to_phone_step(bob, name="Bob Jones")
        await bob.send_text("202 555 0143")
        alice = journey.patient(ALICE, "Alice")
        await to_phone_step(alice)
        await alice.send_text("201 555 0123")
        await journey.dispatch()
        [bobs_code] = codes_sent(sms, OWNER_PHONE)
        [alices_code] = codes_sent(sms, OWN_PHONE)
        if bobs_code == alices_code:
            return  # one in a million: the same six digits; nothing to tell apart

        await alice.send_text(bobs_code)

        assert "different Telegram account" in alice.last_message().text
        assert patient_of(journey, ALICE).phone_e164 is None
        assert patient_of(journey, BOB).phone_e164 is None
        with journey.core.db.session(write=False) as session:
            refused = session.exec(
                select(AuditLog).where(col(AuditLog.action) == "phone.code_refused")
            ).all()
        assert len(refused) == 1
        assert "other_account" in refused[0].detail


async def test_the_code_is_kept_only_as_a_salted_hash(database, clock):
    async with open_journey(database, clock) as journey:
        sms = with_sms(journey)
        alice = journey.patient(ALICE, "Alice")
        await to_phone_step(alice)
        await alice.send_text("201 555 0123")
        await journey.dispatch()
        [code] = codes_sent(sms, OWN_PHONE)

        [claim] = claims(journey)
        assert claim.code_hash is not None
        assert claim.code_salt is not None
        assert code not in claim.code_hash
        assert len(claim.code_hash) == 64
        assert code_matches(OWN_PHONE, code, salt=claim.code_salt, digest=claim.code_hash)
        with journey.core.db.session(write=False) as session:
            [row] = session.exec(select(Outbox).where(Outbox.kind == OutboxKind.PHONE_CODE)).all()
        assert code not in row.payload  # cleared once sent


async def test_the_code_goes_out_at_night_when_other_texts_wait(tmp_path):
    from bot.domain.clock import FixedClock

    night = FixedClock(datetime(2027, 3, 2, 4, 0, tzinfo=UTC))  # 11 PM in New York
    database = new_database(tmp_path / "night.db")
    try:
        async with open_journey(database, night) as journey:
            sms = with_sms(journey)
            alice = journey.patient(ALICE, "Alice")
            await to_phone_step(alice)
            await alice.send_text("201 555 0123")
            await journey.dispatch()
            assert len(codes_sent(sms, OWN_PHONE)) == 1
    finally:
        database.dispose()


async def test_the_chat_reads_the_same_whether_or_not_a_record_holds_the_number(tmp_path, clock):
    transcripts = []
    for held in (False, True):
        database = new_database(tmp_path / f"held-{held}.db")
        try:
            async with open_journey(database, clock) as journey:
                sms = with_sms(journey)
                if held:
                    with journey.core.db.session() as session:
                        session.add(
                            Patient(
                                created_at=clock.now(),
                                name="Someone Else",
                                phone_e164=OWN_PHONE,
                                phone_verified_at=clock.now(),
                                phone_verified_via="sms",
                                preferred_channel="sms",
                                created_by="sms",
                            )
                        )
                alice = journey.patient(ALICE, "Alice")
                await to_phone_step(alice)
                await alice.send_text("201 555 0123")
                await journey.dispatch()
                [code] = codes_sent(sms, OWN_PHONE)
                await alice.send_text(code)
                await answer_screening(alice)
                await alice.press("Yes, text me too")
                await alice.press(CONFIRM)
                transcripts.append([m.text for m in journey.bot_messages(ALICE)])
                if held:
                    # Proved, but another record holds it: staff sort it out; no texts here.
                    mine = patient_of(journey, ALICE)
                    assert mine.phone_e164 is None
                    assert mine.sms_consent_at is None
        finally:
            database.dispose()
    assert transcripts[0] == transcripts[1]


async def test_without_sms_a_typed_number_is_kept_unconfirmed_and_never_texted(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE, "Alice")
        await to_phone_step(alice)
        await alice.send_text("201 555 0123")
        assert "confirmed with a code" in journey.bot_messages(ALICE)[-2].text
        await answer_screening(alice)
        assert "(not confirmed)" in alice.last_message().text  # the summary; no SMS question
        await alice.press(CONFIRM)
        patient = patient_of(journey, ALICE)
        assert (patient.phone_e164, patient.sms_consent_at) == (None, None)


def test_codes_are_six_digits_and_hashes_differ_per_salt():
    assert as_code("123 456") == "123456"
    assert as_code("12345") is None
    assert as_code("١٢٣٤٥٦") is None  # other scripts' digits are not a code
    one, two = hash_code(OWN_PHONE, "123456"), hash_code(OWN_PHONE, "123456")
    assert one.salt != two.salt
    assert one.digest != two.digest
    assert not code_matches(OWNER_PHONE, "123456", salt=one.salt, digest=one.digest)
