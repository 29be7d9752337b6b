"""Words for phone verification, data rights (/mydata, delete my data, stop) and their refusals.

`phone_code_sms` is read on a lock screen: plain, neutral (no treatment, drug, "pain" or symptom
words), one segment; start-up checks it with realistic values.
"""

DEFAULTS: dict[str, str] = {
    # --- one-time code to a typed number ---
    "phone_code_sms": (
        "{clinic}: your code is {code}. Type it in our Telegram chat to confirm this number. "
        "Not you? Ignore this text."
    ),
    "book_phone_code_sent": (
        "I've sent a 6-digit code by text message to {phone}. Please type it here to confirm the "
        "number is yours. It is valid for {minutes} minutes."
    ),
    "book_ask_phone_code": ("Please type the 6-digit code we texted to {phone}, or choose below."),
    "book_phone_code_resend": "Send a new code",
    "book_phone_code_other": "Use another number",
    "book_phone_code_skip": "Continue without texts",
    "book_phone_code_wrong": "That code is not right. You have {tries} more {tries_word}.",
    "book_phone_code_try": "try",
    "book_phone_code_tries": "tries",
    "book_phone_code_expired": (
        "That code has expired (codes last {minutes} minutes). Tap <b>{button}</b> for a new one."
    ),
    "book_phone_code_locked": (
        "Too many wrong codes: for your safety I can't check another one before {until}. You "
        "can carry on without text reminders, or share your number with the button."
    ),
    "book_phone_code_too_soon": (
        "A code was sent less than a minute ago. Please wait a moment, then tap <b>{button}</b>."
    ),
    "book_phone_code_too_many": (
        "You've asked for several codes already. You can ask for a new one after {until}, or "
        "carry on without text reminders."
    ),
    "book_phone_code_none": (
        "No code is waiting for {phone} in this chat. Tap <b>{button}</b> to get one."
    ),
    "book_phone_code_other_number": (
        "That code was sent for a different number. Please type the code we sent to {phone}."
    ),
    "book_phone_code_other_account": (
        "That code was asked for from a different Telegram account, so it can't be used here."
    ),
    "book_phone_code_format": "Please type the 6 digits of the code, for example 123456.",
    "book_phone_confirmed": "Thank you, {phone} is confirmed.",
    "book_phone_unconfirmed": (
        "Thank you, I've noted {phone}. We can call you on it; text reminders need a number "
        "confirmed with a code, so reminders will come here in Telegram."
    ),
    "book_phone_unverified_mark": "{phone} (not confirmed)",
    # --- /mydata, delete my data, stop ---
    "cmd_mydata": "A copy of your data, or ask us to delete it",
    "cmd_stop": "Stop care messages in this chat",
    "mydata_offer": (
        "<b>Your data</b>\nI can send you, here in this chat, a copy of everything the clinic "
        "holds about you: your details, consents, appointments and answers, with dates.\n\n"
        "You can also ask us to delete your data. Staff review each request; the clinical "
        "record the law requires us to keep stays, under a code instead of your name."
    ),
    "mydata_send": "Send me my data",
    "mydata_delete": "Delete my data",
    "mydata_caption": "Your data at {clinic}, as of today.",
    "mydata_not_you": (
        "For your privacy I can only do this for the patient themselves, in their own private "
        "chat with me."
    ),
    "mydata_delete_confirm": (
        "Delete your data? Your name, phone number and Telegram link, and our messages, will be "
        "removed and the bot will no longer know you. Staff review the request first."
    ),
    "mydata_delete_yes": "Yes, ask to delete my data",
    "mydata_delete_no": "No, keep it",
    "mydata_delete_requested": (
        "Thank you. Your request is with the clinic's staff; we'll do it as soon as it is "
        "reviewed. For questions call {phone}."
    ),
    "mydata_delete_kept": "Nothing was changed.",
    "stop_done": (
        "Done: I won't send you reminders or check-ins here any more. If you write something "
        "that sounds urgent I will still answer with emergency numbers.\n\n"
        "To receive care messages again, send /start. Your appointments are not changed; to "
        "cancel one, use /appointments or call {phone}."
    ),
    "stop_already": "Care messages are already stopped. Send /start to receive them again.",
    "start_messages_resumed": "Care messages are on again.",
    "privacy_staff_erasure_requested": (
        "🗑 Erasure request {request} from patient {patient}. "
        "/erasure approve {request} or /erasure decline {request} &lt;reason&gt;"
    ),
    "privacy_staff_request_line": "{request}: patient {patient}, {status}, asked {when}",
    "privacy_staff_no_requests": "No erasure requests waiting.",
    "privacy_staff_no_such_request": "No open erasure request with that number.",
    "privacy_staff_done": (
        "Erased: patient {patient}'s identity and messages are gone; the clinical record stays "
        "under the name “Erased patient {patient}” (request {request})."
    ),
    "privacy_staff_held": (
        "Held: patient {patient} has an open red flag. The erasure (request {request}) goes "
        "ahead once it is acknowledged (/erasure checks again)."
    ),
    "privacy_staff_declined": "Declined request {request} for patient {patient}; reason kept.",
    "privacy_staff_pending": "Request {request} for patient {patient} is waiting.",
    "usage_erase": "/erase <patient name or P-number>",
    "usage_erasure": "/erasure, /erasure approve <R-number>, /erasure decline <R-number> <reason>",
    "staff_control_characters": (
        "That command holds an invisible control character, so nothing was done. "
        "Please type it again."
    ),
    # --- staff tools outside staff places ---
    "staff_wrong_place": (
        "Staff commands work only in the staff chat or in your private chat with me."
    ),
}

PLAIN_KEYS = frozenset(
    {
        "book_phone_code_resend",
        "book_phone_code_other",
        "book_phone_code_skip",
        "book_phone_code_try",
        "book_phone_code_tries",
        "book_phone_unverified_mark",
        "staff_wrong_place",
        "cmd_mydata",
        "cmd_stop",
        "mydata_send",
        "mydata_delete",
        "mydata_delete_yes",
        "mydata_delete_no",
    }
)

# The staff chat's texts (never translated); the rest reach a patient.
STAFF_KEYS = frozenset(
    key for key in DEFAULTS if key.startswith(("privacy_staff_", "usage_", "staff_"))
)
