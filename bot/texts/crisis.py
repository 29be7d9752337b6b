"""Crisis language in free text (CLINICAL.md 4b): the fixed replies and the staff lines.

`crisis_reply_*` are the fixed replies, plain text (escaped where Telegram reads HTML), quoted in
the staff alert as "Patient was told". `sms_crisis_*` go back by SMS: neutral words only (988 and
911 are fine; no symptom, treatment or "suicide"), checked at start-up like every SMS text.
`crisis_summary` is the staff summary stored with the escalation (plain; escaped when shown).
"""

DEFAULTS: dict[str, str] = {
    # --- the patient, on Telegram ---
    "crisis_reply_self_harm": (
        "If you are thinking about harming yourself, call or text 988 now. "
        "In an emergency call 911."
    ),
    "crisis_reply_emergency": (
        "Call 911 now or go to the nearest emergency room. Don't drive yourself."
    ),
    "crisis_alerted": "We have also alerted the clinic's on-call team.",
    # --- the patient, by SMS ---
    "sms_crisis_self_harm": (
        "{clinic}: please call or text 988 now to talk to someone, any time. "
        "In an emergency call 911. Our on-call team has been alerted."
    ),
    "sms_crisis_emergency": (
        "{clinic}: call 911 now or go to the nearest emergency room. Don't drive yourself. "
        "Our on-call team has been alerted."
    ),
    "sms_crisis_both": (
        "{clinic}: call 911 now or go to the nearest emergency room. Don't drive yourself. "
        "You can also call or text 988. Our on-call team has been alerted."
    ),
    # --- staff ---
    "crisis_kind_self_harm": "self-harm / suicide",
    "crisis_kind_emergency": "medical emergency",
    "crisis_channel_telegram": "Telegram",
    "crisis_channel_sms": "SMS",
    "crisis_summary": (
        "Crisis words ({kinds}) in a {channel} message{sender}: “{quote}” (matched “{phrase}”)"
    ),
    "crisis_sender_telegram": " from Telegram user {name} (id {user_id})",
    "crisis_sender_unknown": " from a number with no patient record before",
    "crisis_sender_opted_out": " (this number has opted out of texts)",
    "crisis_staff_followup": (
        "🚨 <b>More from the patient</b> on alert #{escalation_id}, not acknowledged yet "
        "({count} message(s) since the last line). Latest:\n“{quote}”"
    ),
}

PLAIN_KEYS = frozenset(
    {
        "crisis_reply_self_harm",
        "crisis_reply_emergency",
        "crisis_kind_self_harm",
        "crisis_kind_emergency",
        "crisis_channel_telegram",
        "crisis_channel_sms",
        "crisis_summary",
        "crisis_sender_telegram",
        "crisis_sender_unknown",
        "crisis_sender_opted_out",
    }
)
