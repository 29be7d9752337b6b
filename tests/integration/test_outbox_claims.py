"""Outbox claims carry a token: a dispatcher whose lease ran out cannot record an outcome, a slow
batch keeps its lease, and a row whose send outcome is unknown is reported, not sent twice."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.db.models import Outbox
from bot.domain.enums import Channel, OutboxKind, OutboxStatus
from bot.messaging.channels import OutgoingMessage
from bot.services.outbox import CLAIM_LEASE, begin_send, claim_due, enqueue, finish
from tests.fakes import FakeSms, FakeTelegram
from tests.outbox_helpers import STAFF_CHAT, dispatcher, telegram_patient


def queue_notices(db, clock, count: int, *, kind=OutboxKind.STAFF_NOTICE) -> None:
    with db.session() as session:
        for n in range(count):
            enqueue(
                session,
                kind=kind,
                channel=Channel.STAFF,
                due_at=clock.now(),
                dedupe_key=f"notice:{n}",
                now=clock.now(),
                payload={"event": "message", "html": f"notice {n}"},
            )


def all_rows(db) -> list[Outbox]:
    with db.session(write=False) as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)).all())


def test_a_claim_taken_over_after_its_lease_ran_out_cannot_be_finished_by_the_old_holder(
    any_db, clock
):
    queue_notices(any_db, clock, 1)
    [first] = claim_due(any_db, now=clock.now())
    clock.advance(CLAIM_LEASE + timedelta(seconds=1))
    [second] = claim_due(any_db, now=clock.now())
    assert first.claim_token != second.claim_token

    assert not begin_send(any_db, first, now=clock.now())
    assert not finish(any_db, first, status=OutboxStatus.SENT, now=clock.now(), provider_id="1")
    [row] = all_rows(any_db)
    assert (row.status, row.provider_id) == (OutboxStatus.CLAIMED, None)

    assert finish(any_db, second, status=OutboxStatus.SENT, now=clock.now(), provider_id="2")
    [row] = all_rows(any_db)
    assert (row.status, row.provider_id, row.claim_token) == (OutboxStatus.SENT, "2", None)


class SlowTelegram(FakeTelegram):
    """Each send takes 40 s of the clock; meanwhile another dispatcher tries to claim."""

    def __init__(self, db, clock) -> None:
        super().__init__()
        self.db, self.clock = db, clock
        self.stolen: list[int] = []

    async def send(self, *, chat_id: int, message: OutgoingMessage) -> int:
        self.clock.advance(timedelta(seconds=40))
        self.stolen += [r.id for r in claim_due(self.db, now=self.clock.now())]
        return await super().send(chat_id=chat_id, message=message)


async def test_a_batch_slower_than_the_lease_keeps_its_claim_and_sends_each_row_once(
    sqlite_db, profile, clock
):
    queue_notices(sqlite_db, clock, 6)  # 6 x 40 s = 4 min, twice the lease
    telegram = SlowTelegram(sqlite_db, clock)
    report = await dispatcher(sqlite_db, profile, clock, telegram=telegram).run_due()
    assert telegram.stolen == []
    assert report.sent == 6
    assert len(telegram.sent) == 6
    assert {r.status for r in all_rows(sqlite_db)} == {OutboxStatus.SENT}


async def test_a_row_whose_sender_died_mid_send_is_reported_as_possibly_sent_not_resent(
    sqlite_db, profile, clock
):
    patient_id = telegram_patient(sqlite_db, now=clock.now(), chat_id=501)
    with sqlite_db.session() as session:
        enqueue(
            session,
            kind=OutboxKind.PATIENT_NOTICE,
            channel=Channel.TELEGRAM,
            due_at=clock.now(),
            dedupe_key="notice-to-ana",
            now=clock.now(),
            patient_id=patient_id,
            payload={"html": "hello"},
        )
    [claimed] = claim_due(sqlite_db, now=clock.now())
    assert begin_send(sqlite_db, claimed, now=clock.now())  # ...the provider was called; kill -9
    clock.advance(CLAIM_LEASE + timedelta(seconds=1))

    telegram = FakeTelegram()
    await dispatcher(sqlite_db, profile, clock, telegram=telegram).run_due()

    assert [chat for chat, _ in telegram.sent] == [STAFF_CHAT]
    assert "Possibly sent" in telegram.sent[0][1].text
    assert "Ana" in telegram.sent[0][1].text
    row = next(r for r in all_rows(sqlite_db) if r.dedupe_key == "notice-to-ana")
    assert row.status == OutboxStatus.POSSIBLY_SENT


async def test_a_safety_page_whose_sender_died_mid_send_is_sent_again(sqlite_db, profile, clock):
    with sqlite_db.session() as session:
        enqueue(
            session,
            kind=OutboxKind.ESCALATION_PAGE,
            channel=Channel.ONCALL,
            due_at=clock.now(),
            dedupe_key="page",
            now=clock.now(),
            payload={"text": "page"},
        )
    [claimed] = claim_due(sqlite_db, now=clock.now())
    assert begin_send(sqlite_db, claimed, now=clock.now())
    clock.advance(CLAIM_LEASE + timedelta(seconds=1))
    sms = FakeSms()

    def render(ctx):
        return OutgoingMessage("Clinic: urgent call back")

    worker = dispatcher(
        sqlite_db, profile, clock, sms=sms, extra_renderers={OutboxKind.ESCALATION_PAGE: render}
    )
    await worker.run_due()
    assert len(sms.sent) == 1
    assert all_rows(sqlite_db)[0].status == OutboxStatus.SENT
