"""A patient's chat with the real Application over the Telegram double, for the journey tests."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import select

from bot.app import build_application, build_core
from bot.core import Core
from bot.db.engine import Database
from bot.db.models import Appointment, BookingDraft, Patient, ScreeningAnswer
from bot.domain.callback_data import answered_on_receipt
from bot.domain.clock import FixedClock
from bot.messaging.telegram_html import EntityParseError, parse_html, utf16_length
from bot.profile import default_profile_text
from bot.sandbox.telegram_double import FakeBotApi, FakeUser
from bot.sandbox.telegram_records import CAPTION_LIMIT, TEXT_LIMIT, MessageRecord
from bot.settings import parse_settings
from tests.conftest import SPECS, sqlite_database

SPEC_PATH = SPECS / "telegram-bot-api.json"
STAFF_CHAT = -1001000000001
STAFF_USER = 9001
ALICE = 4242
BOB = 4343


class RecordingDouble(FakeBotApi):
    """The double, also noting every rejected call and every button press it produced."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rejections: list[tuple[str, int, str]] = []
        self.pressed_queries: list[str] = []
        self.pressed_data: dict[str, object] = {}  # query id -> its callback data

    async def do_request(self, url: str, method: str, request_data: Any = None, **kwargs: Any):
        code, body = await super().do_request(url, method, request_data, **kwargs)
        if code != 200:
            self.rejections.append((url.rsplit("/", 1)[-1], code, body.decode("utf-8")))
        return code, body

    def make_update(self, **kwargs: Any) -> dict[str, Any]:
        update = super().make_update(**kwargs)
        if "callback_query" in update:
            query = update["callback_query"]
            self.pressed_queries.append(query["id"])
            self.pressed_data[query["id"]] = query.get("data")
        return update


def conformance_problems(double: RecordingDouble) -> list[str]:
    """Everything about the bot's calls that Telegram would reject or that breaks our rules."""
    problems = list(double.spec_violations)
    problems += [
        f"{method} rejected with {code}: {body}" for method, code, body in double.rejections
    ]
    for call in double.calls:
        params = call.params
        for key, limit in (("text", TEXT_LIMIT), ("caption", CAPTION_LIMIT)):
            value = params.get(key)
            if not isinstance(value, str):
                continue
            if str(params.get("parse_mode", "")).upper() == "HTML":
                try:
                    value = parse_html(value).text
                except EntityParseError as exc:
                    problems.append(f"{call.method}.{key}: HTML Telegram refuses: {exc}")
                    continue
            if utf16_length(value) > limit:
                problems.append(f"{call.method}.{key}: {utf16_length(value)} > {limit} characters")
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in (markup or {}).get("inline_keyboard", []) if isinstance(markup, dict) else []:
            for button in row:
                data = button.get("callback_data")
                if data is not None and len(str(data).encode("utf-8")) > 64:
                    problems.append(f"{call.method}: callback_data {data!r} > 64 bytes")
    answered = [answer.query_id for answer in double.callback_answers]
    for query_id in double.pressed_queries:
        if answered.count(query_id) != 1:
            problems.append(f"callback query {query_id} answered {answered.count(query_id)} times")
    # In webhook mode these presses are answered on receipt, with no text (bot/updates.py): a
    # toast or an alert for one would never be seen.
    for answer in double.callback_answers:
        data = double.pressed_data.get(answer.query_id)
        if (answer.text or answer.show_alert) and answered_on_receipt(data):
            problems.append(f"press {data!r} answered with a toast: {answer.text!r}")
    return problems


@dataclass
class Journey:
    core: Core
    double: RecordingDouble
    application: Any
    clock: FixedClock
    errors: list[BaseException]

    def patient(self, user_id: int, first_name: str = "Alice", **kwargs: Any) -> FakeUser:
        return self.double.user(user_id, first_name, **kwargs)

    def bot_messages(self, user_id: int) -> list[MessageRecord]:
        return [m for m in self.double.chat_log(user_id) if m.from_bot and not m.deleted]

    def appointments(self) -> list[Appointment]:
        with self.core.db.session(write=False) as session:
            return list(session.exec(select(Appointment).order_by(Appointment.id)).all())

    def patients(self) -> list[Patient]:
        with self.core.db.session(write=False) as session:
            return list(session.exec(select(Patient).order_by(Patient.id)).all())

    def screening(self) -> dict[str, str]:
        with self.core.db.session(write=False) as session:
            rows = session.exec(select(ScreeningAnswer)).all()
            return {row.code: row.answer for row in rows}

    def draft(self, user_id: int) -> BookingDraft | None:
        with self.core.db.session(write=False) as session:
            return session.exec(
                select(BookingDraft).where(BookingDraft.address == str(user_id))
            ).one_or_none()

    async def dispatch(self) -> None:
        """Send what the outbox holds now (staff notices), as the job would."""
        await self.core.dispatcher.run_due()


def journey_core(
    database: Database, clock: FixedClock, *, profile_path: Path | None = None
) -> Core:
    settings = parse_settings(
        {
            "DATABASE_URL": database.url,
            "STAFF_CHAT_ID": str(STAFF_CHAT),
            "STAFF_USER_IDS": str(STAFF_USER),
            "CLINIC_PROFILE": str(profile_path) if profile_path else None,
        }
    )
    return build_core(settings, clock=clock, db=database, migrate_db=False)


def new_database(path: Path) -> Database:
    return sqlite_database(path)


@contextlib.asynccontextmanager
async def open_journey(
    database: Database,
    clock: FixedClock,
    *,
    check: bool = True,
    profile_path: Path | None = None,
    configure: Callable[[Core], None] | None = None,
) -> AsyncIterator[Journey]:
    """A running Application (updates processed as they are sent) over `database`.

    On leaving, every Bot API call made is checked: nothing rejected, nothing Telegram would
    refuse, every button press answered once, and no update reached the error handler.
    """
    double = RecordingDouble(spec_path=SPEC_PATH if SPEC_PATH.exists() else None, clock=clock)
    double.group(STAFF_CHAT, title="Front desk")
    core = journey_core(database, clock, profile_path=profile_path)
    if configure is not None:
        configure(core)  # before the Application is built
    application = build_application(core, request=double, updates_request=double)
    errors: list[BaseException] = []

    async def record_error(_update: object, context: Any) -> None:
        errors.append(context.error)

    application.add_error_handler(record_error)
    async with application:
        double.attach(application)
        journey = Journey(
            core=core, double=double, application=application, clock=clock, errors=errors
        )
        yield journey
        double.detach()
    if check:
        problems = conformance_problems(double)
        assert problems == [], "\n".join(problems)
        assert errors == []


async def start_and_consent(user: FakeUser) -> None:
    await user.send_command("/start")
    await user.press("Yes, message me here")


async def answer_screening(user: FakeUser, answers: list[str] | None = None) -> None:
    """Answer S1-S9 (default all No), medicines, pain 6 and 5, driver Yes."""
    for answer in answers or ["No"] * 9:
        await user.press(answer)
    await user.send_text("Gabapentin 300 mg twice a day")
    await user.press("6")
    await user.press("5")
    await user.press("Yes")


async def choose_first_time(user: FakeUser) -> None:
    """From the menu to the name question: a consultation at the first free day and time."""
    await user.press("📅 Book a consultation")
    await press_first_day(user)
    await press_first_time(user)


async def to_phone_question(user: FakeUser, *, name: str = "Alice Smith") -> None:
    """From the menu to the phone question: the first free day and time, then `name`."""
    await choose_first_time(user)
    await user.send_text(name)


async def book_consultation(user: FakeUser, *, name: str = "Alice Smith") -> None:
    """From the menu to the summary, taking the first free day and time."""
    await to_phone_question(user, name=name)
    # Shared from the person's own account: Telegram vouches for it (a typed one needs a code).
    await user.share_contact("+12015550123")
    await answer_screening(user)
    await user.press("Yes, text me too")


def first_button_with(user: FakeUser, prefix: str) -> str:
    message = user.last_message()
    assert message is not None
    for row in message.buttons:
        for _label, data in row:
            if data and data.startswith(prefix):
                return data
    raise AssertionError(f"no {prefix} button in {message.button_labels}")


async def press_first_day(user: FakeUser) -> None:
    await user.press(first_button_with(user, "bk:dy:"))


async def press_first_time(user: FakeUser) -> None:
    await user.press(first_button_with(user, "bk:tm:"))


def profile_file(tmp_path: Path, *, replace: dict[str, str]) -> Path:
    """The default clinic profile with some lines changed, as a file CLINIC_PROFILE can name."""
    text = default_profile_text()
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "clinic_profile.toml"
    path.write_text(text, encoding="utf-8")
    return path
