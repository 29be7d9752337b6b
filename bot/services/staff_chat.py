"""Where staff messages go, and whether that still works (issue 10 item 5).

The staff chat's id can change while the bot runs (a group upgraded to a supergroup answers
with `migrate_to_chat_id`), and the chat can stop taking messages (the bot removed). Both are
recorded in the `runtime_state` table, so every replica sends to the same chat, reports the
same health, and a restart keeps what was learned.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.db.engine import Database
from bot.db.models import RuntimeState
from bot.services.audit import audit

log = logging.getLogger(__name__)

CHAT_ID_KEY = "staff_chat.id"
LOST_KEY = "staff_chat.lost"


@dataclass(frozen=True)
class StaffChatStatus:
    chat_id: int | None  # where staff messages go now (the configured id unless it migrated)
    lost_reason: str | None = None  # set while the chat refuses messages
    lost_at: datetime | None = None

    @property
    def usable(self) -> bool:
        return self.chat_id is not None and self.lost_reason is None


class StaffChat:
    """The staff chat's current id and health, as the database knows them."""

    def __init__(self, *, db: Database, configured_id: int | None) -> None:
        self.db = db
        self.configured_id = configured_id

    def status(self, *, current: int | None = None) -> StaffChatStatus:
        """The chat to use and its health; `current` stands in when no id was configured."""
        with self.db.session(write=False) as session:
            moved = session.get(RuntimeState, CHAT_ID_KEY)
            lost = session.get(RuntimeState, LOST_KEY)
        base = self.configured_id if self.configured_id is not None else current
        chat_id = base
        if moved is not None:
            data = _json(moved.value)
            # A migration recorded for another configured chat (the setting changed) is stale.
            moved_to = data.get("to")
            if data.get("from") == base and isinstance(moved_to, int):
                chat_id = moved_to
        if lost is None:
            return StaffChatStatus(chat_id)
        data = _json(lost.value)
        if data.get("chat_id") != chat_id:
            return StaffChatStatus(chat_id)  # lost was about a chat we no longer use
        return StaffChatStatus(chat_id, str(data.get("reason") or "refused"), lost.updated_at)

    def migrated(self, *, old_id: int, new_id: int, now: datetime) -> None:
        """Telegram moved the chat: send to `new_id` from now on (all replicas)."""
        with self.db.session() as session:
            base = self.configured_id if self.configured_id is not None else old_id
            _put(session, CHAT_ID_KEY, {"from": base, "to": new_id}, now)
            audit(
                session,
                at=now,
                actor="system",
                action="staff_chat.migrated",
                subject=f"chat:{old_id}",
                detail={"to": new_id},
            )
        log.error(
            "the staff chat %s was migrated to %s by Telegram; following it (update STAFF_CHAT_ID)",
            old_id,
            new_id,
        )

    def lost(self, *, chat_id: int, reason: str, now: datetime) -> bool:
        """The chat refuses messages; returns whether this is news (logged at ERROR once)."""
        with self.db.session() as session:
            existing = session.get(RuntimeState, LOST_KEY)
            if existing is not None and _json(existing.value).get("chat_id") == chat_id:
                return False
            _put(session, LOST_KEY, {"chat_id": chat_id, "reason": reason[:200]}, now)
            audit(
                session,
                at=now,
                actor="system",
                action="staff_chat.lost",
                subject=f"chat:{chat_id}",
                detail={"reason": reason[:200]},
            )
        log.error(
            "the staff chat %s refuses messages (%s): pages go to the on-call phone by SMS and "
            "call until it works again",
            chat_id,
            reason[:200],
        )
        return True

    def restored(self, *, now: datetime) -> None:
        """A message reached the staff chat again."""
        with self.db.session() as session:
            existing = session.get(RuntimeState, LOST_KEY)
            if existing is None:
                return
            session.delete(existing)
            audit(session, at=now, actor="system", action="staff_chat.restored", subject="chat")
        log.warning("the staff chat takes messages again")


def _put(session: Session, key: str, value: dict[str, object], now: datetime) -> None:
    row = session.get(RuntimeState, key)
    if row is None:
        session.add(RuntimeState(key=key, value=json.dumps(value), updated_at=now))
    else:
        row.value = json.dumps(value)
        row.updated_at = now


def _json(text: str) -> dict[str, object]:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
