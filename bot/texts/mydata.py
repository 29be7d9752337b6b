"""The copy of a patient's data (/mydata): a plain-text document in the patient's language.

{when} values are dates in clinic time; "-" stands for "never" or "none".
"""

DEFAULTS: dict[str, str] = {
    "mydata_doc_title": "What {clinic} holds about you",
    "mydata_doc_prepared": "Prepared {when} (clinic time)",
    "mydata_doc_profile": "PROFILE",
    "mydata_doc_name": "Name: {name}",
    "mydata_doc_phone": "Phone: {phone}",
    "mydata_doc_phone_confirmed": " (confirmed {when})",
    "mydata_doc_telegram": "Telegram: {telegram}",
    "mydata_doc_connected": "connected",
    "mydata_doc_channel": "Messages go by: {channel}",
    "mydata_doc_created": "Record created: {when}",
    "mydata_doc_approved": "Approved for treatment: {when}",
    "mydata_doc_consents": "CONSENTS",
    "mydata_doc_telegram_consent": "Messages in Telegram agreed: {when}",
    "mydata_doc_sms_consent": "Text reminders agreed: {when}",
    "mydata_doc_sms_stopped": "Texts stopped (STOP): {when}",
    "mydata_doc_care_stopped": "Care messages stopped in Telegram: {when}",
    "mydata_doc_appointments": "APPOINTMENTS",
    "mydata_doc_visit": "{when}: {service}, {status} (booked {booked})",
    "mydata_doc_visit_cancelled": ", cancelled {when}",
    "mydata_doc_screening": "ANSWERS TO BOOKING QUESTIONS",
    "mydata_doc_checkins": "CHECK-IN ANSWERS",
    "mydata_doc_alerts": "ALERTS RAISED FOR STAFF",
    "mydata_doc_alert": "{when}: {level}, seen by staff {seen}",
}

# A text document, never Telegram HTML.
PLAIN_KEYS = frozenset(DEFAULTS)
