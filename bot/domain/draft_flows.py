"""The flows a booking draft can be in, and the health questions' codes (CLINICAL.md section 1):
plain names shared by the drafts (bot/services/drafts.py) and the screens that show them."""

from __future__ import annotations

BOOK = "book"
RESCHEDULE = "reschedule"
# The health questions alone, for a patient who was never asked them (booked by staff or by
# SMS, on the waitlist): the answers go to the patient's record without an appointment.
SCREEN = "screen"
SCREENING_CODES = tuple(f"S{n}" for n in range(1, 10))
