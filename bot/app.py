"""The composition root: the one place that builds services and adapters and wires them.

`build_core`: every service, the outbox dispatcher and its ticker, once, into `bot.core.Core`.
`build_application`: the Telegram Application, connected to them (sender, handlers, jobs).
`web_app_for`: the HTTP routes over the same core. `bot/runtime.py` runs what is built here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any

from starlette.types import ASGIApp
from telegram import Bot, Update
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest

import handlers
from bot.channel_setup import build_channels, check_every_sms_text
from bot.core import Core
from bot.db.engine import Database
from bot.db.migrate import check_revision, upgrade
from bot.domain.checkin_parsing import parse_checkin_catalog
from bot.domain.clock import Clock, SystemClock
from bot.domain.enums import OutboxKind
from bot.domain.errors import ConfigError
from bot.domain.language import DEFAULT_LANGUAGE, Language
from bot.group_commit import GroupCommit
from bot.messaging.pacing import NoPacing, Pacing
from bot.messaging.telegram import PtbTelegramSender
from bot.messaging.telegram_html import parse_html
from bot.messaging.telegram_http import AiohttpRequest
from bot.messaging.telegram_limits import SharedReplyLimiter
from bot.presentation.chat_replies import Reply
from bot.profile import load_profile
from bot.scheduling.jobs import OutboxTicker, register_inbox_recovery, register_jobs
from bot.services import (
    calendar_files,
    patient_notices,
    phone_claims,
    preparation,
    reminder_messages,
    sms_recovery,
    staff_notices,
)
from bot.services.aftercare import AftercareService
from bot.services.booking import BookingService
from bot.services.booking_flow import BookingFlow
from bot.services.checkins import CheckinService
from bot.services.confirmations import ConfirmationService
from bot.services.console_reads import ConsoleReads
from bot.services.crisis import CrisisService, build_matcher
from bot.services.delivery_status import DeliveryStatusService
from bot.services.dispatch import Dispatcher
from bot.services.drafts import DraftRecorder
from bot.services.escalation import EscalationService
from bot.services.patients import telegram_languages
from bot.services.planner import OutboxPlanner
from bot.services.privacy import PrivacyChat, PrivacyService
from bot.services.rate_limits import SharedPacer
from bot.services.rendering import Renderer
from bot.services.retention import RetentionService
from bot.services.routing import TelegramMembership, permanent_failure_hook
from bot.services.screening_requests import ScreeningRequests
from bot.services.sms_inbound import SmsInbound
from bot.services.sms_screening import SmsScreening
from bot.services.staff_auth import StaffDirectory
from bot.services.staff_chat import StaffChat
from bot.services.staff_ops import StaffOps
from bot.services.waitlist import WaitlistService
from bot.services.waitlist_chat import WaitlistChat
from bot.settings import Settings
from bot.texts import Texts
from bot.updates import (
    ChatOrderedProcessor,
    InboxQueue,
    PatientLanguageApplication,
    answer_on_receipt,
)
from bot.web.app import create_web_app
from bot.web.console.base import ConsoleConfig
from bot.web.miniapp import MiniAppConfig
from handlers import errors
from handlers.common import deliver as send_reply

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
# Used only when a local double answers instead of Telegram (tests, the sandbox).
OFFLINE_TOKEN = "123456789:offline-sandbox-token-not-for-telegram"


def build_core(
    settings: Settings,
    *,
    clock: Clock | None = None,
    db: Database | None = None,
    migrate_db: bool = True,
) -> Core:
    """Validate the profile, open and migrate the database, and build every service once."""
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
    # --- services (add new ones here, and a field for each in bot/core.py) ---
    # Observers run in each booking's transaction in order: the draft before the staff notices.
    booking = BookingService(
        db=database,
        profile=profile,
        clock=the_clock,
        observers=[DraftRecorder(), OutboxPlanner(profile=profile)],
    )
    # The renderer registry: the modules' renderers now, each service's as it is built below.
    # The dispatcher reads it as it sends, so it is built first and the services that send at
    # once (escalation pages) take it in their constructor.
    renderers: dict[OutboxKind, Renderer] = {}
    for module in (
        reminder_messages,
        staff_notices,
        patient_notices,
        sms_recovery,
        phone_claims,
        calendar_files,
        preparation,
    ):
        renderers.update(module.RENDERERS)
    channels = build_channels(
        settings,
        db=database,
        texts=texts,
        sms_rate=partial(
            SharedPacer(db=database, clock=SystemClock()).wait_sms,
            per_second=profile.sending.sms_per_second,
        ),
    )
    # The Telegram sender joins `channels` when the bot exists (connect_telegram).
    dispatcher = Dispatcher(
        db=database,
        profile=profile,
        texts=texts,
        clock=the_clock,
        channels=channels,
        renderers=renderers,
        on_permanent_failure=permanent_failure_hook(texts),
    )
    escalation = EscalationService(
        db=database,
        profile=profile,
        clock=the_clock,
        texts=texts,
        catalog=catalog,
        dispatcher=dispatcher,
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
    booking.observers.append(waitlist)
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
    flow = BookingFlow(
        db=database,
        profile=profile,
        clock=the_clock,
        texts=texts,
        booking=booking,
        sms_available=lambda: channels.sms is not None,
        mini_app_url=settings.mini_app_url,
    )
    staff_ops = StaffOps(
        db=database, profile=profile, clock=the_clock, booking=booking, texts=texts
    )
    return Core(
        settings=settings,
        profile=profile,
        db=database,
        clock=the_clock,
        texts=texts,
        channels=channels,
        renderers=renderers,
        booking=booking,
        flow=flow,
        staff=StaffDirectory(
            db=database,
            staff_user_ids=settings.staff_user_ids,
            staff_chat_id=settings.staff_chat_id,
            staff_chat=StaffChat(db=database, configured_id=settings.staff_chat_id),
        ),
        staff_ops=staff_ops,
        screening=ScreeningRequests(db=database, clock=the_clock, profile=profile),
        confirmations=ConfirmationService(db=database, clock=the_clock),
        aftercare=aftercare,
        checkins=checkins,
        escalation=escalation,
        crisis=crisis,
        privacy=privacy,
        privacy_chat=PrivacyChat(service=privacy, texts=texts, profile=profile),
        retention=RetentionService(
            db=database, periods=profile.retention, clock=the_clock, privacy=privacy
        ),
        membership=TelegramMembership(db=database, texts=texts, clock=the_clock),
        waitlist=waitlist,
        waitlist_chat=WaitlistChat(
            waitlist=waitlist, screens=flow.screens, intake=flow.begin_from_offer
        ),
        sms_inbound=sms_inbound,
        delivery_status=DeliveryStatusService(db=database, texts=texts),
        console_reads=ConsoleReads(db=database, texts=texts, catalog=staff_ops.outcomes.catalog),
        dispatcher=dispatcher,
        ticker=OutboxTicker(dispatcher=dispatcher, db=database, clock=the_clock),
    )


# --- the Telegram side -------------------------------------------------------------------------


def connect_telegram(core: Core, bot: Bot, *, pacer: Pacing | None = None) -> None:
    """Send through this bot: the Telegram channel of the outbox (pages included).

    `pacer`: by default Telegram's limits, kept in the database for all replicas (real time,
    whatever the business clock says).
    """
    core.channels.telegram = PtbTelegramSender(
        bot, pacer=pacer or SharedPacer(db=core.db, clock=SystemClock())
    )


def build_application(
    core: Core,
    *,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    pacer: Pacing | None = None,
) -> AnyApplication:
    """The real Application: handlers, the global error handler, commands and the jobs.

    `request`: a local Bot API double instead of Telegram (tests, the sandbox, benchmarks); it
    has no limits to keep to, so nothing is paced unless `pacer` says otherwise.
    """
    token = core.settings.telegram_bot_token
    if token is None:
        if request is None:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN: missing. Fix: set the token BotFather gave you, or run "
                "`python -m bot sandbox` to try the bot locally."
            )
        token = OFFLINE_TOKEN
    if request is not None and pacer is None:
        pacer = NoPacing()
    base_url = core.settings.telegram_base_url
    queue = InboxQueue(db=core.db, clock=core.clock)

    async def post_init(application: AnyApplication) -> None:
        await handlers.set_commands(application, core.texts)

    async def post_stop(_application: AnyApplication) -> None:
        await wait_for_pages(core)

    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .update_queue(queue)
        .application_class(PatientLanguageApplication)
        .concurrent_updates(ChatOrderedProcessor(on_processed=queue.processed))
        .post_init(post_init)
        .post_stop(post_stop)
    )
    if base_url.endswith("/bot"):
        # A self-hosted Bot API server serves files beside its methods: <root>/file/bot<token>.
        builder = builder.base_file_url(base_url.removesuffix("bot") + "file/bot")
    if core.settings.telegram_bot_token is not None and request is None:
        # Handlers' direct replies stay inside Telegram's limits, shared by every replica (not
        # with a local Bot API double handed in: it has no limits, as for the outbox above).
        limiter = SharedReplyLimiter(SharedPacer(db=core.db, clock=SystemClock()))
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]  # (RLARGS: str)
    # PTB's request on aiohttp: httpx's layers were the bot's largest CPU cost (telegram_http.py).
    builder = builder.request(request if request is not None else AiohttpRequest())
    if updates_request is not None:
        builder = builder.get_updates_request(updates_request)
    application: AnyApplication = builder.build()
    if isinstance(application, PatientLanguageApplication):
        application.language_of = _language_of(core)
    queue.bot = application.bot
    handlers.register_all(application, core)
    application.add_error_handler(errors.error_handler(core))
    connect_telegram(core, application.bot, pacer=pacer)
    register_jobs(application, core.ticker)
    register_inbox_recovery(
        application,
        queue,
        db=core.db,
        clock=core.clock,
        sms_inbound=core.sms_inbound if core.settings.twilio is not None else None,
        kick_outbox=core.kick_outbox,
    )
    return application


def inbox_of(application: AnyApplication) -> InboxQueue:
    """The inbox queue `build_application` gave the Application as its update queue."""
    queue = application.update_queue
    if not isinstance(queue, InboxQueue):
        raise RuntimeError("build the Application with bot.app.build_application")
    return queue


def _language_of(core: Core) -> Callable[[object], Coroutine[Any, Any, Language]]:
    """The language to answer an update's sender in: a patient's choice, else their Telegram
    app's language; staff and group chats read the clinic's language."""

    # Updates whose turn comes together share one read (and one thread trip). A chat's next
    # update asks only once its previous one is done, so it sees a language just chosen.
    reads: GroupCommit[tuple[int, str | None], dict[tuple[int, str | None], Language]]
    reads = GroupCommit(partial(telegram_languages, core.db))

    async def language_of(update: object) -> Language:
        if not isinstance(update, Update):
            return DEFAULT_LANGUAGE
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or chat.type != "private":
            return DEFAULT_LANGUAGE
        if user.id in core.settings.staff_user_ids:
            return DEFAULT_LANGUAGE
        asked = (user.id, user.language_code)
        return (await reads.submit(asked))[asked]

    return language_of


async def wait_for_pages(core: Core) -> None:
    """At shutdown: a page handed to the background goes out now, not after its claim lease."""
    try:
        async with asyncio.timeout(10):
            await core.escalation.wait_for_pages()
    except TimeoutError:
        log.warning("stopping with pages still being sent; the next start resends them")


# --- the HTTP side -----------------------------------------------------------------------------


def web_app_for(application: AnyApplication, core: Core, *, sandbox: bool = False) -> ASGIApp:
    """The HTTP routes (Twilio, health, the staff console, and Telegram's webhook in webhook
    mode). `sandbox`: the console offers its local sign-in (only ever without a bot token)."""
    hook = None
    if core.settings.public_base_url and core.settings.telegram_webhook_secret:
        queue = inbox_of(application)

        async def hook(data: dict[str, Any]) -> dict[str, str] | None:
            # Committed before /telegram answers 200; a redelivered update is dropped here (its
            # press is answered again: Telegram may not have had the first response).
            answer = answer_on_receipt(data)
            await queue.accept(data, answered=answer is not None)
            return answer

    staff_chat = core.settings.staff_chat_id

    async def staff_chat_reachable() -> bool:
        if staff_chat is None:
            return False
        await application.bot.get_chat(staff_chat)
        return True

    def bot_username() -> str | None:
        try:
            name: str = application.bot.username
            return name
        except RuntimeError:  # not initialized yet (get_me not answered)
            return None

    return create_web_app(
        core=core,
        inbound=core.sms_inbound,
        telegram_webhook=hook,
        staff_chat_check=staff_chat_reachable,
        console=ConsoleConfig(
            bot_token=core.settings.telegram_bot_token, bot_username=bot_username, sandbox=sandbox
        ),
        miniapp=mini_app_for(application, core, sandbox=sandbox),
    )


def mini_app_for(
    application: AnyApplication, core: Core, *, sandbox: bool = False
) -> MiniAppConfig | None:
    """The Mini App's routes, where its button is shown (MINI_APP_URL), and in the sandbox
    (which points the button at its own server once it listens)."""
    token = core.mini_app_token or core.settings.telegram_bot_token
    if token is None:
        return None
    if core.flow.screens.mini_app_url is None and not sandbox:
        return None

    async def deliver(chat_id: int, reply: Reply) -> None:
        await send_reply(application.bot, chat_id, reply)
        if reply.changed:
            core.kick_outbox()

    return MiniAppConfig(bot_token=token, flow=core.flow, deliver=deliver)
