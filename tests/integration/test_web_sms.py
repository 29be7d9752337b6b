"""POST /twilio/sms: only Twilio-signed requests for our URL get in; replies go back as TwiML."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from bot.core import Core
from bot.db.models import Appointment, Patient
from bot.domain.enums import OutboxStatus
from bot.services.dispatch import Dispatcher
from bot.services.routing import permanent_failure_hook
from bot.web.app import create_web_app
from bot.web.twilio_routes import EMPTY_TWIML, twiml_reply
from tests.checkin_helpers import (
    PATIENT_PHONE,
    World,
    done_session,
    escalations,
    open_slot,
    sms_patient,
)
from tests.escalation_helpers import on_timeline, queue_staff_notices, statuses
from tests.outbox_helpers import ONCALL, STAFF_CHAT
from tests.sms_helpers import PHONE, phone_patient
from tests.twilio_double import (
    TEST_AUTH_TOKEN,
    inbound_sms_params,
    sign_request,
)
from tests.web_helpers import (
    PUBLIC,
    asgi_client,
    counts,
    inbound_for,
    make_core,
    post_signed,
    reply_of,
    sms,
)

SMS_URL = f"{PUBLIC}/twilio/sms"


@pytest.fixture
def core(sqlite_db, clock) -> Core:
    return make_core(sqlite_db, clock)


@pytest.fixture
async def client(core):
    async with asgi_client(create_web_app(core=core, inbound=inbound_for(core))) as http:
        yield http


# --- the signature ------------------------------------------------------------------------------


async def test_a_signed_request_gets_the_reply_as_twiml(client, core):
    reply = reply_of(await post_signed(client, "/twilio/sms", sms("HELP")))

    assert reply is not None
    assert core.profile.clinic.sms_program in reply


async def test_the_reply_is_xml_escaped(client):
    response = await post_signed(client, "/twilio/sms", sms("HELP"))

    assert "Msg &amp; data rates may apply" in response.text
    assert "Msg & data rates may apply" in reply_of(response)


async def test_an_unsigned_request_is_refused_and_changes_nothing(client, sqlite_db, clock):
    phone_patient(sqlite_db, clock)
    before = counts(sqlite_db)

    response = await client.post(
        "/twilio/sms",
        content=urlencode(sms("STOP")),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 403
    assert counts(sqlite_db) == before
    with sqlite_db.session(write=False) as session:
        assert session.exec(select(Patient)).one().sms_opted_out_at is None


async def test_a_badly_signed_request_is_refused_and_changes_nothing(client, sqlite_db, clock):
    phone_patient(sqlite_db, clock)
    before = counts(sqlite_db)

    response = await post_signed(client, "/twilio/sms", sms("STOP"), token="not-the-auth-token")

    assert response.status_code == 403
    assert counts(sqlite_db) == before


async def test_a_tampered_body_is_refused(client, sqlite_db):
    params = sms("HELP")
    signature = sign_request(TEST_AUTH_TOKEN, SMS_URL, params)
    params["Body"] = "STOP"
    before = counts(sqlite_db)

    response = await client.post(
        "/twilio/sms",
        content=urlencode(params),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        },
    )

    assert response.status_code == 403
    assert counts(sqlite_db) == before


@pytest.mark.parametrize(
    "signed_url",
    [
        "https://evil.example.org/twilio/sms",
        f"{PUBLIC}/twilio/status",
        "http://testserver/twilio/sms",  # what the Host header says: never trusted
        f"{PUBLIC}/twilio/sms?extra=1",
    ],
)
async def test_a_request_signed_for_another_url_is_refused(signed_url, client, sqlite_db):
    before = counts(sqlite_db)

    response = await post_signed(client, "/twilio/sms", sms("BOOK"), signed_url=signed_url)

    assert response.status_code == 403
    assert counts(sqlite_db) == before


async def test_a_request_signed_for_another_twilio_account_is_refused(client, sqlite_db):
    params = inbound_sms_params(from_number=PHONE, body="BOOK", account_sid="AC" + "f" * 32)
    before = counts(sqlite_db)

    response = await post_signed(client, "/twilio/sms", params)

    assert response.status_code == 403
    assert counts(sqlite_db) == before


async def test_without_twilio_settings_the_routes_are_not_there(sqlite_db, clock):
    core = make_core(
        sqlite_db,
        clock,
        TWILIO_ACCOUNT_SID=None,
        TWILIO_AUTH_TOKEN=None,
        TWILIO_FROM_NUMBER=None,
    )
    client = asgi_client(create_web_app(core=core, inbound=inbound_for(core)))

    assert (await post_signed(client, "/twilio/sms", sms("HELP"))).status_code == 404


# --- request hygiene ----------------------------------------------------------------------------


async def test_an_oversized_body_is_refused_before_it_is_parsed(client, sqlite_db):
    params = sms("x" * 40_000)
    before = counts(sqlite_db)

    response = await post_signed(client, "/twilio/sms", params)

    assert response.status_code == 413
    assert counts(sqlite_db) == before


async def test_a_body_that_is_not_a_form_is_refused(client):
    response = await client.post(
        "/twilio/sms",
        content=b'{"Body": "BOOK"}',
        headers={"Content-Type": "application/json", "X-Twilio-Signature": "x"},
    )

    assert response.status_code == 415


async def test_only_post_is_allowed(client):
    assert (await client.get("/twilio/sms")).status_code == 405


async def test_a_signed_request_without_a_sender_is_a_bad_request(client):
    params = sms("HELP")
    del params["From"]

    assert (await post_signed(client, "/twilio/sms", params)).status_code == 400


def test_twiml_for_no_reply_is_an_empty_response():
    assert twiml_reply(None) == EMPTY_TWIML
    assert ET.fromstring(twiml_reply("a < b & c")).find("Message").text == "a < b & c"


# --- whole conversations through HTTP ------------------------------------------------------------


async def test_a_full_booking_by_text_over_http(client, sqlite_db, core):
    offer = reply_of(await post_signed(client, "/twilio/sms", sms("Book")))
    ask = reply_of(await post_signed(client, "/twilio/sms", sms("1")))
    done = reply_of(await post_signed(client, "/twilio/sms", sms("Ada Lovelace")))
    confirm = reply_of(await post_signed(client, "/twilio/sms", sms("C")))

    assert "1) " in offer
    assert "full name" in ask
    assert "you are booked for" in done
    assert "is confirmed" in confirm
    with sqlite_db.session(write=False) as session:
        [appointment] = session.exec(select(Appointment)).all()
        patient = session.get(Patient, appointment.patient_id)
    assert appointment.service == core.profile.consultation_code
    assert appointment.confirmed_at is not None
    assert patient.phone_e164 == PHONE
    assert patient.name == "Ada Lovelace"


async def test_a_twilio_retry_of_one_message_is_handled_once(client, sqlite_db):
    await post_signed(client, "/twilio/sms", sms("BOOK"))
    await post_signed(client, "/twilio/sms", sms("2"))
    name = sms("Ada Lovelace")

    first = reply_of(await post_signed(client, "/twilio/sms", name))
    retry = reply_of(await post_signed(client, "/twilio/sms", name))

    assert retry == first
    with sqlite_db.session(write=False) as session:
        assert len(session.exec(select(Appointment)).all()) == 1


async def test_stop_then_start_over_http(client, sqlite_db, clock):
    phone_patient(sqlite_db, clock)

    stop = reply_of(await post_signed(client, "/twilio/sms", sms("Stop")))
    ignored = reply_of(await post_signed(client, "/twilio/sms", sms("BOOK")))
    start = reply_of(await post_signed(client, "/twilio/sms", sms("START")))

    assert "unsubscribed" in stop
    assert ignored is None
    assert "subscribed to appointment texts again" in start


class ExplodingInbound:
    def handle(self, *, from_number, body, message_sid, now):
        raise RuntimeError(f"boom for {from_number}: {body}")


async def test_a_failure_inside_is_a_500_that_logs_no_number_or_body(core, caplog):
    client = asgi_client(create_web_app(core=core, inbound=ExplodingInbound()))

    response = await post_signed(client, "/twilio/sms", sms("Secret words"))

    assert response.status_code == 500
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged
    assert PHONE not in logged
    assert "Secret words" not in logged


class CountingTicker:
    """Stands in for the outbox ticker: counts the kicks."""

    def __init__(self) -> None:
        self.kicks = 0

    def kick(self) -> None:
        self.kicks += 1


async def test_a_handled_message_kicks_the_outbox_at_most_once_a_second(core):
    ticker = CountingTicker()
    core.ticker = ticker  # type: ignore[assignment]
    async with asgi_client(create_web_app(core=core, inbound=inbound_for(core))) as client:
        await post_signed(client, "/twilio/sms", sms("STOP"))
        await post_signed(client, "/twilio/sms", sms("START"))

    assert ticker.kicks == 1


# --- a red flag answered by text ---------------------------------------------------------------


async def test_a_red_flag_by_text_is_answered_and_paged_ahead_of_a_backlog(sqlite_db, clock):
    core = make_core(sqlite_db, clock)
    core.channels.staff_chat_id, core.channels.oncall_phone = STAFF_CHAT, ONCALL
    timeline = on_timeline(core.channels)
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
    w = World(
        db=core.db,
        profile=core.profile,
        clock=clock,
        catalog=core.checkins.catalog,
        texts=core.texts,
        telegram=core.channels.telegram,
        sms=core.channels.sms,
        escalation=core.escalation,
        checkins=core.checkins,
        aftercare=core.aftercare,
        dispatcher=dispatcher,
    )
    await open_slot(w, done_session(w, patient_id=sms_patient(w)), "D1")
    backlog = queue_staff_notices(core.db, now=clock.now(), count=40)
    timeline.events.clear()
    timeline.hold()  # nothing goes out until the patient has had the reply

    # A webhook that waited for any send would wait forever here (and Twilio gives up at 15 s).
    async with (
        asyncio.timeout(10),
        asgi_client(create_web_app(core=core, inbound=core.sms_inbound)) as client,
    ):
        answer = await post_signed(client, "/twilio/sms", sms("Y", from_number=PATIENT_PHONE))
    timeline.note(f"sms:{PATIENT_PHONE}", reply_of(answer))  # Twilio sends the TwiML reply
    timeline.release()
    await core.escalation.wait_for_pages()

    (escalation,) = escalations(w)
    assert [to for to, _ in timeline.events] == [
        f"sms:{PATIENT_PHONE}",
        f"telegram:{STAFF_CHAT}",
        f"sms:{ONCALL}",
    ]
    reply, alert, page = (text for _, text in timeline.events)
    assert reply == (
        "Riverside Health: Call 911 now or go to the nearest emergency room. Don't drive yourself."
    )
    assert "URGENT red flag" in alert
    assert f"F-{escalation.id}" in alert
    assert page.startswith(f"Riverside Health URGENT alert F-{escalation.id}: call patient")
    assert statuses(core.db, backlog) == {OutboxStatus.PENDING}  # left for the outbox tick
