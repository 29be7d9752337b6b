"""Issue 11: sessions nobody closed, preparation at booking, approvals, series, the driver (HTML).

`patient_*_sms` texts follow the SMS privacy rules (no treatment words) and stay short.
"""

DEFAULTS: dict[str, str] = {
    # --- screening never done (booked by staff or by SMS) ---
    "notice_not_screened": "⚠️ Screening: not screened (no answers on record)",
    "staff_card_not_screened": "⚠️ Screening: not screened (no answers on record)",
    # --- a treatment's preparation (confirmation, preparation message, My appointments) ---
    "prep_title": "<b>How to prepare</b>",
    "prep_fasting": "• {cutoffs}, then nothing by mouth.",
    # {cutoffs} above and in prep_message_sms (plain; in SMS too: neutral words only).
    "prep_cutoffs": "{day}: light meal by {meal}, clear liquids until {liquids}",
    "prep_time_on_day": "{time} on {day}",
    "prep_driver": "• An adult must drive you home and stay with you afterwards.",
    "prep_medicines": (
        "• Take your usual medicines with a sip of water unless the clinic told you otherwise."
    ),
    "prep_message_tg": "<b>Preparing for your visit:</b> {service} on {when}\n📍 {address}\n\n{block}",
    "appts_item_detail": "    📍 {address}\n    {status}",
    "appts_confirmed": "✅ confirmed",
    "appts_not_confirmed": "⏳ not confirmed yet",
    "appts_btn_calendar": "📅 #{number}",
    "prep_message_sms": (
        "{clinic}: before your appt {when}: {cutoffs}, then nothing by mouth. An adult must "
        "drive you home. Questions? {phone}"
    ),
    # --- a session past its end without Done / No-show (staff chat) ---
    "staff_session_open": (
        "⏰ <b>Session not closed</b> {appointment_id}\n{patient}\n{service}, {when} "
        "(ended {end})\nDid the patient attend? Press Done (discharge advice and check-ins "
        "start) or No-show."
    ),
    "staff_session_open_again": (
        "⏰ <b>Still not closed</b> {appointment_id}\n{patient}\n{service}, {when} "
        "(ended {end})\nWithout an answer, aftercare starts as if the patient attended."
    ),
    "staff_session_assumed": (
        "⚠️ <b>Attendance assumed</b> {appointment_id}\n{patient}\n{service}, {when} "
        "(ended {end})\nNobody pressed Done or No-show, so discharge advice and check-ins "
        "started as if the patient attended. Press No-show if they did not come, Done to "
        "confirm."
    ),
    "staff_digest_open_sessions": "<b>Sessions not closed</b> ({count}):",
    "staff_digest_open_item": "• {when} {service} · {name} ({patient_id}) · appointment "
    "{appointment_id}{assumed} · /done {appointment_id} or /noshow {appointment_id}",
    "staff_digest_assumed": " · attendance assumed",
    "usage_done": "/done <appointment, e.g. A-42>, e.g. /done A-42",
    "usage_noshow": "/noshow <appointment, e.g. A-42>, e.g. /noshow A-42",
    "staff_done_recorded": "✔️ {appointment_id} marked Done. {aftercare}",
    "staff_done_aftercare": "Discharge advice and check-ins are on their way.",
    "staff_done_no_aftercare": "No aftercare after a consultation.",
    "staff_noshow_recorded": "🚫 {appointment_id} marked No-show; what it still had planned is cancelled.",
    "staff_leaving_early": (
        "❓ <b>Leaving early?</b> {appointment_id} is booked until {end}. Press Yes if the "
        "patient is leaving now: the discharge advice and check-ins start then. If not, press "
        "Done when they leave."
    ),
    "btn_leaving_now": "Yes, leaving now",
    # --- a series session missed or cancelled, nothing rebooked within the gap (staff) ---
    "notice_series_interrupted": (
        "🔁 <b>Series interrupted</b> {appointment_id}\n{patient}\n{service}, {when}: "
        "{missed}, and nothing booked within {days} days. Please call the patient."
    ),
    "notice_series_no_show": "no-show",
    "notice_series_cancelled": "cancelled",
    # --- the driver's phone (/driver) ---
    "usage_driver": "/driver <patient, e.g. P-12> <phone or none>, e.g. /driver P-12 +1 617 555 0177",
    "staff_driver_saved": (
        "🚗 Driver's phone saved for patient {patient_id} (…{ending}). At Done they get a "
        "text that the patient is ready to be picked up (no details of the visit)."
    ),
    "staff_driver_cleared": "🚗 Driver's phone removed for patient {patient_id}.",
    # --- /series: warnings before booking, one summary to the patient after ---
    "staff_series_warn_flags": (
        "⚠️ <b>{count} open red flag(s)</b> for this patient: see /flags before booking."
    ),
    "staff_series_warn_not_screened": (
        "⚠️ <b>Not screened</b>: no screening answers on record. Check them before booking."
    ),
    "series_summary_tg": (
        "<b>Your {count} sessions are booked</b> ({service})\n{items}\n📍 {address}\n\n"
        "{preparation}\n\nA calendar file for each visit follows; a reminder comes before each."
    ),
    "series_summary_item": "• {when}",
    "series_summary_sms": (
        "{clinic}: {count} appts booked: {dates}. A reminder comes before each. Questions? {phone}"
    ),
    # --- a staff button pressed on an older state of the appointment (plain toasts) ---
    "staff_toast_stale_moved": "Out of date: {id} was moved to {new} ({when}); nothing was changed.",
    "staff_toast_stale_cancelled": "Out of date: {id} was cancelled ({when}); nothing was changed.",
    "staff_toast_stale_no_show": (
        "Out of date: {id} was marked No-show; nothing was changed. To correct: /done {id}"
    ),
    "staff_toast_stale_assumed": (
        "Out of date: {id} was marked attended (assumed); nothing was changed. To confirm: "
        "/done {id}, to correct: /noshow {id}"
    ),
    "staff_toast_stale_done": (
        "Out of date: {id} was marked Done ({when}); nothing was changed. To correct: /noshow {id}"
    ),
    "staff_btn_done_row": "✔️ Done {appointment_id}",
    "staff_btn_noshow_row": "🚫 No-show {appointment_id}",
}

# Words placed inside other texts (escaped there), never parsed as HTML themselves.
PLAIN_KEYS = frozenset({"prep_cutoffs", "prep_time_on_day"})

# The staff chat's texts (never translated); the rest reach a patient.
STAFF_KEYS = frozenset(
    key
    for key in DEFAULTS
    if key.startswith(("staff_", "notice_", "usage_")) or key == "btn_leaving_now"
)
