"""The inbox: an inbound update is a row before it is acknowledged (DESIGN.md rule 7).

`store` commits the update (unique on its id) and says whether it is new; only then does the
webhook answer 200 or polling confirm the offset. Whoever stored an update holds a lease on it
while processing it; `mark_processed` closes it. `claim_unprocessed` hands back what a crash left
behind (the lease ran out and it was never marked processed), so "at least once" delivery from
Telegram and Twilio, plus idempotent processing, gives "exactly once" effects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select

from bot.db.engine import Database
from bot.db.models import InboxItem

# Long enough for a normal update to be processed many times over; a replica that died holding
# an update gives it up after this, and another replica (or the next start) processes it.
PROCESSING_LEASE = timedelta(minutes=2)
# A hostile or broken client could post the same update forever; after this many tries it stays
# unprocessed in the table (for a person to look at) instead of being retried.
MAX_ATTEMPTS = 5


class InboxSource(StrEnum):
    TELEGRAM = "telegram"
    SMS = "sms"


@dataclass(frozen=True)
class StoredItem:
    source: InboxSource
    external_id: str
    payload: dict[str, Any]


def store(
    db: Database,
    *,
    source: InboxSource,
    external_id: str,
    payload: Mapping[str, Any],
    now: datetime,
) -> bool:
    """Commit one inbound item; False when it was stored before (a redelivery: ignore it)."""
    row = _row(source, external_id, payload, now)
    try:
        with db.session() as session:
            session.add(row)
    except IntegrityError:
        return False
    return True


def store_many(
    db: Database,
    *,
    source: InboxSource,
    items: Sequence[tuple[str, Mapping[str, Any]]],
    now: datetime,
) -> set[str]:
    """Commit many inbound items in one transaction; the ids that were new (the rest: redeliveries).

    One commit for a burst of updates instead of one each (group commit). If another process
    stored one of them meanwhile, the batch falls back to `store` item by item.
    """
    if not items:
        return set()
    ids = [external_id for external_id, _ in items]
    try:
        with db.session() as session:
            seen = set(
                session.exec(
                    select(InboxItem.external_id).where(
                        col(InboxItem.source) == source, col(InboxItem.external_id).in_(ids)
                    )
                ).all()
            )
            new: dict[str, dict[str, Any]] = {}
            for external_id, payload in items:
                if external_id in seen or external_id in new:
                    continue
                new[external_id] = _values(source, external_id, payload, now)
            if new:
                # One INSERT of many rows: no ORM object or unit of work for each update.
                session.connection().execute(insert(InboxItem), list(new.values()))
        return set(new)
    except IntegrityError:
        return {
            external_id
            for external_id, payload in items
            if store(db, source=source, external_id=external_id, payload=payload, now=now)
        }


def _row(
    source: InboxSource, external_id: str, payload: Mapping[str, Any], now: datetime
) -> InboxItem:
    return InboxItem(**_values(source, external_id, payload, now))


def _values(
    source: InboxSource, external_id: str, payload: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "source": source.value,
        "external_id": external_id,
        "payload": json.dumps(dict(payload), separators=(",", ":")),
        "received_at": now,
        "claimed_until": now + PROCESSING_LEASE,
        "processed_at": None,
        "attempts": 1,
    }


def mark_processed(
    db: Database, *, source: InboxSource, external_ids: Sequence[str], now: datetime
) -> None:
    if not external_ids:
        return
    with db.session() as session:
        session.exec(
            update(InboxItem)
            .where(col(InboxItem.source) == source)
            .where(col(InboxItem.external_id).in_(list(external_ids)))
            .where(col(InboxItem.processed_at).is_(None))
            .values(processed_at=now, claimed_until=None)
        )


def claim_unprocessed(
    db: Database,
    *,
    source: InboxSource,
    now: datetime,
    limit: int = 200,
    exclude: Sequence[str] = (),
    ignore_leases: bool = False,
) -> list[StoredItem]:
    """Take over items stored but never processed whose lease ran out, oldest first.

    `ignore_leases`: only for a single process at start, when no one else can hold a lease.
    """
    open_ = and_(
        col(InboxItem.source) == source,
        col(InboxItem.processed_at).is_(None),
        col(InboxItem.attempts) < MAX_ATTEMPTS,
    )
    if not ignore_leases:
        open_ = and_(
            open_,
            or_(col(InboxItem.claimed_until).is_(None), col(InboxItem.claimed_until) < now),
        )
    if exclude:
        open_ = and_(open_, col(InboxItem.external_id).not_in(list(exclude)))
    with db.session() as session:
        query = select(InboxItem.id).where(open_).order_by(col(InboxItem.id)).limit(limit)
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        ids = list(session.exec(query).all())
        if not ids:
            return []
        rows = list(
            session.exec(
                update(InboxItem)
                .where(col(InboxItem.id).in_(ids))
                .values(
                    claimed_until=now + PROCESSING_LEASE,
                    attempts=InboxItem.attempts + 1,  # type: ignore[operator]
                )
                .returning(InboxItem)
            ).scalars()
        )
    rows.sort(key=lambda r: r.id or 0)
    return [
        StoredItem(
            source=InboxSource(r.source), external_id=r.external_id, payload=json.loads(r.payload)
        )
        for r in rows
    ]


def unprocessed_count(db: Database, *, now: datetime) -> tuple[int, float]:
    """How many items wait, and the age in seconds of the oldest (for /readyz and metrics)."""
    with db.session(write=False) as session:
        count, oldest = session.exec(
            select(func.count(), func.min(InboxItem.received_at)).where(
                col(InboxItem.processed_at).is_(None), col(InboxItem.attempts) < MAX_ATTEMPTS
            )
        ).one()
    age = 0.0
    if oldest is not None:
        age = max(0.0, (now - oldest).total_seconds())
    return int(count), age
