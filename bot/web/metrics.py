"""Prometheus metrics for /metrics, read from the database when scraped.

Read from the tables rather than counted in process memory, so every replica reports the same
clinic-wide numbers and a restart resets nothing (sum nothing across replicas: take any one).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry
from sqlmodel import col, func, select

from bot.db.engine import Database
from bot.db.models import Escalation, InboxItem, Outbox
from bot.domain.clock import Clock
from bot.domain.enums import OutboxStatus

# Outcomes of a send (other statuses are "not sent yet" or "never to be sent").
SEND_RESULTS = (
    OutboxStatus.SENT,
    OutboxStatus.DELIVERED,
    OutboxStatus.UNDELIVERED,
    OutboxStatus.FAILED,
    OutboxStatus.SKIPPED,
    OutboxStatus.POSSIBLY_SENT,
)


def outbox_lag_seconds(db: Database, now: datetime) -> float:
    """How late the oldest message that is due and not yet sent is (0 when none is)."""
    with db.session(write=False) as session:
        oldest = session.exec(
            select(func.min(Outbox.due_at))
            .where(col(Outbox.status) == OutboxStatus.PENDING)
            .where(col(Outbox.due_at) <= now)
        ).one()
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


class ClinicCollector(Collector):
    def __init__(self, *, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        now = self.clock.now()
        updates = CounterMetricFamily(
            "clinic_updates", "Inbound updates stored (Telegram updates, SMS)", labels=["source"]
        )
        waiting = GaugeMetricFamily(
            "clinic_updates_unprocessed", "Inbound updates not processed yet", labels=["source"]
        )
        sends = CounterMetricFamily(
            "clinic_sends", "Outbox messages by channel and result", labels=["channel", "result"]
        )
        escalations = GaugeMetricFamily(
            "clinic_escalations_open", "Escalations not acknowledged yet", labels=["level"]
        )
        with self.db.session(write=False) as session:
            for source, total, open_ in session.exec(
                select(
                    InboxItem.source,
                    func.count(),
                    func.count(col(InboxItem.id)).filter(col(InboxItem.processed_at).is_(None)),
                ).group_by(col(InboxItem.source))
            ).all():
                updates.add_metric([source], total)
                waiting.add_metric([source], open_)
            for channel, status, count in session.exec(
                select(Outbox.channel, Outbox.status, func.count())
                .where(col(Outbox.status).in_([s.value for s in SEND_RESULTS]))
                .group_by(col(Outbox.channel), col(Outbox.status))
            ).all():
                sends.add_metric([channel, status], count)
            for level, count in session.exec(
                select(Escalation.level, func.count())
                .where(col(Escalation.acknowledged_at).is_(None))
                .group_by(col(Escalation.level))
            ).all():
                escalations.add_metric([level], count)
        lag = GaugeMetricFamily(
            "clinic_outbox_lag_seconds", "Age of the oldest due message not sent yet"
        )
        lag.add_metric([], outbox_lag_seconds(self.db, now))
        yield from (updates, waiting, sends, escalations, lag)


def registry_for(*, db: Database, clock: Clock) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ClinicCollector(db=db, clock=clock))
    return registry
