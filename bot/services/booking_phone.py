"""The booking flow's phone number: a shared contact or a typed number, the texted code that
proves it, and linking a proved number to the chat's patient record (merging an empty shell)."""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from bot.db.models import (
    Appointment,
    BookingDraft,
    CheckIn,
    Escalation,
    Outbox,
    Patient,
    ScreeningAnswer,
    StaffTask,
)
from bot.domain.enums import Channel, DraftStep
from bot.domain.errors import (
    InvalidPhone,
)
from bot.domain.phone_codes import CODE_VALID_FOR, as_code
from bot.presentation.chat_replies import Reply, Screen, Who
from bot.presentation.formatting import when_long
from bot.services.audit import audit
from bot.services.booking_turn import FlowBase, Turn
from bot.services.patients import (
    patient_by_phone,
)
from bot.services.phone_claims import (
    CodeOutcome,
    CodeResult,
    Verified,
    apply_verified,
    check_code,
    request_code,
)
from bot.services.phones import normalize_phone

log = logging.getLogger(__name__)


class FlowPhone(FlowBase):
    """Phone numbers in the booking flow: share, type, prove with a code, link."""

    def _phone_reason(self, exc: Exception) -> str:
        """Why a typed number was refused, in the patient's words (normalize_phone's reasons)."""
        invalid = "not valid" in str(exc)
        return self.texts.plain(
            "book_phone_reason_invalid" if invalid else "book_phone_reason_format"
        )

    def shared_contact(self, who: Who, *, phone: str, owner_id: int | None) -> Reply:
        """A contact shared with the reply keyboard: only the person's own number counts."""
        turn = self._turn(who)
        if turn is None:
            return self._consent_needed()
        draft = turn.draft
        if draft is None or not draft.active(turn.now):
            return Reply((self.screens.menu(turn.patient, lead=self._idle_note(turn)),))
        if draft.step not in (DraftStep.PHONE, DraftStep.PHONE_CODE):
            return self._again(turn, "book_use_buttons")
        if owner_id != who.user_id:
            return self._again(turn, "book_phone_not_yours")
        number = phone.strip()
        if number and not number.startswith("+"):
            number = "+" + number  # Telegram shares numbers without the plus sign
        try:
            phone = normalize_phone(number, region=self.profile.clinic.phone_region)
        except InvalidPhone as exc:
            button = self.texts.plain("book_share_phone")
            return self._again(
                turn, "book_phone_invalid", reason=self._phone_reason(exc), button=button
            )
        return self._phone_proved(turn, phone, via=Verified.CONTACT)

    def _on_phone(self, turn: Turn, text: str) -> Reply:
        """A typed number is a claim: text it a code, never saying whether a record holds it."""
        try:
            phone = normalize_phone(text, region=self.profile.clinic.phone_region)
        except InvalidPhone as exc:
            button = self.texts.plain("book_share_phone")
            return self._again(
                turn, "book_phone_invalid", reason=self._phone_reason(exc), button=button
            )
        if phone == turn.patient.phone_e164 and turn.patient.phone_verified_at is not None:
            return self._phone_settled(turn, phone, verified=True, key="book_phone_saved")
        if not self.sms_available():
            return self._phone_settled(turn, phone, verified=False)
        data = turn.open_draft.copy_data()
        for key in ("phone", "phone_verified"):
            data.pop(key, None)
        data["phone_claim"] = phone
        result = self._request_code(turn, phone)
        reply = self._advance(turn, data, send=True)
        return replace(reply, changed=result.outcome is CodeOutcome.SENT)

    def _on_code(self, turn: Turn, text: str) -> Reply:
        """The code typed back: the number is proved, or say what went wrong."""
        data = turn.open_draft.copy_data()
        phone = str(data.get("phone_claim") or "")
        code = as_code(text)
        if code is None:
            pressed = self._typed_button(turn, text)
            if pressed is not None:
                return self.press(
                    turn.who, verb=pressed.verb, version=pressed.version, arg=pressed.arg
                )
            return self._again(turn, "book_phone_code_format")
        with self.db.session() as session:
            result = check_code(
                session,
                patient_id=turn.patient_id,
                telegram_user_id=turn.who.user_id,
                phone=phone,
                code=code,
                now=turn.now,
            )
        if result.outcome is CodeOutcome.VERIFIED:
            return self._phone_proved(turn, phone, via=Verified.CODE)
        key, values = self._code_note(result, phone)
        return self._again(turn, key, **values)

    def _on_code_button(self, turn: Turn, arg: str) -> Reply:
        data = turn.open_draft.copy_data()
        phone = str(data.get("phone_claim") or "")
        if arg == "r" and phone:
            result = self._request_code(turn, phone)
            sent = result.outcome is CodeOutcome.SENT
            return replace(Reply((self._current(turn),)), changed=sent)
        if arg == "o":
            for key in ("phone", "phone_claim", "phone_verified"):
                data.pop(key, None)
            return self._advance(turn, data, send=True)
        if arg == "s" and phone:
            return self._phone_settled(turn, phone, verified=False)
        return self._show_current(turn)

    def _request_code(self, turn: Turn, phone: str) -> CodeResult:
        with self.db.session() as session:
            result = request_code(
                session,
                patient_id=turn.patient_id,
                telegram_user_id=turn.who.user_id,
                phone=phone,
                now=turn.now,
            )
        if result.outcome is CodeOutcome.SENT:
            turn.notes.append(self._sent_note(phone))
        else:
            key, values = self._code_note(result, phone)
            turn.notes.append(self.texts.html(key, **values))
        return result

    def _sent_note(self, phone: str) -> str:
        minutes = int(CODE_VALID_FOR.total_seconds() // 60)
        return self.texts.html("book_phone_code_sent", phone=phone, minutes=minutes)

    def _code_note(self, result: CodeResult, phone: str) -> tuple[str, dict[str, object]]:
        """The text key and values that tell the person what happened to their code."""
        resend = self.texts.plain("book_phone_code_resend")
        until = when_long(result.until, self.tz) if result.until is not None else ""
        minutes = int(CODE_VALID_FOR.total_seconds() // 60)
        outcome = result.outcome
        if outcome is CodeOutcome.WRONG:
            word = "book_phone_code_try" if result.tries_left == 1 else "book_phone_code_tries"
            return "book_phone_code_wrong", {
                "tries": result.tries_left,
                "tries_word": self.texts.plain(word),
            }
        if outcome is CodeOutcome.EXPIRED:
            return "book_phone_code_expired", {"minutes": minutes, "button": resend}
        if outcome is CodeOutcome.LOCKED:
            return "book_phone_code_locked", {"until": until}
        if outcome is CodeOutcome.TOO_SOON:
            return "book_phone_code_too_soon", {"button": resend}
        if outcome is CodeOutcome.TOO_MANY:
            return "book_phone_code_too_many", {"until": until}
        if outcome is CodeOutcome.OTHER_NUMBER:
            return "book_phone_code_other_number", {"phone": phone}
        if outcome is CodeOutcome.OTHER_ACCOUNT:
            return "book_phone_code_other_account", {}
        return "book_phone_code_none", {"phone": phone, "button": resend}

    def _phone_proved(self, turn: Turn, phone: str, *, via: Verified) -> Reply:
        """The number is the sender's: it may join their record to one holding it, and is theirs.

        Whether another record holds it is never said: the reply is the same either way.
        """
        data = turn.open_draft.copy_data()
        self._link_own_phone(turn, phone, name=str(data.get("name") or ""))
        with self.db.session() as session:
            patient = session.get(Patient, turn.patient_id)
            if patient is not None:
                apply_verified(
                    session,
                    patient=patient,
                    phone=phone,
                    via=via,
                    actor=f"patient:{patient.id}",
                    now=turn.now,
                )
                session.flush()
                session.refresh(patient)
                session.expunge(patient)
                turn.patient = patient
        key = "book_phone_confirmed" if via is Verified.CODE else "book_phone_saved"
        return self._phone_settled(turn, phone, verified=True, key=key)

    def _phone_settled(
        self, turn: Turn, phone: str, *, verified: bool, key: str = "book_phone_unconfirmed"
    ) -> Reply:
        """Note the number (proved or not) and move on; an unproved one never gets texts."""
        data = turn.open_draft.copy_data()
        data.pop("phone_claim", None)
        data["phone"] = phone
        data["phone_verified"] = verified
        if not verified:
            data["sms"] = False
        saved = Screen(self.texts.html(key, phone=phone), clear_keyboard=True)
        return self._advance(turn, data, send=True, before=(saved,))

    def _link_own_phone(self, turn: Turn, phone: str, *, name: str) -> None:
        """Join this chat to the record holding `phone`, proved to be the sender's.

        Proved by a contact Telegram says is theirs, or by the code texted to it.

        Only when it is safe: that record has no Telegram account of its own (two accounts
        claiming one number is for staff to sort out) and no other name than the one typed (a
        number can pass to a new owner), and this chat's record is still an empty shell (nothing
        booked or answered). Then the chat moves onto the phone's record, with its appointments
        and consents, and the shell is removed. Otherwise nothing changes here and the booking
        raises a duplicate-record task for staff.
        """
        try:
            with self.db.session() as session:
                owner = patient_by_phone(session, phone)
                shell = session.get(Patient, turn.patient_id)
                if owner is None or shell is None or owner.id == shell.id:
                    return
                if not _may_take_over(session, owner=owner, shell=shell, name=name):
                    return
                user_id, chat_id = shell.telegram_user_id, shell.telegram_chat_id
                consent_at = shell.telegram_consent_at
                # The Telegram id is unique: it must leave the shell before the owner takes it.
                shell.telegram_user_id = None
                shell.telegram_chat_id = None
                session.flush()
                owner.telegram_user_id, owner.telegram_chat_id = user_id, chat_id
                owner.telegram_consent_at = consent_at
                owner.telegram_blocked_at = None
                owner.preferred_channel = Channel.TELEGRAM
                session.execute(
                    update(BookingDraft)
                    .where(col(BookingDraft.patient_id) == shell.id)
                    .values(patient_id=owner.id)
                )
                session.flush()
                session.delete(shell)
                audit(
                    session,
                    at=turn.now,
                    actor=f"patient:{owner.id}",
                    action="patient.telegram_linked",
                    subject=f"patient:{owner.id}",
                    detail={
                        "from": f"patient:{shell.id}",
                        "via": "shared_contact",
                        "telegram_consent_at": consent_at,
                    },
                )
        except (IntegrityError, StaleDataError):
            # A simultaneous update (a double tap) linked or changed the records first.
            return
        log.info("telegram chat of patient %s moved onto patient %s", shell.id, owner.id)
        turn.patient = owner


# Rows that make a chat's own patient record more than an empty shell (then it is not merged).
_HISTORY = (
    Appointment.patient_id,
    ScreeningAnswer.patient_id,
    CheckIn.patient_id,
    Escalation.patient_id,
    StaffTask.patient_id,
    Outbox.patient_id,
)


def _may_take_over(session: Session, *, owner: Patient, shell: Patient, name: str) -> bool:
    """Whether the chat's record `shell` may move onto the phone record `owner` unattended."""
    if owner.telegram_user_id is not None or owner.erased_at is not None:
        return False
    if owner.name is not None and _comparable(owner.name) != _comparable(name):
        return False
    if shell.phone_e164 is not None or shell.approved_at is not None:
        return False
    return all(
        session.exec(select(column).where(column == shell.id).limit(1)).first() is None
        for column in _HISTORY
    )


def _comparable(name: str) -> str:
    return " ".join(name.casefold().split())
