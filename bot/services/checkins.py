"""The check-in conversation after a treatment session (CLINICAL.md sections 3 and 4).

A check-in is a `CheckIn` row planned by the aftercare service with a CHECKIN outbox row. When
that row goes out, its renderer opens the check-in: it fixes the question list (safety screen
first; PHQ-9 instead of PHQ-2 after a positive PHQ-2), plans one nudge, and shows the intro, the
emergency notice and the first question. Every answer is stored once, evaluated for red flags at
once (a flag is escalated before the next question), may add follow-up questions (C-SSRS), and the
last one closes the check-in with thanks and its scores in the audit log. No reply: one nudge
after the profile's delay, then a staff task (not an emergency). Nothing goes to the patient in
the check-in quiet hours: a message that falls there waits for the morning, except the
evening safety check-in, which goes at any hour inside its window (issue 11 item 5).

By SMS the check-in asks only what a lock screen may show: the safety screen in plain words that
pass the SMS policy (the urgent signs together in one question, then each other one in the
profile's own words when they are SMS-safe), and one 0-10 score in neutral words. A Yes whose follow-up questions cannot be asked
by SMS is paged as urgent. The SMS service hands open-check-in replies to `answer_sms` while a
BookingDraft with flow "checkin" is open for the phone number.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import (
    Appointment,
    CheckIn,
    CheckInAnswer,
    Patient,
)
from bot.domain.checkins import (
    CheckinCatalog,
    in_quiet_hours,
    nudge_due,
    staff_task_due,
)
from bot.domain.clock import Clock
from bot.domain.enums import (
    AppointmentStatus,
    Channel,
    OutboxKind,
)
from bot.domain.outcomes import percent_reduction
from bot.domain.refs import appointment_ref
from bot.domain.sms_keywords import Inbound
from bot.messaging.channels import OutgoingMessage
from bot.presentation.formatting import when_long
from bot.presentation.staff_notice_words import called_row, patient_line
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.checkin_answers import CheckinAnswers
from bot.services.checkin_questions import CheckinQuestions
from bot.services.checkin_rows import (
    CLOSED,
    FLOW_CHECKIN,
    SMS_ANSWER_WINDOW,
    AnswerResult,
    CheckinStatus,
    answers_of,
    asks_safety,
    checkin_of,
    codes_of,
    ensure_checkin_task,
    first_unanswered,
    nudge_key,
    nudge_until,
    patient_baseline,
    task_key,
)
from bot.services.escalation import EscalationService
from bot.services.outbox import cancel_pending, enqueue
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.services.sms_conversation import start_sms_conversation
from bot.texts import Texts

log = logging.getLogger(__name__)


class CheckinService:
    """Open check-ins, record answers, escalate red flags, nudge, and hand misses to staff."""

    def __init__(
        self,
        *,
        db: Database,
        profile: ClinicProfile,
        clock: Clock,
        catalog: CheckinCatalog,
        texts: Texts,
        escalation: EscalationService,
    ) -> None:
        self.db = db
        self.profile = profile
        self.clock = clock
        self.catalog = catalog
        self.texts = texts
        self.escalation = escalation
        self.questions = CheckinQuestions(profile=profile, catalog=catalog, texts=texts)
        self._answering = CheckinAnswers(
            db=db,
            profile=profile,
            clock=clock,
            catalog=catalog,
            texts=texts,
            escalation=escalation,
            questions=self.questions,
        )

    @property
    def renderers(self) -> Renderers:
        return {
            OutboxKind.CHECKIN: self.render_checkin,
            OutboxKind.CHECKIN_NUDGE: self.render_nudge,
        }

    # --- opening ----------------------------------------------------------------------------

    def render_checkin(self, ctx: RenderContext) -> OutgoingMessage:
        """Open the check-in: intro, emergency notice and the first question."""
        checkin = checkin_of(ctx)
        if checkin.status in CLOSED:
            raise Skip(f"check-in {checkin.status}")
        appointment = ctx.appointment
        presession = self.questions.is_presession(checkin.slot)
        if presession:
            if (
                appointment is None
                or appointment.status != AppointmentStatus.BOOKED
                or appointment.starts_at <= ctx.now
            ):
                raise Skip("the session is no longer ahead")
        elif appointment is None or appointment.status != AppointmentStatus.COMPLETED:
            raise Skip("session not completed")
        assert checkin.id is not None
        if checkin.status != CheckinStatus.PLANNED and answers_of(ctx.session, checkin.id):
            raise Skip("check-in already under way")
        if not self.questions.is_evening(checkin.slot):
            # The evening safety check-in goes at any hour inside its window (issue 11 item 5).
            self._wait_for_morning(ctx)
        if checkin.slot.startswith(self.catalog.weekly.prefix) and self._relief_lost(
            ctx.session, checkin, appointment
        ):
            self._stop_weekly(ctx, checkin)
            raise Skip("relief lost: weekly check-ins end (CLINICAL.md section 3)")
        codes = self.questions.codes(ctx.session, checkin, sms=ctx.is_sms)
        if not codes:
            raise Skip("nothing to ask on this channel")
        self._open(ctx, checkin, codes)
        if ctx.is_sms:
            return OutgoingMessage(
                self.questions.sms("sms_checkin_open", self.questions.sms_question(codes[0]))
            )
        lead = (
            self.texts.html(
                "checkin_presession_intro",
                when=when_long(appointment.starts_at, self.profile.tz),
                emergency=self.texts.plain("emergency_notice"),
            )
            if presession
            else self.questions.intro()
        )
        return self.questions.question_message(checkin, codes[0], lead=lead)

    def _open(self, ctx: RenderContext, checkin: CheckIn, codes: Sequence[str]) -> None:
        session, now = ctx.session, ctx.now
        assert checkin.id is not None
        # A newer check-in supersedes an unfinished older one: its nudge would only confuse.
        session.exec(
            update(CheckIn)
            .where(col(CheckIn.patient_id) == checkin.patient_id)
            .where(col(CheckIn.id) != checkin.id)
            .where(col(CheckIn.status) == CheckinStatus.OPEN)
            .values(status=CheckinStatus.MISSED)
        )
        checkin.questions = json.dumps(list(codes))
        checkin.position = 0
        checkin.status = CheckinStatus.OPEN
        checkin.sent_at = now
        enqueue(
            session,
            kind=OutboxKind.CHECKIN_NUDGE,
            channel=Channel(ctx.row.channel),
            due_at=nudge_due(sent_at=now, tz=self.profile.tz, catalog=self.catalog),
            # A nudge is pointless once the next check-in is due (e.g. after downtime).
            not_after=nudge_until(ctx),
            dedupe_key=nudge_key(checkin.id),
            now=now,
            patient_id=checkin.patient_id,
            appointment_id=checkin.appointment_id,
            payload={"checkin_id": checkin.id},
        )
        if ctx.is_sms and ctx.patient is not None:
            self._save_sms_draft(session, ctx.patient, checkin, codes[0], now)

    def _save_sms_draft(
        self, session: Session, patient: Patient, checkin: CheckIn, code: str, now: datetime
    ) -> None:
        if patient.phone_e164 is None:
            return
        start_sms_conversation(
            session,
            patient.phone_e164,
            flow=FLOW_CHECKIN,
            step=code,
            patient_id=patient.id,
            data={"checkin_id": checkin.id},
            now=now,
            expires_at=now + SMS_ANSWER_WINDOW,
        )

    # --- nudge and staff task -----------------------------------------------------------------

    def render_nudge(self, ctx: RenderContext) -> OutgoingMessage:
        """One reminder of an unanswered check-in; at the staff stage, a task for staff."""
        checkin = checkin_of(ctx)
        if ctx.payload.get("stage") == "staff":
            return self._staff_task(ctx, checkin)
        if checkin.status != CheckinStatus.OPEN:
            raise Skip(f"check-in {checkin.status}")
        assert checkin.id is not None
        answers = answers_of(ctx.session, checkin.id)
        codes = codes_of(checkin)
        if ctx.is_sms:
            codes = self._switch_to_sms(ctx, checkin, answers)
        code = first_unanswered(codes, answers)
        if code is None:
            raise Skip("answered")
        self._wait_for_morning(ctx)
        checkin.nudged_at = ctx.now
        enqueue(
            ctx.session,
            kind=OutboxKind.CHECKIN_NUDGE,
            channel=Channel.STAFF,
            due_at=staff_task_due(nudged_at=ctx.now, catalog=self.catalog),
            dedupe_key=task_key(checkin.id),
            now=ctx.now,
            patient_id=checkin.patient_id,
            appointment_id=checkin.appointment_id,
            payload={"checkin_id": checkin.id, "stage": "staff"},
        )
        if ctx.is_sms:
            return OutgoingMessage(
                self.questions.sms("sms_checkin_nudge", self.questions.sms_question(code))
            )
        lead = f"{self.texts.html('checkin_nudge')}\n\n{self.questions.emergency()}"
        return self.questions.question_message(checkin, code, lead=lead)

    def _unsent_task(self, ctx: RenderContext, checkin: CheckIn) -> OutgoingMessage:
        """A check-in with the safety screen that never went out: staff call the patient."""
        if checkin.status != CheckinStatus.PLANNED:
            raise Skip(f"check-in {checkin.status}")
        if not asks_safety(self.catalog, checkin.slot):
            raise Skip("no safety questions in this check-in")
        assert checkin.id is not None
        closed = ctx.payload.get("window_closed")
        until = when_long(datetime.fromisoformat(closed), self.profile.tz) if closed else "?"
        task = ensure_checkin_task(
            ctx.session,
            checkin,
            detail=f"{checkin.slot} check-in not sent in its window (until {until})",
            now=ctx.now,
        )
        checkin.status = CheckinStatus.MISSED
        text = self.texts.raw("checkin_staff_unsent").format(
            slot=html.escape(checkin.slot),
            appointment_id=appointment_ref(checkin.appointment_id),
            patient=patient_line(ctx.texts, ctx.patient),
            until=html.escape(until),
        )
        return OutgoingMessage(text, buttons=[called_row(self.texts, task.id)])

    def _switch_to_sms(
        self, ctx: RenderContext, checkin: CheckIn, answers: Mapping[str, str]
    ) -> list[str]:
        """A check-in opened in Telegram continues by SMS with what SMS may ask."""
        codes = codes_of(checkin)
        sms_codes = self.questions.sms_codes(self.questions.codes(ctx.session, checkin, sms=False))
        if all(code in sms_codes for code in codes if code not in answers):
            return codes
        codes = [c for c in codes if c in answers] + [c for c in sms_codes if c not in answers]
        checkin.questions = json.dumps(codes)
        code = first_unanswered(codes, answers)
        if code is not None and ctx.patient is not None:
            self._save_sms_draft(ctx.session, ctx.patient, checkin, code, ctx.now)
        return codes

    def _staff_task(self, ctx: RenderContext, checkin: CheckIn) -> OutgoingMessage:
        if ctx.payload.get("unsent"):
            return self._unsent_task(ctx, checkin)
        if checkin.status not in (CheckinStatus.OPEN, CheckinStatus.MISSED):
            raise Skip(f"check-in {checkin.status}")
        assert checkin.id is not None
        answers = answers_of(ctx.session, checkin.id)
        codes = codes_of(checkin)
        task = ensure_checkin_task(
            ctx.session,
            checkin,
            detail=f"{checkin.slot} check-in: {len(answers)} of {len(codes)} answered",
            now=ctx.now,
        )
        checkin.status = CheckinStatus.MISSED
        text = self.texts.raw("checkin_staff_missed").format(
            slot=html.escape(checkin.slot),
            appointment_id=appointment_ref(checkin.appointment_id),
            patient=patient_line(ctx.texts, ctx.patient),
            answered=len(answers),
            total=len(codes),
        )
        return OutgoingMessage(text, buttons=[called_row(self.texts, task.id)])

    def _wait_for_morning(self, ctx: RenderContext) -> None:
        """Inside quiet hours (a late retry, a restart): send the same message at quiet end."""
        tz, quiet = self.profile.tz, self.catalog.quiet
        if not in_quiet_hours(ctx.now, tz=tz, quiet=quiet):
            return
        local = ctx.now.astimezone(tz)
        day = local.date() if local.time() < quiet.end else local.date() + timedelta(days=1)
        due = datetime.combine(day, quiet.end, tzinfo=tz).astimezone(UTC)
        enqueue(
            ctx.session,
            kind=OutboxKind(ctx.row.kind),
            channel=Channel(ctx.row.channel),
            due_at=due,
            dedupe_key=f"{ctx.row.dedupe_key}:{due:%Y%m%d}",
            now=ctx.now,
            patient_id=ctx.row.patient_id,
            appointment_id=ctx.row.appointment_id,
            not_after=ctx.row.not_after,
            payload=dict(ctx.payload),
        )
        raise Skip("quiet hours: moved to the morning")

    # --- answering (bot/services/checkin_answers.py) ------------------------------------------

    async def answer(
        self, *, telegram_user_id: int, checkin_id: int, question: str, value: str
    ) -> AnswerResult:
        """Record a button answer (`CheckinAnswers.answer`)."""
        return await self._answering.answer(
            telegram_user_id=telegram_user_id, checkin_id=checkin_id, question=question, value=value
        )

    async def answer_typed(self, *, telegram_user_id: int, text: str) -> AnswerResult | None:
        """Typed text saying an option of the open question (`CheckinAnswers.answer_typed`)."""
        return await self._answering.answer_typed(telegram_user_id=telegram_user_id, text=text)

    def answer_sms(
        self,
        session: Session,
        patient_id: int,
        inbound: Inbound,
        now: datetime,
        *,
        opted_out: bool = False,
    ) -> str | None:
        """The SMS seam (`CheckinAnswers.answer_sms`), in the caller's transaction."""
        return self._answering.answer_sms(session, patient_id, inbound, now, opted_out=opted_out)

    def _relief_lost(self, session: Session, checkin: CheckIn, appointment: Appointment) -> bool:
        """Two consecutive check-ins since this session below the responder threshold."""
        baseline = patient_baseline(session, checkin, profile=self.profile, catalog=self.catalog)
        if baseline is None:
            return False
        code = self.catalog.outcomes.pain_question
        question = self.catalog.questions[code]
        values = session.exec(
            select(CheckInAnswer.value)
            .join(CheckIn, col(CheckIn.id) == col(CheckInAnswer.checkin_id))
            .where(col(CheckIn.appointment_id) == appointment.id)
            .where(col(CheckInAnswer.question) == code)
            .order_by(col(CheckInAnswer.answered_at).desc())
            .limit(2)
        ).all()
        if len(values) < 2:
            return False
        threshold = self.catalog.outcomes.responder_pct
        reductions = [
            percent_reduction(baseline=baseline, pain=question.score(value)) for value in values
        ]
        return all(r is not None and r < threshold for r in reductions)

    def _stop_weekly(self, ctx: RenderContext, checkin: CheckIn) -> None:
        """Cancel the rest of this session's weekly check-ins; staff see it in the audit log."""
        ctx.session.exec(
            update(CheckIn)
            .where(col(CheckIn.appointment_id) == checkin.appointment_id)
            .where(col(CheckIn.status) == CheckinStatus.PLANNED)
            .values(status=CheckinStatus.CANCELLED)
        )
        cancel_pending(
            ctx.session,
            appointment_id=checkin.appointment_id,
            kinds=(OutboxKind.CHECKIN,),
            reason="relief lost",
        )
        audit(
            ctx.session,
            at=ctx.now,
            actor="system",
            action="checkin.weekly_stopped",
            subject=f"appointment:{checkin.appointment_id}",
            detail={"reason": "relief lost", "slot": checkin.slot},
        )
