"""The outside channels the composition root (`bot/app.py`) plugs in, and the start-up check that
every patient SMS may be sent.

`build_channels`: the SMS and voice senders and the staff and on-call addresses, from the
settings (the Telegram sender joins when the bot exists: `bot.app.connect_telegram`).
`check_every_sms_text`: refuse to start when a patient SMS, in any language, breaks the SMS policy.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.db.engine import Database
from bot.domain.errors import ConfigError
from bot.domain.language import DEFAULT_LANGUAGE, Language
from bot.messaging.sms import TwilioSmsSender
from bot.messaging.voice import TwilioVoiceCaller
from bot.presentation.reminder_words import check_reminder_sms_texts
from bot.presentation.waitlist_words import check_waitlist_sms_texts
from bot.profile import ClinicProfile
from bot.services import phone_claims
from bot.services.checkin_questions import check_sms_texts as check_checkin_sms_texts
from bot.services.crisis import check_crisis_sms_texts
from bot.services.dispatch_routes import Channels
from bot.services.sms_inbound import check_sms_texts
from bot.services.staff_chat import StaffChat
from bot.settings import Settings
from bot.texts import Texts
from bot.texts.i18n import use_language


def check_every_sms_text(texts: Texts, profile: ClinicProfile) -> None:
    """Refuse to start when any patient SMS, in any language, breaks the SMS policy."""
    for language in Language:
        with use_language(language):
            try:
                check_checkin_sms_texts(texts, profile)
                check_crisis_sms_texts(texts, profile)
                check_sms_texts(texts, profile)
                check_waitlist_sms_texts(texts, profile)
                check_reminder_sms_texts(texts, profile)
                phone_claims.check_code_sms_text(texts, profile)
            except ConfigError as exc:
                if language is DEFAULT_LANGUAGE:
                    raise
                raise ConfigError(f"{exc} (in the {language.value} catalogue)") from None


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
