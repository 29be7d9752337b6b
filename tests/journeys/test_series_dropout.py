"""Issue 11 item 8: a series drop-out becomes a staff task "series interrupted" (fake clock)."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot.db.models import StaffTask
from tests.staff_scene import STAFF_CHAT, close_scene, local, open_scene


@pytest.fixture
async def scene(tmp_path):
    built = await open_scene(tmp_path)
    await built.dispatch()
    yield built
    await close_scene(built)


def series(scene, *days: int, series_id: str = "S1") -> list[int]:
    """Ben (approved, SMS) booked by staff for a series of infusions at 10:00 on `days`."""
    ids = []
    for day in days:
        booked = scene.core.booking.book(
            patient_id=scene.ids["ben"],
            service="iv_infusion",
            start=local(day, 10),
            actor="staff:7001",
            series_id=series_id,
        )
        assert booked.id is not None
        ids.append(booked.id)
    return ids


def interrupted(scene) -> list[StaffTask]:
    with scene.db.session(write=False) as session:
        return list(
            session.exec(select(StaffTask).where(col(StaffTask.kind) == "series_interrupted")).all()
        )


async def said(scene, command: str) -> list[str]:
    mark = scene.last_id(STAFF_CHAT)
    await scene.staff(in_group=True).send_command(command)
    return scene.replies(STAFF_CHAT, since=mark)


async def at(scene, moment) -> list[str]:
    mark = scene.last_id(STAFF_CHAT)
    scene.clock.set(moment)
    await scene.dispatch()
    return scene.replies(STAFF_CHAT, since=mark)


async def test_a_no_show_with_nothing_booked_within_the_gap_becomes_a_staff_task(scene):
    first, second = series(scene, 3, 4)  # Wed 3 and Thu 4 March; max gap 4 days
    scene.clock.set(local(3, 14, 5))
    await said(scene, f"/done {first}")
    scene.clock.set(local(4, 11))
    await said(scene, f"/noshow {second}")

    await at(scene, local(8, 9, 59))
    assert interrupted(scene) == []
    texts = await at(scene, local(8, 10))  # Thu 4 + 4 days

    (task,) = interrupted(scene)
    assert task.patient_id == scene.ids["ben"]
    assert task.appointment_id == second
    alert = [t for t in texts if "Series interrupted" in t]
    assert len(alert) == 1
    assert f"A-{second}" in alert[0]
    assert "4 days" in alert[0]
    assert scene.double.last_message(STAFF_CHAT).button_labels == ["Called"]


async def test_a_cancelled_session_rebooked_within_the_gap_is_no_task(scene):
    first, second = series(scene, 3, 4)
    scene.core.booking.cancel(appointment_id=second, actor="staff:7001", reason="unwell")
    scene.core.booking.book(
        patient_id=scene.ids["ben"],
        service="iv_infusion",
        start=local(8, 10),  # Monday: the last day inside the 4-day gap
        actor="staff:7001",
        series_id="S1",
    )
    await at(scene, local(9, 10))
    assert interrupted(scene) == []
    assert first


async def test_a_cancelled_session_with_the_next_one_of_the_series_still_booked_is_no_task(scene):
    _first, second, _third = series(scene, 2, 3, 5)
    scene.core.booking.cancel(appointment_id=second, actor="staff:7001", reason="unwell")
    await at(scene, local(8, 10))
    assert interrupted(scene) == []


async def test_a_whole_dropped_series_is_one_task(scene):
    _first, second, third = series(scene, 2, 3, 5)
    scene.clock.set(local(2, 15))
    scene.core.aftercare.mark_done(appointment_id=_first, actor="staff:7001")
    scene.core.booking.cancel(appointment_id=second, actor="staff:7001", reason="stopping")
    scene.core.booking.cancel(appointment_id=third, actor="staff:7001", reason="stopping")
    await at(scene, local(12, 10))
    assert len(interrupted(scene)) == 1


async def test_a_treatment_outside_a_series_is_no_drop_out(scene):
    scene.core.booking.cancel(appointment_id=scene.ids["ben_infusion"], actor="staff:7001")
    await at(scene, local(12, 10))
    assert interrupted(scene) == []
