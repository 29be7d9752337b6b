"""The waitlist's words (issue 15 item 2): joining, offers of freed times, leaving, the staff view.

Telegram texts are HTML; `wl_btn_` labels and `_toast` answers are plain by name. The `sms_wl_`
texts are read on a lock screen: neutral words only (never the service's name), GSM-7, one
segment with realistic values (`check_waitlist_sms_texts` in bot/services/waitlist.py).
"""

DEFAULTS: dict[str, str] = {
    "wl_screening_invite": (
        "Before any visit the clinic needs your answers to a few health questions. Answer them "
        "now, so an offered time can be yours at once."
    ),
    # --- joining (Telegram) ---
    "wl_btn_none_suit": "⏳ None of these times suit me",
    "wl_prefs": (
        "<b>Join the waitlist for {service}</b>\n"
        "If a time that suits you frees up, we'll offer it to you here. "
        "Tap the days and times that work for you, then join.\n\n"
        "<b>Days:</b> {days}\n<b>Time of day:</b> {part}\n<b>Dates:</b> {dates}"
    ),
    "wl_btn_part_a": "Any time",
    "wl_btn_part_m": "Mornings",
    "wl_btn_part_e": "Afternoons",
    "wl_btn_earliest": "From: {value}",
    "wl_btn_latest": "Until: {value}",
    "wl_btn_join": "✅ Join the waitlist",
    "wl_btn_not_now": "✖️ Not now",
    "wl_days_any": "any day",
    "wl_part_a": "any time",
    "wl_part_m": "mornings",
    "wl_part_e": "afternoons",
    "wl_now": "now",
    "wl_in_weeks": "in {weeks} wk",
    "wl_any_date": "any date",
    "wl_weeks_ahead": "{weeks} wk ahead",
    "wl_dates": "{earliest} to {latest}",
    "wl_joined": (
        "✅ You're on the waitlist for <b>{service}</b> ({prefs}). "
        "We'll message you here when a time that suits you frees up."
    ),
    "wl_updated": (
        "✅ Your waitlist choices for <b>{service}</b> are updated ({prefs}). "
        "You keep your place in the queue."
    ),
    "wl_not_now": "No problem: nothing has changed.",
    # --- my waitlist ---
    "wl_btn_mine": "⏳ My waitlist",
    "wl_mine": "<b>Your waitlist</b>\n{lines}",
    "wl_mine_line": "• {service}: {prefs}",
    "wl_mine_none": "You are not on the waitlist.",
    "wl_btn_leave": "Leave: {service}",
    "wl_left": "You have left the waitlist for <b>{service}</b>.",
    # --- an offer (Telegram) ---
    "wl_offer": (
        "⏳ <b>A time has freed up</b>\n"
        "{service} on <b>{when}</b>.\n"
        "Would you like it? Please answer by {deadline}; after that it goes to the next person."
    ),
    "wl_btn_accept": "✅ Accept",
    "wl_btn_decline": "✖️ Decline",
    "wl_accepted": (
        "✅ Booked: <b>{service}</b> on <b>{when}</b>. You'll find it under My appointments."
    ),
    # Accept before the booking's questions were answered: they come first (issue 15).
    "wl_intake_held": (
        "To book this time the clinic needs a few details first. The time is held for you "
        "until <b>{deadline}</b>."
    ),
    "wl_declined": "Thanks for letting us know. You stay on the waitlist.",
    "wl_gone": (
        "Sorry, that time has just been taken. You keep your place on the waitlist and we'll "
        "offer you the next one that suits you."
    ),
    "wl_too_late": (
        "Sorry, the time to answer this offer ran out at {deadline}. You keep your place on the "
        "waitlist and we'll offer you the next time that suits you."
    ),
    "wl_busy": (
        "You already have an appointment at that time, so we couldn't book it. You keep your "
        "place on the waitlist."
    ),
    "wl_offer_unknown": "This offer is no longer available.",
    "wl_answered_toast": "Already answered",
    # --- SMS (neutral, GSM-7, one segment) ---
    "sms_wl_joined": (
        "{clinic}: you are on our waitlist. We will text you if an earlier time opens up. "
        "Reply LEAVE to come off it."
    ),
    "sms_wl_left": "{clinic}: you are off the waitlist. Reply WAIT to join it again.",
    "sms_wl_not_on": "{clinic}: you are not on the waitlist. Reply WAIT to join it.",
    "sms_wl_offer": (
        "{clinic}: a time has opened on {when}. Reply YES to take it or NO to pass, by {deadline}."
    ),
    "sms_wl_accepted": "{clinic}: you are booked for {when}. Reply C to confirm, X to cancel.",
    "sms_wl_declined": "{clinic}: thanks, you stay on our waitlist.",
    "sms_wl_gone": (
        "{clinic}: sorry, that time has just been taken. You keep your place on our waitlist."
    ),
    "sms_wl_too_late": (
        "{clinic}: sorry, the time to answer ran out at {deadline}. "
        "You keep your place on our waitlist."
    ),
    "sms_wl_busy": (
        "{clinic}: you already have a visit at that time. You keep your place on our waitlist."
    ),
    # --- staff (HTML) ---
    "wl_staff_title": "<b>Waitlist</b> ({count})",
    "wl_staff_line": ("{id} {patient} — {service}; {prefs}; joined {joined} ({channel}){offer}"),
    "wl_staff_offer_open": "; offered {when} until {deadline}",
    "wl_staff_empty": "<b>Waitlist</b>\nNobody is waiting.",
    "wl_staff_offered": "Offered {when} to {patient} (waitlist {id}) until {deadline}.",
    "wl_staff_not_free": "That time is not free for {service}: {reason}",
    "wl_staff_no_entry": "There is no one waiting with id {id}.",
    "usage_waitlist": (
        "/waitlist — who is waiting; /waitlist offer <W-id> <date> <time>, "
        "e.g. /waitlist offer #3 2027-03-05 9:30"
    ),
}

# The staff chat's texts (never translated); the rest reach a patient.
STAFF_KEYS = frozenset(key for key in DEFAULTS if key.startswith(("wl_staff_", "usage_")))
