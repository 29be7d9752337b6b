"""Routing: Telegram blocked -> SMS with consent, staff told; phone-only patients; my_chat_member."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select
from telegram import (
    Chat,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberUpdated,
    Update,
    User,
)
from telegram.ext import Application

from bot.db.models import AuditLog, Outbox, Patient
from bot.domain.enums import Channel, OutboxKind, OutboxStatus
from bot.domain.errors import InvalidPhone
from bot.domain.sms_policy import assert_sms_safe
from bot.messaging.channels import DeliveryFailed
from bot.services.dispatch import Dispatcher
from bot.services.dispatch_routes import Channels
from bot.services.routing import (
    InvalidPatientName,
    create_phone_patient,
    permanent_failure_hook,
    telegram_blocked,
    telegram_failed_permanently,
    telegram_unblocked,
)
from bot.texts import Texts
from handlers import membership
from tests.fakes import FakeSms, FakeTelegram
from tests.outbox_helpers import (
    ONCALL,
    STAFF_CHAT,
    booking_with_planner,
    renderers,
    telegram_patient,
)
from tests.sms_helpers import Conversation, make_inbound
from tests.web_helpers import make_core

CHAT_ID = 501
PATIENT_PHONE = "+15555550123"  # telegram_patient's default number


def get_patient(db, patient_id) -> Patient:
    with db.session(write=False) as session:
        return session.get(Patient, patient_id)


def notices(db) -> list[str]:
    with db.session(write=False) as session:
        rows = session.exec(select(Outbox).where(col(Outbox.kind) == OutboxKind.STAFF_NOTICE)).all()
    return [json.loads(r.payload).get("html", "") for r in rows if r.appointment_id is None]


def block(db, clock, texts=None):
    with db.session() as session:
        return telegram_blocked(
            session, telegram_user_id=CHAT_ID, texts=texts or Texts(), now=clock.now()
        )


# --- Telegram lost ------------------------------------------------------------------------------


def test_a_blocked_bot_switches_a_consenting_patient_to_sms_and_tells_staff(sqlite_db, clock):
    patient_id = telegram_patient(sqlite_db, now=clock.now(), chat_id=CHAT_ID, sms_consent=True)

    switch = block(sqlite_db, clock)

    assert switch is not None
    assert switch.preferred is Channel.SMS
    patient = get_patient(sqlite_db, patient_id)
    assert patient.telegram_blocked_at == clock.now()
    assert patient.preferred_channel == Channel.SMS
    [notice] = notices(sqlite_db)
    assert "now go by SMS" in notice
    assert "Ana" in notice


def test_a_blocked_bot_without_sms_consent_asks_staff_to_call(sqlite_db, clock):
    patient_id = telegram_patient(sqlite_db, now=clock.now(), chat_id=CHAT_ID, sms_consent=False)

    switch = block(sqlite_db, clock)

    assert switch is not None
    assert switch.preferred is None
    assert get_patient(sqlite_db, patient_id).preferred_channel == Channel.TELEGRAM
    [notice] = notices(sqlite_db)
    assert "not agreed to SMS" in notice


def test_blocking_twice_tells_staff_once(sqlite_db, clock):
    telegram_patient(sqlite_db, now=clock.now(), chat_id=CHAT_ID, sms_consent=True)

    block(sqlite_db, clock)
    clock.advance(timedelta(minutes=1))
    again = block(sqlite_db, clock)

    assert again is None
    assert len(notices(sqlite_db)) == 1


def test_an_unknown_telegram_user_blocking_changes_nothing(sqlite_db, clock):
    assert block(sqlite_db, clock) is None
    assert notices(sqlite_db) == []


def test_unblocking_brings_telegram_back(sqlite_db, clock):
    patient_id = telegram_patient(sqlite_db, now=clock.now(), chat_id=CHAT_ID, sms_consent=True)
    block(sqlite_db, clock)

    with sqlite_db.session() as session:
        restored = telegram_unblocked(session, telegram_user_id=CHAT_ID, now=clock.now())

    assert restored
    patient = get_patient(sqlite_db, patient_id)
    assert patient.telegram_blocked_at is None
    assert patient.preferred_channel == Channel.TELEGRAM


def test_the_dispatcher_hook_has_the_same_effect_as_a_block(sqlite_db, clock):
    patient_id = telegram_patient(sqlite_db, now=clock.now(), chat_id=CHAT_ID, sms_consent=True)
    hook = permanent_failure_hook(Texts())

    with sqlite_db.session() as session:
        patient = session.get(Patient, patient_id)
        hook(session, patient, DeliveryFailed("forbidden", permanent=True, code="403"), clock.now())

    patient = get_patient(sqlite_db, patient_id)
    assert patient.telegram_blocked_at == clock.now()
    assert patient.preferred_channel == Channel.SMS
    assert len(notices(sqlite_db)) == 1


def test_the_dispatcher_hook_opts_out_on_21610(sqlite_db, clock):
    patient_id = telegram_patient(sqlite_db, now=clock.now(), chat_id=CHAT_ID, sms_consent=True)
    hook = permanent_failure_hook(Texts())

    with sqlite_db.session() as session:
        patient = session.get(Patient, patient_id)
        failure = DeliveryFailed("opted out", permanent=True, code="21610")
        hook(session, patient, failure, clock.now())

    assert get_patient(sqlite_db, patient_id).sms_opted_out_at == clock.now()
    assert "unsubscribed" in notices(sqlite_db)[0]


def test_telegram_failed_permanently_takes_a_patient_id(sqlite_db, clock):
    patient_id = telegram_patient(sqlite_db, now=clock.now(), chat_id=CHAT_ID, sms_consent=True)

    with sqlite_db.session() as session:
        switch = telegram_failed_permanently(
            session, patient_id=patient_id, texts=Texts(), now=clock.now()
        )

    assert switch is not None
    assert switch.preferred is Channel.SMS


async def test_a_reminder_after_a_telegram_403_goes_by_sms(sqlite_db, profile, clock):
    booking = booking_with_planner(sqlite_db, profile, clock)
    patient_id = telegram_patient(sqlite_db, now=clock.now(), chat_id=CHAT_ID, sms_consent=True)
    # An afternoon visit, so its 2 h reminder falls inside SMS hours.
    slot = next(
        s
        for s in booking.next_free(service=profile.consultation_code, count=40)
        if s.start.astimezone(profile.tz).hour >= 13
    )
    booking.book(patient_id=patient_id, service=profile.consultation_code, start=slot.start)
    telegram = FakeTelegram(blocked={CHAT_ID})
    sms = FakeSms()
    texts = Texts()
    dispatcher = Dispatcher(
        db=sqlite_db,
        profile=profile,
        texts=texts,
        clock=clock,
        channels=Channels(
            telegram=telegram, sms=sms, staff_chat_id=STAFF_CHAT, oncall_phone=ONCALL
        ),
        renderers=renderers(),
        on_permanent_failure=permanent_failure_hook(texts),
    )
    clock.set(slot.start - timedelta(hours=2))

    await dispatcher.run_due()

    texted = sms.bodies_to(PATIENT_PHONE)
    assert texted
    assert telegram.texts_to(CHAT_ID) == []
    for body in texted:
        assert_sms_safe(body)
    patient = get_patient(sqlite_db, patient_id)
    assert patient.telegram_blocked_at is not None
    assert patient.preferred_channel == Channel.SMS
    staff_texts = [m.text for chat, m in telegram.sent if chat == STAFF_CHAT]
    assert any("now go by SMS" in text for text in staff_texts)


async def test_stop_holds_back_a_due_reminder_until_start(sqlite_db, profile, clock):
    booking = booking_with_planner(sqlite_db, profile, clock)
    chat = Conversation(make_inbound(sqlite_db, profile, clock, booking=booking), clock)
    chat.send("BOOK")
    chat.send("1")
    chat.send("Ada Lovelace")
    sms = FakeSms()
    dispatcher = Dispatcher(
        db=sqlite_db,
        profile=profile,
        texts=Texts(),
        clock=clock,
        channels=Channels(telegram=FakeTelegram(), sms=sms, staff_chat_id=STAFF_CHAT),
        renderers=renderers(),
        on_permanent_failure=permanent_failure_hook(Texts()),
    )
    await dispatcher.run_due()  # whatever booking queued for now
    sent_before = len(sms.bodies_to(chat.phone))
    chat.send("STOP")
    with sqlite_db.session(write=False) as session:
        [reminder] = session.exec(
            select(Outbox).where(col(Outbox.kind) == OutboxKind.REMINDER_2H)
        ).all()
    clock.set(reminder.due_at)

    await dispatcher.run_due()

    assert len(sms.bodies_to(chat.phone)) == sent_before
    chat.send("START")
    await dispatcher.run_due()
    with sqlite_db.session(write=False) as session:
        skipped = session.get(Outbox, reminder.id)
    # Opted out when it fell due: not sent then, and never sent late after START.
    assert skipped.status == OutboxStatus.SKIPPED
    assert len(sms.bodies_to(chat.phone)) == sent_before
    for _, body in sms.sent:
        assert_sms_safe(body)


# --- phone-only patients created by staff -----------------------------------------------------


def test_staff_create_a_phone_only_patient_with_sms_as_their_channel(sqlite_db, clock):
    with sqlite_db.session() as session:
        patient = create_phone_patient(
            session,
            phone="(202) 555-0143",
            name="  Mary   Seacole ",
            staff_actor="staff:77",
            now=clock.now(),
        )
        patient_id = patient.id

    stored = get_patient(sqlite_db, patient_id)
    assert stored.phone_e164 == "+12025550143"
    assert stored.name == "Mary Seacole"
    assert stored.preferred_channel == Channel.SMS
    assert stored.sms_consent_at == clock.now()
    assert stored.created_by == "staff:77"
    with sqlite_db.session(write=False) as session:
        [entry] = session.exec(select(AuditLog)).all()
    assert (entry.actor, entry.action) == ("staff:77", "patient.create_phone")
    assert "0143" in entry.detail
    assert "5550143" not in entry.detail


def test_creating_a_patient_for_a_known_number_returns_that_patient(sqlite_db, clock):
    with sqlite_db.session() as session:
        first = create_phone_patient(
            session, phone="+12025550143", name="Mary", staff_actor="staff:1", now=clock.now()
        ).id
    with sqlite_db.session() as session:
        second = create_phone_patient(
            session, phone="202-555-0143", name="Other", staff_actor="staff:2", now=clock.now()
        ).id

    assert first == second
    assert get_patient(sqlite_db, first).name == "Mary"


@pytest.mark.parametrize("phone", ["", "12", "not a number", "+1 555 123 4567"])
def test_an_invalid_phone_is_refused(phone, sqlite_db, clock):
    with pytest.raises(InvalidPhone), sqlite_db.session() as session:
        create_phone_patient(
            session, phone=phone, name="Mary", staff_actor="staff:1", now=clock.now()
        )


@pytest.mark.parametrize("name", ["", "   ", "12345", "x" * 101, "Mary\x00"])
def test_an_invalid_name_is_refused(name, sqlite_db, clock):
    with pytest.raises(InvalidPatientName), sqlite_db.session() as session:
        create_phone_patient(
            session, phone="+12025550143", name=name, staff_actor="staff:1", now=clock.now()
        )


# --- the my_chat_member handler ---------------------------------------------------------------

BOT_USER = User(id=999, first_name="ClinicBot", is_bot=True)
PATIENT_USER = User(id=CHAT_ID, first_name="Ana", is_bot=False)


def member_update(old, new, *, chat_type: str = Chat.PRIVATE) -> Update:
    return Update(
        update_id=1,
        my_chat_member=ChatMemberUpdated(
            chat=Chat(id=CHAT_ID, type=chat_type),
            from_user=PATIENT_USER,
            date=datetime(2027, 3, 1, 13, tzinfo=UTC),
            old_chat_member=old,
            new_chat_member=new,
        ),
    )


MEMBER = ChatMemberMember(user=BOT_USER)
BANNED = ChatMemberBanned(user=BOT_USER, until_date=datetime(1970, 1, 1, tzinfo=UTC))


@pytest.fixture
def handler_callback(sqlite_db, clock):
    core = make_core(sqlite_db, clock)
    application = Application.builder().token("123456:" + "A" * 35).build()
    membership.register(application, core)
    [[handler]] = application.handlers.values()
    return handler.callback


async def test_the_handler_records_a_block_and_an_unblock(handler_callback, sqlite_db, clock):
    patient_id = telegram_patient(sqlite_db, now=clock.now(), chat_id=CHAT_ID, sms_consent=True)

    await handler_callback(member_update(MEMBER, BANNED), None)
    blocked = get_patient(sqlite_db, patient_id)
    await handler_callback(member_update(BANNED, MEMBER), None)
    restored = get_patient(sqlite_db, patient_id)

    assert blocked.telegram_blocked_at is not None
    assert blocked.preferred_channel == Channel.SMS
    assert restored.telegram_blocked_at is None
    assert restored.preferred_channel == Channel.TELEGRAM


async def test_the_handler_ignores_groups_and_other_changes(handler_callback, sqlite_db, clock):
    patient_id = telegram_patient(sqlite_db, now=clock.now(), chat_id=CHAT_ID, sms_consent=True)
    left = ChatMemberLeft(user=BOT_USER)

    await handler_callback(member_update(MEMBER, BANNED, chat_type=Chat.GROUP), None)
    await handler_callback(member_update(MEMBER, left), None)

    assert get_patient(sqlite_db, patient_id).telegram_blocked_at is None
    assert notices(sqlite_db) == []
