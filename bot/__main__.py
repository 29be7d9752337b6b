"""Command line: `python -m bot run | sandbox | migrate | slots`."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date, datetime, timedelta

from bot.domain.errors import ClinicError, ConfigError


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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bot import app

    try:
        if args.command == "run":
            return app.run()
        if args.command == "sandbox":
            return app.run_sandbox(database_url=args.db, reset=args.reset)
        if args.command == "migrate":
            app.migrate()
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
    from bot import app

    core = app.build_core(app.load_settings_or_exit())
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
