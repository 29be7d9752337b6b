"""The console reads and shows the identifiers the chat uses (P-12, A-345, F-7)."""

from __future__ import annotations

from tests.console_helpers import client, console_app, console_scene, signed_in


async def test_patient_search_takes_a_p_number_and_explains_another_kinds(tmp_path):
    scene = console_scene(tmp_path)
    ana, consult = scene.ids["ana"], scene.ids["ana_consult"]
    async with client(console_app(scene)) as http:
        await signed_in(http)
        found = await http.get("/console/patients", params={"q": f"P-{ana}"})
        bare = await http.get("/console/patients", params={"q": f"#{ana}"})
        wrong = await http.get("/console/patients", params={"q": f"A-{consult}"})
        flags = await http.get("/console/flags")
    assert found.status_code == 303
    assert found.headers["location"] == f"/console/patients/{ana}"
    assert bare.headers["location"] == f"/console/patients/{ana}"
    assert wrong.status_code == 200
    assert f"A-{consult} is an appointment; this needs a patient (P-12)" in wrong.text
    assert f"F-{scene.ids['flag']}" in flags.text
    assert f"P-{scene.ids['ben']}" in flags.text
