"""Which presses the webhook's response answers (bot/updates.py `answer_on_receipt`)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.callback_data import (
    ANSWERED_ON_RECEIPT,
    AppointmentPress,
    AppointmentVerb,
    MenuPress,
    MenuVerb,
    Prefix,
    answered_on_receipt,
)
from bot.updates import answer_on_receipt


def press(data: Any, *, chat_type: str = "private", message: bool = True) -> dict[str, Any]:
    query: dict[str, Any] = {"id": "4242", "from": {"id": 7}, "chat_instance": "1", "data": data}
    if message:
        query["message"] = {"message_id": 3, "date": 0, "chat": {"id": 7, "type": chat_type}}
    else:
        query["inline_message_id"] = "abc"
    return {"update_id": 1, "callback_query": query}


ANSWERED = {"method": "answerCallbackQuery", "callback_query_id": "4242"}


@pytest.mark.parametrize(
    "data",
    [
        MenuPress(MenuVerb.APPOINTMENTS).pack(),
        MenuPress(MenuVerb.CONSENT_YES).pack(),
        AppointmentPress(AppointmentVerb.ASK_CANCEL, 12).pack(),
        "rm:confirm:12",
        "mn:no-such-verb",  # its handler says the button expired, in a message
    ],
)
def test_presses_answered_with_messages_only_are_answered_on_receipt(data):
    assert answer_on_receipt(press(data)) == ANSWERED


@pytest.mark.parametrize(
    "update",
    [
        press("bk:tm:3:1400"),  # a booking step may answer "Already noted" as a toast
        press("ci:1:2:yes"),  # a check-in answer's notice is a toast
        press("esc:ack:5"),  # staff acknowledgements answer with a toast
        press(MenuPress(MenuVerb.APPOINTMENTS).pack(), chat_type="supergroup"),
        press(MenuPress(MenuVerb.APPOINTMENTS).pack(), message=False),  # inline message
        press(None),
        press("mn"),
        {"update_id": 2, "message": {"message_id": 1, "date": 0, "chat": {"id": 7}}},
        {"update_id": 3, "callback_query": "junk"},
    ],
)
def test_other_updates_are_left_to_their_handlers(update):
    assert answer_on_receipt(update) is None


def test_only_prefixes_whose_replies_carry_no_toast_are_listed():
    # Toasts come from booking steps, waitlist answers, check-ins and staff buttons.
    toasting = {Prefix.BOOKING, Prefix.WAITLIST, Prefix.CHECKIN, Prefix.STAFF, Prefix.ESCALATION}
    assert not ANSWERED_ON_RECEIPT & toasting
    # Privacy's "send me a copy" tapped twice would export twice: its handler answers it.
    assert not answered_on_receipt("pv:copy")
    assert not answered_on_receipt(b"mn:x")
