"""Telegram updates: stored before they are acknowledged, processed per chat in order.

Both ways in go through `InboxQueue`, the Application's update queue: the webhook calls
`accept(data)` before it answers 200, and PTB's Updater calls `put(update)` before its next
getUpdates confirms the offset. Either way the update is committed to the inbox table first, and
a redelivered one (same update_id) is dropped there. `ChatOrderedProcessor` runs updates from
different chats concurrently and one chat's in arrival order, then marks each one processed.
What a crash left unprocessed is claimed back by `InboxQueue.recover` (at start, then every tick).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor

from bot.db.engine import Database, DatabaseUnavailable
from bot.domain.callback_data import answered_on_receipt
from bot.domain.clock import Clock
from bot.domain.language import DEFAULT_LANGUAGE, Language
from bot.group_commit import GroupCommit
from bot.services import inbox
from bot.services.inbox import InboxSource
from bot.texts.i18n import use_language

log = logging.getLogger(__name__)

# Enough for a busy clinic's peak; each waiting update costs a task and a coroutine, no thread.
MAX_CONCURRENT_UPDATES = 512
MAX_STORE_RETRY_SECONDS = 10.0
# Presses answered in a webhook's response and not yet seen by their handler (a handler that
# never runs, its replica killed, leaves one behind: the oldest are forgotten past this).
MAX_ANSWERED_ON_RECEIPT = 10_000


def answer_on_receipt(data: dict[str, Any]) -> dict[str, str] | None:
    """The Bot API call to make in the webhook's response to this update, if any.

    Telegram runs a method given in the response to a webhook (Bot API, "Making requests when
    getting updates"). A patient's press of a button that is answered with messages only
    (`answered_on_receipt`) is answered there: the spinner stops once the update is stored, not
    when the reply is ready, and the reply needs one Bot API call fewer. Telegram reports no
    result for it; a press it could not answer stops spinning by itself.
    """
    query = data.get("callback_query")
    if not isinstance(query, dict):
        return None
    message = query.get("message")
    chat = message.get("chat") if isinstance(message, dict) else None
    query_id = query.get("id")
    if not isinstance(query_id, str) or not isinstance(chat, dict):
        return None
    if chat.get("type") != "private" or not answered_on_receipt(query.get("data")):
        return None
    return {"method": "answerCallbackQuery", "callback_query_id": query_id}


def chat_key(update: object) -> int | None:
    """What must stay in order: a chat's updates (or a user's, for updates without a chat)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Different chats concurrently, each chat's updates one at a time in arrival order."""

    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        *,
        on_processed: Callable[[object], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.on_processed = on_processed
        # asyncio.Lock wakes its waiters first come, first served: that is the per-chat order.
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await coroutine
        else:
            lock = self._locks.setdefault(key, asyncio.Lock())
            self._users[key] = self._users.get(key, 0) + 1
            try:
                async with lock:
                    await coroutine
            finally:
                self._users[key] -= 1
                if self._users[key] == 0:  # forget idle chats: memory stays flat
                    del self._users[key]
                    del self._locks[key]
                if asyncio.iscoroutine(coroutine):
                    coroutine.close()  # cancelled while waiting: no "never awaited" warning
        if self.on_processed is not None:
            await self.on_processed(update)

    async def initialize(self) -> None:
        """Nothing to set up: locks are made per chat as updates arrive."""

    async def shutdown(self) -> None:
        """Nothing to free: an update not finished stays unprocessed in the inbox."""


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue, storing each update before anything acknowledges it."""

    def __init__(self, *, db: Database, clock: Clock) -> None:
        super().__init__()
        self.db = db
        self.clock = clock
        self.bot: Any = None  # set by the runtime once the Application exists (for de_json)
        self.in_flight: set[str] = set()
        # A burst of updates is stored, and closed, in shared transactions (bot/group_commit.py).
        self._stores: GroupCommit[tuple[str, dict[str, Any]], set[str]] = GroupCommit(
            self._store_batch
        )
        self._marks: GroupCommit[str, None] = GroupCommit(self._mark_batch)
        self._answered: dict[str, None] = {}  # callback query ids, oldest first

    def _store_batch(self, items: list[tuple[str, dict[str, Any]]]) -> set[str]:
        return inbox.store_many(
            self.db, source=InboxSource.TELEGRAM, items=items, now=self.clock.now()
        )

    def _mark_batch(self, keys: list[str]) -> None:
        inbox.mark_processed(
            self.db, source=InboxSource.TELEGRAM, external_ids=keys, now=self.clock.now()
        )

    async def _store(self, update_id: int, data: dict[str, Any]) -> bool:
        key = str(update_id)
        if key in self.in_flight:
            log.info("telegram update %s is being processed: the redelivery is ignored", key)
            return False
        # Marked in flight before the row exists: a recovery that finds the row meanwhile (it
        # runs in a thread) sees the mark and leaves the update to us.
        self.in_flight.add(key)
        try:
            stored = key in await self._stores.submit((key, data))
        except BaseException:
            self.in_flight.discard(key)
            raise
        if not stored:
            self.in_flight.discard(key)
            log.info("telegram update %s already stored: ignored", update_id)
        return stored

    async def put(self, item: object) -> None:
        """From PTB's Updater (polling): store first, so the next offset confirms a stored update.

        While the database is unreachable this waits and retries: polling pauses with the offset
        unconfirmed (an error here would end PTB's polling loop for good) and resumes by itself.
        """
        if isinstance(item, Update):
            delay = 0.5
            while True:
                try:
                    stored = await self._store(item.update_id, item.to_dict())
                    break
                except DatabaseUnavailable:
                    log.warning("database unavailable: polling paused, retry in %.0f s", delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, MAX_STORE_RETRY_SECONDS)
            if not stored:
                return
        await super().put(item)

    async def accept(self, data: dict[str, Any], *, answered: bool = False) -> bool:
        """From the webhook: commit the raw update, then queue it; False for a redelivery.

        `answered`: its press is answered in the webhook's response (`answer_on_receipt`), so
        its handler must not answer it again (`answered_on_receipt` tells it).
        """
        if not await self._store(int(data["update_id"]), data):
            return False
        update = Update.de_json(data, self.bot)
        if answered and update.callback_query is not None:
            self._answered[update.callback_query.id] = None
            if len(self._answered) > MAX_ANSWERED_ON_RECEIPT:
                del self._answered[next(iter(self._answered))]
        await super().put(update)
        return True

    def answered_on_receipt(self, query_id: str) -> bool:
        """Whether this press was answered in the webhook's response (until it is processed)."""
        return query_id in self._answered

    async def processed(self, update: object) -> None:
        """Close an update in the inbox once its handlers ran (errors included: they answered)."""
        if not isinstance(update, Update):
            return
        if update.callback_query is not None:
            self._answered.pop(update.callback_query.id, None)
        key = str(update.update_id)
        try:
            await self._marks.submit(key)
        except Exception as exc:
            # It stays open and is processed again after its lease: handlers are idempotent.
            log.warning("telegram update %s not marked processed: %s", key, type(exc).__name__)
        finally:
            self.in_flight.discard(key)

    async def recover(self, *, ignore_leases: bool = False) -> int:
        """Queue updates stored but never processed (a crash, or a replica that died)."""
        items = await asyncio.to_thread(
            inbox.claim_unprocessed,
            self.db,
            source=InboxSource.TELEGRAM,
            now=self.clock.now(),
            exclude=sorted(self.in_flight),
            ignore_leases=ignore_leases,
        )
        # Whatever this process took in while the claim ran is its own already.
        items = [item for item in items if item.external_id not in self.in_flight]
        for item in items:
            self.in_flight.add(item.external_id)
            await super().put(Update.de_json(item.payload, self.bot))
        if items:
            log.info("recovered %d telegram update(s) stored but not processed", len(items))
        return len(items)


class PatientLanguageApplication(Application[Any, Any, Any, Any, Any, Any]):
    """The Application, answering each update in its sender's language.

    `process_update` is where every update goes (the update processor calls it once the chat's
    turn comes, so a language just changed by the chat's previous update is seen; the sandbox and
    the tests' Bot API double call it directly): the sender's language is read first and set for
    everything the handlers make while the update is handled.
    """

    language_of: Callable[[object], Awaitable[Language]] | None = None

    async def process_update(self, update: object) -> None:
        language = DEFAULT_LANGUAGE
        if self.language_of is not None:
            try:
                language = await self.language_of(update)
            except DatabaseUnavailable:
                log.warning("language of an update unknown (database unavailable): English")
        with use_language(language):
            await super().process_update(update)
