"""What the composition root (`bot/app.py`) builds: every service and adapter, once, typed.

A plain record: nothing here builds anything. Handlers and the web routes receive it (or, in
`handlers/`, a Protocol naming just the fields they use); nothing below this layer imports it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.engine import Database
from bot.domain.clock import Clock
from bot.domain.enums import OutboxKind
from bot.profile import ClinicProfile
from bot.scheduling.jobs import OutboxTicker
from bot.services.aftercare import AftercareService
from bot.services.booking import BookingService
from bot.services.booking_flow import BookingFlow
from bot.services.checkins import CheckinService
from bot.services.confirmations import ConfirmationService
from bot.services.console_reads import ConsoleReads
from bot.services.crisis import CrisisService
from bot.services.delivery_status import DeliveryStatusService
from bot.services.dispatch import Dispatcher
from bot.services.dispatch_routes import Channels
from bot.services.escalation import EscalationService
from bot.services.privacy import PrivacyChat, PrivacyService
from bot.services.rendering import Renderer
from bot.services.retention import RetentionService
from bot.services.routing import TelegramMembership
from bot.services.screening_requests import ScreeningRequests
from bot.services.sms_inbound import SmsInbound
from bot.services.staff_auth import StaffDirectory
from bot.services.staff_ops import StaffOps
from bot.services.waitlist import WaitlistService
from bot.services.waitlist_chat import WaitlistChat
from bot.settings import Settings
from bot.texts import Texts


@dataclass
class Core:
    """Settings, profile, database, every service, the outbox dispatcher and its ticker.

    Built by `bot.app.build_core`; the Telegram bot is connected to it by
    `bot.app.build_application` (which fills `channels.telegram` and attaches the ticker to the
    Application's job queue). Fields are not replaced after building, except by tests.
    """

    settings: Settings
    profile: ClinicProfile
    db: Database
    clock: Clock
    texts: Texts
    channels: Channels
    renderers: dict[OutboxKind, Renderer]
    # --- services ---
    booking: BookingService
    flow: BookingFlow
    staff: StaffDirectory
    staff_ops: StaffOps
    screening: ScreeningRequests
    confirmations: ConfirmationService
    aftercare: AftercareService
    checkins: CheckinService
    escalation: EscalationService
    crisis: CrisisService
    privacy: PrivacyService
    privacy_chat: PrivacyChat
    retention: RetentionService
    membership: TelegramMembership
    waitlist: WaitlistService
    waitlist_chat: WaitlistChat
    sms_inbound: SmsInbound
    delivery_status: DeliveryStatusService
    console_reads: ConsoleReads
    # --- the outbox ---
    dispatcher: Dispatcher
    ticker: OutboxTicker
    # The key the Mini App's launches are signed with when not the bot token (the sandbox's).
    mini_app_token: str | None = None

    def kick_outbox(self) -> None:
        """Dispatch soon: something due now was just queued (a no-op before the bot runs)."""
        self.ticker.kick()
