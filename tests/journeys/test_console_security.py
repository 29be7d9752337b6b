"""The console's security review fixes: version checks inside the transaction, quiet refusals,
error pages, the `back` field, sign-in replay and logout."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from sqlmodel import col, select

from bot.db.models import Appointment, AuditLog
from bot.domain.enums import AppointmentStatus
from bot.domain.errors import StaleButton
from tests.console_helpers import client, console_app, console_scene, login_url, signed_login

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def audits(scene, action: str) -> list[AuditLog]:
    with scene.db.session(write=False) as session:
        return list(session.exec(select(AuditLog).where(col(AuditLog.action) == action)).all())


def appointment(scene, appointment_id: int) -> Appointment:
    with scene.db.session(write=False) as session:
        found = session.get(Appointment, appointment_id)
        assert found is not None
        return found


async def csrf_of(http) -> str:
    import re

    response = await http.get(login_url(signed_login()))
    assert response.status_code == 200, response.text
    day = await http.get("/console/day")
    match = re.search(r'name="csrf" value="([0-9a-f]{64})"', day.text)
    assert match is not None
    return match.group(1)


def confirm_meanwhile(scene, appointment_id: int) -> None:
    """The patient confirms (still booked, version bumped) after the console's own check."""
    with scene.db.session() as session:
        found = session.get(Appointment, appointment_id)
        assert found is not None
        found.confirmed_at = scene.clock.now()


# --- 1. the version is checked in the booking service's transaction ------------------------


def test_booking_refuses_a_stale_version_and_ignores_none(tmp_path):
    scene = console_scene(tmp_path)
    anabel = scene.ids["anabel_consult"]
    confirm_meanwhile(scene, anabel)
    with pytest.raises(StaleButton):
        scene.core.booking.cancel(appointment_id=anabel, actor="staff:1", expected_version=0)
    assert appointment(scene, anabel).status == AppointmentStatus.BOOKED
    current = appointment(scene, anabel).version
    scene.core.booking.cancel(appointment_id=anabel, actor="staff:1", expected_version=current)
    assert appointment(scene, anabel).status == AppointmentStatus.CANCELLED


@pytest.mark.parametrize("action", ["cancel", "reschedule"])
async def test_a_visit_changed_after_the_views_check_is_not_cancelled_or_moved(tmp_path, action):
    from datetime import timedelta

    from bot.domain.availability import local_day
    from tests.console_helpers import AFTERNOON

    scene = console_scene(tmp_path)
    anabel = scene.ids["anabel_consult"]
    booking = scene.core.booking
    real = getattr(booking, action)

    def racing(**kwargs):
        confirm_meanwhile(scene, anabel)
        return real(**kwargs)

    setattr(booking, action, racing)
    day = local_day(AFTERNOON, scene.core.profile.tz) + timedelta(days=2)
    start = booking.free_slots(service="consultation", first_day=day, last_day=day)[0].start
    body = {"version": "0", "start": start.isoformat(), "reason": "x"}
    async with client(console_app(scene)) as http:
        body["csrf"] = await csrf_of(http)
        answer = await http.post(
            f"/console/visits/{anabel}/{action}", content=urlencode(body), headers=FORM
        )
    assert answer.status_code == 409
    assert "has changed since this page was opened" in answer.text
    assert "updated after this page was drawn" in answer.text
    assert "marked Done" not in answer.text
    assert appointment(scene, anabel).status == AppointmentStatus.BOOKED
    assert audits(scene, "appointment.cancel") == []


# --- 2. anonymous junk is not an audit row each ----------------------------------------------


async def test_a_flood_of_forged_sign_ins_and_cookies_writes_one_row_a_minute(tmp_path):
    from datetime import UTC, datetime, timedelta

    from bot.domain.clock import FixedClock
    from bot.web.app import create_web_app
    from bot.web.console.base import ConsoleConfig
    from tests.console_helpers import BOT_USERNAME, TOKEN

    scene = console_scene(tmp_path)
    security = FixedClock(datetime.now(UTC))
    app = create_web_app(
        core=scene.core,
        inbound=scene.core.sms_inbound,
        console=ConsoleConfig(
            bot_token=TOKEN, bot_username=lambda: BOT_USERNAME, security_clock=security
        ),
    )
    forged = signed_login()
    forged["hash"] = "0" * 64
    async with client(app) as http:
        for _ in range(30):
            refused = await http.get(login_url(forged))
            assert refused.status_code == 403
            junk = await http.get("/console/day", headers={"Cookie": "clinic_console=junk.x"})
            assert junk.status_code == 303
        assert len(audits(scene, "console.login_refused")) == 1
        assert len(audits(scene, "console.session_refused")) == 1
        security.advance(timedelta(seconds=61))
        await http.get(login_url(forged))
        # A verified identity is still audited every time.
        from tests.staff_scene import STRANGER

        for _ in range(3):
            await http.get(login_url(signed_login(STRANGER)))
    rows = audits(scene, "console.login_refused")
    assert '"more_since_last_row": 29' in rows[1].detail
    assert len(rows) == 2 + 3


async def test_charts_are_not_drawn_in_the_webhooks_database_workers(tmp_path):
    import anyio.to_thread
    from starlette.applications import Starlette

    from bot.web.console import console_routes
    from bot.web.console.base import ConsoleConfig
    from tests.console_helpers import BOT_USERNAME, TOKEN

    scene = console_scene(tmp_path)
    queued: list[str] = []

    async def in_worker(work):
        queued.append(getattr(getattr(work, "func", work), "__name__", "?"))
        return await anyio.to_thread.run_sync(work)

    app = Starlette(
        routes=console_routes(
            core=scene.core,
            config=ConsoleConfig(bot_token=TOKEN, bot_username=lambda: BOT_USERNAME),
            in_worker=in_worker,
        )
    )
    async with client(app) as http:
        await http.get(login_url(signed_login()))
        chart = await http.get(f"/console/patients/{scene.ids['ben']}/chart.svg")
        outcomes = await http.get("/console/outcomes.svg")
    assert chart.status_code == 200
    assert outcomes.status_code == 200
    assert "<svg" in chart.text
    assert "<svg" in outcomes.text
    assert queued
    assert not any("svg" in name for name in queued)


# --- 3. errors: no traceback, the console's headers, 503 when the database is away -------------


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (RuntimeError("SELECT ... ('Ben Okafor', '+15550001234')"), 500),
        ("unavailable", 503),
    ],
)
async def test_an_unexpected_error_is_a_plain_page_and_logs_only_its_type(
    tmp_path, caplog, error, status
):
    import logging

    from bot.db.engine import DatabaseUnavailable

    scene = console_scene(tmp_path)
    if error == "unavailable":
        error = DatabaseUnavailable("database error: ('Ben Okafor', '+15550001234')")
    async with client(console_app(scene)) as http:
        await http.get(login_url(signed_login()))

        def broken(*_args, **_kwargs):
            raise error

        scene.core.staff.is_staff = broken
        with caplog.at_level(logging.DEBUG):
            page = await http.get("/console/day")
    assert page.status_code == status
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert "Ben Okafor" not in page.text
    assert "Traceback" not in page.text
    if status == 503:
        assert page.headers["retry-after"] == "30"
        assert "Try again" in page.text
    assert "Ben Okafor" not in caplog.text
    assert "+1555" not in caplog.text
    assert all(record.exc_info is None for record in caplog.records)
    assert type(error).__name__ in caplog.text


async def test_not_found_and_wrong_method_carry_the_security_headers(tmp_path):
    scene = console_scene(tmp_path)
    async with client(console_app(scene)) as http:
        missing = await http.get("/console/nowhere")
        wrong = await http.get("/console/logout")
        style = await http.get("/console/static/console.css")
        login = await http.get("/console/login")
    assert missing.status_code == 404
    assert wrong.status_code == 405
    for answer in (missing, wrong):
        assert answer.headers["x-frame-options"] == "DENY"
        assert "default-src 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["cache-control"] == "no-store"
    assert "cache-control" not in style.headers  # the console's own answers are left alone
    assert "https://telegram.org" in login.headers["content-security-policy"]


# --- 4. the `back` field of a visit's form is a console page or nothing ------------------------


@pytest.mark.parametrize(
    "back", ["javascript:alert(1)", "https://evil.example/", "//evil.example/console"]
)
async def test_a_visit_forms_back_link_never_leaves_the_console(tmp_path, back):
    scene = console_scene(tmp_path)
    infusion = scene.ids["ben_infusion"]
    async with client(console_app(scene)) as http:
        csrf = await csrf_of(http)
        incomplete = await http.post(
            f"/console/visits/{infusion}/done",
            content=urlencode({"csrf": csrf, "back": back}),
            headers=FORM,
        )
        # Done long before the end of a visit asks "leaving early?" with a way back.
        scene.clock.set(appointment(scene, infusion).starts_at)
        early = await http.post(
            f"/console/visits/{infusion}/done",
            content=urlencode({"csrf": csrf, "version": "0", "back": back}),
            headers=FORM,
        )
    assert incomplete.status_code == 400
    assert early.status_code == 200
    assert "leaving" in early.text.lower()
    for answer in (incomplete, early):
        assert "evil.example" not in answer.text
        assert "javascript:" not in answer.text
        assert 'href="/console/day"' in answer.text


# --- 5. a sign-in URL works once and for minutes; Sign out ends the session everywhere --------


def test_a_widget_payload_is_accepted_for_minutes_not_a_day():
    from datetime import UTC, datetime, timedelta

    from bot.web.console.security import LoginRefused, verify_login
    from tests.console_helpers import TOKEN

    now = datetime.fromtimestamp(1700000000, tz=UTC)
    recent = signed_login(auth_date=int((now - timedelta(minutes=4)).timestamp()))
    assert verify_login(recent, bot_token=TOKEN, now=now).user_id == int(recent["id"])
    hour_old = signed_login(auth_date=int((now - timedelta(hours=1)).timestamp()))
    with pytest.raises(LoginRefused, match="too old"):
        verify_login(hour_old, bot_token=TOKEN, now=now)


async def test_a_sign_in_url_from_the_history_does_not_sign_in_again(tmp_path):
    from tests.staff_scene import STAFF

    scene = console_scene(tmp_path)
    url = login_url(signed_login())
    async with client(console_app(scene)) as first:
        assert (await first.get(url)).status_code == 200
    async with client(console_app(scene)) as later:  # the next person at the same PC
        replay = await later.get(url)
        page = await later.get("/console/day")
    assert replay.status_code == 403
    assert "set-cookie" not in replay.headers
    assert "already used" in replay.text
    assert page.status_code == 303
    refused = audits(scene, "console.login_refused")
    assert [(r.actor, "already used" in r.detail) for r in refused] == [(f"staff:{STAFF}", True)]


async def test_sign_out_revokes_the_session_even_for_a_copy_of_the_cookie(tmp_path):
    scene = console_scene(tmp_path)
    app = console_app(scene)
    async with client(app) as http:
        csrf = await csrf_of(http)
        cookie = http.cookies["clinic_console"]
        out = await http.post("/console/logout", content=f"csrf={csrf}", headers=FORM)
        assert out.status_code == 303
    async with client(app) as copy:
        page = await copy.get("/console/day", headers={"Cookie": f"clinic_console={cookie}"})
        post = await copy.post(
            f"/console/visits/{scene.ids['ben_infusion']}/done",
            content=f"csrf={csrf}&version=0",
            headers={**FORM, "Cookie": f"clinic_console={cookie}"},
        )
    assert page.status_code == 303
    assert "why=signed_out" in page.headers["location"]
    assert post.status_code == 403
    assert appointment(scene, scene.ids["ben_infusion"]).status == AppointmentStatus.BOOKED
    assert "signed out" in audits(scene, "console.session_refused")[0].detail


# --- 6. https, the chart's access record, the Outcomes range -----------------------------------


async def test_strict_transport_security_over_https_only(tmp_path):
    import httpx

    scene = console_scene(tmp_path)
    app = console_app(scene)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://console.example"
    ) as https:
        login = await https.get("/console/login")
        missing = await https.get("/console/nowhere")
        healthz = await https.get("/healthz")
    async with client(app) as http:
        plain = await http.get("/console/login")
    assert login.headers["strict-transport-security"] == "max-age=31536000"
    assert missing.headers["strict-transport-security"] == "max-age=31536000"
    assert "strict-transport-security" not in plain.headers
    assert "strict-transport-security" not in healthz.headers  # not the console's to say


async def test_the_pain_chart_records_who_saw_it(tmp_path):
    from tests.staff_scene import STAFF

    scene = console_scene(tmp_path)
    ben = scene.ids["ben"]
    async with client(console_app(scene)) as http:
        await http.get(login_url(signed_login()))
        chart = await http.get(f"/console/patients/{ben}/chart.svg")
    assert chart.status_code == 200
    seen = audits(scene, "staff.view_patient")
    assert [(a.actor, a.subject) for a in seen] == [(f"staff:{STAFF}", f"patient:{ben}")]


async def test_outcomes_range_is_capped_like_the_export(tmp_path):
    scene = console_scene(tmp_path)
    huge = {"first": "1900-01-01", "last": "2027-03-01"}
    async with client(console_app(scene)) as http:
        await http.get(login_url(signed_login()))
        page = await http.get("/console/outcomes", params=huge)
        chart = await http.get("/console/outcomes.svg", params=huge)
        year = await http.get("/console/outcomes", params={"first": "2026-03-02"})
    assert page.status_code == 400
    assert "at most 731 days" in page.text
    assert chart.status_code == 400
    assert year.status_code == 200


async def test_the_widgets_auth_url_is_public_base_url_never_the_host_header(tmp_path):
    import dataclasses

    scene = console_scene(tmp_path)
    scene.core.settings = dataclasses.replace(scene.core.settings, public_base_url=None)
    async with client(console_app(scene)) as http:
        page = await http.get("/console/login", headers={"Host": "evil.example"})
    assert page.status_code == 200
    assert "evil.example" not in page.text
    assert "data-auth-url" not in page.text
    assert "PUBLIC_BASE_URL" in page.text


def test_used_sign_ins_and_revoked_sessions_are_shared_and_pruned(any_db):
    from datetime import UTC, datetime, timedelta

    from bot.services.console_sessions import claim_login, is_revoked, revoke

    now = datetime(2027, 3, 1, 12, tzinfo=UTC)
    keep = timedelta(minutes=20)
    assert claim_login(any_db, "ab" * 32, now=now, keep=keep)
    assert not claim_login(any_db, "AB" * 32, now=now + timedelta(minutes=1), keep=keep)
    # Long after it could be accepted, its row is pruned by the next sign-in.
    assert claim_login(any_db, "cd" * 32, now=now + timedelta(hours=1), keep=keep)
    assert claim_login(any_db, "ab" * 32, now=now + timedelta(hours=1), keep=keep)
    assert not is_revoked(any_db, "session-1")
    revoke(any_db, "session-1", now=now, lifetime=timedelta(hours=10))
    revoke(any_db, "session-1", now=now, lifetime=timedelta(hours=10))  # twice: no error
    assert is_revoked(any_db, "session-1")
    revoke(any_db, "session-2", now=now + timedelta(hours=11), lifetime=timedelta(hours=10))
    assert not is_revoked(any_db, "session-1")
    assert is_revoked(any_db, "session-2")
