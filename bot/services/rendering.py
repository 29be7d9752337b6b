"""How an outbox row becomes words: one renderer per kind, chosen at send time.

Rendering at send time (not at planning) means a message always shows the appointment as it is
now, and a renderer can decide the message has lost its purpose (`Skip`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.db.models import Appointment, Outbox, Patient
from bot.domain.enums import Channel, OutboxKind
from bot.messaging.channels import OutgoingMessage
from bot.profile import ClinicProfile
from bot.texts import Texts


class Skip(Exception):
    """This message should not be sent any more (purpose passed, already answered...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Postpone(Exception):
    """Not yet: try this message again at `until` (skipped if that is past its `not_after`)."""

    def __init__(self, until: datetime, reason: str) -> None:
        super().__init__(reason)
        self.until = until
        self.reason = reason


@dataclass(frozen=True)
class RenderContext:
    session: Session
    row: Outbox
    payload: Mapping[str, Any]
    patient: Patient | None
    appointment: Appointment | None
    channel: Channel  # the channel it will actually go out on (after routing)
    now: datetime
    profile: ClinicProfile
    texts: Texts

    @property
    def is_sms(self) -> bool:
        return self.channel in (Channel.SMS, Channel.ONCALL)


Renderer = Callable[[RenderContext], OutgoingMessage]
Renderers = Mapping[OutboxKind, Renderer]
