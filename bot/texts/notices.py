"""What the staff chat receives for every booking and change (HTML)."""

DEFAULTS: dict[str, str] = {
    "notice_booked": "🆕 <b>New booking</b> {appointment_id}\n{patient}\n{service}\n🗓 {when}\n{flags}",
    "notice_rescheduled": (
        "🔁 <b>Rescheduled</b> {appointment_id} (was {old_id})\n{patient}\n{service}\n"
        "🗓 {old_when} → <b>{when}</b>"
    ),
    "notice_cancelled": "✖️ <b>Cancelled</b> {appointment_id}{late}\n{patient}\n{service}\n🗓 {when}",
    "notice_late_suffix": " (late: inside the cut-off)",
    "notice_confirmed": "✅ Confirmed {appointment_id}: {patient}, {when}",
    "notice_unconfirmed": (
        "📞 <b>Call list</b>: {appointment_id} not confirmed 24 h before\n{patient}\n{service}\n🗓 {when}"
    ),
    "notice_driver_missing": (
        "🚗 <b>Driver not confirmed</b> {appointment_id}\n{patient}\n{service}\n🗓 {when}"
    ),
    "notice_unreachable": (
        "⚠️ <b>Could not reach patient</b> for {appointment_id}\n{patient}\nReason: {reason}"
    ),
    "notice_possibly_sent": (
        "❓ <b>Possibly sent</b>: a {kind} message to {patient} was being sent when the bot "
        "stopped. It may or may not have arrived, so it is not sent again. Check with the "
        "patient if it matters."
    ),
    "notice_flags_none": "Screening: no flags",
    "notice_flags": "⚠️ Screening flags for clinician review:\n{items}",
    "notice_patient": "{name} ({ref}) · {phone} · {channel}",
    "screen_label_S1": "S1 heart disease / blood pressure",
    "screen_label_S2": "S2 aneurysm / brain bleed / AVM",
    "screen_label_S3": "S3 psychosis / mania history",
    "screen_label_S4": "S4 liver disease / heavy drinking",
    "screen_label_S5": "S5 head injury / raised pressure / eye",
    "screen_label_S6": "S6 substance use / past misuse",
    "screen_label_S7": "S7 pregnant / breastfeeding",
    "screen_label_S8": "S8 bladder symptoms",
    "screen_label_S9": "S9 previous bad reaction",
    "btn_approve": "Approve for treatment",
    "btn_done": "Done",
    "btn_no_show": "No-show",
    "btn_called": "Called",
}

# Every text here goes to the staff chat: in the clinic's language, never translated.
STAFF_KEYS = frozenset(DEFAULTS)
