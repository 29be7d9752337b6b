"""Mini App initData is checked as Telegram documents it (core.telegram.org/bots/webapps)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

import pytest

from bot.web.miniapp.initdata import (
    MAX_AGE,
    InitDataRefused,
    data_check_string,
    sign_init_data,
    verify_init_data,
)

TOKEN = "123456789:AAminiapp-test-token-for-signing-only"
NOW = datetime(2027, 3, 1, 13, 0, tzinfo=UTC)
USER = json.dumps({"id": 4242, "first_name": "Alice", "last_name": "Smith"}, separators=(",", ":"))


def fields(**extra: str) -> dict[str, str]:
    return {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": USER,
        "auth_date": str(int(NOW.timestamp())),
        **extra,
    }


def refused_reason(raw: str, *, now: datetime = NOW, token: str = TOKEN) -> str:
    with pytest.raises(InitDataRefused) as caught:
        verify_init_data(raw, bot_token=token, now=now)
    return caught.value.reason


def test_initdata_signed_as_telegram_documents_is_accepted_with_the_signed_user():
    # Computed here step by step from Telegram's page, independently of the module's helpers:
    # secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token); hash = hex(HMAC_SHA256(
    # key=secret_key, msg=data_check_string)); the string is the sorted key=value lines.
    data = fields()
    check = "\n".join(f"{k}={data[k]}" for k in sorted(data))
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    signed = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    raw = urlencode({**data, "hash": signed}, quote_via=quote)

    user = verify_init_data(raw, bot_token=TOKEN, now=NOW + timedelta(minutes=5))

    assert user.user_id == 4242
    assert user.first_name == "Alice"
    assert user.auth_date == NOW


def test_the_key_order_matters_a_hash_keyed_by_the_token_is_refused():
    # The easy mistake: HMAC(key=bot_token, msg="WebAppData").
    data = fields()
    check = data_check_string(data)
    wrong_secret = hmac.new(TOKEN.encode(), b"WebAppData", hashlib.sha256).digest()
    wrong = hmac.new(wrong_secret, check.encode(), hashlib.sha256).hexdigest()
    assert refused_reason(urlencode({**data, "hash": wrong})) == "bad hash"


def test_a_third_party_signature_field_is_part_of_the_checked_string():
    raw = sign_init_data(fields(signature="c2lnbmF0dXJl"), bot_token=TOKEN)
    assert verify_init_data(raw, bot_token=TOKEN, now=NOW).user_id == 4242


def test_initdata_signed_with_another_bots_token_is_refused():
    raw = sign_init_data(fields(), bot_token="987654321:AAanother-bot-entirely-here")
    assert refused_reason(raw) == "bad hash"


def test_changing_the_user_after_signing_is_refused():
    raw = sign_init_data(fields(), bot_token=TOKEN)
    forged = raw.replace("4242", "4343")
    assert forged != raw
    assert refused_reason(forged) == "bad hash"


def test_a_field_added_after_signing_is_refused():
    raw = sign_init_data(fields(), bot_token=TOKEN) + "&start_param=x"
    assert refused_reason(raw) == "bad hash"


def test_stale_initdata_is_refused():
    raw = sign_init_data(fields(), bot_token=TOKEN)
    later = NOW + MAX_AGE + timedelta(seconds=1)
    assert refused_reason(raw, now=later) == "stale auth_date"
    assert verify_init_data(raw, bot_token=TOKEN, now=NOW + MAX_AGE).user_id == 4242


def test_initdata_from_the_future_is_refused():
    raw = sign_init_data(fields(), bot_token=TOKEN)
    assert refused_reason(raw, now=NOW - timedelta(hours=1)) == "auth_date in the future"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "missing or too long"),
        ("x" * 9000, "missing or too long"),
        ("no-equals-sign", "malformed"),
        ("auth_date=1&user=%7B%7D", "missing fields"),
        ("hash=abc&user=%7B%7D", "missing fields"),
        ("hash=abc&auth_date=1", "missing fields"),
        ("hash=a&hash=b&auth_date=1&user=x", "a field given twice"),
    ],
)
def test_malformed_initdata_is_refused(raw, reason):
    assert refused_reason(raw) == reason


@pytest.mark.parametrize(
    ("user", "reason"),
    [
        ("not json", "malformed user"),
        ("[4242]", "malformed user"),
        ('{"first_name":"Alice"}', "malformed user id"),
        ('{"id":"4242"}', "malformed user id"),
        ('{"id":true}', "malformed user id"),
        ('{"id":-5}', "malformed user id"),
    ],
)
def test_a_signed_but_unusable_user_field_is_refused(user, reason):
    raw = sign_init_data(fields(user=user), bot_token=TOKEN)
    assert refused_reason(raw) == reason


def test_a_signed_but_unreadable_auth_date_is_refused():
    raw = sign_init_data(fields(auth_date="yesterday"), bot_token=TOKEN)
    assert refused_reason(raw) == "malformed auth_date"


# --- where the button points: MINI_APP_URL -------------------------------------------------

REAL = {
    "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35,
    "STAFF_CHAT_ID": "-1001234567890",
    "STAFF_USER_IDS": "111,222",
    "TELEGRAM_WEBHOOK_SECRET": "s3cret",
}


def test_the_mini_app_is_served_beside_an_https_webhook_and_can_be_turned_off():
    from bot.settings import parse_settings

    webhook = {**REAL, "PUBLIC_BASE_URL": "https://bot.example.org/"}
    assert parse_settings(webhook).mini_app_url == "https://bot.example.org/miniapp"
    assert parse_settings({**webhook, "MINI_APP_URL": "off"}).mini_app_url is None
    moved = {**webhook, "MINI_APP_URL": "https://app.example.org/calendar"}
    assert parse_settings(moved).mini_app_url == "https://app.example.org/calendar"
    # Long polling (no HTTP server), a plain-http base URL, or no token: no button.
    assert parse_settings(REAL).mini_app_url is None
    plain = {**REAL, "PUBLIC_BASE_URL": "http://bot.example.org"}
    assert parse_settings(plain).mini_app_url is None
    assert parse_settings({}).mini_app_url is None


@pytest.mark.parametrize(
    "env",
    [
        {"MINI_APP_URL": "http://bot.example.org/miniapp", "PUBLIC_BASE_URL": "https://x.org"},
        {"MINI_APP_URL": "https://bot.example.org/miniapp"},
        {"MINI_APP_URL": "not a url", "PUBLIC_BASE_URL": "https://x.org"},
    ],
)
def test_a_mini_app_url_telegram_could_not_open_stops_start_up(env):
    from bot.domain.errors import ConfigError
    from bot.settings import parse_settings

    with pytest.raises(ConfigError) as caught:
        parse_settings({**REAL, **env})
    assert str(caught.value).startswith("MINI_APP_URL")
