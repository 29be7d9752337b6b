"""A seeded clinic with the staff console in front of it (server and browser tests)."""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
from sqlmodel import col, select

from bot.db.models import AuditLog, ScreeningAnswer
from bot.domain.clock import FixedClock
from bot.services.outcome_records import SCREENING_PAIN_AVERAGE
from bot.services.staff_ops import StaffOps
from bot.web.app import create_web_app
from bot.web.console.base import ConsoleConfig
from bot.web.console.security import widget_hash
from tests.staff_scene import (
    MONDAY_8AM,
    STAFF,
    Scene,
    add_checkin,
    add_escalation,
    attend,
    build,
    local,
    seed_clinic,
)

TOKEN = "123456789:AAconsole-test-token-for-signing-only"
BOT_USERNAME = "clinic_test_bot"
# Monday 1 March 2027, 4 PM in New York: Ben's infusion (10:00-14:00) is over.
AFTERNOON = local(1, 16)


def console_scene(tmp_path: Path, *, token: str | None = TOKEN) -> Scene:
    """The seeded clinic (staff_scene) with a bot token set; no Telegram application needed."""
    clock = FixedClock(MONDAY_8AM)
    core = build(tmp_path, clock)
    core.settings = dataclasses.replace(
        core.settings, telegram_bot_token=token, public_base_url="http://testserver"
    )
    ops = StaffOps(
        db=core.db, profile=core.profile, clock=clock, booking=core.booking, texts=core.texts
    )
    scene = Scene(core, clock, None, None, ops)  # type: ignore[arg-type]
    scene.clock.set(local(27, 9, month=2))
    seed_clinic(scene)
    scene.ids["flag"] = add_escalation(scene, scene.ids["ben"])
    scene.clock.set(AFTERNOON)
    return scene


def console_app(scene: Scene, *, sandbox: bool = False):
    token = scene.core.settings.telegram_bot_token
    return create_web_app(
        core=scene.core,
        inbound=scene.core.sms_inbound,
        console=ConsoleConfig(bot_token=token, bot_username=lambda: BOT_USERNAME, sandbox=sandbox),
    )


def signed_login(
    user_id: int = STAFF, *, auth_date: int | None = None, token: str = TOKEN, **extra: str
) -> dict[str, str]:
    """A Login Widget payload as Telegram would sign it for this bot."""
    fields = {
        "id": str(user_id),
        "first_name": "Sam",
        "username": "sam_front_desk",
        "auth_date": str(int(time.time()) if auth_date is None else auth_date),
        **extra,
    }
    fields["hash"] = widget_hash(fields, bot_token=token)
    return fields


def login_url(fields: dict[str, str]) -> str:
    return "/console/auth?" + urlencode(fields)


def client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver", follow_redirects=False
    )


CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


def audits(scene, action: str) -> list[AuditLog]:
    with scene.db.session(write=False) as session:
        return list(session.exec(select(AuditLog).where(col(AuditLog.action) == action)).all())


async def signed_in(http, user_id: int = STAFF) -> str:
    """Sign in through the widget callback; returns the day page's CSRF token."""
    response = await http.get(login_url(signed_login(user_id)))
    assert response.status_code == 200, response.text
    day = await http.get("/console/day")
    assert day.status_code == 200
    match = CSRF.search(day.text)
    assert match is not None
    return match.group(1)


def seed_outcomes(scene: Scene) -> None:
    """Ben's infusion (Mon 1 Mar) Done, after a baseline pain of 7, with two check-ins: pain 3
    at D1 with Moderate nausea, pain 4 at D3 with none (for the Outcomes page's charts)."""
    ben, infusion = scene.ids["ben"], scene.ids["ben_infusion"]
    with scene.db.session() as session:
        session.add(
            ScreeningAnswer(
                patient_id=ben,
                code=SCREENING_PAIN_AVERAGE,
                answer="7",
                answered_at=local(27, 9, month=2),
            )
        )
    attend(scene, infusion)
    for slot, at, pain, nausea in (
        ("D1", local(2, 10), "3", "mod"),
        ("D3", local(4, 10), "4", "none"),
    ):
        add_checkin(
            scene,
            patient_id=ben,
            appointment_id=infusion,
            slot=slot,
            at=at,
            answers={"PAINAVG": pain, "SE_NAU": nausea},
        )
