"""Issue 10 items 3 and 5 end to end: the ladder through the real Twilio SDK (calls and texts
checked against Twilio's published spec), the signed "press 1" callback, "ACK 12" by SMS through
the webhook, and a staff chat that moves or refuses messages."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select
from telegram.ext import ApplicationBuilder

from bot.app import build_core
from bot.core import Core
from bot.db.models import AuditLog, RuntimeState
from bot.domain.sms_policy import assert_sms_safe
from bot.messaging.channels import DeliveryFailed
from bot.messaging.pacing import NoPacing
from bot.messaging.sms import TwilioSmsSender
from bot.messaging.telegram import PtbTelegramSender
from bot.messaging.voice import TwilioVoiceCaller
from bot.sandbox.telegram_double import FakeBotApi
from bot.services.dispatch import Dispatcher
from bot.services.dispatch_routes import Channels
from bot.services.routing import permanent_failure_hook
from bot.services.staff_chat import StaffChat
from bot.settings import parse_settings
from bot.web.app import create_web_app
from tests.checkin_helpers import PATIENT_CHAT, World, done_session, escalations, open_slot
from tests.escalation_helpers import queue_staff_notices
from tests.fakes import FakeTelegram
from tests.twilio_double import (
    TEST_ACCOUNT_SID,
    TEST_AUTH_TOKEN,
    TwilioDouble,
    gather_callback_params,
    inbound_sms_params,
)
from tests.web_helpers import PUBLIC, asgi_client, post_signed, reply_of, settings_env

ONCALL = "+14155550123"
BACKUP = "+14155550188"
STAFF = -1001234
MIGRATED = -1009876543210
FROM = "+15005550006"
# The Twilio double each core's SMS and voice senders talk to, by id(core).
_TWILIO: dict[int, TwilioDouble] = {}


def make(db, clock, *, telegram=None, staff_chat: int | None = STAFF) -> tuple[Core, World]:
    """The real core on the Twilio double; the staff chat on `telegram` (a fake by default)."""
    env = settings_env(ONCALL_PHONE=ONCALL, ONCALL_BACKUP_PHONE=BACKUP)
    if staff_chat is not None:
        env["STAFF_CHAT_ID"] = str(staff_chat)
    core = build_core(parse_settings(env), clock=clock, db=db, migrate_db=False)
    twilio = TwilioDouble()
    options = {"account_sid": TEST_ACCOUNT_SID, "auth_token": TEST_AUTH_TOKEN}
    core.channels.sms = TwilioSmsSender(**options, from_number=FROM, http_client=twilio)
    core.channels.voice = TwilioVoiceCaller(
        **options,
        from_number=FROM,
        public_base_url=PUBLIC,
        prompt="Press 1 to acknowledge alert {escalation_id}.",
        http_client=twilio,
    )
    core.channels.telegram = telegram or FakeTelegram()
    _TWILIO[id(core)] = twilio
    dispatcher = Dispatcher(
        db=core.db,
        profile=core.profile,
        texts=core.texts,
        clock=clock,
        channels=core.channels,
        renderers=core.renderers,
        on_permanent_failure=permanent_failure_hook(core.texts),
    )
    core.escalation.dispatcher = dispatcher
    world = World(
        db=core.db,
        profile=core.profile,
        clock=clock,
        catalog=core.checkins.catalog,
        texts=core.texts,
        telegram=core.channels.telegram,  # type: ignore[arg-type]
        sms=None,  # type: ignore[arg-type]
        escalation=core.escalation,
        checkins=core.checkins,
        aftercare=core.aftercare,
        dispatcher=dispatcher,
    )
    return core, world


def twilio_of(core: Core) -> TwilioDouble:
    return _TWILIO[id(core)]


async def red_flag(w: World) -> int:
    checkin_id = await open_slot(w, done_session(w), "D1")
    await w.checkins.answer(
        telegram_user_id=PATIENT_CHAT, checkin_id=checkin_id, question="SAFE1", value="yes"
    )
    await w.escalation.wait_for_pages()
    (escalation,) = escalations(w)
    assert escalation.id is not None
    return escalation.id


async def tick(w: World, minutes: float) -> None:
    w.clock.advance(timedelta(minutes=minutes))
    await w.dispatcher.run_due()


def texts_to(twilio: TwilioDouble, number: str) -> list[str]:
    return [m.body for m in twilio.sent if m.to == number]


# --- the full ladder, and the call's Gather acknowledging -----------------------------------------


async def test_the_full_ladder_reaches_the_backup_phone_and_pressing_1_acknowledges(
    sqlite_db, clock
) -> None:
    core, w = make(sqlite_db, clock)
    twilio = twilio_of(core)
    escalation_id = await red_flag(w)
    for _ in range(3):
        await tick(w, 10)

    # Round 3 calls on-call; round 4 calls on-call and the backup phone at once (two lanes sent
    # side by side, so either call can be placed first).
    first, *last_round = [c.to for c in twilio.calls]
    assert first == ONCALL
    assert sorted(last_round) == sorted([ONCALL, BACKUP])
    assert len(texts_to(twilio, ONCALL)) == 4
    assert len(texts_to(twilio, BACKUP)) == 1
    assert twilio.violations == []  # every Calls and Messages request matches Twilio's spec
    (call,) = [c for c in twilio.calls if c.to == BACKUP]
    assert call.from_ == FROM
    assert call.twiml is not None
    root = ET.fromstring(call.twiml)
    gathers = root.findall("Gather")
    assert gathers
    assert {g.get("numDigits") for g in gathers} == {"1"}
    action = gathers[0].get("action") or ""
    assert action == f"{PUBLIC}/twilio/voice/gather?escalation={escalation_id}"
    spoken = [say.text or "" for say in root.iter("Say")]
    assert all("Press 1 to acknowledge" in words for words in spoken)
    for words in spoken:
        assert_sms_safe(words, max_segments=3)  # as neutral as a text: a loudspeaker may play it

    path = urlsplit(action).path + "?" + urlsplit(action).query
    params = gather_callback_params(call_sid=call.sid, digits="1", to_number=BACKUP)
    async with asgi_client(create_web_app(core=core, inbound=core.sms_inbound)) as web:
        response = await post_signed(web, path, params)

    assert response.status_code == 200
    said = ET.fromstring(response.text).find("Say")
    assert said is not None
    assert said.text == (f"Alert {escalation_id} is acknowledged. Paging has stopped. Goodbye.")
    (escalation,) = escalations(w)
    assert escalation.acknowledged_by == "backup:call"
    calls_before = len(twilio.calls)
    await tick(w, 0)
    await tick(w, 30)
    assert len(twilio.calls) == calls_before
    assert w.telegram.texts_to(PATIENT_CHAT)[-1] == (
        "A clinician has seen your answer and will contact you."
    )


async def test_a_voice_callback_without_a_valid_signature_is_refused_and_changes_nothing(
    sqlite_db, clock
) -> None:
    core, w = make(sqlite_db, clock)
    escalation_id = await red_flag(w)
    path = f"/twilio/voice/gather?escalation={escalation_id}"
    params = gather_callback_params(call_sid="CA" + "0" * 32, digits="1", to_number=ONCALL)

    async with asgi_client(create_web_app(core=core, inbound=core.sms_inbound)) as web:
        unsigned = await web.post(
            path,
            content="&".join(f"{k}={v}" for k, v in params.items()),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        wrong_key = await post_signed(web, path, params, token="not-the-auth-token")
        other_alert = await post_signed(
            web, path, params, signed_url=f"{PUBLIC}/twilio/voice/gather?escalation=999"
        )

    assert [r.status_code for r in (unsigned, wrong_key, other_alert)] == [403, 403, 403]
    (escalation,) = escalations(w)
    assert escalation.acknowledged_at is None


# --- ACK by SMS through the webhook --------------------------------------------------------------


async def test_on_call_replies_ack_to_the_page_and_paging_stops(sqlite_db, clock) -> None:
    core, w = make(sqlite_db, clock)
    twilio = twilio_of(core)
    escalation_id = await red_flag(w)
    (page,) = texts_to(twilio, ONCALL)
    assert f"Reply ACK F-{escalation_id}" in page

    async with asgi_client(create_web_app(core=core, inbound=core.sms_inbound)) as web:
        stranger = await post_signed(
            web, "/twilio/sms", inbound_sms_params(from_number="+14155550199", body="ACK")
        )
        answer = await post_signed(
            web,
            "/twilio/sms",
            inbound_sms_params(from_number=ONCALL, body=f"ACK {escalation_id}"),
        )

    assert reply_of(stranger) == "Riverside Health: this number cannot acknowledge alerts."
    assert reply_of(answer) == f"Alert F-{escalation_id} acknowledged. Paging stopped. Thank you."
    (escalation,) = escalations(w)
    assert escalation.acknowledged_by == "oncall:sms"
    await tick(w, 30)
    assert len(texts_to(twilio, ONCALL)) == 1
    with core.db.session(write=False) as session:
        refused = session.exec(
            select(AuditLog).where(AuditLog.action == "escalation.ack_refused")
        ).all()
    assert len(refused) == 1


# --- the staff chat lost -------------------------------------------------------------------------


async def test_a_staff_chat_that_refuses_messages_sends_pages_to_on_call_by_sms_and_call(
    sqlite_db, clock, caplog: pytest.LogCaptureFixture
) -> None:
    telegram = FakeTelegram(blocked={STAFF})  # the bot was removed from the group
    core, w = make(sqlite_db, clock, telegram=telegram)
    twilio = twilio_of(core)

    with caplog.at_level(logging.ERROR):
        escalation_id = await red_flag(w)

    assert [c.to for c in twilio.calls] == [ONCALL]  # at once, not after two pages
    (page,) = texts_to(twilio, ONCALL)
    assert f"alert F-{escalation_id}" in page
    assert any(
        r.levelno == logging.ERROR and "staff chat" in r.getMessage() for r in caplog.records
    )
    async with asgi_client(create_web_app(core=core, inbound=core.sms_inbound)) as web:
        health = await web.get("/healthz")
    assert health.status_code == 503
    assert health.json()["staff_chat"] == "refusing messages"
    assert "bot was blocked" in health.json()["reason"]

    telegram.blocked.clear()  # the bot is back in the group
    await tick(w, 10)
    async with asgi_client(create_web_app(core=core, inbound=core.sms_inbound)) as web:
        assert (await web.get("/healthz")).status_code == 200


async def test_a_migrated_staff_chat_is_followed_and_every_replica_agrees(sqlite_db, clock) -> None:
    double = FakeBotApi()
    application = ApplicationBuilder().token("123:TEST").request(double).build()
    double.group(STAFF)
    double.migrate_chat(STAFF, to=MIGRATED)
    async with application:
        sender = PtbTelegramSender(application.bot, pacer=NoPacing())
        core, w = make(sqlite_db, clock, telegram=sender)
        escalation_id = await red_flag(w)

        alert = double.last_message(MIGRATED)
        assert f"F-{escalation_id}" in alert.text
        assert core.channels.staff_chat_id == MIGRATED
        with core.db.session(write=False) as session:
            assert session.get(RuntimeState, "staff_chat.id") is not None

        # A second replica started with the old STAFF_CHAT_ID learns the new id from the database.
        replica = Channels(
            staff_chat_id=STAFF,
            telegram=sender,
            staff_chat=StaffChat(db=core.db, configured_id=STAFF),
        )
        replica.refresh_staff_chat()
        assert replica.staff_chat_id == MIGRATED
        async with asgi_client(create_web_app(core=core, inbound=core.sms_inbound)) as web:
            assert (await web.get("/healthz")).status_code == 200


async def test_a_staff_notice_that_cannot_be_delivered_marks_the_chat_lost(
    sqlite_db, clock
) -> None:
    telegram = FakeTelegram()
    core, w = make(sqlite_db, clock, telegram=telegram)
    queue_staff_notices(core.db, now=clock.now(), count=1)
    telegram.failures.append(
        DeliveryFailed("bad request: chat not found", permanent=True, code="400")
    )
    await w.dispatcher.run_due()

    status = core.channels.staff_chat
    assert status is not None
    assert status.status().lost_reason == "bad request: chat not found"
    assert core.channels.staff_chat_lost is not None
    with core.db.session(write=False) as session:
        lost = session.exec(select(AuditLog).where(AuditLog.action == "staff_chat.lost")).all()
    assert [entry.subject for entry in lost] == [f"chat:{STAFF}"]


def test_the_gather_action_carries_only_the_escalation_id() -> None:
    caller = TwilioVoiceCaller(
        account_sid=TEST_ACCOUNT_SID,
        auth_token=TEST_AUTH_TOKEN,
        from_number=FROM,
        public_base_url=PUBLIC,
        prompt="Press 1 to acknowledge alert {escalation_id}.",
        http_client=TwilioDouble(),
    )
    root = ET.fromstring(caller.twiml(say="Hello.", ack_query="escalation=5"))
    action = root.find("Gather").get("action")  # type: ignore[union-attr]
    assert parse_qs(urlsplit(action).query) == {"escalation": ["5"]}
