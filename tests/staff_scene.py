"""A seeded clinic for staff tests: the real core and handlers on the Telegram double."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, func, select
from telegram.ext import ApplicationBuilder

from bot.app import build_core, connect_telegram
from bot.core import Core
from bot.db.engine import Database
from bot.db.models import (
    Appointment,
    AuditLog,
    CheckIn,
    CheckInAnswer,
    Escalation,
    Patient,
    ScreeningAnswer,
    StaffTask,
    TimeBlock,
)
from bot.domain.clock import FixedClock
from bot.domain.enums import AppointmentStatus
from bot.messaging.pacing import NoPacing
from bot.sandbox.telegram_double import FakeBotApi
from bot.services.staff_ops import StaffOps
from bot.settings import parse_settings
from handlers import staff as staff_handlers
from tests.conftest import SPECS, sqlite_database

STAFF = 7001
OTHER_STAFF = 7002
STRANGER = 9009
STAFF_CHAT = -100777
# Saturday 27 Feb 2027, 9:00 AM in New York: bookings for next week are inside the notice.
BOOKING_TIME = datetime(2027, 2, 27, 14, 0, tzinfo=UTC)
# Monday 1 March 2027, 8:00 AM in New York (before opening).
MONDAY_8AM = datetime(2027, 3, 1, 13, 0, tzinfo=UTC)
CLINIC_TZ = ZoneInfo("America/New_York")


def local(day: int, hour: int, minute: int = 0, *, month: int = 3) -> datetime:
    """A clinic-time (New York) moment in 2027, as aware UTC."""
    return datetime(2027, month, day, hour, minute, tzinfo=CLINIC_TZ).astimezone(UTC)


def build(
    tmp_path: Path,
    clock: FixedClock,
    *,
    staff: tuple[int, ...] = (STAFF, OTHER_STAFF),
    db: Database | None = None,
) -> Core:
    settings = parse_settings(
        {
            "STAFF_USER_IDS": ",".join(str(s) for s in staff),
            "STAFF_CHAT_ID": str(STAFF_CHAT),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'clinic.db'}",
        }
    )
    db = db or sqlite_database(tmp_path / "clinic.db")
    return build_core(settings, clock=clock, db=db, migrate_db=False)


@dataclass
class Scene:
    core: Core
    clock: FixedClock
    double: FakeBotApi
    application: Any
    ops: StaffOps
    ids: dict[str, int] = field(default_factory=dict)

    @property
    def db(self):
        return self.core.db

    def staff(self, user_id: int = STAFF, *, in_group: bool = False):
        person = self.double.user(user_id, first_name="Sam" if user_id == STAFF else "Kim")
        return person.in_chat(STAFF_CHAT) if in_group else person

    def stranger(self):
        return self.double.user(STRANGER, first_name="Eve")

    def replies(self, chat_id: int, *, since: int = 0) -> list[str]:
        return [
            m.text for m in self.double.chat_log(chat_id) if m.from_bot and m.message_id > since
        ]

    def last_id(self, chat_id: int) -> int:
        log = self.double.chat_log(chat_id)
        return log[-1].message_id if log else 0

    async def dispatch(self) -> None:
        await self.core.dispatcher.run_due()

    def denials(self) -> list[AuditLog]:
        with self.db.session(write=False) as session:
            return list(
                session.exec(select(AuditLog).where(col(AuditLog.action) == "staff.denied")).all()
            )

    def audits(self, action: str) -> list[AuditLog]:
        with self.db.session(write=False) as session:
            return list(session.exec(select(AuditLog).where(col(AuditLog.action) == action)).all())


async def open_scene(tmp_path: Path, *, seed: bool = True, db: Database | None = None) -> Scene:
    clock = FixedClock(BOOKING_TIME)
    core = build(tmp_path, clock, db=db)
    double = FakeBotApi(spec_path=SPECS / "telegram-bot-api.json", clock=clock)
    double.group(STAFF_CHAT, title="Front desk")
    application = (
        ApplicationBuilder().token("123:TEST").request(double).get_updates_request(double).build()
    )
    staff_handlers.register(application, core)
    # The double has no limits to keep to (as build_application does with a double handed in).
    connect_telegram(core, application.bot, pacer=NoPacing())
    await application.initialize()
    double.attach(application)
    scene = Scene(core, clock, double, application, core.staff_ops)
    if seed:
        seed_clinic(scene)
    return scene


async def close_scene(scene: Scene) -> None:
    await scene.application.shutdown()
    scene.db.dispose()


def add_patient(
    scene: Scene,
    name: str,
    *,
    phone: str | None = None,
    approved: bool = False,
    telegram: int | None = None,
    channel: str = "telegram",
) -> int:
    now = scene.clock.now()
    with scene.db.session() as session:
        patient = Patient(
            created_at=now,
            name=name,
            phone_e164=phone,
            telegram_user_id=telegram,
            telegram_chat_id=telegram,
            telegram_consent_at=now if telegram else None,
            sms_consent_at=now if phone else None,
            preferred_channel=channel,
            approved_at=now if approved else None,
            approved_by="staff:1" if approved else None,
        )
        session.add(patient)
        session.flush()
        assert patient.id is not None
        return patient.id


def seed_clinic(scene: Scene) -> None:
    """Three patients and a week of bookings made on Saturday; the clock then moves to Monday."""
    ids = scene.ids
    ids["ana"] = add_patient(scene, "Ana Lopez", phone="+16175550101", telegram=501)
    ids["anabel"] = add_patient(scene, "Anabel Ruiz", phone="+16175550102", telegram=502)
    ids["ben"] = add_patient(
        scene, "Ben Okafor", phone="+16175550103", approved=True, channel="sms"
    )
    book = scene.core.booking.book
    ids["ana_consult"] = (
        book(
            patient_id=ids["ana"], service="consultation", start=local(1, 9), actor="patient:ana"
        ).id
        or 0
    )
    ids["ben_infusion"] = (
        book(
            patient_id=ids["ben"], service="iv_infusion", start=local(1, 10), actor="staff:7001"
        ).id
        or 0
    )
    ids["anabel_consult"] = (
        book(
            patient_id=ids["anabel"], service="consultation", start=local(2, 14), actor="patient:x"
        ).id
        or 0
    )
    with scene.db.session() as session:
        appointment = session.get(Appointment, ids["ana_consult"])
        assert appointment is not None
        appointment.confirmed_at = scene.clock.now()
        session.add(
            ScreeningAnswer(
                patient_id=ids["ana"],
                appointment_id=ids["ana_consult"],
                code="S1",
                answer="yes",
                answered_at=scene.clock.now(),
            )
        )
    scene.clock.set(MONDAY_8AM)


def add_task(
    scene: Scene, patient_id: int, *, kind: str = "call_unconfirmed", hours_ago: int = 2
) -> int:
    with scene.db.session() as session:
        task = StaffTask(
            kind=kind,
            patient_id=patient_id,
            detail="not confirmed 24 h before",
            created_at=scene.clock.now() - timedelta(hours=hours_ago),
            dedupe_key=f"{kind}:{patient_id}:{hours_ago}",
        )
        session.add(task)
        session.flush()
        assert task.id is not None
        return task.id


def add_escalation(scene: Scene, patient_id: int, *, hours_ago: int = 1) -> int:
    with scene.db.session() as session:
        escalation = Escalation(
            patient_id=patient_id,
            level="callback_1h",
            rule="severe_side_effect",
            detail="Severe nausea at D1",
            created_at=scene.clock.now() - timedelta(hours=hours_ago),
        )
        session.add(escalation)
        session.flush()
        assert escalation.id is not None
        return escalation.id


def add_checkin(
    scene: Scene,
    *,
    patient_id: int,
    appointment_id: int,
    slot: str,
    at: datetime,
    answers: dict[str, str],
) -> int:
    with scene.db.session() as session:
        # A check-in Done already planned for this slot is the one answered (one per slot).
        checkin = session.exec(
            select(CheckIn)
            .where(col(CheckIn.appointment_id) == appointment_id)
            .where(col(CheckIn.slot) == slot)
        ).one_or_none() or CheckIn(patient_id=patient_id, appointment_id=appointment_id, slot=slot)
        checkin.status = "done"
        checkin.sent_at = at - timedelta(minutes=5)
        checkin.completed_at = at
        checkin.questions = json.dumps(list(answers))
        session.add(checkin)
        session.flush()
        assert checkin.id is not None
        session.add_all(
            CheckInAnswer(
                checkin_id=checkin.id,
                patient_id=patient_id,
                question=question,
                value=value,
                answered_at=at,
            )
            for question, value in answers.items()
        )
        return checkin.id


def add_appointment(
    scene: Scene,
    *,
    patient_id: int,
    service: str,
    start: datetime,
    status: AppointmentStatus,
    series_id: str | None = None,
    hours: int = 4,
    cancel_reason: str | None = None,
) -> int:
    """A past appointment written directly (history, not a booking through the rules)."""
    with scene.db.session() as session:
        appointment = Appointment(
            patient_id=patient_id,
            service=service,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            held_until=start + timedelta(hours=hours, minutes=30),
            status=status,
            resources="infusion_chair:1",
            created_at=start - timedelta(days=7),
            created_by="staff:1",
            series_id=series_id,
            cancel_reason=cancel_reason,
            completed_at=start + timedelta(hours=hours)
            if status == AppointmentStatus.COMPLETED
            else None,
        )
        session.add(appointment)
        session.flush()
        assert appointment.id is not None
        return appointment.id


def attend(scene: Scene, appointment_id: int) -> None:
    """The visit took place and staff marked it Done (written directly, no aftercare)."""
    with scene.db.session() as session:
        appointment = session.get(Appointment, appointment_id)
        assert appointment is not None
        appointment.status = AppointmentStatus.COMPLETED
        appointment.completed_at = appointment.ends_at


def count(scene, model, *conditions) -> int:
    with scene.db.session(write=False) as session:
        statement = select(func.count()).select_from(model)
        for condition in conditions:
            statement = statement.where(condition)
        return int(session.exec(statement).one())


def state(scene) -> tuple[int, ...]:
    """A fingerprint of everything a staff command could change."""
    return (
        count(scene, Appointment),
        count(scene, Appointment, col(Appointment.status) == AppointmentStatus.BOOKED),
        count(scene, Patient),
        count(scene, Patient, col(Patient.approved_at).is_not(None)),
        count(scene, TimeBlock),
        count(scene, TimeBlock, col(TimeBlock.removed_at).is_not(None)),
        count(scene, StaffTask, col(StaffTask.done_at).is_not(None)),
    )


COMMANDS = [
    "/today",
    "/tomorrow",
    "/week",
    "/patient Ana Lopez",
    "/approve Ana Lopez",
    "/series #3 iv 3",
    "/block tomorrow 9-12 training",
    "/unblock #1",
    "/flags",
    "/export 2027-03-01 2027-03-07",
    "/outcomes",
    "/newpatient +1 617 555 0177 Carla Diaz",
]


BUTTONS = [
    "st:ap:1",
    "st:dn:2",
    "st:ns:2",
    "st:cl:1",
    "st:sc:1",
    "st:bf:1",
    "st:xx:1",
    "st:ub:1",
    "st:of:1:0",
    "st:pt:1",
]
