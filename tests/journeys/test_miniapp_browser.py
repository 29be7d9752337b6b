"""The Mini App in a real headless Chromium (Debian's chromium and chromium-driver).

The page runs against the journey's own HTTP server in the test's event loop, beside the real
Application and the Bot API double, so a time picked in the browser reaches the chat double.
Telegram's side is played twice: once by a stub of `window.Telegram.WebApp` (initData signed
here, a dark theme) put in the page before its scripts, once by the launch parameters Telegram
puts in the URL fragment. Screenshots go to tests/artifacts/miniapp/.

Skips without Chromium (tests/browser_helpers.py decides: CI requires it).
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import quote

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from bot.app import mini_app_for
from bot.web.app import create_web_app, serve
from tests.browser_helpers import CHROMEDRIVER, CHROMIUM  # skips without Chromium
from tests.journey_helpers import ALICE, answer_screening, open_journey, start_and_consent
from tests.miniapp_helpers import init_data, mini_app_button, with_mini_app
from tests.paths import ARTIFACTS as TESTS_ARTIFACTS

ARTIFACTS = TESTS_ARTIFACTS / "miniapp"
DARK = {
    "bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "link_color": "#6ab3f3",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#232e3c",
}


def chrome() -> Any:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=420,820",  # a phone-sized web view
    ):
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


def stub_telegram(driver: Any, init: str) -> None:
    """window.Telegram.WebApp as Telegram's script would give it, before the page's scripts."""
    stub = {"initData": init, "themeParams": DARK}
    source = (
        "window.Telegram = {WebApp: Object.assign(" + json.dumps(stub) + ", {"
        "ready: function () { window.__telegramReady = true; },"
        "close: function () { window.__telegramClosed = true; }"
        "})};"
    )
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})


def _shown(driver: Any, css: str) -> list[Any]:
    found = driver.find_elements(By.CSS_SELECTOR, css)
    return found if found and all(e.is_displayed() for e in found) else []


async def wait_for(driver: Any, css: str, *, seconds: float = 10) -> list[Any]:
    """The elements `css` selects once all are shown (a screenshot if they never are)."""
    deadline = time.monotonic() + seconds
    while True:
        found = await asyncio.to_thread(_shown, driver, css)
        if found:
            return found
        if time.monotonic() > deadline:
            await shot(driver, "failed-" + css.replace(" ", "_").replace("#", ""))
            status = await asyncio.to_thread(driver.find_element, By.ID, "status")
            raise AssertionError(f"{css} did not appear; status: {status.text!r}")
        await asyncio.sleep(0.05)


async def shot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(driver.save_screenshot, str(ARTIFACTS / f"{name}.png"))


async def pick_first_day_and_time(driver: Any) -> str:
    days = await wait_for(driver, "button.day.free")
    await asyncio.to_thread(days[0].click)
    times = await wait_for(driver, "button.time")
    label = await asyncio.to_thread(lambda: times[0].text)
    return label


async def test_a_patient_picks_a_day_and_a_time_and_the_chat_goes_on_to_confirm(database, clock):
    async with open_journey(database, clock, configure=with_mini_app) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        assert mini_app_button(alice.last_message()) is not None
        config = mini_app_for(journey.application, journey.core)
        app = create_web_app(core=journey.core, inbound=journey.core.sms_inbound, miniapp=config)
        server = await serve(app, port=0, host="127.0.0.1")
        driver = await asyncio.to_thread(chrome)
        try:
            await asyncio.to_thread(stub_telegram, driver, init_data(ALICE))
            await asyncio.to_thread(driver.get, f"http://127.0.0.1:{server.port}/miniapp")
            label = await pick_first_day_and_time(driver)
            assert label == "8:30 AM"
            body = await asyncio.to_thread(driver.find_element, By.TAG_NAME, "body")
            background = await asyncio.to_thread(body.value_of_css_property, "background-color")
            assert background == "rgba(23, 33, 43, 1)"  # the theme's bg_color
            assert await asyncio.to_thread(driver.execute_script, "return window.__telegramReady")
            heading = await wait_for(driver, "#times-heading")
            assert "clinic time, EST" in await asyncio.to_thread(lambda: heading[0].text)
            await shot(driver, "01-month-and-times")

            times = await wait_for(driver, "button.time")
            await asyncio.to_thread(times[0].click)
            done = await wait_for(driver, ".status.done")
            assert "Tuesday 2 March 2027 at 8:30 AM is noted" in done[0].text
            await shot(driver, "02-chosen")
            back = await wait_for(driver, "#back-to-chat")
            await asyncio.to_thread(back[0].click)
            assert await asyncio.to_thread(driver.execute_script, "return window.__telegramClosed")
        finally:
            await asyncio.to_thread(driver.quit)
            await server.stop(grace_seconds=2)

        # The chat double shows the next step, and the booking goes on to its confirmation.
        asked = alice.last_message()
        assert "You chose Tuesday 2 March 2027 at 8:30 AM on the calendar." in asked.text
        await alice.send_text("Alice Smith")
        await alice.share_contact("+12015550123")
        await answer_screening(alice)
        await alice.press("Yes, text me too")
        summary = alice.last_message()
        assert "Please check your booking" in summary.text
        assert "Tuesday 2 March 2027 at 8:30 AM" in summary.text
        await alice.press("✅ Confirm booking")
        assert "You're booked" in journey.bot_messages(ALICE)[-2].text


async def test_the_page_reads_telegrams_launch_parameters_without_its_script(database, clock):
    async with open_journey(database, clock, configure=with_mini_app) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        config = mini_app_for(journey.application, journey.core)
        app = create_web_app(core=journey.core, inbound=journey.core.sms_inbound, miniapp=config)
        server = await serve(app, port=0, host="127.0.0.1")
        driver = await asyncio.to_thread(chrome)
        fragment = (
            f"tgWebAppData={quote(init_data(ALICE), safe='')}&tgWebAppVersion=8.0"
            f"&tgWebAppPlatform=tdesktop&tgWebAppThemeParams={quote(json.dumps(DARK), safe='')}"
        )
        try:
            await asyncio.to_thread(
                driver.get, f"http://127.0.0.1:{server.port}/miniapp#{fragment}"
            )
            await pick_first_day_and_time(driver)
            await shot(driver, "03-launch-parameters")
            # Opened in a plain browser (no Telegram, no fragment): a clear pointer, no calls.
            await asyncio.to_thread(driver.get, "about:blank")
            await asyncio.to_thread(driver.get, f"http://127.0.0.1:{server.port}/miniapp")
            intro = await wait_for(driver, "#intro")
            text = await asyncio.to_thread(lambda: intro[0].text)
            assert "open this calendar from the clinic's chat in Telegram" in text
            await shot(driver, "04-outside-telegram")
        finally:
            await asyncio.to_thread(driver.quit)
            await server.stop(grace_seconds=2)
        draft = journey.draft(ALICE)
        assert draft is not None
        assert draft.step == "date"


async def test_a_time_taken_while_the_page_was_open_is_refused_and_others_offered(database, clock):
    from tests.miniapp_helpers import FIRST, take_every_room

    async with open_journey(database, clock, configure=with_mini_app) as journey:
        alice = journey.patient(ALICE, "Alice")
        await start_and_consent(alice)
        await alice.press("📅 Book a consultation")
        config = mini_app_for(journey.application, journey.core)
        app = create_web_app(core=journey.core, inbound=journey.core.sms_inbound, miniapp=config)
        server = await serve(app, port=0, host="127.0.0.1")
        driver = await asyncio.to_thread(chrome)
        try:
            await asyncio.to_thread(stub_telegram, driver, init_data(ALICE))
            await asyncio.to_thread(driver.get, f"http://127.0.0.1:{server.port}/miniapp")
            assert await pick_first_day_and_time(driver) == "8:30 AM"
            take_every_room(journey, clock, FIRST)  # others book 8:30 meanwhile
            times = await wait_for(driver, "button.time")
            await asyncio.to_thread(times[0].click)
            refused = await wait_for(driver, ".status.error")
            text = await asyncio.to_thread(lambda: refused[0].text)
            assert "Tuesday 2 March 2027 at 8:30 AM was just taken" in text
            times = await wait_for(driver, "button.time")
            labels = await asyncio.to_thread(lambda: [t.text for t in times])
            assert labels
            assert "8:30 AM" not in labels
            enabled = await asyncio.to_thread(lambda: all(t.is_enabled() for t in times))
            assert enabled  # the person can choose again at once
            await shot(driver, "05-taken")
        finally:
            await asyncio.to_thread(driver.quit)
            await server.stop(grace_seconds=2)
        assert "was just taken by someone else" in alice.last_message().text
