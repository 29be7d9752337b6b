"""Accepting a waitlist offer before the booking's questions were answered (issue 15 item 2).

A patient joins the waitlist at the time choice, before their name, phone or the health
questions. Accepting an offer then does not book at once: the offered time is held for them
(`INTAKE_HOLD`, never past the offer's last bookable moment) and the chat walks them through the
steps still unanswered, ending at the usual summary and Confirm. Confirm books through the
booking service as any chat booking does; inside that transaction the draft recorder checks the
offer (`check_offer`): taken meanwhile, or held past its time, the booking is refused with the
reason and the patient keeps their place on the list. A patient with nothing left to answer is
booked at once, as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from bot.db.models import Outbox, WaitlistOffer
from bot.domain.enums import OutboxStatus
from bot.domain.errors import ClinicError
from bot.domain.waitlist import OfferStatus
from bot.services.audit import audit

# Long enough for a name, a phone code and nine questions; short enough not to keep a freed
# chair from the next patient for long.
INTAKE_HOLD = timedelta(minutes=20)
OFFER_KEY = "waitlist_offer"  # the draft data key naming the offer being answered


class OfferLapsed(ClinicError):
    """The offer a draft was answering is no longer the patient's: `reason` is gone / too_late."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def hold_offer(
    session: Session,
    *,
    offer_id: int,
    patient_id: int,
    now: datetime,
    minimum_notice: timedelta,
) -> datetime | None:
    """Keep an open offer for its patient while they answer; the new deadline, or None."""
    offer = session.get(WaitlistOffer, offer_id)
    if offer is None or offer.patient_id != patient_id or offer.status != OfferStatus.OPEN:
        return None
    if now >= offer.expires_at:
        return None
    until = min(max(offer.expires_at, now + INTAKE_HOLD), offer.starts_at - minimum_notice)
    if until <= now:
        return None
    if until != offer.expires_at:
        offer.expires_at = until
        # The expiry timer moves with it, so the time is not passed on while they answer.
        session.execute(
            update(Outbox)
            .where(col(Outbox.dedupe_key) == f"waitlist:{offer_id}:expiry")
            .where(col(Outbox.status) == OutboxStatus.PENDING)
            .values(due_at=until)
        )
    audit(
        session,
        at=now,
        actor=f"patient:{patient_id}",
        action="waitlist.hold",
        subject=f"patient:{patient_id}",
        detail={"offer": offer_id, "until": until.isoformat()},
    )
    return until


def check_offer(session: Session, *, offer_id: int, start: datetime, now: datetime) -> None:
    """Raise OfferLapsed unless the offer of `start` is still open and in time."""
    offer = session.get(WaitlistOffer, offer_id)
    if offer is None or offer.starts_at != start:
        return  # the patient chose another time from the summary: an ordinary booking
    if offer.status == OfferStatus.GONE:
        raise OfferLapsed("gone")
    if offer.status != OfferStatus.OPEN or now >= offer.expires_at:
        raise OfferLapsed("too_late")
