"""The Mini App's calendar beside the chat: verified initData, the same draft, clear refusals."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime

from sqlmodel import select

from bot.db.models import AuditLog
from bot.domain.enums import AppointmentStatus, DraftStep
from tests.journey_helpers import (
    ALICE,
    BOB,
    answer_screening,
    book_consultation,
    open_journey,
    start_and_consent,
)
from tests.miniapp_helpers import (
    FIRST,
    URL,
    call,
    init_data,
    mini_app_button,
    take_every_room,
    web_client,
    with_mini_app,
)

BOOK = "📅 Book a consultation"
CONFIRM = "✅ Confirm booking"


async def open_calendar(journey, user_id=ALICE, name="Alice"):
    patient = journey.patient(user_id, name)
    await start_and_consent(patient)
    await patient.press(BOOK)
    return patient


def refusals(journey) -> list[AuditLog]:
    with journey.core.db.session(write=False) as session:
        return list(
            session.exec(
                select(AuditLog).where(AuditLog.action == "miniapp.init_data_refused")
            ).all()
        )


async def test_the_calendar_step_offers_the_mini_app_and_the_chat_buttons_stay(database, clock):
    async with open_journey(database, clock, configure=with_mini_app) as journey:
        alice = await open_calendar(journey)
        calendar = alice.last_message()
        assert mini_app_button(calendar) == {
            "text": "🗓 Choose a time on a calendar",
            "web_app": {"url": URL},
        }
        assert any(
            data and data.startswith("bk:dy:") for row in calendar.buttons for _, data in row
        )


async def test_without_a_mini_app_url_the_chat_shows_only_its_own_buttons(database, clock):
    async with open_journey(database, clock) as journey:
        alice = await open_calendar(journey)
        assert mini_app_button(alice.last_message()) is None


async def test_a_time_chosen_in_the_mini_app_continues_the_booking_in_the_chat(any_db, clock):
    database = any_db
    async with open_journey(database, clock, configure=with_mini_app) as journey:
        alice = await open_calendar(journey)
        init = init_data(ALICE)
        async with web_client(journey) as client:
            month = await call(client, "month", init)
            assert month.status_code == 200
            view = month.json()
            assert view["month"] == "2027-03"
            assert "Free consultation" in view["intro"]
            assert "EST" in view["intro"]
            free = [d["day"] for week in view["weeks"] for d in week if d and d["free"]]
            assert free[0] == "2027-03-02"
            assert "2027-03-01" not in free  # inside the notice
            assert "2027-03-07" not in free  # closed on Sundays

            day = await call(client, "day", init, day=free[0])
            assert day.status_code == 200
            times = day.json()["times"]
            assert times[0] == {"start": FIRST.isoformat(), "label": "8:30 AM"}
            assert "clinic time, EST" in day.json()["heading"]

            chosen = await call(client, "choose", init, start=times[0]["start"])
            assert chosen.status_code == 200
            assert chosen.json()["outcome"] == "chosen"
            assert "Tuesday 2 March 2027 at 8:30 AM" in chosen.json()["message"]

        # The chat goes on exactly as after the time button: the name comes next.
        asked = alice.last_message()
        assert "You chose <b>Tuesday 2 March 2027 at 8:30 AM</b> on the calendar." in (
            asked.raw_text or ""
        )
        assert "your full name" in asked.text.lower()
        draft = journey.draft(ALICE)
        assert draft is not None
        assert draft.step == DraftStep.NAME
        await alice.send_text("Alice Smith")
        await alice.share_contact("+12015550123")
        await answer_screening(alice)
        await alice.press("Yes, text me too")
        assert "Tuesday 2 March 2027 at 8:30 AM" in alice.last_message().text
        await alice.press(CONFIRM)
        [appointment] = journey.appointments()
        assert appointment.starts_at == FIRST
        assert "You're booked" in journey.bot_messages(ALICE)[-2].text


async def test_a_time_taken_a_second_ago_is_refused_on_the_page_and_in_the_chat(any_db, clock):
    database = any_db
    async with open_journey(database, clock, configure=with_mini_app) as journey:
        alice = await open_calendar(journey)
        init = init_data(ALICE)
        async with web_client(journey) as client:
            times = (await call(client, "day", init, day="2027-03-02")).json()["times"]
            # Others book 8:30 in the meantime, in every room that offers it.
            taken_by = take_every_room(journey, clock, FIRST)
            taken = await call(client, "choose", init, start=times[0]["start"])

        assert taken.status_code == 409
        answer = taken.json()
        assert answer["outcome"] == "taken"
        assert "Tuesday 2 March 2027 at 8:30 AM was just taken" in answer["message"]
        remaining = [t["start"] for t in answer["day"]["times"]]
        assert FIRST.isoformat() not in remaining
        assert remaining
        offered = alice.last_message()
        assert "was just taken by someone else" in offered.text
        assert any(data and data.startswith("bk:tm:") for row in offered.buttons for _, data in row)
        draft = journey.draft(ALICE)
        assert draft is not None
        assert draft.step == DraftStep.TIME
        assert len(journey.appointments()) == taken_by  # only the others'


async def test_forged_or_stale_initdata_changes_nothing_and_is_audited(database, clock):
    async with open_journey(database, clock, configure=with_mini_app) as journey:
        await open_calendar(journey)
        before = journey.draft(ALICE)
        forged = init_data(ALICE, token="987654321:AAsome-other-bot-token-here")
        stale = init_data(ALICE, auth_date=int(time.time()) - 2 * 3600)
        tampered = init_data(BOB).replace(str(BOB), str(ALICE))
        async with web_client(journey) as client:
            for init in (forged, stale, tampered, ""):
                for path, body in (
                    ("month", {}),
                    ("day", {"day": "2027-03-02"}),
                    ("choose", {"start": FIRST.isoformat()}),
                ):
                    answer = await call(client, path, init, **body)
                    assert answer.status_code == 401, (path, init)
                    assert answer.json()["error"] == "bad_request"
                    assert "could not confirm who you are" in answer.json()["message"]
            no_field = await client.post("/miniapp/api/month", json={})
            assert no_field.status_code == 401
        after = journey.draft(ALICE)
        assert after is not None
        assert before is not None
        assert (after.version, after.step) == (before.version, before.step)
        reasons = [json.loads(row.detail or "{}") for row in refusals(journey)]
        assert len(reasons) == 13
        assert {"reason": "stale auth_date", "path": "/miniapp/api/month"} in reasons
        assert all(init_data(ALICE) not in str(detail) for detail in reasons)


async def test_someone_unknown_or_without_consent_is_refused(database, clock):
    async with open_journey(database, clock, configure=with_mini_app) as journey:
        bob = journey.patient(BOB, "Bob")
        await bob.send_command("/start")  # asked for consent, not given
        async with web_client(journey) as client:
            for user_id in (BOB, 777000):
                answer = await call(client, "month", init_data(user_id))
                assert answer.status_code == 403
                assert answer.json()["error"] == "no_consent"
                assert "/start" in answer.json()["message"]
                chosen = await call(client, "choose", init_data(user_id), start=FIRST.isoformat())
                assert chosen.status_code == 403
        assert journey.appointments() == []
        assert journey.draft(BOB) is None


async def test_without_a_booking_at_the_day_or_time_step_the_page_sends_the_person_to_the_chat(
    database, clock
):
    async with open_journey(database, clock, configure=with_mini_app) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        async with web_client(journey) as client:
            nothing = await call(client, "month", init_data(ALICE))
            assert nothing.status_code == 409
            assert nothing.json()["error"] == "not_now"
            await alice.press(BOOK)
            await alice.press(
                next(
                    d
                    for r in alice.last_message().buttons
                    for _, d in r
                    if d and d.startswith("bk:dy:")
                )
            )
            await alice.press(
                next(
                    d
                    for r in alice.last_message().buttons
                    for _, d in r
                    if d and d.startswith("bk:tm:")
                )
            )
            sent = len(journey.bot_messages(ALICE))
            moved_on = await call(client, "choose", init_data(ALICE), start=FIRST.isoformat())
            assert moved_on.status_code == 409
            assert "no longer current" in moved_on.json()["message"]
        assert len(journey.bot_messages(ALICE)) == sent  # nothing more in the chat
        draft = journey.draft(ALICE)
        assert draft is not None
        assert draft.step == DraftStep.NAME


async def test_junk_dates_and_times_are_refused_clearly(database, clock):
    async with open_journey(database, clock, configure=with_mini_app) as journey:
        alice = await open_calendar(journey)
        before = journey.draft(ALICE)
        init = init_data(ALICE)
        sent = len(journey.bot_messages(ALICE))
        async with web_client(journey) as client:
            for body in ({"day": "2027-02-30"}, {"day": "tomorrow"}, {"day": 20270302}, {}):
                answer = await call(client, "day", init, **body)
                assert answer.status_code == 400, body
                assert "not a day you can book" in answer.json()["message"]
            for month in ("2027-13", "March", 3):
                assert (await call(client, "month", init, month=month)).status_code == 400
            far = await call(client, "day", init, day="2031-01-07")
            assert far.status_code == 422
            assert "outside the days you can book" in far.json()["message"]
            past = await call(client, "day", init, day="2027-02-26")
            assert past.status_code == 422
            for start in (
                "not a time",
                "2027-03-02T08:30:00",
                "0001-01-01T00:00:00+00:00",
                "9999-12-31T23:59:00-12:00",
                "9" * 50,
                None,
            ):
                answer = await call(client, "choose", init, start=start)
                assert answer.status_code == 400, start
            for start in ("2031-01-07T13:30:00+00:00", "2027-02-26T14:00:00+00:00"):
                answer = await call(client, "choose", init, start=start)
                assert answer.status_code == 422, start
            not_json = await client.post(
                "/miniapp/api/day",
                content=b"day=2027-03-02",
                headers={"content-type": "text/plain"},
            )
            assert not_json.status_code == 415
            huge = await client.post(
                "/miniapp/api/day", json={"init_data": init, "pad": "x" * 20000}
            )
            assert huge.status_code == 413
            broken = await client.post(
                "/miniapp/api/day", content=b"{", headers={"content-type": "application/json"}
            )
            assert broken.status_code == 400
        after = journey.draft(ALICE)
        assert after is not None
        assert before is not None
        assert after.version == before.version
        assert len(journey.bot_messages(ALICE)) == sent
        assert alice.last_message().text  # the chat's calendar is still there


async def test_the_month_view_pages_within_the_booking_window(database, clock):
    async with open_journey(database, clock, configure=with_mini_app) as journey:
        await open_calendar(journey)
        init = init_data(ALICE)
        async with web_client(journey) as client:
            march = (await call(client, "month", init)).json()
            assert march["previous"] is None  # nothing before today is bookable
            assert march["following"] == "2027-04"
            assert march["weekdays"][0] == "Mon"
            assert [d and d["number"] for d in march["weeks"][0]] == [1, 2, 3, 4, 5, 6, 7]
            later = (await call(client, "month", init, month="2027-04")).json()
            assert later["previous"] == "2027-03"
            free = [d["day"] for week in later["weeks"] for d in week if d and d["free"]]
            assert free
            assert all(date.fromisoformat(d).month == 4 for d in free)


async def test_the_page_may_be_framed_by_telegram_web_and_runs_no_inline_script(database, clock):
    async with (
        open_journey(database, clock, configure=with_mini_app) as journey,
        web_client(journey) as client,
    ):
        page = await client.get("/miniapp")
        script = await client.get("/miniapp/static/miniapp.js")
        style = await client.get("/miniapp/static/miniapp.css")
        api = await call(client, "month", "")
        health = await client.get("/healthz")
    for response in (page, script, style, api):
        assert "x-frame-options" not in response.headers
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors https://web.telegram.org" in csp
        assert "script-src 'self';" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["referrer-policy"] == "no-referrer"
    assert page.status_code == 200
    assert '<script src="/miniapp/static/miniapp.js" defer></script>' in page.text
    assert "<script>" not in page.text
    assert "style=" not in page.text
    assert "telegram.org" not in page.text  # no CDN, no Telegram script
    assert script.status_code == 200
    assert "tgWebAppData" in script.text
    assert health.status_code == 200


async def test_the_console_stays_unframable_beside_the_mini_app(tmp_path):
    from tests.console_helpers import client, console_app, console_scene

    scene = console_scene(tmp_path)
    async with client(console_app(scene)) as browser:
        login = await browser.get("/console/login")
    assert login.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in login.headers["content-security-policy"]
    scene.db.dispose()


async def test_a_new_time_for_a_booked_visit_can_be_chosen_on_the_calendar_too(database, clock):
    async with open_journey(database, clock, configure=with_mini_app) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await book_consultation(alice)
        await alice.press(CONFIRM)
        await alice.press("🔁 Change time")
        assert mini_app_button(alice.last_message()) is not None
        init = init_data(ALICE)
        async with web_client(journey) as client:
            times = (await call(client, "day", init, day="2027-03-03")).json()["times"]
            chosen = await call(client, "choose", init, start=times[0]["start"])
        assert chosen.status_code == 200
        summary = alice.last_message()
        assert "on the calendar" in summary.text
        assert "Wednesday 3 March 2027 at 8:30 AM" in summary.text
        await alice.press(summary.button_labels[0])  # confirm the move
        booked = [a for a in journey.appointments() if a.status == AppointmentStatus.BOOKED]
        assert [a.starts_at for a in booked] == [datetime(2027, 3, 3, 13, 30, tzinfo=UTC)]
