"""The daily retention job removes what the profile keeps only for a while, and says what."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import col, select

from bot.db.models import (
    AuditLog,
    BookingDraft,
    InboxItem,
    Outbox,
    Patient,
    PhoneClaim,
    RateSlot,
)
from bot.domain.enums import Channel, DraftStep, OutboxKind, OutboxStatus
from bot.profile import Retention
from bot.services.privacy import PrivacyService
from bot.services.retention import RetentionService, apply_retention
from bot.texts import Texts
from tests.journey_helpers import open_journey

PERIODS = Retention(
    expired_drafts_days=7,
    message_bodies_days=30,
    verification_codes_days=30,
    handled_inbound_days=7,
)


def seed(db, now):
    """For each kind: one row just past its period and one just inside it."""
    with db.session() as session:
        patient = Patient(created_at=now, name="Ana Lopez")
        session.add(patient)
        session.flush()
        for days, address in ((8, "1"), (6, "2")):
            session.add(
                BookingDraft(
                    channel=Channel.TELEGRAM,
                    address=address,
                    step=DraftStep.NAME,
                    data=json.dumps({"name": "Ana Lopez"}),
                    updated_at=now - timedelta(days=days + 2),
                    expires_at=now - timedelta(days=days),
                )
            )
        for days, status in ((31, OutboxStatus.SENT), (29, OutboxStatus.SENT), (40, "pending")):
            session.add(
                Outbox(
                    dedupe_key=f"k{days}",
                    kind=OutboxKind.PATIENT_NOTICE,
                    channel=Channel.TELEGRAM,
                    patient_id=patient.id,
                    due_at=now - timedelta(days=days),
                    status=status,
                    payload=json.dumps({"html": "Dear Ana Lopez"}),
                    created_at=now - timedelta(days=days),
                )
            )
        for days in (31, 29):
            session.add(
                PhoneClaim(
                    patient_id=patient.id,
                    phone_e164="+12015550123",
                    code_hash="0" * 64,
                    code_salt="1" * 32,
                    created_at=now - timedelta(days=days),
                    expires_at=now - timedelta(days=days) + timedelta(minutes=10),
                )
            )
        for days, processed in ((8, True), (6, True), (30, False)):
            session.add(
                InboxItem(
                    source="telegram",
                    external_id=f"u{days}",
                    payload='{"message": {"text": "hello"}}',
                    received_at=now - timedelta(days=days),
                    processed_at=now - timedelta(days=days) if processed else None,
                )
            )
        # A chat last written to two days ago, one an hour ago, and one paused into the future.
        for key, at in (
            ("tg:chat:1", now - timedelta(days=2)),
            ("tg:chat:2", now - timedelta(hours=1)),
            ("tg:bot", now + timedelta(minutes=5)),
        ):
            session.add(RateSlot(key=key, next_at=at))


def test_the_job_removes_only_what_is_past_its_period_and_reports_it(any_db, clock):
    now = clock.now()
    seed(any_db, now)

    report = apply_retention(any_db, periods=PERIODS, now=now)

    assert report.as_dict() == {
        "drafts": 1,
        "message_bodies": 1,
        "codes": 1,
        "inbound": 1,
        "rate_slots": 1,
    }
    with any_db.session(write=False) as session:
        assert [d.address for d in session.exec(select(BookingDraft)).all()] == ["2"]
        bodies = {r.dedupe_key: r.payload for r in session.exec(select(Outbox)).all()}
        assert bodies["k31"] == "{}"
        assert "Ana Lopez" in bodies["k29"]
        assert "Ana Lopez" in bodies["k40"]
        assert len(session.exec(select(PhoneClaim)).all()) == 1
        assert sorted(i.external_id for i in session.exec(select(InboxItem)).all()) == [
            "u30",
            "u6",
        ]
        assert sorted(r.key for r in session.exec(select(RateSlot)).all()) == [
            "tg:bot",
            "tg:chat:2",
        ]
        [logged] = session.exec(
            select(AuditLog).where(col(AuditLog.action) == "retention.applied")
        ).all()
        assert json.loads(logged.detail) == report.as_dict()


def test_audit_rows_are_never_removed(sqlite_db, clock):
    apply_retention(sqlite_db, periods=PERIODS, now=clock.now())
    clock.advance(timedelta(days=400))

    apply_retention(sqlite_db, periods=PERIODS, now=clock.now())

    with sqlite_db.session(write=False) as session:
        assert len(session.exec(select(AuditLog)).all()) == 2


def test_the_daily_jobs_service_applies_its_periods_and_says_what_it_removed(
    sqlite_db, profile, clock
):
    seed(sqlite_db, clock.now())
    privacy = PrivacyService(db=sqlite_db, profile=profile, clock=clock, texts=Texts())
    job = RetentionService(db=sqlite_db, periods=PERIODS, clock=clock, privacy=privacy)

    done = job.run()

    assert done.report.as_dict() == {
        "drafts": 1,
        "message_bodies": 1,
        "codes": 1,
        "inbound": 1,
        "rate_slots": 1,
    }
    assert done.erased == 0  # no erasure was held for a red flag
    with sqlite_db.session(write=False) as session:
        assert [d.address for d in session.exec(select(BookingDraft)).all()] == ["2"]


async def test_the_daily_job_is_scheduled(database, clock):
    async with open_journey(database, clock) as journey:
        names = [job.name for job in journey.application.job_queue.jobs()]
    assert "retention" in names
