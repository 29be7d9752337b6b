"""The staff console in a real headless Chromium (Debian's chromium and chromium-driver).

One browser session and one server for the module: sign in with a Login Widget payload signed
here, see today, press Done and see the check-ins planned, acknowledge a flag, open a patient
and see the chart, download the CSV. Screenshots of each page go to tests/artifacts/console/.

Without Chromium the tests skip, except where CLINIC_REQUIRE_BROWSER is set (CI): there a
missing browser is a failure.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from bot.web.server import bound_socket
from tests.browser_helpers import CHROMEDRIVER, CHROMIUM  # skips without Chromium
from tests.console_helpers import (
    console_app,
    console_scene,
    login_url,
    seed_outcomes,
    signed_login,
)
from tests.paths import ARTIFACTS as TESTS_ARTIFACTS

ARTIFACTS = TESTS_ARTIFACTS / "console"


class _Server:
    """uvicorn serving the console app from a thread with its own event loop."""

    def __init__(self, app: Any) -> None:
        self.sock = bound_socket("127.0.0.1", 0)
        self.port = int(self.sock.getsockname()[1])
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.run(self.server.serve(sockets=[self.sock]))

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the console server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("console-browser")
    scene = console_scene(tmp)
    downloads = tmp / "downloads"
    downloads.mkdir()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    with _Server(console_app(scene)) as server:
        driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        driver.implicitly_wait(3)
        try:
            yield {
                "scene": scene,
                "driver": driver,
                "base": f"http://127.0.0.1:{server.port}",
                "downloads": downloads,
            }
        finally:
            driver.quit()
    scene.db.dispose()


def shot(driver: Any, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def test_sign_in_and_see_today(world):
    driver, base, scene = world["driver"], world["base"], world["scene"]
    driver.get(base + "/console/day")
    assert "/console/login" in driver.current_url
    shot(driver, "01-login")
    driver.get(base + login_url(signed_login()))
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("/console/day"))
    heading = driver.find_element(By.TAG_NAME, "h1").text
    assert "Monday 1 March 2027" in heading
    row = driver.find_element(By.ID, f"A-{scene.ids['ben_infusion']}")
    assert "Ben Okafor" in row.text
    assert "IV infusion" in row.text
    shot(driver, "02-day")


def test_press_done_and_see_the_check_ins_planned(world):
    driver, scene = world["driver"], world["scene"]
    infusion = scene.ids["ben_infusion"]
    row = driver.find_element(By.ID, f"A-{infusion}")
    row.find_element(By.CSS_SELECTOR, "button.primary").click()
    note = driver.find_element(By.CSS_SELECTOR, ".note")
    assert note.text == f"A-{infusion} marked Done."
    row = driver.find_element(By.ID, f"A-{infusion}")
    summary = row.find_element(By.CSS_SELECTOR, "details.checkins summary")
    assert "check-ins planned" in summary.text
    summary.click()  # keyboard users press Enter on it; the list opens
    planned = row.find_elements(By.CSS_SELECTOR, "details.checkins li")
    assert planned
    assert planned[0].text.startswith("E:")
    shot(driver, "03-done")


def test_acknowledge_a_flag(world):
    driver, base, scene = world["driver"], world["base"], world["scene"]
    flag = scene.ids["flag"]
    driver.get(base + "/console/flags")
    article = driver.find_element(By.ID, f"F-{flag}")
    assert "Severe nausea at D1" in article.text
    shot(driver, "04-flags")
    article.find_element(By.CSS_SELECTOR, "button.primary").click()
    assert f"F-{flag} acknowledged" in driver.find_element(By.CSS_SELECTOR, ".note").text
    article = driver.find_element(By.ID, f"F-{flag}")
    assert "acknowledged" in article.text
    shot(driver, "05-flag-acknowledged")


def test_open_a_patient_and_see_the_chart(world):
    driver, base, scene = world["driver"], world["base"], world["scene"]
    driver.get(base + "/console/patients")
    search = driver.find_element(By.ID, "q")
    search.send_keys(f"P-{scene.ids['ben']}\n")
    wanted = f"/console/patients/{scene.ids['ben']}"
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith(wanted))
    chart = driver.find_element(By.CSS_SELECTOR, "img.chart")
    deadline = time.monotonic() + 10
    while not driver.execute_script("return arguments[0].complete", chart):
        assert time.monotonic() < deadline, "the chart did not load"
        time.sleep(0.05)
    assert driver.execute_script("return arguments[0].naturalWidth", chart) > 0
    assert "appointment.done" in driver.find_element(By.CSS_SELECTOR, "table.audit").text
    driver.execute_script("arguments[0].scrollIntoView()", chart)
    shot(driver, "06-patient")


def test_download_the_csv(world):
    driver, base, scene = world["driver"], world["base"], world["scene"]
    seed_outcomes(scene)
    driver.get(base + "/console/outcomes?first=2027-03-01&last=2027-03-07")
    shot(driver, "07-outcomes")
    for name, chart in (("07b-outcomes-cohorts", "cohorts"), ("07c-side-effects", "side-effects")):
        image = driver.find_element(By.CSS_SELECTOR, f'img[src^="/console/outcomes/{chart}.svg"]')
        deadline = time.monotonic() + 10
        while not driver.execute_script("return arguments[0].complete", image):
            assert time.monotonic() < deadline, f"the {chart} chart did not load"
            time.sleep(0.05)
        assert driver.execute_script("return arguments[0].naturalWidth", image) > 0
        driver.execute_script("arguments[0].scrollIntoView()", image)
        shot(driver, name)
    driver.find_element(By.CSS_SELECTOR, "button[formaction]").click()
    deadline = time.monotonic() + 10
    files: list[Path] = []
    while time.monotonic() < deadline:
        files = [f for f in world["downloads"].iterdir() if f.suffix == ".csv"]
        if files:
            break
        time.sleep(0.1)
    assert [f.name for f in files] == ["appointments_2027-03-01_2027-03-07.csv"]
    text = files[0].read_bytes().decode("utf-8-sig")
    assert text.startswith("appointment_id,")
    assert f"\r\nA-{scene.ids['ben_infusion']},P-{scene.ids['ben']}," in text


def test_reads_on_a_tablet_without_sideways_scrolling(world):
    driver, base = world["driver"], world["base"]
    driver.set_window_size(820, 1180)
    try:
        for path, name in (
            ("/console/day", "08-tablet-day"),
            ("/console/flags", "09-tablet-flags"),
        ):
            driver.get(base + path)
            width = driver.execute_script("return document.documentElement.scrollWidth")
            assert width <= driver.execute_script("return window.innerWidth"), path
            shot(driver, name)
        # Keyboard: the first Tab reaches the skip link, which leads to the page's content.
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        assert driver.switch_to.active_element.text == "Skip to content"
    finally:
        driver.set_window_size(1280, 1000)
