"""The composition root: the only place that reads settings and wires adapters to services."""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TextIO

from telegram import Bot
from telegram.error import NetworkError

from bot.db.engine import Database, DatabaseUnavailable
from bot.db.migrate import SchemaMismatch, check_revision, upgrade
from bot.db.runner import AlreadyRunning, guard_for
from bot.domain.checkin_parsing import parse_checkin_catalog
from bot.domain.clock import Clock, SystemClock
from bot.domain.enums import OutboxKind
from bot.domain.errors import ConfigError
from bot.domain.language import DEFAULT_LANGUAGE, Language
from bot.messaging.pacing import Pacing
from bot.messaging.sms import TwilioSmsSender
from bot.messaging.telegram import PtbTelegramSender
from bot.messaging.telegram_html import parse_html
from bot.messaging.voice import TwilioVoiceCaller
from bot.profile import ClinicProfile, load_profile
from bot.scheduling.jobs import OutboxTicker
from bot.services import (
    calendar_files,
    phone_claims,
    preparation,
    reminder_messages,
    sms_recovery,
    staff_notices,
    staff_patient_messages,
)
from bot.services.aftercare import AftercareService
from bot.services.booking import BookingService
from bot.services.checkin_questions import check_sms_texts as check_checkin_sms_texts
from bot.services.checkins import CheckinService
from bot.services.crisis import CrisisService, build_matcher, check_crisis_sms_texts
from bot.services.dispatch import Dispatcher
from bot.services.dispatch_routes import Channels
from bot.services.escalation import EscalationService
from bot.services.planner import OutboxPlanner
from bot.services.privacy import PrivacyChat, PrivacyService
from bot.services.rate_limits import SharedPacer
from bot.services.rendering import Renderer
from bot.services.routing import permanent_failure_hook
from bot.services.sms_inbound import SmsInbound, check_sms_texts
from bot.services.sms_screening import SmsScreening
from bot.services.staff_auth import StaffDirectory
from bot.services.staff_chat import StaffChat
from bot.services.waitlist import WaitlistService
from bot.services.waitlist_messages import check_waitlist_sms_texts
from bot.settings import Settings, load_settings
from bot.texts import Texts
from bot.texts.i18n import use_language

log = logging.getLogger(__name__)
RUNNER_KEY = "runner_guard"


@dataclass
class Core:
    """Everything that is not Telegram-specific: settings, profile, database, services."""

    settings: Settings
    profile: ClinicProfile
    db: Database
    clock: Clock
    texts: Texts
    booking: BookingService
    staff: StaffDirectory
    aftercare: AftercareService
    checkins: CheckinService
    escalation: EscalationService
    crisis: CrisisService
    privacy: PrivacyService
    privacy_chat: PrivacyChat
    channels: Channels
    renderers: dict[OutboxKind, Renderer]
    # Adapters wired later by the runtime (dispatcher, ticker...), by name.
    extras: dict[str, Any] = field(default_factory=dict)

    def attach_telegram(self, bot: Bot, *, pacer: Pacing | None = None) -> OutboxTicker:
        """Wire the Telegram bot into the channels and build the outbox dispatcher and ticker.

        `pacer`: by default Telegram's limits, kept in the database for all replicas (real time,
        whatever the business clock says).
        """
        self.channels.telegram = PtbTelegramSender(
            bot, pacer=pacer or SharedPacer(db=self.db, clock=SystemClock())
        )
        dispatcher = Dispatcher(
            db=self.db,
            profile=self.profile,
            texts=self.texts,
            clock=self.clock,
            channels=self.channels,
            renderers=self.renderers,
            on_permanent_failure=permanent_failure_hook(self.texts),
        )
        self.escalation.use_dispatcher(dispatcher)
        ticker = OutboxTicker(dispatcher=dispatcher, db=self.db, clock=self.clock)
        self.extras["dispatcher"] = dispatcher
        self.extras["ticker"] = ticker
        return ticker

    def kick_outbox(self) -> None:
        """Dispatch soon: something due now was just queued."""
        ticker = self.extras.get("ticker")
        if ticker is not None:
            ticker.kick()


def load_settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def check_every_sms_text(texts: Texts, profile: ClinicProfile) -> None:
    """Refuse to start when any patient SMS, in any language, breaks the SMS policy."""
    for language in Language:
        with use_language(language):
            try:
                check_checkin_sms_texts(texts, profile)
                check_crisis_sms_texts(texts, profile)
                check_sms_texts(texts, profile)
                check_waitlist_sms_texts(texts, profile)
                reminder_messages.check_reminder_sms_texts(texts, profile)
                phone_claims.check_code_sms_text(texts, profile)
            except ConfigError as exc:
                if language is DEFAULT_LANGUAGE:
                    raise
                raise ConfigError(f"{exc} (in the {language.value} catalogue)") from None


def build_core(
    settings: Settings,
    *,
    clock: Clock | None = None,
    db: Database | None = None,
    migrate_db: bool = True,
) -> Core:
    """Validate the profile, open and migrate the database, and build the services."""
    profile = load_profile(settings.clinic_profile)
    texts = Texts(profile.texts)
    texts.check_html(parse_html)
    catalog = parse_checkin_catalog(profile.model_dump())
    check_every_sms_text(texts, profile)
    database = db or Database(settings.database_url)
    database.check()
    if migrate_db:
        if database.is_sqlite:
            upgrade(database)  # one process owns a SQLite file: it migrates as it starts
        else:
            # Replicas never migrate: the release step did, once. A replica of another release
            # refuses here instead of running against a schema it was not built for.
            check_revision(database)
    the_clock = clock or SystemClock()
    # --- services (add new ones here) ---
    planner = OutboxPlanner(profile=profile)
    booking = BookingService(db=database, profile=profile, clock=the_clock, observers=[planner])
    renderers: dict[OutboxKind, Renderer] = {}
    for module in (
        reminder_messages,
        staff_notices,
        staff_patient_messages,
        sms_recovery,
        phone_claims,
        calendar_files,
        preparation,
    ):
        renderers.update(module.RENDERERS)
    escalation = EscalationService(
        db=database,
        profile=profile,
        clock=the_clock,
        texts=texts,
        catalog=catalog,
        call_after_pages=settings.oncall_call_after_pages,
    )
    checkins = CheckinService(
        db=database,
        profile=profile,
        clock=the_clock,
        catalog=catalog,
        texts=texts,
        escalation=escalation,
    )
    aftercare = AftercareService(
        db=database, profile=profile, clock=the_clock, catalog=catalog, texts=texts
    )
    crisis = CrisisService(
        db=database,
        profile=profile,
        clock=the_clock,
        texts=texts,
        escalation=escalation,
        matcher=build_matcher(profile, texts),
    )
    renderers.update(checkins.renderers)
    renderers.update(aftercare.renderers)
    renderers.update(escalation.renderers)
    renderers.update(crisis.renderers)
    waitlist = WaitlistService(
        db=database, profile=profile, clock=the_clock, texts=texts, booking=booking
    )
    renderers.update(waitlist.renderers)
    sms_inbound = SmsInbound(
        db=database,
        profile=profile,
        texts=texts,
        booking=booking,
        checkin_answer=checkins.answer_sms,
        acknowledge=escalation.acknowledge_sms,
        crisis=crisis,
        waitlist=waitlist,
        screening=SmsScreening(profile=profile, texts=texts),
    )
    privacy = PrivacyService(db=database, profile=profile, clock=the_clock, texts=texts)
    return Core(
        settings=settings,
        profile=profile,
        db=database,
        clock=the_clock,
        texts=texts,
        booking=booking,
        staff=StaffDirectory(
            db=database,
            staff_user_ids=settings.staff_user_ids,
            staff_chat_id=settings.staff_chat_id,
            staff_chat=StaffChat(db=database, configured_id=settings.staff_chat_id),
        ),
        aftercare=aftercare,
        checkins=checkins,
        escalation=escalation,
        crisis=crisis,
        privacy=privacy,
        privacy_chat=PrivacyChat(service=privacy, texts=texts, profile=profile),
        channels=build_channels(
            settings,
            db=database,
            texts=texts,
            sms_rate=partial(
                SharedPacer(db=database, clock=SystemClock()).wait_sms,
                per_second=profile.sending.sms_per_second,
            ),
        ),
        renderers=renderers,
        extras={"sms_inbound": sms_inbound, "waitlist": waitlist},
    )


def build_channels(
    settings: Settings,
    *,
    db: Database | None = None,
    texts: Texts | None = None,
    sms_rate: Callable[[str], Awaitable[None]] | None = None,
) -> Channels:
    """SMS, voice and the staff/on-call addresses; Telegram is added when the bot exists."""
    sms = None
    voice = None
    twilio = settings.twilio
    if (
        twilio is not None
        and twilio.caller_id is not None
        and settings.public_base_url is not None
        and settings.oncall_phone is not None
    ):
        voice = TwilioVoiceCaller(
            account_sid=twilio.account_sid,
            auth_token=twilio.auth_token,
            from_number=twilio.caller_id,
            public_base_url=settings.public_base_url,
            prompt=(texts or Texts()).plain("voice_press_1", escalation_id="{escalation_id}"),
            base_url=twilio.base_url,
        )
    if settings.twilio is not None:
        sms = TwilioSmsSender(
            account_sid=settings.twilio.account_sid,
            auth_token=settings.twilio.auth_token,
            from_number=settings.twilio.from_number,
            messaging_service_sid=settings.twilio.messaging_service_sid,
            base_url=settings.twilio.base_url,
            status_callback=(
                f"{settings.public_base_url}/twilio/status" if settings.public_base_url else None
            ),
            rate_wait=sms_rate,
        )
    return Channels(
        sms=sms,
        staff_chat_id=settings.staff_chat_id,
        oncall_phone=settings.oncall_phone,
        backup_phone=settings.oncall_backup_phone,
        voice=voice,
        staff_chat=(
            StaffChat(db=db, configured_id=settings.staff_chat_id) if db is not None else None
        ),
    )


def migrate() -> None:
    settings = load_settings_or_exit()
    database = Database(settings.database_url)
    database.check()
    upgrade(database)


class _NoNetworkTracebacks(logging.Filter):
    """A network outage is one line in the log, not a 40-line traceback per retry."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], NetworkError):
            record.msg = f"{record.getMessage()} ({record.exc_info[1]})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


# Libraries that log request and response bodies, SQL or URLs with the token below WARNING:
# message texts, names and phone numbers would reach the log. They are capped at WARNING.
CAPPED_LOGGERS = (
    "telegram",
    "httpx",
    "httpcore",
    "hpack",
    "twilio",
    "urllib3",
    "sqlalchemy",
    "alembic",
    "multipart",
    "python_multipart",
    "apscheduler",
    "asyncio",
    "uvicorn.access",
)
OUR_LOGGERS = ("bot", "handlers", "benchmarks", "__main__")


class _OnlyOursBelowWarning(logging.Filter):
    """Below WARNING only the project's own loggers, which never log bodies, names or numbers.

    A safety net for libraries not in CAPPED_LOGGERS: LOG_LEVEL=DEBUG shows our detail, not a
    vendor's dump of a request.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return record.name.split(".", 1)[0] in OUR_LOGGERS


def configure_logging(level: str, *, stream: TextIO | None = None) -> None:
    """Log at LOG_LEVEL to stderr (or `stream`), replacing whatever was configured before."""
    # force: `python -m bot` configured WARNING for the CLI before the settings were read.
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=stream,
        force=True,
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(_NoNetworkTracebacks())
        handler.addFilter(_OnlyOursBelowWarning())
    for name in CAPPED_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def run() -> int:
    """Start the bot: the local sandbox when no token is set."""
    settings = load_settings_or_exit()
    configure_logging(settings.log_level)
    if settings.telegram_bot_token is None:
        print("No TELEGRAM_BOT_TOKEN set: starting the local sandbox instead.", flush=True)
        return run_sandbox(database_url=None)
    from bot.runtime import run_telegram

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
    core.extras[RUNNER_KEY] = guard
    try:
        code: int = run_telegram(core)
    finally:
        guard.release()
    return code


def run_sandbox(*, database_url: str | None, reset: bool = False) -> int:
    """Chat with the real bot in this terminal against the built-in Telegram double."""
    from bot.sandbox.console import run_console

    code: int = run_console(database_url=database_url, reset=reset)
    return code
