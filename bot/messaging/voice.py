"""Voice calls to the on-call and backup phones through Twilio's Calls API, and their TwiML.

A page call says a neutral sentence (it may play on a loudspeaker or land in voicemail, so it is
worded like an SMS) and asks for 1 to acknowledge inside a `<Gather>` whose action is our signed
callback, /twilio/voice/gather. The TwiML is built with the twilio package's VoiceResponse.
"""

from __future__ import annotations

import asyncio
import logging

from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from twilio.twiml.voice_response import Gather, VoiceResponse

from bot.domain.privacy import mask_phone
from bot.messaging.channels import DeliveryFailed
from bot.messaging.sms import DEFAULT_BASE_URL, DEFAULT_TIMEOUT_SECONDS, delivery_failure

log = logging.getLogger(__name__)

GATHER_PATH = "/twilio/voice/gather"
GATHER_TIMEOUT_SECONDS = 10
RING_TIMEOUT_SECONDS = 30  # hang up before most voicemails pick up; the ladder calls again
LANGUAGE = "en-US"


def gather_twiml(*, say: str, prompt: str, action: str) -> str:
    """Say `say`, then ask `prompt` and post the key pressed to `action` (said twice)."""
    response = VoiceResponse()
    for _ in range(2):
        gather = Gather(num_digits=1, action=action, method="POST", timeout=GATHER_TIMEOUT_SECONDS)
        gather.say(f"{say} {prompt}", language=LANGUAGE)
        response.append(gather)
    return str(response)


def say_twiml(text: str) -> str:
    """Say `text` and hang up."""
    response = VoiceResponse()
    response.say(text, language=LANGUAGE)
    response.hangup()
    return str(response)


class TwilioVoiceCaller:
    """A VoiceCaller backed by the official twilio client (`client.calls.create`)."""

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str,
        public_base_url: str,
        prompt: str,
        base_url: str = DEFAULT_BASE_URL,
        http_client: HttpClient | None = None,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self._from_number = from_number
        self._action = public_base_url.rstrip("/") + GATHER_PATH
        self._prompt = prompt  # "Press 1 to acknowledge alert {escalation_id}."
        self._client = Client(
            account_sid,
            auth_token,
            http_client=http_client or TwilioHttpClient(timeout=timeout_seconds),
            # Only the composition root reads settings (see TwilioSmsSender).
            environment={"TWILIO_ACCOUNT_SID": account_sid, "TWILIO_AUTH_TOKEN": auth_token},
        )
        self._client.api.base_url = base_url.rstrip("/")

    def twiml(self, *, say: str, ack_query: str) -> str:
        """The call's TwiML: `say`, then "press 1" gathered to our signed callback."""
        escalation_id = ack_query.partition("=")[2]
        return gather_twiml(
            say=say,
            prompt=self._prompt.format(escalation_id=escalation_id),
            action=f"{self._action}?{ack_query}" if ack_query else self._action,
        )

    async def call(self, *, to: str, say: str, ack_query: str) -> str:
        """Place the call and return its Call SID; raise DeliveryFailed."""
        twiml = self.twiml(say=say, ack_query=ack_query)
        try:
            sid = await asyncio.to_thread(self._create, to, twiml)
        except (TwilioRestException, TwilioServiceException) as exc:
            failure = delivery_failure(status=int(exc.status), code=_int_or_none(exc.code))
        except OSError as exc:
            failure = DeliveryFailed(f"twilio unreachable: {type(exc).__name__}", permanent=False)
        else:
            log.info("call placed sid=%s to=%s", sid, mask_phone(to))
            return sid
        log.warning("call to %s failed: %s (code %s)", mask_phone(to), failure.reason, failure.code)
        raise failure

    def _create(self, to: str, twiml: str) -> str:
        call = self._client.calls.create(
            to=to, from_=self._from_number, twiml=twiml, timeout=RING_TIMEOUT_SECONDS
        )
        return str(call.sid)


def _int_or_none(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None
