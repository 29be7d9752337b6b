"""Clinic text overrides are checked at start-up: Telegram HTML must parse, SMS and labels stay plain."""

from __future__ import annotations

import pytest

from bot.domain.errors import ConfigError
from bot.profile import load_profile
from bot.sandbox.telegram_double import parse_html
from bot.texts import Texts, is_plain
from tests.journey_helpers import profile_file

BROKEN_WELCOME = "Hello {first_name} <3, welcome to {clinic}."


def refusal(overrides: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as caught:
        Texts(overrides).check_html(parse_html)
    return str(caught.value)


def test_every_default_telegram_text_parses_as_telegram_html():
    texts = Texts()
    texts.check_html(parse_html)
    assert "start_welcome" in texts.html_keys()
    assert len(texts.html_keys()) > 100


def test_a_stray_angle_bracket_in_the_welcome_is_refused_with_its_key():
    message = refusal({"start_welcome": BROKEN_WELCOME})
    assert message.startswith("clinic profile texts.start_welcome: ")
    # The offset is the one in the text as written, placeholders and all.
    assert 'Unsupported start tag "3," at byte offset 19' in message
    assert "&lt;" in message  # and how to fix it


def test_an_unclosed_tag_in_a_staff_notice_is_refused():
    message = refusal({"notice_booked": "🆕 <b>New booking #{appointment_id}\n{patient}"})
    assert message.startswith("clinic profile texts.notice_booked: ")
    assert 'end tag corresponding to start tag "b"' in message


def test_sms_staff_texts_go_to_the_staff_chat_and_are_checked_as_html():
    assert not is_plain("sms_staff_unsubscribed")
    message = refusal({"sms_staff_unsubscribed": "<b>{patient} unsubscribed ({phone}, {code})"})
    assert message.startswith("clinic profile texts.sms_staff_unsubscribed: ")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("sms_menu", "{clinic}: reply C to confirm <3 or call {phone}"),
        ("reminder_2h_sms", "{clinic}: see you at {time} <3 {phone}"),
        ("btn_confirm", "I'll be there <3"),
        ("appts_btn_cancel", "Cancel <#{number}>"),
        ("book_toast_noted", "Got it <3"),
        ("esc_btn_ack", "<Acknowledge>"),
        ("cmd_book", "Book <now>"),
        ("usage_block", "/block <date> <from>-<to>"),
        ("book_confirm", "Confirm <3"),  # a button the patient module lists as plain
        ("screening_S7", "Pregnant <or> breastfeeding?"),  # inserted escaped
    ],
)
def test_sms_bodies_and_button_labels_are_plain_and_not_parsed(key, value):
    Texts({key: value}).check_html(parse_html)


def test_placeholders_and_entities_in_an_override_are_accepted():
    Texts(
        {
            "start_welcome": "Hello <b>{first_name}</b> &amp; welcome to <i>{clinic}</i> &lt;3",
            "book_summary": "{service} {when} {address} {name} {phone} {sms} Q&A",
        }
    ).check_html(parse_html)


def test_a_lone_brace_is_refused_with_its_key():
    with pytest.raises(ConfigError, match=r"texts\.start_welcome: .*twice"):
        Texts({"start_welcome": "Hello {first_name"})


def test_the_clinic_profile_file_override_is_what_gets_checked(tmp_path):
    path = profile_file(
        tmp_path, replace={"[texts]\n": f'[texts]\nstart_welcome = "{BROKEN_WELCOME}"\n'}
    )
    profile = load_profile(path)
    with pytest.raises(ConfigError, match=r"^clinic profile texts\.start_welcome: "):
        Texts(profile.texts).check_html(parse_html)
