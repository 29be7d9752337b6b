"""Group commit: a burst of inbox writes shares transactions; each caller still gets its answer."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlmodel import select
from telegram import Update

from bot.db.engine import Database
from bot.db.models import InboxItem
from bot.domain.clock import FixedClock
from bot.group_commit import GroupCommit
from bot.services import inbox
from bot.services.inbox import InboxSource
from bot.updates import InboxQueue


async def test_callers_arriving_during_a_write_share_the_next_one() -> None:
    release = threading.Event()
    batches: list[list[int]] = []

    def write(items: list[int]) -> int:
        if not batches:
            release.wait(5)  # the first write is slow: the others arrive meanwhile
        batches.append(items)
        return sum(items)

    group = GroupCommit(write)
    first = asyncio.create_task(group.submit(1))
    await asyncio.sleep(0.05)
    rest = [asyncio.create_task(group.submit(n)) for n in (2, 3, 4)]
    await asyncio.sleep(0.05)
    release.set()
    assert await first == 1
    assert await asyncio.gather(*rest) == [9, 9, 9]
    assert batches == [[1], [2, 3, 4]]


async def test_a_failed_write_fails_every_caller_of_that_batch_and_not_the_next() -> None:
    calls: list[list[str]] = []

    def write(items: list[str]) -> None:
        calls.append(items)
        if len(calls) == 1:
            raise RuntimeError("database down")

    group: GroupCommit[str, None] = GroupCommit(write)
    with pytest.raises(RuntimeError, match="database down"):
        await group.submit("a")
    assert await group.submit("b") is None
    assert calls == [["a"], ["b"]]


async def test_a_cancelled_caller_does_not_stop_the_others() -> None:
    release = threading.Event()

    def write(items: list[int]) -> list[int]:
        release.wait(5)
        return items

    group = GroupCommit(write)
    gone = asyncio.create_task(group.submit(1))
    kept = asyncio.create_task(group.submit(2))
    await asyncio.sleep(0.05)
    gone.cancel()
    release.set()
    assert await kept == [1, 2]
    with pytest.raises(asyncio.CancelledError):
        await gone


def test_store_many_reports_only_new_ids_and_skips_redeliveries(
    any_db: Database, clock: FixedClock
) -> None:
    sqlite_db = any_db
    inbox.store(
        sqlite_db, source=InboxSource.TELEGRAM, external_id="1", payload={}, now=clock.now()
    )
    new = inbox.store_many(
        sqlite_db,
        source=InboxSource.TELEGRAM,
        items=[("1", {"a": 1}), ("2", {"b": 2}), ("2", {"b": 2}), ("3", {})],
        now=clock.now(),
    )
    assert new == {"2", "3"}
    with sqlite_db.session(write=False) as session:
        ids = sorted(row.external_id for row in session.exec(select(InboxItem)).all())
    assert ids == ["1", "2", "3"]
    # The same id from the other source is another item.
    assert inbox.store_many(
        sqlite_db, source=InboxSource.SMS, items=[("1", {})], now=clock.now()
    ) == {"1"}


async def test_a_crowd_of_updates_is_stored_and_closed_once_each(
    sqlite_db: Database, clock: FixedClock
) -> None:
    queue = InboxQueue(db=sqlite_db, clock=clock)
    update = {
        "update_id": 0,
        "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}},
    }
    results = await asyncio.gather(
        *(queue._store(n, {**update, "update_id": n}) for n in [*range(50), *range(10)])
    )
    # The ten repeats were in flight already: refused without a second row.
    assert results.count(True) == 50
    assert results.count(False) == 10
    with sqlite_db.session(write=False) as session:
        assert len(session.exec(select(InboxItem)).all()) == 50
    # Closed together; a redelivery after that is refused by the table itself.
    await asyncio.gather(
        *(queue.processed(Update.de_json({**update, "update_id": n}, None)) for n in range(50))
    )
    assert queue.in_flight == set()
    with sqlite_db.session(write=False) as session:
        rows = session.exec(select(InboxItem)).all()
    assert all(row.processed_at is not None for row in rows)
    assert await queue._store(3, update) is False


def test_store_many_falls_back_item_by_item_when_another_replica_stored_one_meanwhile(
    pg_db: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (PostgreSQL only: on SQLite the batch holds the write lock from its first read.)
    any_db = pg_db
    # Another replica commits "2" between this batch's look-up and its insert.
    monkeypatch.setattr(inbox, "_values", _racing_values(any_db, inbox._values, inbox._row))
    new = inbox.store_many(
        any_db, source=InboxSource.TELEGRAM, items=[("1", {}), ("2", {})], now=clock.now()
    )
    assert new == {"1"}
    with any_db.session(write=False) as session:
        assert sorted(r.external_id for r in session.exec(select(InboxItem)).all()) == ["1", "2"]


def _racing_values(db: Database, real_values, real_row):  # type: ignore[no-untyped-def]
    raced = []

    def values(source, external_id, payload, now):  # type: ignore[no-untyped-def]
        if external_id == "2" and not raced:
            raced.append(True)
            with db.session() as other:
                other.add(real_row(source, "2", {"other": True}, now))
        return real_values(source, external_id, payload, now)

    return values
