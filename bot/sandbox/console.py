"""The local sandbox: chat with the real bot in a terminal, against the built-in Telegram double.

The person at the keyboard is a patient. Bot messages are printed with their buttons numbered;
typing a number presses one, anything else is sent as a message. What the staff chat receives is
printed with a "[staff]" prefix. `/clock +1d` moves time forward so planned messages fall due.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import secrets
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from bot.app import build_application, build_core, web_app_for
from bot.core import Core
from bot.domain.clock import OffsetClock
from bot.presentation.formatting import when_long
from bot.sandbox.extras import (
    TerminalSms,
    last_opening_passed,
    load_clock_offset,
    reset_database,
    save_clock_offset,
)
from bot.sandbox.telegram_double import FakeBotApi, FakeUser
from bot.sandbox.telegram_records import BotEvent, MessageRecord, NoSuchButton
from bot.settings import MINI_APP_PATH, parse_settings
from bot.web.miniapp.initdata import sign_init_data
from bot.web.server import RunningServer, serve
from handlers import set_commands

DEFAULT_DATABASE_URL = "sqlite:///var/sandbox.db"
# The staff console (http://127.0.0.1:PORT/console, local sign-in): SANDBOX_CONSOLE_PORT or 8080.
DEFAULT_CONSOLE_PORT = 8080
STAFF_CHAT_ID = -1000000000042
STAFF_USER_ID = 9001
PATIENT_ID = 5001
PATIENT_PHONE = "+12025550123"
_SHIFT = re.compile(r"^\+(\d{1,4})([mhdw])$")
_STAFF_PRESS = re.compile(r"^s\d{1,4}$")
_EARLIER_PRESS = re.compile(r"^m(\d{1,5})\.(\d{1,3})$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

HELP = f"""Sandbox commands (everything else goes to the bot as your message):
  <number>            press the button with that number (on the newest message with buttons)
  m4.2                press button 2 of the message marked <m4>: any button still on screen
  /contact [+number]  share your phone number (default {PATIENT_PHONE})
  /clock +1d          move the clock forward (+30m, +3h, +1d, +1w) and send what falls due;
                      the moved clock is kept for the next run (start over: sandbox --reset)
  /sms [+number] text text the bot as that number (default {PATIENT_PHONE}); what the bot
                      texts back, and every SMS it sends, prints as [sms to ...]
  //command           send /command to the bot (e.g. //help)
  s<number>           press a button in the staff chat, as the staff member (e.g. s2 = Done);
                      numbers count from this session's start (after a restart use /staff commands)
  /staff /command     send a command as the staff member (e.g. /staff /today, /staff /flags)
  /help               this list
  /quit               leave the sandbox
Bot commands such as /start, /book and /appointments go straight to the bot."""


@dataclass(frozen=True)
class _Choice:
    message_id: int | None  # None: a reply-keyboard button
    label: str
    url: str | None = None
    web_app: str | None = None  # the Mini App a button opens


class Console:
    """One sandbox session: prints what the chats show and turns typed lines into updates."""

    def __init__(
        self,
        core: Core,
        *,
        clock: OffsetClock,
        write: Callable[[str], None] = print,
        sms: bool = False,
    ) -> None:
        self.core = core
        self.clock = clock
        self.write = write
        if sms:
            # No Twilio here: texts the bot sends are printed, so codes and reminders are seen.
            core.channels.sms = TerminalSms(write)
        # The sandbox has no bot token: Mini App launches are signed with a key of this session.
        if core.settings.telegram_bot_token is None:
            core.mini_app_token = core.mini_app_token or f"{PATIENT_ID}:{secrets.token_urlsafe(32)}"
        self.double = FakeBotApi(clock=clock, bot_first_name=core.profile.clinic.name)
        self.double.group(STAFF_CHAT_ID, title="Front desk (staff)")
        self.application = build_application(core, request=self.double, updates_request=self.double)
        self.patient: FakeUser = self.double.user(
            PATIENT_ID, "Sam", last_name="Sandbox", phone=PATIENT_PHONE
        )
        # A staff member in the staff group: presses staff buttons and types staff commands.
        self.staff_member: FakeUser = self.double.user(STAFF_USER_ID, "Front", last_name="Desk")
        self.staff_in_group = self.staff_member.in_chat(STAFF_CHAT_ID)
        self.choices: list[_Choice] = []
        # Every patient message with buttons, by the number printed beside it (<m4>).
        self.earlier: dict[int, list[_Choice]] = {}
        self.staff_choices: list[_Choice] = []
        self._unsubscribe = self.double.subscribe(self._show)

    async def __aenter__(self) -> Console:
        await self.application.initialize()
        await self.application.start()
        self.double.attach(self.application)
        await set_commands(self.application, self.core.texts)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._unsubscribe()
        self.double.detach()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def handle(self, line: str) -> bool:
        """Act on one typed line; False when the person wants to leave."""
        line = line.strip()
        if not line:
            return True
        command, _, rest = line.partition(" ")
        if command in ("/quit", "/exit"):
            return False
        if command == "/help":
            self.write(HELP)
        elif command == "/contact":
            await self.patient.share_contact(rest.strip() or PATIENT_PHONE)
        elif command == "/clock":
            await self._move_clock(rest.strip())
        elif command == "/sms":
            await self._text_in(rest.strip())
        elif line.startswith("//"):
            await self.patient.send_text(line[1:])
        elif command == "/staff":
            if rest.strip().startswith("/"):
                await self.staff_in_group.send_text(rest.strip())
            else:
                self.write("(use /staff /today, /staff /flags, /staff /help ...)")
        elif _STAFF_PRESS.match(line):
            await self._press_staff(int(line[1:]))
        elif line.isdigit():
            await self._press(int(line))
        elif (earlier := _EARLIER_PRESS.match(line)) is not None:
            await self._press_earlier(int(earlier.group(1)), int(earlier.group(2)))
        else:
            await self.patient.send_text(line)
        return True

    async def _press(self, number: int) -> None:
        if not 1 <= number <= len(self.choices):
            self.write(f"(no button {number}; type /help for the sandbox commands)")
            return
        await self._press_choice(self.choices[number - 1])

    async def _press_earlier(self, message: int, number: int) -> None:
        choices = self.earlier.get(message, [])
        if not 1 <= number <= len(choices):
            self.write(f"(no button m{message}.{number}; type /help for the sandbox commands)")
            return
        await self._press_choice(choices[number - 1])

    async def _press_choice(self, choice: _Choice) -> None:
        if choice.url is not None:
            self.write(f"(opens {choice.url})")
            return
        if choice.web_app is not None:
            self.write(
                f"(open the calendar in your browser: {self.mini_app_launch(choice.web_app)})"
            )
            return
        try:
            if choice.message_id is None:
                await self.patient.press(choice.label)
            else:
                await self.patient.press_on(choice.message_id, choice.label)
        except NoSuchButton:
            self.write("(that button is no longer shown)")

    def mini_app_launch(self, url: str) -> str:
        """The Mini App's URL as Telegram opens it: initData signed for the sandbox patient in
        the fragment (the page reads it there, as it does Telegram's)."""
        token = self.core.mini_app_token
        if token is None:
            return url
        user = {"id": PATIENT_ID, "first_name": "Sam", "last_name": "Sandbox"}
        fields = {
            "user": json.dumps(user, separators=(",", ":")),
            "auth_date": str(int(time.time())),  # real time: initData expires after an hour
            "chat_type": "private",
        }
        signed = sign_init_data(fields, bot_token=token)
        return f"{url}#tgWebAppData={quote(signed, safe='')}&tgWebAppPlatform=sandbox"

    async def _press_staff(self, number: int) -> None:
        if not 1 <= number <= len(self.staff_choices):
            self.write(f"(no staff button s{number})")
            return
        choice = self.staff_choices[number - 1]
        try:
            assert choice.message_id is not None
            await self.staff_in_group.press_on(choice.message_id, choice.label)
        except NoSuchButton:
            self.write("(that staff button is no longer shown)")
        await self.dispatch()

    async def _move_clock(self, text: str) -> None:
        match = _SHIFT.match(text)
        if match is None:
            self.write("(use /clock +30m, +3h, +1d or +1w)")
            return
        amount, unit = int(match.group(1)), _UNITS[match.group(2)]
        before = self.clock.now()
        now = self.clock.advance(timedelta(**{unit: amount}))
        await asyncio.to_thread(save_clock_offset, self.core.db, self.clock.offset)
        self.write(f"(clock: {when_long(now, self.core.profile.tz)}, clinic time)")
        opening = last_opening_passed(self.core.profile, before=before, after=now)
        if opening is not None:
            # The job at opening time would have queued the day's digest for the staff chat.
            await asyncio.to_thread(self.core.staff_ops.queue_daily_digest, now=opening)
        await self.dispatch()

    async def _text_in(self, text: str) -> None:
        """An SMS to the bot, as the webhook would hand it over; the reply is printed."""
        phone, _, body = text.partition(" ") if text.startswith("+") else (PATIENT_PHONE, "", text)
        if not body.strip():
            self.write("(use /sms your message, or /sms +12025550199 your message)")
            return
        inbound = self.core.sms_inbound
        reply = await asyncio.to_thread(
            inbound.handle,
            from_number=phone,
            body=body.strip(),
            message_sid=f"SM{uuid.uuid4().hex}",
            now=self.clock.now(),
        )
        if reply:
            self.write(f"[sms to {phone}] {reply}")
        await self.dispatch()

    async def dispatch(self) -> None:
        """Send what the outbox holds now, as the scheduler's tick would.

        Through the ticker, whose lock waits for a tick already sending (e.g. one a handler's
        kick started), so everything due has gone out when this returns.
        """
        await self.core.ticker.tick()

    # --- printing ----------------------------------------------------------------------

    def _show(self, event: BotEvent) -> None:
        message = event.message
        if event.kind == "callback_answer":
            if event.text:
                self.write(f"  ({event.text})")
            return
        if message is None or not message.from_bot or event.kind not in ("sent", "edited"):
            return
        if event.chat_id == STAFF_CHAT_ID:
            self._print_staff(message)
        elif event.chat_id == PATIENT_ID:
            self._print_patient(message, edited=event.kind == "edited")

    def _print_staff(self, message: MessageRecord) -> None:
        lines = message.text.splitlines() or [""]
        self.write("\n".join(f"[staff] {line}" for line in lines))
        labels = [label for row in message.buttons for label, _ in row]
        if labels:
            cells = []
            for label in labels:
                self.staff_choices.append(_Choice(message.message_id, label))
                cells.append(f"<s{len(self.staff_choices)} {label}>")
            self.write("[staff] " + "  ".join(cells))

    def _print_patient(self, message: MessageRecord, *, edited: bool) -> None:
        self.write("")
        if edited:
            self.write("(updated)")
        if message.text:
            self.write(message.text)
        if message.document_name:
            self.write(
                f"[file: {message.document_name}, {len(message.document_bytes or b'')} bytes]"
            )
        choices: list[_Choice] = []
        for row in message.inline_keyboard or []:
            for button in row:
                web_app = button.get("web_app") or {}
                choices.append(
                    _Choice(
                        message.message_id, button["text"], button.get("url"), web_app.get("url")
                    )
                )
        for row_labels in message.reply_keyboard:
            for label in row_labels:
                choices.append(_Choice(None, label))
        if not choices:
            return
        self.choices = choices
        mark = len(self.earlier) + 1
        self.earlier[mark] = choices
        self.write(f"{_numbered(message, choices)}   <m{mark}>")


def _numbered(message: MessageRecord, choices: list[_Choice]) -> str:
    lines: list[str] = []
    number = 1
    rows: list[list[str]] = [
        [button["text"] for button in row] for row in message.inline_keyboard or []
    ]
    rows += [list(row) for row in message.reply_keyboard]
    for row in rows:
        cells = []
        for label in row:
            cells.append(f"[{number}] {label}")
            number += 1
        lines.append("  ".join(cells))
    return "\n".join(lines)


def sandbox_core(database_url: str | None, *, clock: OffsetClock, env: dict[str, str]) -> Core:
    """The real services over a local database, with staff ids the console can show."""
    settings = parse_settings(
        {
            "DATABASE_URL": database_url or DEFAULT_DATABASE_URL,
            "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
            "STAFF_USER_IDS": str(STAFF_USER_ID),
            "CLINIC_PROFILE": env.get("CLINIC_PROFILE", ""),
            "LOG_LEVEL": "WARNING",
        }
    )
    return build_core(settings, clock=clock)


async def chat(
    console: Console,
    read_line: Callable[[], Awaitable[str | None]],
    *,
    web_port: int | None = None,
) -> None:
    """Read lines until /quit or end of input (with the staff console on `web_port`, if given)."""
    async with console:
        console.write(f"Sandbox for {console.core.profile.clinic.name}. Type /help for help.")
        server = await _start_console(console, web_port) if web_port is not None else None
        try:
            await console.handle("/start")
            while True:
                line = await read_line()
                if line is None or not await console.handle(line):
                    break
        finally:
            if server is not None:
                await server.stop(grace_seconds=2)
    console.write("Bye.")


async def _start_console(console: Console, port: int) -> RunningServer | None:
    """The staff console on this machine only, with the sandbox's local sign-in."""
    app = web_app_for(console.application, console.core, sandbox=True)
    try:
        server = await serve(app, port=port, host="127.0.0.1")
    except OSError as exc:
        console.write(f"(staff console not started: port {port} is busy ({exc.strerror}))")
        return None
    console.write(
        f"Staff console: http://127.0.0.1:{server.port}/console (sign in as staff {STAFF_USER_ID})"
    )
    # The booking's "Choose a time on a calendar" opens the Mini App on this server.
    console.core.flow.screens.mini_app_url = f"http://127.0.0.1:{server.port}{MINI_APP_PATH}"
    return server


async def _stdin_line() -> str | None:
    try:
        return await asyncio.to_thread(input, "> ")
    except EOFError:
        return None


def run_console(database_url: str | None, *, reset: bool = False) -> int:
    """Chat with the bot in this terminal; no token, no network."""
    # Log lines would interleave with the chat; only problems are worth showing here.
    logging.getLogger().setLevel(logging.WARNING)
    if reset:
        try:
            print(reset_database(database_url or DEFAULT_DATABASE_URL), flush=True)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    clock = OffsetClock()
    core = sandbox_core(database_url, clock=clock, env=dict(os.environ))
    # Carry on where the last run moved the clock (the data was made in that future).
    clock.offset = load_clock_offset(core.db)
    if clock.offset:
        print(f"(clock kept from the last run: {when_long(clock.now(), core.profile.tz)})")
    console = Console(core, clock=clock, sms=True)
    raw_port = os.environ.get("SANDBOX_CONSOLE_PORT", "")
    port = int(raw_port) if raw_port.isdigit() else DEFAULT_CONSOLE_PORT
    try:
        asyncio.run(chat(console, _stdin_line, web_port=port))
    except KeyboardInterrupt:
        print("\nBye.", file=sys.stderr)
        return 130
    finally:
        core.db.dispose()
    return 0
