"""Red-flag alerts for staff and the on-call phone (CLINICAL.md section 4).

Staff texts are Telegram HTML for the staff chat. `sms_oncall_page` goes to the on-call phone by
SMS: plain GSM-7, one segment, and neutral like every SMS (no symptom or treatment words); the
details are in the staff chat.
"""

DEFAULTS: dict[str, str] = {
    "esc_alert": (
        "🚨 <b>URGENT red flag</b> #{escalation_id}\n{patient}\n{summary}\n"
        "Patient was told: “{reply}”\nPage on-call now. Press Acknowledge when you take it."
    ),
    "esc_alert_repeat": (
        "🚨 <b>STILL NOT ACKNOWLEDGED</b> (page {page}) #{escalation_id}\n{patient}\n{summary}\n"
        "Patient was told: “{reply}”\nPress Acknowledge when you take it."
    ),
    "esc_notice": (
        "⚠️ <b>Red flag: {level}</b> #{escalation_id}\n{patient}\n{summary}\n"
        "Patient was told: “{reply}”\nA task is on the staff list."
    ),
    "esc_level_urgent": "urgent, page on-call now",
    "esc_level_callback_1h": "call the patient back within 1 hour",
    "esc_level_same_day": "same-day clinician call",
    "esc_level_business_day": "review within 1 business day",
    "esc_level_next_business_day": "review next business day",
    "esc_btn_ack": "✅ Acknowledge",
    "esc_acked": "✅ Alert #{escalation_id} acknowledged by {name} at {time}.",
    "esc_ack_toast": "Acknowledged. Re-paging stopped.",
    "esc_ack_already": "Already acknowledged at {time}.",
    "esc_ack_unknown": "This alert no longer exists.",
    "esc_not_authorised": "Not authorised: only clinic staff can acknowledge alerts.",
    "sms_oncall_page": (
        "{clinic} URGENT alert {escalation_id}{repeat}: call patient {patient_ref} now{callback}. "
        "Acknowledge in the staff chat."
    ),
    "sms_oncall_repeat": " (page {page}, unacknowledged)",
}
