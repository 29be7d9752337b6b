"""Acknowledging an escalation: the staff chat's button, a reply ACK by SMS, digits on a call; who
may acknowledge, what the patient is told, and the lines staff see."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.db.models import Escalation, Outbox, Patient
from bot.domain.deadlines import Owner
from bot.domain.enums import Channel, OutboxKind, OutboxStatus
from bot.domain.privacy import mask_phone
from bot.domain.refs import flag_ref
from bot.presentation.formatting import clock_time
from bot.services.audit import audit
from bot.services.escalation_checks import CrisisChecks
from bot.services.escalation_ladder import SMS_ACK, Acknowledgement, AckStatus, rows_of
from bot.services.outbox import enqueue
from bot.services.planner import staff_notice

log = logging.getLogger(__name__)


class EscalationAcks(CrisisChecks):
    """Record acknowledgements and stop the ladder."""

    def acknowledge(
        self, *, escalation_id: int, actor: str, via: str | None = None
    ) -> Acknowledgement:
        """Record who took the alert, stop the ladder and tell the patient; again: nothing.

        `via` names a phone acknowledgement ("on-call, SMS reply"): staff see it in the chat.
        """
        now = self.clock.now()
        with self.db.session() as session:
            escalation = session.get(Escalation, escalation_id)
            if escalation is None:
                return Acknowledgement(AckStatus.NOT_FOUND, escalation_id)
            # Conditional update: two staff pressing at once acknowledge it once.
            result = session.exec(
                update(Escalation)
                .where(col(Escalation.id) == escalation_id)
                .where(col(Escalation.acknowledged_at).is_(None))
                .values(acknowledged_at=now, acknowledged_by=actor[:64])
            )
            if not result.rowcount:
                session.refresh(escalation)
                return Acknowledgement(
                    AckStatus.ALREADY,
                    escalation_id,
                    by=escalation.acknowledged_by,
                    at=escalation.acknowledged_at,
                )
            session.exec(
                update(Outbox)
                .where(
                    col(Outbox.kind).in_(
                        [OutboxKind.ESCALATION_PAGE, OutboxKind.ESCALATION_DEADLINE]
                    )
                )
                .where(col(Outbox.dedupe_key).startswith(rows_of(escalation_id)))
                .where(col(Outbox.status) == OutboxStatus.PENDING)
                .values(status=OutboxStatus.CANCELLED, last_error="acknowledged")
            )
            self._tell_patient(session, escalation, now=now)
            if via is not None:
                staff_notice(
                    session,
                    appointment=None,
                    event="message",
                    now=now,
                    patient_id=escalation.patient_id,
                    extra={
                        "html": self.texts.html(
                            "esc_acked",
                            escalation_id=flag_ref(escalation_id),
                            name=via,
                            time=clock_time(now, self.profile.tz),
                        )
                    },
                    key=f"{rows_of(escalation_id)}acked",
                )
            audit(
                session,
                at=now,
                actor=actor,
                action="escalation.acknowledge",
                subject=f"escalation:{escalation_id}",
                detail={"level": escalation.level, "rule": escalation.rule, "via": via},
            )
        return Acknowledgement(AckStatus.ACKNOWLEDGED, escalation_id, by=actor, at=now)

    def _tell_patient(self, session: Session, escalation: Escalation, *, now: datetime) -> None:
        assert escalation.id is not None
        patient = session.get(Patient, escalation.patient_id)
        if patient is None:
            return
        channel = escalation.patient_channel or patient.preferred_channel
        enqueue(
            session,
            kind=OutboxKind.ESCALATION_TAKEN,
            channel=Channel.SMS if channel == Channel.SMS else Channel.TELEGRAM,
            due_at=now,
            dedupe_key=f"{rows_of(escalation.id)}taken",
            now=now,
            patient_id=escalation.patient_id,
            payload={"escalation_id": escalation.id},
        )

    def responder(self, phone: str) -> str | None:
        """Which clinician's phone this is ("oncall" / "backup"), None for anyone else."""
        channels = self.dispatcher.channels
        number = phone.strip()
        if not number:
            return None
        if number == channels.oncall_phone:
            return str(Owner.ONCALL)
        if number == channels.backup_phone:
            return str(Owner.BACKUP)
        return None

    def acknowledge_sms(self, *, phone: str, body: str) -> str:
        """Act on "ACK 12" (or plain "ACK" with one alert open) texted by on-call or backup.

        Anyone else is refused and audited. Returns the reply to text back.
        """
        match = SMS_ACK.fullmatch(body or "")
        who = self.responder(phone)
        if who is None or match is None:
            self._refused(phone=phone, how="sms")
            return self._sms_safe("sms_ack_refused", {"clinic": self.profile.clinic.name})
        if match.group(1) is not None:
            escalation_id = int(match.group(1))
        else:
            open_ids = self.paged_open()
            if len(open_ids) != 1:
                return self._sms_safe(
                    "sms_ack_which",
                    {"ids": ", ".join(flag_ref(i) for i in open_ids[:5]) or "none"},
                )
            escalation_id = open_ids[0]
        ack = self.acknowledge(
            escalation_id=escalation_id,
            actor=f"{who}:sms",
            via=self.texts.plain(f"esc_via_{who}_sms"),
        )
        if ack.status is AckStatus.NOT_FOUND:
            return self._sms_safe("sms_ack_unknown", {"escalation_id": flag_ref(escalation_id)})
        if ack.status is AckStatus.ALREADY:
            return self._sms_safe(
                "sms_ack_already",
                {
                    "escalation_id": flag_ref(escalation_id),
                    "time": clock_time(ack.at or self.clock.now(), self.profile.tz),
                },
            )
        return self._sms_safe("sms_ack_done", {"escalation_id": flag_ref(escalation_id)})

    def acknowledge_call(self, *, escalation_id: int, callee: str, digits: str) -> AckStatus:
        """Act on a key pressed on a page call: 1 acknowledges, from on-call or backup only."""
        who = self.responder(callee)
        if who is None:
            self._refused(phone=callee, how="call")
            return AckStatus.REFUSED
        if digits.strip() != "1":
            return AckStatus.NOT_FOUND
        ack = self.acknowledge(
            escalation_id=escalation_id,
            actor=f"{who}:call",
            via=self.texts.plain(f"esc_via_{who}_call"),
        )
        return ack.status

    def paged_open(self) -> list[int]:
        """Escalations being paged and not yet acknowledged, oldest first."""
        with self.db.session(write=False) as session:
            found = session.exec(
                select(Escalation.id)
                .where(col(Escalation.acknowledged_at).is_(None))
                .where(col(Escalation.closed_at).is_(None))
                .where(col(Escalation.last_paged_at).is_not(None))
                .order_by(col(Escalation.created_at), col(Escalation.id))
            ).all()
        return [i for i in found if i is not None]

    def _refused(self, *, phone: str, how: str) -> None:
        now = self.clock.now()
        with self.db.session() as session:
            audit(
                session,
                at=now,
                actor=f"{how}:{mask_phone(phone)}",
                action="escalation.ack_refused",
                subject="escalation",
                detail={"how": how},
            )
        log.warning("acknowledgement by %s from %s refused", how, mask_phone(phone))

    def ack_line(self, ack: Acknowledgement, *, name: str) -> str:
        """The staff-chat line that shows who acknowledged (HTML)."""
        at = ack.at or self.clock.now()
        return self.texts.html(
            "esc_acked",
            escalation_id=flag_ref(ack.escalation_id),
            name=name,
            time=clock_time(at, self.profile.tz),
        )

    def ack_toast(self, ack: Acknowledgement) -> str:
        """The short answer to the Acknowledge press (plain)."""
        if ack.status is AckStatus.ACKNOWLEDGED:
            return self.texts.plain("esc_ack_toast")
        if ack.status is AckStatus.ALREADY and ack.at is not None:
            return self.texts.plain("esc_ack_already", time=clock_time(ack.at, self.profile.tz))
        return self.texts.plain("esc_ack_unknown")
