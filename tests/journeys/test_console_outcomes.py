"""The console's Outcomes page: the figures, and its charts as SVG (matplotlib)."""

from __future__ import annotations

from tests.console_helpers import client, console_app, console_scene, seed_outcomes, signed_in

WEEK = {"first": "2027-02-01", "last": "2027-03-07"}


async def test_outcomes_show_pain_by_cohort_and_side_effects_as_svg_charts(tmp_path):
    scene = console_scene(tmp_path)
    seed_outcomes(scene)
    async with client(console_app(scene)) as http:
        await signed_in(http)
        page = await http.get("/console/outcomes", params=WEEK)
        cohorts = await http.get("/console/outcomes/cohorts.svg", params=WEEK)
        side = await http.get("/console/outcomes/side-effects.svg", params=WEEK)
    assert 'src="/console/outcomes/cohorts.svg?first=2027-02-01&amp;last=2027-03-07"' in page.text
    assert 'src="/console/outcomes/side-effects.svg?first=2027-02-01&amp;last=2027-03-07"' in (
        page.text
    )
    # Ben started in March: pain 7 -> 3 at D1 (57%), -> 4 at D3 (43%).
    assert "<td>Mar 2027</td><td>1</td><td>57% " in page.text
    assert "<td>D1</td><td>1</td><td>0</td><td>0</td><td>1</td>" in page.text  # Moderate
    assert "<td>D3</td><td>1</td><td>1</td>" in page.text  # None
    for chart in (cohorts, side):
        assert chart.status_code == 200
        assert chart.headers["content-type"] == "image/svg+xml"
        assert chart.text.lstrip().startswith("<?xml")
        assert "<svg" in chart.text
    assert "Mar 2027 (n=1)" in cohorts.text
    assert "Moderate" in side.text
    assert "Very severe" in side.text


async def test_outcome_charts_for_an_empty_range_say_so(tmp_path):
    scene = console_scene(tmp_path)
    empty = {"first": "2027-01-01", "last": "2027-01-31"}
    async with client(console_app(scene)) as http:
        await signed_in(http)
        cohorts = await http.get("/console/outcomes/cohorts.svg", params=empty)
        side = await http.get("/console/outcomes/side-effects.svg", params=empty)
        unknown = await http.get("/console/outcomes/names.svg", params=empty)
        backwards = await http.get(
            "/console/outcomes/cohorts.svg", params={"first": "2027-03-07", "last": "2027-02-01"}
        )
    assert "No check-in answers in this period" in cohorts.text
    assert "No side-effect answers in this period" in side.text
    assert unknown.status_code == 404
    assert backwards.status_code == 400


async def test_the_outcome_charts_need_a_signed_in_staff_member(tmp_path):
    scene = console_scene(tmp_path)
    async with client(console_app(scene)) as http:
        refused = await http.get("/console/outcomes/cohorts.svg")
    assert refused.status_code == 303
    assert refused.headers["location"] == "/console/login?why=signin"
