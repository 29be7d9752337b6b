"""The flows a booking draft can be in: plain names shared by the drafts (bot/services/drafts.py)
and the screens that show them (bot/presentation/booking_words.py)."""

from __future__ import annotations

BOOK = "book"
RESCHEDULE = "reschedule"
# The health questions alone, for a patient who was never asked them (booked by staff or by
# SMS, on the waitlist): the answers go to the patient's record without an appointment.
SCREEN = "screen"
