"""Issue 11 item 6: /series sends one summary to the patient and one to staff, and warns first."""

from __future__ import annotations

import pytest

from bot.db.models import Patient
from tests.staff_scene import STAFF_CHAT, add_escalation, close_scene, open_scene

ANA_CHAT = 501


@pytest.fixture
async def scene(tmp_path):
    built = await open_scene(tmp_path)
    await built.dispatch()  # the booking notices of the seeded week
    yield built
    await close_scene(built)


def approve(scene, patient_id: int) -> None:
    with scene.db.session() as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        patient.approved_at = scene.clock.now()


async def test_a_series_sends_the_patient_one_summary_and_the_staff_chat_one(scene):
    approve(scene, scene.ids["ana"])
    staff = scene.staff(in_group=True)
    patient_mark, staff_mark = scene.last_id(ANA_CHAT), scene.last_id(STAFF_CHAT)

    await staff.send_command("/series #1 iv 3")
    await staff.press("✅ Book all 3")
    await scene.dispatch()

    to_patient = [m for m in scene.double.chat_log(ANA_CHAT) if m.message_id > patient_mark]
    texts = [m.text for m in to_patient if m.kind != "document"]
    files = [m for m in to_patient if m.kind == "document"]
    assert len(texts) == 1, texts
    assert "3 sessions" in texts[0]
    assert texts[0].count("Mar") >= 3
    assert "How to prepare" in texts[0]
    assert len(files) == 3  # one calendar file per visit
    staff_texts = scene.replies(STAFF_CHAT, since=staff_mark)
    assert not any(t.startswith("🆕") or "New booking" in t for t in staff_texts)
    assert sum("Booked 3 session(s)" in t for t in staff_texts) == 1


async def test_series_warns_before_booking_about_an_open_red_flag(scene):
    approve(scene, scene.ids["ana"])
    add_escalation(scene, scene.ids["ana"])
    staff = scene.staff(in_group=True)
    await staff.send_command("/series #1 iv 3")
    plan = scene.double.last_message(STAFF_CHAT)
    assert "open red flag" in plan.text.casefold()
    assert plan.button_labels == ["✅ Book all 3", "Cancel"]


async def test_series_warns_before_booking_a_patient_who_was_never_screened(scene):
    staff = scene.staff(in_group=True)
    await staff.send_command("/series #3 iv 3")  # Ben was booked by staff: never screened
    plan = scene.double.last_message(STAFF_CHAT)
    assert "not screened" in plan.text.casefold()


def test_the_series_summary_sms_is_neutral_for_a_six_visit_series(profile):
    from bot.domain.sms_policy import assert_sms_safe
    from bot.texts import Texts

    text = Texts(profile.texts).plain(
        "series_summary_sms",
        clinic=profile.clinic.name,
        count=6,
        dates="; ".join(["Wed 30 Sep 12:45 PM"] * 6),
        phone=profile.clinic.phone,
    )
    assert_sms_safe(text, max_segments=2)
