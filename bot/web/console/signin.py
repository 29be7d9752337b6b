"""The console's sign-in and out: Telegram's Login Widget, the sandbox's local sign-in, logout."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.services.console_sessions import claim_login, revoke
from bot.web.console.base import COOKIE, LOGIN_REASONS, PRE_COOKIE, PREFIX, ConsoleBase, posted
from bot.web.console.security import (
    LOGIN_CSP,
    MAX_AUTH_AGE,
    MAX_CLOCK_SKEW,
    SESSION_LIFETIME,
    LoginRefused,
    StaffSession,
    verify_login,
)

MAX_LOGIN_FIELDS = 12


class ConsoleSignIn(ConsoleBase):
    # --- signing in and out -------------------------------------------------------------

    async def root(self, request: Request) -> Response:
        return RedirectResponse(f"{PREFIX}/day", status_code=303)

    async def login(self, request: Request) -> Response:
        why = request.query_params.get("why", "signin")
        values: dict[str, Any] = {
            "title": "Sign in",
            "reason": LOGIN_REASONS.get(why, LOGIN_REASONS["signin"]),
            "bot_username": None,
            "auth_url": None,
            "local": None,
            "no_public_url": False,
        }
        if self.config.bot_token is not None:
            values["bot_username"] = self.config.bot_username()
            # Where Telegram sends the signed payload: the configured address, never the Host
            # header (anyone can send one, and the widget would post the sign-in there).
            base = self.core.settings.public_base_url
            if base:
                values["auth_url"] = f"{base.rstrip('/')}{PREFIX}/auth"
            else:
                values["no_public_url"] = True
        pre = None
        if self.config.local_sign_in:
            pre = secrets.token_urlsafe(18)
            values["local"] = {"token": pre, "staff": sorted(self.core.staff.staff_user_ids)}
        response = self.page(request, "login.html", csp=LOGIN_CSP, **values)
        if pre is not None:
            response.set_cookie(
                PRE_COOKIE, pre, max_age=900, path=PREFIX, httponly=True, samesite="strict"
            )
        return response

    async def auth(self, request: Request) -> Response:
        """GET /console/auth: where Telegram's Login Widget sends the browser, signed."""
        if self.config.bot_token is None:
            return self._login_refused(request, "Telegram sign-in is not set up here.")
        params = request.query_params.multi_items()
        fields = dict(params)
        if len(params) > MAX_LOGIN_FIELDS or len(fields) != len(params):
            await self.security_event(request, "console.login_refused", reason="malformed")
            return self._login_refused(request, "This sign-in could not be verified.")
        try:
            login = verify_login(
                fields, bot_token=self.config.bot_token, now=self.config.security_clock.now()
            )
        except LoginRefused as refused:
            # Only a verified id names the account; an unverified one is just a claim.
            await self.security_event(request, "console.login_refused", reason=refused.reason)
            text = (
                "This sign-in has expired. Sign in again."
                if "old" in refused.reason
                else "This sign-in could not be verified."
            )
            return self._login_refused(request, text)
        if not self.core.staff.is_staff(login.user_id):
            await self.security_event(
                request, "console.login_refused", reason="not staff", user_id=login.user_id
            )
            return self._login_refused(
                request, "This Telegram account is not on the clinic's staff list."
            )
        first_use = await self.run(
            claim_login,
            self.core.db,
            fields["hash"],
            now=self.config.security_clock.now(),
            keep=2 * (MAX_AUTH_AGE + MAX_CLOCK_SKEW),  # longer than any payload is accepted
        )
        if not first_use:
            # The same signed URL again: from a browser's history, or copied.
            await self.security_event(
                request, "console.login_refused", reason="already used", user_id=login.user_id
            )
            return self._login_refused(
                request, "This sign-in was already used. Sign in again with Telegram."
            )
        return await self._signed_in(request, login.user_id, login.first_name, how="telegram")

    async def local_login(self, request: Request) -> Response:
        """POST /console/local-login: the sandbox's sign-in (never with a bot token)."""
        if not self.config.local_sign_in:
            return self._login_refused(request, "Local sign-in exists only in the sandbox.", 404)
        fields = await self.form(request)
        pre = request.cookies.get(PRE_COOKIE, "")
        if (
            fields is None
            or not pre
            or not secrets.compare_digest(pre.encode(), fields.get("token", "").encode())
        ):
            await self.security_event(request, "console.login_refused", reason="local: csrf")
            return self._login_refused(request, "This form has expired. Open the page again.")
        user_id = _int_or_none(fields.get("user_id"))
        if not self.core.staff.is_staff(user_id):
            await self.security_event(
                request, "console.login_refused", reason="local: not staff", user_id=user_id
            )
            return self._login_refused(request, "That id is not on the staff list.")
        assert user_id is not None
        return await self._signed_in(request, user_id, f"Staff {user_id}", how="sandbox")

    async def _signed_in(self, request: Request, user_id: int, name: str, *, how: str) -> Response:
        # A page, not a redirect: the session cookie is SameSite=Strict and the browser came
        # from oauth.telegram.org, so it follows a same-site link (the refresh below) instead.
        response = self.page(
            request,
            "signed_in.html",
            title="Signed in",
            name=name,
            target=f"{PREFIX}/day",
            headers_refresh=True,
        )
        self.set_session(request, response, user_id=user_id, name=name)
        response.delete_cookie(PRE_COOKIE, path=PREFIX)

        def write() -> None:
            from bot.services.audit import audit

            with self.core.db.session() as session:
                audit(
                    session,
                    at=self.now(),
                    actor=self.core.staff.actor(user_id),
                    action="console.login",
                    subject="console",
                    detail={"how": how},
                )

        await self.run(write)
        return response

    def _login_refused(self, request: Request, message: str, status: int = 403) -> Response:
        return self.page(
            request,
            "message.html",
            status_code=status,
            title="Not signed in",
            message=message,
            link=(f"{PREFIX}/login", "Back to sign-in"),
        )

    @posted
    async def logout(
        self, request: Request, staff: StaffSession, _fields: dict[str, str]
    ) -> Response:

        def write() -> None:
            from bot.services.audit import audit

            with self.core.db.session() as session:
                audit(
                    session,
                    at=self.now(),
                    actor=self.core.staff.actor(staff.user_id),
                    action="console.logout",
                    subject="console",
                )

        await self.run(write)
        # The cookie is deleted below, but a copy of it must not work either.
        await self.run(
            revoke,
            self.core.db,
            staff.session_id,
            now=self.config.security_clock.now(),
            lifetime=SESSION_LIFETIME,
        )
        response = RedirectResponse(f"{PREFIX}/login?why=signed_out", status_code=303)
        response.delete_cookie(COOKIE, path=PREFIX)
        return response


def _int_or_none(raw: str | None) -> int | None:
    if raw is None or not raw.lstrip("-").isdigit() or len(raw) > 20:
        return None
    return int(raw)
