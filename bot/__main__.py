"""Command line: `python -m bot run | sandbox | migrate | slots`.

The top of the import layers: it picks what to start (the bot, or the sandbox when no token is
set) and hands it the settings; everything is built by the composition root, `bot/app.py`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date, datetime, timedelta

from bot.domain.errors import ClinicError, ConfigError
from bot.settings import Settings, load_settings


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-03-14") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Clinic booking bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the bot (the local sandbox when no token is set)")
    sandbox = commands.add_parser("sandbox", help="chat with the bot locally, no token, no network")
    sandbox.add_argument("--db", default="sqlite:///var/sandbox.db", help="database URL")
    sandbox.add_argument(
        "--reset", action="store_true", help="delete the sandbox's database first: start clean"
    )
    commands.add_parser("migrate", help="bring the database schema up to date")
    slots = commands.add_parser("slots", help="print free slots in clinic time")
    slots.add_argument("--service", required=True)
    slots.add_argument("--date", type=_parse_date, required=True)
    slots.add_argument("--days", type=int, default=1, help="how many days from --date")
    return parser


def load_settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def run() -> int:
    """Start the bot: the local sandbox when no token is set."""
    from bot.app import build_core
    from bot.db.engine import Database, DatabaseUnavailable
    from bot.db.migrate import SchemaMismatch
    from bot.db.runner import AlreadyRunning, guard_for
    from bot.logs import configure_logging
    from bot.runtime import run_telegram

    settings = load_settings_or_exit()
    configure_logging(settings.log_level)
    if settings.telegram_bot_token is None:
        print("No TELEGRAM_BOT_TOKEN set: starting the local sandbox instead.", flush=True)
        return run_sandbox(database_url=None)
    database = Database(settings.database_url)
    try:
        database.check()
        # SQLite and long polling take one process; PostgreSQL in webhook mode takes many.
        guard = guard_for(database, webhook=settings.public_base_url is not None)
    except (DatabaseUnavailable, AlreadyRunning) as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 2
    try:
        core = build_core(settings, db=database)
    except SchemaMismatch as exc:
        guard.release()
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 2
    try:
        code: int = run_telegram(core, guard=guard)
    finally:
        guard.release()
    return code


def migrate(settings: Settings) -> None:
    """Bring the database schema up to date (the release step)."""
    from bot.db.engine import Database
    from bot.db.migrate import upgrade

    database = Database(settings.database_url)
    database.check()
    upgrade(database)


def run_sandbox(*, database_url: str | None, reset: bool = False) -> int:
    """Chat with the real bot in this terminal against the built-in Telegram double."""
    from bot.sandbox.console import run_console

    code: int = run_console(database_url=database_url, reset=reset)
    return code


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return run()
        if args.command == "sandbox":
            return run_sandbox(database_url=args.db, reset=args.reset)
        if args.command == "migrate":
            migrate(load_settings_or_exit())
            print("database schema is up to date")
            return 0
        if args.command == "slots":
            return _print_slots(args.service, args.date, max(1, args.days))
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except ClinicError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2


def _print_slots(service: str, first: date, days: int) -> int:
    from bot.app import build_core

    core = build_core(load_settings_or_exit())
    if service not in core.profile.services:
        known = ", ".join(core.profile.services)
        print(f"error: unknown service {service!r}; choose one of: {known}", file=sys.stderr)
        return 1
    slots = core.booking.free_slots(
        service=service, first_day=first, last_day=first + timedelta(days=days - 1)
    )
    tz = core.profile.tz
    label = core.profile.service(service).label
    print(f"{label}: {len(slots)} free slot(s) in {core.profile.clinic.timezone}")
    if not slots:
        print(
            "(closed, fully booked, in the past, inside the minimum notice or beyond the horizon)"
        )
    current: date | None = None
    for slot in slots:
        local = slot.start.astimezone(tz)
        if local.date() != current:
            current = local.date()
            print(f"\n{current:%A %d %B %Y}")
        print(f"  {local:%H:%M} ({_utc_offset(local)})")
    return 0


def _utc_offset(moment: datetime) -> str:
    return moment.strftime("UTC%z")


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    raise SystemExit(main())
