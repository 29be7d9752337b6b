"""Errors named for the business; the edges turn them into kind words for people."""

from __future__ import annotations

from datetime import datetime


class ClinicError(Exception):
    """Base of every expected, explainable failure."""


class ConfigError(ClinicError):
    """A deployment setting or the clinic profile is missing or malformed."""


class UnknownService(ClinicError):
    def __init__(self, code: str) -> None:
        super().__init__(f"unknown service {code!r}")
        self.code = code


class InvalidSlot(ClinicError):
    """The requested start is not a bookable time (outside hours, past, off-grid, too soon...)."""


class PatientBusy(InvalidSlot):
    """The patient already has an appointment overlapping this time."""


class SlotTaken(ClinicError):
    """Somebody else booked this time first; offer the next free times."""

    def __init__(self, start: datetime) -> None:
        super().__init__(f"slot at {start.isoformat()} was just taken")
        self.start = start


class NotApproved(ClinicError):
    """Only approved patients may book treatment sessions."""


class TooLateToCancel(ClinicError):
    """Cancellation or change inside the cut-off when the policy refuses it."""


class AppointmentNotFound(ClinicError):
    pass


class AppointmentNotActive(ClinicError):
    """The appointment was already cancelled, completed or marked no-show."""


class StaleButton(ClinicError):
    """A staff button made for an older state of the appointment: what happened since."""


class InvalidPhone(ClinicError):
    pass


class NotAuthorised(ClinicError):
    pass
