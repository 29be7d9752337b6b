"""Staff commands and buttons: read the update, check staff, call StaffOps, render the answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.domain.callback_data import (
    StaffAction,
    StaffPress,
    matches,
    staff_buttons_about,
    unpack_as,
)
from bot.domain.errors import (
    AppointmentNotFound,
    ClinicError,
    InvalidPhone,
    InvalidSlot,
    NotApproved,
    SlotTaken,
    UnknownService,
)
from bot.domain.refs import (
    BadRef,
    RefKind,
    appointment_ref,
    block_ref,
    patient_ref,
    request_ref,
    waitlist_ref,
)
from bot.messaging.channels import OutgoingMessage
from bot.messaging.telegram import inline_keyboard
from bot.profile import ServiceKind
from bot.services import staff_messages as views
from bot.services.aftercare import LeavingEarly, leaving_buttons
from bot.services.formatting import clock_time, when_short
from bot.services.privacy import Decision, RequestNotFound
from bot.services.screening_requests import Route
from bot.services.staff_auth import Admission
from bot.services.staff_input import has_control_characters
from bot.services.staff_ops import (
    AmbiguousPatient,
    ApprovalRefused,
    BlockNotFound,
    InvalidRequest,
    NotATreatment,
    PatientMatch,
    PatientNotFound,
    SeriesDoesNotFit,
    StaffOps,
    StaleAction,
    TaskNotFound,
)
from bot.services.waitlist import NoSuchEntry
from handlers.staff_args import (
    BadArgument,
    parse_block,
    parse_day,
    parse_id,
    parse_new_patient,
    parse_range,
    parse_series,
    parse_time,
)

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)
SESSION_ACTIONS = (StaffAction.DONE, StaffAction.NO_SHOW, StaffAction.LEAVING_NOW)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Context = ContextTypes.DEFAULT_TYPE
Command = Callable[[Update, Context], Coroutine[Any, Any, None]]
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
DIGEST_JOB = "staff-digest"
WARMUP_JOB = "staff-outcomes-warmup"


def register(application: AnyApplication, core: Core) -> None:
    """Add the staff commands, the staff buttons and the daily digest job."""
    ops = core.staff_ops
    staff = StaffHandlers(core, ops)
    for name, command in staff.commands().items():
        application.add_handler(CommandHandler(name, command))
    # Only staff get the staff /help; everyone else falls through to the patients' /help.
    application.add_handler(
        CommandHandler(
            "help",
            staff.guarded("help", staff.help),
            filters=filters.User(user_id=sorted(core.staff.staff_user_ids)),
        )
    )
    application.add_handler(CallbackQueryHandler(staff.on_button, pattern=matches(StaffPress)))
    schedule_digest(application, core, ops)
    if application.job_queue is not None:

        async def warm_outcomes(_context: Context) -> None:
            await asyncio.to_thread(ops.clinic_outcomes)

        # Read the outcome history once in the background, so the first /outcomes is quick.
        application.job_queue.run_once(warm_outcomes, when=5, name=WARMUP_JOB)


def schedule_digest(application: AnyApplication, core: Core, ops: StaffOps) -> None:
    """A daily job at each weekday's opening time (clinic time) queues the digest."""
    queue = application.job_queue
    if queue is None:
        log.warning("no JobQueue: the daily staff digest is not scheduled")
        return

    async def digest(_context: Context) -> None:
        if ops.queue_daily_digest():
            core.kick_outbox()

    openings: dict[time, list[int]] = {}
    for weekday in range(7):
        ranges = core.profile.opening_ranges(weekday)
        if ranges:
            openings.setdefault(ranges[0][0], []).append(weekday)

    for opens, weekdays in sorted(openings.items()):
        queue.run_daily(
            digest,
            time=opens.replace(tzinfo=core.profile.tz),
            # PTB counts days from Sunday (0); Python's weekday() from Monday (0).
            days=tuple(sorted((weekday + 1) % 7 for weekday in weekdays)),
            name=f"{DIGEST_JOB}-{opens:%H%M}",
        )


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


class StaffHandlers:
    def __init__(self, core: Core, ops: StaffOps) -> None:
        self.core = core
        self.ops = ops
        self.texts = core.texts
        self.profile = core.profile
        self.catalog = ops.outcomes.catalog
        self.screening = core.screening

    def commands(self) -> dict[str, Command]:
        return {
            "today": self.guarded("today", self.today),
            "tomorrow": self.guarded("tomorrow", self.tomorrow),
            "week": self.guarded("week", self.week),
            "patient": self.guarded("patient", self.patient),
            "approve": self.guarded("approve", self.approve),
            "series": self.guarded("series", self.series),
            "block": self.guarded("block", self.block),
            "unblock": self.guarded("unblock", self.unblock),
            "flags": self.guarded("flags", self.flags),
            "export": self.guarded("export", self.export),
            "outcomes": self.guarded("outcomes", self.outcomes),
            "newpatient": self.guarded("newpatient", self.new_patient),
            "done": self.guarded("done", self.done),
            "noshow": self.guarded("noshow", self.no_show),
            "driver": self.guarded("driver", self.driver),
            "erase": self.guarded("erase", self.erase),
            "erasure": self.guarded("erasure", self.erasure),
            "waitlist": self.guarded("waitlist", self.waitlist),
            "screen": self.guarded("screen", self.screen),
        }

    # --- plumbing -----------------------------------------------------------------------

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
                    views.render_matches(self.texts, query, exc.matches),
                    buttons=views.match_buttons(exc.matches),
                ),
            )
        return None

    async def refuse(self, update: Update, context: Context, reason: str) -> None:
        await self.send(update, context, self.texts.html("staff_refused", reason=reason))

    # --- schedule -----------------------------------------------------------------------

    async def today(self, update: Update, context: Context) -> None:
        """Today's schedule per resource, with Done / No-show for the sessions that are due."""
        day = self.ops.today()
        await self.schedule(update, context, day, day, "staff_title_today", due_buttons=True)

    async def tomorrow(self, update: Update, context: Context) -> None:
        """Tomorrow's schedule per resource."""
        day = self.ops.today() + timedelta(days=1)
        await self.schedule(update, context, day, day, "staff_title_tomorrow")

    async def week(self, update: Update, context: Context) -> None:
        """Seven days from today (or from a given date)."""
        words = self.args(context)
        first = (
            parse_day(words, today=self.ops.today(), month_first=self.month_first)
            if words
            else self.ops.today()
        )
        await self.schedule(update, context, first, first + timedelta(days=6), "staff_title_week")

    async def schedule(
        self,
        update: Update,
        context: Context,
        first: date,
        last: date,
        title_key: str,
        *,
        due_buttons: bool = False,
    ) -> None:
        days = await asyncio.to_thread(self.ops.schedule, first_day=first, last_day=last)
        text = views.render_schedule(self.texts, self.profile, days, title_key=title_key)
        buttons = (
            views.due_session_buttons(self.texts, days, now=self.core.clock.now())
            if due_buttons
            else []
        )
        await self.send(update, context, OutgoingMessage(text, buttons=buttons))

    # --- screening (issue 11 item 3) --------------------------------------------------------

    async def screen(self, update: Update, context: Context) -> None:
        """Send the health questions to a patient who was never asked them."""
        query = " ".join(self.args(context))
        if not query:
            raise BadArgument("say which patient")
        match = await self.resolve(update, context, query)
        if match is None:
            return
        result = await asyncio.to_thread(
            self.screening.request, patient_id=match.id, actor=self.actor(update)
        )
        key = {
            Route.TELEGRAM: "staff_screening_requested",
            Route.SMS: "staff_screening_by_phone",
            Route.UNREACHABLE: "staff_screening_not_reachable",
            Route.ALREADY: "staff_screening_already",
        }[result.route]
        name = result.name or "(no name yet)"
        await self.send(
            update, context, self.texts.html(key, name=name, id=patient_ref(result.patient_id))
        )
        if result.queued:
            self.core.kick_outbox()

    # --- waitlist (issue 15) ----------------------------------------------------------------

    async def waitlist(self, update: Update, context: Context) -> None:
        """Who is waiting; `/waitlist offer W-id <date> <time>` offers them a time by hand."""
        service = self.core.waitlist
        words = self.args(context)
        if not words:
            await self.send(update, context, await asyncio.to_thread(service.staff_text))
            return
        if words[0].lower() != "offer" or len(words) < 4:
            raise BadArgument("say /waitlist, or /waitlist offer W-id date time")
        entry_id = parse_id(words[1:2], RefKind.WAITLIST)
        day = parse_day(words[2:-1], today=self.ops.today(), month_first=self.month_first)
        start = datetime.combine(day, parse_time(words[-1]), self.profile.tz).astimezone(UTC)
        try:
            offer = await asyncio.to_thread(
                service.staff_offer, entry_id=entry_id, start=start, actor=self.actor(update)
            )
        except NoSuchEntry:
            await self.send(
                update, context, self.texts.html("wl_staff_no_entry", id=waitlist_ref(entry_id))
            )
            return
        except InvalidSlot as exc:
            await self.refuse(update, context, str(exc))
            return
        self.core.kick_outbox()
        await self.send(update, context, service.staff_offer_text(offer))

    # --- session end ----------------------------------------------------------------------

    async def done(self, update: Update, context: Context) -> None:
        """Mark a session Done (discharge advice and check-ins follow a treatment)."""
        await self.close_session(update, context, "done", done=True)

    async def no_show(self, update: Update, context: Context) -> None:
        """Mark a session No-show (what it still had planned is cancelled)."""
        await self.close_session(update, context, "noshow", done=False)

    async def close_session(
        self, update: Update, context: Context, name: str, *, done: bool
    ) -> None:
        words = self.args(context)
        if len(words) != 1:
            raise BadArgument("say which appointment, by its identifier (A-12)")
        appointment_id = parse_id(words, RefKind.APPOINTMENT)
        aftercare = self.core.aftercare
        mark = aftercare.mark_done if done else aftercare.mark_no_show
        try:
            appointment = await asyncio.to_thread(
                mark, appointment_id=appointment_id, actor=self.actor(update)
            )
        except AppointmentNotFound:
            await self.refuse(
                update, context, f"there is no appointment {appointment_ref(appointment_id)}"
            )
            return
        except LeavingEarly as early:
            await self.send(update, context, self.leaving_question(early))
            return
        except ClinicError as exc:  # cancelled, or not started yet: say so, change nothing
            await self.refuse(update, context, str(exc))
            return
        if done:
            service = self.profile.services.get(appointment.service)
            treatment = service is not None and service.kind is ServiceKind.TREATMENT
            follow = "staff_done_aftercare" if treatment else "staff_done_no_aftercare"
            text = self.texts.html(
                "staff_done_recorded",
                appointment_id=appointment_ref(appointment_id),
                aftercare=self.texts.plain(follow),
            )
        else:
            text = self.texts.html(
                "staff_noshow_recorded", appointment_id=appointment_ref(appointment_id)
            )
        await self.send(update, context, text)
        self.core.kick_outbox()

    async def driver(self, update: Update, context: Context) -> None:
        """Store (or clear with "none") the phone of the adult who drives a patient home."""
        words = self.args(context)
        if len(words) < 2:
            raise BadArgument("say which patient (P-12) and the driver's phone, or none")
        patient_id = parse_id(words[:1], RefKind.PATIENT)
        phone = "".join(words[1:])
        clear = phone.casefold() in ("none", "-")
        try:
            stored = self.ops.set_driver_phone(
                patient_id=patient_id, phone=None if clear else phone, actor=self.actor(update)
            )
        except InvalidPhone as exc:
            raise BadArgument(str(exc)) from None
        except PatientNotFound:
            await self.refuse(update, context, f"there is no patient {patient_ref(patient_id)}")
            return
        key = "staff_driver_cleared" if stored is None else "staff_driver_saved"
        await self.send(
            update,
            context,
            self.texts.html(key, patient_id=patient_ref(patient_id), ending=(stored or "")[-4:]),
        )

    # --- patients -----------------------------------------------------------------------

    async def patient(self, update: Update, context: Context) -> None:
        """A patient's card and pain chart."""
        query = " ".join(self.args(context))
        if not query:
            raise BadArgument("say which patient")
        match = await self.resolve(update, context, query)
        if match is not None:
            await self.show_card(update, context, match.id)

    async def show_card(self, update: Update, context: Context, patient_id: int) -> None:
        chat = update.effective_chat
        assert chat is not None
        try:
            # A long history takes time to load and draw: keep it off the event loop.
            card = await asyncio.to_thread(self.ops.patient_card, patient_id)
        except PatientNotFound:
            await self.send(
                update,
                context,
                self.texts.html("staff_unknown_patient", query=patient_ref(patient_id)),
            )
            return
        await asyncio.to_thread(
            self.ops.note_access, actor=self.actor(update), patient_id=patient_id
        )
        await self.send(update, context, views.render_patient_card(self.texts, self.profile, card))
        chart = await asyncio.to_thread(
            views.patient_chart, self.texts, card, self.profile, self.catalog
        )
        await context.bot.send_photo(
            chat_id=chat.id,
            photo=InputFile(chart, filename="pain.png"),
            caption=self.texts.plain("staff_chart_caption", id=patient_ref(patient_id)),
        )

    async def approve(self, update: Update, context: Context) -> None:
        """Approve a patient for treatment after a consultation marked Done (or with a reason)."""
        words = self.args(context)
        lowered = [word.casefold() for word in words]
        reason: str | None = None
        if "override" in lowered:
            at = lowered.index("override")
            words, reason = words[:at], " ".join(words[at + 1 :]).strip()
            if not reason:
                raise BadArgument("an override needs its reason")
        query = " ".join(words)
        if not query:
            raise BadArgument("say which patient")
        match = await self.resolve(update, context, query)
        if match is None:
            return
        try:
            approval = await asyncio.to_thread(
                self.ops.approve, patient_id=match.id, actor=self.actor(update), reason=reason
            )
        except ApprovalRefused as exc:
            await self.refuse(update, context, str(exc))
            return
        await self.send(update, context, views.render_approval(self.texts, approval))
        self.core.kick_outbox()

    # --- data rights ----------------------------------------------------------------------

    async def erase(self, update: Update, context: Context) -> None:
        """Erase a patient's data at their request made by phone (held for an open red flag)."""
        query = " ".join(self.args(context))
        if not query:
            raise BadArgument("say which patient")
        match = await self.resolve(update, context, query)
        if match is None:
            return
        decision = await asyncio.to_thread(
            self.core.privacy.erase_on_staff_request,
            patient_id=match.id,
            actor=self.actor(update),
            reason="requested by phone",
        )
        await self.send(update, context, self.erasure_line(decision))

    async def erasure(self, update: Update, context: Context) -> None:
        """Erasure requests: list them, or approve / decline one (declining needs a reason)."""
        args = self.args(context)
        privacy = self.core.privacy
        if not args:
            await asyncio.to_thread(privacy.resume_held)
            pending = await asyncio.to_thread(privacy.pending)
            lines = [
                self.texts.html(
                    "privacy_staff_request_line",
                    request=request_ref(r.id),
                    patient=patient_ref(r.patient_id),
                    status=r.status,
                    when=when_short(r.requested_at, self.profile.tz),
                )
                for r in pending
            ]
            await self.send(
                update,
                context,
                "\n".join(lines) or self.texts.html("privacy_staff_no_requests"),
            )
            return
        verb = args[0].lower()
        if verb not in ("approve", "decline") or len(args) < 2:
            raise BadArgument("approve <R-number> or decline <R-number> <reason>")
        request_id = parse_id(args[1:2], RefKind.REQUEST)
        reason = " ".join(args[2:])
        if verb == "decline" and not reason:
            raise BadArgument("a decline needs a reason")
        try:
            decision = await asyncio.to_thread(
                privacy.decide,
                request_id=request_id,
                approve=verb == "approve",
                actor=self.actor(update),
                reason=reason,
            )
        except RequestNotFound:
            await self.send(update, context, self.texts.html("privacy_staff_no_such_request"))
            return
        await self.send(update, context, self.erasure_line(decision))

    def erasure_line(self, decision: Decision) -> str:
        return self.texts.html(
            f"privacy_staff_{decision.status}",
            request=request_ref(decision.request_id),
            patient=patient_ref(decision.patient_id),
        )

    # --- series -------------------------------------------------------------------------

    def treatments(self) -> list[str]:
        return [c for c, s in self.profile.services.items() if s.kind is ServiceKind.TREATMENT]

    async def series(self, update: Update, context: Context) -> None:
        """Plan a treatment series at the next free times, for staff to confirm."""
        args = parse_series(self.args(context), services=self.treatments())
        match = await self.resolve(update, context, args.patient)
        if match is None:
            return
        try:
            plan = await asyncio.to_thread(
                self.ops.plan_series,
                patient_id=match.id,
                service=args.service,
                count=args.count,
                actor=self.actor(update),
            )
        except NotApproved:
            await self.send(
                update,
                context,
                self.texts.html(
                    "staff_not_approved",
                    name=views.patient_name(match.name),
                    id=patient_ref(match.id),
                ),
            )
            return
        except (SeriesDoesNotFit, InvalidRequest) as exc:
            await self.send(
                update, context, self.texts.html("staff_series_no_fit", reason=str(exc))
            )
            return
        except (NotATreatment, UnknownService):
            await self.send(
                update,
                context,
                self.texts.html(
                    "staff_not_treatment",
                    service=args.service,
                    services=", ".join(self.treatments()),
                ),
            )
            return
        await self.send(update, context, views.render_series_plan(self.texts, self.profile, plan))

    # --- blocks -------------------------------------------------------------------------

    async def block(self, update: Update, context: Context) -> None:
        """Close time; booked patients in it are listed, never cancelled."""
        args = parse_block(
            self.args(context),
            today=self.ops.today(),
            pools=self.profile.resources,
            month_first=self.month_first,
        )
        try:
            outcome = await asyncio.to_thread(
                self.ops.block_time,
                day=args.day,
                start=args.start,
                end=args.end,
                pool=args.pool,
                reason=args.reason,
                actor=self.actor(update),
            )
        except InvalidRequest as exc:
            raise BadArgument(str(exc)) from None
        await self.send(
            update, context, views.render_block_outcome(self.texts, self.profile, outcome)
        )

    async def unblock(self, update: Update, context: Context) -> None:
        """List upcoming blocks, or reopen one by its number."""
        words = self.args(context)
        if not words:
            blocks = await asyncio.to_thread(self.ops.upcoming_blocks)
            await self.send(update, context, views.render_blocks(self.texts, self.profile, blocks))
            return
        block_id = parse_id(words, RefKind.BLOCK)
        try:
            block = await asyncio.to_thread(
                self.ops.unblock, block_id=block_id, actor=self.actor(update)
            )
        except BlockNotFound:
            await self.send(
                update, context, self.texts.html("staff_block_not_found", id=block_ref(block_id))
            )
            return
        await self.send(update, context, views.render_unblocked(self.texts, self.profile, block))

    # --- flags, export, outcomes --------------------------------------------------------

    async def flags(self, update: Update, context: Context) -> None:
        """Open escalations and staff tasks, oldest first."""
        flags = await asyncio.to_thread(self.ops.open_flags)
        await self.send(update, context, views.render_flags(self.texts, self.profile, flags))

    async def export(self, update: Update, context: Context) -> None:
        """A CSV of appointments and outcomes, as a document."""
        words = self.args(context)
        if not words:
            raise BadArgument("the dates are missing")
        first, last = parse_range(words, today=self.ops.today(), month_first=self.month_first)
        try:
            export = await asyncio.to_thread(
                self.ops.export_csv, first_day=first, last_day=last, actor=self.actor(update)
            )
        except InvalidRequest as exc:
            raise BadArgument(str(exc)) from None
        chat = update.effective_chat
        assert chat is not None
        await context.bot.send_document(
            chat_id=chat.id,
            document=InputFile(export.content, filename=export.filename),
            caption=views.render_export_caption(self.texts, export),
            parse_mode=ParseMode.HTML,
        )

    async def outcomes(self, update: Update, context: Context) -> None:
        """The clinic's outcomes (CLINICAL.md section 5), all time or for a date range."""
        words = self.args(context)
        first = last = None
        if words:
            first, last = parse_range(words, today=self.ops.today(), month_first=self.month_first)
        # The first summary after a start reads every patient (about a second on two years of
        # history): off the event loop, so other chats are not kept waiting.
        summary = await asyncio.to_thread(self.ops.clinic_outcomes, first_day=first, last_day=last)
        await self.send(update, context, views.render_outcomes(self.texts, summary, self.catalog))

    # --- phone-only patients ------------------------------------------------------------

    async def new_patient(self, update: Update, context: Context) -> None:
        """Add a patient without Telegram and offer consultation times as buttons."""
        phone, name = parse_new_patient(self.args(context))
        try:
            offer = await asyncio.to_thread(
                self.ops.new_phone_patient, phone=phone, name=name, actor=self.actor(update)
            )
        except (InvalidPhone, InvalidRequest) as exc:
            raise BadArgument(str(exc)) from None
        await self.send(update, context, views.render_offer(self.texts, self.profile, offer))

    async def help(self, update: Update, context: Context) -> None:
        """The staff commands."""
        await self.send(
            update,
            context,
            self.texts.html(
                "staff_help",
                services=", ".join(self.profile.services),
                resources=", ".join(self.profile.resources),
            ),
        )

    # --- buttons ------------------------------------------------------------------------

    async def on_button(self, update: Update, context: Context) -> None:
        """Act on a staff button (approve, done, no-show, called, confirm, reopen, book)."""
        query = update.callback_query
        pressed = unpack_as(query.data if query is not None else None, StaffPress)
        if query is None or query.data is None or pressed is None:
            return  # the pattern lets only staff buttons through
        if not await self.allowed(update, f"button:{query.data}"):
            return
        press = Press(
            update,
            context,
            pressed.action,
            pressed.number,
            pressed.extra,
            self.actor(update),
            query.data,
        )
        try:
            await self.buttons()[pressed.action](press)
        except StaleAction:
            await query.answer(self.texts.plain("staff_expired"), show_alert=True)
        except (AppointmentNotFound, TaskNotFound, PatientNotFound, BlockNotFound):
            await query.answer(self.texts.plain("staff_toast_not_found"), show_alert=True)

    def buttons(self) -> dict[StaffAction, Callable[[Press], Coroutine[Any, Any, None]]]:
        return {
            StaffAction.APPROVE: self.press_approve,
            StaffAction.DONE: self.press_done,
            StaffAction.LEAVING_NOW: self.press_leaving_now,
            StaffAction.NO_SHOW: self.press_no_show,
            StaffAction.CLOSE_TASK: self.press_close,
            StaffAction.CLOSE_FLAG: self.press_close,
            StaffAction.TASK_OUTCOME: self.press_outcome,
            StaffAction.FLAG_OUTCOME: self.press_outcome,
            StaffAction.CONFIRM_SERIES: self.press_confirm_series,
            StaffAction.BLOCK_ANYWAY: self.press_block_anyway,
            StaffAction.CANCEL_DRAFT: self.press_cancel,
            StaffAction.UNBLOCK: self.press_unblock,
            StaffAction.OFFER: self.press_offer,
            StaffAction.PATIENT: self.press_patient,
        }

    async def press_approve(self, press: Press) -> None:
        try:
            approval = await asyncio.to_thread(
                self.ops.approve,
                patient_id=press.number,
                actor=press.actor,
                consultation_id=press.extra,
            )
        except ApprovalRefused as exc:
            reason = self.texts.plain("staff_refused", reason=str(exc))[:200]
            await press.query.answer(reason, show_alert=True)
            return
        await press.query.answer(views.render_approval(self.texts, approval)[:200])
        if approval.already:  # approved elsewhere: the button is simply spent
            await self.drop_button(press.update, press.data)
            return
        await self.stamp(
            press.update, "staff_stamp_approved", drop=lambda other: other == press.data
        )
        self.core.kick_outbox()

    async def press_done(self, press: Press) -> None:
        await self.mark(press, done=True)

    async def press_no_show(self, press: Press) -> None:
        await self.mark(press, done=False)

    async def press_leaving_now(self, press: Press) -> None:
        """Staff confirm an early Done: the patient is leaving now."""
        await self.mark(press, done=True, leaving_now=True)

    def leaving_question(self, early: LeavingEarly) -> OutgoingMessage:
        text = self.texts.html(
            "staff_leaving_early",
            appointment_id=appointment_ref(early.appointment_id),
            end=clock_time(early.ends_at, self.profile.tz),
        )
        buttons = leaving_buttons(self.texts, early.appointment_id, early.version)
        return OutgoingMessage(text, buttons=buttons)

    async def mark(self, press: Press, *, done: bool, leaving_now: bool = False) -> None:
        """Done or No-show through aftercare (discharge and check-ins, or their cancellation)."""
        aftercare = self.core.aftercare
        try:
            if done:
                await asyncio.to_thread(
                    aftercare.mark_done,
                    appointment_id=press.number,
                    actor=press.actor,
                    leaving_now=leaving_now,
                    version=press.extra,
                )
            else:
                await asyncio.to_thread(
                    aftercare.mark_no_show,
                    appointment_id=press.number,
                    actor=press.actor,
                    version=press.extra,
                )
        except AppointmentNotFound:
            raise
        except LeavingEarly as early:
            await press.query.answer()
            await self.send(press.update, press.context, self.leaving_question(early))
            return
        except ClinicError as exc:  # cancelled, or not started yet: say so, change nothing
            reason = self.texts.plain("staff_refused", reason=str(exc))[:200]
            await press.query.answer(reason, show_alert=True)
            return
        await press.query.answer(
            self.texts.plain("staff_toast_done" if done else "staff_toast_no_show")
        )
        await self.stamp(
            press.update,
            "staff_stamp_done" if done else "staff_stamp_no_show",
            # Every Done / No-show / Leaving now of this appointment, and no other's.
            drop=staff_buttons_about(press.number, *SESSION_ACTIONS),
        )
        self.core.kick_outbox()

    async def press_close(self, press: Press) -> None:
        """Closing a task or a red flag first asks what was done."""
        await press.query.answer()
        question = views.render_close_question(self.texts, kind=press.action, number=press.number)
        await self.send(press.update, press.context, question)

    async def press_outcome(self, press: Press) -> None:
        """Close the task or the red flag with the outcome pressed."""
        index = (press.extra or 0) - 1
        if not 0 <= index < len(views.CLOSE_OUTCOMES):
            raise StaleAction(press.data)
        outcome = views.CLOSE_OUTCOMES[index]
        if press.action is StaffAction.TASK_OUTCOME:
            closed = await asyncio.to_thread(
                self.ops.close_task, task_id=press.number, actor=press.actor, outcome=outcome
            )
        else:
            closed = await asyncio.to_thread(
                self.ops.close_flag,
                escalation_id=press.number,
                actor=press.actor,
                outcome=outcome,
            )
        await press.query.answer(
            self.texts.plain("staff_toast_already", status="done")
            if closed.already
            else self.texts.plain("staff_toast_called")
        )
        await self.stamp(
            press.update,
            "staff_stamp_closed",
            drop=staff_buttons_about(press.number, press.action),
            outcome=self.texts.plain(f"staff_outcome_{closed.outcome or outcome}"),
        )

    async def press_confirm_series(self, press: Press) -> None:
        result = await asyncio.to_thread(
            self.ops.confirm_series, draft_id=press.number, actor=press.actor
        )
        await press.query.answer()
        if result.replanned is not None:
            await self.replace(press.update, self.texts.html("staff_series_replanned"))
            plan = views.render_series_plan(self.texts, self.profile, result.replanned)
            await self.send(press.update, press.context, plan)
            return
        await self.replace(
            press.update, views.render_series_booking(self.texts, self.profile, result)
        )
        self.core.kick_outbox()

    async def press_block_anyway(self, press: Press) -> None:
        try:
            outcome = await asyncio.to_thread(
                self.ops.confirm_block, draft_id=press.number, actor=press.actor
            )
        except InvalidRequest as exc:
            await press.query.answer()
            await self.replace(press.update, self.texts.html("staff_refused", reason=str(exc)))
            return
        await press.query.answer()
        rendered = views.render_block_outcome(self.texts, self.profile, outcome)
        await self.replace(press.update, rendered.text)

    async def press_cancel(self, press: Press) -> None:
        await asyncio.to_thread(self.ops.cancel_draft, draft_id=press.number, actor=press.actor)
        await press.query.answer()
        await self.replace(press.update, self.texts.html("staff_cancelled"))

    async def press_unblock(self, press: Press) -> None:
        block = await asyncio.to_thread(self.ops.unblock, block_id=press.number, actor=press.actor)
        await press.query.answer()
        reopened = views.render_unblocked(self.texts, self.profile, block)
        await self.send(press.update, press.context, reopened)
        await self.drop_button(press.update, press.data)

    async def press_offer(self, press: Press) -> None:
        await self.book_offer(
            press.update, press.context, press.number, press.extra or 0, press.actor
        )

    async def press_patient(self, press: Press) -> None:
        await press.query.answer()
        await self.show_card(press.update, press.context, press.number)

    async def book_offer(
        self, update: Update, context: Context, draft_id: int, index: int, actor: str
    ) -> None:
        query = update.callback_query
        assert query is not None
        try:
            booked = await asyncio.to_thread(
                self.ops.book_offer, draft_id=draft_id, index=index, actor=actor
            )
        except (SlotTaken, InvalidSlot):
            await query.answer(self.texts.plain("staff_slot_taken"), show_alert=True)
            draft_patient = await asyncio.to_thread(self.ops.offer_patient, draft_id)
            offer = await asyncio.to_thread(self.ops.offer_consultation, patient_id=draft_patient)
            await self.send(update, context, views.render_offer(self.texts, self.profile, offer))
            return
        await query.answer()
        await self.replace(update, views.render_offer_booked(self.texts, self.profile, booked))
        self.core.kick_outbox()

    # --- editing the pressed message ----------------------------------------------------

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
