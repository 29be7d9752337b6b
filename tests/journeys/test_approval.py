"""Issue 11 item 3: approval is a clinical decision, not a button race (staff chat on the double)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from bot.db.models import AuditLog, Outbox, Patient
from bot.services.patient_notices import PATIENT_NOTICE
from tests.staff_scene import STAFF_CHAT, attend, close_scene, local, open_scene


@pytest.fixture
async def scene(tmp_path):
    built = await open_scene(tmp_path)
    await built.dispatch()
    yield built
    await close_scene(built)


def approved_at(scene, patient_id: int):
    with scene.db.session(write=False) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        return patient.approved_at


def patient_notices(scene) -> list[Outbox]:
    with scene.db.session(write=False) as session:
        return list(
            session.exec(select(Outbox).where(col(Outbox.kind) == str(PATIENT_NOTICE))).all()
        )


def notice(scene, contains: str):
    return next(m for m in scene.double.chat_log(STAFF_CHAT) if m.from_bot and contains in m.text)


async def said(scene, command: str) -> str:
    staff = scene.staff()
    mark = scene.last_id(staff.chat_id)
    await staff.send_command(command)
    return "\n".join(scene.replies(staff.chat_id, since=mark))


async def test_a_stale_approve_on_a_moved_then_cancelled_consultation_approves_nobody(scene):
    ana, consult = scene.ids["ana"], scene.ids["ana_consult"]
    booked = notice(scene, f"New booking A-{consult}")
    moved = scene.core.booking.reschedule(
        appointment_id=consult, new_start=local(3, 10), actor="patient:ana"
    )
    scene.core.booking.cancel(appointment_id=moved.id, actor="patient:ana")
    scene.clock.set(local(3, 12))

    await scene.staff(in_group=True).press_on(booked.message_id, "Approve for treatment")

    answer = scene.double.callback_answers[-1]
    assert answer.show_alert
    assert f"consultation A-{consult} was moved to A-{moved.id}" in answer.text
    assert "nothing was approved" in answer.text
    assert approved_at(scene, ana) is None
    assert patient_notices(scene) == []


async def test_a_stale_approve_on_a_cancelled_consultation_says_so(scene):
    consult = scene.ids["ana_consult"]
    booked = notice(scene, f"New booking A-{consult}")
    scene.core.booking.cancel(appointment_id=consult, actor="patient:ana")

    await scene.staff(in_group=True).press_on(booked.message_id, "Approve for treatment")

    assert f"consultation A-{consult} was cancelled" in scene.double.callback_answers[-1].text
    assert approved_at(scene, scene.ids["ana"]) is None


async def test_approve_without_an_attended_consultation_needs_an_override_with_a_reason(scene):
    ana = scene.ids["ana"]

    refused = await said(scene, "/approve Ana Lopez")
    empty = await said(scene, "/approve Ana Lopez override")
    assert "Not done: no consultation marked Done" in refused
    assert f"/approve P-{ana} override <reason>" in refused
    assert "an override needs its reason" in empty
    assert approved_at(scene, ana) is None

    approved = await said(scene, "/approve Ana Lopez override seen by Dr Lee at the hospital")

    assert "is approved for treatment" in approved
    with scene.db.session(write=False) as session:
        entry = session.exec(
            select(AuditLog).where(col(AuditLog.action) == "patient.approve")
        ).one()
    assert json.loads(entry.detail) == {
        "consultation": None,
        "override": "seen by Dr Lee at the hospital",
    }


async def test_approve_after_the_consultation_was_marked_done(scene):
    attend(scene, scene.ids["ana_consult"])
    assert "is approved for treatment" in await said(scene, "/approve #1")
    with scene.db.session(write=False) as session:
        entry = session.exec(
            select(AuditLog).where(col(AuditLog.action) == "patient.approve")
        ).one()
    assert json.loads(entry.detail)["consultation"] == scene.ids["ana_consult"]


async def test_a_never_screened_patient_shows_not_screened_never_no_flags(scene):
    ben_notice = notice(scene, f"New booking A-{scene.ids['ben_infusion']}")
    card = await said(scene, "/patient Ben Okafor")
    ana_card = await said(scene, "/patient Ana Lopez")

    assert "Screening: not screened" in ben_notice.text
    assert "no flags" not in ben_notice.text
    assert "Screening: not screened" in card
    assert "no flags" not in card
    assert "not screened" not in ana_card  # Ana answered the screening (S1: yes)
