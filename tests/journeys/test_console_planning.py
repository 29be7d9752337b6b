"""Blocks and series in the staff console: the chat commands' rules, two steps, audited."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from sqlmodel import col, select

from bot.db.models import Appointment, TimeBlock
from bot.domain.enums import AppointmentStatus
from tests.console_helpers import audits, client, console_app, console_scene, signed_in
from tests.staff_scene import STAFF

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DRAFT = re.compile(r'name="draft" value="(\d+)"')
SERIES = re.compile(r'action="/console/series/(\d+)/confirm"')


def blocks(scene) -> list[TimeBlock]:
    with scene.db.session(write=False) as session:
        return list(session.exec(select(TimeBlock)).all())


async def test_block_a_free_morning_and_reopen_it(tmp_path):
    scene = console_scene(tmp_path)
    async with client(console_app(scene)) as http:
        csrf = await signed_in(http)
        page = await http.get("/console/blocks")
        assert page.status_code == 200
        assert "Nothing blocked" in page.text
        added = await http.post(
            "/console/blocks",
            content=urlencode(
                {"csrf": csrf, "day": "2027-03-04", "start": "09:00", "end": "11:00",
                 "pool": "infusion_chair", "reason": "chair service"}
            ),
            headers=FORM,
        )  # fmt: skip
        (block,) = blocks(scene)
        assert added.status_code == 303
        assert f"ref=B-{block.id}" in added.headers["location"]
        listed = await http.get(added.headers["location"])
        assert f"B-{block.id} blocked." in listed.text
        assert "chair service" in listed.text
        past = await http.post(
            "/console/blocks",
            content=urlencode(
                {"csrf": csrf, "day": "2027-02-01", "start": "09:00", "end": "10:00"}
            ),
            headers=FORM,
        )
        assert past.status_code == 400
        assert "Nothing was blocked" in past.text
        reopen = await http.post(
            f"/console/blocks/{block.id}/unblock", content=f"csrf={csrf}", headers=FORM
        )
        again = await http.post(
            f"/console/blocks/{block.id}/unblock", content=f"csrf={csrf}", headers=FORM
        )
    assert reopen.status_code == 303
    assert again.status_code == 409
    assert blocks(scene)[0].removed_at is not None
    assert [a.actor for a in audits(scene, "staff.block")] == [f"staff:{STAFF}"]
    assert [a.actor for a in audits(scene, "staff.unblock")] == [f"staff:{STAFF}"]


async def test_a_block_over_booked_visits_waits_for_confirmation(tmp_path):
    scene = console_scene(tmp_path)
    anabel = scene.ids["anabel_consult"]  # Tuesday 2 March, 2 PM
    async with client(console_app(scene)) as http:
        csrf = await signed_in(http)
        asked = await http.post(
            "/console/blocks",
            content=urlencode(
                {"csrf": csrf, "day": "2027-03-02", "start": "13:00", "end": "16:00"}
            ),
            headers=FORM,
        )
        assert asked.status_code == 200
        assert f"A-{anabel}" in asked.text
        assert blocks(scene) == []  # nothing yet
        draft = DRAFT.search(asked.text)
        assert draft is not None
        confirmed = await http.post(
            "/console/blocks/confirm",
            content=f"csrf={csrf}&draft={draft.group(1)}",
            headers=FORM,
        )
        twice = await http.post(
            "/console/blocks/confirm",
            content=f"csrf={csrf}&draft={draft.group(1)}",
            headers=FORM,
        )
    assert confirmed.status_code == 303
    assert "ok=blocked" in confirmed.headers["location"]
    assert "ok=already_blocked" in twice.headers["location"]
    assert len(blocks(scene)) == 1
    with scene.db.session(write=False) as session:
        visit = session.get(Appointment, anabel)
        assert visit is not None
        assert visit.status == AppointmentStatus.BOOKED


async def test_plan_and_book_a_series_once(tmp_path):
    scene = console_scene(tmp_path)
    ben, ana = scene.ids["ben"], scene.ids["ana"]
    async with client(console_app(scene)) as http:
        csrf = await signed_in(http)
        patient = await http.get(f"/console/patients/{ben}")
        assert "Plan a series" in patient.text
        refused = await http.post(
            f"/console/patients/{ana}/series",
            content=f"csrf={csrf}&service=iv_infusion&count=3",
            headers=FORM,
        )
        assert refused.status_code == 409
        assert "No series was planned" in refused.text
        plan = await http.post(
            f"/console/patients/{ben}/series",
            content=f"csrf={csrf}&service=iv_infusion&count=3",
            headers=FORM,
        )
        assert plan.status_code == 200
        assert "Book these 3 sessions" in plan.text
        assert "never answered the screening" in plan.text
        draft = SERIES.search(plan.text)
        assert draft is not None
        booked = await http.post(
            f"/console/series/{draft.group(1)}/confirm", content=f"csrf={csrf}", headers=FORM
        )
        again = await http.post(
            f"/console/series/{draft.group(1)}/confirm", content=f"csrf={csrf}", headers=FORM
        )
    assert booked.status_code == 200
    assert "Booked 3 sessions" in booked.text
    assert "already booked" in again.text
    with scene.db.session(write=False) as session:
        series = session.exec(
            select(Appointment)
            .where(col(Appointment.patient_id) == ben)
            .where(col(Appointment.series_id).is_not(None))
        ).all()
    assert len(series) == 3
    assert all(f"A-{a.id}" in booked.text for a in series)
    assert [a.actor for a in audits(scene, "staff.series")] == [f"staff:{STAFF}"]


async def test_drop_a_planned_series(tmp_path):
    scene = console_scene(tmp_path)
    ben = scene.ids["ben"]
    async with client(console_app(scene)) as http:
        csrf = await signed_in(http)
        plan = await http.post(
            f"/console/patients/{ben}/series",
            content=f"csrf={csrf}&service=iv_infusion&count=2",
            headers=FORM,
        )
        draft = SERIES.search(plan.text)
        assert draft is not None
        dropped = await http.post(
            f"/console/drafts/{draft.group(1)}/cancel",
            content=urlencode({"csrf": csrf, "back": f"/console/patients/{ben}"}),
            headers=FORM,
        )
        late = await http.post(
            f"/console/series/{draft.group(1)}/confirm", content=f"csrf={csrf}", headers=FORM
        )
    assert dropped.status_code == 303
    assert "ok=dropped" in dropped.headers["location"]
    assert late.status_code == 409
    assert "Nothing was booked" in late.text
