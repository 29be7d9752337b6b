"""The staff web console at /console: the front desk's day on a screen, over the chat's services.

Sign-in with the Telegram Login Widget (or, in the sandbox only, a local sign-in), a signed
session cookie, CSRF tokens on every form, Jinja2 templates with autoescape, our own CSS, no
script of ours at all, and the security headers of `security.security_headers`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from bot.web.console.actions import ConsoleActions
from bot.web.console.base import HERE, PREFIX, ConsoleConfig, InWorker
from bot.web.console.pages import ConsolePages
from bot.web.console.planning import ConsolePlanning
from bot.web.console.security import security_headers
from bot.web.console.signin import ConsoleSignIn

if TYPE_CHECKING:
    from bot.core import Core

__all__ = ["ConsoleConfig", "console_routes"]


class Console(ConsoleSignIn, ConsolePages, ConsoleActions, ConsolePlanning):
    """Every page and action, sharing one ConsoleBase."""


class _Static(StaticFiles):
    """The console's CSS with the same headers as its pages (cacheable, though)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        headers = security_headers()
        headers.pop("Cache-Control")
        response.headers.update(headers)
        return response


def console_routes(*, core: Core, config: ConsoleConfig, in_worker: InWorker) -> list[BaseRoute]:
    console = Console(core=core, config=config, in_worker=in_worker)
    get, post = ["GET"], ["POST"]
    return [
        Route(PREFIX, console.root, methods=get),
        Route(f"{PREFIX}/", console.root, methods=get),
        Route(f"{PREFIX}/login", console.login, methods=get),
        Route(f"{PREFIX}/auth", console.auth, methods=get),
        Route(f"{PREFIX}/local-login", console.local_login, methods=post),
        Route(f"{PREFIX}/logout", console.logout, methods=post),
        Route(f"{PREFIX}/day", console.day, methods=get),
        Route(f"{PREFIX}/week", console.week, methods=get),
        Route(f"{PREFIX}/flags", console.flags, methods=get),
        Route(f"{PREFIX}/patients", console.patients, methods=get),
        Route(f"{PREFIX}/patients/{{patient_id:int}}", console.patient, methods=get),
        Route(f"{PREFIX}/patients/{{patient_id:int}}/chart.svg", console.chart, methods=get),
        Route(f"{PREFIX}/patients/{{patient_id:int}}/approve", console.approve, methods=post),
        Route(f"{PREFIX}/blocks", console.blocks, methods=get),
        Route(f"{PREFIX}/blocks", console.add_block, methods=post),
        Route(f"{PREFIX}/blocks/confirm", console.confirm_block, methods=post),
        Route(f"{PREFIX}/blocks/{{block_id:int}}/unblock", console.unblock, methods=post),
        Route(f"{PREFIX}/drafts/{{draft_id:int}}/cancel", console.drop_draft, methods=post),
        Route(f"{PREFIX}/patients/{{patient_id:int}}/series", console.plan_series, methods=post),
        Route(f"{PREFIX}/series/{{draft_id:int}}/confirm", console.confirm_series, methods=post),
        Route(f"{PREFIX}/outcomes", console.outcomes, methods=get),
        Route(f"{PREFIX}/outcomes.svg", console.outcomes_chart, methods=get),
        Route(f"{PREFIX}/outcomes/{{chart}}.svg", console.outcomes_chart, methods=get),
        Route(f"{PREFIX}/export.csv", console.export, methods=get),
        Route(
            f"{PREFIX}/visits/{{appointment_id:int}}/reschedule",
            console.reschedule_form,
            methods=get,
        ),
        Route(
            f"{PREFIX}/visits/{{appointment_id:int}}/reschedule", console.reschedule, methods=post
        ),
        Route(
            f"{PREFIX}/visits/{{appointment_id:int}}/{{action:str}}",
            console.visit,
            methods=post,
        ),
        Route(f"{PREFIX}/flags/{{escalation_id:int}}/ack", console.acknowledge, methods=post),
        Route(f"{PREFIX}/{{kind:str}}/{{number:int}}/close", console.close, methods=post),
        Mount(f"{PREFIX}/static", app=_Static(directory=HERE / "static"), name="static"),
    ]
