"""Staff operations: the day's schedule, patient look-up, approval, series, blocks, flags, export.

Every method takes plain values and returns plain records; the words are in
`bot.presentation.staff_messages`. Actions that need a second tap (a series to confirm, a block over
booked patients, a slot offered to a phone patient) keep their choices in a draft row, so the
buttons carry only its id and work after a restart or on another replica.

The use cases live by topic, one module each, and `StaffOps` puts them together for the handlers:
`staff_base` (the clinic day, the schedule, drafts), `staff_patients` (look-up, card, approval,
phone-only patients), `staff_series`, `staff_blocks`, `staff_flags` (flags, tasks, the digest) and
`staff_export` (CSV, outcomes); the records and errors they return are in `staff_records`.
"""

from __future__ import annotations

from bot.domain.screening import FLAG_ANSWERS
from bot.domain.screening import SCREENING_CODES as SCREENING_FLAG_CODES
from bot.presentation.staff_views import (
    LEVEL_ORDER,
    Approval,
    BlockOutcome,
    BlockView,
    CheckinLine,
    DaySchedule,
    Digest,
    Export,
    FlagItem,
    OfferBooked,
    PatientCard,
    PatientMatch,
    ScheduleEntry,
    SeriesBooking,
    SeriesPlan,
    SlotOffer,
    unit_sort_key,
)
from bot.services.staff_base import StaffOpsBase
from bot.services.staff_blocks import BlockOps
from bot.services.staff_export import ExportOps
from bot.services.staff_flags import FlagOps, close_escalation
from bot.services.staff_patients import PatientOps
from bot.services.staff_records import (
    BLOCK_FLOW,
    DRAFT_TTL,
    DRIVER_CODE,
    ESCALATION_TASK_PREFIX,
    EXPORT_COLUMNS,
    HOLDING_VALUES,
    MATCH_LIMIT,
    MAX_EXPORT_DAYS,
    MAX_SERIES,
    MEDICINES_CODE,
    OFFER_FLOW,
    OFFERED_SLOTS,
    OPEN_SESSION_LOOKBACK,
    RECENT_APPOINTMENTS,
    RECENT_CHECKINS,
    SERIES_FLOW,
    STAFF_CHANNEL,
    STEP_CANCELLED,
    STEP_DONE,
    STEP_OPEN,
    AmbiguousPatient,
    ApprovalRefused,
    BlockNotFound,
    InvalidRequest,
    NotATreatment,
    PatientNotFound,
    SeriesDoesNotFit,
    StaleAction,
    TaskClosed,
    TaskNotFound,
    block_view,
    draft_data,
    match_of,
)
from bot.services.staff_series import SeriesOps, plan_series_days

__all__ = [
    "BLOCK_FLOW",
    "DRAFT_TTL",
    "DRIVER_CODE",
    "ESCALATION_TASK_PREFIX",
    "EXPORT_COLUMNS",
    "FLAG_ANSWERS",
    "HOLDING_VALUES",
    "LEVEL_ORDER",
    "MATCH_LIMIT",
    "MAX_EXPORT_DAYS",
    "MAX_SERIES",
    "MEDICINES_CODE",
    "OFFERED_SLOTS",
    "OFFER_FLOW",
    "OPEN_SESSION_LOOKBACK",
    "RECENT_APPOINTMENTS",
    "RECENT_CHECKINS",
    "SCREENING_FLAG_CODES",
    "SERIES_FLOW",
    "STAFF_CHANNEL",
    "STEP_CANCELLED",
    "STEP_DONE",
    "STEP_OPEN",
    "AmbiguousPatient",
    "Approval",
    "ApprovalRefused",
    "BlockNotFound",
    "BlockOps",
    "BlockOutcome",
    "BlockView",
    "CheckinLine",
    "DaySchedule",
    "Digest",
    "Export",
    "ExportOps",
    "FlagItem",
    "FlagOps",
    "InvalidRequest",
    "NotATreatment",
    "OfferBooked",
    "PatientCard",
    "PatientMatch",
    "PatientNotFound",
    "PatientOps",
    "ScheduleEntry",
    "SeriesBooking",
    "SeriesDoesNotFit",
    "SeriesOps",
    "SeriesPlan",
    "SlotOffer",
    "StaffOps",
    "StaffOpsBase",
    "StaleAction",
    "TaskClosed",
    "TaskNotFound",
    "block_view",
    "close_escalation",
    "draft_data",
    "match_of",
    "plan_series_days",
    "unit_sort_key",
]


class StaffOps(PatientOps, SeriesOps, BlockOps, FlagOps, ExportOps):
    """The use cases behind the staff commands and buttons, every topic in one object."""
