"""The outbox: every message the bot will send later is a row (DESIGN.md rule 2).

Planning functions take the caller's session so rows are written or cancelled in the same
transaction as the change that caused them. Claiming is atomic on both databases.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, case, cast, func, literal, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import Outbox
from bot.domain.enums import Channel, OutboxKind, OutboxStatus

CLAIM_LEASE = timedelta(minutes=2)
# At most this many rows of one addressee (`lane_of`) per claim. A batch is sent lane by lane, each lane
# paced by its chat's limit, and the next batch waits for the slowest lane: 50 staff-group
# notices (19 a minute) in one batch held every patient's discharge advice and evening check-in
# back by minutes in the load proof. Three keep a batch to ~10 s in the group's lane.
PER_ADDRESSEE = 3
OPEN_STATUSES = (OutboxStatus.PENDING, OutboxStatus.CLAIMED)


def enqueue(
    session: Session,
    *,
    kind: OutboxKind,
    channel: Channel,
    due_at: datetime,
    dedupe_key: str,
    now: datetime,
    patient_id: int | None = None,
    appointment_id: int | None = None,
    not_after: datetime | None = None,
    payload: Mapping[str, Any] | None = None,
) -> bool:
    """Plan a message; returns False (and changes nothing) when the key is already planned."""
    existing = session.exec(
        select(Outbox).where(col(Outbox.dedupe_key) == dedupe_key)
    ).one_or_none()
    if existing is not None:
        if existing.status == OutboxStatus.CANCELLED:
            # Re-planned after a cancel (e.g. an appointment restored): reuse the row.
            existing.status = OutboxStatus.PENDING
            existing.due_at = due_at
            existing.not_after = not_after
            existing.attempts = 0
            existing.last_error = None
            existing.payload = json.dumps(dict(payload or {}), default=str)
            return True
        return False
    row = Outbox(
        dedupe_key=dedupe_key,
        kind=kind,
        channel=channel,
        patient_id=patient_id,
        appointment_id=appointment_id,
        due_at=due_at,
        not_after=not_after,
        status=OutboxStatus.PENDING,
        payload=json.dumps(dict(payload or {}), default=str),
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False  # planned concurrently by another request
    return True


def cancel_pending(
    session: Session,
    *,
    appointment_id: int,
    kinds: Iterable[OutboxKind] | None = None,
    reason: str = "cancelled",
) -> int:
    """Cancel every not-yet-sent row of an appointment (optionally only some kinds)."""
    statement = (
        update(Outbox)
        .where(col(Outbox.appointment_id) == appointment_id)
        .where(col(Outbox.status) == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED, last_error=reason)
    )
    if kinds is not None:
        statement = statement.where(col(Outbox.kind).in_([k.value for k in kinds]))
    result = session.exec(statement)
    return int(result.rowcount or 0)


def payload_of(row: Outbox) -> dict[str, Any]:
    data = json.loads(row.payload or "{}")
    return data if isinstance(data, dict) else {}


PATIENT_LANE_CHANNELS = (Channel.TELEGRAM, Channel.SMS)


def lane_of(row: Outbox) -> str:
    """Whom a row goes to, as the dispatcher sends them one after another: a patient (on
    Telegram or SMS, their rows in order), or a shared destination (the staff chat, the
    on-call phone...), whatever patient a staff notice is about."""
    if row.patient_id is not None and row.channel in PATIENT_LANE_CHANNELS:
        return f"p{row.patient_id}"
    return str(row.channel)


def lane_key() -> Any:
    """`lane_of` as SQL (SQLite and PostgreSQL)."""
    return case(
        (
            and_(
                col(Outbox.channel).in_([str(c) for c in PATIENT_LANE_CHANNELS]),
                col(Outbox.patient_id).is_not(None),
            ),
            literal("p") + cast(col(Outbox.patient_id), String),
        ),
        else_=col(Outbox.channel),
    )


def claim_due(
    db: Database, *, now: datetime, limit: int = 50, ids: Collection[int] | None = None
) -> list[Outbox]:
    """Atomically claim due rows (and rows whose claim lease ran out), oldest first.

    Every claimed row carries one new `claim_token`; only its holder can `finish` them. A row
    returned with `send_started_at` set was being sent when its last holder died.
    `ids` claims only those rows: a red flag sends its own pages at once, never the backlog.
    """
    if ids is not None and not ids:
        return []
    due = and_(
        col(Outbox.due_at) <= now,
        or_(
            col(Outbox.status) == OutboxStatus.PENDING,
            and_(col(Outbox.status) == OutboxStatus.CLAIMED, col(Outbox.claimed_until) < now),
        ),
    )
    # Safety pages jump the queue: after downtime they must not wait behind a backlog.
    order = (
        case((col(Outbox.kind) == OutboxKind.ESCALATION_PAGE, 0), else_=1),
        col(Outbox.due_at),
        col(Outbox.id),
    )
    if ids is not None:
        due = and_(due, col(Outbox.id).in_(sorted(ids)))
    else:
        # Each addressee's oldest few only (in their order), so one busy lane never fills a
        # batch: the other addressees' rows are claimed beside them. A lane with a row in
        # flight (being sent by this or another dispatcher) waits until it is done, so one
        # addressee's rows still go out one batch after another, in order.
        in_flight = and_(
            col(Outbox.status) == OutboxStatus.CLAIMED, col(Outbox.claimed_until) >= now
        )
        lane = (lane_key(),)
        ranked = (
            select(
                col(Outbox.id).label("id"),
                func.row_number().over(partition_by=lane, order_by=order).label("turn"),
                func.max(case((in_flight, 1), else_=0)).over(partition_by=lane).label("busy"),
            )
            .where(or_(due, in_flight))
            .subquery()
        )
        firsts = select(ranked.c.id).where(ranked.c.turn <= PER_ADDRESSEE, ranked.c.busy == 0)
        due = and_(due, col(Outbox.id).in_(firsts))
    token = uuid.uuid4().hex
    with db.session() as session:
        if db.is_sqlite:
            # BEGIN IMMEDIATE already holds the write lock: select then update is atomic here.
            claimable = list(
                session.exec(select(Outbox.id).where(due).order_by(*order).limit(limit)).all()
            )
        else:
            claimable = list(
                session.exec(
                    select(Outbox.id)
                    .where(due)
                    .order_by(*order)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                ).all()
            )
        if not claimable:
            return []
        rows = list(
            session.exec(
                update(Outbox)
                .where(col(Outbox.id).in_(claimable))
                .values(
                    status=OutboxStatus.CLAIMED,
                    claimed_until=now + CLAIM_LEASE,
                    # A new holder: a dispatcher whose lease ran out can no longer finish these.
                    claim_token=token,
                    attempts=Outbox.attempts + 1,  # type: ignore[operator]
                )
                .returning(Outbox)
            ).scalars()
        )
        rows.sort(key=lambda r: (r.kind != OutboxKind.ESCALATION_PAGE, r.due_at, r.id or 0))
        return rows


def next_due_at(db: Database) -> datetime | None:
    """When the earliest pending row falls due (to arm a one-shot job for it)."""
    with db.session(write=False) as session:
        return session.exec(
            select(Outbox.due_at)
            .where(col(Outbox.status) == OutboxStatus.PENDING)
            .order_by(col(Outbox.due_at))
            .limit(1)
        ).first()


def begin_send(db: Database, row: Outbox, *, now: datetime) -> bool:
    """Note that the provider is about to be called, and renew the lease of the whole batch.

    Returns False when the claim is no longer ours (the lease ran out and another dispatcher
    took the row): then the row must not be sent. Called before every send, so a batch keeps its
    lease however slow the provider is, as long as each send is shorter than the lease.
    """
    assert row.id is not None
    assert row.claim_token is not None
    with db.session() as session:
        # This row first: the only lock here that may be waited for. Sends of one batch run side
        # by side, so the renewal below skips rows another transaction holds instead of waiting
        # for them: a renewal never waits, and two transactions cannot wait on each other.
        result = session.exec(
            update(Outbox)
            .where(col(Outbox.id) == row.id)
            .where(col(Outbox.claim_token) == row.claim_token)
            .where(col(Outbox.status) == OutboxStatus.CLAIMED)
            .values(send_started_at=now, claimed_until=now + CLAIM_LEASE)
        )
        if not result.rowcount:
            return False
        batch = select(Outbox.id).where(
            col(Outbox.claim_token) == row.claim_token,
            col(Outbox.status) == OutboxStatus.CLAIMED,
            col(Outbox.id) != row.id,
        )
        if not db.is_sqlite:
            batch = batch.order_by(col(Outbox.id)).with_for_update(skip_locked=True)
        session.exec(
            update(Outbox)
            .where(col(Outbox.id).in_(batch.scalar_subquery()))
            .values(claimed_until=now + CLAIM_LEASE)
        )
        return True


def finish(
    db: Database,
    row: Outbox,
    *,
    status: OutboxStatus,
    now: datetime,
    error: str | None = None,
    provider_id: str | None = None,
    retry_at: datetime | None = None,
    sent_on: Channel | None = None,
    then: Callable[[Session], None] | None = None,
) -> bool:
    """Record the outcome of one claimed row; `retry_at` puts it back as pending.

    `then` runs in the same transaction once the outcome is recorded (not when the claim
    was lost), so what follows from the outcome is written with it or not at all.

    Only the holder of the row's claim token can: returns False (and changes nothing) when the
    claim was lost (its lease ran out and another dispatcher claimed the row).
    `sent_on` records the channel actually used (a fallback), so delivery reports find the row.
    """
    assert row.id is not None
    values: dict[str, Any] = {
        "claimed_until": None,
        "claim_token": None,
        "send_started_at": None,
        "last_error": error,
    }
    if sent_on is not None:
        values["channel"] = sent_on
    if retry_at is not None:
        values.update(status=OutboxStatus.PENDING, due_at=retry_at)
    else:
        values["status"] = status
        if status == OutboxStatus.SENT:
            values["sent_at"] = now
            values["provider_id"] = provider_id
    statement = (
        update(Outbox)
        .where(col(Outbox.id) == row.id)
        .where(col(Outbox.status) == OutboxStatus.CLAIMED)
        .where(col(Outbox.claim_token) == row.claim_token)
        .values(**values)
    )
    with db.session() as session:
        result = session.exec(statement)
        recorded = bool(result.rowcount)
        if recorded and then is not None:
            then(session)
        return recorded


def forget_code(db: Database, row_id: int) -> None:
    """Clear a one-time code from its row once the row will not be sent (again)."""
    with db.session() as session:
        session.exec(
            update(Outbox)
            .where(col(Outbox.id) == row_id)
            .where(col(Outbox.status).not_in(OPEN_STATUSES))
            .values(payload="{}")
        )
