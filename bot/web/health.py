"""Health, readiness and metrics: /healthz, /readyz, /metrics.

/healthz says the process is alive (503 only for what a person must fix at once), /readyz that
the database answers, with the outbox lag and the staff chat beside it, /metrics the Prometheus
figures read from the database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from bot.web.metrics import outbox_lag_seconds, registry_for
from bot.web.plumbing import WebContext

log = logging.getLogger(__name__)

STAFF_CHECK_TTL = 60.0


class HealthRoutes:
    """The probes and the metrics, over the core's database and staff chat."""

    def __init__(
        self,
        context: WebContext,
        *,
        staff_chat_check: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        self.core = context.core
        self.staff_chat_check = staff_chat_check
        self._staff_chat_cache: tuple[float, bool] | None = None
        self.registry = registry_for(db=self.core.db, clock=self.core.clock)

    async def healthz_staff_chat(self) -> str | None:
        """Why the staff chat refuses messages, when it does (None: fine or not configured)."""
        staff_chat = self.core.channels.staff_chat
        if staff_chat is None:
            return None
        status = await run_in_threadpool(staff_chat.status)
        return status.lost_reason

    async def healthz(self, request: Request) -> Response:
        """GET /healthz: the process is alive; 503 only for what a person must fix at once.

        The staff chat refusing messages (bot removed, group gone) is such a thing: red flags then
        reach on-call by SMS and call only (issue 10). Load balancers should route by /readyz.
        """
        try:
            lost = await self.healthz_staff_chat()
        except Exception as exc:  # the database is /readyz's business, not liveness
            log.warning("health: staff chat status unknown (%s)", type(exc).__name__)
            lost = None
        if lost is not None:
            return JSONResponse(
                {
                    "status": "degraded",
                    "staff_chat": "refusing messages",
                    "reason": f"staff chat refuses messages: {lost}",
                },
                status_code=503,
            )
        return JSONResponse({"status": "ok"})

    async def readyz(self, request: Request) -> Response:
        """GET /readyz: 200 when the database answers (webhooks can be stored), else 503.

        Also reports the outbox lag and whether the staff chat is reachable: a load balancer
        taking every replica out over those would stop patients too, so they inform, not decide.
        """
        try:
            await run_in_threadpool(self.core.db.check)
            lag = await run_in_threadpool(outbox_lag_seconds, self.core.db, self.core.clock.now())
        except Exception as exc:
            log.warning("readiness: database unavailable (%s)", type(exc).__name__)
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        body: dict[str, object] = {
            "status": "ok",
            "database": "up",
            "outbox_lag_seconds": round(lag, 1),
        }
        if await self.healthz_staff_chat() is not None:
            body["staff_chat"] = "refusing messages"
        elif self.staff_chat_check is not None:
            body["staff_chat"] = "reachable" if await self._staff_chat_ok() else "unreachable"
        return JSONResponse(body)

    async def _staff_chat_ok(self) -> bool:
        """Asked of Telegram at most once a minute (probes come every few seconds)."""
        now = time.monotonic()
        if self._staff_chat_cache is None or now - self._staff_chat_cache[0] > STAFF_CHECK_TTL:
            assert self.staff_chat_check is not None
            try:
                ok = await self.staff_chat_check()
            except Exception as exc:
                log.warning("readiness: staff chat check failed (%s)", type(exc).__name__)
                ok = False
            self._staff_chat_cache = (now, ok)
        return self._staff_chat_cache[1]

    async def metrics(self, request: Request) -> Response:
        """GET /metrics: Prometheus text format, read from the database."""
        try:
            body = await run_in_threadpool(generate_latest, self.registry)
        except Exception as exc:
            log.warning("metrics: database unavailable (%s)", type(exc).__name__)
            return PlainTextResponse("database unavailable", status_code=503)
        return Response(body, media_type=CONTENT_TYPE_LATEST)
