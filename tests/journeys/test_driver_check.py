"""Issue 11 item 7: no confirmed driver by T-24 h becomes a front-desk call task (SMS too)."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot.db.models import Appointment, Outbox, Patient, StaffTask
from bot.domain.enums import OutboxKind, OutboxStatus
from tests.staff_scene import STAFF_CHAT, close_scene, local, open_scene


@pytest.fixture
async def scene(tmp_path):
    built = await open_scene(tmp_path)
    yield built
    await close_scene(built)


def tasks(scene, appointment_id: int) -> list[str]:
    with scene.db.session(write=False) as session:
        return sorted(
            t.kind
            for t in session.exec(
                select(StaffTask).where(col(StaffTask.appointment_id) == appointment_id)
            ).all()
        )


def telegram_infusion(scene, *, confirmed: bool, driver: bool) -> int:
    """Ana (Telegram), approved, books an infusion for Wednesday 10:00 on Monday morning."""
    with scene.db.session() as session:
        patient = session.get(Patient, scene.ids["ana"])
        assert patient is not None
        patient.approved_at = scene.clock.now()
    booked = scene.core.booking.book(
        patient_id=scene.ids["ana"], service="iv_infusion", start=local(3, 10), actor="patient:1"
    )
    with scene.db.session() as session:
        appointment = session.get(Appointment, booked.id)
        assert appointment is not None
        appointment.confirmed_at = scene.clock.now() if confirmed else None
        appointment.driver_confirmed_at = scene.clock.now() if driver else None
    assert booked.id is not None
    return booked.id


async def test_an_sms_patient_without_a_driver_becomes_a_call_task_at_t_minus_24h(scene):
    # Ben's confirmation went out on Saturday (the bot was running then): he had his chance.
    with scene.db.session() as session:
        for row in session.exec(
            select(Outbox).where(col(Outbox.kind) == OutboxKind.CONFIRMATION)
        ).all():
            row.status, row.sent_at = OutboxStatus.SENT, row.created_at
    await scene.dispatch()  # Monday 8:00: Ben's infusion (10:00, by SMS) is inside 24 h
    infusion = scene.ids["ben_infusion"]
    assert tasks(scene, infusion) == ["call_unconfirmed", "driver_missing"]
    text = "\n".join(scene.replies(STAFF_CHAT))
    assert f"Driver not confirmed A-{infusion}" in text


async def test_a_confirmed_telegram_patient_who_ignored_the_driver_question_is_called(scene):
    infusion = telegram_infusion(scene, confirmed=True, driver=False)
    await scene.dispatch()
    assert tasks(scene, infusion) == []
    mark = scene.last_id(STAFF_CHAT)
    scene.clock.set(local(2, 10))
    await scene.dispatch()
    assert tasks(scene, infusion) == ["driver_missing"]
    replies = scene.replies(STAFF_CHAT, since=mark)
    assert any(f"Driver not confirmed A-{infusion}" in r for r in replies)
    assert not any(f"Call list</b>: A-{infusion}" in r for r in replies)


async def test_a_confirmed_driver_means_no_task(scene):
    infusion = telegram_infusion(scene, confirmed=True, driver=True)
    scene.clock.set(local(2, 10))
    await scene.dispatch()
    assert tasks(scene, infusion) == []


def test_the_discharge_sms_carries_the_same_advice_as_telegram_in_one_safe_segment(profile):
    from bot.domain.sms_policy import assert_sms_safe
    from bot.texts import Texts

    texts = Texts()
    body = texts.plain("discharge_sms", clinic=profile.clinic.name).casefold()
    telegram = texts.raw("discharge_tg").casefold()
    for advice in ("driving", "machinery", "big decisions", "alcohol", "cannabis", "adult"):
        assert advice in body
        assert advice in telegram
    assert_sms_safe(texts.plain("discharge_sms", clinic=profile.clinic.name), max_segments=1)
