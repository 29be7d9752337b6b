"""The sandbox opens the Mini App: its button prints a launch URL signed for the sandbox patient."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from bot.domain.clock import OffsetClock
from bot.sandbox.console import Console, chat, sandbox_core


def number_of(console: Console, label: str) -> str:
    for index, choice in enumerate(console.choices, start=1):
        if choice.label.startswith(label):
            return str(index)
    raise AssertionError(f"{label!r} not among {[c.label for c in console.choices]}")


async def test_the_sandbox_patient_chooses_a_time_on_the_calendar(tmp_path):
    clock = OffsetClock()
    core = sandbox_core(f"sqlite:///{tmp_path / 'sandbox.db'}", clock=clock, env={})
    lines: list[str] = []
    console = Console(core, clock=clock, write=lines.append)
    seen: dict[str, object] = {}

    async def read_line() -> str:
        await console.handle(number_of(console, "Yes"))  # consent
        await console.handle("/book")
        await console.handle(number_of(console, "🗓 Choose a time on a calendar"))
        printed = next(line for line in lines if line.startswith("(open the calendar"))
        launch = printed.split(": ", 1)[1].rstrip(")")
        parts = urlsplit(launch)
        init = parse_qs(parts.fragment)["tgWebAppData"][0]
        base = f"{parts.scheme}://{parts.netloc}"
        async with httpx.AsyncClient(base_url=base) as http:
            page = await http.get(parts.path)
            month = await http.post("/miniapp/api/month", json={"init_data": init})
            free = [d["day"] for w in month.json()["weeks"] for d in w if d and d["free"]]
            day = await http.post("/miniapp/api/day", json={"init_data": init, "day": free[0]})
            start = day.json()["times"][0]["start"]
            chosen = await http.post(
                "/miniapp/api/choose", json={"init_data": init, "start": start}
            )
        seen.update(page=page.status_code, chosen=chosen.json()["outcome"])
        return "/quit"

    try:
        await chat(console, read_line, web_port=0)
    finally:
        core.db.dispose()
    assert seen == {"page": 200, "chosen": "chosen"}
    text = "\n".join(lines)
    assert "on the calendar." in text  # the chat went on, printed in the terminal
    assert "full name" in text.split("on the calendar.")[-1]
