"""No SMS we send carries the treatment, a drug, "pain", a diagnosis or a symptom (CLINICAL.md 6)."""

from __future__ import annotations

import json
import re
import string
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.db.models import Outbox, Patient
from bot.domain.enums import OutboxKind
from bot.domain.errors import ConfigError
from bot.domain.sms_policy import assert_sms_safe
from bot.services.routing import create_phone_patient
from bot.services.sms_actions import OFFER_COUNT, choices, numbered
from bot.services.sms_inbound import check_sms_texts, sms_text_samples
from bot.texts import Texts
from bot.texts.sms import DEFAULTS
from tests.booking_helpers import with_capacity
from tests.outbox_helpers import booking_with_planner
from tests.sms_helpers import (
    OTHER_PHONE,
    Conversation,
    FakeCheckins,
    make_inbound,
    open_checkin,
    phone_patient,
)

PATIENT_SMS_KEYS = sorted(k for k in DEFAULTS if k.startswith("sms_") and "_staff_" not in k)


def template_pattern(template: str) -> re.Pattern[str]:
    """A regex matching any rendering of `template` (each placeholder matches anything)."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name:
            parts.append(".*?")
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


@pytest.mark.parametrize("key", PATIENT_SMS_KEYS)
def test_every_sms_template_is_safe_and_one_segment_with_realistic_values(key, profile):
    values = sms_text_samples(profile)[key]

    text = Texts(profile.texts).plain(key, **values)

    assert_sms_safe(text, max_segments=1)


def test_the_samples_cover_every_patient_sms_text(profile):
    assert sorted(sms_text_samples(profile)) == PATIENT_SMS_KEYS


def test_offers_stay_one_segment_on_every_weekday_and_month(profile):
    texts = Texts(profile.texts)
    sample = sms_text_samples(profile)["sms_slot_taken"]
    start = datetime(2027, 1, 1, 17, 45, tzinfo=UTC)  # 12:45 PM in New York: the longest time
    for day in range(0, 366, 5):
        starts = [start + timedelta(days=day + n) for n in range(OFFER_COUNT)]
        for key in ("sms_book_offer", "sms_reschedule_offer", "sms_slot_taken"):
            text = texts.plain(
                key,
                **{**sample, "options": numbered(starts, profile.tz), "choices": choices(3)},
            )
            assert_sms_safe(text, max_segments=1)


def test_the_start_up_check_accepts_the_default_texts(profile):
    check_sms_texts(Texts(profile.texts), profile)


@pytest.mark.parametrize(
    ("key", "override", "named"),
    [
        ("sms_booked", "{clinic}: your infusion is on {when}.", "infusion"),
        ("sms_help", "{program}: texts about your pain care. Msg & data rates may apply.", "pain"),
        ("sms_confirmed", "{clinic}: ketamine visit {when} confirmed.", "ketamine"),
        ("sms_menu", "{clinic}: reply C to confirm \u2013 thanks!", "outside GSM-7"),
    ],
)
def test_the_start_up_check_refuses_an_unsafe_override(key, override, named, profile):
    texts = Texts({key: override})

    with pytest.raises(ConfigError) as refused:
        check_sms_texts(texts, profile)

    assert f"texts.{key}" in str(refused.value)
    assert named in str(refused.value)


async def test_every_reply_of_a_tour_through_all_paths_is_safe(sqlite_db, profile, clock):
    """Walk through every reply the service can give, then check each one it stored."""
    tight = with_capacity(profile, clinician=1, consult_room=1)
    booking = booking_with_planner(sqlite_db, tight, clock)
    checkins = FakeCheckins()
    service = make_inbound(sqlite_db, tight, clock, booking=booking, checkin_answer=checkins)
    new = Conversation(service, clock)
    known = Conversation(service, clock, phone=OTHER_PHONE)

    new.send("HELP")
    new.send("ENGLISH")  # the language of our texts (issue 15)
    new.send("what?")
    new.send("C")
    new.send("BOOK")
    new.send("9")
    new.send("1")
    new.send("42")  # "42" is not a name
    taken = booking.next_free(service=tight.consultation_code, count=1)[0].start
    rival = phone_patient(sqlite_db, clock, phone="+14155550123", name="Rival")
    booking.book(patient_id=rival, service=tight.consultation_code, start=taken)
    new.send("Ada Lovelace")  # just taken: new offers
    new.send("1")
    new.send("C")
    new.send("R")
    new.send("2")
    new.send("X")
    new.send("STOP")
    new.send("START")

    with sqlite_db.session() as session:
        known_id = create_phone_patient(
            session, phone=OTHER_PHONE, name="Known", staff_actor="staff:1", now=clock.now()
        ).id
    [slot] = booking.next_free(service=tight.consultation_code, count=1)
    late = booking.book(patient_id=known_id, service=tight.consultation_code, start=slot.start)
    open_checkin(sqlite_db, known_id, clock.now(), phone=OTHER_PHONE)
    known.send("BOOK")
    clock.set(late.starts_at - timedelta(hours=2))
    known.send("X")
    strict = tight.model_copy(
        update={"booking": tight.booking.model_copy(update={"late_cancellation_policy": "refuse"})}
    )
    closed = tight.model_copy(update={"hours": {}})
    refusing = Conversation(
        make_inbound(
            sqlite_db, strict, clock, booking=booking_with_planner(sqlite_db, strict, clock)
        ),
        clock,
        phone="+16175550199",
    )
    refusing_slot = booking.next_free(service=tight.consultation_code, count=1)[0].start
    patient_id = phone_patient(sqlite_db, clock, phone=refusing.phone, name="Strict")
    appointment = booking.book(
        patient_id=patient_id, service=tight.consultation_code, start=refusing_slot
    )
    clock.set(appointment.starts_at - timedelta(hours=1))
    refusing.send("X")
    Conversation(make_inbound(sqlite_db, closed, clock), clock, phone="+12125551234").send("BOOK")
    # "D": the ride home for a treatment is arranged (issue 11 item 7).
    rider = Conversation(service, clock, phone="+16175550144")
    rider_id = phone_patient(sqlite_db, clock, phone=rider.phone, name="Rider")
    with sqlite_db.session() as session:
        session.get(Patient, rider_id).approved_at = clock.now()
    [ride_slot] = booking.next_free(service="iv_infusion", count=1, for_patient=rider_id)
    booking.book(patient_id=rider_id, service="iv_infusion", start=ride_slot.start)
    rider.send("D")

    with sqlite_db.session(write=False) as session:
        markers = session.exec(select(Outbox).where(col(Outbox.kind) == OutboxKind.SMS_REPLY)).all()
    stored = [json.loads(m.payload).get("reply") for m in markers]
    replies = [r for r in stored if r is not None]
    for reply in replies:
        assert_sms_safe(reply)
    unused = [
        key
        for key in PATIENT_SMS_KEYS
        if not any(template_pattern(DEFAULTS[key]).match(r) for r in replies)
    ]
    # Check-in replies come from the check-in service; everything of ours was produced.
    assert unused == []
