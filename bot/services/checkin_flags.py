"""Which red flags a check-in answer raises (CLINICAL.md section 4), and what it asks next.

The rules are the profile's, evaluated by `bot.domain.redflags`; this module brings what they
need from the database (the pain baseline, the previous answer, what this check-in raised
already) and words the flags that SMS asks together (the urgent signs, the pre-session items).
"""

from collections.abc import Mapping
from dataclasses import replace

from sqlmodel import Session, col, select

from bot.db.models import (
    CheckIn,
    CheckInAnswer,
    Escalation,
)
from bot.domain.checkins import (
    CheckinCatalog,
    RuleMatch,
)
from bot.domain.enums import (
    EscalationLevel,
)
from bot.domain.redflags import RedFlag, evaluate_answer
from bot.profile import ClinicProfile
from bot.services.checkin_questions import CheckinQuestions
from bot.services.checkin_rows import (
    SMS_PRESESSION,
    SMS_SIGNS,
    patient_baseline,
)


class CheckinFlags:
    """Evaluate one answer against the profile's red-flag rules."""

    def __init__(
        self, *, profile: ClinicProfile, catalog: CheckinCatalog, questions: CheckinQuestions
    ) -> None:
        self.profile = profile
        self.catalog = catalog
        self.questions = questions

    def evaluate(
        self,
        session: Session,
        checkin: CheckIn,
        code: str,
        value: str,
        answers: Mapping[str, str],
        *,
        sms: bool,
    ) -> tuple[list[RedFlag], list[str]]:
        """Red flags this answer raises now, and the follow-up questions it asks."""
        assert checkin.id is not None
        # A rule fires again for another answer (liver signs, then a rash with fever); rows
        # without the answers behind them block their whole rule, as before.
        raised = {
            rule if trigger is None else f"{rule}:{trigger}"
            for rule, trigger in session.exec(
                select(Escalation.rule, Escalation.trigger).where(
                    col(Escalation.checkin_id) == checkin.id
                )
            ).all()
        }
        if code == SMS_SIGNS:
            return self._signs_flags(checkin, value, raised), []
        if code == SMS_PRESESSION:
            return self._presession_flags(checkin, value, raised), []
        verdict = evaluate_answer(
            code,
            value,
            slot=checkin.slot,
            answers=answers,
            baseline_pain=self._baseline(session, checkin, code),
            previous=self._previous(session, checkin, code),
            catalog=self.catalog,
            raised=raised,
        )
        flags = list(verdict.flags)
        ask_next = [q.code for q in verdict.ask_next]
        if sms and ask_next and flags:
            # Its follow-up questions cannot be asked by SMS, so nothing rules out the worst.
            flags = [
                replace(
                    flag,
                    level=EscalationLevel.URGENT,
                    staff_summary=f"{flag.staff_summary}. By SMS: follow-up questions not "
                    "asked, so paged as urgent",
                    ends_checkin=True,
                )
                for flag in flags
            ]
        return flags, ask_next

    def _signs_flags(self, checkin: CheckIn, value: str, raised: set[str]) -> list[RedFlag]:
        """A Yes by SMS to "any of the urgent warning signs": every rule a Yes to one raises."""
        if self.questions.signs_question.score(value) < 1:
            return []
        flags: dict[str, RedFlag] = {}
        for item in self.questions.urgent_items:
            verdict = evaluate_answer(
                item,
                "yes",
                slot=checkin.slot,
                answers={},
                baseline_pain=None,
                previous=None,
                catalog=self.catalog,
                raised=raised,
            )
            for flag in verdict.flags:
                flags.setdefault(flag.rule, flag)
        numbers = self.questions.signs_numbers()
        return [
            replace(
                flag,
                staff_summary=f"{self.questions.rule_label(flag.rule)} ({checkin.slot}): by SMS, Yes to "
                f"the urgent signs question (safety items {numbers[0]}-{numbers[1]} asked "
                "together: chest or breathing, passing out, one-sided weakness, speech or sight, "
                "swelling; which one is not known)",
                questions=(SMS_SIGNS,),
            )
            for flag in flags.values()
        ]

    def _presession_flags(self, checkin: CheckIn, value: str, raised: set[str]) -> list[RedFlag]:
        """A Yes by SMS to the combined pre-session question: what a Yes to its first item raises,
        saying that which item is not known (staff call the patient before the session)."""
        if (
            self.questions.presession_question.score(value) < 1
            or not self.questions.presession_items
        ):
            return []
        verdict = evaluate_answer(
            self.questions.presession_items[0],
            "yes",
            slot=checkin.slot,
            answers={},
            baseline_pain=None,
            previous=None,
            catalog=self.catalog,
            raised=raised,
        )
        labels = ", ".join(self.catalog.questions[c].label for c in self.questions.presession_items)
        return [
            replace(
                flag,
                staff_summary=f"{self.questions.rule_label(flag.rule)} ({checkin.slot}): by SMS, Yes to "
                f"the pre-session question (asked together: {labels}; which one is not known): "
                "call the patient before the session",
                questions=(SMS_PRESESSION,),
            )
            for flag in verdict.flags
        ]

    def _baseline(self, session: Session, checkin: CheckIn, code: str) -> float | None:
        rules = [r for r in self.catalog.red_flags if r.match is RuleMatch.ABOVE_BASELINE]
        if not any(code in rule.questions for rule in rules):
            return None
        return patient_baseline(session, checkin, profile=self.profile, catalog=self.catalog)

    def _previous(self, session: Session, checkin: CheckIn, code: str) -> dict[str, str]:
        """The patient's latest earlier answer to this question (for "new or worse")."""
        if not any(rule.new_or_worse and code in rule.questions for rule in self.catalog.red_flags):
            return {}
        value = session.exec(
            select(CheckInAnswer.value)
            .where(col(CheckInAnswer.patient_id) == checkin.patient_id)
            .where(col(CheckInAnswer.question) == code)
            .where(col(CheckInAnswer.checkin_id) != checkin.id)
            .order_by(col(CheckInAnswer.answered_at).desc(), col(CheckInAnswer.id).desc())
            .limit(1)
        ).first()
        return {} if value is None else {code: value}
