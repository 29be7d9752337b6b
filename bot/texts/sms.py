"""SMS words (plain text) and the staff notices the SMS and routing services raise.

Every `sms_` text is read on a lock screen: plain GSM-7, one segment with realistic values, and
never the treatment, a drug, "pain", a diagnosis or a symptom (`assert_sms_safe`; the privacy
test and start-up check render each one). {clinic} is the clinic's neutral name, {phone} its
number, {when} a time in clinic time, {options} numbered times and {choices} "1, 2 or 3".
The `sms_staff_` and `routing_staff_` texts go to the staff Telegram chat (HTML).
"""

DEFAULTS: dict[str, str] = {
    "sms_driver_noted": "{clinic}: thanks, your ride home for {when} is noted. Questions? {phone}",
    # --- replies to an inbound SMS ---
    "sms_help": (
        "{program}: {frequency}. Msg & data rates may apply. Call {phone} for help. "
        "Reply STOP to opt out."
    ),
    "sms_menu": (
        "{clinic}: reply C to confirm, X to cancel, R to change, BOOK to book, HELP for help. "
        "Or call {phone}."
    ),
    "sms_opted_out": (
        "{clinic}: you are unsubscribed and will get no more texts from us. "
        "Reply START to subscribe again."
    ),
    "sms_opted_in": (
        "{clinic}: you are subscribed to appointment texts again. Msg & data rates may apply. "
        "Reply HELP for help, STOP to opt out."
    ),
    "sms_confirmed": (
        "{clinic}: thank you, your visit on {when} is confirmed. Reply X to cancel, R to change."
    ),
    "sms_no_appointment": (
        "{clinic}: we have no upcoming visit for this number. Reply BOOK to book one, "
        "or call {phone}."
    ),
    "sms_cancelled": (
        "{clinic}: your visit on {when} is cancelled. Reply BOOK to book again, or call {phone}."
    ),
    "sms_cancelled_late": (
        "{clinic}: your visit on {when} is cancelled. It was less than {hours} h away, "
        "so we may call you. Reply BOOK to book again."
    ),
    "sms_too_late": (
        "{clinic}: your visit on {when} is less than {hours} h away. "
        "Please call {phone} to cancel or change it."
    ),
    "sms_reschedule_offer": (
        "{clinic}: new times: {options}. Reply {choices} to choose, or call {phone}."
    ),
    "sms_book_offer": "{clinic}: free times: {options}. Reply {choices} to book, or call {phone}.",
    "sms_slot_taken": (
        "{clinic}: sorry, that time was just taken. Free times: {options}. Reply {choices}."
    ),
    "sms_no_times": (
        "{clinic}: no free times to book by text right now. Reply WAIT to join our waitlist, "
        "or call {phone}."
    ),
    "sms_pick_number": "{clinic}: please reply {choices} to choose a time, or call {phone}.",
    "sms_ask_name": "{clinic}: to book {when}, please reply with your full name.",
    "sms_ask_name_again": (
        "{clinic}: please reply with your full name to finish booking, or call {phone}."
    ),
    "sms_booked": (
        "{clinic}: you are booked for {when}. Reply X to cancel, R to change. "
        "Questions? Call {phone}."
    ),
    "sms_rescheduled": (
        "{clinic}: your visit is now on {when}. Reply X to cancel, R to change. "
        "Questions? Call {phone}."
    ),
    # ESPAÑOL / ENGLISH: said in the language just chosen (issue 15).
    "sms_language_set": (
        "{clinic}: we will text you in English. Reply ESPANOL for Spanish, HELP for help. "
        "Questions? Call {phone}."
    ),
    "sms_answer_question_first": (
        "{clinic}: please answer our last question first, as asked, or call {phone}."
    ),
    # --- staff notices (Telegram HTML; values are escaped) ---
    "sms_staff_opted_out": (
        "<b>SMS opt-out</b>: {patient} ({phone}) asked for no more texts. "
        "Call them about their visits."
    ),
    "sms_staff_unsubscribed": (
        "<b>SMS refused</b>: Twilio says {patient} ({phone}) unsubscribed (error {code}). "
        "No more texts go to them; call them about their visits."
    ),
    "sms_staff_phone_invalid": (
        "<b>Phone number not reachable</b>: texts to {patient} ({phone}) fail (error {code}). "
        "Please check the number with them."
    ),
    "sms_staff_oncall_failed": (
        "<b>On-call SMS not delivered</b> (error {code}). "
        "Please reach the on-call clinician another way."
    ),
    "routing_staff_telegram_blocked_sms": (
        "<b>Telegram unreachable</b>: {patient} {reason}. Their messages now go by SMS."
    ),
    "routing_staff_telegram_blocked_no_sms": (
        "<b>Telegram unreachable</b>: {patient} {reason}. They have not agreed to SMS, "
        "so please call them about their visits."
    ),
}

# The staff chat's texts (never translated); the rest reach a patient.
STAFF_KEYS = frozenset(key for key in DEFAULTS if key.startswith(("sms_staff_", "routing_staff_")))
