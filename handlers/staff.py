"""Staff commands and buttons: read the update, check staff, call StaffOps, render the answer."""

from __future__ import annotations

import asyncio
import logging
from datetime import time

from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.domain.callback_data import (
    StaffPress,
    matches,
)
from bot.services.staff_ops import (
    StaffOps,
)
from handlers.staff_buttons import StaffButtons
from handlers.staff_plumbing import AnyApplication, Command, Context, StaffNeeds

log = logging.getLogger(__name__)

DIGEST_JOB = "staff-digest"
WARMUP_JOB = "staff-outcomes-warmup"


def register(application: AnyApplication, core: StaffNeeds) -> None:
    """Add the staff commands, the staff buttons and the daily digest job."""
    ops = core.staff_ops
    staff = StaffHandlers(core, ops)
    for name, command in staff.commands().items():
        application.add_handler(CommandHandler(name, command))
    # Only staff get the staff /help; everyone else falls through to the patients' /help.
    application.add_handler(
        CommandHandler(
            "help",
            staff.guarded("help", staff.help),
            filters=filters.User(user_id=sorted(core.staff.staff_user_ids)),
        )
    )
    application.add_handler(CallbackQueryHandler(staff.on_button, pattern=matches(StaffPress)))
    schedule_digest(application, core, ops)
    if application.job_queue is not None:

        async def warm_outcomes(_context: Context) -> None:
            await asyncio.to_thread(ops.clinic_outcomes)

        # Read the outcome history once in the background, so the first /outcomes is quick.
        application.job_queue.run_once(warm_outcomes, when=5, name=WARMUP_JOB)


def schedule_digest(application: AnyApplication, core: StaffNeeds, ops: StaffOps) -> None:
    """A daily job at each weekday's opening time (clinic time) queues the digest."""
    queue = application.job_queue
    if queue is None:
        log.warning("no JobQueue: the daily staff digest is not scheduled")
        return

    async def digest(_context: Context) -> None:
        if ops.queue_daily_digest():
            core.kick_outbox()

    openings: dict[time, list[int]] = {}
    for weekday in range(7):
        ranges = core.profile.opening_ranges(weekday)
        if ranges:
            openings.setdefault(ranges[0][0], []).append(weekday)

    for opens, weekdays in sorted(openings.items()):
        queue.run_daily(
            digest,
            time=opens.replace(tzinfo=core.profile.tz),
            # PTB counts days from Sunday (0); Python's weekday() from Monday (0).
            days=tuple(sorted((weekday + 1) % 7 for weekday in weekdays)),
            name=f"{DIGEST_JOB}-{opens:%H%M}",
        )


class StaffHandlers(StaffButtons):
    def __init__(self, core: StaffNeeds, ops: StaffOps) -> None:
        self.core = core
        self.ops = ops
        self.texts = core.texts
        self.profile = core.profile
        self.catalog = ops.outcomes.catalog
        self.screening = core.screening

    def commands(self) -> dict[str, Command]:
        return {
            "today": self.guarded("today", self.today),
            "tomorrow": self.guarded("tomorrow", self.tomorrow),
            "week": self.guarded("week", self.week),
            "patient": self.guarded("patient", self.patient),
            "approve": self.guarded("approve", self.approve),
            "series": self.guarded("series", self.series),
            "block": self.guarded("block", self.block),
            "unblock": self.guarded("unblock", self.unblock),
            "flags": self.guarded("flags", self.flags),
            "export": self.guarded("export", self.export),
            "outcomes": self.guarded("outcomes", self.outcomes),
            "newpatient": self.guarded("newpatient", self.new_patient),
            "done": self.guarded("done", self.done),
            "noshow": self.guarded("noshow", self.no_show),
            "driver": self.guarded("driver", self.driver),
            "erase": self.guarded("erase", self.erase),
            "erasure": self.guarded("erasure", self.erasure),
            "waitlist": self.guarded("waitlist", self.waitlist),
            "screen": self.guarded("screen", self.screen),
        }

    # --- plumbing -----------------------------------------------------------------------

    # --- schedule -----------------------------------------------------------------------

    # --- screening (issue 11 item 3) --------------------------------------------------------

    # --- waitlist (issue 15) ----------------------------------------------------------------

    # --- session end ----------------------------------------------------------------------

    # --- patients -----------------------------------------------------------------------

    # --- data rights ----------------------------------------------------------------------

    # --- series -------------------------------------------------------------------------

    # --- blocks -------------------------------------------------------------------------

    # --- flags, export, outcomes --------------------------------------------------------

    # --- phone-only patients ------------------------------------------------------------

    # --- buttons ------------------------------------------------------------------------

    # --- editing the pressed message ----------------------------------------------------
