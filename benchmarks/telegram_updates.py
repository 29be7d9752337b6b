"""Updates per second through the whole stack, against a bare PTB echo bot in the same run.

    python -m benchmarks.telegram_updates [--patients 200] [--echo 2000]

The booking step is a screening answer (`bk:sq:`): PTB parses the update, the handler calls the
booking flow, which reads the draft, checks its version and writes the next state to SQLite (a
file, WAL), then the reply is rendered (answerCallbackQuery + editMessageText). The echo bot
answers each text message with one sendMessage. Both talk to the in-process Telegram double, so
the network is not measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import select
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import build_application, build_core
from bot.db.models import BookingDraft, Patient
from bot.domain.callback_data import BookingStep, BookingVerb
from bot.domain.clock import FixedClock
from bot.domain.enums import Channel, DraftStep
from bot.sandbox.telegram_double import FakeBotApi
from bot.settings import parse_settings

NOW = datetime(2027, 3, 1, 13, 0, tzinfo=UTC)
FIRST_USER = 100_000
QUESTIONS = 9


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeat the text back."""
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


async def bare_echo_rate(count: int) -> float:
    double = FakeBotApi(clock=FixedClock(NOW))
    application = (
        ApplicationBuilder().token("123:ECHO").request(double).get_updates_request(double).build()
    )
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with application:
        updates = [
            double.make_update(user_id=FIRST_USER + n % 50, text=f"hello {n}") for n in range(count)
        ]
        return await _rate(application, updates)


def _seed(core: Any, patients: int) -> None:
    """Patients who consented and reached the first screening question."""
    data = {
        "nonce": "bench",
        "service": "consultation",
        "day": "2027-03-02",
        "start": "2027-03-02T13:30:00+00:00",
        "week": "2027-03-01",
        "name": "Bench Patient",
        "phone": "+12015550123",
        "sms": False,
    }
    with core.db.session() as session:
        for n in range(patients):
            user_id = FIRST_USER + n
            patient = Patient(
                created_at=NOW,
                telegram_user_id=user_id,
                telegram_chat_id=user_id,
                telegram_consent_at=NOW,
            )
            session.add(patient)
            session.flush()
            session.add(
                BookingDraft(
                    channel=Channel.TELEGRAM,
                    address=str(user_id),
                    patient_id=patient.id,
                    flow="book",
                    step=DraftStep.SCREENING.value,
                    data=json.dumps(data),
                    version=1,
                    updated_at=NOW,
                )
            )


async def booking_step_rate(patients: int, folder: Path) -> float:
    clock = FixedClock(NOW)
    settings = parse_settings({"DATABASE_URL": f"sqlite:///{folder / 'bench.db'}"})
    core = build_core(settings, clock=clock)
    _seed(core, patients)
    double = FakeBotApi(clock=clock)
    application = build_application(core, request=double, updates_request=double)
    async with application:
        prompts = {}
        for n in range(patients):
            user_id = FIRST_USER + n
            double.user(user_id, "Bench")
            sent = await application.bot.send_message(user_id, "Question 1 of 9")
            prompts[user_id] = sent.message_id
        updates = [
            double.make_update(
                user_id=user_id,
                callback_data=BookingStep(BookingVerb.SCREENING, question + 1, "n").pack(),
                message_id=prompts[user_id],
            )
            for question in range(QUESTIONS)
            for user_id in prompts
        ]
        rate = await _rate(application, updates)
    with core.db.session(write=False) as session:
        steps = {row.step for row in session.exec(select(BookingDraft)).all()}
    if steps != {DraftStep.MEDICINES.value}:
        raise SystemExit(f"benchmark did not run the steps it claims: drafts at {steps}")
    core.db.dispose()
    return rate


async def _rate(
    application: Application[Any, Any, Any, Any, Any, Any], updates: list[Any]
) -> float:
    bot = application.bot
    started = time.perf_counter()
    for raw in updates:
        await application.process_update(Update.de_json(raw, bot))
    return len(updates) / (time.perf_counter() - started)


async def measure(patients: int, echo_count: int, rounds: int) -> None:
    booking: list[float] = []
    bare: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for round_number in range(rounds):
            folder = Path(tmp) / str(round_number)
            folder.mkdir()
            bare.append(await bare_echo_rate(echo_count))
            booking.append(await booking_step_rate(patients, folder))
    booking_rate, bare_rate = statistics.median(booking), statistics.median(bare)
    print(f"booking step (screening answer), full stack + SQLite: {booking_rate:8.0f} updates/s")
    print(f"bare PTB echo handler:                              {bare_rate:8.0f} updates/s")
    print(f"ratio booking / echo:                               {booking_rate / bare_rate:8.2f}")
    print(f"(median of {rounds} rounds; {patients * QUESTIONS} booking updates, {echo_count} echo)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--echo", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv or [])
    asyncio.run(measure(args.patients, args.echo, args.rounds))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
