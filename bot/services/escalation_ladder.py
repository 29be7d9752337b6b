"""The escalation ladder's rungs and deadlines (CLINICAL.md section 4): when a level must be
answered, what the patient is promised, which channels each round of pages uses, and planning a
round (staff chat, on-call SMS, then a call and the backup). The keys of its outbox rows live here."""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import CheckInAnswer, Escalation, Patient, StaffTask
from bot.domain.checkins import CheckinCatalog
from bot.domain.clock import Clock
from bot.domain.deadlines import Deadline, Owner, deadline_for
from bot.domain.enums import Channel, EscalationLevel, OutboxKind
from bot.domain.redflags import RedFlag
from bot.domain.refs import flag_ref, patient_ref
from bot.presentation.formatting import clock_time, when_short
from bot.profile import ClinicProfile
from bot.services.dispatch import Dispatcher
from bot.services.dispatch_failures import DispatchReport
from bot.services.outbox import enqueue
from bot.services.planner import staff_notice
from bot.texts import Texts

log = logging.getLogger(__name__)


class EscalationLadder:
    """Deadlines and the rounds of the ladder.

    The attributes are set by `EscalationService.__init__` (bot/services/escalation.py).
    """

    db: Database
    catalog: CheckinCatalog
    profile: ClinicProfile
    clock: Clock
    texts: Texts
    repage_after: timedelta
    call_after_pages: int
    dispatcher: Dispatcher
    _paging: set[asyncio.Task[None]]

    def opening(self, day: date) -> Sequence[tuple[time, time]]:
        """The clinic's opening ranges on a local date (none on a closure day)."""
        if any(closure.covers(day) for closure in self.profile.closures):
            return []
        return self.profile.opening_ranges(day.weekday())

    def deadline(self, level: EscalationLevel, *, now: datetime) -> Deadline:
        """By when a flag of `level` raised `now` must be taken, and whose it is."""
        return deadline_for(level, now=now, opening=self.opening, tz=self.profile.tz)

    def deadline_text(self, escalation: Escalation) -> str:
        """The deadline and owner as staff read them on every alert (plain text)."""
        owner = self.texts.plain(f"esc_owner_{escalation.owner or Owner.STAFF}")
        if escalation.level == EscalationLevel.URGENT or escalation.deadline_at is None:
            return self.texts.plain("esc_deadline_now", owner=owner)
        return self.texts.plain(
            "esc_deadline_at",
            when=when_short(escalation.deadline_at, self.profile.tz),
            owner=owner,
        )

    def promise(self, escalation: Escalation) -> str | None:
        """What a patient is told after a lower-level flag: when we call, and what meanwhile.

        Plain, SMS-safe words from the deadline in clinic time ("We will call you today, before
        5:30 PM. If it gets worse, call 911."); None for urgent flags, whose reply says it all.
        """
        if escalation.level == EscalationLevel.URGENT or escalation.deadline_at is None:
            return None
        tz = self.profile.tz
        if escalation.climbed_at is not None:
            return self.texts.plain("sms_esc_promise_on_call")
        deadline = escalation.deadline_at.astimezone(tz)
        if deadline.date() == escalation.created_at.astimezone(tz).date():
            return self.texts.plain("sms_esc_promise_today", time=clock_time(deadline, tz))
        return self.texts.plain("sms_esc_promise_by", when=when_short(deadline, tz))

    def watch_followup(
        self,
        session: Session,
        escalation: Escalation,
        *,
        checkin_id: int,
        questions: Sequence[str],
        now: datetime,
    ) -> None:
        """Page as urgent if these follow-up questions (C-SSRS) are not all answered in time."""
        assert escalation.id is not None
        enqueue(
            session,
            kind=OutboxKind.ESCALATION_DEADLINE,
            channel=Channel.STAFF,
            due_at=now + FOLLOWUP_WITHIN,
            dedupe_key=f"{rows_of(escalation.id)}followup",
            now=now,
            patient_id=escalation.patient_id,
            payload={
                "escalation_id": escalation.id,
                "checkin_id": checkin_id,
                "followup": list(questions),
            },
        )

    def _climb(self, session: Session, escalation: Escalation, *, now: datetime) -> None:
        """Start the ladder for a lower-level flag: its deadline passed or is after hours."""
        escalation.climbed_at = now
        escalation.owner = Owner.ONCALL
        self._plan_round(session, escalation, page=1, due=now, now=now)

    @staticmethod
    def _followup_answered(session: Session, checkin_id: object, codes: Sequence[str]) -> bool:
        if not isinstance(checkin_id, int):
            return False
        answered = set(
            session.exec(
                select(CheckInAnswer.question)
                .where(col(CheckInAnswer.checkin_id) == checkin_id)
                .where(col(CheckInAnswer.question).in_(list(codes)))
            ).all()
        )
        return answered >= set(codes)

    def _rungs(self, page: int) -> tuple[Channel, ...]:
        """The channels of one round of pages: the ladder climbs with every unanswered round."""
        rungs = list(PAGE_CHANNELS)
        if page > self.call_after_pages:
            rungs.append(Channel.ONCALL_CALL)
        if page > self.call_after_pages + 1:
            rungs += BACKUP_CHANNELS
        channels = self.dispatcher.channels
        # Rungs this deployment cannot use (no voice, no backup phone) are not planned at all.
        return tuple(
            rung
            for rung in rungs
            if rung in PAGE_CHANNELS
            or (channels.phone_for(rung) and (channels.voice if "call" in rung else channels.sms))
        )

    def _plan_round(
        self, session: Session, escalation: Escalation, *, page: int, due: datetime, now: datetime
    ) -> None:
        for channel in self._rungs(page):
            self._plan_page(session, escalation, page=page, channel=channel, due=due, now=now)

    def _plan_page(
        self,
        session: Session,
        escalation: Escalation,
        *,
        page: int,
        channel: Channel,
        due: datetime,
        now: datetime,
    ) -> None:
        assert escalation.id is not None
        enqueue(
            session,
            kind=OutboxKind.ESCALATION_PAGE,
            channel=channel,
            due_at=due,
            dedupe_key=page_key(escalation.id, page, channel),
            now=now,
            patient_id=escalation.patient_id,
            payload={"escalation_id": escalation.id, "page": page},
        )

    def _notify(
        self,
        session: Session,
        escalation: Escalation,
        flag: RedFlag,
        *,
        now: datetime,
        paging: bool = False,
    ) -> None:
        """A lower-level flag: a task on the staff list and a flagged notice with its deadline."""
        assert escalation.id is not None
        patient = session.get(Patient, escalation.patient_id)
        level = self.texts.plain(f"esc_level_{flag.level}")
        session.add(
            StaffTask(
                kind=TASK_KIND,
                patient_id=escalation.patient_id,
                detail=f"{level}: {flag.staff_summary}",
                created_at=now,
                dedupe_key=f"escalation:{escalation.id}",
            )
        )
        if paging:
            return  # the page itself tells staff, with the reason and the deadline
        staff_notice(
            session,
            appointment=None,
            event="message",
            now=now,
            patient_id=escalation.patient_id,
            extra={
                "html": self.texts.raw("esc_notice").format(
                    level=html.escape(level, quote=False),
                    escalation_id=flag_ref(escalation.id),
                    patient=patient_line(patient),
                    summary=html.escape(flag.staff_summary, quote=False),
                    reply=html.escape(flag.reply_text, quote=False),
                    deadline=html.escape(self.deadline_text(escalation), quote=False),
                ),
                "escalation_id": escalation.id,
            },
            key=f"{rows_of(escalation.id)}notice",
        )


REPAGE_AFTER = timedelta(minutes=10)


CALL_AFTER_PAGES = 2  # unacknowledged rounds of pages before on-call gets a voice call


# A self-harm Yes whose follow-up questions stay unanswered this long is paged as urgent.
FOLLOWUP_WITHIN = timedelta(minutes=15)


TASK_KIND = "red_flag"


PAGE_CHANNELS = (Channel.STAFF, Channel.ONCALL)


BACKUP_CHANNELS = (Channel.BACKUP, Channel.BACKUP_CALL)


# Every outbox row an escalation plans (its pages, its staff notice) has a key under this.
KEY_PREFIX = "esc:"


# "ACK", "ACK F-12", "ack 12", "Ack #12": the on-call clinician's reply to a page SMS.
SMS_ACK = re.compile(
    r"\s*ack(?:nowledged?)?\s*(?:#|f\s*-?)?\s*(\d{1,12})?\s*[.!]?\s*", re.IGNORECASE
)


# Pages send themselves and what they plan for now (a call when the staff chat is lost).
PAGE_PASSES = 3


# Escalations raised by crisis words in free text (bot.services.crisis): "crisis_<kind>".
CRISIS_RULE_PREFIX = "crisis_"


def page_key(escalation_id: int, page: int, channel: Channel | str) -> str:
    """Dedupe key of one page of one escalation on one channel."""
    return f"{rows_of(escalation_id)}page{page}:{channel}"


def rows_of(escalation_id: int) -> str:
    """The key prefix of every outbox row one escalation plans."""
    return f"{KEY_PREFIX}{escalation_id}:"


def deadline_key(escalation_id: int) -> str:
    return f"{rows_of(escalation_id)}deadline"


def check_key(escalation_id: int) -> str:
    """The time limit of a possible crisis's safety check (bot.services.crisis)."""
    return f"{rows_of(escalation_id)}check"


def is_sms_ack(body: str) -> bool:
    """Whether an inbound text is an acknowledgement ("ACK", "ACK 12")."""
    return SMS_ACK.fullmatch(body or "") is not None


class AckStatus(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    ALREADY = "already"
    NOT_FOUND = "not_found"
    REFUSED = "refused"  # from a number or person who may not acknowledge


@dataclass(frozen=True)
class Acknowledgement:
    status: AckStatus
    escalation_id: int
    by: str | None = None
    at: datetime | None = None


def merged_reports(first: DispatchReport, second: DispatchReport) -> DispatchReport:
    return DispatchReport(
        sent=first.sent + second.sent,
        skipped=first.skipped + second.skipped,
        failed=first.failed + second.failed,
        retried=first.retried + second.retried,
        postponed=first.postponed + second.postponed,
        errors=[*first.errors, *second.errors],
    )


async def logged_paging(paging: Awaitable[DispatchReport | None]) -> None:
    """Run a background paging; a failure is logged, and its rows stay for the outbox tick."""
    try:
        report = await paging
    except asyncio.CancelledError:
        log.warning("paging cancelled; the outbox tick sends what is left")
        raise
    except Exception as exc:
        # Database errors quote the statement's parameters (a phone number): the type only.
        log.error(
            "paging failed (%s); the outbox tick retries what was not sent", type(exc).__name__
        )
        log.debug("paging failed", exc_info=True)
        return
    if report is not None and report.errors:
        log.error("paging: %d page(s) failed; see the outbox", len(report.errors))


def patient_line(patient: Patient | None) -> str:
    if patient is None:
        return "(unknown patient)"
    name = html.escape(patient.name or "(no name)", quote=False)
    phone = patient.phone_e164 or "no phone"
    return f"<b>{name}</b> · {phone} · {patient_ref(patient.id)}"
