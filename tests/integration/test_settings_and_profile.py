"""Configuration fails fast with a message naming the setting or field and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.errors import ConfigError
from bot.profile import default_profile_text, load_profile, parse_profile
from bot.settings import parse_settings

TOKEN = "123456:" + "A" * 35


def test_an_empty_environment_gives_the_sandbox_defaults():
    settings = parse_settings({})
    assert settings.telegram_bot_token is None
    assert settings.database_url.startswith("sqlite:///")
    assert settings.port == 8080
    assert not settings.sms_enabled


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
        ({"STAFF_USER_IDS": "12,abc"}, "STAFF_USER_IDS"),
        ({"STAFF_CHAT_ID": "staff"}, "STAFF_CHAT_ID"),
        ({"ONCALL_PHONE": "12345"}, "ONCALL_PHONE"),
        ({"PORT": "99999"}, "PORT"),
        ({"PORT": "eighty"}, "PORT"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t"}, "TWILIO_FROM_NUMBER"),
        ({"TWILIO_AUTH_TOKEN": "t", "TWILIO_FROM_NUMBER": "+12025550143"}, "TWILIO_ACCOUNT_SID"),
        ({"PUBLIC_BASE_URL": "ftp://x"}, "PUBLIC_BASE_URL"),
        (
            {
                "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
                "TWILIO_AUTH_TOKEN": "t",
                "TWILIO_FROM_NUMBER": "+12025550143",
            },
            "PUBLIC_BASE_URL",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "PUBLIC_BASE_URL": "https://bot.example"},
            "TELEGRAM_WEBHOOK_SECRET",
        ),
        ({"TELEGRAM_WEBHOOK_SECRET": "has spaces"}, "TELEGRAM_WEBHOOK_SECRET"),
        ({"CLINIC_PROFILE": "/nope/profile.toml"}, "CLINIC_PROFILE"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"CPU_AFFINITY": "fast"}, "CPU_AFFINITY"),
        ({"CPU_AFFINITY": "3-1"}, "CPU_AFFINITY"),
        ({"CPU_AFFINITY": "0,9999"}, "CPU_AFFINITY"),
        ({"CPU_AFFINITY": "0-4000000000"}, "CPU_AFFINITY"),
        ({"CPU_AFFINITY": "\u00b2"}, "CPU_AFFINITY"),
    ],
)
def test_a_bad_setting_is_refused_with_its_name_and_a_fix(env, named):
    with pytest.raises(ConfigError) as caught:
        parse_settings(env)
    message = str(caught.value)
    assert message.startswith(named)
    assert "Fix:" in message


def test_twilio_settings_are_normalised():
    settings = parse_settings(
        {
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": "secret",
            "TWILIO_FROM_NUMBER": "+1 (202) 555-0143",
            "ONCALL_PHONE": "+12025550188",
            "PUBLIC_BASE_URL": "https://bot.example.org/",
        }
    )
    assert settings.twilio is not None
    assert settings.twilio.from_number == "+12025550143"
    assert settings.public_base_url == "https://bot.example.org"


def test_the_built_in_profile_is_complete():
    profile = load_profile()
    assert profile.consultation_code == "consultation"
    assert {"iv_infusion", "nasal_spray", "booster"} <= set(profile.services)
    assert profile.resources["infusion_chair"] == 3
    assert profile.clinic.timezone == "America/New_York"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            ("duration_minutes = 45", "duration_minutes = -5"),
            "services.consultation.duration_minutes",
        ),
        (('timezone = "America/New_York"', 'timezone = "Mars/Base"'), "clinic.timezone"),
        (('monday = ["08:30-17:30"]', 'monday = ["17:30-08:30"]'), "hours"),
        (('resources = ["infusion_chair"]', 'resources = ["helipad"]'), "helipad"),
        (("horizon_days = 60", 'horizon_days = "soon"'), "booking.horizon_days"),
        (("[clinic]", '[clinic]\nfavourite_colour = "blue"'), "clinic.favourite_colour"),
        (("model_threshold = 0.7", "model_threshold = 0.3"), "crisis.model_threshold"),
    ],
)
def test_a_bad_profile_names_the_field_and_the_problem(change, path):
    old, new = change
    text = default_profile_text()
    assert old in text
    with pytest.raises(ConfigError) as caught:
        parse_profile(text.replace(old, new, 1), source="clinic.toml")
    assert "clinic profile clinic.toml" in str(caught.value)
    assert path in str(caught.value)


def test_a_profile_that_is_not_toml_is_refused(tmp_path: Path):
    broken = tmp_path / "p.toml"
    broken.write_text("[clinic\nname=")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_profile(broken)


def test_a_text_override_telegram_cannot_parse_stops_start_up(tmp_path: Path):
    from bot.app import build_core

    profile = tmp_path / "clinic.toml"
    profile.write_text(
        default_profile_text().replace(
            "[texts]", '[texts]\nstart_welcome = "Hello {first_name} <3, welcome to {clinic}."', 1
        )
    )
    settings = parse_settings(
        {"CLINIC_PROFILE": str(profile), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    )
    with pytest.raises(ConfigError, match=r"texts\.start_welcome"):
        build_core(settings)


# --- issue 10 item 5: nowhere to send is an error ------------------------------------------------

REAL = {
    "TELEGRAM_BOT_TOKEN": TOKEN,
    "STAFF_CHAT_ID": "-1001234567890",
    "STAFF_USER_IDS": "111,222",
}
TWILIO = {
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "t",
    "TWILIO_FROM_NUMBER": "+12025550143",
    "PUBLIC_BASE_URL": "https://bot.example.org",
    "TELEGRAM_WEBHOOK_SECRET": "s3cret",
}


@pytest.mark.parametrize("missing", ["STAFF_CHAT_ID", "STAFF_USER_IDS"])
def test_real_mode_refuses_to_start_without_somewhere_to_send_alerts(missing):
    env = {k: v for k, v in REAL.items() if k != missing}
    with pytest.raises(ConfigError) as caught:
        parse_settings(env)
    assert str(caught.value).startswith(missing)
    assert "\n" not in str(caught.value)


def test_real_mode_with_twilio_needs_an_on_call_phone():
    with pytest.raises(ConfigError) as caught:
        parse_settings({**REAL, **TWILIO})
    assert str(caught.value).startswith("ONCALL_PHONE")
    settings = parse_settings({**REAL, **TWILIO, "ONCALL_PHONE": "+14155550123"})
    assert settings.oncall_phone == "+14155550123"
    assert settings.twilio is not None
    assert settings.twilio.caller_id == "+12025550143"


def test_the_sandbox_needs_none_of_them():
    assert parse_settings({}).staff_chat_id is None


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ONCALL_BACKUP_PHONE": "+14155550188"}, "ONCALL_BACKUP_PHONE"),
        (
            {"ONCALL_PHONE": "+14155550123", "ONCALL_BACKUP_PHONE": "+1 415 555 0123"},
            "ONCALL_BACKUP_PHONE",
        ),
        ({"ONCALL_BACKUP_PHONE": "12"}, "ONCALL_BACKUP_PHONE"),
        ({"ONCALL_CALL_AFTER_PAGES": "0"}, "ONCALL_CALL_AFTER_PAGES"),
        ({"ONCALL_CALL_AFTER_PAGES": "two"}, "ONCALL_CALL_AFTER_PAGES"),
        ({"TWILIO_CALLER_ID": "+14155550123"}, "TWILIO_CALLER_ID"),
        (
            {
                **{k: v for k, v in TWILIO.items() if k != "TWILIO_FROM_NUMBER"},
                "TWILIO_MESSAGING_SERVICE_SID": "MG" + "0" * 32,
                "ONCALL_PHONE": "+14155550123",
            },
            "TWILIO_CALLER_ID",
        ),
    ],
)
def test_bad_ladder_settings_are_refused_with_their_name(env, named):
    with pytest.raises(ConfigError) as caught:
        parse_settings(env)
    assert str(caught.value).startswith(named)


def test_the_ladder_settings_are_read():
    settings = parse_settings(
        {
            "ONCALL_PHONE": "+14155550123",
            "ONCALL_BACKUP_PHONE": "+1 (415) 555-0188",
            "ONCALL_CALL_AFTER_PAGES": "3",
        }
    )
    assert settings.oncall_backup_phone == "+14155550188"
    assert settings.oncall_call_after_pages == 3


# Every error that cites an example, and the setting the example is for.
CITING = [
    ({"ONCALL_PHONE": "12345"}, "ONCALL_PHONE"),
    ({"ONCALL_BACKUP_PHONE": "12"}, "ONCALL_BACKUP_PHONE"),
    ({**TWILIO, "TWILIO_FROM_NUMBER": "5"}, "TWILIO_FROM_NUMBER"),
    ({"STAFF_CHAT_ID": "staff"}, "STAFF_CHAT_ID"),
    ({k: v for k, v in REAL.items() if k != "STAFF_CHAT_ID"}, "STAFF_CHAT_ID"),
    ({"STAFF_USER_IDS": "12,abc"}, "STAFF_USER_IDS"),
    ({**REAL, **TWILIO}, "ONCALL_PHONE"),
    ({"ONCALL_CALL_AFTER_PAGES": "0"}, "ONCALL_CALL_AFTER_PAGES"),
    ({"PORT": "eighty"}, "PORT"),
]


@pytest.mark.parametrize(("env", "named"), CITING, ids=[n for _, n in CITING])
def test_every_example_an_error_cites_is_itself_valid(env, named):
    import re

    with pytest.raises(ConfigError) as caught:
        parse_settings(env)
    message = str(caught.value)
    examples = re.findall(r"(?:e\.g\.|such as|ids:) ([^\s()]+?)[.)]?(?:\s|$)", message)
    assert examples, message
    for example in examples:
        fixed = {**env, named: example}
        if named == "ONCALL_BACKUP_PHONE":
            fixed.setdefault("ONCALL_PHONE", "+12025550143")
        parsed = parse_settings(fixed)  # the example itself passes validation
        assert parsed is not None
