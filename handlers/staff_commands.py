"""The staff's day-to-day commands: /today, /tomorrow, /week, /screen, /waitlist, /done, /noshow,
/driver, /patient, /approve, /erase and /erasure."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from telegram import (
    InputFile,
    Update,
)

from bot.domain.errors import (
    AppointmentNotFound,
    ClinicError,
    InvalidPhone,
    InvalidSlot,
)
from bot.domain.refs import (
    RefKind,
    appointment_ref,
    patient_ref,
    request_ref,
    waitlist_ref,
)
from bot.messaging.channels import OutgoingMessage
from bot.presentation import staff_messages as views
from bot.presentation import staff_patient_messages as patient_views
from bot.presentation.formatting import when_short
from bot.profile import ServiceKind
from bot.services.aftercare import LeavingEarly
from bot.services.privacy import RequestNotFound
from bot.services.screening_requests import Route
from bot.services.staff_records import ApprovalRefused, PatientNotFound
from bot.services.waitlist import NoSuchEntry
from handlers.staff_args import (
    BadArgument,
    parse_day,
    parse_id,
    parse_time,
)
from handlers.staff_plumbing import Context, StaffPlumbing


class StaffCommands(StaffPlumbing):
    """Schedule, session end, patient and data-rights commands."""

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
        await self.send(
            update, context, patient_views.render_patient_card(self.texts, self.profile, card)
        )
        chart = await asyncio.to_thread(
            patient_views.patient_chart, self.texts, card, self.profile, self.catalog
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
        await self.send(update, context, patient_views.render_approval(self.texts, approval))
        self.core.kick_outbox()

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
