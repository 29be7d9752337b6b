"""POST /twilio/status: delivery callbacks move the outbox forward only, and act on dead numbers."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.db.models import Outbox, Patient
from bot.domain.enums import Channel, OutboxKind, OutboxStatus
from bot.services.delivery_status import DeliveryStatusService, StatusOutcome
from bot.texts import Texts
from bot.web.app import create_web_app
from tests.sms_helpers import PHONE, phone_patient
from tests.twilio_double import status_callback_params
from tests.web_helpers import asgi_client, counts, inbound_for, make_core, post_signed

SID = "SM" + "a1" * 16


def sent_row(
    db, now, *, patient_id=None, channel=Channel.SMS, sid=SID, kind=OutboxKind.REMINDER_24H
):
    with db.session() as session:
        row = Outbox(
            dedupe_key=f"test:{sid}",
            kind=kind,
            channel=channel,
            patient_id=patient_id,
            due_at=now,
            status=OutboxStatus.SENT,
            sent_at=now,
            provider_id=sid,
            created_at=now,
        )
        session.add(row)
        session.flush()
        return row.id


def row_by_id(db, row_id) -> Outbox:
    with db.session(write=False) as session:
        return session.get(Outbox, row_id)


def patient(db) -> Patient:
    with db.session(write=False) as session:
        return session.exec(select(Patient)).one()


def notices(db) -> list[str]:
    with db.session(write=False) as session:
        rows = session.exec(select(Outbox).where(col(Outbox.kind) == OutboxKind.STAFF_NOTICE)).all()
    return [json.loads(r.payload).get("html", "") for r in rows]


@pytest.fixture
def core(sqlite_db, clock):
    return make_core(sqlite_db, clock)


@pytest.fixture
async def client(core):
    async with asgi_client(create_web_app(core=core, inbound=inbound_for(core))) as http:
        yield http


async def callback(client, status, *, sid=SID, error_code=None):
    params = status_callback_params(
        message_sid=sid, status=status, to_number=PHONE, error_code=error_code
    )
    return await post_signed(client, "/twilio/status", params)


async def test_delivered_moves_a_sent_row_forward(client, sqlite_db, clock):
    row_id = sent_row(sqlite_db, clock.now())

    response = await callback(client, "delivered")

    assert response.status_code == 204
    assert row_by_id(sqlite_db, row_id).status == OutboxStatus.DELIVERED


async def test_status_never_moves_backwards(client, sqlite_db, clock):
    row_id = sent_row(sqlite_db, clock.now())

    for status in ("delivered", "sent", "queued", "sending", "undelivered", "failed"):
        await callback(client, status, error_code="30003" if status == "failed" else None)

    assert row_by_id(sqlite_db, row_id).status == OutboxStatus.DELIVERED


async def test_callbacks_out_of_order_keep_the_latest_state(client, sqlite_db, clock):
    row_id = sent_row(sqlite_db, clock.now())

    await callback(client, "queued")
    await callback(client, "sent")
    assert row_by_id(sqlite_db, row_id).status == OutboxStatus.SENT
    await callback(client, "undelivered", error_code="30008")
    await callback(client, "sent")

    row = row_by_id(sqlite_db, row_id)
    assert row.status == OutboxStatus.UNDELIVERED
    assert row.last_error == "twilio undelivered 30008"


async def test_21610_opts_the_patient_out_and_tells_staff_once(client, sqlite_db, clock):
    patient_id = phone_patient(sqlite_db, clock)
    row_id = sent_row(sqlite_db, clock.now(), patient_id=patient_id)

    await callback(client, "failed", error_code="21610")
    clock.advance(timedelta(seconds=5))
    await callback(client, "failed", error_code="21610")

    assert row_by_id(sqlite_db, row_id).status == OutboxStatus.FAILED
    assert patient(sqlite_db).sms_opted_out_at is not None
    [notice] = notices(sqlite_db)
    assert "unsubscribed" in notice
    assert "21610" in notice
    assert PHONE not in notice


@pytest.mark.parametrize("code", ["30003", "30005", "30006", "21211"])
async def test_a_dead_number_is_flagged_and_staff_are_told(code, client, sqlite_db, clock):
    patient_id = phone_patient(sqlite_db, clock)
    sent_row(sqlite_db, clock.now(), patient_id=patient_id)

    await callback(client, "undelivered", error_code=code)

    assert patient(sqlite_db).phone_invalid_at == clock.now()
    assert patient(sqlite_db).sms_opted_out_at is None
    [notice] = notices(sqlite_db)
    assert "not reachable" in notice
    assert code in notice


async def test_other_failures_are_recorded_without_touching_the_patient(client, sqlite_db, clock):
    patient_id = phone_patient(sqlite_db, clock)
    row_id = sent_row(sqlite_db, clock.now(), patient_id=patient_id)

    await callback(client, "failed", error_code="30008")

    assert row_by_id(sqlite_db, row_id).status == OutboxStatus.FAILED
    p = patient(sqlite_db)
    assert p.sms_opted_out_at is None
    assert p.phone_invalid_at is None
    assert notices(sqlite_db) == []


async def test_an_undelivered_page_to_on_call_is_reported_to_staff(client, sqlite_db, clock):
    sent_row(sqlite_db, clock.now(), channel=Channel.ONCALL, kind=OutboxKind.ESCALATION_PAGE)

    await callback(client, "undelivered", error_code="30003")

    [notice] = notices(sqlite_db)
    assert "On-call SMS not delivered" in notice


async def test_a_callback_for_an_unknown_message_changes_nothing(client, sqlite_db, clock):
    sent_row(sqlite_db, clock.now())
    before = counts(sqlite_db)

    response = await callback(client, "failed", sid="SM" + "b2" * 16, error_code="21610")

    assert response.status_code == 204
    assert counts(sqlite_db) == before


async def test_an_unsigned_status_callback_is_refused_and_changes_nothing(client, sqlite_db, clock):
    patient_id = phone_patient(sqlite_db, clock)
    row_id = sent_row(sqlite_db, clock.now(), patient_id=patient_id)
    params = status_callback_params(
        message_sid=SID, status="failed", to_number=PHONE, error_code="21610"
    )

    response = await post_signed(client, "/twilio/status", params, token="wrong")

    assert response.status_code == 403
    assert row_by_id(sqlite_db, row_id).status == OutboxStatus.SENT
    assert patient(sqlite_db).sms_opted_out_at is None


def test_the_service_reports_what_it_did(sqlite_db, clock, core):
    service = DeliveryStatusService(db=sqlite_db, texts=core.texts)
    sent_row(sqlite_db, clock.now())

    def record(status, sid=SID):
        return service.record(message_sid=sid, status=status, error_code=None, now=clock.now())

    assert record("delivered") is StatusOutcome.UPDATED
    assert record("delivered") is StatusOutcome.NOT_FORWARD
    assert record("queued") is StatusOutcome.NOT_FORWARD
    assert record("canceled") is StatusOutcome.UNKNOWN_STATUS
    assert record("sent", sid="SM" + "c3" * 16) is StatusOutcome.UNKNOWN_MESSAGE


def test_callbacks_move_forward_and_opt_out_on_both_databases(any_db, clock, profile):
    service = DeliveryStatusService(db=any_db, texts=Texts(profile.texts))
    patient_id = phone_patient(any_db, clock)
    row_id = sent_row(any_db, clock.now(), patient_id=patient_id)

    def record(status, code=None):
        return service.record(message_sid=SID, status=status, error_code=code, now=clock.now())

    assert record("sent") is StatusOutcome.NOT_FORWARD
    assert record("undelivered", "21610") is StatusOutcome.UPDATED
    assert record("delivered") is StatusOutcome.NOT_FORWARD
    assert row_by_id(any_db, row_id).status == OutboxStatus.UNDELIVERED
    assert patient(any_db).sms_opted_out_at == clock.now()
    assert len(notices(any_db)) == 1
