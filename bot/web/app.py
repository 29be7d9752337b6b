"""HTTP: the app's assembly, Twilio's and Telegram's webhooks, health, readiness, metrics, and the
staff console and Mini App when configured, over one core.

The routes live by topic: `twilio_routes.py` (/twilio/sms, /twilio/status, the voice gather),
`telegram_route.py` (/telegram), `health.py` (/healthz, /readyz, /metrics), sharing the database
workers and the outbox kick of `plumbing.py`; `server.py` runs the app in the bot's event loop
(`serve`, `RunningServer`, re-exported here for the runtime).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from bot.messaging.voice import GATHER_PATH
from bot.services.delivery_status import DeliveryStatusService
from bot.web.console import ConsoleConfig, console_routes
from bot.web.console.guard import ConsoleGuard
from bot.web.health import HealthRoutes
from bot.web.miniapp import MiniAppConfig, miniapp_routes
from bot.web.plumbing import WebContext
from bot.web.server import RunningServer, serve
from bot.web.telegram_route import TelegramRoute, TelegramWebhook
from bot.web.twilio_routes import InboundSms, TwilioRoutes

if TYPE_CHECKING:
    from bot.core import Core

# The server is re-exported for the runtime and the benchmarks, which import it from here.
__all__ = ["RunningServer", "create_web_app", "serve"]


def create_web_app(
    *,
    core: Core,
    inbound: InboundSms,
    telegram_webhook: TelegramWebhook | None = None,
    delivery_status: DeliveryStatusService | None = None,
    staff_chat_check: Callable[[], Awaitable[bool]] | None = None,
    console: ConsoleConfig | None = None,
    miniapp: MiniAppConfig | None = None,
) -> Starlette:
    """Build the Starlette app: Twilio's and Telegram's webhooks (SMS, delivery status, voice
    gather, Telegram), health, readiness, metrics, and the staff console when configured."""
    context = WebContext(core)
    health = HealthRoutes(context, staff_chat_check=staff_chat_check)
    twilio = TwilioRoutes(
        context, inbound=inbound, delivery_status=delivery_status or core.delivery_status
    )
    telegram = TelegramRoute(context, telegram_webhook=telegram_webhook)
    return Starlette(
        routes=[
            Route("/twilio/sms", twilio.sms, methods=["POST"]),
            Route("/twilio/status", twilio.status, methods=["POST"]),
            Route(GATHER_PATH, twilio.voice_gather, methods=["POST"]),
            Route("/telegram", telegram.telegram, methods=["POST"]),
            Route("/healthz", health.healthz, methods=["GET"]),
            Route("/readyz", health.readyz, methods=["GET"]),
            Route("/metrics", health.metrics, methods=["GET"]),
            *(
                console_routes(core=core, config=console, in_worker=context.in_worker)
                if console is not None
                else []
            ),
            *(
                miniapp_routes(core=core, config=miniapp, in_worker=context.in_worker)
                if miniapp is not None
                else []
            ),
        ],
        # The console's error pages and headers (its paths only).
        middleware=(
            [
                Middleware(
                    ConsoleGuard,
                    public_https=(core.settings.public_base_url or "").startswith("https://"),
                )
            ]
            if console is not None
            else []
        ),
    )
