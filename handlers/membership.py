"""Notice when a patient blocks or restarts the bot, so their messages can go by SMS instead."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.ext import Application, ChatMemberHandler, ContextTypes

from bot.services.routing import TelegramMembership

# A private chat's member status for the bot: "kicked" when the user blocked it.
_BLOCKED = ChatMember.BANNED
_AVAILABLE = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)


class MembershipNeeds(Protocol):
    membership: TelegramMembership

    def kick_outbox(self) -> None: ...


def register(application: Application[Any, Any, Any, Any, Any, Any], core: MembershipNeeds) -> None:
    """Add the my_chat_member handler that keeps each patient's channel up to date."""

    async def on_my_chat_member(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """Record that a patient blocked or unblocked the bot in their private chat."""
        change = update.my_chat_member
        if change is None or change.chat.type != ChatType.PRIVATE:
            return
        user_id = change.from_user.id
        old, new = change.old_chat_member.status, change.new_chat_member.status
        # SQLite may wait for the write lock; the event loop must not wait with it.
        if new == _BLOCKED and old != _BLOCKED:
            await asyncio.to_thread(core.membership.blocked, user_id)
        elif old == _BLOCKED and new in _AVAILABLE:
            await asyncio.to_thread(core.membership.unblocked, user_id)
        core.kick_outbox()  # a staff notice may be due now

    application.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
