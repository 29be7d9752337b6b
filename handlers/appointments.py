"""My appointments: /appointments and the `ap:` buttons (reschedule, cancel) on any message."""

from __future__ import annotations

from typing import Protocol

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.domain.callback_data import AppointmentPress, Prefix, has_prefix, unpack_as
from bot.services.booking_flow import BookingFlow
from bot.services.chat_replies import Reply, Who
from handlers.common import AnyApplication, respond


class AppointmentsNeeds(Protocol):
    flow: BookingFlow

    def kick_outbox(self) -> None: ...


def register(application: AnyApplication, core: AppointmentsNeeds) -> None:
    """Add the appointment list and change handlers."""
    flow = core.flow

    def kick(reply: Reply) -> None:
        if reply.changed:
            core.kick_outbox()

    async def listing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """List the patient's upcoming appointments with Change and Cancel buttons."""
        await respond(update, context, flow.appointments)

    async def change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Reschedule, cancel or keep one appointment."""
        query = update.callback_query
        press = unpack_as(query.data if query else None, AppointmentPress)

        def act(who: Who) -> Reply:
            if press is None:
                return flow.expired_button(who)
            return flow.appointment_action(
                who, verb=press.verb, appointment_id=press.appointment_id
            )

        await respond(update, context, act, after=kick)

    application.add_handler(
        CommandHandler(
            "appointments", listing, filters=filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        )
    )
    application.add_handler(CallbackQueryHandler(change, pattern=has_prefix(Prefix.APPOINTMENT)))
