"""Staff send the health questions to a patient who was never asked them (issue 11 item 3).

Patients booked by staff or by text, or joining the waitlist, have no screening answers on
record: their cards say "not screened". `/screen #id` asks them: in Telegram, a message with a
button that opens the same questions the booking asks (answered, they go to the record and
staff are told); by text, an invitation to answer nine yes/no questions by text, which the
patient starts with Q (`bot.services.sms_screening`), or to call. Once a day at most per patient.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.db.engine import Database
from bot.db.models import Patient
from bot.domain.clock import Clock
from bot.domain.enums import Channel
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.sms_screening import has_screening, queue_invitation
from bot.services.staff_ops import PatientNotFound


class Route(StrEnum):
    TELEGRAM = "telegram"  # the questions, behind a button in their chat
    SMS = "sms"  # a text offering the questions by text (Q), or a call
    UNREACHABLE = "unreachable"  # neither: staff call them
    ALREADY = "already"  # answers on record already


@dataclass(frozen=True)
class ScreeningRequest:
    patient_id: int
    name: str | None
    route: Route
    queued: bool  # False: asked already today (nothing sent again)


class ScreeningRequests:
    def __init__(self, *, db: Database, clock: Clock, profile: ClinicProfile) -> None:
        self.db = db
        self.clock = clock
        self.profile = profile

    def request(self, *, patient_id: int, actor: str) -> ScreeningRequest:
        """Ask a patient the health questions on the channel they can be reached on."""
        now = self.clock.now()
        with self.db.session() as session:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.erased_at is not None:
                raise PatientNotFound(str(patient_id))
            if has_screening(session, patient_id):
                return ScreeningRequest(patient_id, patient.name, Route.ALREADY, queued=False)
            route = _route(patient)
            queued = False
            if route is not Route.UNREACHABLE:
                queued = queue_invitation(
                    session,
                    patient_id=patient_id,
                    channel=Channel.TELEGRAM if route is Route.TELEGRAM else Channel.SMS,
                    now=now,
                    tz=self.profile.tz,
                )
            audit(
                session,
                at=now,
                actor=actor,
                action="screening.requested",
                subject=f"patient:{patient_id}",
                detail={"route": route.value, "queued": queued},
            )
            return ScreeningRequest(patient_id, patient.name, route, queued=queued)


def _route(patient: Patient) -> Route:
    if patient.telegram_chat_id is not None and patient.telegram_consent_at is not None:
        return Route.TELEGRAM
    if (
        patient.phone_e164
        and patient.sms_consent_at is not None
        and patient.sms_opted_out_at is None
    ):
        return Route.SMS
    return Route.UNREACHABLE
