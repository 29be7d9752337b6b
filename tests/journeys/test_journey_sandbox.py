"""The local sandbox: the real bot in a terminal, buttons numbered, staff chat shown, clock movable."""

from __future__ import annotations

import asyncio

import pytest

from bot.domain.clock import OffsetClock
from bot.sandbox.console import HELP, Console, chat, sandbox_core


@pytest.fixture
def console(tmp_path):
    clock = OffsetClock()
    core = sandbox_core(f"sqlite:///{tmp_path / 'sandbox.db'}", clock=clock, env={})
    lines: list[str] = []
    yield Console(core, clock=clock, write=lines.append), lines
    core.db.dispose()


def number_of(console: Console, label: str) -> str:
    for index, choice in enumerate(console.choices, start=1):
        if choice.label == label or choice.label.startswith(label):
            return str(index)
    raise AssertionError(f"{label!r} not among {[c.label for c in console.choices]}")


async def test_a_patient_books_in_the_sandbox_and_sees_the_staff_chat(console):
    console, lines = console
    async with console:
        await console.handle("/start")
        assert any("[1] Yes, message me here  [2] No, thanks" in line for line in lines)
        await console.handle("1")
        await console.handle(number_of(console, "📅 Book"))
        await console.handle("1")  # the first day shown
        await console.handle("1")  # its first time
        await console.handle("Sam Sandbox")
        await console.handle(number_of(console, "📱 Share my number"))
        assert any("+12025550123" in line for line in lines)
        for _ in range(9):
            await console.handle(number_of(console, "No"))
        await console.handle("none")
        await console.handle(number_of(console, "3"))
        await console.handle(number_of(console, "3"))
        await console.handle(number_of(console, "Yes"))
        await console.handle(number_of(console, "No, just Telegram"))
        await console.handle(number_of(console, "✅ Confirm booking"))
        assert any("You're booked" in line for line in lines)
        assert any(line.startswith("[file: appointment.ics") for line in lines)
        await console.handle("/clock +1m")
        assert any(line.startswith("(clock: ") for line in lines)
        assert any(line.startswith("[staff] 🆕 New booking") for line in lines)
        assert core_appointments(console) == 1


def core_appointments(console: Console) -> int:
    from sqlmodel import select

    from bot.db.models import Appointment

    with console.core.db.session(write=False) as session:
        return len(session.exec(select(Appointment)).all())


async def test_the_sandbox_answers_its_own_commands(console):
    console, lines = console
    async with console:
        await console.handle("/help")
        assert HELP in lines
        await console.handle("/clock tomorrow")
        assert lines[-1].startswith("(use /clock")
        await console.handle("42")
        assert lines[-1].startswith("(no button 42")
        await console.handle("//help")
        assert any("/appointments" in line for line in lines)
        assert await console.handle("/quit") is False


async def test_chat_reads_lines_until_quit(console):
    console, lines = console
    script = iter(["/contact", "hello", "/quit", "never read"])

    async def read_line():
        await asyncio.sleep(0)
        return next(script)

    await chat(console, read_line)
    assert lines[-1] == "Bye."
    assert any("Before we begin" in line for line in lines)
    assert next(script) == "never read"


async def test_the_sandbox_lets_the_person_act_as_staff(tmp_path):
    """Staff buttons are pressable (s1, s2...) and staff commands can be typed with /staff."""
    from bot.domain.clock import OffsetClock
    from bot.sandbox.console import Console, sandbox_core

    lines: list[str] = []
    clock = OffsetClock()
    core = sandbox_core(f"sqlite:///{tmp_path / 's.db'}", clock=clock, env={})
    console = Console(core, clock=clock, write=lines.append)
    async with console:
        await console.handle("/staff /today")
        await console.handle("/staff today")
    core.db.dispose()
    text = "\n".join(lines)
    assert "[staff]" in text
    assert "Today" in text
    assert "(use /staff /today" in text


async def test_the_sandbox_serves_the_staff_console_with_its_local_sign_in(console):
    """Issue 14 item 4 (part): the console on 127.0.0.1 with a local sign-in (no token here)."""
    import re

    import httpx

    console, lines = console
    seen: dict[str, str] = {}

    async def read_line():
        started = next(line for line in lines if line.startswith("Staff console:"))
        base = started.split()[2].removesuffix("/console")
        async with httpx.AsyncClient(base_url=base) as http:
            page = await http.get("/console/login")
            token = re.search(r'name="token" value="([^"]+)"', page.text)
            assert token is not None
            signed = await http.post(
                "/console/local-login",
                data={"user_id": "9001", "token": token.group(1)},
            )
            day = await http.get("/console/day")
        seen.update(signed=str(signed.status_code), day=day.text)
        return "/quit"

    await chat(console, read_line, web_port=0)
    assert seen["signed"] == "200"
    assert "Sign out" in seen["day"]


async def test_the_sandbox_prints_sms_and_takes_texts_as_that_number(tmp_path):
    """Issue 14 item 4: SMS the bot sends are shown; /sms answers as the SMS patient."""
    clock = OffsetClock()
    core = sandbox_core(f"sqlite:///{tmp_path / 's.db'}", clock=clock, env={})
    lines: list[str] = []
    console = Console(core, clock=clock, write=lines.append, sms=True)
    async with console:
        await console.handle("/sms")
        await console.handle("/sms +12025550199 hello")
        await core.channels.sms.send_sms(to="+12025550199", body="Your code is 123456")
    core.db.dispose()
    assert "(use /sms your message" in lines[0]
    texts = [line for line in lines if line.startswith("[sms to +12025550199]")]
    assert len(texts) == 2
    assert texts[-1].endswith("Your code is 123456")


async def test_the_moved_clock_survives_a_restart_and_passes_opening_with_a_digest(tmp_path):
    """Issue 14 item 4: the clock is kept in the database; passing opening time sends the digest."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from bot.sandbox.extras import load_clock_offset, reset_database

    url = f"sqlite:///{tmp_path / 's.db'}"
    clock = OffsetClock()
    core = sandbox_core(url, clock=clock, env={})
    # 7:00 AM on the next Monday, clinic time: the clinic opens at 8:30.
    tz = ZoneInfo(core.profile.clinic.timezone)
    today = datetime.now(tz).date()
    monday = today + timedelta(days=7 - today.weekday())
    clock.offset = datetime(monday.year, monday.month, monday.day, 7, tzinfo=tz) - datetime.now(UTC)
    lines: list[str] = []
    async with Console(core, clock=clock, write=lines.append) as console:
        await console.handle("/clock +3h")
    moved = clock.offset
    core.db.dispose()
    digest = [line for line in lines if line.startswith("[staff]")]
    assert digest, lines  # the day's digest reached the staff chat
    again = sandbox_core(url, clock=OffsetClock(), env={})
    assert abs(load_clock_offset(again.db) - moved) < timedelta(seconds=1)
    again.db.dispose()
    assert "removed" in reset_database(url)
    assert not (tmp_path / "s.db").exists()
    assert "no " in reset_database(url)


async def test_a_button_of_an_earlier_message_can_still_be_pressed(console):
    """Issue 14 item 4: numbers press the newest message's buttons; m<k>.<n> any still shown."""
    console, lines = console
    async with console:
        await console.handle("/start")
        await console.handle("//start")  # a second consent question: 1 and 2 are now its own
        marks = [
            line.rsplit("<m", 1)[1].rstrip(">") for line in lines if "[1] Yes, message" in line
        ]
        assert len(marks) == 2
        assert marks[0] != marks[1]
        before = len(lines)
        await console.handle(f"m{marks[0]}.1")  # "Yes" on the first question, still on screen
        await console.handle("m99.1")
    after = "\n".join(lines[before:])
    assert "Thank you. You can change your mind" in after
    assert "(no button m99.1" in after
