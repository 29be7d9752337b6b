"""The staff notice for health answers given outside a booking (Telegram or text)."""

from __future__ import annotations

import html
from collections.abc import Mapping

from bot.domain.refs import patient_ref
from bot.domain.screening import SCREENING_CODES
from bot.texts import Texts

FLAGGING = ("yes", "not_sure")  # CLINICAL.md section 1: any Yes or Not sure goes to a clinician


def screening_notice_html(
    texts: Texts, *, name: str | None, patient_id: int, answers: Mapping[str, object]
) -> str:
    """For staff (in the clinic's language): who answered, and what needs a clinician."""
    flagged = [code for code in SCREENING_CODES if answers.get(code) in FLAGGING]
    if flagged:
        items = "\n".join(
            "• "
            + html.escape(texts.plain(f"screen_label_{code}"), quote=False)
            + ": "
            + str(answers[code]).replace("_", " ")
            for code in flagged
        )
        flags = texts.raw("notice_flags").format(items=items)
    else:
        flags = texts.html("notice_flags_none")
    return (
        texts.html(
            "staff_screening_answered", name=name or "(no name yet)", id=patient_ref(patient_id)
        )
        + "\n"
        + flags
    )
