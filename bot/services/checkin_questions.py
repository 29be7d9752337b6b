"""The questions of a check-in and their words (CLINICAL.md sections 3 and 4).

Which questions a check-in asks on each channel (by SMS: the urgent signs together, the
pre-session items as one question, one 0-10 score), how each is worded in the patient's language,
the answer buttons, and the SMS texts, each checked against the SMS policy before it is sent.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from bot.db.models import (
    CheckIn,
    CheckInAnswer,
)
from bot.domain.callback_data import CheckinAnswer
from bot.domain.checkins import (
    PERIOD_PLACEHOLDER,
    PHQ2_SET,
    PHQ9_SET,
    SAFETY_SET,
    CheckinCatalog,
    EveningSlot,
    Option,
    Question,
    QuestionKind,
    RuleMatch,
    phq9_due_next,
    questions_for,
)
from bot.domain.errors import ConfigError
from bot.domain.redflags import RedFlag
from bot.domain.sms_policy import UnsafeSmsText, assert_sms_safe
from bot.messaging.channels import Button, OutgoingMessage
from bot.profile import ClinicProfile
from bot.services.checkin_rows import (
    SMS_PRESESSION,
    SMS_SIGNS,
    AnswerResult,
    AnswerStatus,
    Step,
    answers_of,
    codes_of,
)
from bot.services.rendering import Skip
from bot.texts import Texts, profile_texts
from bot.texts.checkins import DEFAULTS as CHECKIN_TEXTS
from bot.texts.escalations import DEFAULTS as ESCALATION_TEXTS

log = logging.getLogger(__name__)


class CheckinQuestions:
    """The check-in catalogue as the patient sees it, on Telegram and by SMS."""

    def __init__(self, *, profile: ClinicProfile, catalog: CheckinCatalog, texts: Texts) -> None:
        self.profile = profile
        self.catalog = catalog
        self.texts = texts
        self._builtin = Texts()
        # Recall periods by code, to name a slot's period in the patient's language.
        self._periods: dict[str, str] = dict(
            profile.model_dump().get("checkins", {}).get("periods", {}) or {}
        )
        safety = list(catalog.sets[SAFETY_SET])
        # Safety items whose Yes ends the check-in with an emergency reply are asked together by
        # SMS; the others (self-harm, with its follow-ups) one by one.
        self.urgent_items = tuple(code for code in safety if self.ends_with_yes(code))
        self.safety_numbers = {code: n for n, code in enumerate(safety, 1)}
        first = catalog.questions[safety[0]]
        self.signs_question = Question(
            code=SMS_SIGNS,
            kind=QuestionKind.YES_NO,
            text=self.signs_text(),
            label=(
                "by SMS, one question for the urgent signs (chest or breathing, passing out, "
                "one-sided weakness, speech or sight, swelling)"
            ),
            options=first.options,
        )
        self.presession_items = self._presession_yes_no(catalog)
        self.presession_question = Question(
            code=SMS_PRESESSION,
            kind=QuestionKind.YES_NO,
            text=texts.plain("sms_checkin_q_presession"),
            label=(
                "by SMS, one question for the pre-session items (medicines, pregnancy, alcohol "
                "or drugs, fasting, ride home, bladder, an effect still there)"
            ),
            options=first.options,
        )

    @staticmethod
    def _presession_yes_no(catalog: CheckinCatalog) -> tuple[str, ...]:
        plan = catalog.presession
        if plan is None:
            return ()
        codes = dict.fromkeys(code for name in plan.sets for code in catalog.sets[name])
        return tuple(code for code in codes if catalog.questions[code].kind is QuestionKind.YES_NO)

    def codes(self, session: Session, checkin: CheckIn, *, sms: bool) -> list[str]:
        try:
            phq9_due = not self.is_presession(checkin.slot) and self.phq9_due(session, checkin)
            questions = questions_for(checkin.slot, self.catalog, phq9_due=phq9_due)
        except ValueError:
            raise Skip(f"slot {checkin.slot} is no longer in the profile") from None
        # Answers come from buttons (or SMS keywords), so free text cannot be asked here.
        codes = [q.code for q in questions if q.kind is not QuestionKind.FREE_TEXT]
        return self.sms_codes(codes) if sms else codes

    def sms_codes(self, codes: Sequence[str]) -> list[str]:
        """What SMS may ask of a check-in: the safety screen by numbers, the pre-session items
        as one question, and one 0-10 score."""
        asked: list[str] = []
        if any(code in self.urgent_items for code in codes):
            asked.append(SMS_SIGNS)
        if any(code in self.presession_items for code in codes):
            asked.append(SMS_PRESESSION)
        asked += [code for code in codes if code in self.safety_numbers and code not in asked]
        asked = [code for code in asked if code not in self.urgent_items]
        score = next(
            (c for c in codes if self.catalog.questions[c].kind is QuestionKind.SCALE_0_10), None
        )
        if score is not None:
            asked.append(score)
        return asked

    def phq9_due(self, session: Session, checkin: CheckIn) -> bool:
        """After a positive PHQ-2 the next check-in asks the full PHQ-9, once."""
        phq2 = self.catalog.sets[PHQ2_SET]
        latest = session.exec(
            select(CheckInAnswer.checkin_id)
            .where(col(CheckInAnswer.patient_id) == checkin.patient_id)
            .where(col(CheckInAnswer.checkin_id) != checkin.id)
            .where(col(CheckInAnswer.question).in_(phq2))
            .order_by(col(CheckInAnswer.answered_at).desc(), col(CheckInAnswer.id).desc())
            .limit(1)
        ).first()
        if latest is None:
            return False
        previous = session.get(CheckIn, latest)
        if previous is None:
            return False
        extra = set(self.catalog.sets[PHQ9_SET]) - set(phq2)
        if extra & set(codes_of(previous)):
            return False  # that one was the follow-up PHQ-9 already
        return phq9_due_next(answers_of(session, latest), self.catalog)

    # --- words and buttons --------------------------------------------------------------------

    def telegram_result(self, checkin: CheckIn, step: Step) -> AnswerResult:
        if step.status is not AnswerStatus.RECORDED:
            key = {
                AnswerStatus.ALREADY_ANSWERED: "checkin_already_recorded",
                AnswerStatus.CLOSED: "checkin_closed",
            }.get(step.status, "checkin_not_asked")
            return AnswerResult(step.status, notice=self.texts.plain(key))
        assert step.question is not None
        assert step.option is not None
        answered = self.texts.html(
            "checkin_answered",
            question=self.display_text(step.question, checkin.slot),
            answer=option_label(step.question, step.option),
        )
        if step.first:
            answered = f"{self.intro()}\n\n{answered}"
        replies = [
            reply if promise is None else f"{reply}\n{promise}"
            for reply, promise in zip(
                (profile_texts.reply(flag.reply_key, flag.reply_text) for flag in step.flags),
                (*step.promises, *([None] * len(step.flags))),
                strict=False,
            )
        ]
        messages = [OutgoingMessage(html.escape(reply, quote=False)) for reply in _unique(replies)]
        if step.next_code is not None:
            messages.append(self.question_message(checkin, step.next_code))
        elif not step.ended_by_flag:
            messages.append(OutgoingMessage(self.texts.html("checkin_done")))
        return AnswerResult(
            AnswerStatus.RECORDED,
            answered=answered,
            messages=tuple(messages),
            flags=step.flags,
            finished=step.finished,
        )

    def question_message(
        self, checkin: CheckIn, code: str, *, lead: str | None = None
    ) -> OutgoingMessage:
        question = self.question(code)
        if question is None:
            raise Skip(f"question {code} is no longer in the profile")
        assert checkin.id is not None
        text = html.escape(self.display_text(question, checkin.slot), quote=False)
        if lead:
            text = f"{lead}\n\n{text}"
        return OutgoingMessage(text, buttons=_buttons(checkin.id, question))

    def is_presession(self, slot: str) -> bool:
        plan = self.catalog.presession
        return plan is not None and slot == plan.code

    def is_evening(self, slot: str) -> bool:
        try:
            return isinstance(self.catalog.slot(slot), EveningSlot)
        except ValueError:
            return False

    def display_text(self, question: Question, slot: str) -> str:
        try:
            period = self.catalog.slot(slot).period
        except ValueError:
            period = None
        text = profile_texts.question(question.code, question.text)
        if period is None:
            return text
        return text.replace(
            PERIOD_PLACEHOLDER, profile_texts.period_in_language(period, self._periods)
        )

    def intro(self) -> str:
        return self.texts.html("checkin_intro", emergency=self.texts.plain("emergency_notice"))

    def emergency(self) -> str:
        return html.escape(self.texts.plain("emergency_notice"), quote=False)

    def question(self, code: str) -> Question | None:
        if code == SMS_SIGNS:
            return self.signs_question
        if code == SMS_PRESESSION:
            return self.presession_question
        return self.catalog.questions.get(code)

    def signs_numbers(self) -> tuple[int, int]:
        numbers = [self.safety_numbers[code] for code in self.urgent_items] or [1]
        return min(numbers), max(numbers)

    def signs_text(self) -> str:
        first, last = self.signs_numbers()
        return self.texts.plain("sms_checkin_q_signs", first=first, last=last)

    def sms_question(self, code: str) -> str:
        if code == SMS_SIGNS:
            return self.signs_text()
        if code == SMS_PRESESSION:
            return self.presession_question.text
        if code in self.safety_numbers:
            # The profile's own plain words, when a lock screen may show them.
            asked = self.catalog.questions[code]
            words = profile_texts.question(code, asked.text)
            words = words.replace(PERIOD_PLACEHOLDER, "").strip()
            question = self.texts.plain(
                "sms_checkin_q_sign", text=words, number=self.safety_numbers[code]
            )
            try:
                assert_sms_safe(question, max_segments=2)
            except UnsafeSmsText:
                return self.texts.plain(
                    "sms_checkin_q_sign_other", number=self.safety_numbers[code]
                )
            return question
        if code != self.catalog.outcomes.pain_question:
            # Another 0-10 (how they felt after the last session: 10 is best, unlike pain): its
            # own words and ends of the scale, when a lock screen may show them.
            own = self.texts.plain(
                "sms_checkin_q_own_score",
                text=self.catalog.questions[code].text.replace(PERIOD_PLACEHOLDER, "").strip(),
            )
            try:
                assert_sms_safe(own, max_segments=2)
            except UnsafeSmsText:
                pass
            else:
                return own
        return self.texts.plain("sms_checkin_q_score")

    def sms(self, key: str, question: str) -> str:
        return self.safe(key, question=question)

    def sms_plain(self, key: str) -> str:
        return self.safe(key)

    def sms_reply(self, flag: RedFlag) -> str:
        key = f"sms_checkin_reply_{flag.reply_key}"
        try:
            self.texts.raw(key)
        except KeyError:
            key = "sms_checkin_reply"  # a reply the profile added without an SMS wording
        return self.safe(key)

    def safe(self, key: str, **values: str) -> str:
        """An SMS text, checked: a profile override that is not SMS-safe is never sent."""
        values = {"clinic": self.profile.clinic.name, **values}
        text = self.texts.plain(key, **values)
        try:
            assert_sms_safe(text, max_segments=2)
        except UnsafeSmsText as exc:
            log.error("texts.%s is not SMS-safe (%s); sending the built-in wording", key, exc)
            text = self._builtin.plain(key, **values)
        return text

    def ends_with_yes(self, code: str) -> bool:
        question = self.catalog.questions[code]
        return any(
            rule.ends_checkin
            and rule.match is RuleMatch.ANSWER
            and code in rule.questions
            and any(
                option.score >= rule.min_score
                and (rule.max_score is None or option.score <= rule.max_score)
                for option in question.options
            )
            for rule in self.catalog.red_flags
        )

    def rule_label(self, code: str) -> str:
        return next((r.label for r in self.catalog.red_flags if r.code == code), code)


def check_sms_texts(texts: Texts, profile: ClinicProfile) -> None:
    """Refuse to start when a check-in or on-call SMS text (e.g. an override) is not SMS-safe."""
    samples: dict[str, object] = {
        "clinic": profile.clinic.name,
        "first": 1,
        "last": 9,
        "number": 9,
        "page": 99,
        "escalation_id": 999999,
        "patient_ref": "ref 999999",
        "callback": " on +15555550123",
        "ids": "999997, 999998, 999999",
        "time": "12:59 PM",
        "when": "Wed 30 Sep 12:59 PM",
    }
    samples["repeat"] = texts.plain("sms_oncall_repeat", **samples)
    samples["text"] = "Are you having thoughts of harming yourself?"
    questions = [
        texts.plain(key, **samples)
        for key in (
            "sms_checkin_q_signs",
            "sms_checkin_q_sign",
            "sms_checkin_q_sign_other",
            "sms_checkin_q_score",
            "sms_checkin_q_presession",
        )
    ]
    for key in [*CHECKIN_TEXTS, *ESCALATION_TEXTS]:
        # Spoken call texts are as public as an SMS (a loudspeaker, a voicemail).
        if not key.startswith(("sms_", "voice_")):
            continue
        for question in questions:
            try:
                assert_sms_safe(texts.plain(key, question=question, **samples), max_segments=2)
            except UnsafeSmsText as exc:
                raise ConfigError(f"clinic profile texts.{key}: {exc}") from None


def _with_promise(reply: str, promise: str) -> str:
    """The red-flag reply, then when we call; a closing sentence both end with is said once."""
    last = promise.rsplit(". ", 1)[-1].strip()
    if last and reply.endswith(last) and reply != last:
        reply = reply[: -len(last)].rstrip()
    return f"{reply} {promise}"


def option_label(question: Question, option: Option) -> str:
    """An answer's label in the patient's language."""
    return profile_texts.option_label(str(question.kind), question.code, option.code, option.label)


def _buttons(checkin_id: int, question: Question) -> list[list[Button]]:
    buttons = [
        Button(
            option_label(question, option),
            data=CheckinAnswer(checkin_id, question.code, option.code).pack(),
        )
        for option in question.options
    ]
    longest = max((len(option_label(question, option)) for option in question.options), default=0)
    # Numbers side by side, short words three to a row, long answers one per row.
    width = 6 if longest <= 2 else 3 if longest <= 12 else 1
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def _unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))
