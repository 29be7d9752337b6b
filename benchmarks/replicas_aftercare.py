"""The load proof's SMS and aftercare parts (benchmarks/replicas.py).

- The Twilio double over HTTP: the replicas' TWILIO_BASE_URL points at it (through nginx, which
  stamps each request's arrival), so every SMS goes through the real SDK and its HTTP client, and
  is checked against Twilio's published API (tests/twilio_double.py) and counted per sender.
- Check-ins: treatment sessions that ended 4.5 h ago are seeded for booked patients; staff marks
  each one Done with /done in their own chat with the bot (as a person does, one after another);
  the evening check-in (slot E: after 4 h, until 6 h after the end) then goes out at once, and
  each patient answers every question with its benign answer until thanked.
"""

from __future__ import annotations

import asyncio
import base64
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from bot.db.models import Appointment
from bot.sandbox.telegram_double import FakeBotApi, FakeUser
from tests.twilio_double import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TwilioDouble

SENDER = "+12015550100"
ONCALL_PHONE = "+12015550111"  # paged for urgent alerts (none are expected here)
ARRIVED_HEADER = "X-Arrived-At"
TWILIO_ROUTE = "/2010-04-01/Accounts/{account}/{resource}"
CHECKIN_INTRO = "A few quick questions"
CHECKIN_THANKS = "Your answers are saved"
# The benign answer to each kind of check-in question, as a patient who is well gives it.
BENIGN_LABELS = ("No", "None", "0", "3", "4")
CHECKIN_WAIT = 600.0  # seconds a patient waits for the check-in (paced sends, a killed replica)
MAX_QUESTIONS = 40


# SMS go out between 08:00 and 21:00 clinic time only (bot/domain/reminders.py): the run takes
# the built-in profile with the first of these zones where it is now daytime.
DAYTIME_ZONES = (
    "America/New_York",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)
BUILT_IN_PROFILE = Path(__file__).resolve().parent.parent / "bot" / "clinic_profile.toml"


def daytime_profile(folder: Path, now: datetime | None = None) -> tuple[Path, str]:
    """The built-in clinic profile in a time zone where SMS may go now (09:00-19:00 there,
    room for the run), written to `folder`; returns its path and the zone."""
    moment = now or datetime.now(UTC)
    zone = next(
        (z for z in DAYTIME_ZONES if 9 <= moment.astimezone(ZoneInfo(z)).hour < 19),
        DAYTIME_ZONES[0],
    )
    text_ = BUILT_IN_PROFILE.read_text(encoding="utf-8")
    changed = re.sub(r'(?m)^timezone = ".*"$', f'timezone = "{zone}"', text_, count=1)
    path = folder / "clinic_profile.toml"
    path.write_text(changed, encoding="utf-8")
    return path, zone


def twilio_env(base_url: str) -> dict[str, str]:
    return {
        "TWILIO_ACCOUNT_SID": TEST_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": SENDER,
        "TWILIO_BASE_URL": base_url,
        "ONCALL_PHONE": ONCALL_PHONE,
    }


@dataclass
class HttpTwilio:
    """tests/twilio_double.TwilioDouble served over HTTP, remembering when each SMS arrived."""

    double: TwilioDouble = field(default_factory=TwilioDouble)
    by_sender: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    by_recipient: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    refused: int = 0

    async def endpoint(self, request: Request) -> Response:
        arrived = float(request.headers.get(ARRIVED_HEADER) or time.time())
        form = dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
        auth = _basic_auth(request.headers.get("authorization", ""))
        headers = {"Content-Type": request.headers.get("content-type", "")}
        url = self.double.base_url + request.url.path
        # The double is synchronous and quick (no I/O): answered on the loop, in arrival order.
        answer = self.double.request("POST", url, data=form, headers=headers, auth=auth)
        if answer.status_code == 201 and request.path_params["resource"] == "Messages.json":
            self.by_sender[str(form.get("From") or form.get("MessagingServiceSid"))].append(arrived)
            self.by_recipient[str(form.get("To"))].append(arrived)
        elif answer.status_code >= 400:
            self.refused += 1
        return Response(answer.text, status_code=answer.status_code, media_type="application/json")

    def sent_to(self, numbers: list[str]) -> tuple[list[float], int, int]:
        """Arrival times of the SMS to `numbers`, how many got none, how many got more than one."""
        times = sorted(t for n in numbers for t in self.by_recipient.get(n, []))
        missing = sum(1 for n in numbers if not self.by_recipient.get(n))
        duplicates = sum(max(0, len(self.by_recipient.get(n, [])) - 1) for n in numbers)
        return times, missing, duplicates


def _basic_auth(header: str) -> tuple[str, str] | None:
    if not header.lower().startswith("basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    return user, password


# --- check-ins ------------------------------------------------------------------------------------


def seed_ended_sessions(engine: Engine, telegram_user_ids: list[int], now: datetime) -> list[int]:
    """One IV infusion per patient that ended 4.5 h ago, booked and confirmed a week before; its
    Done is left to staff. Returns the appointments' ids."""
    ends = now - timedelta(hours=4, minutes=30)
    booked_at = now - timedelta(days=7)
    ids: list[int] = []
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, telegram_user_id FROM patient WHERE telegram_user_id = ANY(:users)"),
            {"users": telegram_user_ids},
        )
        patients = {int(user): int(pid) for pid, user in rows}
    with Session(engine) as session:
        for user in telegram_user_ids:
            appointment = Appointment(
                patient_id=patients[user],
                service="iv_infusion",
                starts_at=ends - timedelta(hours=4),
                ends_at=ends,
                held_until=ends,
                created_at=booked_at,
                created_by="patient",
                confirmed_at=booked_at,
            )
            session.add(appointment)
            session.flush()
            assert appointment.id is not None
            ids.append(appointment.id)
        session.commit()
    return ids


async def mark_done(staff: FakeUser, appointment_ids: list[int]) -> int:
    """Staff closes each session with /done in their chat with the bot; returns how many the
    bot confirmed."""
    confirmed = 0
    for appointment_id in appointment_ids:
        await staff.send_command(f"/done A-{appointment_id}")
        if f"A-{appointment_id} marked Done" in staff.last_message().text:
            confirmed += 1
    return confirmed


async def answer_checkin(api: FakeBotApi, user: FakeUser) -> int:
    """Wait for the check-in, then answer each question benignly until thanked; returns how many
    questions were answered."""

    def arrived() -> bool:
        return any(CHECKIN_INTRO in m.text for m in user.chat_log() if m.from_bot)

    async with asyncio.timeout(CHECKIN_WAIT):
        await api.wait_until(arrived)
        # The first question may follow the introduction as a message of its own.
        await api.wait_until(lambda: bool(user.last_message().button_labels))
    for answered in range(MAX_QUESTIONS + 1):
        message = user.last_message()
        if CHECKIN_THANKS in message.text:
            return answered
        if answered == MAX_QUESTIONS:
            break
        labels = message.button_labels
        choice = next((label for label in BENIGN_LABELS if label in labels), None)
        if choice is None:
            raise AssertionError(f"no benign answer in {labels} for {message.text[:80]!r}")
        await user.press(choice)
    raise AssertionError(f"check-in not finished after {MAX_QUESTIONS} answers")


def checkin_statuses(engine: Engine, appointment_ids: list[int]) -> dict[str, int]:
    """The seeded sessions' check-ins by status (answered ones are closed)."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT slot, status, count(*) FROM checkin WHERE appointment_id = ANY(:ids) "
                "GROUP BY slot, status"
            ),
            {"ids": appointment_ids},
        )
        return {f"{slot}:{status}": int(count) for slot, status, count in rows}


def describe(outcome: Any) -> str:
    return f"{type(outcome).__name__}: {outcome}"[:160]
