"""The Mini App at /miniapp: a month calendar of free days that Telegram opens inside the chat.

The page itself is static (a Jinja2 template with the words, our own JS and CSS, no CDN); its
script reads Telegram's launch parameters and posts the signed `initData` with every call to
/miniapp/api/*. Each call checks initData (`initdata.verify_init_data`) before anything else and
takes the user id from it alone. A chosen time goes into the booking draft through the chat's
booking flow, and the chat's next step is sent to the person's chat (`MiniAppConfig.deliver`).

Telegram's telegram-web-app.js is not loaded: it cannot come from a CDN here, and the page needs
only what Telegram clients put in the launch URL's fragment (tgWebAppData, tgWebAppThemeParams);
a `window.Telegram.WebApp` already present (a copy the operator serves, or a test's stub) is used
first. See static/miniapp.js.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from jinja2 import Environment, FileSystemLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from bot.domain.clock import Clock, SystemClock
from bot.services.audit import audit
from bot.services.booking_flow import BookingFlow, WebChoice
from bot.services.chat_replies import Reply
from bot.services.formatting import month_title, weekday_name
from bot.services.miniapp import DayRefused, DayView, MiniAppBooking, MiniAppRefused, MonthView
from bot.services.patients import telegram_language
from bot.settings import MINI_APP_PATH
from bot.texts.i18n import use_language
from bot.web.console.security import security_headers
from bot.web.miniapp.initdata import InitDataRefused, WebAppUser, verify_init_data

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)
T = TypeVar("T")
InWorker = Callable[[Callable[[], Any]], Awaitable[Any]]
Deliver = Callable[[int, Reply], Awaitable[None]]

HERE = Path(__file__).resolve().parent
MAX_BODY_BYTES = 16 * 1024
# Telegram's web clients frame Mini Apps; the phone and desktop apps open them in a web view.
FRAME_ANCESTORS = "https://web.telegram.org https://webk.telegram.org https://webz.telegram.org"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    f"img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors {FRAME_ANCESTORS}"
)
# What each refusal answers: HTTP status and the text key of the page's message.
_REFUSALS: dict[WebChoice, tuple[int, str]] = {
    WebChoice.NO_CONSENT: (403, "miniapp_no_consent"),
    WebChoice.NOT_NOW: (409, "miniapp_not_now"),
}


def miniapp_headers() -> dict[str, str]:
    """The Mini App's security headers: no X-Frame-Options (Telegram Web frames it), a CSP
    whose frame-ancestors admit only Telegram's web clients, no inline script or style."""
    headers = security_headers(csp=CSP)
    headers.pop("X-Frame-Options")  # frame-ancestors above says who may frame it
    return headers


@dataclass(frozen=True)
class MiniAppConfig:
    """The bot token initData is signed with, the chat's booking flow, and how its reply
    reaches the person's chat."""

    bot_token: str
    flow: BookingFlow
    deliver: Deliver
    # initData expires in real time, whatever the business clock says (the sandbox moves it).
    security_clock: Clock = field(default_factory=SystemClock)


class _Static(StaticFiles):
    """The page's JS and CSS with the page's headers (cacheable, though)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        headers = miniapp_headers()
        headers.pop("Cache-Control")
        response.headers.update(headers)
        return response


class _BadRequest(Exception):
    def __init__(self, key: str, status: int = 400) -> None:
        super().__init__(key)
        self.key = key
        self.status = status


class MiniAppRoutes:
    def __init__(self, *, core: Core, config: MiniAppConfig, in_worker: InWorker) -> None:
        self.core = core
        self.config = config
        self.in_worker = in_worker
        self.booking = MiniAppBooking(flow=config.flow)
        self.texts = core.texts
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True
        )

    async def run(self, work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        result: T = await self.in_worker(partial(work, *args, **kwargs))
        return result

    # --- the page -----------------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        """GET /miniapp: the calendar's shell; its script fills it in."""
        words = {
            key.removeprefix("miniapp_"): self.texts.plain(key)
            for key in ("miniapp_loading", "miniapp_open_in_telegram", "miniapp_error")
        }
        html = self.templates.get_template("miniapp.html").render(
            title=self.texts.plain("miniapp_title"),
            clinic=self.core.profile.clinic.name,
            words=words,
            back=self.texts.plain("miniapp_back_to_chat"),
            api=MINI_APP_PATH + "/api",
        )
        return HTMLResponse(html, headers=miniapp_headers())

    # --- the API ------------------------------------------------------------------------

    async def month(self, request: Request) -> Response:
        """POST /miniapp/api/month {init_data, month?: "YYYY-MM"}: the month's free days."""
        return await self._call(request, self._month)

    async def day(self, request: Request) -> Response:
        """POST /miniapp/api/day {init_data, day: "YYYY-MM-DD"}: the day's free times."""
        return await self._call(request, self._day)

    async def choose(self, request: Request) -> Response:
        """POST /miniapp/api/choose {init_data, start: ISO time}: into the draft, chat goes on."""
        return await self._call(request, self._choose)

    async def _call(
        self,
        request: Request,
        handler: Callable[[WebAppUser, dict[str, Any]], Awaitable[Response]],
    ) -> Response:
        try:
            body = await self._body(request)
            user = await self._user(request, body)
            # Answered in the patient's language, as the chat is (issue 15).
            language = await self.run(telegram_language, self.core.db, user.user_id, None)
            with use_language(language):
                return await handler(user, body)
        except _BadRequest as exc:
            return self._message(exc.status, "bad_request", exc.key)
        except MiniAppRefused as exc:
            status, key = _REFUSALS[exc.choice]
            return self._message(status, exc.choice.value, key)

    async def _month(self, user: WebAppUser, body: dict[str, Any]) -> Response:
        month = _month_arg(body.get("month"))
        view = await self.run(self.booking.month, user.user_id, month=month)
        return JSONResponse(self._month_json(view), headers=miniapp_headers())

    async def _day(self, user: WebAppUser, body: dict[str, Any]) -> Response:
        day = _day_arg(body.get("day"))
        try:
            view = await self.run(self.booking.day, user.user_id, day=day)
        except DayRefused as exc:
            key = "miniapp_out_of_range" if exc.out_of_range else "miniapp_bad_day"
            return self._message(422, "bad_day", key)
        return JSONResponse(self._day_json(view), headers=miniapp_headers())

    async def _choose(self, user: WebAppUser, body: dict[str, Any]) -> Response:
        start = _start_arg(body.get("start"))
        try:
            outcome = await self.run(
                self.booking.choose, user.user_id, start=start, first_name=user.first_name
            )
        except DayRefused:
            return self._message(422, "bad_day", "miniapp_out_of_range")
        if outcome.chat_id is not None:
            await self._deliver(outcome.chat_id, outcome.reply)
        if outcome.choice is WebChoice.CHOSEN:
            message = self.texts.plain("miniapp_chosen", when=outcome.when)
            return JSONResponse(
                {"outcome": "chosen", "message": message}, headers=miniapp_headers()
            )
        data: dict[str, Any] = {
            "outcome": "taken",
            "message": self.texts.plain("miniapp_taken", when=outcome.when),
        }
        if outcome.day is not None:
            data["day"] = self._day_json(outcome.day)
        return JSONResponse(data, status_code=409, headers=miniapp_headers())

    async def _deliver(self, chat_id: int, reply: Reply) -> None:
        """The chat's next step; the draft is saved, so a failed send loses nothing (/book
        shows the step again)."""
        try:
            await self.config.deliver(chat_id, reply)
        except Exception as exc:
            log.warning("mini app: the chat's next step was not sent (%s)", type(exc).__name__)

    # --- checks -------------------------------------------------------------------------

    async def _body(self, request: Request) -> dict[str, Any]:
        if not request.headers.get("content-type", "").startswith("application/json"):
            raise _BadRequest("miniapp_error", 415)
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise _BadRequest("miniapp_error", 413)
        raw = bytearray()
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY_BYTES:
                raise _BadRequest("miniapp_error", 413)
        try:
            body = json.loads(raw)
        except ValueError:
            raise _BadRequest("miniapp_error") from None
        if not isinstance(body, dict):
            raise _BadRequest("miniapp_error")
        return body

    async def _user(self, request: Request, body: dict[str, Any]) -> WebAppUser:
        raw = body.get("init_data")
        try:
            if not isinstance(raw, str):
                raise InitDataRefused("missing")
            return verify_init_data(
                raw, bot_token=self.config.bot_token, now=self.config.security_clock.now()
            )
        except InitDataRefused as exc:
            await self._security_event(request, exc.reason)
            raise _BadRequest("miniapp_refused", 401) from None

    async def _security_event(self, request: Request, reason: str) -> None:
        """Audit refused initData (the reason only: never the data itself)."""
        log.warning("mini app: initData refused (%s) on %s", reason, request.url.path[:80])

        def write() -> None:
            with self.core.db.session() as session:
                audit(
                    session,
                    at=self.core.clock.now(),
                    actor="web:anonymous",
                    action="miniapp.init_data_refused",
                    subject="miniapp",
                    detail={"reason": reason, "path": request.url.path[:80]},
                )

        await self.run(write)

    # --- answers ------------------------------------------------------------------------

    def _message(self, status: int, error: str, key: str) -> Response:
        body = {"error": error, "message": self.texts.plain(key)}
        return JSONResponse(body, status_code=status, headers=miniapp_headers())

    def _month_json(self, view: MonthView) -> dict[str, Any]:
        t = self.texts
        return {
            "title": month_title(view.month),
            "month": f"{view.month:%Y-%m}",
            "intro": t.plain("miniapp_intro", service=view.service, zone=view.zone),
            "previous": f"{view.previous:%Y-%m}" if view.previous else None,
            "following": f"{view.following:%Y-%m}" if view.following else None,
            "previous_label": t.plain("miniapp_previous"),
            "following_label": t.plain("miniapp_next"),
            "weekdays": [weekday_name(n, short=True) for n in range(7)],
            "free_label": t.plain("miniapp_free_day"),
            "empty": t.plain("miniapp_no_free_days")
            if not any(d and d.free for week in view.weeks for d in week)
            else "",
            "selected": view.selected.isoformat() if view.selected else None,
            "weeks": [
                [
                    {"day": d.day.isoformat(), "number": d.day.day, "free": d.free}
                    if d is not None
                    else None
                    for d in week
                ]
                for week in view.weeks
            ],
        }

    def _day_json(self, view: DayView) -> dict[str, Any]:
        t = self.texts
        heading = (
            t.plain("miniapp_times_on", day=view.label, zone=view.zone)
            if view.times
            else t.plain("miniapp_day_full", day=view.label)
        )
        return {
            "day": view.day.isoformat(),
            "heading": heading,
            "times": [
                {"start": option.start.astimezone(UTC).isoformat(), "label": option.label}
                for option in view.times
            ],
        }


def _month_arg(raw: object) -> date | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or len(raw) != 7:
        raise _BadRequest("miniapp_bad_day")
    try:
        return date.fromisoformat(raw + "-01")
    except ValueError:
        raise _BadRequest("miniapp_bad_day") from None


def _day_arg(raw: object) -> date:
    if not isinstance(raw, str) or len(raw) != 10:
        raise _BadRequest("miniapp_bad_day")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _BadRequest("miniapp_bad_day") from None


def _start_arg(raw: object) -> datetime:
    """An aware ISO time (as the day's times were given), else a bad request."""
    if not isinstance(raw, str) or len(raw) > 40:
        raise _BadRequest("miniapp_bad_day")
    try:
        start = datetime.fromisoformat(raw)
    except ValueError:
        raise _BadRequest("miniapp_bad_day") from None
    # Aware, and far from datetime's limits (converting year 1 to the clinic's zone overflows).
    if start.tzinfo is None or not 2000 <= start.year <= 2999:
        raise _BadRequest("miniapp_bad_day")
    return start.astimezone(UTC)


def miniapp_routes(*, core: Core, config: MiniAppConfig, in_worker: InWorker) -> list[BaseRoute]:
    routes = MiniAppRoutes(core=core, config=config, in_worker=in_worker)
    post = ["POST"]
    return [
        Route(MINI_APP_PATH, routes.page, methods=["GET"]),
        Route(f"{MINI_APP_PATH}/api/month", routes.month, methods=post),
        Route(f"{MINI_APP_PATH}/api/day", routes.day, methods=post),
        Route(f"{MINI_APP_PATH}/api/choose", routes.choose, methods=post),
        Mount(f"{MINI_APP_PATH}/static", app=_Static(directory=HERE / "static"), name="miniapp"),
    ]
