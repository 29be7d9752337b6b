"""What the dispatcher does when a send fails: a transient error backs off and retries (honouring
retry_after); a permanent one fails the row, falls back to SMS where the patient agreed, and tells
staff; a staff chat that refuses us pages on-call instead; a send cut off midway is marked as
possibly sent, never repeated blindly. `Dispatcher` (bot/services/dispatch.py) sends."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.db.engine import Database
from bot.db.models import Appointment, Outbox, Patient
from bot.domain.clock import Clock
from bot.domain.enums import Channel, OutboxKind, OutboxStatus
from bot.domain.refs import patient_ref
from bot.domain.reminders import backoff
from bot.messaging.channels import (
    DeliveryFailed,
)
from bot.profile import ClinicProfile
from bot.services.checkin_rows import hand_unsent_to_staff
from bot.services.dispatch_routes import (
    CODE_KINDS,
    PATIENT_CHANNELS,
    SAFETY_KINDS,
    Channels,
    route_patient,
)
from bot.services.outbox import finish
from bot.services.planner import staff_notice
from bot.services.rendering import Renderers
from bot.texts import Texts

log = logging.getLogger(__name__)


class DispatchFailures:
    """Failed, refused and interrupted sends of the outbox.

    The attributes are set by `Dispatcher.__init__`.
    """

    db: Database
    profile: ClinicProfile
    texts: Texts
    clock: Clock
    channels: Channels
    renderers: Renderers
    on_permanent_failure: PermanentFailureHook

    def _finish(self, row: Outbox, **outcome: Any) -> bool:
        """Record an outcome if the claim is still ours (else someone else owns the row now)."""
        done = finish(self.db, row, **outcome)
        if not done:
            log.warning("outbox row %s: claim lost (lease ran out); outcome not recorded", row.id)
        return done

    def _skip_late(self, row: Outbox, now: datetime, reason: str) -> None:
        """Skip a row that can no longer go out in its window. A check-in that never went out
        is handed to staff with the skip (one transaction), so its safety questions are not
        silently lost after downtime or an outage."""

        def hand_over(session: Session) -> None:
            hand_unsent_to_staff(session, row, now)

        checkin = OutboxKind(row.kind) is OutboxKind.CHECKIN
        then = hand_over if checkin else None
        self._finish(row, status=OutboxStatus.SKIPPED, now=now, error=reason, then=then)

    def _possibly_sent(self, row: Outbox, now: datetime) -> None:
        with self.db.session() as session:
            patient = session.get(Patient, row.patient_id) if row.patient_id else None
            appointment = (
                session.get(Appointment, row.appointment_id) if row.appointment_id else None
            )
            label = (
                f"{patient.name or 'Patient'} ({patient_ref(patient.id)})"
                if patient is not None
                else "staff/on-call"
            )
            staff_notice(
                session,
                appointment=appointment,
                event="message",
                now=now,
                patient_id=patient.id if patient else None,
                extra={
                    "html": self.texts.html(
                        "notice_possibly_sent", kind=str(row.kind), patient=label
                    )
                },
                key=f"possibly_sent:{row.id}",
            )
        self._finish(
            row,
            status=OutboxStatus.POSSIBLY_SENT,
            now=now,
            error="outcome unknown (crash mid-send)",
        )
        log.warning("outbox row %s: outcome unknown after a crash mid-send; staff told", row.id)

    def _failed(
        self,
        row: Outbox,
        channel: Channel,
        failure: DeliveryFailed,
        report: DispatchReport,
        now: datetime,
    ) -> None:
        assert row.id is not None
        error = f"{channel}: {failure.reason}"[:500]
        if not failure.permanent:
            retry_at = now + backoff(row.attempts, retry_after=failure.retry_after)
            too_late = row.not_after is not None and retry_at >= row.not_after
            if row.attempts < MAX_ATTEMPTS and not too_late:
                self._finish(
                    row,
                    status=OutboxStatus.PENDING,
                    now=now,
                    error=error,
                    retry_at=retry_at,
                )
                report.retried += 1
                log.warning("outbox row %s: transient failure, retry at %s", row.id, retry_at)
                return
        log.warning(
            "outbox row %s: %s failure on %s",
            row.id,
            "permanent" if failure.permanent else "final",
            channel,
        )
        fallback: Channel | None = None
        with self.db.session() as session:
            patient = session.get(Patient, row.patient_id) if row.patient_id else None
            appointment = (
                session.get(Appointment, row.appointment_id) if row.appointment_id else None
            )
            if (
                channel in PATIENT_CHANNELS
                and patient is not None
                and OutboxKind(row.kind) not in CODE_KINDS
            ):
                if failure.permanent:
                    self.on_permanent_failure(session, patient, failure, now)
                    session.flush()
                    fallback = route_patient(patient, self.channels)
                    if fallback == channel:
                        fallback = None
                if fallback is None:
                    self._unreachable(session, row, patient, appointment, failure.reason, now)
        if fallback is not None:
            # Re-route the same row now (e.g. Telegram blocked -> SMS with consent).
            self._finish(row, status=OutboxStatus.PENDING, now=now, error=error, retry_at=now)
            report.retried += 1
            return
        self._finish(row, status=OutboxStatus.FAILED, now=now, error=error)
        report.failed += 1

    def _staff_chat_failed(self, row: Outbox, failure: DeliveryFailed, now: datetime) -> bool:
        """The staff chat refused a message: follow a migration, or record it lost.

        Returns True when the row was put back to go out again now (to the new chat, or, for a
        page, to the on-call phone).
        """
        assert row.id is not None
        chat_id = self.channels.staff_chat_id
        if failure.migrate_to is not None and chat_id is not None:
            if self.channels.staff_chat is not None:
                self.channels.staff_chat.migrated(
                    old_id=chat_id, new_id=failure.migrate_to, now=now
                )
            else:
                log.error(
                    "the staff chat was migrated to %s; update STAFF_CHAT_ID", failure.migrate_to
                )
            self.channels.staff_chat_id = failure.migrate_to
            self._finish(
                row,
                status=OutboxStatus.PENDING,
                now=now,
                error="chat migrated",
                retry_at=now,
            )
            return True
        if not failure.permanent or chat_id is None:
            return False
        if self.channels.staff_chat is not None:
            self.channels.staff_chat.lost(chat_id=chat_id, reason=failure.reason, now=now)
        else:
            log.error("the staff chat refuses messages (%s)", failure.reason[:200])
        self.channels.staff_chat_lost = failure.reason
        if OutboxKind(row.kind) not in SAFETY_KINDS:
            return False
        self._finish(
            row,
            status=OutboxStatus.PENDING,
            now=now,
            error=f"{STAFF_REFUSED}{failure.reason}"[:500],
            retry_at=now,
        )
        return True

    def _unreachable(
        self,
        session: Session,
        row: Outbox,
        patient: Patient | None,
        appointment: Appointment | None,
        reason: str,
        now: datetime,
    ) -> None:
        """Tell staff a patient message could not be delivered on any channel."""
        if Channel(row.channel) not in PATIENT_CHANNELS or OutboxKind(row.kind) in CODE_KINDS:
            return
        staff_notice(
            session,
            appointment=appointment,
            event="unreachable" if appointment is not None else "message",
            now=now,
            patient_id=patient.id if patient else None,
            extra={
                "reason": reason[:200],
                "html": self.texts.html(
                    "notice_unreachable",
                    appointment_id="-",
                    patient=(patient.name or "?") if patient else "?",
                    reason=reason[:200],
                ),
            },
            # One notice per patient per day, however many messages could not go out.
            key=f"unreachable:{patient.id if patient else row.id}:{now.date().isoformat()}",
        )


MAX_ATTEMPTS = 8


STAFF_REFUSED = "staff chat refused: "


@dataclass
class DispatchReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0
    postponed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.skipped + self.failed + self.retried + self.postponed


PermanentFailureHook = Callable[[Session, Patient, DeliveryFailed, datetime], None]
