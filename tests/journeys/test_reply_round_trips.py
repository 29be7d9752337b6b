"""A button press waits for one Bot API round trip, not two (issue 13 item 2).

With Telegram 120 ms away, answering the press (answerCallbackQuery) and only then sending the
reply paid every round trip in series: most of the time a patient waited for a booking. The
press is now answered while the reply goes out; the answer is still asked first, and the update
ends only when both are done.
"""

from __future__ import annotations

from tests.journey_helpers import ALICE, open_journey

LATENCY = 0.3


async def test_a_press_is_answered_while_its_reply_goes_out(database, clock):
    async with open_journey(database, clock) as journey:
        alice = journey.patient(ALICE)
        await alice.send_command("/start")
        journey.double._latency = LATENCY  # Telegram far away from here on
        before = len(journey.double.calls)
        await alice.press("Yes, message me here")
        calls = journey.double.calls[before:]
        methods = [call.method for call in calls]
        assert methods[0] == "answerCallbackQuery"
        shown = next(c for c in calls if c.method in ("editMessageText", "sendMessage"))
        # In series they would reach Telegram a whole round trip apart.
        assert shown.at - calls[0].at < LATENCY / 2
        # The update still waits for both: a press is answered exactly once (open_journey checks).
        assert methods.count("answerCallbackQuery") == 1
