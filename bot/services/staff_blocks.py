"""Staff operations: blocking clinic time (/block, /unblock), with a second tap over bookings."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from bot.db.models import TimeBlock
from bot.domain.availability import local_to_utc
from bot.domain.enums import AppointmentStatus
from bot.presentation.staff_views import BlockOutcome, BlockView, ScheduleEntry
from bot.services.audit import audit
from bot.services.staff_base import StaffOpsBase
from bot.services.staff_records import (
    BLOCK_FLOW,
    STEP_CANCELLED,
    STEP_DONE,
    BlockNotFound,
    InvalidRequest,
    StaleAction,
    block_view,
    draft_data,
)


class BlockOps(StaffOpsBase):
    """Block time for the whole clinic or a resource; list and remove blocks."""

    # --- blocks -------------------------------------------------------------------------

    def block_time(
        self,
        *,
        day: date,
        start: time,
        end: time,
        reason: str,
        actor: str,
        pool: str | None = None,
    ) -> BlockOutcome:
        """Close time; over booked patients nothing changes until staff confirm (a draft)."""
        starts_at, ends_at = self._block_span(day, start, end, pool)
        now = self.clock.now()
        with self.db.session() as session:
            existing = self._same_block(session, starts_at, ends_at, pool)
            if existing is not None:
                return BlockOutcome(block=existing, affected=(), draft_id=None, already=True)
            affected = self._affected(session, starts_at, ends_at, pool)
            if affected:
                draft_id = self._new_draft(
                    session,
                    flow=BLOCK_FLOW,
                    patient_id=None,
                    now=now,
                    data={
                        "start": starts_at.isoformat(),
                        "end": ends_at.isoformat(),
                        "pool": pool,
                        "reason": reason,
                    },
                )
                return BlockOutcome(block=None, affected=tuple(affected), draft_id=draft_id)
            block = self._add_block(session, starts_at, ends_at, pool, reason, actor, now)
            return BlockOutcome(block=block, affected=(), draft_id=None)

    def confirm_block(self, *, draft_id: int, actor: str) -> BlockOutcome:
        """Close the time over booked patients; they stay booked and are listed for staff."""
        now = self.clock.now()
        with self.db.session() as session:
            draft = self._draft(session, draft_id, flow=BLOCK_FLOW, now=now)
            data = draft_data(draft)
            starts_at = datetime.fromisoformat(data["start"])
            ends_at = datetime.fromisoformat(data["end"])
            pool = data.get("pool")
            affected = self._affected(session, starts_at, ends_at, pool)
            existing = self._same_block(session, starts_at, ends_at, pool)
            if draft.step == STEP_DONE or existing is not None:
                return BlockOutcome(existing, tuple(affected), None, already=True)
            if draft.step == STEP_CANCELLED:
                raise StaleAction("this block was cancelled")
            if ends_at <= now:
                raise InvalidRequest("that time has passed")
            block = self._add_block(
                session, starts_at, ends_at, pool, str(data.get("reason", "")), actor, now
            )
            draft.step = STEP_DONE
            draft.updated_at = now
            return BlockOutcome(block=block, affected=tuple(affected), draft_id=None)

    def _block_span(
        self, day: date, start: time, end: time, pool: str | None
    ) -> tuple[datetime, datetime]:
        if pool is not None and pool not in self.profile.resources:
            raise InvalidRequest(
                f"unknown resource {pool!r}; use one of {', '.join(sorted(self.profile.resources))}"
            )
        if end <= start:
            raise InvalidRequest("the block ends before it starts")
        starts_at = local_to_utc(day, start, self.tz)
        ends_at = local_to_utc(day, end, self.tz)
        if starts_at is None or ends_at is None:
            raise InvalidRequest("that time does not exist on that day (clock change)")
        if day < self.today() or ends_at <= self.clock.now():
            raise InvalidRequest("that time is in the past")
        return starts_at, ends_at

    def _same_block(
        self, session: Session, starts_at: datetime, ends_at: datetime, pool: str | None
    ) -> BlockView | None:
        statement = (
            select(TimeBlock)
            .where(col(TimeBlock.removed_at).is_(None))
            .where(col(TimeBlock.starts_at) == starts_at)
            .where(col(TimeBlock.ends_at) == ends_at)
        )
        statement = statement.where(
            col(TimeBlock.resource_pool).is_(None)
            if pool is None
            else col(TimeBlock.resource_pool) == pool
        )
        found = session.exec(statement).first()
        return block_view(found) if found is not None else None

    def _affected(
        self, session: Session, starts_at: datetime, ends_at: datetime, pool: str | None
    ) -> list[ScheduleEntry]:
        # Appointments start at most a day before they end; a day's margin finds every overlap.
        entries = self._entries(
            session,
            start=starts_at - timedelta(days=1),
            end=ends_at,
            statuses=[AppointmentStatus.BOOKED],
        )
        return [
            e
            for e in entries
            if e.starts_at < ends_at
            and e.ends_at > starts_at
            and (pool is None or any(u.rsplit(":", 1)[0] == pool for u in e.units))
        ]

    def _add_block(
        self,
        session: Session,
        starts_at: datetime,
        ends_at: datetime,
        pool: str | None,
        reason: str,
        actor: str,
        now: datetime,
    ) -> BlockView:
        block = TimeBlock(
            starts_at=starts_at,
            ends_at=ends_at,
            resource_pool=pool,
            reason=reason[:255],
            created_by=actor[:64],
            created_at=now,
        )
        session.add(block)
        session.flush()
        audit(
            session,
            at=now,
            actor=actor,
            action="staff.block",
            subject=f"block:{block.id}",
            detail={"start": starts_at.isoformat(), "end": ends_at.isoformat(), "pool": pool},
        )
        return block_view(block)

    def upcoming_blocks(self) -> list[BlockView]:
        now = self.clock.now()
        with self.db.session(write=False) as session:
            return self._blocks(session, start=now, end=now + timedelta(days=3660))

    def unblock(self, *, block_id: int, actor: str) -> BlockView:
        """Reopen blocked time (the block is kept, marked removed)."""
        now = self.clock.now()
        with self.db.session() as session:
            block = session.get(TimeBlock, block_id)
            if block is None or block.removed_at is not None:
                raise BlockNotFound(str(block_id))
            block.removed_at = now
            audit(session, at=now, actor=actor, action="staff.unblock", subject=f"block:{block_id}")
            session.flush()
            # Waiting patients hear of the reopened time (issue 15 item 2).
            self.booking.time_freed(session, start=block.starts_at, end=block.ends_at, now=now)
            return block_view(block)
