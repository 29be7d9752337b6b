"""APScheduler (through PTB's JobQueue) only decides *when to look* at the outbox."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from telegram.ext import Application, ContextTypes, JobQueue

from bot.db.engine import Database
from bot.domain.clock import Clock
from bot.services.dispatch import Dispatcher
from bot.services.dispatch_failures import DispatchReport
from bot.services.outbox import next_due_at

log = logging.getLogger(__name__)

TICK_SECONDS = 30.0


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


def register_jobs(application: Application[Any, Any, Any, Any, Any, Any], core: Any) -> None:
    """Build the outbox ticker for this bot (composition root) and attach it to the JobQueue."""
    ticker: OutboxTicker = core.attach_telegram(application.bot, pacer=core.extras.get("pacing"))
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    ticker.attach(application.job_queue)
