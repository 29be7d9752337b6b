"""Reminder SMS texts stay neutral and within one segment; a bad override stops start-up."""

from __future__ import annotations

import pytest

from bot.domain.errors import ConfigError
from bot.presentation.reminder_words import REMINDER_SMS_KEYS, check_reminder_sms_texts
from bot.texts import Texts


def test_the_default_reminder_sms_texts_pass_the_policy(profile):
    check_reminder_sms_texts(Texts(), profile)


def test_an_override_naming_the_treatment_is_refused_at_start(profile):
    texts = Texts({"reminder_24h_sms": "{clinic}: your ketamine infusion is {when}."})
    with pytest.raises(ConfigError, match=r"texts\.reminder_24h_sms"):
        check_reminder_sms_texts(texts, profile)


def test_an_override_over_one_segment_is_refused(profile):
    long_text = "{clinic}: " + "please remember your visit " * 8 + "{when}"
    with pytest.raises(ConfigError, match="reminder_72h_sms"):
        check_reminder_sms_texts(Texts({"reminder_72h_sms": long_text}), profile)


def test_every_reminder_sms_key_exists():
    texts = Texts()
    assert set(REMINDER_SMS_KEYS) <= set(texts.keys())
