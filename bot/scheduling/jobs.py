"""APScheduler (through PTB's JobQueue) only decides *when to look*: at the outbox, at the inbox.

The jobs receive what they act on (the ticker, the inbox queue, the SMS service), built by the
composition root; nothing here reaches back up into it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from telegram.ext import Application, ContextTypes, JobQueue

from bot.db.engine import Database
from bot.domain.clock import Clock
from bot.services.dispatch import Dispatcher, DispatchReport
from bot.services.outbox import next_due_at
from bot.services.sms_inbound import SmsInbound
from bot.services.sms_recovery import recover_sms
from bot.updates import InboxQueue

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
TICK_SECONDS = 30.0
INBOX_RECOVER_SECONDS = 30.0


class OutboxTicker:
    """A repeating tick plus a one-shot job armed for the next due row."""

    def __init__(
        self, *, dispatcher: Dispatcher, db: Database, clock: Clock, interval: float = TICK_SECONDS
    ) -> None:
        self.dispatcher = dispatcher
        self.db = db
        self.clock = clock
        self.interval = interval
        self._lock = asyncio.Lock()
        self._job_queue: JobQueue[Any] | None = None

    def attach(self, job_queue: JobQueue[Any]) -> None:
        self._job_queue = job_queue
        # first=1: rows that fell due while the bot was down go out right after start.
        job_queue.run_repeating(self._job, interval=self.interval, first=1, name="outbox-tick")

    async def _job(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.tick()

    async def tick(self) -> DispatchReport:
        """Dispatch what is due, then arm a one-shot job for the next due row."""
        async with self._lock:
            try:
                report = await self.dispatcher.run_due()
            except Exception:
                log.exception("outbox tick failed; the next tick retries")
                report = DispatchReport()
        self._arm_next()
        return report

    def kick(self) -> None:
        """Look at the outbox now (after a handler queued something due immediately)."""
        if self._job_queue is not None:
            self._job_queue.run_once(self._job, when=0, name="outbox-kick")

    def _arm_next(self) -> None:
        if self._job_queue is None:
            return
        try:
            due = next_due_at(self.db)
        except Exception:
            log.exception("could not read the next due time")
            return
        if due is None:
            return
        delay = (due - self.clock.now()).total_seconds()
        if delay >= self.interval:
            return  # the repeating tick will get there first
        for job in self._job_queue.get_jobs_by_name("outbox-next"):
            job.schedule_removal()
        self._job_queue.run_once(
            self._job, when=timedelta(seconds=max(delay, 0.0)), name="outbox-next"
        )


def register_jobs(application: AnyApplication, ticker: OutboxTicker) -> None:
    """Attach the outbox ticker (built by the composition root) to the Application's JobQueue."""
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    ticker.attach(application.job_queue)


def register_inbox_recovery(
    application: AnyApplication,
    queue: InboxQueue,
    *,
    db: Database,
    clock: Clock,
    sms_inbound: SmsInbound | None,
    kick_outbox: Callable[[], None],
) -> None:
    """Process what a crash left in the inbox: at start, then every tick (a replica may die).

    `sms_inbound`: also the inbound texts a crash left (None when SMS is not configured).
    """
    first_run = [db.is_sqlite]

    async def recover(_context: Any) -> None:
        try:
            # With one process (SQLite) nothing else can hold an update at start: take them all.
            await queue.recover(ignore_leases=first_run[0])
            if sms_inbound is not None:
                recovered = await asyncio.to_thread(
                    recover_sms,
                    db,
                    sms_inbound,
                    now=clock.now(),
                    ignore_leases=first_run[0],
                )
                if recovered:
                    kick_outbox()
        except Exception as exc:
            log.warning("inbox recovery failed (%s); the next tick retries", type(exc).__name__)
        first_run[0] = False

    assert application.job_queue is not None
    application.job_queue.run_repeating(
        recover, interval=INBOX_RECOVER_SECONDS, first=0.1, name="inbox-recover"
    )
