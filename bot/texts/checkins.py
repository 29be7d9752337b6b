"""Texts of the post-session check-ins (the question wording itself lives in the clinic profile).

Telegram texts are HTML. `sms_checkin_` texts are read on a lock screen: plain GSM-7, one segment
with the clinic's name filled in, and never the treatment, a drug, "pain", a diagnosis or a
symptom (`assert_sms_safe`). By SMS a check-in asks only the safety screen, in plain words that
pass that check (the urgent signs together), and one 0-10 score in neutral words. Each carries
the emergency and crisis numbers.
"""

DEFAULTS: dict[str, str] = {
    # --- Telegram (HTML) ---
    "checkin_intro": (
        "A few quick questions about how you have been since your treatment.\n\n{emergency}"
    ),
    "checkin_presession_intro": (
        "A few questions before your session on {when}. Your care team reads them before "
        "you come in.\n\n{emergency}"
    ),
    "checkin_nudge": "A reminder: your check-in is still open. It takes about a minute.",
    "checkin_done": "Thank you. Your answers are saved for your care team.",
    "checkin_answered": "{question}\n→ <b>{answer}</b>",
    # Toasts shown on a button press that records nothing.
    "checkin_already_recorded": "Already recorded, thank you.",
    "checkin_closed": "This check-in is already closed. Thank you.",
    "checkin_not_asked": "This question is no longer open.",
    "checkin_not_found": "This check-in is not available.",
    # --- staff chat (HTML) ---
    "checkin_staff_missed": (
        "📋 <b>Check-in not completed</b>: {slot} after session {appointment_id}\n"
        "{patient}\nAnswered {answered} of {total} questions; nudged once. Please call them."
    ),
    "checkin_staff_unsent": (
        "📋 <b>Safety check-in not sent</b>: {slot} after session {appointment_id}\n"
        "{patient}\nIt could not go out before its window closed ({until}): the bot or the "
        "messaging service was down. The safety questions were not asked. Please call them."
    ),
    # --- SMS (plain, neutral, one segment) ---
    "sms_checkin_open": "{clinic}: {question} Emergency: call 911. Crisis: call or text 988",
    "sms_checkin_nudge": "{clinic} reminder: {question} Emergency: call 911. Crisis: call or text 988",
    "sms_checkin_next": "{clinic}: {question} Emergency: call 911. Crisis: call or text 988",
    # The urgent safety items asked together, in words a lock screen may show.
    "sms_checkin_q_signs": (
        "Since your visit, any trouble with your chest or breathing, passing out, sudden "
        "weakness on one side, trouble speaking or seeing, or swelling of your face or throat? "
        "Reply Y or N."
    ),
    # Another safety item, in the profile's own words when they are SMS-safe ({text}).
    "sms_checkin_q_sign": "{text} Reply Y or N.",
    "sms_checkin_q_sign_other": (
        "Since your visit, anything else worrying you should tell us now? Reply Y or N."
    ),
    # The pre-session Yes/No items asked together (CLINICAL.md 4c), in words a lock screen may show.
    "sms_checkin_q_presession": (
        "Before your next visit: any new medicines, chance of pregnancy, alcohol or drugs in "
        "the last day, trouble fasting, no ride home yet, or a problem from last time? "
        "Reply Y or N."
    ),
    # A 0-10 question other than pain, in the profile's own words ({text}).
    "sms_checkin_q_own_score": "{text} Reply with the number.",
    "sms_checkin_q_score": "Rate how you feel now, 0 (fine) to 10 (worst). Reply with the number.",
    "sms_checkin_yes_no": "{clinic}: please reply Y or N. Emergency: call 911. Crisis: call or text 988",
    "sms_checkin_number": "{clinic}: please reply with one number from 0 to 10. Emergency: call 911. Crisis: call or text 988",
    "sms_checkin_done": "{clinic}: thank you, your answers are saved. Emergency: call 911. Crisis: call or text 988",
    "sms_checkin_closed": "{clinic}: thank you, nothing is waiting for a reply. Emergency: call 911. Crisis: call or text 988",
    # The fixed red-flag replies (CLINICAL.md section 4) in words a lock screen may show; by key
    # of the profile's [red_flags.replies]. A key without its own text uses sms_checkin_reply.
    "sms_checkin_reply_emergency": (
        "{clinic}: Call 911 now or go to the nearest emergency room. Don't drive yourself."
    ),
    "sms_checkin_reply_crisis": (
        "{clinic}: call or text 988 now to talk to someone, any time. If you are in danger, "
        "call 911. Our on-call team will contact you."
    ),
    "sms_checkin_reply_crisis_urgent": (
        "{clinic}: please call or text 988 now, or call 911 if you are in danger. "
        "Our on-call team will contact you."
    ),
    "sms_checkin_reply_clinician_today": (
        "{clinic}: a clinician will contact you today. If it gets worse, call 911."
    ),
    "sms_checkin_reply_care_team_informed": "{clinic}: we've let your care team know.",
    "sms_checkin_reply_care_team_review": "{clinic}: thanks, your care team will review this.",
    "sms_checkin_reply_presession_review": (
        "{clinic}: thank you. The clinic will call you before your visit."
    ),
    "sms_checkin_reply": (
        "{clinic}: thank you, your care team will contact you. If it gets worse, call 911."
    ),
}

# The staff chat's texts (never translated); the rest reach a patient.
STAFF_KEYS = frozenset({"checkin_staff_missed", "checkin_staff_unsent"})
