"""What every staff handler shares: the staff check around each command, sending an answer, usage
lines, argument reading, finding a patient by name or identifier, and editing the pressed
message (replace it, stamp who did what, drop a button). `StaffHandlers` (handlers/staff.py) puts
the commands and buttons together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes

from bot.domain.callback_data import (
    StaffAction,
)
from bot.domain.checkins import CheckinCatalog
from bot.domain.clock import Clock
from bot.domain.refs import (
    BadRef,
    appointment_ref,
    patient_ref,
    request_ref,
)
from bot.messaging.channels import OutgoingMessage
from bot.messaging.telegram import inline_keyboard
from bot.presentation import staff_messages as views
from bot.presentation import staff_patient_messages as patient_views
from bot.presentation.formatting import clock_time, when_short
from bot.presentation.staff_views import PatientMatch
from bot.profile import ClinicProfile, ServiceKind
from bot.services.aftercare import AftercareService, LeavingEarly, leaving_buttons
from bot.services.privacy import Decision, PrivacyService
from bot.services.screening_requests import ScreeningRequests
from bot.services.staff_auth import Admission, StaffDirectory
from bot.services.staff_input import has_control_characters
from bot.services.staff_ops import StaffOps
from bot.services.staff_records import AmbiguousPatient, PatientNotFound
from bot.services.waitlist import WaitlistService
from bot.texts import Texts
from handlers.staff_args import (
    BadArgument,
)

log = logging.getLogger(__name__)


class StaffNeeds(Protocol):
    """What the staff commands and buttons use (`bot.core.Core` has it)."""

    profile: ClinicProfile
    clock: Clock
    texts: Texts
    staff: StaffDirectory
    staff_ops: StaffOps
    screening: ScreeningRequests
    aftercare: AftercareService
    waitlist: WaitlistService
    privacy: PrivacyService

    def kick_outbox(self) -> None: ...


class StaffPlumbing:
    """The plumbing of the staff handlers.

    The attributes are set by `StaffHandlers.__init__`.
    """

    core: StaffNeeds
    ops: StaffOps
    texts: Texts
    profile: ClinicProfile
    catalog: CheckinCatalog
    screening: ScreeningRequests

    def guarded(self, name: str, command: Command) -> Command:
        """Run `command` for staff only; anyone else is told no and the attempt is audited."""

        async def run(update: Update, context: Context) -> None:
            if not await self.allowed(update, f"/{name}"):
                return
            message = update.effective_message
            if message is not None and has_control_characters(message.text or ""):
                # PostgreSQL refuses NUL in text; other control characters are never meant.
                await self.send(update, context, self.texts.html("staff_control_characters"))
                return
            try:
                await command(update, context)
            except BadArgument as exc:
                await self.usage(update, context, name, problem=str(exc))

        run.__doc__ = command.__doc__
        return run

    async def allowed(self, update: Update, action: str) -> bool:
        """Staff, in the staff chat or their own private chat; anyone or anywhere else: no."""
        user, chat = update.effective_user, update.effective_chat
        admission = await asyncio.to_thread(
            self.core.staff.admit,
            user_id=user.id if user else None,
            chat_id=chat.id if chat else None,
            private=chat is not None and chat.type == ChatType.PRIVATE,
            action=action,
            now=self.core.clock.now(),
        )
        if admission is Admission.ALLOWED:
            return True
        key = "staff_wrong_place" if admission is Admission.WRONG_PLACE else "staff_not_authorised"
        refusal = self.texts.plain(key)
        if update.callback_query is not None:
            await update.callback_query.answer(refusal, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(refusal)
        return False

    def actor(self, update: Update) -> str:
        user = update.effective_user
        assert user is not None
        return self.core.staff.actor(user.id)

    async def send(self, update: Update, context: Context, message: OutgoingMessage | str) -> None:
        """Reply in the chat the command came from, split to Telegram's length limit."""
        chat = update.effective_chat
        assert chat is not None
        if isinstance(message, str):
            message = OutgoingMessage(message)
        parts = views.split_message(message.text)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await context.bot.send_message(
                chat_id=chat.id,
                text=part,
                parse_mode=ParseMode.HTML,
                reply_markup=inline_keyboard(message) if last else None,
                link_preview_options=NO_PREVIEW,
            )

    async def usage(self, update: Update, context: Context, name: str, *, problem: str) -> None:
        await self.send(
            update,
            context,
            self.texts.html("staff_bad_argument", problem=problem, usage=self.usage_line(name)),
        )

    def usage_line(self, name: str) -> str:
        key = f"usage_{name}"
        # A command without its own usage line still gets an answer: the staff help.
        return self.texts.plain(key) if key in self.texts else "/help"

    def args(self, context: Context) -> list[str]:
        return list(context.args or [])

    @property
    def month_first(self) -> bool:
        # "3/5" is March 5 in the US and Canada, 3 May elsewhere.
        return self.profile.clinic.phone_region in ("US", "CA")

    async def resolve(self, update: Update, context: Context, query: str) -> PatientMatch | None:
        """One patient from what staff typed; otherwise say who matched (or that none did)."""
        try:
            return await asyncio.to_thread(self.ops.resolve_patient, query)
        except BadRef as wrong:  # A-345 where a patient is wanted: say what it is
            raise BadArgument(str(wrong)) from None
        except PatientNotFound:
            await self.send(update, context, self.texts.html("staff_unknown_patient", query=query))
        except AmbiguousPatient as exc:
            await self.send(
                update,
                context,
                OutgoingMessage(
                    patient_views.render_matches(self.texts, query, exc.matches),
                    buttons=patient_views.match_buttons(exc.matches),
                ),
            )
        return None

    async def refuse(self, update: Update, context: Context, reason: str) -> None:
        await self.send(update, context, self.texts.html("staff_refused", reason=reason))

    def erasure_line(self, decision: Decision) -> str:
        return self.texts.html(
            f"privacy_staff_{decision.status}",
            request=request_ref(decision.request_id),
            patient=patient_ref(decision.patient_id),
        )

    def treatments(self) -> list[str]:
        return [c for c, s in self.profile.services.items() if s.kind is ServiceKind.TREATMENT]

    def leaving_question(self, early: LeavingEarly) -> OutgoingMessage:
        text = self.texts.html(
            "staff_leaving_early",
            appointment_id=appointment_ref(early.appointment_id),
            end=clock_time(early.ends_at, self.profile.tz),
        )
        buttons = leaving_buttons(self.texts, early.appointment_id, early.version)
        return OutgoingMessage(text, buttons=buttons)

    async def replace(self, update: Update, text: str) -> None:
        """Replace the pressed message's text and drop its buttons."""
        query = update.callback_query
        assert query is not None
        message = query.message
        if not isinstance(message, Message):
            return  # too old for Telegram to show us; the toast already answered
        try:
            await message.edit_text(
                views.split_message(text)[0],
                parse_mode=ParseMode.HTML,
                reply_markup=None,
                link_preview_options=NO_PREVIEW,
            )
        except BadRequest as exc:
            log.info("could not edit a staff message: %s", exc.message)

    async def stamp(
        self,
        update: Update,
        key: str,
        *,
        drop: Callable[[object], bool] | None = None,
        **values: object,
    ) -> None:
        """Append who did what to the pressed message and remove the buttons now used."""
        query = update.callback_query
        assert query is not None
        message = query.message
        if not isinstance(message, Message):
            return
        user = query.from_user
        stamp = self.texts.html(
            key,
            by=user.first_name or str(user.id),
            when=when_short(self.core.clock.now(), self.profile.tz),
            **values,
        )
        body = message.text_html if message.text else (message.caption_html or "")
        text = f"{body}\n{stamp}"
        markup = _without(message.reply_markup, drop=drop)
        try:
            if message.text:
                await message.edit_text(
                    views.split_message(text)[0],
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    link_preview_options=NO_PREVIEW,
                )
            else:
                await message.edit_caption(
                    text[: views.CAPTION_LIMIT], parse_mode=ParseMode.HTML, reply_markup=markup
                )
        except BadRequest as exc:
            log.info("could not stamp a staff message: %s", exc.message)

    async def drop_button(self, update: Update, data: str | None) -> None:
        query = update.callback_query
        assert query is not None
        message = query.message
        if not isinstance(message, Message):
            return
        try:
            markup = _without(message.reply_markup, drop=lambda other: other == data)
            await message.edit_reply_markup(reply_markup=markup)
        except BadRequest as exc:
            log.info("could not update staff buttons: %s", exc.message)


@dataclass(frozen=True)
class Press:
    """One staff button press: the update and what its callback data says."""

    update: Update
    context: Context
    action: StaffAction
    number: int  # the id the button acts on
    extra: int | None  # e.g. which offered time
    actor: str
    data: str

    @property
    def query(self) -> CallbackQuery:
        query = self.update.callback_query
        assert query is not None
        return query


def _without(
    markup: InlineKeyboardMarkup | None, *, drop: Callable[[object], bool] | None = None
) -> InlineKeyboardMarkup | None:
    """The keyboard minus the buttons just used (those whose callback data `drop` picks)."""
    if markup is None:
        return None
    rows = []
    for row in markup.inline_keyboard:
        kept = [button for button in row if drop is None or not drop(button.callback_data)]
        if kept:
            rows.append(kept)
    return InlineKeyboardMarkup(rows) if rows else None


SESSION_ACTIONS = (StaffAction.DONE, StaffAction.NO_SHOW, StaffAction.LEAVING_NOW)


AnyApplication = Application[Any, Any, Any, Any, Any, Any]


Context = ContextTypes.DEFAULT_TYPE


Command = Callable[[Update, Context], Coroutine[Any, Any, None]]


NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
