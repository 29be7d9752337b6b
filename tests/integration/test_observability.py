"""/healthz says alive, /readyz says whether webhooks can be stored, /metrics reads the tables."""

from __future__ import annotations

from datetime import timedelta

from bot.db.models import Escalation
from bot.domain.enums import Channel, OutboxKind, OutboxStatus
from bot.services import inbox
from bot.services.inbox import InboxSource
from bot.services.outbox import claim_due, enqueue, finish
from bot.web.app import create_web_app
from tests.outbox_helpers import telegram_patient
from tests.web_helpers import asgi_client, inbound_for, make_core


def metric(text: str, name: str) -> float:
    for line in text.splitlines():
        key, _, value = line.rpartition(" ")
        if key == name:
            return float(value)
    raise AssertionError(f"{name} not in\n{text}")


async def test_metrics_count_updates_sends_lag_and_open_escalations(sqlite_db, clock):
    core = make_core(sqlite_db, clock)
    patient_id = telegram_patient(sqlite_db, now=clock.now())
    inbox.store(
        sqlite_db, source=InboxSource.TELEGRAM, external_id="1", payload={}, now=clock.now()
    )
    with sqlite_db.session() as session:
        for n, due in enumerate((clock.now() - timedelta(minutes=5), clock.now())):
            enqueue(
                session,
                kind=OutboxKind.STAFF_NOTICE,
                channel=Channel.STAFF,
                due_at=due,
                dedupe_key=f"n{n}",
                now=clock.now(),
                payload={"event": "message", "html": "x"},
            )
        session.add(
            Escalation(patient_id=patient_id, level="urgent", rule="r", created_at=clock.now())
        )
    [claimed] = claim_due(sqlite_db, now=clock.now(), limit=1)
    finish(sqlite_db, claimed, status=OutboxStatus.SENT, now=clock.now())
    app = create_web_app(core=core, inbound=inbound_for(core))
    async with asgi_client(app) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    text = response.text
    assert metric(text, 'clinic_updates_total{source="telegram"}') == 1
    assert metric(text, 'clinic_updates_unprocessed{source="telegram"}') == 1
    assert metric(text, 'clinic_sends_total{channel="staff",result="sent"}') == 1
    assert metric(text, 'clinic_escalations_open{level="urgent"}') == 1
    assert (
        metric(text, "clinic_outbox_lag_seconds") == 0
    )  # the older row went; the other is due now


async def test_readyz_reports_lag_and_the_staff_chat(sqlite_db, clock):
    core = make_core(sqlite_db, clock)
    with sqlite_db.session() as session:
        enqueue(
            session,
            kind=OutboxKind.STAFF_NOTICE,
            channel=Channel.STAFF,
            due_at=clock.now() - timedelta(seconds=90),
            dedupe_key="late",
            now=clock.now(),
        )
    checks: list[int] = []

    async def staff_chat() -> bool:
        checks.append(1)
        return True

    app = create_web_app(core=core, inbound=inbound_for(core), staff_chat_check=staff_chat)
    async with asgi_client(app) as client:
        first = await client.get("/readyz")
        await client.get("/readyz")
    assert first.status_code == 200
    assert first.json() == {
        "status": "ok",
        "database": "up",
        "outbox_lag_seconds": 90.0,
        "staff_chat": "reachable",
    }
    assert checks == [1]  # asked of Telegram once, not at every probe
