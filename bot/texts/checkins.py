"""Texts of the post-session check-ins (question wording itself lives in the clinic profile)."""

DEFAULTS: dict[str, str] = {
    "checkin_intro": (
        "A few quick questions about how you have been since your treatment.\n\n{emergency}"
    ),
    "checkin_nudge": "A reminder: your check-in is still open. It takes about a minute.",
    "checkin_done": "Thank you. Your answers are saved for your care team.",
}
