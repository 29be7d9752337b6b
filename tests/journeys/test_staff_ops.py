"""Staff operations on a seeded clinic: look-up, approval, series, blocks, flags, export, digest."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime, time, timedelta
from itertools import pairwise

import pytest
from sqlmodel import col, func, select

from bot.db.models import Appointment, BookingDraft, Outbox, Patient, StaffTask, TimeBlock
from bot.domain.clock import FixedClock
from bot.domain.enums import AppointmentStatus, Channel, CloseOutcome, OutboxKind
from bot.domain.errors import InvalidPhone, NotApproved
from bot.domain.sms_policy import assert_sms_safe
from bot.presentation.staff_report_messages import render_digest
from bot.services.outbox import payload_of
from bot.services.patient_notices import PATIENT_NOTICE, render_patient_notice
from bot.services.rendering import RenderContext
from bot.services.staff_ops import StaffOps
from bot.services.staff_records import (
    EXPORT_COLUMNS,
    AmbiguousPatient,
    BlockNotFound,
    InvalidRequest,
    NotATreatment,
    PatientNotFound,
    SeriesDoesNotFit,
    StaleAction,
)
from bot.services.staff_series import plan_series_days
from tests.staff_scene import (
    BOOKING_TIME,
    Scene,
    add_appointment,
    add_escalation,
    add_patient,
    add_task,
    attend,
    build,
    local,
    seed_clinic,
)

ACTOR = "staff:7001"


@pytest.fixture
def scene(tmp_path):
    clock = FixedClock(BOOKING_TIME)
    core = build(tmp_path, clock)
    ops = StaffOps(
        db=core.db, profile=core.profile, clock=clock, booking=core.booking, texts=core.texts
    )
    built = Scene(core, clock, None, None, ops)
    seed_clinic(built)
    yield built
    core.db.dispose()


def count(scene: Scene, model, *conditions) -> int:
    with scene.db.session(write=False) as session:
        statement = select(func.count()).select_from(model)
        for condition in conditions:
            statement = statement.where(condition)
        return int(session.exec(statement).one())


# --- look-up ---------------------------------------------------------------------------


def test_patients_are_found_by_record_number_phone_or_name(scene):
    ops, ids = scene.ops, scene.ids
    assert [m.id for m in ops.find_patients(f"#{ids['ben']}")] == [ids["ben"]]
    assert [m.id for m in ops.find_patients("(617) 555-0103")] == [ids["ben"]]
    assert [m.id for m in ops.find_patients("+1 617 555 0103")] == [ids["ben"]]
    assert ops.find_patients("+1 617 555 0199") == []
    assert [m.id for m in ops.find_patients("okafor")] == [ids["ben"]]
    assert [m.id for m in ops.find_patients("LOPEZ ana")] == [ids["ana"]]


def test_a_name_shared_by_several_patients_lists_them_all(scene):
    with pytest.raises(AmbiguousPatient) as caught:
        scene.ops.resolve_patient("ana")
    assert {m.name for m in caught.value.matches} == {"Ana Lopez", "Anabel Ruiz"}


def test_an_exact_name_wins_over_longer_names_containing_it(scene):
    ana_only = add_patient(scene, "Ana")
    assert scene.ops.resolve_patient("ana").id == ana_only


def test_an_unknown_or_erased_patient_is_not_found(scene):
    with scene.db.session() as session:
        session.get(Patient, scene.ids["ben"]).erased_at = scene.clock.now()
    with pytest.raises(PatientNotFound):
        scene.ops.resolve_patient("Okafor")
    with pytest.raises(PatientNotFound):
        scene.ops.resolve_patient("#999")


def test_the_patient_card_lists_visits_screening_flags_and_open_flags(scene):
    add_task(scene, scene.ids["ana"])
    card = scene.ops.patient_card(scene.ids["ana"])
    assert [e.appointment_id for e in card.upcoming] == [scene.ids["ana_consult"]]
    assert card.screening_flags == (("S1", "yes"),)
    assert card.open_flags == 1
    assert card.report.outcome.baseline_pain is None


# --- approval --------------------------------------------------------------------------


def patient_notices(scene: Scene) -> list[Outbox]:
    with scene.db.session(write=False) as session:
        return list(
            session.exec(select(Outbox).where(col(Outbox.kind) == str(PATIENT_NOTICE))).all()
        )


def test_approving_tells_the_patient_once(scene):
    attend(scene, scene.ids["ana_consult"])
    first = scene.ops.approve(patient_id=scene.ids["ana"], actor=ACTOR)
    again = scene.ops.approve(patient_id=scene.ids["ana"], actor=ACTOR)
    assert (first.already, again.already) == (False, True)
    with scene.db.session(write=False) as session:
        ana = session.get(Patient, scene.ids["ana"])
    assert ana.approved_at == scene.clock.now()
    assert ana.approved_by == ACTOR
    notices = patient_notices(scene)
    assert len(notices) == 1
    assert payload_of(notices[0]) == {"text_key": "approved"}
    assert notices[0].channel == Channel.TELEGRAM
    assert len(scene.audits("patient.approve")) == 1


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.TELEGRAM])
def test_the_approval_notice_reads_well_and_sms_stays_private(scene, channel):
    attend(scene, scene.ids["ana_consult"])
    scene.ops.approve(patient_id=scene.ids["ana"], actor=ACTOR)
    row = patient_notices(scene)[0]
    with scene.db.session(write=False) as session:
        message = render_patient_notice(
            RenderContext(
                session=session,
                row=row,
                payload=payload_of(row),
                patient=session.get(Patient, scene.ids["ana"]),
                appointment=None,
                channel=channel,
                now=scene.clock.now(),
                profile=scene.core.profile,
                texts=scene.core.texts,
            )
        )
    if channel is Channel.SMS:
        assert_sms_safe(message.text)
        assert "Riverside Health" in message.text
    else:
        assert "/book" in message.text


# --- series ----------------------------------------------------------------------------


def test_the_series_search_backs_off_from_a_start_that_leads_nowhere():
    days = [date(2027, 3, d) for d in (1, 2, 10, 11, 12)]
    assert plan_series_days(days, count=3, min_gap=1, max_gap=2) == days[2:]
    assert plan_series_days(days, count=4, min_gap=1, max_gap=2) is None
    assert plan_series_days(days, count=2, min_gap=2, max_gap=9) == [days[0], days[2]]


def block_day(scene: Scene, day: int, pool: str | None = "infusion_chair") -> None:
    with scene.db.session() as session:
        session.add(
            TimeBlock(
                starts_at=local(day, 0),
                ends_at=local(day, 23, 59),
                resource_pool=pool,
                reason="test",
                created_by=ACTOR,
                created_at=scene.clock.now(),
            )
        )


def gaps(starts: list[datetime], scene: Scene) -> list[int]:
    tz = scene.core.profile.tz
    days = [s.astimezone(tz).date() for s in starts]
    return [(b - a).days for a, b in pairwise(days)]


def test_a_series_respects_the_minimum_and_maximum_gaps_around_closed_days(scene):
    for day in (3, 4, 5):
        block_day(scene, day)
    plan = scene.ops.plan_series(
        patient_id=scene.ids["ben"], service="iv_infusion", count=4, actor=ACTOR
    )
    tz = scene.core.profile.tz
    days = [s.astimezone(tz).date() for s in plan.starts]
    assert days == [date(2027, 3, 2), date(2027, 3, 6), date(2027, 3, 8), date(2027, 3, 9)]
    assert all(1 <= g <= 4 for g in gaps(list(plan.starts), scene))


def test_a_nasal_series_keeps_two_days_between_sessions(scene):
    plan = scene.ops.plan_series(
        patient_id=scene.ids["ben"], service="nasal_spray", count=4, actor=ACTOR
    )
    assert all(2 <= g <= 7 for g in gaps(list(plan.starts), scene))
    assert len(set(gaps(list(plan.starts), scene))) >= 1


def test_sessions_keep_the_same_time_of_day_when_it_is_free(scene):
    plan = scene.ops.plan_series(
        patient_id=scene.ids["ben"], service="iv_infusion", count=3, actor=ACTOR
    )
    tz = scene.core.profile.tz
    assert len({s.astimezone(tz).time() for s in plan.starts}) == 1


def test_a_series_that_cannot_fit_the_horizon_changes_nothing(scene):
    before = count(scene, BookingDraft)
    with pytest.raises(SeriesDoesNotFit):
        scene.ops.plan_series(patient_id=scene.ids["ben"], service="booster", count=6, actor=ACTOR)
    assert count(scene, BookingDraft) == before
    assert count(scene, Appointment, col(Appointment.series_id).is_not(None)) == 0


def test_series_are_for_approved_patients_and_treatment_services(scene):
    with pytest.raises(NotApproved):
        scene.ops.plan_series(
            patient_id=scene.ids["ana"], service="iv_infusion", count=3, actor=ACTOR
        )
    with pytest.raises(NotATreatment):
        scene.ops.plan_series(
            patient_id=scene.ids["ben"], service="consultation", count=3, actor=ACTOR
        )
    with pytest.raises(InvalidRequest):
        scene.ops.plan_series(
            patient_id=scene.ids["ben"], service="iv_infusion", count=0, actor=ACTOR
        )


def test_confirming_books_every_session_under_one_series_once(scene):
    plan = scene.ops.plan_series(
        patient_id=scene.ids["ben"], service="iv_infusion", count=5, actor=ACTOR
    )
    booked = scene.ops.confirm_series(draft_id=plan.draft_id, actor=ACTOR)
    again = scene.ops.confirm_series(draft_id=plan.draft_id, actor=ACTOR)
    assert [a.starts_at for a in booked.booked] == list(plan.starts)
    assert len({a.series_id for a in booked.booked}) == 1
    assert booked.failed == ()
    assert again.already
    assert [a.id for a in again.booked] == [a.id for a in booked.booked]
    assert count(scene, Appointment, col(Appointment.series_id) == booked.series_id) == 5
    assert all(a.created_by == ACTOR for a in booked.booked)


def test_a_time_taken_before_confirming_brings_a_new_plan_and_books_nothing(scene):
    plan = scene.ops.plan_series(
        patient_id=scene.ids["ben"], service="iv_infusion", count=3, actor=ACTOR
    )
    block_day(scene, plan.starts[1].astimezone(scene.core.profile.tz).day)
    result = scene.ops.confirm_series(draft_id=plan.draft_id, actor=ACTOR)
    assert result.booked == ()
    assert result.replanned is not None
    assert plan.starts[1] not in result.replanned.starts
    assert count(scene, Appointment, col(Appointment.series_id).is_not(None)) == 0
    with pytest.raises(StaleAction):
        scene.ops.confirm_series(draft_id=plan.draft_id, actor=ACTOR)


def test_a_cancelled_plan_cannot_be_confirmed(scene):
    plan = scene.ops.plan_series(
        patient_id=scene.ids["ben"], service="iv_infusion", count=2, actor=ACTOR
    )
    scene.ops.cancel_draft(draft_id=plan.draft_id, actor=ACTOR)
    with pytest.raises(StaleAction):
        scene.ops.confirm_series(draft_id=plan.draft_id, actor=ACTOR)


def test_an_expired_plan_cannot_be_confirmed(scene):
    plan = scene.ops.plan_series(
        patient_id=scene.ids["ben"], service="iv_infusion", count=2, actor=ACTOR
    )
    scene.clock.advance(timedelta(hours=25))
    with pytest.raises(StaleAction):
        scene.ops.confirm_series(draft_id=plan.draft_id, actor=ACTOR)


# --- blocks ----------------------------------------------------------------------------


def test_a_block_over_booked_patients_changes_nothing_until_confirmed(scene):
    outcome = scene.ops.block_time(
        day=date(2027, 3, 1), start=time(8, 30), end=time(12), reason="burst pipe", actor=ACTOR
    )
    assert outcome.block is None
    assert outcome.draft_id is not None
    assert {e.appointment_id for e in outcome.affected} == {
        scene.ids["ana_consult"],
        scene.ids["ben_infusion"],
    }
    assert count(scene, TimeBlock) == 0
    confirmed = scene.ops.confirm_block(draft_id=outcome.draft_id, actor=ACTOR)
    assert confirmed.block is not None
    assert len(confirmed.affected) == 2
    assert count(scene, TimeBlock) == 1
    booked = count(scene, Appointment, col(Appointment.status) == AppointmentStatus.BOOKED)
    assert booked == 3  # never silently cancelled
    assert scene.ops.confirm_block(draft_id=outcome.draft_id, actor=ACTOR).already


def test_a_block_for_one_resource_ignores_patients_on_others(scene):
    outcome = scene.ops.block_time(
        day=date(2027, 3, 1),
        start=time(8, 30),
        end=time(9, 30),
        reason="chair service",
        pool="infusion_chair",
        actor=ACTOR,
    )
    assert outcome.block is not None
    assert outcome.affected == ()


def test_blocking_the_same_time_twice_keeps_one_block(scene):
    args = {"day": date(2027, 3, 3), "start": time(12), "end": time(13), "reason": "x"}
    scene.ops.block_time(**args, actor=ACTOR)
    assert scene.ops.block_time(**args, actor=ACTOR).already
    assert count(scene, TimeBlock) == 1


@pytest.mark.parametrize(
    ("day", "start", "end", "pool", "why"),
    [
        (date(2027, 2, 28), time(9), time(10), None, "past"),
        (date(2027, 3, 1), time(7), time(7, 30), None, "past"),
        (date(2027, 3, 3), time(12), time(11), None, "ends before"),
        (date(2027, 3, 3), time(12), time(13), "sauna", "unknown resource"),
        (date(2027, 3, 14), time(2), time(2, 30), None, "does not exist"),
    ],
)
def test_impossible_blocks_are_refused_with_a_reason(scene, day, start, end, pool, why):
    with pytest.raises(InvalidRequest, match=why):
        scene.ops.block_time(day=day, start=start, end=end, pool=pool, reason="", actor=ACTOR)
    assert count(scene, TimeBlock) == 0


def test_unblocking_reopens_the_time_once(scene):
    outcome = scene.ops.block_time(
        day=date(2027, 3, 3), start=time(12), end=time(13), reason="lunch", actor=ACTOR
    )
    assert [b.id for b in scene.ops.upcoming_blocks()] == [outcome.block.id]
    scene.ops.unblock(block_id=outcome.block.id, actor=ACTOR)
    assert scene.ops.upcoming_blocks() == []
    with pytest.raises(BlockNotFound):
        scene.ops.unblock(block_id=outcome.block.id, actor=ACTOR)


# --- flags -----------------------------------------------------------------------------


def test_flags_list_each_item_once_by_level_then_deadline(scene):
    newer_task = add_task(scene, scene.ids["ben"], hours_ago=1)
    alert = add_escalation(scene, scene.ids["ana"], hours_ago=3)
    older_task = add_task(scene, scene.ids["anabel"], hours_ago=5)
    items = scene.ops.open_flags()
    assert [(i.kind, i.id) for i in items] == [
        ("escalation", alert),
        ("task", older_task),
        ("task", newer_task),
    ]
    closed = scene.ops.close_task(task_id=older_task, actor=ACTOR, outcome=CloseOutcome.NOT_NEEDED)
    assert not closed.already
    assert scene.ops.close_task(task_id=older_task, actor=ACTOR).already
    assert len(scene.ops.open_flags()) == 2
    with scene.db.session(write=False) as session:
        task = session.get(StaffTask, older_task)
        assert (task.done_by, task.outcome) == (ACTOR, "not_needed")


def test_a_red_flag_and_its_task_are_one_item_closed_together(scene):
    alert = add_escalation(scene, scene.ids["ana"], hours_ago=3)
    with scene.db.session() as session:
        session.add(
            StaffTask(
                kind="red_flag",
                patient_id=scene.ids["ana"],
                detail="same flag",
                created_at=scene.clock.now(),
                dedupe_key=f"escalation:{alert}",
            )
        )
    assert [(i.kind, i.id) for i in scene.ops.open_flags()] == [("escalation", alert)]

    scene.ops.close_flag(escalation_id=alert, actor=ACTOR, outcome=CloseOutcome.CALLED)

    assert scene.ops.open_flags() == []
    with scene.db.session(write=False) as session:
        task = session.exec(select(StaffTask)).one()
        assert (task.done_by, task.outcome) == (ACTOR, "called")


# --- export ----------------------------------------------------------------------------


def test_the_export_parses_as_csv_and_its_totals_match_the_database(scene):
    ben = scene.ids["ben"]
    add_appointment(
        scene,
        patient_id=ben,
        service="iv_infusion",
        start=local(2, 9, month=2),
        status=AppointmentStatus.COMPLETED,
    )
    add_appointment(
        scene,
        patient_id=ben,
        service="iv_infusion",
        start=local(3, 9, month=2),
        status=AppointmentStatus.NO_SHOW,
    )
    add_appointment(
        scene,
        patient_id=ben,
        service="iv_infusion",
        start=local(4, 9, month=2),
        status=AppointmentStatus.CANCELLED,
        cancel_reason="=cmd|' /C calc'!A0",
    )
    add_appointment(
        scene,
        patient_id=ben,
        service="iv_infusion",
        start=local(1, 9, month=1),
        status=AppointmentStatus.COMPLETED,
    )
    export = scene.ops.export_csv(
        first_day=date(2027, 2, 1), last_day=date(2027, 3, 31), actor=ACTOR
    )
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    start = datetime(2027, 2, 1, 5, tzinfo=BOOKING_TIME.tzinfo)
    end = datetime(2027, 4, 1, 4, tzinfo=BOOKING_TIME.tzinfo)
    with scene.db.session(write=False) as session:
        in_db = dict(
            session.exec(
                select(Appointment.status, func.count())
                .where(col(Appointment.starts_at) >= start)
                .where(col(Appointment.starts_at) < end)
                .group_by(col(Appointment.status))
            ).all()
        )
    assert Counter(r["status"] for r in rows) == Counter(in_db)
    assert export.totals == in_db
    assert export.rows == len(rows) == 6
    assert all(r["cancel_reason"][:1] != "=" for r in rows)
    assert len(scene.audits("staff.export")) == 1


def test_an_export_range_backwards_or_too_long_is_refused(scene):
    with pytest.raises(InvalidRequest):
        scene.ops.export_csv(first_day=date(2027, 3, 2), last_day=date(2027, 3, 1), actor=ACTOR)
    with pytest.raises(InvalidRequest):
        scene.ops.export_csv(first_day=date(2024, 1, 1), last_day=date(2027, 3, 1), actor=ACTOR)


# --- digest ----------------------------------------------------------------------------


def test_the_digest_is_queued_once_after_opening_and_never_on_closed_days(scene):
    assert not scene.ops.queue_daily_digest()  # Monday 8:00, the clinic opens at 8:30
    scene.clock.set(local(1, 8, 30))
    assert scene.ops.queue_daily_digest()
    assert not scene.ops.queue_daily_digest()
    scene.clock.set(local(7, 10))  # Sunday
    assert not scene.ops.queue_daily_digest()
    with scene.db.session(write=False) as session:
        rows = session.exec(
            select(Outbox).where(col(Outbox.dedupe_key).startswith("staff:digest"))
        ).all()
    assert [r.kind for r in rows] == [OutboxKind.STAFF_NOTICE]
    assert "Good morning" in payload_of(rows[0])["html"]


def test_the_digest_lists_today_unconfirmed_patients_and_open_flags(scene):
    add_task(scene, scene.ids["ben"])
    digest = scene.ops.digest(day=date(2027, 3, 1))
    assert {e.appointment_id for e in digest.today.entries} == {
        scene.ids["ana_consult"],
        scene.ids["ben_infusion"],
    }
    assert {e.appointment_id for e in digest.unconfirmed} == {
        scene.ids["ben_infusion"],
        scene.ids["anabel_consult"],
    }
    assert len(digest.flags) == 1
    html = render_digest(scene.core.texts, scene.core.profile, digest)
    assert "Ben Okafor" in html
    assert len(html) <= 4096


# --- phone-only patients ---------------------------------------------------------------


def test_a_phone_patient_is_booked_from_an_offer_and_told_by_sms(scene):
    offer = scene.ops.new_phone_patient(phone="(617) 555-0177", name="Carla  Diaz", actor=ACTOR)
    assert not offer.existed
    assert offer.patient.channel == Channel.SMS
    assert offer.patient.phone == "+16175550177"
    assert offer.patient.name == "Carla Diaz"
    assert len(offer.slots) == 6
    booked = scene.ops.book_offer(draft_id=offer.draft_id, index=2, actor=ACTOR)
    again = scene.ops.book_offer(draft_id=offer.draft_id, index=0, actor=ACTOR)
    assert booked.appointment.starts_at == offer.slots[2]
    assert again.already
    assert again.appointment.id == booked.appointment.id
    with scene.db.session(write=False) as session:
        confirmation = session.exec(
            select(Outbox)
            .where(col(Outbox.appointment_id) == booked.appointment.id)
            .where(col(Outbox.kind) == OutboxKind.CONFIRMATION)
        ).one()
    assert confirmation.channel == Channel.SMS
    assert scene.ops.new_phone_patient(phone="+1 617 555 0177", name="Carla", actor=ACTOR).existed


def test_a_wrong_phone_number_creates_nobody(scene):
    before = count(scene, Patient)
    with pytest.raises(InvalidPhone):
        scene.ops.new_phone_patient(phone="555 12", name="Dan", actor=ACTOR)
    with pytest.raises(InvalidRequest):
        scene.ops.new_phone_patient(phone="+1 617 555 0178", name="1234", actor=ACTOR)
    assert count(scene, Patient) == before


def test_an_offer_for_a_time_not_offered_is_refused(scene):
    offer = scene.ops.new_phone_patient(phone="+1 617 555 0179", name="Eli", actor=ACTOR)
    with pytest.raises(StaleAction):
        scene.ops.book_offer(draft_id=offer.draft_id, index=9, actor=ACTOR)
