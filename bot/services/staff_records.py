"""Staff operations: the limits, errors and plain records they return (what the views render)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.db.models import BookingDraft, Patient, TimeBlock
from bot.domain.errors import ClinicError
from bot.presentation.staff_views import (
    BlockView,
    PatientMatch,
)
from bot.services.availability import HOLDING

# A red flag's staff task carries this key prefix and the escalation id.
ESCALATION_TASK_PREFIX = "escalation:"
# How far back the digest looks for treatment sessions nobody closed.
OPEN_SESSION_LOOKBACK = timedelta(days=7)

STAFF_CHANNEL = "staff"
SERIES_FLOW = "staff_series"
BLOCK_FLOW = "staff_block"
OFFER_FLOW = "staff_offer"
STEP_OPEN = "confirm"
STEP_DONE = "done"
STEP_CANCELLED = "cancelled"
DRAFT_TTL = timedelta(hours=24)
MAX_SERIES = 20
MAX_EXPORT_DAYS = 731
OFFERED_SLOTS = 6
MEDICINES_CODE = "S10"
DRIVER_CODE = "S12"
RECENT_CHECKINS = 5
RECENT_APPOINTMENTS = 5
MATCH_LIMIT = 10
HOLDING_VALUES = tuple(status.value for status in HOLDING)


# --- errors ------------------------------------------------------------------------------


class PatientNotFound(ClinicError):
    """No patient matches what staff typed."""


class AmbiguousPatient(ClinicError):
    """Several patients match; staff pick one from `matches`."""

    def __init__(self, matches: Sequence[PatientMatch]) -> None:
        super().__init__(f"{len(matches)} patients match")
        self.matches = list(matches)


class SeriesDoesNotFit(ClinicError):
    """No run of free times respects the service's gaps inside the booking horizon."""


class NotATreatment(ClinicError):
    """Series are for treatment services, not the consultation."""


class InvalidRequest(ClinicError):
    """Arguments that cannot be acted on (a past date, an empty range...): say why."""


class ApprovalRefused(ClinicError):
    """Approve without an attended consultation and without an override reason (issue 11)."""


class StaleAction(ClinicError):
    """A button whose draft expired, was used up or never existed."""


class BlockNotFound(ClinicError):
    pass


class TaskNotFound(ClinicError):
    pass


# --- records -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskClosed:
    task_id: int
    patient_name: str | None
    already: bool
    done_by: str | None
    outcome: str | None = None


EXPORT_COLUMNS = (
    "appointment_id",
    "patient_id",
    "patient_name",
    "service",
    "service_kind",
    "starts_local",
    "ends_local",
    "status",
    "confirmed",
    "created_by",
    "series_id",
    "late_cancel",
    "cancel_reason",
    "baseline_pain",
    "pain_D1",
    "reduction_D1_pct",
    "pain_D3",
    "reduction_D3_pct",
    "pain_D7",
    "reduction_D7_pct",
    "pain_D14",
    "reduction_D14_pct",
    "latest_pgic",
    "worst_side_effect",
)


def match_of(patient: Patient) -> PatientMatch:
    assert patient.id is not None
    return PatientMatch(
        id=patient.id,
        name=patient.name,
        phone=patient.phone_e164,
        channel=patient.preferred_channel,
        approved=patient.approved_at is not None,
    )


def block_view(block: TimeBlock) -> BlockView:
    assert block.id is not None
    return BlockView(
        id=block.id,
        starts_at=block.starts_at,
        ends_at=block.ends_at,
        pool=block.resource_pool,
        reason=block.reason,
    )


def draft_data(draft: BookingDraft) -> dict[str, Any]:
    data = json.loads(draft.data or "{}")
    return data if isinstance(data, dict) else {}
