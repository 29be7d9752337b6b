"""Send SMS through Twilio's REST API, or any API that speaks its 2010-04-01 dialect."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.domain.errors import ConfigError
from bot.domain.privacy import mask_phone
from bot.domain.sms_policy import segments
from bot.messaging.channels import DeliveryFailed

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.twilio.com"
DEFAULT_TIMEOUT_SECONDS = 10.0

UNSUBSCRIBED = 21610  # the recipient replied STOP; Twilio refuses until they reply START
INVALID_NUMBER = 21211
NOT_MOBILE = 21614
TOO_MANY_REQUESTS = 20429


def delivery_failure(*, status: int, code: int | None) -> DeliveryFailed:
    """Translate a Twilio error response into the outbox's permanent / transient failure."""
    if code == UNSUBSCRIBED:
        return DeliveryFailed("recipient opted out of SMS", permanent=True, code=str(UNSUBSCRIBED))
    if code in (INVALID_NUMBER, NOT_MOBILE):
        # Both mean "this number cannot take an SMS": one code lets callers treat them alike.
        return DeliveryFailed("not a valid mobile number", permanent=True, code=str(INVALID_NUMBER))
    label = str(code if code is not None else status)
    # Throttling is a 4xx that clears by itself, so it is retried like a server error.
    if status == 429 or code == TOO_MANY_REQUESTS or status >= 500:
        return DeliveryFailed(f"twilio HTTP {status}", permanent=False, code=label)
    if status >= 400:
        return DeliveryFailed(
            f"twilio rejected the message (HTTP {status})", permanent=True, code=label
        )
    return DeliveryFailed(f"twilio HTTP {status}", permanent=False, code=label)


class TwilioSmsSender:
    """An SmsSender backed by the official twilio client.

    A timeout is reported as transient even though Twilio may have accepted the message: the
    Messages API has no idempotency key, and a rare duplicate reminder beats a missing one.
    """

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        status_callback: str | None = None,
        http_client: HttpClient | None = None,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        rate_wait: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        if (from_number is None) == (messaging_service_sid is None):
            raise ConfigError(
                "set exactly one of TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"
            )
        self._from_number = from_number
        self._messaging_service_sid = messaging_service_sid
        self._status_callback = status_callback
        # Awaited with the sender's id before each message: the sender's rate, shared by replicas.
        self._rate_wait = rate_wait
        self._client = Client(
            account_sid,
            auth_token,
            http_client=http_client or TwilioHttpClient(timeout=timeout_seconds),
            # The SDK falls back to os.environ for anything not passed, and TWILIO_EDGE or
            # TWILIO_REGION found there would rewrite the host of a custom base URL. Only the
            # composition root reads settings, so the SDK gets a mapping of exactly ours.
            environment={"TWILIO_ACCOUNT_SID": account_sid, "TWILIO_AUTH_TOKEN": auth_token},
        )
        # Every Messages request is built as `client.api.base_url` + "/2010-04-01/...", so this
        # one attribute points the SDK at a Twilio-compatible API (a mock, a regional proxy).
        self._client.api.base_url = base_url.rstrip("/")

    async def send_sms(self, *, to: str, body: str) -> str:
        """Send one SMS and return its Message SID; raise DeliveryFailed."""
        masked = mask_phone(to)
        if self._rate_wait is not None:
            await self._rate_wait(self._from_number or self._messaging_service_sid or "")
        try:
            # The twilio client blocks on HTTP: keep it off the event loop.
            sid = await asyncio.to_thread(self._create, to, body)
        except (TwilioRestException, TwilioServiceException) as exc:
            failure = delivery_failure(status=int(exc.status), code=_int_or_none(exc.code))
        except OSError as exc:
            # requests' Timeout and ConnectionError derive from OSError, as do socket errors.
            failure = DeliveryFailed(f"twilio unreachable: {type(exc).__name__}", permanent=False)
        else:
            logger.info("sms sent sid=%s to=%s segments=%d", sid, masked, segments(body))
            return sid
        logger.warning(
            "sms to %s failed: %s (code %s, permanent=%s)",
            masked,
            failure.reason,
            failure.code,
            failure.permanent,
        )
        # Raised outside the except blocks on purpose: Twilio's own message often quotes the
        # phone number, and as __context__ it would ride into any traceback that gets logged.
        raise failure

    def _create(self, to: str, body: str) -> str:
        """Create the Message resource (blocking) and return its SID."""
        options: dict[str, str] = {}
        if self._from_number is not None:
            options["from_"] = self._from_number
        if self._messaging_service_sid is not None:
            options["messaging_service_sid"] = self._messaging_service_sid
        if self._status_callback is not None:
            options["status_callback"] = self._status_callback
        message = self._client.messages.create(to=to, body=body, **options)
        return str(message.sid)


def _int_or_none(value: object) -> int | None:
    """Return Twilio's error code as an int; compatible APIs sometimes send it as a string."""
    try:
        return int(str(value))
    except ValueError:
        return None
