"""Issue 11 item 3: a staff button made for an older state of the appointment says what happened
instead of acting (the appointment's version travels in the button)."""

from __future__ import annotations

import pytest

from bot.db.models import Appointment
from bot.domain.enums import AppointmentStatus
from tests.staff_scene import STAFF_CHAT, close_scene, local, open_scene


@pytest.fixture
async def scene(tmp_path):
    built = await open_scene(tmp_path)
    await built.dispatch()  # the booking notices of the seeded week
    yield built
    await close_scene(built)


def notice(scene, contains: str):
    return next(m for m in scene.double.chat_log(STAFF_CHAT) if m.from_bot and contains in m.text)


def status(scene, appointment_id: int) -> str:
    with scene.db.session(write=False) as session:
        found = session.get(Appointment, appointment_id)
        assert found is not None
        return found.status


async def test_done_on_a_notice_after_someone_marked_no_show_says_so_and_changes_nothing(scene):
    infusion = scene.ids["ben_infusion"]  # Mon 1 Mar 10:00-14:00
    ben = notice(scene, f"New booking A-{infusion}")
    assert ben.buttons[-1][0][1].startswith(f"st:dn:{infusion}:")  # the version travels along
    scene.clock.set(local(1, 14, 5))
    scene.core.aftercare.mark_no_show(appointment_id=infusion, actor="staff:7002")

    await scene.staff(in_group=True).press_on(ben.message_id, "Done")

    answer = scene.double.callback_answers[-1]
    assert answer.show_alert
    assert "No-show" in answer.text
    assert "nothing was changed" in answer.text
    assert status(scene, infusion) == AppointmentStatus.NO_SHOW


async def test_no_show_on_the_notice_of_a_moved_consultation_names_the_new_appointment(scene):
    consult = scene.ids["anabel_consult"]  # Tue 2 Mar 14:00
    old = notice(scene, f"New booking A-{consult}")
    moved = scene.core.booking.reschedule(
        appointment_id=consult, new_start=local(3, 14), actor="staff:7001"
    )
    scene.clock.set(local(2, 15))

    await scene.staff(in_group=True).press_on(old.message_id, "No-show")

    answer = scene.double.callback_answers[-1]
    assert f"moved to A-{moved.id}" in answer.text
    assert "nothing was changed" in answer.text
    assert status(scene, moved.id) == AppointmentStatus.BOOKED


async def test_done_on_a_notice_of_a_cancelled_session_says_it_was_cancelled(scene):
    infusion = scene.ids["ben_infusion"]
    ben = notice(scene, f"New booking A-{infusion}")
    scene.core.booking.cancel(appointment_id=infusion, actor="staff:7001", reason="unwell")
    scene.clock.set(local(1, 14, 5))

    await scene.staff(in_group=True).press_on(ben.message_id, "Done")

    answer = scene.double.callback_answers[-1]
    assert "cancelled" in answer.text
    assert "nothing was changed" in answer.text
    assert status(scene, infusion) == AppointmentStatus.CANCELLED


async def test_a_change_that_keeps_the_session_as_it_was_does_not_spoil_the_button(scene):
    infusion = scene.ids["ben_infusion"]
    ben = notice(scene, f"New booking A-{infusion}")
    with scene.db.session() as session:
        appointment = session.get(Appointment, infusion)
        assert appointment is not None
        appointment.confirmed_at = scene.clock.now()  # the patient confirmed: version + 1
    scene.clock.set(local(1, 14, 5))

    await scene.staff(in_group=True).press_on(ben.message_id, "Done")

    assert status(scene, infusion) == AppointmentStatus.COMPLETED


async def test_a_today_row_done_after_someone_marked_no_show_changes_nothing(scene):
    infusion = scene.ids["ben_infusion"]  # Mon 1 Mar 10:00-14:00
    scene.clock.set(local(1, 14, 5))
    await scene.staff(in_group=True).send_text("/today")
    today = scene.double.last_message(STAFF_CHAT)
    row = f"✔️ Done A-{infusion}"
    [data] = [d for r in today.buttons for label, d in r if label.startswith(row)]
    assert data.startswith(f"st:dn:{infusion}:")  # the version travels along
    scene.core.aftercare.mark_no_show(appointment_id=infusion, actor="staff:7002")

    await scene.staff(in_group=True).press_on(today.message_id, data)

    answer = scene.double.callback_answers[-1]
    assert answer.show_alert
    assert "No-show" in answer.text
    assert "nothing was changed" in answer.text
    assert status(scene, infusion) == AppointmentStatus.NO_SHOW


async def test_yes_leaving_now_after_someone_else_closed_the_session_changes_nothing(scene):
    infusion = scene.ids["ben_infusion"]  # Mon 1 Mar 10:00-14:00
    scene.clock.set(local(1, 11, 0))
    await scene.staff(in_group=True).send_text(f"/done {infusion}")
    asked = scene.double.last_message(STAFF_CHAT)
    assert asked.buttons[0][0][1].startswith(f"st:dl:{infusion}:")
    with scene.db.session() as session:
        appointment = session.get(Appointment, infusion)
        assert appointment is not None
        appointment.status = AppointmentStatus.NO_SHOW  # someone else closed it meanwhile
        appointment.version += 1

    await scene.staff(in_group=True).press("Yes, leaving now")

    answer = scene.double.callback_answers[-1]
    assert "nothing was changed" in answer.text
    assert status(scene, infusion) == AppointmentStatus.NO_SHOW
