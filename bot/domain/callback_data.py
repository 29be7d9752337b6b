"""Every inline button's callback data: the codes, their layout, packing, reading and the limit.

Callback data is `<prefix>:<verb>[:<argument>...]`: ASCII parts of up to 40 of A-Z a-z 0-9 _ . -,
joined by ":", at most 64 bytes in UTF-8 (Telegram's limit, checked when a button is packed).
Buttons stay on people's screens for days, so the layouts below are a wire format: change one
only with a reader for the old layout kept beside it (tests/unit/test_callback_data.py pins them).

  bk:<verb>:<draft version>:<argument>    a step of the booking in progress (BookingStep)
  mn:<verb>                               the main menu and consent (MenuPress)
  mn:lg:<language>                        the language button: en, es (MenuPress)
  ap:<verb>:<appointment id>              an appointment: change, cancel, calendar file
  rm:<verb>:<appointment id>              a reminder's answer: confirm, driver arranged or not
  wl:p|j:<service>:<days mask>:<part>:<earliest weeks>:<latest weeks>   waitlist choices
  wl:x | wl:m                             waitlist: not now, my waitlist (WaitlistPress)
  wl:l|a|d:<id>                           waitlist: leave an entry, accept / decline an offer
  pv:<verb>                               /mydata: send a copy, delete (and confirm or keep)
  ci:<check-in id>:<question>:<option>    a check-in answer (CheckinAnswer)
  cc:<answer>:<kind>                      the "are you safe right now?" check (CrisisCheckPress)
  esc:ack:<escalation id>                 Acknowledge on a red-flag alert (EscalationAck)
  st:<action>:<number>[:<number>]         a staff button (StaffPress)

`unpack` reads any of them into its typed record, or None for anything else (an old client, a
forged press, a code no longer made): the handlers answer None as an expired button.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from bot.domain.crisis import CheckAnswer, CrisisKind
from bot.domain.language import Language
from bot.domain.waitlist import PartOfDay

LIMIT = 64  # bytes, Telegram's limit for callback_data
_PART = re.compile(r"[A-Za-z0-9_.-]{0,40}")
_NUMBER = re.compile(r"[0-9]{1,12}")
_SMALL = re.compile(r"[0-9]{1,3}")
_QUESTION = re.compile(r"[A-Z][A-Z0-9_]{0,7}")
_OPTION = re.compile(r"[a-z0-9_]{1,8}")


class CallbackDataError(ValueError):
    """A button whose data Telegram would refuse (too long, or a part that cannot be read back)."""


class Prefix(StrEnum):
    BOOKING = "bk"
    MENU = "mn"
    APPOINTMENT = "ap"
    REMINDER = "rm"
    WAITLIST = "wl"
    PRIVACY = "pv"
    CHECKIN = "ci"
    CRISIS_CHECK = "cc"
    ESCALATION = "esc"
    STAFF = "st"


class BookingVerb(StrEnum):
    SERVICE = "sv"
    WEEK = "wk"
    DAY = "dy"
    TIME = "tm"
    OTHER_DAYS = "ot"
    SCREENING = "sq"
    NO_MEDICINES = "md"
    PAIN = "pn"
    DRIVER = "dr"
    SMS = "sm"
    PHONE_CODE = "pc"
    CONFIRM = "ok"
    CHANGE = "ch"
    KEEP = "kp"
    STOP = "qt"
    RESUME = "rs"
    RESTART = "rr"


class MenuVerb(StrEnum):
    BOOK = "bk"
    APPOINTMENTS = "ap"
    CONTACT = "ct"
    PRIVACY = "pv"
    CONSENT_YES = "cy"
    CONSENT_NO = "cn"
    SCREENING = "sq"  # the health questions alone (a patient who was never asked them)
    LANGUAGE = "lg"  # mn:lg:<language code>: read the bot in that language (issue 15)


class AppointmentVerb(StrEnum):
    RESCHEDULE = "rs"
    ASK_CANCEL = "cx"
    CANCEL = "cy"
    KEEP = "ck"
    CALENDAR = "ic"


class ReminderVerb(StrEnum):
    CONFIRM = "ok"
    DRIVER_YES = "dy"
    DRIVER_NO = "dn"


class WaitlistVerb(StrEnum):
    CHOICES = "p"
    JOIN = "j"
    NOT_NOW = "x"
    MINE = "m"
    LEAVE = "l"
    ACCEPT = "a"
    DECLINE = "d"


class PrivacyVerb(StrEnum):
    EXPORT = "ex"
    DELETE = "dl"
    DELETE_YES = "dy"
    DELETE_NO = "dn"


class EscalationVerb(StrEnum):
    ACK = "ack"


class StaffAction(StrEnum):
    APPROVE = "ap"  # patient id[:consultation id]
    DONE = "dn"  # appointment id[:version]
    LEAVING_NOW = "dl"  # appointment id[:version]
    NO_SHOW = "ns"  # appointment id[:version]
    CLOSE_TASK = "cl"  # task id: asks what was done
    CLOSE_FLAG = "ce"  # escalation id: asks what was done
    TASK_OUTCOME = "co"  # task id:outcome number (1-3)
    FLAG_OUTCOME = "cx"  # escalation id:outcome number (1-3)
    CONFIRM_SERIES = "sc"  # draft id
    BLOCK_ANYWAY = "bf"  # draft id
    CANCEL_DRAFT = "xx"  # draft id
    UNBLOCK = "ub"  # block id
    OFFER = "of"  # draft id:slot index
    PATIENT = "pt"  # patient id


_WAITLIST_CHOICES = frozenset({WaitlistVerb.CHOICES, WaitlistVerb.JOIN})
_WAITLIST_ITEMS = frozenset({WaitlistVerb.LEAVE, WaitlistVerb.ACCEPT, WaitlistVerb.DECLINE})
_WAITLIST_PLAIN = frozenset({WaitlistVerb.NOT_NOW, WaitlistVerb.MINE})


def _pack(*parts: object) -> str:
    """Join parts into callback data, refusing anything Telegram would reject or we could not read."""
    texts = [str(part) for part in parts]
    for text in texts:
        if not _PART.fullmatch(text):
            raise CallbackDataError(f"callback part {text!r} must be up to 40 of A-Z a-z 0-9 _ . -")
    data = ":".join(texts)
    if len(data.encode("utf-8")) > LIMIT:
        raise CallbackDataError(f"callback data {data!r} is longer than {LIMIT} bytes")
    return data


@dataclass(frozen=True)
class BookingStep:
    """`bk:<verb>:<version>:<arg>`: a button of the draft at `version` (the arg may be empty)."""

    verb: BookingVerb
    version: int
    arg: str = ""

    def pack(self) -> str:
        return _pack(Prefix.BOOKING, self.verb, self.version, self.arg)


@dataclass(frozen=True)
class MenuPress:
    verb: MenuVerb
    language: str = ""  # LANGUAGE only: the code chosen ("en", "es")

    def pack(self) -> str:
        if self.verb is MenuVerb.LANGUAGE:
            return _pack(Prefix.MENU, self.verb, self.language)
        return _pack(Prefix.MENU, self.verb)


@dataclass(frozen=True)
class AppointmentPress:
    verb: AppointmentVerb
    appointment_id: int

    def pack(self) -> str:
        return _pack(Prefix.APPOINTMENT, self.verb, self.appointment_id)


@dataclass(frozen=True)
class ReminderPress:
    verb: ReminderVerb
    appointment_id: int

    def pack(self) -> str:
        return _pack(Prefix.REMINDER, self.verb, self.appointment_id)


@dataclass(frozen=True)
class WaitlistChoices:
    """The choices being made ride in the button itself (nothing is stored until Join)."""

    verb: WaitlistVerb  # CHOICES (show the screen with these) or JOIN (join with them)
    service: str
    mask: int = 0  # weekdays, bit 0 = Monday; 0 = any day
    part: PartOfDay = PartOfDay.ANY
    earliest: int = 0  # weeks from now; 0 = now
    latest: int = 0  # weeks ahead; 0 = any date

    def pack(self) -> str:
        if self.verb not in _WAITLIST_CHOICES:
            raise CallbackDataError(f"wl:{self.verb} carries no choices")
        numbers = (self.mask, self.earliest, self.latest)
        if not all(0 <= n <= 999 for n in numbers):
            raise CallbackDataError(f"waitlist choices {numbers} out of range")
        return _pack(Prefix.WAITLIST, self.verb, self.service, self.mask, self.part, *numbers[1:])


@dataclass(frozen=True)
class WaitlistPress:
    """`wl:x` (not now), `wl:m` (my waitlist), or `wl:l|a|d:<id>` (leave, accept, decline)."""

    verb: WaitlistVerb
    number: int | None = None

    def pack(self) -> str:
        if self.number is None and self.verb in _WAITLIST_PLAIN:
            return _pack(Prefix.WAITLIST, self.verb)
        if self.number is not None and self.verb in _WAITLIST_ITEMS:
            return _pack(Prefix.WAITLIST, self.verb, self.number)
        raise CallbackDataError(f"wl:{self.verb} with number {self.number!r}")


@dataclass(frozen=True)
class PrivacyPress:
    verb: PrivacyVerb

    def pack(self) -> str:
        return _pack(Prefix.PRIVACY, self.verb)


@dataclass(frozen=True)
class CheckinAnswer:
    checkin_id: int
    question: str
    option: str

    def pack(self) -> str:
        if not (_QUESTION.fullmatch(self.question) and _OPTION.fullmatch(self.option)):
            raise CallbackDataError(f"check-in codes {self.question!r}/{self.option!r}")
        return _pack(Prefix.CHECKIN, self.checkin_id, self.question, self.option)


@dataclass(frozen=True)
class CrisisCheckPress:
    """The pressing user says whose check it is; the button says the answer and the kind."""

    answer: CheckAnswer
    kind: CrisisKind

    def pack(self) -> str:
        return _pack(Prefix.CRISIS_CHECK, self.answer, self.kind)


@dataclass(frozen=True)
class EscalationAck:
    escalation_id: int

    def pack(self) -> str:
        return _pack(Prefix.ESCALATION, EscalationVerb.ACK, self.escalation_id)


@dataclass(frozen=True)
class StaffPress:
    """`st:<action>:<number>[:<extra>]`; what the numbers are depends on the action."""

    action: StaffAction
    number: int
    extra: int | None = None

    def pack(self) -> str:
        if self.extra is None:
            return _pack(Prefix.STAFF, self.action, self.number)
        return _pack(Prefix.STAFF, self.action, self.number, self.extra)

    def about(self, number: int, actions: Collection[StaffAction]) -> bool:
        """Whether this button acts on `number` with one of `actions` (ids compared whole)."""
        return self.number == number and self.action in actions


Callback = (
    BookingStep
    | MenuPress
    | AppointmentPress
    | ReminderPress
    | WaitlistChoices
    | WaitlistPress
    | PrivacyPress
    | CheckinAnswer
    | CrisisCheckPress
    | EscalationAck
    | StaffPress
)
WaitlistButton = WaitlistChoices | WaitlistPress

_E = TypeVar("_E", bound=StrEnum)
_C = TypeVar("_C")


def _member(kind: type[_E], text: str) -> _E | None:
    try:
        return kind(text)
    except ValueError:
        return None


def _number(text: str) -> int | None:
    return int(text) if _NUMBER.fullmatch(text) else None


def _booking(args: list[str]) -> BookingStep | None:
    # Every button made has the argument part, empty or not; "bk:ok:7" is read as "bk:ok:7:".
    if len(args) not in (2, 3):
        return None
    verb, version = _member(BookingVerb, args[0]), _number(args[1])
    if verb is None or version is None:
        return None
    return BookingStep(verb, version, args[2] if len(args) == 3 else "")


def _menu(args: list[str]) -> MenuPress | None:
    verb = _member(MenuVerb, args[0]) if args else None
    if verb is MenuVerb.LANGUAGE:
        known = len(args) == 2 and args[1] in {language.value for language in Language}
        return MenuPress(verb, args[1]) if known else None
    return MenuPress(verb) if verb is not None and len(args) == 1 else None


def _appointment(args: list[str]) -> AppointmentPress | None:
    if len(args) != 2:
        return None
    verb, number = _member(AppointmentVerb, args[0]), _number(args[1])
    return AppointmentPress(verb, number) if verb is not None and number is not None else None


def _reminder(args: list[str]) -> ReminderPress | None:
    if len(args) != 2:
        return None
    verb, number = _member(ReminderVerb, args[0]), _number(args[1])
    return ReminderPress(verb, number) if verb is not None and number is not None else None


def _waitlist(args: list[str]) -> WaitlistChoices | WaitlistPress | None:
    verb = _member(WaitlistVerb, args[0])
    if verb in _WAITLIST_CHOICES and len(args) == 6:
        service, mask, part, earliest, latest = args[1:]
        small = all(_SMALL.fullmatch(n) for n in (mask, earliest, latest))
        kind = _member(PartOfDay, part)
        if not service or not small or kind is None:
            return None
        return WaitlistChoices(verb, service, int(mask), kind, int(earliest), int(latest))
    if verb in _WAITLIST_PLAIN and len(args) == 1:
        return WaitlistPress(verb)
    number = _number(args[1]) if len(args) == 2 else None
    if verb in _WAITLIST_ITEMS and number is not None:
        return WaitlistPress(verb, number)
    return None


def _privacy(args: list[str]) -> PrivacyPress | None:
    verb = _member(PrivacyVerb, args[0]) if len(args) == 1 else None
    return PrivacyPress(verb) if verb is not None else None


def _checkin(args: list[str]) -> CheckinAnswer | None:
    if len(args) != 3:
        return None
    number, question, option = _number(args[0]), args[1], args[2]
    if number is None or not (_QUESTION.fullmatch(question) and _OPTION.fullmatch(option)):
        return None
    return CheckinAnswer(number, question, option)


def _crisis_check(args: list[str]) -> CrisisCheckPress | None:
    if len(args) != 2:
        return None
    answer, kind = _member(CheckAnswer, args[0]), _member(CrisisKind, args[1])
    return CrisisCheckPress(answer, kind) if answer is not None and kind is not None else None


def _escalation(args: list[str]) -> EscalationAck | None:
    if len(args) != 2 or args[0] != EscalationVerb.ACK:
        return None
    number = _number(args[1])
    return EscalationAck(number) if number is not None else None


def _staff(args: list[str]) -> StaffPress | None:
    if len(args) not in (2, 3):
        return None
    action, number = _member(StaffAction, args[0]), _number(args[1])
    extra = _number(args[2]) if len(args) == 3 else None
    if action is None or number is None or (len(args) == 3 and extra is None):
        return None
    return StaffPress(action, number, extra)


_READERS: dict[str, Callable[[list[str]], Callback | None]] = {
    Prefix.BOOKING: _booking,
    Prefix.MENU: _menu,
    Prefix.APPOINTMENT: _appointment,
    Prefix.REMINDER: _reminder,
    Prefix.WAITLIST: _waitlist,
    Prefix.PRIVACY: _privacy,
    Prefix.CHECKIN: _checkin,
    Prefix.CRISIS_CHECK: _crisis_check,
    Prefix.ESCALATION: _escalation,
    Prefix.STAFF: _staff,
}


def unpack(data: object) -> Callback | None:
    """The typed press for callback data; None for anything malformed, unknown or too long."""
    if not isinstance(data, str) or len(data.encode("utf-8")) > LIMIT:
        return None
    parts = data.split(":")
    if len(parts) < 2 or not all(_PART.fullmatch(part) for part in parts):
        return None
    reader = _READERS.get(parts[0])
    return reader(parts[1:]) if reader is not None else None


def unpack_as(data: object, kind: type[_C]) -> _C | None:
    """`unpack`, keeping only a press of `kind` (e.g. a StaffPress)."""
    press = unpack(data)
    return press if isinstance(press, kind) else None


def matches(*kinds: type) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern: data that unpacks to one of `kinds`."""

    def check(data: object) -> bool:
        return isinstance(unpack(data), kinds)

    return check


# Presses whose handlers answer with messages only, never a toast or an alert: in webhook mode
# such a press in a private chat is answered in the webhook's own response (bot/updates.py), so
# the spinner stops as soon as the update is stored, and the reply costs one Bot API call fewer.
# A prefix goes here only if no reply to its presses can carry a toast (handlers/common.py logs
# one that would be lost), and a second tap (the spinner stops sooner) does nothing twice: not
# privacy, whose "send me a copy" would send and log a second export.
ANSWERED_ON_RECEIPT = frozenset({Prefix.MENU, Prefix.APPOINTMENT, Prefix.REMINDER})


def answered_on_receipt(data: object) -> bool:
    """Whether a press with this callback data is answered in the webhook's response."""
    if not isinstance(data, str):
        return False
    prefix, colon, _rest = data.partition(":")
    return bool(colon) and prefix in ANSWERED_ON_RECEIPT


def has_prefix(prefix: Prefix) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern for a whole area: its handler answers what it cannot read."""
    start = f"{prefix}:"

    def check(data: object) -> bool:
        return isinstance(data, str) and data.startswith(start)

    return check


def staff_buttons_about(number: int, *actions: StaffAction) -> Callable[[object], bool]:
    """Whether a button's data is a staff button acting on `number` with one of `actions`."""

    def check(data: object) -> bool:
        press = unpack_as(data, StaffPress)
        return press is not None and press.about(number, actions)

    return check
