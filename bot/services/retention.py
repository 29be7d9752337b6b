"""The daily retention job: remove what is only needed for a while, keep the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlmodel import col

from bot.db.engine import Database
from bot.db.models import BookingDraft, InboxItem, Outbox, PhoneClaim, RateSlot
from bot.domain.clock import Clock
from bot.domain.enums import DraftStep
from bot.profile import Retention
from bot.services.audit import audit
from bot.services.outbox import OPEN_STATUSES
from bot.services.privacy import PrivacyService

# Longer than any pause a 429 asks for, so a paused key is never forgotten while it holds.
RATE_SLOT_IDLE = timedelta(days=1)


@dataclass(frozen=True)
class RetentionReport:
    drafts: int
    message_bodies: int
    codes: int
    inbound: int
    rate_slots: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "drafts": self.drafts,
            "message_bodies": self.message_bodies,
            "codes": self.codes,
            "inbound": self.inbound,
            "rate_slots": self.rate_slots,
        }


def apply_retention(db: Database, *, periods: Retention, now: datetime) -> RetentionReport:
    """Remove expired drafts, old message words, old codes, handled inbound items and idle send
    limits' slots (audited)."""
    with db.session() as session:
        drafts = session.exec(
            delete(BookingDraft).where(
                or_(
                    col(BookingDraft.expires_at)
                    < now - timedelta(days=periods.expired_drafts_days),
                    # Finished drafts keep only an appointment id; old ones go too.
                    (col(BookingDraft.step) == DraftStep.DONE)
                    & (
                        col(BookingDraft.updated_at)
                        < now - timedelta(days=periods.expired_drafts_days)
                    ),
                )
            )
        ).rowcount
        bodies = session.exec(
            update(Outbox)
            .where(col(Outbox.status).not_in(list(OPEN_STATUSES)))
            .where(col(Outbox.due_at) < now - timedelta(days=periods.message_bodies_days))
            .where(col(Outbox.payload) != "{}")
            .values(payload="{}")
        ).rowcount
        codes = session.exec(
            delete(PhoneClaim).where(
                col(PhoneClaim.created_at) < now - timedelta(days=periods.verification_codes_days)
            )
        ).rowcount
        inbound = session.exec(
            delete(InboxItem)
            .where(col(InboxItem.processed_at).is_not(None))
            .where(col(InboxItem.processed_at) < now - timedelta(days=periods.handled_inbound_days))
        ).rowcount
        # A send limit's slot long past holds nothing back (a send takes the later of now and
        # the slot): the row of every chat ever written to would otherwise stay for good.
        rate_slots = session.exec(
            delete(RateSlot).where(col(RateSlot.next_at) < now - RATE_SLOT_IDLE)
        ).rowcount
        report = RetentionReport(
            drafts=int(drafts or 0),
            message_bodies=int(bodies or 0),
            codes=int(codes or 0),
            inbound=int(inbound or 0),
            rate_slots=int(rate_slots or 0),
        )
        audit(
            session,
            at=now,
            actor="system",
            action="retention.applied",
            detail=report.as_dict(),
        )
    return report


@dataclass(frozen=True)
class RetentionRun:
    report: RetentionReport
    erased: int  # held erasures finished (their red flag is closed now)


class RetentionService:
    """The daily retention job's work (scheduled by handlers/privacy.py)."""

    def __init__(
        self, *, db: Database, periods: Retention, clock: Clock, privacy: PrivacyService
    ) -> None:
        self.db = db
        self.periods = periods
        self.clock = clock
        self.privacy = privacy

    def run(self) -> RetentionRun:
        """Remove what the profile keeps only for a while; finish erasures no longer held."""
        report = apply_retention(self.db, periods=self.periods, now=self.clock.now())
        return RetentionRun(report=report, erased=len(self.privacy.resume_held()))
