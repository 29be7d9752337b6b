"""A Spanish-speaking patient on Telegram and by SMS (issue 15 item 1).

Telegram: the real Application over the local Bot API double; the patient's app is in Spanish, so
/start answers in Spanish, the booking, its confirmation, dates and calendar file are Spanish,
the staff chat stays English, and the menu switches to English. SMS: Twilio-signed webhooks.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlmodel import select

import bot.app
from bot.db.models import Appointment, AuditLog, Patient
from bot.domain.enums import OutboxStatus
from bot.domain.language import Language
from bot.domain.sms_policy import assert_sms_safe, is_gsm7
from bot.presentation.preparation_words import PREPARATION_SMS_SEGMENTS, fasting_cutoffs
from bot.texts import Texts
from bot.texts.i18n import use_language
from tests.booking_helpers import with_capacity
from tests.fakes import FakeSms
from tests.journey_helpers import (
    ALICE,
    BOB,
    STAFF_CHAT,
    open_journey,
    press_first_day,
    press_first_time,
)
from tests.miniapp_helpers import call, init_data, web_client, with_mini_app
from tests.outbox_helpers import booking_with_planner, dispatcher, rows
from tests.sms_helpers import PHONE, Conversation, make_inbound
from tests.web_helpers import post_signed, reply_of, sms


async def test_a_spanish_speaking_patient_books_on_telegram_in_spanish(database, clock):
    async with open_journey(database, clock) as journey:
        ana = journey.patient(ALICE, "Ana", language_code="es-MX")
        await ana.send_command("/start")
        welcome = ana.last_message()
        assert "Hola, Ana, bienvenido/a a Riverside Health" in welcome.text
        assert "En una emergencia llame al 911" in welcome.text
        assert welcome.button_labels == ["Sí, escríbanme aquí", "No, gracias", "🌐 English"]
        [patient] = journey.patients()
        assert patient.language == "es"  # chosen from her app's language at /start

        await ana.press("Sí, escríbanme aquí")
        assert ana.last_message().button_labels == [
            "📅 Reservar una consulta",
            "🗂 Mis citas",
            "📞 Contactar con la clínica",
            "🔒 Privacidad",
            "🌐 English",
        ]
        await ana.press("📅 Reservar una consulta")
        assert "Consulta gratuita: elija un día" in ana.last_message().text
        await press_first_day(ana)
        assert "martes, 2 de marzo" in ana.last_message().text
        assert "8:30 a.m." in ana.last_message().button_labels
        await press_first_time(ana)
        assert "¿Cuál es su nombre completo?" in ana.last_message().text
        await ana.send_text("Ana García")
        await ana.share_contact("+12015550123")
        for _ in range(9):
            assert "Pregunta" in ana.last_message().text
            await ana.press("No")
        await ana.send_text("Ninguna")
        assert "cuánto dolor tiene ahora mismo" in ana.last_message().text
        await ana.send_text("seis")  # a number written in Spanish counts as the button
        await ana.press("5")
        await ana.press("Sí")
        await ana.press("Sí, también por texto")
        summary = ana.last_message()
        assert "Revise su reserva" in summary.text
        assert "Ana García" in summary.text
        await ana.press("✅ Confirmar la reserva")

        confirmation, calendar = journey.bot_messages(ALICE)[-2:]
        assert "Su cita está reservada" in confirmation.text
        assert "martes, 2 de marzo de 2027, 8:30 a.m. (hora de la clínica)" in confirmation.text
        assert "Traiga una identificación con foto" in confirmation.text
        assert confirmation.button_labels == ["🔁 Cambiar la hora", "✖️ Cancelar"]
        [event] = Calendar.from_ical(calendar.document_bytes.decode("utf-8")).walk("VEVENT")
        assert str(event["SUMMARY"]) == "Cita en Riverside Health"
        assert "dolor" not in calendar.document_bytes.decode("utf-8").lower()

        await journey.dispatch()
        [notice] = [m for m in journey.double.chat_log(STAFF_CHAT) if m.from_bot]
        assert "New booking" in notice.text  # staff read the clinic's language
        assert "Tuesday 2 March 2027 at 8:30 AM" in notice.text

        await ana.send_command("/mydata")
        await ana.press("Enviarme mis datos")
        copy = ana.last_message().document_bytes.decode("utf-8")
        assert "Lo que Riverside Health tiene sobre usted" in copy
        assert "Nombre: Ana García" in copy
        assert "martes, 2 de marzo de 2027, 8:30 a.m.: Consulta gratuita" in copy

        await ana.send_command("/start")
        await ana.press("🌐 English")
        switched = ana.last_message()
        assert "From now on I'll write to you in English." in switched.text
        assert "🌐 Español" in switched.button_labels
        [patient] = journey.patients()
        assert patient.language == "en"
        with journey.core.db.session(write=False) as session:
            actions = [row.action for row in session.exec(select(AuditLog)).all()]
        assert actions.count("patient.language") == 2


async def test_an_english_app_gets_english_and_can_switch_to_spanish_before_consent(
    database, clock
):
    async with open_journey(database, clock) as journey:
        bob = journey.patient(ALICE, "Bob", language_code="fr")  # no catalogue: English
        await bob.send_command("/start")
        assert "welcome to" in bob.last_message().text
        await bob.press("🌐 Español")
        again = bob.last_message()
        assert "bienvenido/a a" in again.text
        assert "Antes de empezar" in again.text
        await bob.send_command("/help")
        assert "Puedo ayudarle con" in bob.last_message().text


def _signed_client(core):
    from bot.web.app import create_web_app
    from tests.web_helpers import asgi_client, inbound_for

    return asgi_client(create_web_app(core=core, inbound=inbound_for(core)))


async def test_a_spanish_speaking_patient_books_by_sms_through_signed_webhooks(sqlite_db, clock):
    from tests.web_helpers import make_core

    core = make_core(sqlite_db, clock)
    async with _signed_client(core) as client:

        async def text(body: str) -> str | None:
            return reply_of(await post_signed(client, "/twilio/sms", sms(body)))

        chosen = await text("Español")
        assert chosen is not None
        assert "le escribiremos en español" in chosen
        offer = await text("cita")
        assert offer is not None
        assert "horas libres: 1) mar 2 mar 8:30 a.m." in offer
        assert "Responda 1, 2 o 3" in offer
        ask = await text("1")
        assert ask is not None
        assert "responda con su nombre completo" in ask
        booked = await text("Ana García")
        assert booked is not None
        assert "su cita es el mar 2 mar 8:30 a.m." in booked
        confirmed = await text("C")
        assert confirmed is not None
        assert "esta confirmada" in confirmed
        helped = await text("ayuda")
        assert helped is not None
        assert "PARAR" in helped
        stopped = await text("ALTO")
        assert stopped is not None
        assert "se ha dado de baja" in stopped
        assert await text("CITA") is None  # opted out: nothing more
        assert await text("si") is None  # SI is not a carrier re-subscribe word
        restarted = await text("START")
        assert restarted is not None
        assert "vuelve a recibir" in restarted

    with sqlite_db.session(write=False) as session:
        [patient] = session.exec(select(Patient)).all()
        [appointment] = session.exec(select(Appointment)).all()
    assert patient.language == "es"
    assert patient.name == "Ana García"
    assert patient.sms_opted_out_at is None
    assert appointment.confirmed_at is not None

    # The 2 h reminder (held back by the quiet hours) goes out in Spanish, neutral, one segment.
    outbox = dispatcher(sqlite_db, core.profile, clock, sms=FakeSms())
    clock.set(appointment.starts_at - timedelta(minutes=30))  # 8:00, after the quiet hours
    await outbox.run_due()
    sent = outbox.channels.sms.bodies_to(PHONE)
    assert sent, [row.kind for row in rows(sqlite_db) if row.status == OutboxStatus.PENDING]
    reminder = sent[-1]
    assert reminder.startswith("Riverside Health: le esperamos hoy a las 8:30 a.m. Llega tarde?")
    assert_sms_safe(reminder, max_segments=1)


async def test_cancel_still_opts_out_and_x_still_cancels_in_spanish(sqlite_db, clock):
    from tests.web_helpers import make_core

    core = make_core(sqlite_db, clock)
    async with _signed_client(core) as client:

        async def text(body: str) -> str | None:
            return reply_of(await post_signed(client, "/twilio/sms", sms(body)))

        await text("ESPANOL")
        await text("CITA")
        await text("1")
        await text("Ana Garcia")
        cancelled = await text("x")
        assert cancelled is not None
        assert "esta cancelada" in cancelled
        assert await text("Cancelar") is not None  # CANCELAR opts out, like CANCEL
    with sqlite_db.session(write=False) as session:
        [patient] = session.exec(select(Patient)).all()
    assert patient.sms_opted_out_at is not None


def test_every_spanish_reply_of_a_tour_through_the_sms_paths_is_neutral_and_one_segment(
    sqlite_db, profile, clock
):
    tight = with_capacity(profile, clinician=1, consult_room=1)
    service = make_inbound(
        sqlite_db, tight, clock, booking=booking_with_planner(sqlite_db, tight, clock)
    )
    ana = Conversation(service, clock)  # asserts every reply is safe and one segment
    for body in [
        "ESPAÑOL",
        "AYUDA",
        "¿qué?",
        "C",
        "CITA",
        "9",
        "1",
        "42",
        "Ana López",
        "C",
        "R",
        "2",
        "X",
        "ESPERA",
        "SALIR",
        "ALTO",
        "START",
        "English",
    ]:
        ana.send(body)
    replies = [reply for reply in ana.replies if reply is not None]
    assert len(replies) == 18
    spanish, english = replies[:-1], replies[-1]
    for reply in spanish:
        assert is_gsm7(reply)
        assert "Reply" not in reply, reply
        assert "Please" not in reply, reply
    assert "we will text you in English" in english
    with sqlite_db.session(write=False) as session:
        [patient] = session.exec(select(Patient)).all()
    assert patient.language == "en"
    assert patient.name == "Ana López"


def test_fasting_times_read_in_spanish_and_the_preparation_text_fits_two_segments(profile):
    appointment = Appointment(
        patient_id=1,
        service="iv_infusion",
        starts_at=datetime(2027, 3, 2, 9, 0, tzinfo=UTC),  # 4:00 AM in New York
        ends_at=datetime(2027, 3, 2, 13, 0, tzinfo=UTC),
        held_until=datetime(2027, 3, 2, 13, 30, tzinfo=UTC),
        created_at=datetime(2027, 3, 1, tzinfo=UTC),
    )
    texts = Texts()
    with use_language(Language.ES):
        cutoffs = fasting_cutoffs(texts, profile, appointment)
        body = texts.plain(
            "prep_message_sms",
            clinic=profile.clinic.name,
            when="mié 29 sep 12:45 p.m.",
            cutoffs=cutoffs,
            phone=profile.clinic.phone,
        )
    assert cutoffs == (
        "lun 1 mar: comida ligera hasta 10:00 p.m.; líquidos claros hasta 2:00 a.m. del mar 2 mar"
    )
    assert "liquidos claros" in body  # the accent GSM-7 lacks is off in the SMS
    assert_sms_safe(body, max_segments=PREPARATION_SMS_SEGMENTS)


async def test_the_mini_app_calendar_answers_a_spanish_patient_in_spanish(database, clock):
    async with open_journey(database, clock, configure=with_mini_app) as journey:
        ana = journey.patient(ALICE, "Ana", language_code="es")
        await ana.send_command("/start")
        await ana.press("Sí, escríbanme aquí")
        await ana.press("📅 Reservar una consulta")
        assert "🗓 Elegir una hora en un calendario" in ana.last_message().button_labels
        init = init_data(ALICE, first_name="Ana")
        async with web_client(journey) as client:
            view = (await call(client, "month", init)).json()
            assert view["title"] == "Marzo de 2027"
            assert view["weekdays"][:2] == ["Lun", "Mar"]
            assert view["intro"].startswith("Consulta gratuita: los días con horas libres")
            free = [d["day"] for week in view["weeks"] for d in week if d and d["free"]]
            day = (await call(client, "day", init, day=free[0])).json()
            assert day["times"][0]["label"] == "8:30 a.m."
            assert day["heading"].startswith("Horas libres el mar 2 mar")
            chosen = await call(client, "choose", init, start=day["times"][0]["start"])
            assert chosen.json()["message"].startswith(
                "Hemos anotado martes, 2 de marzo de 2027, 8:30 a.m."
            )
        asked = ana.last_message()
        assert "Eligió martes, 2 de marzo de 2027, 8:30 a.m. en el calendario." in asked.text
        assert "¿Cuál es su nombre completo?" in asked.text


CARL = 4444


async def test_updates_answered_together_share_one_language_read_and_each_gets_its_own(
    database, clock, monkeypatch
):
    reads: list[list[tuple[int, str | None]]] = []
    real = bot.app.telegram_languages

    def counted(db, users):
        reads.append(list(users))
        return real(db, users)

    monkeypatch.setattr(bot.app, "telegram_languages", counted)
    async with open_journey(database, clock) as journey:
        ana = journey.patient(ALICE, "Ana", language_code="es-MX")
        bob = journey.patient(BOB, "Bob", language_code="en")
        carl = journey.patient(CARL, "Carl", language_code="fr")
        await carl.send_command("/start")
        await carl.press("🌐 Español")  # his choice, stored, outweighs his app's language
        reads.clear()
        await asyncio.gather(*(who.send_command("/help") for who in (ana, bob, carl)))
        assert "Puedo ayudarle con" in ana.last_message().text
        assert "Puedo ayudarle con" not in bob.last_message().text
        assert "Puedo ayudarle con" in carl.last_message().text
        # The three updates' turns came together: one read told each its language.
        assert len(reads) == 1
        assert sorted(reads[0]) == sorted([(ALICE, "es-MX"), (BOB, "en"), (CARL, "fr")])
