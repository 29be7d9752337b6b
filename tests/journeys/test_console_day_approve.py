"""Approve from the day view (issue 14): a consultation marked Done offers Approve beside it."""

from __future__ import annotations

from sqlmodel import col, select

from bot.db.models import AuditLog, Patient
from tests.console_helpers import client, console_app, console_scene, signed_in
from tests.staff_scene import STAFF

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DAY = "/console/day?date=2027-03-01"


def approved_by(scene, patient_id: int) -> str | None:
    with scene.db.session(write=False) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        return patient.approved_by


async def test_a_consultation_marked_done_can_be_approved_from_the_day(tmp_path):
    scene = console_scene(tmp_path)
    ana, consult = scene.ids["ana"], scene.ids["ana_consult"]
    async with client(console_app(scene)) as http:
        csrf = await signed_in(http)
        before = await http.get(DAY)
        await http.post(
            f"/console/visits/{consult}/done",
            content=f"csrf={csrf}&version=1&back={DAY}",
            headers=FORM,
        )
        offered = await http.get(DAY)
        approved = await http.post(
            f"/console/patients/{ana}/approve",
            content=f"csrf={csrf}&consultation={consult}&back={DAY}",
            headers=FORM,
        )
        after = await http.get(approved.headers["location"])
    assert f'action="/console/patients/{ana}/approve"' not in before.text  # not Done yet
    assert f'action="/console/patients/{ana}/approve"' in offered.text
    assert f'name="consultation" value="{consult}"' in offered.text
    assert approved.status_code == 303
    assert approved.headers["location"] == f"{DAY}&ok=approved&ref=P-{ana}"
    assert f"P-{ana} approved for treatment" in after.text
    assert f'action="/console/patients/{ana}/approve"' not in after.text  # done: no button
    assert approved_by(scene, ana) == f"staff:{STAFF}"
    with scene.db.session(write=False) as session:
        audited = session.exec(
            select(AuditLog).where(col(AuditLog.action) == "patient.approve")
        ).all()
    assert [a.actor for a in audited] == [f"staff:{STAFF}"]
    # Ben is approved already and his infusion is no consultation: never a button for him.
    assert f'action="/console/patients/{scene.ids["ben"]}/approve"' not in offered.text


async def test_approve_on_a_consultation_cancelled_since_approves_nobody(tmp_path):
    scene = console_scene(tmp_path)
    anabel, consult = scene.ids["anabel"], scene.ids["anabel_consult"]
    scene.core.booking.cancel(appointment_id=consult, actor="patient:x")
    async with client(console_app(scene)) as http:
        csrf = await signed_in(http)
        refused = await http.post(
            f"/console/patients/{anabel}/approve",
            content=f"csrf={csrf}&consultation={consult}&back={DAY}",
            headers=FORM,
        )
    assert refused.status_code == 409
    assert "Nothing was changed" in refused.text
    assert f"consultation A-{consult} was cancelled" in refused.text
    assert approved_by(scene, anabel) is None
    with scene.db.session(write=False) as session:
        rows = session.exec(select(AuditLog).where(col(AuditLog.action) == "patient.approve")).all()
    assert rows == []
