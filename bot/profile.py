"""The clinic profile: one human-editable TOML file, loaded and validated at start-up."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from datetime import time, timedelta
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.domain.crisis import BadPhrase, check_negation, compile_phrase
from bot.domain.errors import ConfigError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RANGE_RE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceKind(StrEnum):
    CONSULTATION = "consultation"
    TREATMENT = "treatment"


class ClinicInfo(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=40)]
    address: Annotated[str, Field(min_length=1)]
    phone: Annotated[str, Field(min_length=3)]
    timezone: str
    phone_region: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = "US"
    privacy_url: str = ""
    sms_program: str
    sms_frequency: str

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not an IANA time zone such as America/New_York"
            ) from None
        return value


class BookingRules(_Strict):
    slot_step_minutes: Annotated[int, Field(ge=5, le=120)] = 15
    minimum_notice_hours: Annotated[float, Field(ge=0)] = 12
    horizon_days: Annotated[int, Field(ge=1, le=366)] = 60
    cancellation_cutoff_hours: Annotated[float, Field(ge=0)] = 24
    late_cancellation_policy: Literal["allow_and_flag", "refuse"] = "allow_and_flag"
    draft_expiry_hours: Annotated[float, Field(gt=0)] = 48

    @field_validator("slot_step_minutes")
    @classmethod
    def _divides_hour(cls, value: int) -> int:
        if 60 % value and value % 60:
            raise ValueError("must divide an hour (5, 10, 15, 20, 30) or be whole hours")
        return value


class Closure(_Strict):
    date: dt.date
    end_date: dt.date | None = None
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Closure:
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError("end_date is before date")
        return self

    def covers(self, day: dt.date) -> bool:
        return self.date <= day <= (self.end_date or self.date)


class Service(_Strict):
    label: Annotated[str, Field(min_length=1, max_length=60)]
    kind: ServiceKind
    duration_minutes: Annotated[int, Field(gt=0, le=12 * 60)]
    buffer_minutes: Annotated[int, Field(ge=0, le=240)] = 0
    resources: Annotated[list[str], Field(min_length=1)]
    requires_approval: bool
    fasting: bool = False
    driver_required: bool = False
    preparation: str = ""
    series_min_gap_days: Annotated[int, Field(ge=0)] = 1
    series_max_gap_days: Annotated[int, Field(ge=1)] = 7

    @model_validator(mode="after")
    def _gaps(self) -> Service:
        if self.series_max_gap_days < self.series_min_gap_days:
            raise ValueError("series_max_gap_days is below series_min_gap_days")
        return self

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)


class Fasting(_Strict):
    clear_liquids_until_hours: Annotated[float, Field(ge=0)] = 2
    light_meal_until_hours: Annotated[float, Field(ge=0)] = 6


class Reminders(_Strict):
    offsets_hours: list[Annotated[float, Field(gt=0)]] = [72, 24, 2]
    confirm_at_hours: list[float] = [72, 24]
    unconfirmed_call_list_hours: float = 24


class Sending(_Strict):
    # Messages per second one sender number may send (Twilio queues the excess): US long codes
    # 1/s, toll-free 3/s, short codes 100/s. Held for all replicas together.
    sms_per_second: Annotated[float, Field(gt=0, le=100)] = 1.0


class SessionEnd(_Strict):
    """What happens when nobody presses Done or No-show after a treatment session (issue 11)."""

    # After the scheduled end + this, the staff chat is asked (with both buttons) ...
    prompt_after_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 15
    # ... and asked once more this much later; then it is listed in the digest.
    repeat_after_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 30
    # Still nothing this long after the end: aftercare starts as if attended, marked "assumed".
    assume_attended_after_minutes: Annotated[int, Field(ge=1, le=48 * 60)] = 120
    # Done pressed more than this before the scheduled end asks staff to confirm the patient
    # is leaving now before the discharge advice goes out (issue 11 item 5).
    early_done_minutes: Annotated[int, Field(ge=1, le=12 * 60)] = 30

    @model_validator(mode="after")
    def _ordered(self) -> SessionEnd:
        if self.prompt_after_minutes + self.repeat_after_minutes >= (
            self.assume_attended_after_minutes
        ):
            raise ValueError(
                "assume_attended_after_minutes must come after the prompt and its repeat"
            )
        return self


class CrisisWords(_Strict):
    """Phrases the clinic adds to the built-in crisis lists (bot/domain/crisis.py), per class."""

    self_harm: list[str] = []
    emergency: list[str] = []
    negations: list[str] = []
    # Softer signs: the patient is asked "are you safe right now?" and staff get a notice.
    soft_self_harm: list[str] = []
    soft_emergency: list[str] = []
    # A soft sign's check unanswered this long (or answered "no" / "call me"): on-call is paged.
    check_minutes: Annotated[int, Field(ge=1, le=120)] = 10
    # The learned second stage (bot/domain/crisis_model.py) asks "are you safe right now?" when
    # it scores a message at or above this; lower catches more and asks more often.
    model_threshold: Annotated[float, Field(ge=0.5, le=0.99)] = 0.7

    @field_validator("self_harm", "emergency", "soft_self_harm", "soft_emergency")
    @classmethod
    def _phrases(cls, value: list[str]) -> list[str]:
        for phrase in value:
            try:
                compile_phrase(phrase)
            except BadPhrase as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("negations")
    @classmethod
    def _negations(cls, value: list[str]) -> list[str]:
        for word in value:
            try:
                check_negation(word)
            except BadPhrase as exc:
                raise ValueError(str(exc)) from None
        return value


class Waitlist(_Strict):
    """Freed times offered to waiting patients (issue 15 item 2)."""

    # in_order: one patient at a time, in the order they joined; first_to_accept: all at once.
    order: Literal["in_order", "first_to_accept"] = "in_order"
    # How long a patient has to accept an offered time before the next one is asked.
    offer_minutes: Annotated[int, Field(ge=5, le=24 * 60)] = 120


class Retention(_Strict):
    """How long what is only needed for a while is kept (the daily retention job removes it)."""

    # An abandoned booking's answers, counted from when the draft expired.
    expired_drafts_days: Annotated[int, Field(ge=0, le=3650)] = 7
    # The words of a message once it is sent, failed, skipped or cancelled (the row stays).
    message_bodies_days: Annotated[int, Field(ge=1, le=3650)] = 30
    # One-time phone codes and unconfirmed numbers typed with them.
    verification_codes_days: Annotated[int, Field(ge=1, le=3650)] = 30
    # Inbound Telegram updates and texts stored before handling, once handled.
    handled_inbound_days: Annotated[int, Field(ge=1, le=3650)] = 7
    # The pseudonymous clinical record of an erased patient (years; not removed by the job).
    clinical_record_years: Annotated[int, Field(ge=1, le=100)] = 7


class ClinicProfile(_Strict):
    clinic: ClinicInfo
    booking: BookingRules = BookingRules()
    hours: dict[str, list[str]]
    closures: list[Closure] = []
    resources: dict[str, Annotated[int, Field(ge=1, le=100)]]
    services: dict[str, Service]
    fasting: Fasting = Fasting()
    reminders: Reminders = Reminders()
    sending: Sending = Sending()
    session_end: SessionEnd = SessionEnd()
    # Overrides by key; a table per language ([texts.es]) overrides that language's words.
    texts: dict[str, str | dict[str, str]] = {}
    crisis: CrisisWords = CrisisWords()
    retention: Retention = Retention()
    waitlist: Waitlist = Waitlist()
    # Sections owned by other modules (check-ins, red flags) are validated by their own parsers.
    checkins: dict[str, Any] = {}
    red_flags: dict[str, Any] = {}

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(value) - set(WEEKDAYS)
        if unknown:
            raise ValueError(f"unknown weekday(s) {sorted(unknown)}; use {', '.join(WEEKDAYS)}")
        for day, ranges in value.items():
            for text in ranges:
                opens, closes = parse_range(text, where=day)
                if closes <= opens:
                    raise ValueError(f"{day}: {text!r} closes before it opens")
        return value

    @field_validator("services")
    @classmethod
    def _service_codes(cls, value: dict[str, Service]) -> dict[str, Service]:
        if not value:
            raise ValueError("at least one service is needed")
        for code in value:
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,23}", code):
                raise ValueError(f"service code {code!r}: use lowercase letters, digits, _ (<=24)")
        if not any(s.kind is ServiceKind.CONSULTATION for s in value.values()):
            raise ValueError("one service must be kind = 'consultation' (new patients book it)")
        return value

    @model_validator(mode="after")
    def _pools_exist(self) -> ClinicProfile:
        for code, service in self.services.items():
            for pool in service.resources:
                if pool not in self.resources:
                    raise ValueError(
                        f"services.{code}.resources: {pool!r} is not in [resources] "
                        f"({', '.join(sorted(self.resources))})"
                    )
        return self

    @model_validator(mode="after")
    def _early_done_fits(self) -> ClinicProfile:
        early = self.session_end.early_done_minutes
        for code, service in self.services.items():
            if service.kind is ServiceKind.TREATMENT and early >= service.duration_minutes:
                raise ValueError(
                    f"session_end.early_done_minutes ({early}) must be shorter than "
                    f"services.{code}.duration_minutes ({service.duration_minutes}), or Done "
                    "would never ask whether the patient is leaving early"
                )
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.clinic.timezone)

    def service(self, code: str) -> Service:
        from bot.domain.errors import UnknownService

        try:
            return self.services[code]
        except KeyError:
            raise UnknownService(code) from None

    @property
    def consultation_code(self) -> str:
        return next(c for c, s in self.services.items() if s.kind is ServiceKind.CONSULTATION)

    def opening_ranges(self, weekday: int) -> list[tuple[time, time]]:
        """Opening ranges for a weekday (0 = Monday), in clinic-local wall time."""
        return [
            parse_range(r, where=WEEKDAYS[weekday]) for r in self.hours.get(WEEKDAYS[weekday], [])
        ]


def parse_range(text: str, *, where: str) -> tuple[time, time]:
    match = _RANGE_RE.match(text.strip())
    if not match:
        raise ValueError(f"{where}: {text!r} is not a range like 08:30-17:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h2 == 24 and m2 == 0:
        h2, m2 = 23, 59
    try:
        return time(h1, m1), time(h2, m2)
    except ValueError:
        raise ValueError(f"{where}: {text!r} has an impossible time") from None


def default_profile_text() -> str:
    return resources.files("bot").joinpath("clinic_profile.toml").read_text(encoding="utf-8")


def _format_error(source: str, error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        path = ".".join(str(p) for p in item["loc"]) or "(top level)"
        parts.append(f"{path}: {item['msg']}")
    return f"clinic profile {source}: " + "; ".join(parts)


def parse_profile(text: str, *, source: str = "(built-in)") -> ClinicProfile:
    """Parse and validate profile TOML; raise ConfigError naming the field and the problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"clinic profile {source}: not valid TOML: {exc}") from None
    try:
        profile = ClinicProfile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_error(source, exc)) from None
    return profile


def load_profile(path: Path | None = None) -> ClinicProfile:
    """Load the clinic profile from `path`, or the built-in default."""
    if path is None:
        return parse_profile(default_profile_text())
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"CLINIC_PROFILE: cannot read {path}: {exc}") from None
    return parse_profile(text, source=str(path))
