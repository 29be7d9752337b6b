"""The composition root: the only place that reads settings and wires adapters to services."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.domain.clock import Clock, SystemClock
from bot.domain.errors import ConfigError
from bot.profile import ClinicProfile, load_profile
from bot.services.booking import BookingService
from bot.settings import Settings, load_settings

log = logging.getLogger(__name__)


@dataclass
class Core:
    """Everything that is not Telegram-specific: settings, profile, database, services."""

    settings: Settings
    profile: ClinicProfile
    db: Database
    clock: Clock
    booking: BookingService


def load_settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def build_core(
    settings: Settings,
    *,
    clock: Clock | None = None,
    db: Database | None = None,
    migrate_db: bool = True,
) -> Core:
    """Validate the profile, open and migrate the database, and build the services."""
    profile = load_profile(settings.clinic_profile)
    database = db or Database(settings.database_url)
    database.check()
    if migrate_db:
        upgrade(database)
    the_clock = clock or SystemClock()
    booking = BookingService(db=database, profile=profile, clock=the_clock)
    return Core(settings=settings, profile=profile, db=database, clock=the_clock, booking=booking)


def migrate() -> None:
    settings = load_settings_or_exit()
    database = Database(settings.database_url)
    database.check()
    upgrade(database)


def run() -> int:
    """Start the bot: the local sandbox when no token is set."""
    settings = load_settings_or_exit()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.telegram_bot_token is None:
        print("No TELEGRAM_BOT_TOKEN set: starting the local sandbox instead.", flush=True)
        return run_sandbox(database_url=None)
    raise ConfigError("the Telegram runtime is not wired yet")


def run_sandbox(*, database_url: str | None) -> int:
    raise ConfigError("the sandbox is not wired yet")
