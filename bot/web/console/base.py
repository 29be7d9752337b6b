"""What every console page and action shares: the signed-in staff member, forms, CSRF, templates."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl, urlencode

import anyio
import anyio.to_thread
from jinja2 import Environment, FileSystemLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.domain.clock import Clock, SystemClock
from bot.domain.refs import (
    RefKind,
    appointment_ref,
    block_ref,
    flag_ref,
    patient_ref,
    task_ref,
)
from bot.presentation.formatting import clock_time, day_label, when_short
from bot.profile import ServiceKind
from bot.services.audit import audit
from bot.services.console_sessions import is_revoked
from bot.web.console.security import (
    BASE_CSP,
    SESSION_LIFETIME,
    SessionKeys,
    StaffSession,
    security_headers,
)

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)
T = TypeVar("T")
C = TypeVar("C", bound="ConsoleBase")
Route = Callable[[C, Request], Coroutine[Any, Any, Response]]
InWorker = Callable[[Callable[[], Any]], Any]

COOKIE = "clinic_console"
PRE_COOKIE = "clinic_console_pre"  # the sandbox sign-in form's CSRF (before any session)
PREFIX = "/console"
MAX_FORM_BYTES = 8 * 1024
MAX_FORM_FIELDS = 20
HERE = Path(__file__).resolve().parent
# A note's identifier (A-345 marked Done): one of the kinds staff see (bot.domain.refs).
REFERENCE = re.compile(rf"^[{''.join(kind.value for kind in RefKind)}]-\d{{1,12}}$")
# Where an action may send the browser back to: a console page, never another site.
BACK = re.compile(r"^/console(/[a-z0-9/_.-]*)?(\?[A-Za-z0-9=&_.:-]*)?$")
# Anonymous junk (forged hashes, cookies without our signature) is audited at most once a
# minute per kind, with how many more came: a flood cannot fill the audit log, nor queue
# database writes ahead of the SMS and Telegram webhooks that share the database workers.
QUIET_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class ConsoleConfig:
    """How the console signs people in: the bot's token (Login Widget) or, in the sandbox only,
    a local sign-in as one of the staff ids."""

    bot_token: str | None
    bot_username: Callable[[], str | None]
    sandbox: bool = False
    # Sign-ins and sessions expire in real time, whatever the business clock says (the
    # sandbox moves that one by days).
    security_clock: Clock = field(default_factory=SystemClock)

    @property
    def local_sign_in(self) -> bool:
        # Never beside a real token, whatever the caller asked for.
        return self.sandbox and self.bot_token is None


class NotSignedIn(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__("not signed in")
        self.response = response


def signed_in(
    page: Callable[[C, Request, StaffSession], Awaitable[Response]],
) -> Route[C]:
    """A page for signed-in staff: anyone else gets `ConsoleBase.staff`'s answer (to the
    sign-in page; a refused or revoked cookie audited there), and the page is not run."""

    @wraps(page)
    async def guarded(self: C, request: Request) -> Response:
        try:
            staff = await self.staff(request)
        except NotSignedIn as refused:
            return refused.response
        return await page(self, request, staff)

    return guarded


def posted(
    action: Callable[[C, Request, StaffSession, dict[str, str]], Awaitable[Response]],
) -> Route[C]:
    """A form's action: run only for a signed-in staff member whose form carries the session's
    CSRF token (`ConsoleBase.checked_form`: refusals audited, nothing changed)."""

    @wraps(action)
    async def guarded(self: C, request: Request) -> Response:
        checked = await self.checked_form(request)
        if isinstance(checked, Response):
            return checked
        staff, fields = checked
        return await action(self, request, staff, fields)

    return guarded


class ConsoleBase:
    def __init__(self, *, core: Core, config: ConsoleConfig, in_worker: InWorker) -> None:
        self.core = core
        self.config = config
        self.in_worker = in_worker
        self.keys = SessionKeys.for_token(config.bot_token)
        # (action, reason) -> (when its last audit row was written, refusals not written since)
        self._quiet: dict[tuple[str, str], tuple[datetime, int]] = {}
        # Charts are drawn on the console's own thread, never in the webhooks' database workers.
        self.drawing = anyio.CapacityLimiter(1)
        self.ops = core.staff_ops
        self.catalog = self.ops.outcomes.catalog
        self.reads = core.console_reads
        self.tz = core.profile.tz
        self.public_https = (core.settings.public_base_url or "").startswith("https://")
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters.update(
            when=lambda m: when_short(m, self.tz) if m else "",
            time=lambda m: clock_time(m, self.tz) if m else "",
            day=lambda m: day_label(m, self.tz) if m else "",
            unit=unit_label,
            isoday=lambda m: m.astimezone(self.tz).date().isoformat(),
            pref=patient_ref,
            aref=appointment_ref,
            fref=flag_ref,
            tref=task_ref,
            bref=block_ref,
        )
        self.templates.globals.update(
            clinic=core.profile.clinic.name,
            services={code: s.label for code, s in core.profile.services.items()},
            treatments=self.ops.treatment_codes(),
            consultations=[
                code
                for code, s in core.profile.services.items()
                if s.kind is ServiceKind.CONSULTATION
            ],
        )

    # --- running work -------------------------------------------------------------------

    async def run(self, work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Blocking service work off the event loop (within the database's concurrency)."""
        result: T = await self.in_worker(partial(work, *args, **kwargs))
        return result

    async def draw(self, work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """CPU-bound drawing (matplotlib) off the event loop and off the database workers."""
        return await anyio.to_thread.run_sync(partial(work, *args, **kwargs), limiter=self.drawing)

    # --- who is signed in ---------------------------------------------------------------

    def secure(self, request: Request) -> bool:
        return self.public_https or request.url.scheme == "https"

    async def staff(self, request: Request) -> StaffSession:
        """The signed-in staff member, or NotSignedIn carrying the answer to send."""
        cookie = request.cookies.get(COOKIE)
        if not cookie:
            raise NotSignedIn(self._to_login(request, "signin"))
        found = self.keys.read(cookie, now=self.config.security_clock.now())
        if found == "expired":
            raise NotSignedIn(self._to_login(request, "expired", clear=True))
        if isinstance(found, str):
            await self.security_event(request, "console.session_refused", reason=found)
            raise NotSignedIn(self._to_login(request, "refused", clear=True))
        if not self.core.staff.is_staff(found.user_id):
            # Removed from STAFF_USER_IDS since signing in: the session ends now.
            await self.security_event(
                request, "console.session_refused", reason="not staff", user_id=found.user_id
            )
            raise NotSignedIn(self._to_login(request, "refused", clear=True))
        if await self.run(is_revoked, self.core.db, found.session_id):
            # Signed out (a copy of the cookie, or the browser's back button after Sign out).
            await self.security_event(
                request, "console.session_refused", reason="signed out", user_id=found.user_id
            )
            raise NotSignedIn(self._to_login(request, "signed_out", clear=True))
        return found

    def _to_login(self, request: Request, why: str, *, clear: bool = False) -> Response:
        if request.method == "GET":
            response: Response = RedirectResponse(f"{PREFIX}/login?why={why}", status_code=303)
        else:
            response = self.page(
                request,
                "message.html",
                status_code=403,
                title="Sign in again",
                message=LOGIN_REASONS.get(why, LOGIN_REASONS["signin"]),
                link=(f"{PREFIX}/login", "Sign in"),
            )
        if clear:
            response.delete_cookie(COOKIE, path=PREFIX)
        return response

    def set_session(
        self, request: Request, response: Response, *, user_id: int, name: str
    ) -> StaffSession:
        cookie, session = self.keys.issue(
            user_id=user_id, name=name, now=self.config.security_clock.now()
        )
        response.set_cookie(
            COOKIE,
            cookie,
            max_age=int(SESSION_LIFETIME.total_seconds()),
            path=PREFIX,
            httponly=True,
            samesite="strict",
            secure=self.secure(request),
        )
        return session

    async def security_event(
        self, request: Request, action: str, *, reason: str, user_id: int | None = None
    ) -> None:
        """Audit a refused sign-in, cookie or form (never the cookie or token itself)."""
        actor = f"staff:{user_id}" if self.core.staff.is_staff(user_id) else f"telegram:{user_id}"
        detail: dict[str, object] = {"reason": reason, "path": request.url.path[:80]}
        log.warning("console: %s (%s) on %s", action, reason, request.url.path[:80])
        if user_id is None:
            # Nobody verified: the log line above always, an audit row once a minute per kind.
            now = self.config.security_clock.now()
            last, unwritten = self._quiet.get((action, reason), (None, 0))
            if last is not None and now - last < QUIET_WINDOW:
                self._quiet[(action, reason)] = (last, unwritten + 1)
                return
            self._quiet[(action, reason)] = (now, 0)
            if unwritten:
                detail["more_since_last_row"] = unwritten

        def write() -> None:
            with self.core.db.session() as session:
                audit(
                    session,
                    at=self.core.clock.now(),
                    actor=actor if user_id is not None else "web:anonymous",
                    action=action,
                    subject="console",
                    detail=detail,
                )

        await self.run(write)

    # --- forms --------------------------------------------------------------------------

    async def form(self, request: Request) -> dict[str, str] | None:
        """The posted fields (urlencoded, size-capped), or None when malformed."""
        if not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            return None
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                return None
        try:
            pairs = parse_qsl(
                body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS
            )
        except (UnicodeDecodeError, ValueError):
            return None
        return dict(pairs)

    async def checked_form(
        self, request: Request
    ) -> tuple[StaffSession, dict[str, str]] | Response:
        """A POST from a signed-in staff member carrying the session's CSRF token, or the refusal."""
        try:
            staff = await self.staff(request)
        except NotSignedIn as refused:
            return refused.response
        fields = await self.form(request)
        if fields is None or not self.keys.csrf_ok(staff, fields.get("csrf")):
            reason = (
                "malformed form"
                if fields is None
                else ("missing token" if not fields.get("csrf") else "wrong token")
            )
            await self.security_event(
                request, "console.csrf_refused", reason=reason, user_id=staff.user_id
            )
            return self.page(
                request,
                "message.html",
                staff=staff,
                status_code=403,
                title="Nothing was changed",
                message=(
                    "This form could not be checked (it is older than your sign-in, or it did "
                    "not come from this console). Open the page again and repeat the action."
                ),
                link=(f"{PREFIX}/day", "Today"),
            )
        return staff, fields

    @staticmethod
    def back(fields: dict[str, str], default: str, **note: str) -> Response:
        """303 to the page the form came from (a console page only), with a note on it."""
        target = safe_back(fields.get("back"), default)
        if note:
            path, _, query = target.partition("?")
            kept = [(k, v) for k, v in parse_qsl(query) if k not in ("ok", "ref")]
            target = path + "?" + urlencode([*kept, *note.items()])
        return RedirectResponse(target, status_code=303)

    # --- rendering ----------------------------------------------------------------------

    def page(
        self,
        request: Request,
        template: str,
        *,
        staff: StaffSession | None = None,
        status_code: int = 200,
        csp: str = BASE_CSP,
        **values: Any,
    ) -> Response:
        note = request.query_params.get("ok", "")
        ref = request.query_params.get("ref", "")
        html = self.templates.get_template(template).render(
            staff=staff,
            csrf=self.keys.csrf_token(staff) if staff is not None else "",
            here=_here(request),
            note=NOTES.get(note, "").format(ref=ref) if REFERENCE.match(ref) or not ref else "",
            **values,
        )
        return HTMLResponse(html, status_code=status_code, headers=security_headers(csp=csp))

    def refuse(
        self, request: Request, staff: StaffSession, *, message: str, back: str, status: int = 409
    ) -> Response:
        return self.page(
            request,
            "message.html",
            staff=staff,
            status_code=status,
            title="Nothing was changed",
            message=message,
            link=(back, "Back"),
        )

    def parse_day(self, raw: str | None) -> date:
        if raw:
            try:
                return date.fromisoformat(raw)
            except ValueError:
                pass
        return self.ops.today()

    def now(self) -> datetime:
        return self.core.clock.now()


LOGIN_REASONS = {
    "signin": "Sign in with your Telegram account to use the console.",
    "expired": "Your session has expired. Sign in again.",
    "refused": "Your session could not be checked. Sign in again.",
    "signed_out": "You have signed out.",
}

NOTES = {
    "done": "{ref} marked Done.",
    "noshow": "{ref} marked No-show.",
    "cancelled": "{ref} cancelled; its reminders are stopped.",
    "moved": "Moved: the visit is now {ref}; the patient gets the new time and reminders.",
    "acknowledged": "{ref} acknowledged; the patient hears a clinician has seen it.",
    "already_acknowledged": "{ref} was already acknowledged.",
    "closed": "{ref} closed.",
    "already_closed": "{ref} was already closed; nothing changed.",
    "blocked": "{ref} blocked.",
    "already_blocked": "That time was already blocked ({ref}).",
    "unblocked": "{ref} reopened; anyone waiting for that time hears of it.",
    "dropped": "Dropped: nothing was booked or blocked.",
    "approved": "{ref} approved for treatment; the patient is told.",
    "already_approved": "{ref} was already approved.",
}


def safe_back(target: str | None, default: str) -> str:
    """A form's way back if it is a console page, else `default` (never another site)."""
    return target if target and BACK.match(target) else default


def unit_label(unit: str) -> str:
    """'infusion_chair:2' -> 'Infusion chair 2'."""
    pool, _, number = unit.rpartition(":")
    if not pool:
        return unit.replace("_", " ").capitalize()
    return f"{pool.replace('_', ' ').capitalize()} {number}"


def _here(request: Request) -> str:
    """This page's path and query, for a form's way back (dropping any earlier note)."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("ok", "ref")]
    return request.url.path + ("?" + urlencode(kept) if kept else "")
