"""What a patient reads after crisis words (bot/services/crisis.py): the fixed Telegram and SMS
replies, the "are you safe right now?" check with its buttons, and the start-up check that the
SMS replies are SMS-safe."""

from __future__ import annotations

import html
import logging

from bot.db.engine import Database
from bot.domain.callback_data import CrisisCheckPress
from bot.domain.clock import Clock
from bot.domain.crisis import CheckAnswer, CrisisKind, CrisisMatch, CrisisMatcher, CrisisTier
from bot.domain.errors import ConfigError
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.messaging.channels import Button
from bot.profile import ClinicProfile
from bot.services.escalation import EscalationService
from bot.texts import Texts

# Logged under the service's name, as before its parts moved to modules of their own.
log = logging.getLogger("bot.services.crisis")

SMS_KEYS = {
    (CrisisKind.EMERGENCY,): "sms_crisis_emergency",
    (CrisisKind.SELF_HARM,): "sms_crisis_self_harm",
    (CrisisKind.EMERGENCY, CrisisKind.SELF_HARM): "sms_crisis_both",
}
CHECK_SMS_KEYS = ("sms_crisis_check", "sms_crisis_check_safe", "sms_crisis_check_call")


def strong_match(kind: CrisisKind, phrase: str) -> CrisisMatch:
    return CrisisMatch(kind=kind, phrase=phrase, kinds=(kind,))


class CrisisReplies:
    """The crisis service's reading and replies (the base of CrisisService)."""

    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        clock: Clock,
        texts: Texts,
        escalation: EscalationService,
        matcher: CrisisMatcher,
    ) -> None:
        self.db = db
        self.profile = profile
        self.clock = clock
        self.texts = texts
        self.escalation = escalation
        self.matcher = matcher

    # --- reading and replying -------------------------------------------------------------

    def match(self, text: str) -> CrisisMatch | None:
        """The strong crisis words in `text`, or None (pure, fast: safe on the event loop)."""
        return self.matcher.match(text)

    def assess(self, text: str) -> CrisisMatch | None:
        """Strong crisis words, else a soft sign, else None (pure, fast)."""
        return self.matcher.assess(text)

    def telegram_reply_for(self, kind: CrisisKind) -> str:
        """The fixed reply for one class (HTML)."""
        return self.telegram_reply(strong_match(kind, str(kind)))

    def telegram_reply(self, found: CrisisMatch) -> str:
        """The fixed reply(s) for Telegram (HTML): emergency first, then who was alerted."""
        replies = [
            f"<b>{html.escape(self.texts.plain(f'crisis_reply_{kind}'), quote=False)}</b>"
            for kind in found.kinds
        ]
        return "\n\n".join([*replies, self.texts.html("crisis_alerted")])

    def sms_reply(self, found: CrisisMatch) -> str:
        """The fixed reply by SMS: neutral words a lock screen may show (checked at start-up)."""
        if found.tier is CrisisTier.SOFT:
            return self._sms_text("sms_crisis_check")
        key = SMS_KEYS.get(found.kinds, SMS_KEYS[(found.kind,)])
        values = {"clinic": self.profile.clinic.name}
        text = self.texts.plain(key, **values)
        try:
            assert_sms_safe(text, max_segments=2)
        except UnsafeSmsText:
            log.error("texts.%s is not SMS-safe; sending the built-in wording", key)
            text = Texts().plain(key, **values)
        return text

    # --- the soft tier: "are you safe right now?" -------------------------------------------

    def telegram_check(self, found: CrisisMatch) -> tuple[str, list[list[Button]]]:
        """The gentle check for a soft sign (HTML) and its Yes / No / Call me buttons."""
        kind = found.kind
        buttons = [
            [
                Button(
                    self.texts.plain("crisis_btn_safe"),
                    data=CrisisCheckPress(CheckAnswer.SAFE, kind).pack(),
                ),
                Button(
                    self.texts.plain("crisis_btn_not_safe"),
                    data=CrisisCheckPress(CheckAnswer.NOT_SAFE, kind).pack(),
                ),
                Button(
                    self.texts.plain("crisis_btn_call"),
                    data=CrisisCheckPress(CheckAnswer.CALL, kind).pack(),
                ),
            ]
        ]
        return self.texts.html(f"crisis_check_{kind}"), buttons

    def _sms_text(self, key: str) -> str:
        values = {"clinic": self.profile.clinic.name}
        text = self.texts.plain(key, **values)
        try:
            assert_sms_safe(text, max_segments=2)
        except UnsafeSmsText:
            log.error("texts.%s is not SMS-safe; sending the built-in wording", key)
            text = Texts().plain(key, **values)
        return text


def check_crisis_sms_texts(texts: Texts, profile: ClinicProfile) -> None:
    """Refuse to start when a crisis SMS reply (e.g. a profile override) breaks the SMS policy."""
    for key in sorted({*SMS_KEYS.values(), *CHECK_SMS_KEYS}):
        try:
            assert_sms_safe(texts.plain(key, clinic=profile.clinic.name), max_segments=2)
        except UnsafeSmsText as exc:
            raise ConfigError(f"clinic profile texts.{key}: {exc}") from None
