"""Deployment settings from the environment (python-dotenv reads `.env`); validated once, at start-up.

Only the composition root calls `load_settings`; everything else receives values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import phonenumbers
from dotenv import dotenv_values

from bot.domain.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///var/clinic.db"
DEFAULT_TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_TWILIO_BASE_URL = "https://api.twilio.com"
DEFAULT_CALL_AFTER_PAGES = 2
# The example every phone setting's error cites: it must itself pass (a test checks it).
PHONE_EXAMPLE = "+14155550123"
_TOKEN_RE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,100}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # Telegram's rule for secret_token


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    from_number: str | None
    messaging_service_sid: str | None
    base_url: str
    # The number voice calls to on-call come from (Twilio needs one even with a service).
    caller_id: str | None = None


@dataclass(frozen=True)
class Settings:
    telegram_bot_token: str | None
    telegram_base_url: str
    database_url: str
    staff_chat_id: int | None
    staff_user_ids: frozenset[int]
    oncall_phone: str | None
    twilio: TwilioSettings | None
    public_base_url: str | None
    telegram_webhook_secret: str | None
    port: int
    clinic_profile: Path | None
    log_level: str = "INFO"
    oncall_backup_phone: str | None = None
    oncall_call_after_pages: int = DEFAULT_CALL_AFTER_PAGES
    extra: Mapping[str, str] = field(default_factory=dict)
    # The Mini App's calendar page (https; Telegram opens only those); None: chat buttons only.
    mini_app_url: str | None = None
    # CPU_AFFINITY: the CPUs this process's threads may run on (bot/runtime.py); None: any.
    cpu_affinity: frozenset[int] | None = None

    @property
    def sms_enabled(self) -> bool:
        return self.twilio is not None


def _fail(name: str, problem: str, fix: str) -> ConfigError:
    return ConfigError(f"{name}: {problem}. Fix: {fix} (see config.example.env).")


def _opt(env: Mapping[str, str | None], name: str) -> str | None:
    value = env.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _int(env: Mapping[str, str | None], name: str, *, fix: str) -> int | None:
    raw = _opt(env, name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise _fail(name, f"{raw!r} is not a whole number", fix) from None


def _url(env: Mapping[str, str | None], name: str, *, default: str | None = None) -> str | None:
    raw = _opt(env, name) or default
    if raw is None:
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise _fail(
            name, f"{raw!r} is not an http(s) URL", "give a full URL like https://host/path"
        )
    return raw.rstrip("/") if name != "TELEGRAM_BASE_URL" else raw


def _phone(env: Mapping[str, str | None], name: str) -> str | None:
    raw = _opt(env, name)
    if raw is None:
        return None
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise _fail(name, "is not a valid phone number", f"use E.164 form, e.g. {PHONE_EXAMPLE}")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


# Hosting platforms hand out postgres://... (Heroku, Render, Fly) or postgresql://...; SQLAlchemy
# reads the first as an unknown dialect and the second as psycopg2, which is not installed.
_POSTGRES_SCHEMES = ("postgres://", "postgresql://", "postgresql+psycopg://")


def database_url_for(url: str) -> str:
    """DATABASE_URL as SQLAlchemy needs it: PostgreSQL URLs mapped to the psycopg driver."""
    for scheme in _POSTGRES_SCHEMES:
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    if url.startswith("sqlite:"):
        return url
    raise _fail(
        "DATABASE_URL",
        "only SQLite and PostgreSQL are supported",
        "use sqlite:///path.db, or postgres://user:password@host/db as hosting platforms give it",
    )


def parse_settings(env: Mapping[str, str | None]) -> Settings:
    """Build and validate settings from a mapping of environment variables."""
    token = _opt(env, "TELEGRAM_BOT_TOKEN")
    if token is not None and not _TOKEN_RE.match(token):
        raise _fail(
            "TELEGRAM_BOT_TOKEN",
            "does not look like a bot token",
            "copy the token BotFather gave you (digits, a colon, then letters); leave it empty to "
            "use the local sandbox",
        )
    staff_ids: set[int] = set()
    for part in (_opt(env, "STAFF_USER_IDS") or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            staff_ids.add(int(part))
        except ValueError:
            raise _fail(
                "STAFF_USER_IDS", f"{part!r} is not a Telegram user id", "list numeric ids: 111,222"
            ) from None

    twilio: TwilioSettings | None = None
    sid = _opt(env, "TWILIO_ACCOUNT_SID")
    auth = _opt(env, "TWILIO_AUTH_TOKEN")
    from_number = _phone(env, "TWILIO_FROM_NUMBER")
    service_sid = _opt(env, "TWILIO_MESSAGING_SERVICE_SID")
    if sid or auth or from_number or service_sid:
        if not sid or not sid.startswith("AC"):
            raise _fail("TWILIO_ACCOUNT_SID", "missing or not an account SID", "it starts with AC")
        if not auth:
            raise _fail("TWILIO_AUTH_TOKEN", "missing", "copy the auth token from Twilio's console")
        if bool(from_number) == bool(service_sid):
            raise _fail(
                "TWILIO_FROM_NUMBER",
                "set exactly one of TWILIO_FROM_NUMBER and TWILIO_MESSAGING_SERVICE_SID",
                "keep the one you use and empty the other",
            )
        if service_sid and not service_sid.startswith("MG"):
            raise _fail("TWILIO_MESSAGING_SERVICE_SID", "is not a service SID", "it starts with MG")
        twilio = TwilioSettings(
            account_sid=sid,
            auth_token=auth,
            from_number=from_number,
            messaging_service_sid=service_sid,
            base_url=_url(env, "TWILIO_BASE_URL", default=DEFAULT_TWILIO_BASE_URL)
            or DEFAULT_TWILIO_BASE_URL,
            caller_id=_phone(env, "TWILIO_CALLER_ID") or from_number,
        )
    elif _opt(env, "TWILIO_CALLER_ID") is not None:
        raise _fail(
            "TWILIO_CALLER_ID",
            "is set but Twilio is not configured",
            "set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and a sender, or empty it",
        )
    oncall = _phone(env, "ONCALL_PHONE")
    backup = _phone(env, "ONCALL_BACKUP_PHONE")
    if backup is not None and oncall is None:
        raise _fail(
            "ONCALL_BACKUP_PHONE",
            "is set without ONCALL_PHONE: the backup is called when on-call does not answer",
            "set ONCALL_PHONE too",
        )
    if backup is not None and backup == oncall:
        raise _fail(
            "ONCALL_BACKUP_PHONE",
            "is the on-call number itself",
            "give another person's phone, or leave it empty",
        )
    call_after = _int(env, "ONCALL_CALL_AFTER_PAGES", fix="a whole number of pages, e.g. 2")
    if call_after is not None and not 1 <= call_after <= 10:
        raise _fail(
            "ONCALL_CALL_AFTER_PAGES",
            f"{call_after} is out of range",
            "use 1-10 unacknowledged pages before the voice call, e.g. 2",
        )
    if twilio is not None and oncall is not None and twilio.caller_id is None:
        raise _fail(
            "TWILIO_CALLER_ID",
            "is required to call the on-call phone when SMS goes through a Messaging Service",
            f"set the E.164 Twilio number calls come from, e.g. {PHONE_EXAMPLE}",
        )

    secret = _opt(env, "TELEGRAM_WEBHOOK_SECRET")
    if secret is not None and not _SECRET_RE.match(secret):
        raise _fail(
            "TELEGRAM_WEBHOOK_SECRET",
            "may hold only A-Z, a-z, 0-9, _ and - (1-256 characters)",
            "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'",
        )
    public = _url(env, "PUBLIC_BASE_URL")
    if twilio is not None and public is None:
        raise _fail(
            "PUBLIC_BASE_URL",
            "is required with SMS: Twilio must reach /twilio/sms to deliver replies such as STOP",
            "set the public https URL of this server and point Twilio's webhook at "
            "PUBLIC_BASE_URL/twilio/sms",
        )
    if public is not None and token is not None and secret is None:
        raise _fail(
            "TELEGRAM_WEBHOOK_SECRET",
            "is required when PUBLIC_BASE_URL turns on webhook mode",
            "set a random secret so only Telegram can post updates",
        )
    mini_app = _mini_app_url(env, public=public, token=token)
    port = _int(env, "PORT", fix="a TCP port such as 8080")
    if port is not None and not 1 <= port <= 65535:
        raise _fail("PORT", f"{port} is out of range", "use 1-65535")
    profile_raw = _opt(env, "CLINIC_PROFILE")
    profile = Path(profile_raw) if profile_raw else None
    if profile is not None and not profile.is_file():
        raise _fail("CLINIC_PROFILE", f"no file at {profile}", "point it at a readable .toml file")
    level = (_opt(env, "LOG_LEVEL") or "INFO").upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise _fail("LOG_LEVEL", f"{level!r} is not a level", "use DEBUG, INFO, WARNING or ERROR")
    database_url = database_url_for(_opt(env, "DATABASE_URL") or DEFAULT_DATABASE_URL)
    staff_chat_id = _int(
        env, "STAFF_CHAT_ID", fix="the numeric id of the staff group, e.g. -100123"
    )
    if token is not None:
        # Real mode: a red flag must always have somewhere to go (issue 10 item 5).
        if staff_chat_id is None:
            raise _fail(
                "STAFF_CHAT_ID",
                "is required with TELEGRAM_BOT_TOKEN: alerts and notices go to the staff chat",
                "add the bot to the staff group and set its numeric id, e.g. -100123",
            )
        if not staff_ids:
            raise _fail(
                "STAFF_USER_IDS",
                "is required with TELEGRAM_BOT_TOKEN: nobody could acknowledge an alert",
                "list the staff members' numeric Telegram user ids: 111,222",
            )
        if twilio is not None and oncall is None:
            raise _fail(
                "ONCALL_PHONE",
                "is required with Twilio: urgent alerts page the on-call phone",
                f"set the on-call clinician's number in E.164 form, e.g. {PHONE_EXAMPLE}",
            )
    return Settings(
        telegram_bot_token=token,
        telegram_base_url=_url(env, "TELEGRAM_BASE_URL", default=DEFAULT_TELEGRAM_BASE_URL)
        or DEFAULT_TELEGRAM_BASE_URL,
        database_url=database_url,
        staff_chat_id=staff_chat_id,
        staff_user_ids=frozenset(staff_ids),
        oncall_phone=oncall,
        twilio=twilio,
        public_base_url=public,
        telegram_webhook_secret=secret,
        port=port or 8080,
        clinic_profile=profile,
        log_level=level,
        oncall_backup_phone=backup,
        oncall_call_after_pages=call_after or DEFAULT_CALL_AFTER_PAGES,
        mini_app_url=mini_app,
        cpu_affinity=_cpu_affinity(env),
    )


MINI_APP_PATH = "/miniapp"


def _mini_app_url(
    env: Mapping[str, str | None], *, public: str | None, token: str | None
) -> str | None:
    """MINI_APP_URL, or PUBLIC_BASE_URL/miniapp when that is https; "off" turns it off.

    The page is served by this bot's HTTP server, which runs in webhook mode only, and Telegram
    opens Mini Apps only from https URLs.
    """
    raw = _opt(env, "MINI_APP_URL")
    if raw is not None and raw.lower() == "off":
        return None
    if raw is None:
        if token is None or public is None or not public.startswith("https://"):
            return None
        return public + MINI_APP_PATH
    url = _url(env, "MINI_APP_URL")
    if url is None or not url.startswith("https://"):
        raise _fail(
            "MINI_APP_URL",
            "must be an https URL (Telegram opens Mini Apps only over https)",
            "set https://your-host/miniapp, or off",
        )
    if public is None:
        raise _fail(
            "MINI_APP_URL",
            "needs PUBLIC_BASE_URL: the page is served by the bot's HTTP server (webhook mode)",
            "set PUBLIC_BASE_URL too, or empty MINI_APP_URL",
        )
    return url


_CPU_PART = re.compile(r"^([0-9]{1,4})(?:-([0-9]{1,4}))?$")


def _cpu_affinity(env: Mapping[str, str | None]) -> frozenset[int] | None:
    """CPU_AFFINITY: CPU numbers and ranges ("0", "0,2", "1-3") this process may run on.

    Only the form and the machine's CPU count are checked here: whether this process may use
    them is known when it asks (bot/runtime.py `keep_to_cpus`), so `migrate` and the other
    commands read the same settings on a narrower set of CPUs.
    """
    raw = _opt(env, "CPU_AFFINITY")
    if raw is None:
        return None
    fix = "give CPU numbers or ranges this machine has, e.g. 0 or 0,2 or 1-3; or leave it empty"
    if not hasattr(os, "sched_setaffinity"):
        raise _fail(
            "CPU_AFFINITY", "is not supported on this system (Linux only)", "leave it empty"
        )
    count = os.cpu_count() or 1
    cpus: set[int] = set()
    for part in raw.split(","):
        found = _CPU_PART.match(part.strip())
        if found is None:
            raise _fail("CPU_AFFINITY", f"{raw!r} is not a list of CPUs", fix)
        low = int(found.group(1))
        high = int(found.group(2) or low)
        if high < low:
            raise _fail("CPU_AFFINITY", f"{part.strip()!r} is an empty range", fix)
        if high >= count:
            raise _fail("CPU_AFFINITY", f"CPU {high} does not exist here (CPUs 0-{count - 1})", fix)
        cpus.update(range(low, high + 1))
    return frozenset(cpus)


def load_settings(env_file: str | os.PathLike[str] | None = ".env") -> Settings:
    """Read `.env` (if present) under the real environment, then validate."""
    merged: dict[str, str | None] = {}
    if env_file is not None and Path(env_file).is_file():
        merged.update(dotenv_values(env_file))
    merged.update(os.environ)
    return parse_settings(merged)
