"""What the console remembers about sign-ins, shared by every replica (runtime_state rows).

A Login Widget payload is a GET URL that stays in the browser's history (a shared front-desk PC):
its hash is recorded when it signs someone in, and the same hash never signs anyone in again.
A session ended by Sign out is recorded as revoked until it would have expired, and every
request checks it. Rows are kept only as long as they matter, and pruned as new ones come.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot.db.engine import Database
from bot.db.models import RuntimeState

USED_LOGIN = "console:login:"
REVOKED = "console:revoked:"
_KEY_LENGTH = 64  # runtime_state.key


def _key(prefix: str, token: str) -> str:
    return (prefix + token)[:_KEY_LENGTH]


def claim_login(db: Database, login_hash: str, *, now: datetime, keep: timedelta) -> bool:
    """True the first time this signed payload is used; False when it was used already."""
    try:
        with db.session() as session:
            session.execute(
                delete(RuntimeState)
                .where(col(RuntimeState.key).startswith(USED_LOGIN))
                .where(col(RuntimeState.updated_at) < now - keep)
            )
            session.add(
                RuntimeState(key=_key(USED_LOGIN, login_hash.lower()), value="", updated_at=now)
            )
    except IntegrityError:
        return False
    return True


def revoke(db: Database, session_id: str, *, now: datetime, lifetime: timedelta) -> None:
    """Record a signed-out session; kept for a session's whole lifetime, then pruned."""
    key = _key(REVOKED, session_id)
    with db.session() as session:
        session.execute(
            delete(RuntimeState)
            .where(col(RuntimeState.key).startswith(REVOKED))
            .where(col(RuntimeState.updated_at) < now - lifetime)
        )
        if session.get(RuntimeState, key) is None:
            session.add(RuntimeState(key=key, value="", updated_at=now))


def is_revoked(db: Database, session_id: str) -> bool:
    with db.session(write=False) as session:
        return session.get(RuntimeState, _key(REVOKED, session_id)) is not None
