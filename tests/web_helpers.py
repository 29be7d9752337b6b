"""The web app over ASGI: a core with Twilio settings, signed webhook posts and their TwiML
replies; shared by the webhook, inbox, observability and crisis tests."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import httpx
from sqlmodel import select

from bot.app import build_core
from bot.core import Core
from bot.db.models import Appointment, AuditLog, BookingDraft, Outbox, Patient
from bot.domain.sms_policy import assert_sms_safe
from bot.services.sms_inbound import SmsInbound
from bot.settings import parse_settings
from tests.sms_helpers import PHONE
from tests.twilio_double import (
    TEST_ACCOUNT_SID,
    TEST_AUTH_TOKEN,
    inbound_sms_params,
    sign_request,
)

PUBLIC = "https://bot.example.org"
WEBHOOK_SECRET = "s3cret-Token_123"


def settings_env(**overrides: str | None) -> dict[str, str | None]:
    env: dict[str, str | None] = {
        "TWILIO_ACCOUNT_SID": TEST_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": "+15005550006",
        "PUBLIC_BASE_URL": PUBLIC,
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    env.update(overrides)
    return env


def make_core(db, clock, **overrides: str | None) -> Core:
    return build_core(
        parse_settings(settings_env(**overrides)), clock=clock, db=db, migrate_db=False
    )


def inbound_for(core: Core) -> SmsInbound:
    return SmsInbound(db=core.db, profile=core.profile, texts=core.texts, booking=core.booking)


def asgi_client(app) -> httpx.AsyncClient:
    """An HTTP client that calls the app in process (no sockets)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def post_signed(
    client: httpx.AsyncClient,
    path: str,
    params: dict[str, str],
    *,
    signed_url: str | None = None,
    token: str = TEST_AUTH_TOKEN,
):
    """POST a form as Twilio would, signed for `signed_url` (default: our public URL + path)."""
    signature = sign_request(token, signed_url or PUBLIC + path, params)
    return await client.post(
        path,
        content=urlencode(params),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        },
    )


def reply_of(response) -> str | None:
    """The text of the TwiML <Message>s, or None for an empty <Response/>."""
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(response.text)
    assert root.tag == "Response"
    messages = root.findall("Message")
    if not messages:
        return None
    for message in messages:
        assert_sms_safe(message.text)  # every SMS the tests produce meets the privacy policy
    # A reply of several texts (a safety check beside the usual answer) reads as one per line.
    return "\n".join(message.text or "" for message in messages)


def counts(db) -> dict[str, int]:
    with db.session(write=False) as session:
        return {
            model.__name__: len(session.exec(select(model)).all())
            for model in (Patient, Appointment, BookingDraft, Outbox, AuditLog)
        }


def sms(body: str, *, from_number: str = PHONE) -> dict[str, str]:
    return inbound_sms_params(from_number=from_number, body=body)
