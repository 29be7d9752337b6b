"""The notices staff actions send a patient (approved, health questions requested): queued on the
patient's channel in the caller's transaction, rendered when sent (the PATIENT_NOTICE renderer)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.db.models import Patient
from bot.domain.callback_data import MenuPress, MenuVerb
from bot.domain.enums import OutboxKind
from bot.messaging.channels import Button, OutgoingMessage
from bot.services.outbox import enqueue
from bot.services.planner import patient_channel
from bot.services.rendering import RenderContext, Renderers, Skip
from bot.services.sms_screening import has_screening

PATIENT_NOTICE_KEYS = frozenset({"approved", "screening_request"})
PATIENT_NOTICE = OutboxKind.PATIENT_NOTICE


def enqueue_patient_notice(
    session: Session, *, patient: Patient, text_key: str, now: datetime
) -> bool:
    """Queue a fixed notice for a patient on their channel (rendered when it is sent)."""
    if text_key not in PATIENT_NOTICE_KEYS:
        raise ValueError(f"unknown patient notice {text_key!r}")
    assert patient.id is not None
    return enqueue(
        session,
        kind=PATIENT_NOTICE,
        channel=patient_channel(patient),
        due_at=now,
        dedupe_key=f"patient_notice:{text_key}:{patient.id}",
        now=now,
        patient_id=patient.id,
        payload={"text_key": text_key},
    )


def render_patient_notice(ctx: RenderContext) -> OutgoingMessage:
    key = str(ctx.payload.get("text_key", ""))
    if key not in PATIENT_NOTICE_KEYS:
        raise Skip(f"unknown patient notice {key!r}")
    patient_id = ctx.row.patient_id
    if key == "screening_request" and patient_id and has_screening(ctx.session, patient_id):
        raise Skip("answered already")  # on Telegram, or by text, since it was queued
    values = {"clinic": ctx.profile.clinic.name, "phone": ctx.profile.clinic.phone}
    if ctx.is_sms:
        return OutgoingMessage(ctx.texts.plain(f"patient_{key}_sms", **values))
    buttons: list[list[Button]] = []
    if key == "screening_request":
        label = ctx.texts.plain("menu_screening")
        buttons = [[Button(label, data=MenuPress(MenuVerb.SCREENING).pack())]]
    return OutgoingMessage(ctx.texts.html(f"patient_{key}_tg", **values), buttons=buttons)


RENDERERS: Renderers = {PATIENT_NOTICE: render_patient_notice}
