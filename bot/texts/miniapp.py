"""The Mini App's words: the chat button that opens it, the calendar page and its answers.

`miniapp_` texts are read on the web page (plain: the page escapes them); `book_mini_app_` ones
go to the chat (Telegram HTML unless plain by name).
"""

DEFAULTS: dict[str, str] = {
    # --- in the chat ---
    "book_btn_mini_app": "🗓 Choose a time on a calendar",
    "book_mini_app_chosen": "You chose <b>{when}</b> on the calendar.",
    # --- the page ---
    "miniapp_title": "Choose a time",
    "miniapp_loading": "Loading the free days…",
    "miniapp_intro": "{service}: days with free times are marked. Times are clinic time ({zone}).",
    "miniapp_previous": "◀ Earlier",
    "miniapp_next": "Later ▶",
    "miniapp_free_day": "free times",
    "miniapp_no_free_days": "No free times this month: try another month.",
    "miniapp_times_on": "Free times on {day} (clinic time, {zone}):",
    "miniapp_day_full": "Sorry, {day} has just filled up. Please choose another day.",
    "miniapp_chosen": "{when} is noted. Continue in the chat to finish: it shows the next step.",
    "miniapp_taken": (
        "Sorry, {when} was just taken by someone else. Please choose another time here or in "
        "the chat."
    ),
    "miniapp_back_to_chat": "Back to the chat",
    # --- refusals ---
    "miniapp_open_in_telegram": (
        "Please open this calendar from the clinic's chat in Telegram (the “Choose a time” button)."
    ),
    "miniapp_refused": (
        "This calendar could not confirm who you are, or it has been open too long. Close it "
        "and tap “Choose a time” in the chat again."
    ),
    "miniapp_no_consent": (
        "Please start a chat with the clinic first: send /start to the bot and agree to messages "
        "there."
    ),
    "miniapp_not_now": (
        "This calendar is no longer current: your booking has moved on. Please continue in the "
        "chat."
    ),
    "miniapp_bad_day": "That is not a day you can book. Please choose a marked day.",
    "miniapp_out_of_range": "That day is outside the days you can book. Please choose a marked day.",
    "miniapp_error": "Something went wrong. Please try again, or continue in the chat.",
}

# Read on the web page (escaped there) or shown as a button label, never as Telegram HTML.
PLAIN_KEYS = frozenset(key for key in DEFAULTS if key.startswith("miniapp_"))
