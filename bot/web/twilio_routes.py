"""Twilio's webhooks: an inbound text (/twilio/sms), a delivery status (/twilio/status), the key
pressed on a page call (/twilio/voice/gather).

Each is authenticated before anything changes: Twilio's signature, checked with the twilio
package's RequestValidator against PUBLIC_BASE_URL + path (never the Host header a client
sends), and the account. Bodies are size-capped before they are parsed. Nothing here logs a
message body, a name or a full phone number.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from typing import Protocol
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from twilio.request_validator import RequestValidator

from bot.db.engine import DatabaseUnavailable
from bot.messaging.voice import say_twiml
from bot.services import inbox
from bot.services.delivery_status import DeliveryStatusService, StatusOutcome
from bot.services.escalation_ladder import AckStatus
from bot.services.sms_replies import reply_parts
from bot.web.plumbing import (
    TooLarge,
    WebContext,
    forbidden,
    read_body,
    too_large,
    unavailable,
)

log = logging.getLogger(__name__)

# Twilio caps an SMS body at 1,600 characters; with the other fields, percent-encoded, a real
# webhook stays well under this.
MAX_TWILIO_BODY_BYTES = 32 * 1024
MAX_TWILIO_FIELDS = 100
TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


class InboundSms(Protocol):
    """What /twilio/sms hands an inbound message to (bot.services.sms_inbound.SmsInbound)."""

    def handle(
        self, *, from_number: str, body: str, message_sid: str, now: datetime
    ) -> str | None: ...


def twiml_reply(text: str | None) -> str:
    """The TwiML that sends `text` back to the sender (nothing when None), XML-escaped; each
    part of a reply of several texts (`join_replies`) as its own <Message>."""
    if text is None:
        return EMPTY_TWIML
    messages = "".join(f"<Message>{escape(part)}</Message>" for part in reply_parts(text))
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{messages}</Response>'


class TwilioRoutes:
    """The Twilio webhooks, bound to the services they call."""

    def __init__(
        self,
        context: WebContext,
        *,
        inbound: InboundSms,
        delivery_status: DeliveryStatusService,
    ) -> None:
        self.context = context
        self.core = context.core
        self.inbound = inbound
        self.delivery_status = delivery_status
        twilio = self.core.settings.twilio
        self.validator = RequestValidator(twilio.auth_token) if twilio is not None else None
        self.account_sid = twilio.account_sid if twilio is not None else None
        self.public_base_url = self.core.settings.public_base_url
        if twilio is not None and self.public_base_url is None:
            log.warning("PUBLIC_BASE_URL is not set: every Twilio webhook will be refused (403)")

    async def _twilio_form(self, request: Request) -> ImmutableMultiDict[str, str] | Response:
        """The webhook's form fields once the signature checks out, else the refusal to send."""
        if self.validator is None:
            return PlainTextResponse("SMS is not configured", status_code=404)
        try:
            body = await read_body(request, MAX_TWILIO_BODY_BYTES)
        except TooLarge:
            return too_large()
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith("application/x-www-form-urlencoded"):
            return PlainTextResponse("expected a form", status_code=415)
        try:
            fields = parse_qsl(
                body.decode("ascii"), keep_blank_values=True, max_num_fields=MAX_TWILIO_FIELDS
            )
        except (UnicodeDecodeError, ValueError):
            return PlainTextResponse("malformed form", status_code=400)
        form: ImmutableMultiDict[str, str] = ImmutableMultiDict(fields)
        signature = request.headers.get(TWILIO_SIGNATURE_HEADER)
        if not signature or self.public_base_url is None:
            log.warning("twilio webhook %s refused: no signature", request.url.path)
            return forbidden()
        # Twilio signs the URL it was told to call; ours is the configured public one, so a
        # request replayed against another URL, or a spoofed Host header, cannot pass.
        url = self.public_base_url + request.url.path
        if request.url.query:
            url += "?" + request.url.query
        if not self.validator.validate(url, form, signature):
            log.warning("twilio webhook %s refused: bad signature", request.url.path)
            return forbidden()
        if form.get("AccountSid") != self.account_sid:
            log.warning("twilio webhook %s refused: another account", request.url.path)
            return forbidden()
        return form

    async def sms(self, request: Request) -> Response:
        """POST /twilio/sms: an inbound text; the reply goes back as TwiML."""
        form = await self._twilio_form(request)
        if isinstance(form, Response):
            return form
        message_sid = form.get("MessageSid") or form.get("SmsSid") or ""
        from_number = form.get("From") or ""
        if not message_sid or not from_number:
            return PlainTextResponse("MessageSid and From are required", status_code=400)
        body = form.get("Body") or ""
        try:
            # Stored first: if this process dies while handling it, recovery answers it by SMS.
            # A retry of a stored message falls through to `handle`, which knows each MessageSid.
            await self.context.in_worker(
                partial(
                    inbox.store,
                    self.core.db,
                    source=inbox.InboxSource.SMS,
                    external_id=message_sid[:64],
                    payload={"from": from_number, "body": body},
                    now=self.core.clock.now(),
                )
            )
            reply = await self.context.in_worker(
                partial(
                    self.inbound.handle,
                    from_number=from_number,
                    body=body,
                    message_sid=message_sid,
                    now=self.core.clock.now(),
                )
            )
            await self.context.in_worker(
                partial(
                    inbox.mark_processed,
                    self.core.db,
                    source=inbox.InboxSource.SMS,
                    external_ids=[message_sid[:64]],
                    now=self.core.clock.now(),
                )
            )
        except DatabaseUnavailable:
            log.error("inbound sms %s: database unavailable, Twilio will retry", message_sid)
            return unavailable()
        except Exception as exc:
            # Database errors quote the statement's parameters (numbers, names): type only.
            log.error("inbound sms %s failed: %s", message_sid, type(exc).__name__)
            log.debug("inbound sms %s failed", message_sid, exc_info=True)
            return PlainTextResponse("internal error", status_code=500)
        try:
            # A red flag answered by text is paged now, not at the next outbox tick, and in the
            # background: Twilio gives up on a reply after 15 s, and this one may say "call 911".
            self.core.escalation.page_soon_for_phone(from_number)
        except Exception:
            log.exception(
                "paging after inbound sms %s failed; the outbox tick retries", message_sid
            )
        self.context.kick_outbox()
        return Response(twiml_reply(reply), media_type="text/xml")

    async def status(self, request: Request) -> Response:
        """POST /twilio/status: a delivery status callback for a message we sent."""
        form = await self._twilio_form(request)
        if isinstance(form, Response):
            return form
        message_sid = form.get("MessageSid") or form.get("SmsSid") or ""
        status = form.get("MessageStatus") or form.get("SmsStatus") or ""
        if not message_sid or not status:
            return PlainTextResponse("MessageSid and MessageStatus are required", status_code=400)
        try:
            outcome = await self.context.in_worker(
                partial(
                    self.delivery_status.record,
                    message_sid=message_sid,
                    status=status,
                    error_code=form.get("ErrorCode"),
                    now=self.core.clock.now(),
                )
            )
        except Exception as exc:
            log.error("status callback %s failed: %s", message_sid, type(exc).__name__)
            log.debug("status callback %s failed", message_sid, exc_info=True)
            return PlainTextResponse("internal error", status_code=500)
        log.debug("status callback %s: %s", message_sid, outcome)
        if outcome is StatusOutcome.UPDATED:
            self.context.kick_outbox()
        return Response(status_code=204)

    async def voice_gather(self, request: Request) -> Response:
        """POST /twilio/voice/gather: the key pressed on a page call; 1 acknowledges."""
        form = await self._twilio_form(request)
        if isinstance(form, Response):
            return form
        raw_id = request.query_params.get("escalation", "")
        callee = form.get("To") or ""
        if not raw_id.isdigit() or len(raw_id) > 12 or not callee:
            return PlainTextResponse("escalation and To are required", status_code=400)
        escalation = self.core.escalation
        try:
            status = await self.context.in_worker(
                partial(
                    escalation.acknowledge_call,
                    escalation_id=int(raw_id),
                    callee=callee,
                    digits=form.get("Digits") or "",
                )
            )
        except Exception as exc:
            log.error("voice callback for escalation %s failed: %s", raw_id, type(exc).__name__)
            log.debug("voice callback failed", exc_info=True)
            return PlainTextResponse("internal error", status_code=500)
        texts = self.core.texts
        if status in (AckStatus.ACKNOWLEDGED, AckStatus.ALREADY):
            spoken = texts.plain("voice_acknowledged", escalation_id=int(raw_id))
            self.core.kick_outbox()  # the patient and the staff chat hear it now
        elif status is AckStatus.REFUSED:
            spoken = texts.plain("voice_refused")
        else:
            spoken = texts.plain("voice_not_acknowledged")
        return Response(say_twiml(spoken), media_type="text/xml")
