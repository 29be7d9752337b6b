"""The audit log: who did what to which record, written in the same transaction as the change."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.db.models import AuditLog


def audit(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditLog(
            at=at,
            actor=actor,
            action=action,
            subject=subject,
            detail=json.dumps(detail or {}, default=str, sort_keys=True),
        )
    )
