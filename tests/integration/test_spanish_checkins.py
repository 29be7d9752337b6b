"""Check-ins for a Spanish-speaking patient (issue 15 item 1): validated wordings, neutral SMS."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.db.models import Patient
from bot.domain.language import Language
from bot.domain.sms_keywords import InboundKind
from bot.domain.sms_policy import assert_sms_safe, is_gsm7
from bot.texts.i18n import use_language
from tests.checkin_helpers import (
    PATIENT_PHONE,
    World,
    build_world,
    done_session,
    open_slot,
    patient_messages,
    sms_answer,
    sms_patient,
    stored_answers,
    walk,
)
from tests.outbox_helpers import telegram_patient


@pytest.fixture(name="w")
def world_fixture(any_db, profile, clock) -> World:
    """The check-in services wired to fake channels (as in test_checkins_service)."""
    return build_world(any_db, profile, clock)


def speaks_spanish(w: World, patient_id: int) -> int:
    with w.db.session() as session:
        patient = session.exec(select(Patient).where(Patient.id == patient_id)).one()
        patient.language = Language.ES.value
    return patient_id


async def test_a_telegram_check_in_asks_the_spanish_phq_with_its_published_answers(w: World):
    patient_id = speaks_spanish(w, telegram_patient(w.db, now=w.clock.now()))
    appointment_id = done_session(w, patient_id=patient_id)
    checkin_id = await open_slot(w, appointment_id, "D7")

    opening = patient_messages(w)[-1]
    assert opening.startswith("Unas preguntas rápidas sobre cómo se ha sentido")
    assert "En una emergencia llame al 911" in opening
    with use_language(Language.ES):  # what the Telegram update of each press is read in
        results = await walk(w, checkin_id)
    shown = [message for _, result in results for message in result.messages]
    [phq1] = [m for m in shown if "poco interés o placer en hacer cosas" in m.text]
    assert "Durante las últimas 2 semanas" in phq1.text
    assert [button.text for row in phq1.buttons for button in row] == [
        "Ningún día",
        "Varios días",
        "Más de la mitad de los días",
        "Casi todos los días",
    ]
    answered = dict((code, result.answered or "") for code, result in results)
    assert "poco interés o placer en hacer cosas\n→ <b>Ningún día</b>" in answered["PHQ1"]
    assert any("Gracias. Sus respuestas quedan guardadas" in m.text for m in shown)
    assert stored_answers(w, checkin_id)["PHQ1"] == "0"  # stored by code, whatever the language


async def test_an_sms_check_in_in_spanish_is_neutral_gsm7_and_answered_with_si_and_no(w: World):
    patient_id = speaks_spanish(w, sms_patient(w))
    appointment_id = done_session(w, patient_id=patient_id)
    checkin_id = await open_slot(w, appointment_id, "D1")

    opening = w.sms.bodies_to(PATIENT_PHONE)[-1]
    with use_language(Language.ES):  # what SmsInbound.handle sets for this texter
        replies = [
            sms_answer(w, patient_id, InboundKind.NO),
            sms_answer(w, patient_id, InboundKind.NO),
            sms_answer(w, patient_id, InboundKind.NUMBER, 4),
        ]

    assert opening.startswith("Riverside Health: Desde su visita, problemas del pecho")
    assert opening.endswith("Emergencia: llame al 911. Crisis: llame o escriba al 988")
    assert "¿Tiene pensamientos de hacerse daño? Responda SI o NO." in replies[0]
    assert "Como se siente ahora, de 0 (bien) a 10 (lo peor)?" in replies[1]
    assert replies[2].startswith("Riverside Health: gracias, sus respuestas quedan guardadas")
    for text in [opening, *replies]:
        assert_sms_safe(text, max_segments=2)
        assert is_gsm7(text)
    assert stored_answers(w, checkin_id)["PAINNOW"] == "4"
