"""The identifiers staff see for records: P-12 a patient, A-345 an appointment, F-7 a red flag
(T- a staff task, B- a block of closed time, W- a waitlist entry, R- an erasure request).

One function per kind writes them (the chat, the console, the digest and exports all call these),
and `parse_ref` reads what staff type back: the prefixed form, a bare number or "#12"; a number
with another kind's prefix (`/done P-12`) is refused with a reason a person can act on.
"""

from __future__ import annotations

import re
from enum import Enum


class RefKind(Enum):
    PATIENT = "P"
    APPOINTMENT = "A"
    FLAG = "F"
    TASK = "T"
    BLOCK = "B"
    WAITLIST = "W"
    REQUEST = "R"

    @property
    def noun(self) -> str:
        return _NOUNS[self]


_NOUNS = {
    RefKind.PATIENT: "a patient",
    RefKind.APPOINTMENT: "an appointment",
    RefKind.FLAG: "a red flag",
    RefKind.TASK: "a staff task",
    RefKind.BLOCK: "a block of closed time",
    RefKind.WAITLIST: "a waitlist entry",
    RefKind.REQUEST: "an erasure request",
}
_BY_PREFIX = {kind.value: kind for kind in RefKind}
_TYPED = re.compile(r"^\s*(?:#\s*)?(?:([A-Za-z])\s*-?\s*)?#?(\d{1,9})\s*$")


class BadRef(ValueError):
    """What staff typed is not an identifier of the kind asked for; the message says why."""


def ref(kind: RefKind, number: int | None) -> str:
    """The identifier of record `number` (a record not saved yet, without a number: P-?)."""
    return f"{kind.value}-{'?' if number is None else number}"


def patient_ref(patient_id: int | None) -> str:
    return ref(RefKind.PATIENT, patient_id)


def appointment_ref(appointment_id: int | None) -> str:
    return ref(RefKind.APPOINTMENT, appointment_id)


def flag_ref(escalation_id: int | None) -> str:
    return ref(RefKind.FLAG, escalation_id)


def task_ref(task_id: int | None) -> str:
    return ref(RefKind.TASK, task_id)


def block_ref(block_id: int | None) -> str:
    return ref(RefKind.BLOCK, block_id)


def waitlist_ref(entry_id: int | None) -> str:
    return ref(RefKind.WAITLIST, entry_id)


def request_ref(request_id: int | None) -> str:
    return ref(RefKind.REQUEST, request_id)


def looks_like_ref(text: str) -> bool:
    """True for anything shaped like an identifier (P-12, A-345, #12, 12)."""
    match = _TYPED.match(text)
    return match is not None and (match.group(1) is None or match.group(1).upper() in _BY_PREFIX)


def parse_ref(text: str, kind: RefKind) -> int:
    """The number in `text` as an identifier of `kind`: "A-345", "a345", "#345" or "345"."""
    match = _TYPED.match(text)
    example = ref(kind, 12)
    if match is None:
        raise BadRef(f"“{text.strip()}” is not {kind.noun} such as {example}")
    letter = (match.group(1) or kind.value).upper()
    number = int(match.group(2))
    if letter != kind.value:
        other = _BY_PREFIX.get(letter)
        if other is None:
            raise BadRef(f"“{text.strip()}” is not {kind.noun} such as {example}")
        raise BadRef(f"{ref(other, number)} is {other.noun}; this needs {kind.noun} ({example})")
    return number
