"""Accepted means stored: updates and texts are committed before the 200, processed from there."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from asyncio import subprocess
from typing import Any

import httpx
from sqlmodel import select

from bot.app import build_application, web_app_for
from bot.db.engine import Database
from bot.db.models import InboxItem, Outbox
from bot.domain.enums import OutboxKind, OutboxStatus
from bot.sandbox.telegram_double import FakeBotApi
from bot.services import inbox
from bot.services.inbox import InboxSource
from bot.services.sms_recovery import recover_sms
from bot.updates import InboxQueue
from bot.web.app import create_web_app
from tests.fakes import FakeSms
from tests.inbox_crash_child import WEBHOOK_SECRET as CHILD_SECRET
from tests.journey_helpers import ALICE, BOB, journey_core
from tests.outbox_helpers import dispatcher
from tests.paths import ROOT
from tests.sms_helpers import PHONE
from tests.web_helpers import WEBHOOK_SECRET, asgi_client, inbound_for, make_core


def inbox_rows(db: Database) -> list[InboxItem]:
    with db.session(write=False) as session:
        return list(session.exec(select(InboxItem).order_by(InboxItem.id)).all())


async def until(predicate) -> None:
    """Wait for a database state (no event to wait on); bound it with asyncio.timeout."""
    while not predicate():  # noqa: ASYNC110 (state in the database, outside any event)
        await asyncio.sleep(0.02)


def welcomes(double: FakeBotApi, chat_id: int) -> int:
    return sum(
        1
        for call in double.calls_to("sendMessage")
        if call.params.get("chat_id") == chat_id and "welcome" in str(call.params["text"]).lower()
    )


async def post_update(client: httpx.AsyncClient, update: dict[str, Any], secret: str):
    return await client.post(
        "/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
    )


async def test_a_webhook_update_is_stored_before_the_200_and_a_redelivery_is_ignored(
    database, clock
):
    core = make_core(database, clock)
    double = FakeBotApi(clock=clock)
    application = build_application(core, request=double, updates_request=double)
    update = double.make_update(user_id=ALICE, text="/start")
    async with application:
        await application.start()
        try:
            async with asgi_client(web_app_for(application, core)) as client:
                first = await post_update(client, update, WEBHOOK_SECRET)
                stored = inbox_rows(database)
                again = await post_update(client, update, WEBHOOK_SECRET)
            async with asyncio.timeout(10):
                await double.wait_until(lambda: welcomes(double, ALICE) >= 1)
                await until(lambda: inbox_rows(database)[0].processed_at is not None)
            await asyncio.sleep(0.2)  # room for a second (wrong) answer to show up
        finally:
            await application.stop()
    assert first.status_code == 200
    assert again.status_code == 200
    assert [(r.source, r.external_id) for r in stored] == [("telegram", str(update["update_id"]))]
    assert json.loads(stored[0].payload) == update
    assert welcomes(double, ALICE) == 1
    assert len(inbox_rows(database)) == 1


async def test_the_webhook_answers_503_while_the_database_is_unreachable(clock, sqlite_db):
    core = make_core(sqlite_db, clock)
    down = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    queue = InboxQueue(db=down, clock=clock)
    app = create_web_app(core=core, inbound=inbound_for(core), telegram_webhook=queue.accept)
    update = {"update_id": 5, "message": {"message_id": 1, "date": 0, "chat": {"id": 1}}}
    async with asgi_client(app) as client:
        response = await post_update(client, update, WEBHOOK_SECRET)
    assert response.status_code == 503


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_update_stored_when_the_process_is_killed_is_answered_after_restart(
    tmp_path, database, clock
):
    """kill -9 after /telegram said 200 (stored) and before the reply: the restart answers."""
    port = free_port()
    child = await asyncio.create_subprocess_exec(
        *[
            sys.executable,
            "-m",
            "tests.inbox_crash_child",
            database.url.removeprefix("sqlite:///"),
            str(port),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        update = FakeBotApi(clock=clock).make_update(user_id=ALICE, text="/start")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    response = await post_update(client, update, CHILD_SECRET)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the child bot never started"
                    await asyncio.sleep(0.1)
        assert response.status_code == 200
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), 30)
        assert line.strip() == b"processing"  # it hangs on the reply now
    finally:
        child.send_signal(signal.SIGKILL)
        await asyncio.wait_for(child.wait(), 10)
    assert [r.processed_at for r in inbox_rows(database)] == [None]

    double = FakeBotApi(clock=clock)
    application = build_application(
        journey_core(database, clock), request=double, updates_request=double
    )
    async with application:
        await application.start()
        try:
            async with asyncio.timeout(15):
                await double.wait_until(lambda: welcomes(double, ALICE) == 1)
                await until(lambda: inbox_rows(database)[0].processed_at is not None)
        finally:
            await application.stop()
    assert welcomes(double, ALICE) == 1


class OffsetWatchingDouble(FakeBotApi):
    """Notes, at every getUpdates, which updates its offset confirms and which were stored."""

    def __init__(self, db: Database, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.db = db
        self.confirmed_unstored: list[int] = []
        self.offsets: list[int] = []

    async def do_request(self, url: str, method: str, request_data: Any = None, **kwargs: Any):
        if url.endswith("/getUpdates") and request_data is not None:
            offset = int(request_data.parameters.get("offset") or 0)
            self.offsets.append(offset)
            stored = {int(r.external_id) for r in inbox_rows(self.db)}
            self.confirmed_unstored += [
                u["update_id"]
                for u in self.pending_updates()
                if u["update_id"] < offset and u["update_id"] not in stored
            ]
        return await super().do_request(url, method, request_data, **kwargs)


async def test_polling_stores_each_update_before_its_offset_is_confirmed(database, clock):
    double = OffsetWatchingDouble(database, clock=clock)
    application = build_application(
        journey_core(database, clock), request=double, updates_request=double
    )
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=0)
        try:
            for user in (ALICE, BOB):
                await double.deliver(double.make_update(user_id=user, text="/start"))
            async with asyncio.timeout(10):
                await double.wait_until(
                    lambda: welcomes(double, ALICE) == 1 and welcomes(double, BOB) == 1
                )
                await until(lambda: not double.pending_updates())
        finally:
            await application.updater.stop()
            await application.stop()
    assert double.confirmed_unstored == []
    assert max(double.offsets) > 0
    assert len(inbox_rows(database)) == 2


async def test_the_same_update_put_twice_by_polling_is_processed_once(database, clock):
    queue = InboxQueue(db=database, clock=clock)
    double = FakeBotApi(clock=clock)
    application = build_application(
        journey_core(database, clock), request=double, updates_request=double
    )
    queue.bot = application.bot
    from telegram import Update

    update = Update.de_json(double.make_update(user_id=ALICE, text="/start"), application.bot)
    await queue.put(update)
    await queue.put(update)
    assert queue.qsize() == 1


async def test_a_text_stored_before_a_crash_is_answered_by_sms_after_restart(sqlite_db, clock):
    core = make_core(sqlite_db, clock)
    sid = "SM" + "a" * 32
    stored = inbox.store(
        sqlite_db,
        source=InboxSource.SMS,
        external_id=sid,
        payload={"from": PHONE, "body": "HELP"},
        now=clock.now(),
    )
    assert stored
    assert recover_sms(sqlite_db, inbound_for(core), now=clock.now(), ignore_leases=True) == 1
    sms = FakeSms()
    await dispatcher(
        sqlite_db, core.profile, clock, sms=sms, extra_renderers=core.renderers
    ).run_due()
    assert len(sms.bodies_to(PHONE)) == 1
    assert [r.processed_at is not None for r in inbox_rows(sqlite_db)] == [True]
    # Recovering again (another replica, a second restart) sends nothing more.
    assert recover_sms(sqlite_db, inbound_for(core), now=clock.now(), ignore_leases=True) == 0


async def test_a_text_handled_before_the_crash_gets_no_second_reply(sqlite_db, clock):
    core = make_core(sqlite_db, clock)
    sid = "SM" + "b" * 32
    inbox.store(
        sqlite_db,
        source=InboxSource.SMS,
        external_id=sid,
        payload={"from": PHONE, "body": "HELP"},
        now=clock.now(),
    )
    # Handled (the reply rode the TwiML response), then killed before it was marked processed.
    inbound_for(core).handle(from_number=PHONE, body="HELP", message_sid=sid, now=clock.now())
    assert recover_sms(sqlite_db, inbound_for(core), now=clock.now(), ignore_leases=True) == 1
    with sqlite_db.session(write=False) as session:
        late = session.exec(
            select(Outbox)
            .where(Outbox.kind == OutboxKind.SMS_REPLY)
            .where(Outbox.status == OutboxStatus.PENDING)
        ).all()
    assert late == []


def test_a_stored_update_is_not_taken_over_while_its_lease_runs(sqlite_db, clock):
    inbox.store(
        sqlite_db, source=InboxSource.TELEGRAM, external_id="7", payload={}, now=clock.now()
    )
    assert inbox.claim_unprocessed(sqlite_db, source=InboxSource.TELEGRAM, now=clock.now()) == []
    later = clock.now() + inbox.PROCESSING_LEASE * 2
    taken = inbox.claim_unprocessed(sqlite_db, source=InboxSource.TELEGRAM, now=later)
    assert [item.external_id for item in taken] == ["7"]


async def test_recovery_leaves_alone_an_update_this_process_took_in_meanwhile(sqlite_db, clock):
    queue = InboxQueue(db=sqlite_db, clock=clock)
    queue.in_flight.add("77")  # accepted while the recovery's claim ran in its thread
    inbox.store(
        sqlite_db, source=InboxSource.TELEGRAM, external_id="77", payload={}, now=clock.now()
    )
    assert await queue.recover(ignore_leases=True) == 0
    assert queue.qsize() == 0


class FlakyDatabase(Database):
    """Unreachable for the first `failures` transactions, then fine."""

    def __init__(self, url: str, failures: int) -> None:
        super().__init__(url)
        self.failures = failures

    def session(self, *, write: bool = True):
        if self.failures > 0:
            self.failures -= 1
            from bot.db.engine import DatabaseUnavailable

            raise DatabaseUnavailable("database error: connection refused")
        return super().session(write=write)


async def test_polling_waits_out_an_unreachable_database_and_loses_nothing(tmp_path, clock):
    from sqlmodel import SQLModel
    from telegram import Update

    flaky = FlakyDatabase(f"sqlite:///{tmp_path / 'flaky.db'}", failures=0)
    SQLModel.metadata.create_all(flaky.engine)
    flaky.failures = 2
    queue = InboxQueue(db=flaky, clock=clock)
    double = FakeBotApi(clock=clock)
    update = Update.de_json(double.make_update(user_id=ALICE, text="/start"), None)
    async with asyncio.timeout(10):
        await queue.put(update)
    assert flaky.failures == 0
    assert queue.qsize() == 1
    assert [r.external_id for r in inbox_rows(flaky)] == [str(update.update_id)]
