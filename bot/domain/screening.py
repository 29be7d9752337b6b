"""The booking's health questions (CLINICAL.md section 1): their codes, and the answers staff
review ("yes" and "not sure")."""

from __future__ import annotations

SCREENING_CODES = tuple(f"S{n}" for n in range(1, 10))
FLAG_ANSWERS = frozenset({"yes", "not_sure"})
