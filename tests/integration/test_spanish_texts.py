"""Spanish beside English (issue 15 item 1): the catalogue, the lookup, dates and the SMS policy."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.channel_setup import check_every_sms_text
from bot.domain.errors import ConfigError
from bot.domain.language import Language, gsm7_spanish, language_from_code
from bot.domain.sms_policy import forbidden_terms, is_gsm7, segments
from bot.i18n import messages, problems, read_catalogue
from bot.messaging.telegram_html import parse_html
from bot.presentation.formatting import longest_when_short, when_long, when_short
from bot.presentation.reminder_words import REMINDER_SMS_KEYS
from bot.profile import load_profile
from bot.texts import Texts, fields, is_sms, patient_keys
from bot.texts.i18n import current_language, use_language
from bot.texts.profile_texts import profile_texts

NEW_YORK = ZoneInfo("America/New_York")
SATURDAY_1PM = datetime(2027, 3, 6, 18, 0, tzinfo=UTC)  # 1:00 PM in New York


def test_every_patient_text_and_profile_text_has_a_spanish_translation():
    # A new or changed patient text: `python3 scripts/dev.py i18n extract`, then `i18n update`,
    # translate it in bot/locale/es/LC_MESSAGES/messages.po, `i18n compile` (README, Languages);
    # a staff text goes in its module's STAFF_KEYS instead.
    assert problems(Language.ES) == [], "see README, Languages: i18n extract/update/compile"
    contexts = {message.context for message in messages()}
    assert set(patient_keys()) <= contexts
    assert {text.context for text in profile_texts()} <= contexts


def test_a_missing_translation_or_a_different_placeholder_is_reported():
    catalog = copy.deepcopy(read_catalogue(Language.ES))  # the file on disk stays as it is
    catalog.get(
        "Welcome back, {first_name}.", context="start_welcome_back"
    ).string = "Bienvenido/a de nuevo, {nombre}."
    catalog.get("Add this to your calendar.", context="book_calendar_caption").string = ""
    catalog.get("Yes", context="book_answer_yes").flags.add("fuzzy")

    found = problems(Language.ES, catalog)

    assert any("start_welcome_back: placeholders ['nombre']" in line for line in found)
    assert any("book_calendar_caption: no translation" in line for line in found)
    assert any("book_answer_yes: marked fuzzy" in line for line in found)


def test_staff_texts_are_not_in_the_catalogue_and_stay_english_for_a_spanish_reader():
    texts = Texts()
    contexts = {message.context for message in messages()}
    assert "notice_booked" not in contexts
    assert "staff_help" not in contexts
    with use_language(Language.ES):
        assert texts.plain("esc_ack_toast") == "Acknowledged. Re-paging stopped."
        assert texts.html("start_welcome_back", first_name="Ana") == "Bienvenido/a de nuevo, Ana."


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("es", Language.ES),
        ("es-MX", Language.ES),
        ("ES_us", Language.ES),
        ("en-GB", Language.EN),
        ("fr", Language.EN),
        ("", Language.EN),
        (None, Language.EN),
        ("zz-unknown", Language.EN),
    ],
)
def test_a_language_code_is_read_by_its_primary_tag_and_unknown_is_english(code, language):
    assert language_from_code(code) is language


def test_outside_a_patient_scope_everything_is_english():
    assert current_language() is Language.EN
    with use_language(Language.ES):
        assert current_language() is Language.ES
    assert Texts().plain("book_answer_yes") == "Yes"


def test_the_spanish_telegram_texts_are_html_telegram_reads():
    Texts().check_html(parse_html)  # raises ConfigError naming the text otherwise


def test_a_profile_override_per_language_is_used_and_checked():
    texts = Texts({"es": {"book_calendar_caption": "Añádalo a su agenda."}})
    with use_language(Language.ES):
        assert texts.plain("book_calendar_caption") == "Añádalo a su agenda."
    assert texts.plain("book_calendar_caption") == "Add this to your calendar."
    with pytest.raises(ConfigError, match=r"texts\.fr: unknown text key"):
        Texts({"fr": {"book_calendar_caption": "x"}})
    with pytest.raises(ConfigError, match=r"texts\.es\.book_phone_saved: unknown placeholder"):
        Texts({"es": {"book_phone_saved": "Gracias, {telefono}."}})


def test_dates_and_times_are_formatted_for_the_locale():
    with use_language(Language.ES):
        assert when_long(SATURDAY_1PM, NEW_YORK) == "sábado, 6 de marzo de 2027, 1:00 p.m."
        assert when_short(SATURDAY_1PM, NEW_YORK) == "sáb 6 mar 1:00 p.m."
    assert when_long(SATURDAY_1PM, NEW_YORK) == "Saturday 6 March 2027 at 1:00 PM"


def test_a_spanish_sms_loses_the_accents_gsm7_lacks_and_keeps_n_tilde():
    assert gsm7_spanish("sáb, café, año, acción, Ústed") == "sab, café, año, accion, Usted"
    assert segments("ñ" * 160) == 1  # ñ is GSM-7
    assert segments("á" * 71) == 2  # á is not: UCS-2, 70 a segment
    texts = Texts()
    with use_language(Language.ES):
        reminder = texts.plain(
            "reminder_72h_sms", clinic="Clínica", when=when_short(SATURDAY_1PM, NEW_YORK)
        )
    assert reminder.startswith("Clinica: recordatorio de su cita sab 6 mar 1:00 p.m. Responda C")
    assert is_gsm7(reminder)
    assert segments(reminder) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Su sesión de ketamina",
        "la infusión",
        "la infusion",
        "el dolor de espalda",
        "su tratamiento",
        "náuseas",
        "vomito",
        "esta deprimida",
        "sedación",
        "ideas de suicidio",
    ],
)
def test_the_sms_policy_knows_the_spanish_clinical_words(text):
    assert forbidden_terms(text) != []


def test_neutral_spanish_words_pass_the_sms_policy():
    assert forbidden_terms("Su cita es el sab 6 mar. Responda C para confirmar.") == []


def test_every_spanish_sms_is_neutral_gsm7_and_reminders_fit_one_segment():
    profile = load_profile(None)
    texts = Texts(profile.texts)
    check_every_sms_text(texts, profile)  # the start-up check, in every language
    with use_language(Language.ES):
        widest = longest_when_short()
        values = {
            "clinic": profile.clinic.name,
            "phone": profile.clinic.phone,
            "address": profile.clinic.address,
            "when": widest,
            "deadline": widest,
            "time": "12:45 p.m.",
            "program": profile.clinic.sms_program,
            "frequency": profile.clinic.sms_frequency,
            "hours": "24",
            "options": "; ".join(f"{n}) {widest}" for n in (1, 2, 3)),
            "choices": "1, 2 o 3",
            "code": "123456",
            "count": "6",
        }
        for key in patient_keys():
            if not is_sms(key):
                continue
            body = texts.plain(
                key, **{name: values.get(name, "x") for name in fields(texts.raw(key))}
            )
            assert forbidden_terms(body) == [], key
            assert is_gsm7(body), key
            if key in REMINDER_SMS_KEYS:
                assert segments(body) == 1, (key, body)


def test_the_staff_card_says_which_language_a_patient_reads_only_when_not_english():
    from bot.db.models import Patient
    from bot.presentation.staff_patient_messages import language_line

    texts = Texts()
    now = datetime(2027, 3, 1, tzinfo=UTC)
    assert language_line(texts, Patient(created_at=now, language="es")) == [
        "🌐 Reads the bot in Spanish"
    ]
    assert language_line(texts, Patient(created_at=now, language="en")) == []
    assert language_line(texts, Patient(created_at=now)) == []
