"""Who may use staff commands and press staff buttons; refusals are audited."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.db.engine import Database
from bot.services.audit import audit
from bot.services.staff_chat import StaffChat


class Admission(StrEnum):
    ALLOWED = "allowed"
    NOT_STAFF = "not_staff"
    WRONG_PLACE = "wrong_place"  # staff, but in a chat where patient data must not appear


class StaffDirectory:
    """Staff are exactly the Telegram user ids in STAFF_USER_IDS, wherever they write from."""

    def __init__(
        self,
        *,
        db: Database,
        staff_user_ids: frozenset[int],
        staff_chat_id: int | None,
        staff_chat: StaffChat | None = None,
    ) -> None:
        self.db = db
        self.staff_user_ids = staff_user_ids
        self.staff_chat_id = staff_chat_id
        # Knows where the staff chat went if Telegram migrated it to a supergroup.
        self.staff_chat = staff_chat

    def is_staff(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.staff_user_ids

    def check(self, *, user_id: int | None, action: str, now: datetime) -> bool:
        """True for staff; otherwise record the attempt in the audit log and return False."""
        if self.is_staff(user_id):
            return True
        with self.db.session() as session:
            audit(
                session,
                at=now,
                actor=f"telegram:{user_id}",
                action="staff.denied",
                subject=action[:64],
            )
        return False

    def in_staff_place(self, *, user_id: int | None, chat_id: int | None, private: bool) -> bool:
        """The staff chat, or a staff member's own private chat with the bot."""
        if chat_id is None:
            return False
        if self.staff_chat_id is not None and chat_id == self.staff_chat_id:
            return True
        if private:
            return chat_id == user_id
        return self.staff_chat is not None and chat_id == self.staff_chat.status().chat_id

    def admit(
        self,
        *,
        user_id: int | None,
        chat_id: int | None,
        private: bool,
        action: str,
        now: datetime,
    ) -> Admission:
        """Staff only, and only where staff are: anything else is refused and audited."""
        if not self.is_staff(user_id):
            self.check(user_id=user_id, action=action, now=now)
            return Admission.NOT_STAFF
        if self.in_staff_place(user_id=user_id, chat_id=chat_id, private=private):
            return Admission.ALLOWED
        with self.db.session() as session:
            audit(
                session,
                at=now,
                actor=self.actor(user_id) if user_id is not None else "telegram:None",
                action="staff.wrong_place",
                subject=action[:64],
                detail={"chat": chat_id},
            )
        return Admission.WRONG_PLACE

    @staticmethod
    def actor(user_id: int) -> str:
        return f"staff:{user_id}"
