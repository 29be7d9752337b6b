"""Crisis words in anything a patient writes, read before every other handler (CLINICAL.md 4b).

Registered in group -1, so it sees each private text (and caption) first, whatever the chat's
state: no draft, mid-booking at a typed step, mid-check-in, before consent, unknown sender. On a
strong match the fixed reply goes out at once, before anything is written; then the message is
recorded (an urgent escalation, or a follow-up on the open one) and paged in the background. A
soft sign gets "are you safe right now?" with Yes / No / Call me buttons instead, and staff a
notice; a No, a Call me (pressed or typed) or no answer in time pages on-call. The update then
stops here: crisis words are never taken as a name or an answer, and the booking in progress is
left as it was. Except for a soft sign found by the learned model alone (`found.learned`): its
words are often an ordinary answer ("ready to go home"), so after the check the update goes on
to the journey's handlers, which take it as usual (the check first, then their reply).
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Protocol

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.domain.callback_data import CrisisCheckPress, matches, unpack_as
from bot.domain.crisis import CheckAnswer, CrisisTier, parse_check_answer
from bot.services.crisis import CrisisService
from bot.services.escalation import EscalationService
from bot.texts import Texts
from handlers.common import AnyApplication, inline_markup


class CrisisNeeds(Protocol):
    crisis: CrisisService
    escalation: EscalationService
    texts: Texts


log = logging.getLogger(__name__)

# Before the journey's handlers (group 0), which would take the words as an answer.
GROUP = -1


def register(application: AnyApplication, core: CrisisNeeds) -> None:
    """Add the crisis reader and the safety check's buttons ahead of every other handler."""
    crisis = core.crisis
    # Edited messages too: words typed into an old message are still the patient's words.
    private_words = filters.ChatType.PRIVATE & (filters.TEXT | filters.CAPTION)

    async def on_words(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer crisis words at once, page on-call, and keep the conversation where it was."""
        message = update.effective_message
        user = update.effective_user
        chat = update.effective_chat
        if message is None or user is None or chat is None:
            return
        text = message.text or message.caption or ""
        answer = parse_check_answer(text, yes_no=True)
        if answer is not None:
            answered = await asyncio.to_thread(
                partial(
                    crisis.answer_check_telegram,
                    user_id=user.id,
                    chat_id=chat.id,
                    first_name=user.first_name or "",
                    answer=answer,
                    kind=None,
                    typed=True,
                )
            )
            if answered is not None:
                await _send(context, chat.id, crisis.check_reply_telegram(answered))
                core.escalation.page_soon([answered.escalation_id])
                raise ApplicationHandlerStop
        found = crisis.assess(text)
        if found is None:
            return  # not ours: the journey's handlers take it
        if found.tier is CrisisTier.SOFT:
            words, buttons = crisis.telegram_check(found)
            await _send(context, chat.id, words, markup=inline_markup(buttons))
        else:
            await _send(context, chat.id, crisis.telegram_reply(found))
        record = partial(
            crisis.record_telegram,
            user_id=user.id,
            chat_id=chat.id,
            first_name=user.first_name or "",
            text=text,
            found=found,
        )
        try:
            raised = await asyncio.to_thread(record)
        except Exception:
            log.exception("crisis words could not be recorded; nothing was paged")
            if found.learned:
                return
            raise ApplicationHandlerStop from None
        core.escalation.page_soon([raised.escalation_id])
        if found.learned:
            # The model alone: the words may be an answer ("ready to go home"). The check went
            # out first; the journey's handlers now take the message as usual.
            return
        raise ApplicationHandlerStop

    async def on_check_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Yes, I'm safe / No / Call me under the safety check."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None or query.data is None or chat is None:
            return
        pressed = unpack_as(query.data, CrisisCheckPress)
        if pressed is None or chat.type != ChatType.PRIVATE:
            await query.answer()
            return
        answer, kind = pressed.answer, pressed.kind
        await query.answer()
        user = query.from_user
        try:
            answered = await asyncio.to_thread(
                partial(
                    crisis.answer_check_telegram,
                    user_id=user.id,
                    chat_id=chat.id,
                    first_name=user.first_name or "",
                    answer=answer,
                    kind=kind,
                    typed=False,
                )
            )
        except Exception:
            log.exception("the safety check answer could not be recorded")
            if answer is not CheckAnswer.SAFE:
                # Nothing was recorded: the patient still gets the numbers to call.
                await _send(context, chat.id, crisis.telegram_reply_for(kind))
            raise ApplicationHandlerStop from None
        if answered is not None:
            await _send(context, chat.id, crisis.check_reply_telegram(answered))
            core.escalation.page_soon([answered.escalation_id])
        else:
            await _send(context, chat.id, core.texts.html("crisis_check_thanks"))
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except TelegramError as exc:
            log.info("could not remove the safety check buttons: %s", exc)
        raise ApplicationHandlerStop

    application.add_handler(MessageHandler(private_words, on_words), group=GROUP)
    application.add_handler(
        CallbackQueryHandler(on_check_button, pattern=matches(CrisisCheckPress)), group=GROUP
    )


async def _send(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, *, markup: object = None
) -> None:
    try:
        await context.bot.send_message(
            chat_id=chat_id,
            text=text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,  # type: ignore[arg-type]
        )
    except TelegramError as exc:
        # Blocked or gone: staff must still hear of it, so record and page all the same.
        log.warning("crisis reply not delivered: %s", exc)
