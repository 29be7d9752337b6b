"""Confirmation, reminders and discharge (CLINICAL.md section 2). Telegram is HTML; *_sms is plain
and must stay neutral (no treatment, drug, pain or symptom words) and within one SMS segment."""

DEFAULTS: dict[str, str] = {
    # --- buttons ---
    "btn_confirm": "✅ I'll be there",
    "btn_reschedule": "🔁 Change time",
    "btn_cancel": "✖️ Cancel",
    "btn_driver_yes": "🚗 My driver is arranged",
    "btn_driver_no": "I don't have a driver yet",
    # --- confirmation (for bookings not made in this chat: by SMS or by staff) ---
    "booked_tg": (
        "<b>Your appointment is booked</b>\n{service}\n🗓 {when}\n📍 {address}\n\n"
        "What to bring: {preparation}\n\nNeed to change it? Use the buttons below or call {phone}."
    ),
    "booked_sms": "{clinic}: appt booked {when}. Reply C to confirm, R to change, X to cancel. {phone}",
    # --- reminders ---
    "reminder_72h_tg": (
        "<b>Reminder:</b> {service} on {when}\n📍 {address}\n\n{checklist}\n\nPlease confirm you're coming."
    ),
    "reminder_24h_tg": ("<b>See you soon:</b> {service} on {when}\n📍 {address}\n\n{checklist}"),
    "reminder_2h_tg": "See you at {time} today at {address}. Call {phone} if you're running late.",
    "reminder_72h_sms": "{clinic}: reminder of your appt {when}. Reply C to confirm, R to change, X to cancel.",
    "reminder_24h_sms": "{clinic}: your appt is {when}. Please follow the prep sheet. Reply C to confirm. {phone}",
    "reminder_2h_sms": "{clinic}: see you at {time} today. Running late? Call {phone}",
    "checklist_treatment": (
        "Before you come:\n"
        "• An adult must drive you home and stay with you afterwards.\n"
        "• {fasting}\n"
        "• Make medicine changes only as your clinician instructed.\n"
        "• Wear comfortable clothes."
    ),
    "checklist_treatment_24h": (
        "Before you come:\n"
        "• Your adult driver: please confirm below.\n"
        "• {fasting}\n"
        "• No alcohol or recreational drugs before your visit.\n"
        "• Make medicine changes only as your clinician instructed."
    ),
    "checklist_consultation": "What to bring: {preparation}",
    "fasting_rule": (
        "Eat a light meal no later than {meal_until}; clear liquids only until {liquids_until}, "
        "then nothing by mouth."
    ),
    "driver_required": "An adult driver is required for your visit. We'll call you to help arrange it.",
    "driver_thanks": "Thank you, your driver is noted.",
    "confirmed_thanks": "Thank you, you're confirmed for {when}.",
    "already_confirmed": "You're already confirmed for {when}.",
    "appointment_not_active": "That appointment is no longer active. Tap /start to see your options.",
    # --- after a session ---
    # --- at Done: the patient may be picked up; the stored driver's phone is told (issue 11) ---
    "pickup_tg": (
        "🚗 <b>You're ready to go home.</b> Your driver can pick you up now at {address}. "
        "Please wait for them inside: don't leave on your own."
    ),
    "pickup_sms": "{clinic}: you are ready to go home. Your ride can pick you up now at {address}.",
    # To the driver: a time and a place, no name and nothing about the visit.
    "driver_pickup_sms": (
        "{clinic}: your passenger is ready to be picked up now at {address}. Questions? {phone}"
    ),
    "reminder_24h_driver_sms": (
        "{clinic}: your appt is {when}. Follow the prep sheet. Reply C to confirm, D once "
        "your ride home is arranged. {phone}"
    ),
    "discharge_tg": (
        "<b>Thank you for coming in today.</b>\nFor the next 24 hours:\n"
        "• No driving, no machinery and no big decisions.\n"
        "• Have an adult with you.\n"
        "• No alcohol or cannabis.\n\n"
        "We'll check in with you later with a few short questions.\n\n{emergency}"
    ),
    # The same advice as discharge_tg, in neutral words and one segment.
    "discharge_sms": (
        "{clinic}: thanks for your visit. Next 24 h: no driving, machinery, big decisions, "
        "alcohol or cannabis. Keep an adult with you. Urgent? Call 911."
    ),
}
