"""The staff console over HTTP (issue 14 item 1): sign-in, pages, actions and every refusal.

The Login Widget payloads are signed here as Telegram documents it (SHA-256 of the bot token as
the key, HMAC-SHA-256 of the sorted key=value lines); refusals change nothing and are audited.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from sqlmodel import col, select

from bot.db.models import Appointment, Escalation, Outbox
from bot.domain.clock import FixedClock
from bot.domain.enums import AppointmentStatus, OutboxKind
from bot.web.app import create_web_app
from bot.web.console.base import ConsoleConfig
from bot.web.console.security import LoginRefused, SessionKeys, verify_login, widget_hash
from bot.web.telegram_signature import data_check_string
from tests.console_helpers import (
    AFTERNOON,
    BOT_USERNAME,
    TOKEN,
    audits,
    client,
    console_app,
    console_scene,
    login_url,
    signed_in,
    signed_login,
)
from tests.staff_scene import STAFF, STRANGER, add_patient


def appointment(scene, appointment_id: int) -> Appointment:
    with scene.db.session(write=False) as session:
        found = session.get(Appointment, appointment_id)
        assert found is not None
        return found


# --- the Login Widget check itself --------------------------------------------------------


def test_widget_hash_is_telegrams_definition():
    fields = {"id": "42", "first_name": "Ann", "auth_date": "1700000000", "hash": "x"}
    assert data_check_string(fields) == "auth_date=1700000000\nfirst_name=Ann\nid=42"
    import hashlib
    import hmac

    key = hashlib.sha256(TOKEN.encode()).digest()
    expected = hmac.new(key, data_check_string(fields).encode(), hashlib.sha256).hexdigest()
    assert widget_hash(fields, bot_token=TOKEN) == expected
    now = datetime.fromtimestamp(1700000000 + 60, tz=UTC)
    login = verify_login({**fields, "hash": expected}, bot_token=TOKEN, now=now)
    assert login.user_id == 42
    assert login.first_name == "Ann"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": "43"}, "bad hash"),  # a field altered after signing
        ({"hash": "0" * 64}, "bad hash"),
        ({"hash": ""}, "missing fields"),
    ],
)
def test_widget_refuses_altered_payloads(change, reason):
    fields = signed_login(STAFF, auth_date=1700000000)
    with pytest.raises(LoginRefused) as refused:
        verify_login(
            {**fields, **change},
            bot_token=TOKEN,
            now=datetime.fromtimestamp(1700000060, tz=UTC),
        )
    assert refused.value.reason == reason


def test_widget_refuses_another_bots_signature_and_stale_dates():
    now = datetime.fromtimestamp(1700000000, tz=UTC)
    other = signed_login(STAFF, auth_date=1700000000, token="987654321:AAanother-bot-token-x")
    with pytest.raises(LoginRefused, match="bad hash"):
        verify_login(other, bot_token=TOKEN, now=now)
    stale = signed_login(STAFF, auth_date=int((now - timedelta(days=1, seconds=1)).timestamp()))
    with pytest.raises(LoginRefused, match="too old"):
        verify_login(stale, bot_token=TOKEN, now=now)
    future = signed_login(STAFF, auth_date=int((now + timedelta(hours=1)).timestamp()))
    with pytest.raises(LoginRefused, match="future"):
        verify_login(future, bot_token=TOKEN, now=now)


def test_session_cookie_is_signed_and_expires():
    keys = SessionKeys.for_token(TOKEN)
    now = datetime(2027, 3, 1, 12, tzinfo=UTC)
    cookie, session = keys.issue(user_id=STAFF, name="Sam", now=now)
    assert keys.read(cookie, now=now) == session
    body, _, signature = cookie.partition(".")
    assert keys.read(body[:-2] + "AA." + signature, now=now) == "forged"
    assert keys.read(cookie + "0", now=now) == "forged"
    assert SessionKeys.for_token("987654321:AAanother-bot-token-x").read(cookie, now=now) == (
        "forged"
    )
    assert keys.read(cookie, now=now + timedelta(hours=11)) == "expired"
    assert keys.csrf_ok(session, keys.csrf_token(session))
    assert not keys.csrf_ok(session, "0" * 64)
    assert not keys.csrf_ok(session, None)


# --- signing in -----------------------------------------------------------------------------


async def test_sign_in_sets_a_strict_session_and_shows_today(tmp_path):
    scene = console_scene(tmp_path)
    async with client(console_app(scene)) as http:
        response = await http.get(login_url(signed_login()))
        assert response.status_code == 200
        cookie = response.headers["set-cookie"]
        assert "clinic_console=" in cookie
        for flag in ("HttpOnly", "SameSite=strict", "Path=/console", "Max-Age=36000"):
            assert flag.lower() in cookie.lower()
        assert "secure" not in cookie.lower()  # plain http here; see the https test
        assert 'http-equiv="refresh"' in response.text
        day = await http.get("/console/day")
    assert day.status_code == 200
    ben, infusion = scene.ids["ben"], scene.ids["ben_infusion"]
    assert f"A-{infusion}" in day.text
    assert f"P-{ben}" in day.text
    assert "Ben Okafor" in day.text
    assert "Monday 1 March 2027" in day.text
    headers = day.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert [a.actor for a in audits(scene, "console.login")] == [f"staff:{STAFF}"]


async def test_login_page_embeds_the_widget_and_no_local_sign_in_with_a_token(tmp_path):
    scene = console_scene(tmp_path)
    async with client(console_app(scene, sandbox=True)) as http:
        page = await http.get("/console/login")
        local = await http.post(
            "/console/local-login",
            content=f"user_id={STAFF}&token=x",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert f'data-telegram-login="{BOT_USERNAME}"' in page.text
    assert 'data-auth-url="http://testserver/console/auth"' in page.text
    assert "https://telegram.org" in page.headers["content-security-policy"]
    assert "local-login" not in page.text
    assert local.status_code == 404
    assert "set-cookie" not in local.headers


async def test_sandbox_offers_a_local_sign_in_without_a_token(tmp_path):
    scene = console_scene(tmp_path, token=None)
    async with client(console_app(scene, sandbox=True)) as http:
        page = await http.get("/console/login")
        token = re.search(r'name="token" value="([^"]+)"', page.text)
        assert token is not None
        assert "telegram-widget" not in page.text
        forged = await http.post(
            "/console/local-login",
            content=f"user_id={STAFF}&token=wrong",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert forged.status_code == 403
        stranger = await http.post(
            "/console/local-login",
            content=f"user_id={STRANGER}&token={token.group(1)}",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert stranger.status_code == 403
        response = await http.post(
            "/console/local-login",
            content=f"user_id={STAFF}&token={token.group(1)}",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 200
        assert (await http.get("/console/day")).status_code == 200
        widget = await http.get(login_url(signed_login()))
    assert widget.status_code == 403  # no token: no Telegram sign-in either
    reasons = [a.detail for a in audits(scene, "console.login_refused")]
    assert any("local: csrf" in r for r in reasons)
    assert any("not staff" in r for r in reasons)


async def test_forged_expired_and_stranger_sign_ins_are_refused_and_audited(tmp_path):
    scene = console_scene(tmp_path)
    now = int(time.time())
    forged = signed_login()
    forged["id"] = str(STAFF + 1)  # someone else's id under Sam's signature
    stale = signed_login(auth_date=now - 2 * 86400)
    stranger = signed_login(STRANGER)
    async with client(console_app(scene)) as http:
        answers = [await http.get(login_url(f)) for f in (forged, stale, stranger)]
        page = await http.get("/console/day")
    assert [a.status_code for a in answers] == [403, 403, 403]
    assert all("set-cookie" not in a.headers for a in answers)
    assert "could not be verified" in answers[0].text
    assert "expired" in answers[1].text
    assert "not on the clinic&#39;s staff list" in answers[2].text
    assert page.status_code == 303
    assert page.headers["location"].startswith("/console/login")
    refused = audits(scene, "console.login_refused")
    assert refused[0].actor == "web:anonymous"
    assert "bad hash" in refused[0].detail
    assert "too old" in refused[1].detail
    assert refused[2].actor == f"telegram:{STRANGER}"
    assert "not staff" in refused[2].detail


async def test_secure_cookie_over_https(tmp_path):
    scene = console_scene(tmp_path)
    app = console_app(scene)
    import httpx

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://console.example"
    ) as http:
        response = await http.get(login_url(signed_login()))
    assert "secure" in response.headers["set-cookie"].lower()


# --- sessions and CSRF -----------------------------------------------------------------------


async def test_expired_and_forged_cookies_are_refused(tmp_path):
    scene = console_scene(tmp_path)
    security = FixedClock(datetime.now(UTC))
    app = create_web_app(
        core=scene.core,
        inbound=scene.core.sms_inbound,
        console=ConsoleConfig(
            bot_token=TOKEN, bot_username=lambda: BOT_USERNAME, security_clock=security
        ),
    )
    infusion = scene.ids["ben_infusion"]
    async with client(app) as http:
        csrf = await signed_in(http)
        cookie = http.cookies["clinic_console"]
        security.advance(timedelta(hours=10, minutes=1))
        expired = await http.get("/console/day")
        assert expired.status_code == 303
        assert "why=expired" in expired.headers["location"]
        http.cookies.clear()
        post = await http.post(
            f"/console/visits/{infusion}/done",
            content=f"csrf={csrf}&version=0",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"clinic_console={cookie}",
            },
        )
        assert post.status_code == 403
        assert "expired" in post.text
        security.set(datetime.now(UTC))
        body, _, signature = cookie.partition(".")
        tampered = body[:-4] + "AAAA." + signature
        forged = await http.get("/console/flags", headers={"Cookie": f"clinic_console={tampered}"})
    assert forged.status_code == 303
    assert "why=refused" in forged.headers["location"]
    assert appointment(scene, infusion).status == AppointmentStatus.BOOKED
    assert [a.detail for a in audits(scene, "console.session_refused")] == [
        '{"path": "/console/flags", "reason": "forged"}'
    ]


async def test_missing_or_wrong_csrf_changes_nothing_and_is_audited(tmp_path):
    scene = console_scene(tmp_path)
    infusion = scene.ids["ben_infusion"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    async with client(console_app(scene)) as http:
        await signed_in(http)
        missing = await http.post(
            f"/console/visits/{infusion}/done", content="version=0", headers=form
        )
        wrong = await http.post(
            f"/console/visits/{infusion}/noshow", content=f"csrf={'0' * 64}&version=0", headers=form
        )
        flag = await http.post(
            f"/console/flags/{scene.ids['flag']}/ack", content="csrf=abc", headers=form
        )
        logout = await http.post("/console/logout", content="", headers=form)
    assert [r.status_code for r in (missing, wrong, flag, logout)] == [403, 403, 403, 403]
    assert "Nothing was changed" in missing.text
    assert appointment(scene, infusion).status == AppointmentStatus.BOOKED
    with scene.db.session(write=False) as session:
        escalation = session.get(Escalation, scene.ids["flag"])
        assert escalation is not None
        assert escalation.acknowledged_at is None
    refused = audits(scene, "console.csrf_refused")
    assert len(refused) == 4
    assert all(r.actor == f"staff:{STAFF}" for r in refused)
    assert "missing token" in refused[0].detail
    assert "wrong token" in refused[1].detail


async def test_staff_removed_from_the_list_lose_their_session(tmp_path):
    scene = console_scene(tmp_path)
    async with client(console_app(scene)) as http:
        await signed_in(http)
        scene.core.staff.staff_user_ids = frozenset({STRANGER})
        page = await http.get("/console/day")
    assert page.status_code == 303
    assert "not staff" in audits(scene, "console.session_refused")[0].detail


# --- actions ---------------------------------------------------------------------------------


async def test_done_plans_check_ins_and_names_the_staff_member(tmp_path):
    scene = console_scene(tmp_path)
    infusion = scene.ids["ben_infusion"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    async with client(console_app(scene)) as http:
        csrf = await signed_in(http)
        back = "/console/day?date=2027-03-01"
        done = await http.post(
            f"/console/visits/{infusion}/done",
            content=f"csrf={csrf}&version=0&back={back}",
            headers=form,
        )
        assert done.status_code == 303
        assert done.headers["location"] == f"{back}&ok=done&ref=A-{infusion}"
        day = await http.get(done.headers["location"])
    assert appointment(scene, infusion).status == AppointmentStatus.COMPLETED
    assert f"A-{infusion} marked Done." in day.text
    with scene.db.session(write=False) as session:
        planned = session.exec(
            select(Outbox)
            .where(col(Outbox.appointment_id) == infusion)
            .where(col(Outbox.kind) == OutboxKind.CHECKIN)
        ).all()
    assert planned
    assert f"{len(planned)} check-ins planned" in day.text
    assert [a.actor for a in audits(scene, "appointment.done")] == [f"staff:{STAFF}"]


async def test_an_action_on_a_visit_changed_since_changes_nothing(tmp_path):
    scene = console_scene(tmp_path)
    infusion = scene.ids["ben_infusion"]
    anabel = scene.ids["anabel_consult"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    async with client(console_app(scene)) as http:
        csrf = await signed_in(http)
        # Someone else marked it No-show after this page was drawn (version 0).
        scene.core.aftercare.mark_no_show(appointment_id=infusion, actor="staff:7002")
        done = await http.post(
            f"/console/visits/{infusion}/done", content=f"csrf={csrf}&version=0", headers=form
        )
        # Tomorrow's visit was cancelled meanwhile: cancelling again says so.
        scene.core.booking.cancel(appointment_id=anabel, actor="patient:x")
        cancel = await http.post(
            f"/console/visits/{anabel}/cancel", content=f"csrf={csrf}&version=0", headers=form
        )
    assert done.status_code == 409
    assert "Nothing was changed" in done.text
    assert "No-show" in done.text or "no-show" in done.text
    assert appointment(scene, infusion).status == AppointmentStatus.NO_SHOW
    assert cancel.status_code == 409
    assert "cancelled" in cancel.text
    assert audits(scene, "appointment.done") == []


async def test_cancel_from_the_day_view(tmp_path):
    scene = console_scene(tmp_path)
    anabel = scene.ids["anabel_consult"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    async with client(console_app(scene)) as http:
        csrf = await signed_in(http)
        cancelled = await http.post(
            f"/console/visits/{anabel}/cancel",
            content=f"csrf={csrf}&version=0&reason=clinician+ill&back=https://evil.example/",
            headers=form,
        )
    assert cancelled.status_code == 303
    assert cancelled.headers["location"].startswith("/console/day?")  # never another site
    found = appointment(scene, anabel)
    assert found.status == AppointmentStatus.CANCELLED
    assert found.cancel_reason == "clinician ill"
    assert [a.actor for a in audits(scene, "appointment.cancel")] == [f"staff:{STAFF}"]


async def test_flags_acknowledge_and_close_with_what_was_done(tmp_path):
    scene = console_scene(tmp_path)
    flag = scene.ids["flag"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    async with client(console_app(scene)) as http:
        csrf = await signed_in(http)
        page = await http.get("/console/flags")
        assert f"F-{flag}" in page.text
        assert "Severe nausea at D1" in page.text
        assert "Call back within 1 hour" in page.text
        ack = await http.post(f"/console/flags/{flag}/ack", content=f"csrf={csrf}", headers=form)
        assert ack.status_code == 303
        assert "ok=acknowledged" in ack.headers["location"]
        again = await http.post(f"/console/flags/{flag}/ack", content=f"csrf={csrf}", headers=form)
        assert "ok=already_acknowledged" in again.headers["location"]
        no_outcome = await http.post(
            f"/console/flags/{flag}/close", content=f"csrf={csrf}", headers=form
        )
        assert no_outcome.status_code == 400
        close = await http.post(
            f"/console/flags/{flag}/close", content=f"csrf={csrf}&outcome=called", headers=form
        )
        assert close.status_code == 303
        twice = await http.post(
            f"/console/flags/{flag}/close", content=f"csrf={csrf}&outcome=not_needed", headers=form
        )
        after = await http.get("/console/flags")
    assert twice.status_code == 409
    assert "already closed" in twice.text
    assert f"F-{flag}" not in after.text
    with scene.db.session(write=False) as session:
        escalation = session.get(Escalation, flag)
        assert escalation is not None
        assert escalation.acknowledged_by == f"staff:{STAFF}"
        assert escalation.closed_by == f"staff:{STAFF}"
        assert escalation.outcome == "called"


async def test_patient_page_chart_and_csv(tmp_path):
    scene = console_scene(tmp_path)
    ana = scene.ids["ana"]
    async with client(console_app(scene)) as http:
        await signed_in(http)
        page = await http.get(f"/console/patients/{ana}")
        chart = await http.get(f"/console/patients/{ana}/chart.svg")
        found = await http.get("/console/patients", params={"q": f"P-{ana}"})
        missing = await http.get("/console/patients/99999")
        export = await http.get(
            "/console/export.csv", params={"first": "2027-03-01", "last": "2027-03-07"}
        )
        outcomes = await http.get("/console/outcomes")
    assert page.status_code == 200
    assert "Ana Lopez" in page.text
    assert f'src="/console/patients/{ana}/chart.svg"' in page.text
    assert "Screening answers" in page.text
    assert 'class="attention"' in page.text
    assert "console.login" in page.text or "appointment.book" in page.text or "Audit" in page.text
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in chart.text
    assert found.status_code == 303
    assert found.headers["location"] == f"/console/patients/{ana}"
    assert missing.status_code == 404
    assert export.status_code == 200
    assert "attachment" in export.headers["content-disposition"]
    assert export.text.lstrip("\ufeff").startswith("appointment_id,patient_id")
    assert outcomes.status_code == 200
    assert "Download CSV" in outcomes.text
    # The page and its chart (which can be fetched alone) each record who saw the patient.
    assert [a.subject for a in audits(scene, "staff.view_patient")] == [f"patient:{ana}"] * 2
    assert [a.actor for a in audits(scene, "staff.export")] == [f"staff:{STAFF}"]


async def test_escaped_names_and_logout(tmp_path):
    scene = console_scene(tmp_path)
    with scene.db.session() as session:
        from bot.db.models import Patient

        patient = session.get(Patient, scene.ids["ben"])
        assert patient is not None
        patient.name = "<script>alert(1)</script>"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    async with client(console_app(scene)) as http:
        csrf = await signed_in(http)
        day = await http.get("/console/day")
        out = await http.post("/console/logout", content=f"csrf={csrf}", headers=form)
        after = await http.get("/console/day")
    assert "<script>alert" not in day.text
    assert "&lt;script&gt;" in day.text
    assert out.status_code == 303
    assert "why=signed_out" in out.headers["location"]
    assert after.status_code == 303
    assert [a.actor for a in audits(scene, "console.logout")] == [f"staff:{STAFF}"]


async def test_week_view_names_its_week_and_lists_each_day(tmp_path):
    scene = console_scene(tmp_path)
    async with client(console_app(scene)) as http:
        await signed_in(http)
        week = await http.get("/console/week", params={"date": "2027-03-03"})
        bad_day = await http.get("/console/day", params={"date": "not-a-date"})
    assert week.status_code == 200
    assert "Week of Monday 1 March 2027" in week.text
    assert "Tuesday 02 March" in week.text
    assert "Sunday 07 March" in week.text
    assert f"A-{scene.ids['anabel_consult']}" in week.text
    assert "Anabel Ruiz" in week.text
    assert bad_day.status_code == 200
    assert "Monday 1 March 2027" in bad_day.text


async def test_reschedule_to_a_free_time_and_refuse_a_time_just_taken(tmp_path):
    from bot.domain.availability import local_day

    scene = console_scene(tmp_path)
    anabel = scene.ids["anabel_consult"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    slots = scene.core.booking.free_slots(
        service="consultation",
        first_day=local_day(AFTERNOON, scene.core.profile.tz) + timedelta(days=2),
        last_day=local_day(AFTERNOON, scene.core.profile.tz) + timedelta(days=2),
    )
    first = slots[0].start
    second = next(s.start for s in slots if s.start >= first + timedelta(hours=2))
    async with client(console_app(scene)) as http:
        csrf = await signed_in(http)
        page = await http.get(f"/console/visits/{anabel}/reschedule", params={"date": "2027-03-03"})
        assert page.status_code == 200
        assert first.isoformat() in page.text
        # Between the page and the press, every clinician at the first time gets booked.
        day = local_day(first, scene.core.profile.tz)
        for n in range(10):
            free = scene.core.booking.free_slots(
                service="consultation", first_day=day, last_day=day
            )
            if first not in {s.start for s in free}:
                break
            other = add_patient(scene, f"Walk In {n}")
            scene.core.booking.book(patient_id=other, service="consultation", start=first)
        taken = await http.post(
            f"/console/visits/{anabel}/reschedule",
            content=urlencode({"csrf": csrf, "version": "0", "start": first.isoformat()}),
            headers=form,
        )
        assert taken.status_code == 409
        assert "no longer free" in taken.text
        assert appointment(scene, anabel).status == AppointmentStatus.BOOKED
        moved = await http.post(
            f"/console/visits/{anabel}/reschedule",
            content=urlencode({"csrf": csrf, "version": "0", "start": second.isoformat()}),
            headers=form,
        )
        assert moved.status_code == 303
        assert "ok=moved" in moved.headers["location"]
        again = await http.post(
            f"/console/visits/{anabel}/reschedule",
            content=urlencode({"csrf": csrf, "version": "0", "start": first.isoformat()}),
            headers=form,
        )
        day = await http.get(moved.headers["location"])
    old = appointment(scene, anabel)
    assert old.status == AppointmentStatus.CANCELLED
    assert old.cancel_reason == "rescheduled"
    with scene.db.session(write=False) as session:
        new = session.exec(
            select(Appointment).where(col(Appointment.rescheduled_from_id) == anabel)
        ).one()
    assert new.starts_at == second
    assert f"A-{new.id}" in day.text
    assert again.status_code == 409
    assert f"moved to A-{new.id}" in again.text


async def test_outcomes_chart_is_an_svg_for_the_range(tmp_path):
    scene = console_scene(tmp_path)
    async with client(console_app(scene)) as http:
        await signed_in(http)
        page = await http.get(
            "/console/outcomes", params={"first": "2027-02-01", "last": "2027-03-07"}
        )
        chart = await http.get(
            "/console/outcomes.svg", params={"first": "2027-02-01", "last": "2027-03-07"}
        )
        backwards = await http.get(
            "/console/outcomes.svg", params={"first": "2027-03-07", "last": "2027-02-01"}
        )
    assert 'src="/console/outcomes.svg?first=2027-02-01&amp;last=2027-03-07"' in page.text
    assert chart.status_code == 200
    assert chart.text.lstrip().startswith("<?xml")
    assert "<svg" in chart.text
    assert backwards.status_code == 400


async def test_done_on_a_held_session_names_the_flag_to_review_first(tmp_path):
    """A Yes on the pre-session check holds the session (issue 11): the console says which F-."""
    from tests.staff_scene import add_checkin

    scene = console_scene(tmp_path)
    infusion, ben = scene.ids["ben_infusion"], scene.ids["ben"]
    checkin = add_checkin(
        scene,
        patient_id=ben,
        appointment_id=infusion,
        slot="PS",
        at=AFTERNOON - timedelta(days=1),
        answers={"PS_SUBST": "yes"},
    )
    with scene.db.session() as session:
        flag = Escalation(
            patient_id=ben,
            checkin_id=checkin,
            level="same_day",
            rule="presession_yes",
            detail="Pre-session: alcohol or drugs",
            created_at=AFTERNOON - timedelta(days=1),
        )
        session.add(flag)
        session.flush()
        flag_id = flag.id
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    async with client(console_app(scene)) as http:
        csrf = await signed_in(http)
        day = await http.get("/console/day")
        held = await http.post(
            f"/console/visits/{infusion}/done", content=f"csrf={csrf}&version=0", headers=form
        )
        await http.post(f"/console/flags/{flag_id}/ack", content=f"csrf={csrf}", headers=form)
        done = await http.post(
            f"/console/visits/{infusion}/done", content=f"csrf={csrf}&version=0", headers=form
        )
    assert "held: pre-session answer to review" in day.text
    assert held.status_code == 409
    assert f"F-{flag_id}" in held.text
    assert "#" not in held.text.split("<main")[1]
    assert done.status_code == 303
    assert appointment(scene, infusion).status == AppointmentStatus.COMPLETED
