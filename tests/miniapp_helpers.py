"""The Mini App beside a journey: its routes over the same core, initData signed by the test."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import httpx

from bot.app import mini_app_for
from bot.core import Core
from bot.web.app import create_web_app
from bot.web.miniapp.initdata import sign_init_data
from tests.booking_helpers import add_patient
from tests.journey_helpers import Journey

TOKEN = "123456789:AAminiapp-test-token-for-signing-only"
URL = "https://clinic.example/miniapp"


def with_mini_app(core: Core) -> None:
    """Show the Mini App button (as MINI_APP_URL would) and sign initData with TOKEN."""
    core.flow.screens.mini_app_url = URL
    core.mini_app_token = TOKEN


def init_data(
    user_id: int,
    *,
    first_name: str = "Alice",
    auth_date: int | None = None,
    token: str = TOKEN,
    **extra: str,
) -> str:
    """initData as a Telegram client hands it to the page, signed for the bot with `token`."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": first_name}, separators=(",", ":")),
        "auth_date": str(int(time.time()) if auth_date is None else auth_date),
        **extra,
    }
    return sign_init_data(fields, bot_token=token)


def web_client(journey: Journey) -> httpx.AsyncClient:
    config = mini_app_for(journey.application, journey.core)
    assert config is not None
    app = create_web_app(core=journey.core, inbound=journey.core.sms_inbound, miniapp=config)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def call(client: httpx.AsyncClient, path: str, init: str, **body: Any) -> httpx.Response:
    return await client.post(f"/miniapp/api/{path}", json={"init_data": init, **body})


def mini_app_button(message: Any) -> dict[str, Any] | None:
    for row in message.inline_keyboard or []:
        for button in row:
            if "web_app" in button:
                return dict(button)
    return None


# The first free consultation after Monday 1 March 2027 08:00 (EST) and the 12 h notice.
FIRST = datetime(2027, 3, 2, 13, 30, tzinfo=UTC)


def take_every_room(journey, clock, start: datetime) -> int:
    """Book `start` for other patients until it is no longer free; how many it took."""
    booking = journey.core.booking
    day = start.astimezone(journey.core.profile.tz).date()
    count = 0
    while any(
        s.start == start
        for s in booking.free_slots(service="consultation", first_day=day, last_day=day)
    ):
        other = add_patient(journey.core.db, now=clock.now(), name=f"Other {count}")
        booking.book(patient_id=other, service="consultation", start=start, actor="staff:9001")
        count += 1
    assert count >= 1
    return count
