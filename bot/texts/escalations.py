"""Red-flag alerts for staff and the on-call phone (CLINICAL.md section 4).

Staff texts are Telegram HTML for the staff chat. `sms_oncall_page` goes to the on-call phone by
SMS: plain GSM-7, one segment, and neutral like every SMS (no symptom or treatment words); the
details are in the staff chat.
"""

DEFAULTS: dict[str, str] = {
    "esc_alert": (
        "🚨 <b>URGENT red flag</b> {escalation_id}\n{patient}\n{summary}\n"
        "Patient was told: “{reply}”\n⏰ {deadline}\n"
        "Page on-call now. Press Acknowledge when you take it."
    ),
    "esc_alert_climbed": (
        "🚨 <b>URGENT now: {why}</b> {escalation_id}\nRed flag: {level}\n{patient}\n"
        "{summary}\nPatient was told: “{reply}”\n⏰ {deadline}\n"
        "On-call is paged. Press Acknowledge when you take it."
    ),
    "esc_alert_repeat": (
        "🚨 <b>STILL NOT ACKNOWLEDGED</b> (page {page}) {escalation_id}\n{patient}\n{summary}\n"
        "Patient was told: “{reply}”\n⏰ {deadline}\nPress Acknowledge when you take it."
    ),
    "esc_notice": (
        "⚠️ <b>Red flag: {level}</b> {escalation_id}\n{patient}\n{summary}\n"
        "Patient was told: “{reply}”\n⏰ {deadline}\nA task is on the staff list."
    ),
    "esc_why_after_hours": "outside opening hours",
    "esc_why_deadline_passed": "deadline passed",
    "esc_deadline_now": "Deadline: now · owner: {owner}",
    "esc_deadline_at": "Deadline: {when} · owner: {owner}",
    "esc_owner_staff": "staff chat",
    "esc_owner_oncall": "on-call",
    "esc_owner_backup": "backup phone",
    "esc_via_oncall_sms": "on-call (SMS reply)",
    "esc_via_backup_sms": "backup phone (SMS reply)",
    "esc_via_oncall_call": "on-call (pressed 1 on the call)",
    "esc_via_backup_call": "backup phone (pressed 1 on the call)",
    "esc_taken": "A clinician has seen your answer and will contact you.",
    "esc_followup_unanswered": (
        "The follow-up questions were not answered within 15 minutes: paged as urgent"
    ),
    # What a patient hears after a lower-level flag (Telegram and SMS alike: plain words).
    "sms_esc_promise_today": "We will call you today, before {time}. If it gets worse, call 911.",
    "sms_esc_promise_by": "We will call you by {when}. If it gets worse, call 911.",
    "sms_esc_promise_on_call": (
        "Our on-call clinician has been alerted and will call you. If it gets worse, call 911."
    ),
    "esc_level_urgent": "urgent, page on-call now",
    "esc_level_callback_1h": "call the patient back within 1 hour",
    "esc_level_same_day": "same-day clinician call",
    "esc_level_business_day": "review within 1 business day",
    "esc_level_next_business_day": "review next business day",
    "esc_btn_ack": "✅ Acknowledge",
    "esc_acked": "✅ Alert {escalation_id} acknowledged by {name} at {time}.",
    "esc_ack_toast": "Acknowledged. Re-paging stopped.",
    "esc_ack_already": "Already acknowledged at {time}.",
    "esc_ack_unknown": "This alert no longer exists.",
    "esc_not_authorised": "Not authorised: only clinic staff can acknowledge alerts.",
    "sms_oncall_page": (
        "{clinic} URGENT alert {escalation_id}{repeat}: call patient {patient_ref} now{callback}. "
        "Reply ACK {escalation_id} or acknowledge in the staff chat."
    ),
    "sms_oncall_repeat": " (page {page}, unacknowledged)",
    "sms_esc_taken": "{clinic}: A clinician has seen your answer and will contact you.",
    "sms_ack_done": "Alert {escalation_id} acknowledged. Paging stopped. Thank you.",
    "sms_ack_already": "Alert {escalation_id} was already acknowledged at {time}.",
    "sms_ack_unknown": "There is no alert {escalation_id}. Reply ACK and the alert number.",
    "sms_ack_which": "Reply ACK and the alert number, e.g. ACK F-12. Open alerts: {ids}.",
    "sms_ack_refused": "{clinic}: this number cannot acknowledge alerts.",
    # Spoken on the voice call to on-call or backup: as neutral as an SMS (a loudspeaker).
    "voice_oncall_call": (
        "This is {clinic}. Urgent alert {escalation_id} needs a clinician now. "
        "Please check the staff chat or your text messages."
    ),
    "voice_press_1": "Press 1 to acknowledge alert {escalation_id}.",
    "voice_acknowledged": "Alert {escalation_id} is acknowledged. Paging has stopped. Goodbye.",
    "voice_not_acknowledged": "Nothing was acknowledged. Goodbye.",
    "voice_refused": "This number cannot acknowledge alerts. Goodbye.",
}

# Spoken by Twilio on a call: never parsed as Telegram HTML.
PLAIN_KEYS = frozenset(
    {
        "voice_oncall_call",
        "voice_press_1",
        "voice_acknowledged",
        "voice_not_acknowledged",
        "voice_refused",
    }
)

# Staff, on-call SMS and voice texts stay in the clinic's language; these reach a patient.
STAFF_KEYS = frozenset(DEFAULTS) - {
    "esc_taken",
    "sms_esc_taken",
    "sms_esc_promise_today",
    "sms_esc_promise_by",
    "sms_esc_promise_on_call",
}
