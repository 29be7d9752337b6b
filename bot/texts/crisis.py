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
    # With their article: "an SMS message", "a Telegram message".
    "crisis_channel_telegram": "a Telegram message",
    "crisis_channel_sms": "an SMS message",
    "crisis_summary": (
        "Crisis words ({kinds}) in {channel}{sender}: “{quote}” (matched “{phrase}”)"
    ),
    "crisis_sender_telegram": " from Telegram user {name} (id {user_id})",
    "crisis_sender_unknown": " from a number with no patient record before",
    "crisis_sender_opted_out": " (this number has opted out of texts)",
    # --- the softer tier: "are you safe right now?" (bot.services.crisis, CheckAnswer) ---
    "crisis_check_self_harm": (
        "I'm sorry things feel this hard. <b>Are you safe right now?</b>\n"
        "You can call or text 988 any time to talk to someone. In an emergency call 911."
    ),
    "crisis_check_emergency": (
        "That sounds worrying. <b>Are you safe right now?</b>\n"
        "If this is an emergency, call 911 now. Don't drive yourself."
    ),
    # Quoted to staff as "Patient was told" (plain).
    "crisis_reply_check_self_harm": (
        "Are you safe right now? (988 any time; 911 in an emergency), with Yes / No / Call me"
    ),
    "crisis_reply_check_emergency": (
        "Are you safe right now? (911 if this is an emergency), with Yes / No / Call me"
    ),
    "crisis_btn_safe": "Yes, I'm safe",
    "crisis_btn_not_safe": "No",
    "crisis_btn_call": "Call me",
    "crisis_check_thanks": (
        "Thank you for letting us know. Someone from your care team will be in touch. "
        "If that changes, call or text 988, or call 911 in an emergency."
    ),
    "crisis_check_calling": (
        "We are asking the on-call clinician to call you now. If you are in danger, call 911. "
        "You can call or text 988 any time."
    ),
    "sms_crisis_check": (
        "{clinic}: are you safe right now? Reply SAFE if you are, or CALL and our on-call team "
        "will call you. Emergency: call 911. Crisis: call or text 988."
    ),
    # The same check when the text also opted out ("take me off this list, im done").
    "sms_crisis_check_unsubscribed": (
        "{clinic}: you are unsubscribed. Are you safe right now? Reply SAFE, or CALL and our "
        "on-call team will call you. Emergency: 911. Crisis: text 988."
    ),
    "sms_unsubscribed_short": "You are unsubscribed: reply START to join again.",
    "sms_crisis_check_safe": (
        "{clinic}: thank you. Our care team will be in touch. If that changes, call or text "
        "988, or call 911 in an emergency."
    ),
    "sms_crisis_check_call": (
        "{clinic}: our on-call team has been alerted and will call you. If you are in danger "
        "call 911. You can call or text 988 any time."
    ),
    # --- staff, for the softer tier ---
    "crisis_check_summary": (
        "Possible crisis ({kinds}) in {channel}{sender}: “{quote}” (matched “{phrase}”)"
    ),
    "crisis_check_notice": (
        "⚠️ <b>Possible crisis</b> {escalation_id}\n{patient}\n{summary}\n"
        "Patient was asked: “{reply}”\n"
        "On-call is paged if they answer No or Call me, or do not answer by {time} "
        "({minutes} min). Press Acknowledge if you are taking it now."
    ),
    "crisis_check_safe_staff": (
        "✅ {escalation_id}: the patient answered the safety check: <b>I'm safe</b>. "
        "Please follow up ({deadline})."
    ),
    "crisis_check_said_not_safe": "They answered the safety check: not safe",
    "crisis_check_said_call": "They answered the safety check: asked to be called",
    "crisis_check_no_answer": "No answer to the safety check within {minutes} min",
    "crisis_check_pressed_not_safe": "(answered “No” to “Are you safe right now?”)",
    "crisis_check_pressed_call": "(asked to be called after “Are you safe right now?”)",
    "crisis_check_pressed_safe": "(answered “Yes, I'm safe” to “Are you safe right now?”)",
    "crisis_staff_followup": (
        "🚨 <b>More from the patient</b> on alert {escalation_id}, not acknowledged yet "
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
        "crisis_reply_check_self_harm",
        "crisis_reply_check_emergency",
        "crisis_check_summary",
        "crisis_check_said_not_safe",
        "crisis_check_said_call",
        "crisis_check_no_answer",
        "crisis_check_pressed_not_safe",
        "crisis_check_pressed_call",
        "crisis_check_pressed_safe",
    }
)

# The staff lines (summaries, notices, what the patient answered) stay in the clinic's language.
STAFF_KEYS = frozenset(
    key
    for key in DEFAULTS
    if key.startswith(
        (
            "crisis_kind_",
            "crisis_channel_",
            "crisis_summary",
            "crisis_sender_",
            "crisis_check_said_",
            "crisis_check_pressed_",
            "crisis_staff_",
        )
    )
    or key
    in {
        "crisis_check_summary",
        "crisis_check_notice",
        "crisis_check_safe_staff",
        "crisis_check_no_answer",
    }
)
