"""Issue 9 item 3: one owner for callback data. The layouts are a wire format: buttons made by any
earlier release stay on people's screens for days and must still be read the same way."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.callback_data import (
    LIMIT,
    AppointmentPress,
    AppointmentVerb,
    BookingStep,
    BookingVerb,
    CallbackDataError,
    CheckinAnswer,
    CrisisCheckPress,
    EscalationAck,
    MenuPress,
    MenuVerb,
    Prefix,
    PrivacyPress,
    PrivacyVerb,
    ReminderPress,
    ReminderVerb,
    StaffAction,
    StaffPress,
    WaitlistChoices,
    WaitlistPress,
    WaitlistVerb,
    has_prefix,
    matches,
    staff_buttons_about,
    unpack,
    unpack_as,
)
from bot.domain.crisis import CheckAnswer, CrisisKind
from bot.domain.waitlist import PartOfDay

# Every layout the bot has sent (today's, and the older ones still on screens), as it was written
# by hand before this module, with what it means.
WIRE = [
    ("bk:sv:3:iv_infusion", BookingStep(BookingVerb.SERVICE, 3, "iv_infusion")),
    ("bk:wk:4:20270308", BookingStep(BookingVerb.WEEK, 4, "20270308")),
    ("bk:dy:12:20270302", BookingStep(BookingVerb.DAY, 12, "20270302")),
    ("bk:tm:5:29017860", BookingStep(BookingVerb.TIME, 5, "29017860")),
    ("bk:ot:5:", BookingStep(BookingVerb.OTHER_DAYS, 5)),
    ("bk:sq:6:u", BookingStep(BookingVerb.SCREENING, 6, "u")),
    ("bk:md:7:", BookingStep(BookingVerb.NO_MEDICINES, 7)),
    ("bk:pn:8:10", BookingStep(BookingVerb.PAIN, 8, "10")),
    ("bk:dr:9:y", BookingStep(BookingVerb.DRIVER, 9, "y")),
    ("bk:sm:10:n", BookingStep(BookingVerb.SMS, 10, "n")),
    ("bk:pc:11:r", BookingStep(BookingVerb.PHONE_CODE, 11, "r")),
    ("bk:ok:12:", BookingStep(BookingVerb.CONFIRM, 12)),
    ("bk:ch:12:sum", BookingStep(BookingVerb.CHANGE, 12, "sum")),
    ("bk:kp:2:", BookingStep(BookingVerb.KEEP, 2)),
    ("bk:qt:0:", BookingStep(BookingVerb.STOP, 0)),
    ("bk:rs:3:", BookingStep(BookingVerb.RESUME, 3)),
    ("bk:rr:3:", BookingStep(BookingVerb.RESTART, 3)),
    ("mn:bk", MenuPress(MenuVerb.BOOK)),
    ("mn:ap", MenuPress(MenuVerb.APPOINTMENTS)),
    ("mn:ct", MenuPress(MenuVerb.CONTACT)),
    ("mn:pv", MenuPress(MenuVerb.PRIVACY)),
    ("mn:cy", MenuPress(MenuVerb.CONSENT_YES)),
    ("mn:cn", MenuPress(MenuVerb.CONSENT_NO)),
    ("mn:sq", MenuPress(MenuVerb.SCREENING)),
    ("mn:lg:es", MenuPress(MenuVerb.LANGUAGE, "es")),
    ("mn:lg:en", MenuPress(MenuVerb.LANGUAGE, "en")),
    ("ap:rs:41", AppointmentPress(AppointmentVerb.RESCHEDULE, 41)),
    ("ap:cx:41", AppointmentPress(AppointmentVerb.ASK_CANCEL, 41)),
    ("ap:cy:41", AppointmentPress(AppointmentVerb.CANCEL, 41)),
    ("ap:ck:41", AppointmentPress(AppointmentVerb.KEEP, 41)),
    ("ap:ic:41", AppointmentPress(AppointmentVerb.CALENDAR, 41)),
    ("rm:ok:41", ReminderPress(ReminderVerb.CONFIRM, 41)),
    ("rm:dy:41", ReminderPress(ReminderVerb.DRIVER_YES, 41)),
    ("rm:dn:41", ReminderPress(ReminderVerb.DRIVER_NO, 41)),
    ("wl:p:consultation:0:a:0:0", WaitlistChoices(WaitlistVerb.CHOICES, "consultation")),
    (
        "wl:j:iv_infusion:21:m:2:12",
        WaitlistChoices(WaitlistVerb.JOIN, "iv_infusion", 21, PartOfDay.MORNING, 2, 12),
    ),
    (
        "wl:p:booster:127:e:4:0",
        WaitlistChoices(WaitlistVerb.CHOICES, "booster", 127, PartOfDay.AFTERNOON, 4),
    ),
    ("wl:x", WaitlistPress(WaitlistVerb.NOT_NOW)),
    ("wl:m", WaitlistPress(WaitlistVerb.MINE)),
    ("wl:l:7", WaitlistPress(WaitlistVerb.LEAVE, 7)),
    ("wl:a:8", WaitlistPress(WaitlistVerb.ACCEPT, 8)),
    ("wl:d:8", WaitlistPress(WaitlistVerb.DECLINE, 8)),
    ("pv:ex", PrivacyPress(PrivacyVerb.EXPORT)),
    ("pv:dl", PrivacyPress(PrivacyVerb.DELETE)),
    ("pv:dy", PrivacyPress(PrivacyVerb.DELETE_YES)),
    ("pv:dn", PrivacyPress(PrivacyVerb.DELETE_NO)),
    ("ci:12:SAFE1:yes", CheckinAnswer(12, "SAFE1", "yes")),
    ("ci:999999999999:PAIN_NOW:10", CheckinAnswer(999_999_999_999, "PAIN_NOW", "10")),
    ("cc:safe:self_harm", CrisisCheckPress(CheckAnswer.SAFE, CrisisKind.SELF_HARM)),
    ("cc:not_safe:emergency", CrisisCheckPress(CheckAnswer.NOT_SAFE, CrisisKind.EMERGENCY)),
    ("cc:call:self_harm", CrisisCheckPress(CheckAnswer.CALL, CrisisKind.SELF_HARM)),
    ("esc:ack:17", EscalationAck(17)),
    ("st:ap:3:1", StaffPress(StaffAction.APPROVE, 3, 1)),
    ("st:dn:2:5", StaffPress(StaffAction.DONE, 2, 5)),
    ("st:ns:2:5", StaffPress(StaffAction.NO_SHOW, 2, 5)),
    ("st:dn:2", StaffPress(StaffAction.DONE, 2)),  # the schedule's rows carry no version
    ("st:ns:2", StaffPress(StaffAction.NO_SHOW, 2)),
    ("st:dl:2", StaffPress(StaffAction.LEAVING_NOW, 2)),
    ("st:cl:9", StaffPress(StaffAction.CLOSE_TASK, 9)),
    ("st:ce:9", StaffPress(StaffAction.CLOSE_FLAG, 9)),
    ("st:co:9:1", StaffPress(StaffAction.TASK_OUTCOME, 9, 1)),
    ("st:cx:9:3", StaffPress(StaffAction.FLAG_OUTCOME, 9, 3)),
    ("st:sc:4", StaffPress(StaffAction.CONFIRM_SERIES, 4)),
    ("st:bf:4", StaffPress(StaffAction.BLOCK_ANYWAY, 4)),
    ("st:xx:4", StaffPress(StaffAction.CANCEL_DRAFT, 4)),
    ("st:ub:6", StaffPress(StaffAction.UNBLOCK, 6)),
    ("st:of:4:0", StaffPress(StaffAction.OFFER, 4, 0)),
    ("st:pt:1", StaffPress(StaffAction.PATIENT, 1)),
]

# Older releases' layouts that are no longer made but may still be pressed.
OLD = [
    # Done / No-show on a booking notice before the version travelled along (issue 11 item 3).
    ("st:dn:21", StaffPress(StaffAction.DONE, 21)),
    ("st:ns:21", StaffPress(StaffAction.NO_SHOW, 21)),
    # Approve before the consultation's id travelled along.
    ("st:ap:3", StaffPress(StaffAction.APPROVE, 3)),
    # A booking button without its (empty) argument part was read as one with it.
    ("bk:ok:7", BookingStep(BookingVerb.CONFIRM, 7)),
]

JUNK = [
    None,
    42,
    "",
    "garbage",
    "bk",
    "bk:ok",
    "bk:ok:x:",
    "bk:zz:1:",
    "bk:ok:1:a:b",
    "ap:cy:notanumber",
    "ap:zz:1",
    "ap:rs:1:2",
    "mn:zz",
    "mn:lg",
    "mn:lg:fr",
    "mn:lg:es:1",
    "mn:bk:1",
    "xx:yy:zz",
    "rm:ok:",
    "rm:maybe:3",
    "wl:zz",
    "wl:x:1",
    "wl:l",
    "wl:l:x",
    "wl:p:consultation:0:a:0",
    "wl:p:consultation:0:z:0:0",
    "wl:p::0:a:0:0",
    "wl:j:consultation:1000:a:0:0",
    "pv:zz",
    "ci:1",
    "ci:x:SAFE1:yes",
    "ci:1:safe1:yes",
    "ci:1:SAFE1:YES",
    "cc:maybe:self_harm",
    "cc:safe:flood",
    "esc:ack:x",
    "esc:nak:1",
    "st:zz:1",
    "st:dn:x",
    "st:dn:1:x",
    "st:dn:1:2:3",
    "st:dn:1234567890123",
    "st:dn:é",
    "st:dn:1 ",
    "a" * 65,
]


@pytest.mark.parametrize(("data", "meaning"), WIRE + OLD)
def test_every_layout_sent_is_read_as_it_was_meant(data, meaning):
    assert unpack(data) == meaning


@pytest.mark.parametrize(("data", "meaning"), WIRE)
def test_packing_gives_exactly_the_layout_sent_before(data, meaning):
    assert meaning.pack() == data


def test_every_code_is_in_the_wire_table():
    seen = {type(m): set() for _, m in WIRE}
    for _, meaning in WIRE:
        verb = getattr(meaning, "verb", None) or getattr(meaning, "action", None)
        seen[type(meaning)].add(verb)
    assert seen[BookingStep] == set(BookingVerb)
    assert seen[MenuPress] == set(MenuVerb)
    assert seen[AppointmentPress] == set(AppointmentVerb)
    assert seen[ReminderPress] == set(ReminderVerb)
    assert seen[WaitlistChoices] | seen[WaitlistPress] == set(WaitlistVerb)
    assert seen[PrivacyPress] == set(PrivacyVerb)
    assert seen[StaffPress] == set(StaffAction)
    assert {data.split(":")[0] for data, _ in WIRE} == set(Prefix)


@pytest.mark.parametrize("data", JUNK)
def test_junk_is_read_as_nothing(data):
    assert unpack(data) is None


@given(st.text(max_size=80))
def test_no_text_makes_the_reader_raise(text):
    pressed = unpack(text)
    if pressed is not None:
        assert pressed.pack() in (text, text + ":")  # "bk:ok:7" packs as "bk:ok:7:"


def test_packing_refuses_what_telegram_or_the_reader_would_not_take():
    with pytest.raises(CallbackDataError, match=f"longer than {LIMIT} bytes"):
        BookingStep(BookingVerb.SERVICE, 10**20, "s" * 40).pack()
    with pytest.raises(CallbackDataError, match="must be up to 40"):
        BookingStep(BookingVerb.CHANGE, 1, "a:b").pack()
    with pytest.raises(CallbackDataError, match="must be up to 40"):
        BookingStep(BookingVerb.CHANGE, 1, "é").pack()
    with pytest.raises(CallbackDataError):
        WaitlistPress(WaitlistVerb.LEAVE).pack()
    with pytest.raises(CallbackDataError):
        WaitlistPress(WaitlistVerb.NOT_NOW, 3).pack()
    with pytest.raises(CallbackDataError):
        WaitlistPress(WaitlistVerb.CHOICES, 3).pack()
    with pytest.raises(CallbackDataError):
        WaitlistChoices(WaitlistVerb.LEAVE, "consultation").pack()
    with pytest.raises(CallbackDataError):
        WaitlistChoices(WaitlistVerb.JOIN, "consultation", mask=1000).pack()
    with pytest.raises(CallbackDataError):
        CheckinAnswer(1, "safe1", "yes").pack()


def test_the_longest_buttons_the_profile_allows_fit():
    service = "s" * 24  # the profile's longest service code
    biggest = 999_999_999_999
    for pressed in (
        BookingStep(BookingVerb.SERVICE, biggest, service),
        WaitlistChoices(WaitlistVerb.JOIN, service, 127, PartOfDay.AFTERNOON, 999, 999),
        CheckinAnswer(biggest, "Q" * 8, "o" * 8),
        StaffPress(StaffAction.APPROVE, biggest, biggest),
        CrisisCheckPress(CheckAnswer.NOT_SAFE, CrisisKind.EMERGENCY),
    ):
        assert len(pressed.pack().encode()) <= LIMIT
        assert unpack(pressed.pack()) == pressed


def test_buttons_are_removed_by_whole_ids_not_by_prefix():
    about_2 = staff_buttons_about(2, StaffAction.DONE, StaffAction.NO_SHOW)
    assert about_2("st:dn:2")
    assert about_2("st:ns:2:5")
    assert not about_2("st:dn:21")
    assert not about_2("st:ns:21:5")
    assert not about_2("st:dn:12")
    assert not about_2("st:dl:2")
    assert not about_2("st:cl:2")
    assert not about_2(None)
    assert not about_2("https://example.org")


def test_handler_patterns():
    staff = matches(StaffPress)
    assert staff("st:dn:2:5")
    assert not staff("st:zz:1")
    assert not staff(None)
    assert not staff("esc:ack:1")
    booking = has_prefix(Prefix.BOOKING)
    assert booking("bk:zz")
    assert not booking("bkx:1")
    assert not booking(object())
    assert unpack_as("st:dn:2", EscalationAck) is None
    assert unpack_as("esc:ack:2", EscalationAck) == EscalationAck(2)
