"""The health questions by text (issue 11 item 3; CLINICAL.md section 1, S1-S9).

Each question is the safety-relevant item of CLINICAL.md's screening in words a lock screen may
show: no treatment, drug, "pain" or symptom word from the SMS policy ("passing water", not the
policy's words for it; "medicine given to put you to sleep", not the name of it). The patient
asks for them (the invitation, `patient_screening_request_sms`, says they will show on the
phone; Q starts them). Every text is
one GSM-7 segment; the "again" text, which repeats a question, two.
"""

DEFAULTS: dict[str, str] = {
    "sms_screen_q_S1": (
        "Q1/9: Heart trouble, a heart attack, chest tightness, an uneven heartbeat, or high "
        "blood pressure? Reply Y, N or ? if not sure"
    ),
    "sms_screen_q_S2": (
        "Q2/9: Ever told you have an aneurysm, a bleed in the brain, or a tangle of blood "
        "vessels there (AVM)? Reply Y, N or ?"
    ),
    "sms_screen_q_S3": (
        "Q3/9: Ever seen or heard things others could not, believed things that were not "
        "true, or had extreme highs, when not using drugs? Reply Y, N or ?"
    ),
    "sms_screen_q_S4": (
        "Q4/9: Liver trouble (such as cirrhosis or hepatitis) or heavy drinking? Reply Y, N or ?"
    ),
    "sms_screen_q_S5": (
        "Q5/9: A head injury, raised pressure in the head, glaucoma, an eye injury or eye "
        "surgery? Reply Y, N or ?"
    ),
    "sms_screen_q_S6": (
        "Q6/9: Alcohol or drug use that worries you or others, now or in the past? Reply Y, N or ?"
    ),
    "sms_screen_q_S7": "Q7/9: Pregnant, possibly pregnant, or breastfeeding? Reply Y, N or ?",
    "sms_screen_q_S8": (
        "Q8/9: Trouble passing water right now: stinging, needing to go urgently, or blood in "
        "it? Reply Y, N or ?"
    ),
    "sms_screen_q_S9": (
        "Q9/9: Ever had a bad reaction to medicine given to put you to sleep for surgery or a "
        "procedure? Reply Y, N or ?"
    ),
    "sms_screen_again": "Please reply Y (yes), N (no) or ? (not sure). {question}",
    "sms_screen_done": (
        "{clinic}: thank you, the clinic has your answers. A clinician reads them before your "
        "visit and may call you. Questions? Call {phone}."
    ),
    "sms_screen_already": (
        "{clinic}: thank you, the clinic has your answers already. Questions? Call {phone}."
    ),
    "sms_screen_no_record": (
        "{clinic}: we have no visit or request for this number. Reply BOOK to book one, or "
        "call {phone}."
    ),
    # --- staff (Telegram HTML, English) ---
    "sms_staff_screening_by_text": (
        "Answered by text, in short lock-screen wording; medicines and 0-10 scores were not "
        "asked: go through them at the consultation."
    ),
}

STAFF_KEYS = frozenset({"sms_staff_screening_by_text"})
