"""What staff read: commands' answers, the daily digest, and the notices staff actions send (HTML).

Patient-facing notices a staff action triggers (`patient_*`) are here too: the SMS versions
follow the SMS privacy rules (no treatment words) and stay one segment.
"""

DEFAULTS: dict[str, str] = {
    # --- access and usage ---
    "staff_not_authorised": "Sorry, this is for clinic staff only.",
    "staff_error": "Something went wrong on our side; nothing was changed. Please try again.",
    "staff_help": (
        "<b>Staff commands</b> (times are clinic time)\n"
        "/today, /tomorrow, /week – the schedule per resource\n"
        "/patient &lt;phone, name or P-id&gt; – visits, screening, consent, check-ins, "
        "outcomes and a pain chart\n"
        "/approve &lt;patient&gt; – approved for treatment after the consultation\n"
        "/done &lt;A-id&gt;, /noshow &lt;A-id&gt; – close a session\n"
        "/driver &lt;P-id&gt; &lt;phone or none&gt; – who picks the patient up (texted "
        "at Done)\n"
        "/series &lt;patient&gt; &lt;service&gt; &lt;count&gt; – plan a treatment series, "
        "then confirm\n"
        "/block &lt;date&gt; &lt;from&gt;-&lt;to&gt; [resource] [reason] – close time\n"
        "/unblock [B-id] – reopen blocked time\n"
        "/flags – open escalations and staff tasks, oldest first\n"
        "/screen &lt;patient&gt; – send the health questions to a patient never asked them\n"
        "/waitlist [offer W-id &lt;date&gt; &lt;time&gt;] – who is waiting for a freed time; "
        "offer one a time by hand\n"
        "/export &lt;from&gt; &lt;to&gt; – CSV of appointments and outcomes\n"
        "/outcomes [from to] – the clinic's outcomes\n"
        "/newpatient &lt;phone&gt; &lt;name&gt; – a patient without Telegram; pick a "
        "consultation time\n\n"
        "Services: {services}\nResources: {resources}\n"
        "Dates: 2027-03-05, 3/5, 5 Mar, today, tomorrow, fri. Times: 9-12, 9:30-13:00, 2pm-4pm."
    ),
    "staff_usage": "Usage: {usage}",
    "usage_patient": "/patient <phone, name or P-id>",
    "usage_week": "/week [date], e.g. /week 2027-03-08",
    "usage_today": "/today",
    "usage_tomorrow": "/tomorrow",
    "usage_flags": "/flags",
    "usage_approve": "/approve <phone, name or P-id> [override <reason>]",
    "usage_series": "/series <patient> <service> <count>, e.g. /series P-12 iv_infusion 6",
    "usage_block": "/block <date> <from>-<to> [resource] [reason], e.g. /block 2027-03-05 12-14 training",
    "usage_unblock": "/unblock [B-id]",
    "usage_export": "/export <from> <to>, e.g. /export 2027-03-01 2027-03-31",
    "usage_outcomes": "/outcomes [from to], e.g. /outcomes 2027-01-01 2027-03-31",
    "usage_newpatient": "/newpatient <phone> <name>, e.g. /newpatient +1 617 555 0123 Ana Lopez",
    "staff_bad_argument": "{problem}\nUsage: {usage}",
    "staff_unknown_service": "Unknown service {service}. Use one of: {services}.",
    "staff_unknown_patient": "No patient matches “{query}”.",
    "staff_ambiguous_patient": "Several patients match “{query}”; use the P-id:\n{items}",
    "staff_match_line": "• {id} {name} · {phone} · {channel}{approved}",
    "staff_match_approved": " · approved",
    "staff_refused": "Not done: {reason}",
    "staff_expired": "This button has expired or was already used; run the command again.",
    # --- schedule ---
    "staff_schedule_title": "🗓 <b>{title}</b>\n✅ confirmed · ⏳ not confirmed · ✔️ done · 🚫 no-show",
    "staff_title_today": "Today",
    "staff_title_tomorrow": "Tomorrow",
    "staff_title_week": "The next 7 days",
    "staff_day_open": "<b>{day}</b> · open {hours}",
    "staff_day_closed": "<b>{day}</b> · closed{reason}",
    "staff_day_empty": "  no appointments",
    "staff_day_count": "  {count} appointment(s)",
    "staff_unit": "<u>{unit}</u>",
    "staff_entry": "  {start}–{end} {service} · {name} ({patient_id}) {mark} {appointment_id}",
    "staff_block_line": "  ⛔ {start}–{end} blocked ({scope}): {reason} · {id}",
    "staff_scope_all": "whole clinic",
    "staff_more": "… and {count} more",
    # --- patient card ---
    "staff_card_title": "👤 <b>{name}</b> ({id})",
    "staff_card_contact": "📞 {phone} · prefers {channel}",
    # Shown for a patient who reads the bot in another language than the clinic's (issue 15).
    "staff_card_language": "🌐 Reads the bot in {language}",
    "staff_card_consent": "Consent: Telegram {telegram} · SMS {sms}{opt_out}",
    "staff_card_opt_out": " · SMS opt-out {when}",
    "staff_card_blocked": " · Telegram blocked {when}",
    "staff_card_yes": "✔ {when}",
    "staff_card_no": "—",
    "staff_card_approved": "Approved for treatment: {when} by {by}",
    "staff_card_not_approved": "Not yet approved for treatment: /approve {id}",
    "staff_card_flags": "⚠️ Screening flags for clinician review:\n{items}",
    "staff_card_no_flags": "Screening: no flags",
    "staff_card_medicines": "Medicines: {medicines}",
    "staff_card_driver": "Driver arranged (screening): {driver}",
    "staff_card_upcoming": "<b>Upcoming</b>",
    "staff_card_recent": "<b>Recent</b>",
    "staff_card_visit": "• {when} {service} · {status} {appointment_id}",
    "staff_card_none": "• none",
    "staff_card_counts": "Visits: {counts}",
    "staff_card_checkins": "<b>Check-ins</b>",
    "staff_card_checkin": "• {slot} after {appointment_id} · {status} {when}{pain}",
    "staff_card_checkin_pain": " · pain {pain}",
    "staff_card_outcomes": "<b>Outcomes</b>",
    "staff_card_baseline": "Baseline pain {baseline} · latest {latest}",
    "staff_card_no_baseline": "Baseline pain: not known yet (needs a pain answer before the first session)",
    "staff_card_latest": "{pain} at {slot} ({reduction} reduction, {response})",
    "staff_card_course": "Pain (reduction from baseline): {course}",
    "staff_card_relief": "Relief after series ending {when}: {days}",
    "staff_card_relief_days": "{days} days",
    "staff_card_relief_ongoing": "not lost so far",
    "staff_card_pgic": "PGIC: {pgic}",
    "staff_card_other": "PEG change {peg} · PHQ-2 latest {phq} · sessions with a Moderate+ side effect {moderate}",
    "staff_card_open_flags": "🚩 Open flags and tasks: {count} → /flags",
    "staff_chart_caption": "Average pain (0-10) over time; shaded bars are session days. {id}",
    # The words drawn on the chart itself (plain text; never the patient's name).
    "staff_chart_title": "{id} Average pain (0-10)",
    "staff_chart_pain": "Average pain",
    "staff_chart_session_day": "Session day",
    "staff_chart_baseline": "Baseline {value}",
    "staff_chart_responder": "−{pct}% (responder)",
    "staff_chart_empty": "No pain answers yet",
    "staff_response_none": "no response",
    "staff_response_responder": "responder",
    "staff_response_substantial": "substantial",
    "staff_pgic_responder": "much or very much improved",
    "staff_pgic_not_responder": "not much improved",
    "staff_not_asked": "not asked yet",
    # --- approval ---
    "staff_approved": "✅ {name} ({id}) is approved for treatment; they have been told and can book.",
    "staff_already_approved": "{name} ({id}) was already approved.",
    "staff_stamp_approved": "✅ Approved by {by} at {when}",
    # --- done / no-show / called ---
    "staff_stamp_done": "✔️ Done · {by} at {when}",
    "staff_stamp_no_show": "🚫 No-show · {by} at {when}",
    "staff_stamp_called": "📞 Called · {by} at {when}",
    "staff_toast_done": "Marked done",
    "staff_toast_no_show": "Marked no-show",
    "staff_toast_called": "Task closed",
    "staff_toast_already": "Already recorded: {status}",
    "staff_toast_not_found": "Not found; nothing changed.",
    # --- series ---
    "staff_series_plan": (
        "🗓 <b>Series for {name} ({id})</b>: {count} × {service}\n{items}\n"
        "Gaps {min_gap}–{max_gap} days. Nothing is booked until you confirm."
    ),
    "staff_series_item": "{n}. {when}",
    "staff_series_booked": "✅ Booked {count} session(s) for {name} ({id}), series {series}:\n{items}",
    "staff_series_failed": "⚠️ Could not book:\n{items}\nBook these by hand or run /series again.",
    "staff_series_failed_item": "• {when}: {reason}",
    "staff_series_replanned": "Some times were taken meanwhile; here is a new plan to confirm.",
    "staff_series_no_fit": "Not planned: {reason}. Nothing was booked.",
    "staff_not_treatment": "{service} is not a treatment service; series are for: {services}.",
    "staff_not_approved": "{name} ({id}) is not approved for treatment yet: /approve {id}",
    "staff_cancelled": "Cancelled; nothing was changed.",
    "staff_screening_answered": "📝 Health questions answered: {name} ({id})",
    "staff_screening_requested": (
        "📝 Health questions sent to {name} ({id}) in Telegram; you will see the answers here."
    ),
    "staff_screening_by_phone": (
        "{name} ({id}) has no Telegram chat with us: a text offers them the health questions "
        "by text (short wording; they reply Q to start). You will see the answers here."
    ),
    "staff_screening_not_reachable": (
        "{name} ({id}) cannot be reached here (no Telegram chat and no text consent): call "
        "them to ask the health questions."
    ),
    "usage_screen": "/screen <phone, name or P-id>",
    "staff_screening_already": (
        "{name} ({id}) has answered the health questions already: /patient {id}"
    ),
    "btn_staff_confirm_series": "✅ Book all {count}",
    "btn_staff_cancel": "Cancel",
    # --- blocks ---
    "staff_blocked": "⛔ Blocked {when} ({scope}): {reason} · {id}",
    "staff_block_exists": "That time is already blocked: {id}.",
    "staff_block_conflict": (
        "⚠️ {count} booked appointment(s) in that time; nothing changed yet:\n{items}\n"
        "Blocking keeps them booked: contact them to reschedule."
    ),
    "staff_block_kept": "Still booked in that time (contact them to reschedule):\n{items}",
    "btn_staff_block_anyway": "⛔ Block anyway",
    "staff_blocks_title": "<b>Upcoming blocks</b>\n{items}\nReopen one with /unblock B-id or a button.",
    "staff_blocks_none": "No upcoming blocks.",
    "staff_block_item": "• {id} {when} ({scope}): {reason}",
    "staff_unblocked": "✅ Reopened {id}: {when} ({scope}).",
    "staff_block_not_found": "No open block {id}.",
    "btn_staff_unblock": "Reopen {id}",
    # --- flags ---
    "staff_flags_title": "🚩 <b>Open flags and tasks</b>, most urgent first: {count}",
    "staff_flags_none": "No open flags or tasks. 🎉",
    "staff_flag_escalation": (
        "{n}. {mark} {level}{deadline}{taken} · {when} · {name} · {detail} [alert {id}]"
    ),
    "staff_flag_task": "{n}. 📋 {kind} · {when} · {name} · {detail} [task {id}]",
    "staff_flag_mark_urgent": "🔴",
    "staff_flag_mark_callback_1h": "🟠",
    "staff_flag_mark_same_day": "🟡",
    "staff_flag_mark_business_day": "🔵",
    "staff_flag_mark_next_business_day": "🟢",
    "staff_flag_due": " · due {when}",
    "staff_flag_overdue": " · ⏰ OVERDUE since {when}",
    "staff_flag_taken": " · taken",
    "btn_staff_flag_close": "✔ close alert {id}",
    "staff_close_question": "What was done for {what}?",
    "staff_close_what_cl": "task {id}",
    "staff_close_what_ce": "alert {id}",
    "btn_staff_outcome_called": "📞 Called",
    "btn_staff_outcome_no_answer": "📵 No answer",
    "btn_staff_outcome_not_needed": "✖ Not needed",
    "staff_stamp_closed": "✔ Closed ({outcome}) · {by} at {when}",
    "staff_outcome_called": "called",
    "staff_outcome_no_answer": "no answer",
    "staff_outcome_not_needed": "not needed",
    "btn_staff_task_done": "✔ task {id}",
    # --- export ---
    "staff_export_caption": "📄 Appointments {first} – {last}: {rows} row(s)\n{totals}",
    "staff_export_total": "{status} {count}",
    # --- outcomes ---
    "staff_outcomes_title": "📈 <b>Outcomes</b> ({period})",
    "staff_outcomes_all_time": "all time",
    "staff_outcomes_patients": "Patients treated: {treated} (baseline known for {with_baseline}, mean {baseline})",
    "staff_outcomes_reduction": "<b>Pain reduction from baseline</b> (per check-in)",
    "staff_outcomes_slot": "{slot}: mean {mean} · ≥{responder_pct}%: {responders} · ≥{substantial_pct}%: {substantial} (n={n})",
    "staff_outcomes_weekly": "weekly",
    "staff_outcomes_relief": "Relief after a series: median {median} (lost in {n}; {ongoing} not lost so far)",
    "staff_outcomes_pgic": "PGIC much or very much improved: {share} of {n} patient(s)",
    "staff_outcomes_peg": "PEG change (latest − first): mean {mean} (n={n})",
    "staff_outcomes_phq": "PHQ-2 ≥ {threshold} at the latest check-in: {high} of {n} patient(s)",
    "staff_outcomes_side_effects": "Sessions with a Moderate-or-worse side effect: {share} of {n}",
    "staff_outcomes_series": "Series completed: {share} of {n} finished series",
    "staff_outcomes_no_show": "No-show rate: {share} ({no_shows} of {due} due appointments)",
    "staff_outcomes_note": "<i>Staff only. Figures summarise patients' answers; they are not efficacy claims.</i>",
    "staff_na": "n/a",
    # --- digest ---
    "staff_digest_title": "☀️ <b>Good morning: {day}</b>",
    "staff_digest_unconfirmed": "<b>Not confirmed yet</b> (today and tomorrow): {count}",
    "staff_digest_unconfirmed_item": "• {when} {service} · {name} ({patient_id}) {appointment_id}",
    "staff_digest_flags": "<b>Open flags and tasks</b>: {count} (oldest first; /flags)",
    "staff_digest_none": "• none",
    # --- phone-only patients ---
    "staff_new_patient": (
        "👤 {state} {name} ({id}) · {phone} · {channel}\n"
        "Pick a {service} time; they get an SMS confirmation:"
    ),
    "staff_new_patient_created": "New patient",
    "staff_new_patient_existing": "Already on file:",
    "staff_no_times": "No free {service} times in the booking horizon.",
    "staff_offer_booked": "✅ Booked {service} for {name} ({id}): {when}. They get an SMS confirmation.",
    "staff_offer_already": "Already booked: {service} for {name} ({id}), {when}.",
    "staff_slot_taken": "That time was just taken; here are the next free times.",
    # --- to the patient, after a staff action ---
    "patient_approved_tg": (
        "Good news: after your consultation, the clinic has approved you for treatment "
        "sessions. You can book them now with /book."
    ),
    "patient_approved_sms": "{clinic}: you can now book your next visits. Call us on {phone} to choose your times.",
}

# Drawn on the chart picture or sent as its caption, never parsed as HTML.
PLAIN_KEYS = frozenset(
    {
        "staff_chart_caption",
        "staff_chart_title",
        "staff_chart_pain",
        "staff_chart_session_day",
        "staff_chart_baseline",
        "staff_chart_responder",
        "staff_chart_empty",
    }
)

# Staff texts stay in the clinic's language; only the approval message reaches a patient.
STAFF_KEYS = frozenset(DEFAULTS) - {"patient_approved_tg", "patient_approved_sms"}
