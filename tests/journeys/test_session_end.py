"""Issue 11 item 1: a treatment session is never left open (staff chat on the Telegram double)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.db.models import Appointment, AuditLog, CheckIn, Outbox
from bot.domain.enums import AppointmentStatus, OutboxKind, OutboxStatus
from tests.staff_scene import STAFF_CHAT, close_scene, local, open_scene


@pytest.fixture
async def scene(tmp_path):
    built = await open_scene(tmp_path)
    await built.dispatch()  # the booking notices of the seeded week
    yield built
    await close_scene(built)


def appointment(scene, appointment_id: int) -> Appointment:
    with scene.db.session(write=False) as session:
        found = session.get(Appointment, appointment_id)
        assert found is not None
        return found


def checkin_slots(scene, appointment_id: int) -> list[str]:
    with scene.db.session(write=False) as session:
        return [
            c.slot
            for c in session.exec(
                select(CheckIn).where(col(CheckIn.appointment_id) == appointment_id)
            ).all()
        ]


def audit_actions(scene, appointment_id: int) -> list[tuple[str, str]]:
    with scene.db.session(write=False) as session:
        rows = session.exec(
            select(AuditLog)
            .where(col(AuditLog.subject) == f"appointment:{appointment_id}")
            .order_by(col(AuditLog.id))
        ).all()
        return [(row.action, row.actor) for row in rows]


async def at(scene, moment) -> list[str]:
    """Move the clock, send what is due, and return the session-end messages staff got."""
    mark = scene.last_id(STAFF_CHAT)
    scene.clock.set(moment)
    await scene.dispatch()
    wanted = ("Session not closed", "Still not closed", "Attendance assumed")
    return [
        t
        for t in scene.replies(STAFF_CHAT, since=mark)
        if t.startswith(("⏰", "⚠️")) and any(w in t for w in wanted)
    ]


async def test_a_forgotten_done_is_asked_twice_then_aftercare_starts_as_assumed(scene):
    infusion = scene.ids["ben_infusion"]  # Mon 1 Mar 10:00-14:00

    assert await at(scene, local(1, 14, 10)) == []
    first = await at(scene, local(1, 14, 15))
    assert len(first) == 1
    assert "Session not closed" in first[0]
    assert f"A-{infusion}" in first[0]
    buttons = scene.double.last_message(STAFF_CHAT).button_labels
    assert buttons == ["Done", "No-show"]
    again = await at(scene, local(1, 14, 45))
    assert len(again) == 1
    assert "Still not closed" in again[0]
    assert checkin_slots(scene, infusion) == []

    assumed = await at(scene, local(1, 16, 0))

    assert len(assumed) == 1
    assert "Attendance assumed" in assumed[0]
    booked = appointment(scene, infusion)
    assert booked.status == AppointmentStatus.COMPLETED
    assert booked.attendance_assumed_at == local(1, 16, 0)
    assert checkin_slots(scene, infusion)[:2] == ["E", "D1"]
    assert ("appointment.assumed_attended", "system") in audit_actions(scene, infusion)
    # The discharge advice (this scene has no SMS sender, so it is skipped) and check-ins.
    with scene.db.session(write=False) as session:
        kinds = {
            row.kind
            for row in session.exec(
                select(Outbox).where(col(Outbox.appointment_id) == infusion)
            ).all()
        }
    assert {OutboxKind.DISCHARGE, OutboxKind.CHECKIN} <= kinds


async def test_done_on_the_prompt_stops_the_repeat_and_the_assumed_start(scene):
    infusion = scene.ids["ben_infusion"]
    await at(scene, local(1, 14, 15))

    await scene.staff(in_group=True).press("Done")

    assert appointment(scene, infusion).status == AppointmentStatus.COMPLETED
    assert await at(scene, local(1, 14, 45)) == []
    assert await at(scene, local(1, 16, 0)) == []
    done = appointment(scene, infusion)
    assert done.attendance_assumed_at is None
    assert done.completed_at == local(1, 14, 15)
    assert [a for a, _ in audit_actions(scene, infusion)].count("appointment.done") == 1


async def test_no_show_after_an_assumed_start_cancels_the_check_ins(scene):
    infusion = scene.ids["ben_infusion"]
    await at(scene, local(1, 16, 0))
    assert checkin_slots(scene, infusion)

    await scene.staff(in_group=True).press("No-show")

    assert appointment(scene, infusion).status == AppointmentStatus.NO_SHOW
    with scene.db.session(write=False) as session:
        statuses = {
            c.status
            for c in session.exec(
                select(CheckIn).where(col(CheckIn.appointment_id) == infusion)
            ).all()
        }
    assert statuses == {"cancelled"}


async def test_a_consultation_gets_no_session_end_prompt(scene):
    consult = scene.ids["ana_consult"]  # Mon 1 Mar 9:00-9:45
    with scene.db.session(write=False) as session:
        rows = session.exec(
            select(Outbox)
            .where(col(Outbox.appointment_id) == consult)
            .where(col(Outbox.kind) == OutboxKind.SESSION_END)
        ).all()
    assert rows == []


async def test_cancelling_a_session_cancels_its_prompts(scene):
    infusion = scene.ids["ben_infusion"]
    scene.core.booking.cancel(appointment_id=infusion, actor="staff:1")
    assert all("closed" not in text for text in await at(scene, local(1, 16, 0)))
    with scene.db.session(write=False) as session:
        rows = session.exec(
            select(Outbox)
            .where(col(Outbox.appointment_id) == infusion)
            .where(col(Outbox.kind) == OutboxKind.SESSION_END)
        ).all()
    assert {row.status for row in rows} == {OutboxStatus.CANCELLED}
    assert json.loads(rows[0].payload)["step"] == "prompt"


def test_profile_keeps_the_assumed_start_after_the_prompts(profile):
    rules = profile.session_end
    assert rules.prompt_after_minutes + rules.repeat_after_minutes < (
        rules.assume_attended_after_minutes
    )
    assert timedelta(minutes=rules.assume_attended_after_minutes) == timedelta(hours=2)


async def said(scene, command: str) -> list[str]:
    staff = scene.staff(in_group=True)
    mark = scene.last_id(STAFF_CHAT)
    await staff.send_command(command)
    return scene.replies(STAFF_CHAT, since=mark)


async def test_done_and_noshow_commands_close_a_session_and_are_audited(scene):
    infusion, consult = scene.ids["ben_infusion"], scene.ids["ana_consult"]
    scene.clock.set(local(1, 14, 5))

    done = await said(scene, f"/done A-{infusion}")
    noshow = await said(scene, f"/noshow {consult}")

    assert done == [f"✔️ A-{infusion} marked Done. Discharge advice and check-ins are on their way."]
    assert noshow[0].startswith(f"🚫 A-{consult} marked No-show")
    assert appointment(scene, infusion).status == AppointmentStatus.COMPLETED
    assert appointment(scene, consult).status == AppointmentStatus.NO_SHOW
    assert ("appointment.done", "staff:7001") in audit_actions(scene, infusion)
    assert ("appointment.no_show", "staff:7001") in audit_actions(scene, consult)


async def test_done_on_a_future_session_and_noshow_before_its_start_are_refused(scene):
    infusion = scene.ids["ben_infusion"]  # starts 10:00; it is 8:00
    before = appointment(scene, infusion)

    done = await said(scene, f"/done {infusion}")
    noshow = await said(scene, f"/noshow {infusion}")
    missing = await said(scene, "/done 999")
    bad = await said(scene, "/done tomorrow")

    assert "cannot be marked Done before it starts" in done[0]
    assert "10:00 AM" in done[0]
    assert "cannot be a no-show before it starts" in noshow[0]
    assert "no appointment A-999" in missing[0]
    assert "Usage: /done <appointment, e.g. A-42>" in bad[0]
    after = appointment(scene, infusion)
    assert (after.status, after.version) == (before.status, before.version)


async def test_done_takes_a_bare_number_and_refuses_a_patient_identifier_plainly(scene):
    infusion = scene.ids["ben_infusion"]
    scene.clock.set(local(1, 14, 5))
    patient_id = appointment(scene, infusion).patient_id

    wrong = await said(scene, f"/done P-{patient_id}")
    assert f"P-{patient_id} is a patient; this needs an appointment (A-12)" in wrong[0]
    assert appointment(scene, infusion).status == AppointmentStatus.BOOKED
    done = await said(scene, f"/done {infusion}")
    assert done[0].startswith(f"✔️ A-{infusion} marked Done")


async def test_today_offers_done_and_noshow_for_sessions_that_are_due(scene):
    infusion, consult = scene.ids["ben_infusion"], scene.ids["ana_consult"]
    scene.clock.set(local(1, 9, 30))  # the consultation started at 9:00; the infusion is at 10

    await said(scene, "/today")
    today = scene.double.last_message(STAFF_CHAT)

    assert today.button_labels == [f"✔️ Done A-{consult}", f"🚫 No-show A-{consult}"]
    await scene.staff(in_group=True).press(f"✔️ Done A-{consult}")
    assert appointment(scene, consult).status == AppointmentStatus.COMPLETED
    assert infusion not in [
        int(label.split("#")[1]) for label in scene.double.last_message(STAFF_CHAT).button_labels
    ]


async def test_closing_session_2_leaves_the_buttons_of_session_21(scene):
    # The buttons used go by appointment id: "st:ns:2" is no prefix of "st:ns:21".
    infusion = scene.ids["ben_infusion"]  # Mon 1 Mar 10:00-14:00
    assert infusion == 2
    with scene.db.session() as session:
        session.add(
            Appointment(
                id=21,
                patient_id=scene.ids["anabel"],
                service="booster",
                starts_at=local(1, 10),
                ends_at=local(1, 11),
                held_until=local(1, 11),
                resources="infusion_chair:2",
                created_at=local(1, 8),
            )
        )
    scene.clock.set(local(1, 10, 30))

    await said(scene, "/today")
    labels = scene.double.last_message(STAFF_CHAT).button_labels
    assert {"🚫 No-show A-2", "✔️ Done A-21", "🚫 No-show A-21"} <= set(labels)
    await scene.staff(in_group=True).press("🚫 No-show A-2")

    assert appointment(scene, infusion).status == AppointmentStatus.NO_SHOW
    left = scene.double.last_message(STAFF_CHAT).button_labels
    assert "🚫 No-show A-2" not in left
    assert "✔️ Done A-2" not in left
    assert {"✔️ Done A-21", "🚫 No-show A-21"} <= set(left)


async def test_the_digest_lists_sessions_nobody_closed_and_assumed_ones(scene):
    infusion = scene.ids["ben_infusion"]
    scene.clock.set(local(1, 14, 50))  # asked twice, not yet assumed
    digest = scene.ops.digest(day=scene.ops.today())
    assert [e.appointment_id for e in digest.open_sessions] == [infusion]
    await at(scene, local(1, 16, 0))
    scene.clock.set(local(2, 8, 45))  # Tuesday's digest
    assert scene.ops.queue_daily_digest()
    mark = scene.last_id(STAFF_CHAT)
    await scene.dispatch()
    text = "\n".join(scene.replies(STAFF_CHAT, since=mark))
    assert "Sessions not closed</b> (1)" in text or "Sessions not closed (1)" in text
    assert f"A-{infusion} · attendance assumed · /done A-{infusion} or /noshow A-{infusion}" in text
    await said(scene, f"/done {infusion}")  # staff confirm: no longer assumed
    assert scene.ops.digest(day=scene.ops.today()).open_sessions == ()


# --- issue 11 item 5: Done pressed long before the scheduled end -------------------------------


async def test_done_long_before_the_end_asks_staff_to_confirm_the_patient_is_leaving(scene):
    infusion = scene.ids["ben_infusion"]  # Mon 1 Mar 10:00-14:00
    scene.clock.set(local(1, 11, 0))

    asked = await said(scene, f"/done {infusion}")

    assert len(asked) == 1
    assert "Leaving early?" in asked[0]
    assert "2:00 PM" in asked[0]
    assert scene.double.last_message(STAFF_CHAT).button_labels == ["Yes, leaving now"]
    assert appointment(scene, infusion).status == AppointmentStatus.BOOKED
    assert checkin_slots(scene, infusion) == []

    await scene.staff(in_group=True).press("Yes, leaving now")

    done = appointment(scene, infusion)
    assert done.status == AppointmentStatus.COMPLETED
    assert done.completed_at == local(1, 11, 0)
    assert checkin_slots(scene, infusion)[:2] == ["E", "D1"]
    with scene.db.session(write=False) as session:
        audit = session.exec(
            select(AuditLog)
            .where(col(AuditLog.subject) == f"appointment:{infusion}")
            .where(col(AuditLog.action) == "appointment.done")
        ).one()
    assert json.loads(audit.detail)["left_early"] is True


async def test_done_on_the_button_long_before_the_end_asks_too(scene):
    infusion = scene.ids["ben_infusion"]
    scene.clock.set(local(1, 12, 0))
    await said(scene, "/today")
    await scene.staff(in_group=True).press(f"✔️ Done A-{infusion}")
    assert "Leaving early?" in scene.replies(STAFF_CHAT)[-1]
    assert appointment(scene, infusion).status == AppointmentStatus.BOOKED


async def test_done_shortly_before_the_end_needs_no_confirmation(scene):
    infusion = scene.ids["ben_infusion"]
    scene.clock.set(local(1, 13, 40))  # 20 min early: within the profile's 30 minutes
    done = await said(scene, f"/done {infusion}")
    assert done[0].startswith(f"✔️ A-{infusion} marked Done")


def test_early_done_minutes_must_be_shorter_than_every_treatment(profile):
    from bot.profile import ClinicProfile

    assert profile.session_end.early_done_minutes == 30
    data = profile.model_dump()
    data["session_end"]["early_done_minutes"] = 150  # the nasal spray session lasts 120
    with pytest.raises(ValueError, match="early_done_minutes"):
        ClinicProfile.model_validate(data)
