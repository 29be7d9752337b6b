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
    }
)
