"""Who may use staff commands and press staff buttons; refusals are audited."""

from __future__ import annotations

from datetime import datetime

from bot.db.engine import Database
from bot.services.audit import audit


class StaffDirectory:
    """Staff are exactly the Telegram user ids in STAFF_USER_IDS, wherever they write from."""

    def __init__(
        self, *, db: Database, staff_user_ids: frozenset[int], staff_chat_id: int | None
    ) -> None:
        self.db = db
        self.staff_user_ids = staff_user_ids
        self.staff_chat_id = staff_chat_id

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

    @staticmethod
    def actor(user_id: int) -> str:
        return f"staff:{user_id}"
