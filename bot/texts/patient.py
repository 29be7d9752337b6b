"""What a patient reads in their Telegram chat: welcome, consent, booking, appointments (HTML).

Values are escaped when inserted; button labels and command descriptions are plain text
(`PLAIN_KEYS` lists those the naming rules of `bot.texts` do not already cover).
Screening questions follow CLINICAL.md section 1. Nothing here advises, interprets answers or
promises results, and nothing tells anyone to stop a medicine.
"""

DEFAULTS: dict[str, str] = {
    # --- commands (the menu Telegram shows next to the text box) ---
    "cmd_start": "Welcome and main menu",
    "cmd_book": "Book an appointment",
    "cmd_appointments": "See, change or cancel your appointments",
    "cmd_contact": "The clinic's address and phone",
    "cmd_privacy": "How we look after your data",
    "cmd_help": "What I can do",
    # --- welcome and consent ---
    "start_welcome": (
        "Hello {first_name}, welcome to <b>{clinic}</b>.\n"
        "I can book your free consultation, remind you of your visits and help you change them."
    ),
    "start_welcome_back": "Welcome back, {first_name}.",
    "start_consent": (
        "<b>Before we begin</b>\n"
        "May we send your appointment confirmations, reminders and short follow-up questions "
        "here on Telegram?\n\n"
        "Telegram is convenient, but it is not a medical service: chats with bots are not "
        "end-to-end encrypted, and Telegram has no health-privacy agreement with us. We keep "
        "medical details out of messages wherever a button will do."
    ),
    "start_consent_yes": "Yes, message me here",
    "start_consent_no": "No, thanks",
    "start_consent_thanks": "Thank you. You can change your mind at any time by telling the clinic.",
    "start_consent_declined": (
        "That's fine: we won't send you care messages here. To book, please call us on {phone}. "
        "If you change your mind, send /start."
    ),
    "start_consent_needed": "Before I can book anything, I need your OK to message you here.",
    "start_emergency": (
        "This chat is not monitored around the clock. In an emergency call 911. "
        "If you are thinking about harming yourself, call or text 988."
    ),
    # --- menu and information ---
    "menu_prompt": "What would you like to do?",
    "menu_book": "📅 Book a consultation",
    "menu_book_approved": "📅 Book an appointment",
    "menu_appointments": "🗂 My appointments",
    "menu_contact": "📞 Contact the clinic",
    "menu_privacy": "🔒 Privacy",
    "menu_privacy_policy": "Read our privacy policy",
    # The other language, named in itself: the Spanish catalogue has "🌐 English" here.
    "menu_language": "🌐 Español",
    "language_chosen": "From now on I'll write to you in English.",
    "contact_details": (
        "<b>{clinic}</b>\n📍 {address}\n📞 {phone}\n\n<b>Opening hours</b>\n{hours}\n\n{emergency}"
    ),
    "contact_hours_line": "{weekday}: {ranges}",
    "contact_closed": "closed",
    "privacy_details": (
        "<b>Your privacy</b>\n"
        "We keep what you tell us to book and look after your care: your name, phone number, "
        "appointments and your answers to our questions. Only the clinic's staff see them.\n\n"
        "Telegram chats with bots are not end-to-end encrypted, so we keep medical details out "
        "of messages wherever a button will do. Text reminders show only the date, time and "
        "clinic name.\n\n"
        "A phone number you type is used for texts only after you confirm it with the code we "
        "text to it.\n\n"
        "/mydata sends you a copy of your data here, or asks us to delete it: staff review the "
        "request, then your name, number, Telegram link and our messages are removed, and the "
        "clinical record we must keep stays under a code instead of your name.\n"
        "Send <b>stop</b> to stop reminders and check-ins here (urgent replies still come); "
        "/start turns them back on.\n"
        "Unfinished bookings, the words of messages we sent and old codes are deleted after a "
        "while; a log of who did what is kept. Questions: call {phone}."
    ),
    "help_details": (
        "I can help with:\n"
        "/book – book an appointment\n"
        "/appointments – see, change or cancel your appointments\n"
        "/contact – the clinic's address, phone and hours\n"
        "/privacy – how we look after your data\n\n"
        "{emergency}"
    ),
    # --- the booking: service, day, time ---
    "book_choose_service": "Which appointment would you like to book?",
    "book_choose_day": (
        "<b>{service}</b>: choose a day.\nShowing {first} – {last}; only days with free times "
        "are shown."
    ),
    "book_choose_new_day": (
        "Choose a new day for your <b>{service}</b> (now {current}).\nShowing {first} – {last}; "
        "only days with free times are shown."
    ),
    "book_week_empty": "No free times this week: try another week.",
    "book_no_free_days": (
        "Sorry, there are no free times in the next {days} days. Please call us on {phone} and "
        "we'll find one for you."
    ),
    "book_earlier": "◀ Earlier",
    "book_later": "Later ▶",
    "book_choose_time": (
        "<b>{service}</b> on <b>{day}</b>: choose a time.\nTimes are clinic time ({zone})."
    ),
    "book_other_days": "📅 Other days",
    "book_day_full": "Sorry, {day} has just filled up. Please choose another day.",
    "book_time_gone": "Sorry, that time is no longer free. Please choose another.",
    "book_slot_taken": "Sorry, {when} was just taken by someone else.",
    "book_slot_unavailable": "Sorry, {when} can no longer be booked.",
    "book_patient_busy": "You already have an appointment at {when}, so I can't book this one then.",
    "book_choose_offered": "Here are the next free times (clinic time, {zone}):",
    "book_not_approved": (
        "That appointment needs a clinician's approval first. You can book a free consultation."
    ),
    # --- name and phone ---
    "book_ask_name": "What is your full name? Please type it as it appears on your photo ID.",
    "book_name_invalid": (
        "Sorry, I can't use that as a name. Please type your full name in letters, using up to "
        "{max} characters."
    ),
    "book_ask_phone": (
        "What phone number can we reach you on?\nTap <b>{button}</b> below, or type the number "
        "with its area code."
    ),
    "book_share_phone": "📱 Share my number",
    "book_phone_invalid": (
        "Sorry, {reason}. Please type the number again with its area code, or tap <b>{button}</b>."
    ),
    # Why a typed number was refused ({reason} above): bot.services.phones.normalize_phone.
    "book_phone_reason_format": "that does not look like a phone number",
    "book_phone_reason_invalid": "that number is not valid; check the digits and the area code",
    "book_phone_not_yours": "Please share your own number with the button, or type it.",
    "book_phone_saved": "Thank you, I've noted {phone}.",
    # --- screening (CLINICAL.md section 1) ---
    "book_screening_intro": (
        "<b>A few health questions</b> for the clinician. Your answers don't decide anything on "
        "their own: the clinician will go through them with you."
    ),
    "book_screening_question": "<b>Question {number} of {total}</b>\n{question}",
    "book_answer_yes": "Yes",
    "book_answer_no": "No",
    "book_answer_not_sure": "Not sure",
    "screening_S1": (
        "Do you have heart disease, or have you had a heart attack, chest pain, an irregular "
        "heartbeat, or high or hard-to-control blood pressure?"
    ),
    "screening_S2": (
        "Have you ever been told you have an aneurysm, a bleed in the brain, or an AV malformation?"
    ),
    "screening_S3": (
        "Have you ever had psychosis, schizophrenia, hallucinations or delusions when not using "
        "drugs, or mania?"
    ),
    "screening_S4": "Do you have liver disease (such as cirrhosis or hepatitis), or drink heavily?",
    "screening_S5": (
        "Have you had a head injury, raised pressure in the brain, glaucoma, an eye injury or eye "
        "surgery?"
    ),
    "screening_S6": (
        "Do you use alcohol or drugs in a way that worries you or others? Have you ever misused "
        "ketamine?"
    ),
    "screening_S7": "Are you pregnant, possibly pregnant, or breastfeeding?",
    "screening_S8": (
        "Do you have bladder symptoms now, such as pain passing urine, urgency, or blood in your "
        "urine?"
    ),
    "screening_S9": "Have you had a bad reaction to ketamine or to an anaesthetic before?",
    "book_ask_medicines": (
        "<b>Your current medicines</b>\nPlease type the medicines you take now, with doses if you "
        "know them. The clinician will go through them with you."
    ),
    "book_no_medicines": "I take no medicines",
    "book_medicines_none": "none",
    "book_medicines_too_long": (
        "That is longer than I can take in one answer ({max} characters). Please shorten it; the "
        "clinician will go through the details with you."
    ),
    "book_ask_pain_now": (
        "On a scale from 0 (no pain) to 10 (pain as bad as you can imagine), how much pain are "
        "you in <b>right now</b>?"
    ),
    "book_ask_pain_average": "And <b>on average over the last week</b>, from 0 to 10?",
    "book_ask_driver": (
        "Treatment visits need an adult to drive you home and stay with you afterwards. Do you "
        "have someone who could do that?"
    ),
    # --- text reminders, summary, confirmation ---
    "book_ask_sms": (
        "May we also send reminders by text message to {phone}? Texts show only the date, time "
        "and clinic name. Msg &amp; data rates may apply; reply STOP to opt out at any time."
    ),
    "book_sms_yes": "Yes, text me too",
    "book_sms_no": "No, just Telegram",
    "book_summary": (
        "<b>Please check your booking</b>\n{service}\n🗓 {when}\n📍 {address}\n👤 {name}\n"
        "📱 {phone}\n💬 Text reminders: {sms}"
    ),
    "book_summary_health": "\n🩺 Health questions: answered",
    "book_yes": "yes",
    "book_no": "no",
    "book_confirm": "✅ Confirm booking",
    "book_change": "✏️ Change something",
    "book_stop": "Stop booking",
    "book_change_prompt": "What would you like to change?",
    "book_change_service": "Appointment type",
    "book_change_when": "Date and time",
    "book_change_name": "Name",
    "book_change_phone": "Phone number",
    "book_change_health": "Health questions",
    "book_change_sms": "Text reminders",
    "book_back_to_summary": "Back to the summary",
    "book_confirmed": (
        "<b>You're booked</b> ✅\n{service}\n🗓 {when} (clinic time)\n📍 {address}\n\n"
        "<b>What to bring:</b> {preparation}\n\n"
        "The calendar file below adds it to your phone's calendar. To change it, use the buttons "
        "or call {phone}."
    ),
    "book_calendar_caption": "Add this to your calendar.",
    "book_calendar_cancel_caption": (
        "This visit is cancelled. Open this file to take it out of your calendar."
    ),
    "book_stopped": "OK, I've stopped. Nothing was booked.",
    # --- the health questions alone (booked by staff or by text, or on the waitlist) ---
    "menu_screening": "📝 Health questions for the clinic",
    "screen_summary": (
        "Thank you for answering. Send your answers to the clinic now? A clinician reads them "
        "before your visit."
    ),
    "screen_send": "✅ Send to the clinic",
    "screen_again": "✏️ Answer again",
    "screen_stop": "Not now",
    "screen_sent": "Thank you: the clinic has your answers.",
    "screen_invite_booked": (
        "Before your visit the clinic needs your answers to a few health questions. It takes "
        "about two minutes."
    ),
    "patient_screening_request_tg": (
        "{clinic} asks you to answer a few health questions before your visit. It takes about "
        "two minutes; a clinician reads your answers."
    ),
    # By text the questions come one by one once the patient asks (Q): the invitation says
    # they will show on the phone (bot/texts/sms_screening.py holds them).
    "patient_screening_request_sms": (
        "{clinic}: before your visit please answer 9 yes/no health questions by text. They "
        "will show on your phone. Reply Q to start, or call {phone}."
    ),
    "book_resume_offer": (
        "You were part-way through booking. Would you like to carry on where you left off, or "
        "start again?"
    ),
    "book_resume": "Carry on",
    "book_restart": "Start again",
    "book_draft_expired": "Your unfinished booking was cleared after a while. Let's start again.",
    "book_draft_cleared": (
        "Your unfinished booking was cleared after a while. Tap Book whenever you're ready."
    ),
    # --- old buttons and unexpected input ---
    "book_button_expired": "That button is from an earlier message and has expired.",
    "book_button_expired_here": (
        "That button is from an earlier message and has expired. Here is where you are now:"
    ),
    "book_toast_noted": "Already noted ✓",
    "book_use_buttons": "Please answer with one of the buttons below.",
    "book_nothing_to_do": "I work with buttons: here is what I can do.",
    "input_unknown_command": "Sorry, I don't know that command.",
    "input_unsupported": "Sorry, I can only read text messages and button taps.",
    # --- calendar file (neutral: calendars sync to other devices and services) ---
    "ics_summary": "Appointment at {clinic}",
    "ics_description": "{clinic}, {address}. To change or cancel, use the Telegram chat or call {phone}.",
    # --- my appointments ---
    "appts_none": "You have no upcoming appointments.",
    "appts_header": "<b>Your upcoming appointments</b>",
    "appts_item": "{number}. {service}\n    🗓 {when}",
    "appts_btn_reschedule": "🔁 Change #{number}",
    "appts_btn_cancel": "✖️ Cancel #{number}",
    "appts_cancel_ask": "Cancel your <b>{service}</b> on {when}?",
    "appts_cancel_yes": "Yes, cancel it",
    "appts_cancel_keep": "No, keep it",
    "appts_cancelled": "Your {service} on {when} is cancelled.",
    "appts_cancelled_late": "\nAs this was less than {hours} hours before, we've let the clinic know.",
    "appts_book_again": "📅 Book another time",
    "appts_kept": "Good: your appointment on {when} stays as it is.",
    "appts_too_late": (
        "Changes less than {hours} hours before an appointment need a quick call: please ring "
        "{phone}."
    ),
    "appts_started": "That appointment has already started. Please call {phone} if you need help.",
    "appts_gone": "That appointment is no longer active. Here are your upcoming ones:",
    "resched_summary": (
        "<b>Move your appointment?</b>\n{service}\nFrom: {old}\nTo: <b>{new}</b> (clinic time)"
    ),
    "resched_confirm": "✅ Move it",
    "resched_other_time": "Choose another time",
    "resched_keep": "Keep the current time",
    "resched_done": (
        "<b>Your appointment has moved</b> ✅\n{service}\n🗓 {when} (clinic time)\n📍 {address}\n\n"
        "The calendar file below has the new time."
    ),
}

# Shown as they are (buttons, a toast, words inserted escaped into other texts), never as HTML.
PLAIN_KEYS = frozenset(
    {
        "start_consent_yes",
        "start_consent_no",
        "menu_book",
        "menu_book_approved",
        "menu_appointments",
        "menu_contact",
        "menu_privacy",
        "menu_privacy_policy",
        "menu_language",
        "contact_hours_line",
        "contact_closed",
        "book_earlier",
        "book_later",
        "book_other_days",
        "book_share_phone",
        "book_phone_reason_format",
        "book_phone_reason_invalid",
        "book_answer_yes",
        "book_answer_no",
        "book_answer_not_sure",
        *(f"screening_S{n}" for n in range(1, 10)),
        "book_no_medicines",
        "book_medicines_none",
        "book_sms_yes",
        "book_sms_no",
        "book_yes",
        "book_no",
        "book_confirm",
        "book_change",
        "book_stop",
        "menu_screening",
        "screen_send",
        "screen_again",
        "screen_stop",
        "book_change_service",
        "book_change_when",
        "book_change_name",
        "book_change_phone",
        "book_change_health",
        "book_change_sms",
        "book_back_to_summary",
        "book_resume",
        "book_restart",
        "appts_cancel_yes",
        "appts_cancel_keep",
        "appts_book_again",
        "resched_confirm",
        "resched_other_time",
        "resched_keep",
    }
)
