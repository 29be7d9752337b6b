"""Read what an inbound SMS asks for: a keyword, a number, or free text.

The parser knows words, not context. "C" / "CONFIRM" is CONFIRM and "Y" / "YES" is YES, because a
reminder asks "Reply C to confirm" while a check-in asks Yes / No: the caller decides what YES
means for the message the patient is answering (and, from an opted-out number, YES is also a
carrier re-subscribe word, like START). "X" cancels an appointment, never "CANCEL": CANCEL is a
per se opt-out word under the FCC's 2024 revocation rule, so it only ever opts out.

Spanish (issue 15) is read beside English, capitals and accents or not ("ESPAÑOL", "espanol",
"Sí"): AYUDA is HELP; ALTO, PARAR, DETENER, CANCELAR, BAJA, TERMINAR and FIN opt out (the words
Spanish-language programs register with carriers; CANCELAR, like CANCEL, never cancels a visit:
X does); ESPAÑOL / ENGLISH choose the language of our texts. Re-subscribing stays START / UNSTOP,
the words Twilio lifts its own block on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.language import Language
from bot.domain.typed_answers import number_word


class InboundKind(StrEnum):
    CONFIRM = "confirm"
    CANCEL_APPOINTMENT = "cancel_appointment"
    RESCHEDULE = "reschedule"
    BOOK = "book"
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    NUMBER = "number"
    YES = "yes"
    NO = "no"
    DRIVER = "driver"  # "D": my ride home is arranged (asked the day before a treatment)
    WAITLIST = "waitlist"  # join the waitlist (issue 15)
    LEAVE_WAITLIST = "leave_waitlist"
    LANGUAGE = "language"  # ESPAÑOL / ENGLISH: the language of our texts (issue 15)
    SCREEN = "screen"  # Q: start the health questions by text (issue 11 item 3)
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Inbound:
    """One inbound SMS read: its kind, the number for NUMBER, and the (bounded) text as sent."""

    kind: InboundKind
    number: int | None = None
    text: str = ""
    language: Language | None = None  # for LANGUAGE


# Twilio caps a message body at 1,600 characters, so nothing longer comes from it; cutting
# there keeps every step below small and linear whatever is posted to the webhook.
MAX_BODY_CHARS = 1600
MAX_NUMBER = 10  # every numeric answer we ask for (0-10 pain, PGIC, PHQ, slot choices) fits
# Keywords are short; a longer message is only searched for plain-language opt-outs.
MAX_KEYWORD_CHARS = 40

_KEYWORDS: dict[str, InboundKind] = {
    "c": InboundKind.CONFIRM,
    "confirm": InboundKind.CONFIRM,
    "confirmed": InboundKind.CONFIRM,
    "x": InboundKind.CANCEL_APPOINTMENT,
    "r": InboundKind.RESCHEDULE,
    "reschedule": InboundKind.RESCHEDULE,
    "book": InboundKind.BOOK,
    "d": InboundKind.DRIVER,
    "driver": InboundKind.DRIVER,
    "ride": InboundKind.DRIVER,
    "wait": InboundKind.WAITLIST,
    "waitlist": InboundKind.WAITLIST,
    "wait list": InboundKind.WAITLIST,
    "leave": InboundKind.LEAVE_WAITLIST,
    "y": InboundKind.YES,
    "yes": InboundKind.YES,
    "n": InboundKind.NO,
    "no": InboundKind.NO,
    "help": InboundKind.HELP,
    "info": InboundKind.HELP,
    # Only the words Twilio's own opt-out handling also treats as re-subscribe, so our record and
    # Twilio's block list never disagree (SUBSCRIBE would leave Twilio still refusing with 21610).
    "start": InboundKind.OPT_IN,
    "unstop": InboundKind.OPT_IN,
    # Spanish, written without accents (they are taken off before matching).
    "ayuda": InboundKind.HELP,
    "confirmar": InboundKind.CONFIRM,
    "confirmo": InboundKind.CONFIRM,
    "confirmado": InboundKind.CONFIRM,
    "cambiar": InboundKind.RESCHEDULE,
    "cita": InboundKind.BOOK,
    "reservar": InboundKind.BOOK,
    "chofer": InboundKind.DRIVER,
    "conductor": InboundKind.DRIVER,
    "espera": InboundKind.WAITLIST,
    "lista de espera": InboundKind.WAITLIST,
    "salir": InboundKind.LEAVE_WAITLIST,
    "si": InboundKind.YES,
    "q": InboundKind.SCREEN,
    "questions": InboundKind.SCREEN,
    "preguntas": InboundKind.SCREEN,
}

# The words that choose the language of our texts.
LANGUAGE_WORDS: dict[str, Language] = {
    "espanol": Language.ES,
    "en espanol": Language.ES,
    "spanish": Language.ES,
    "castellano": Language.ES,
    "english": Language.EN,
    "en ingles": Language.EN,
    "ingles": Language.EN,
}

# "YES" lifts Twilio's own block on an opted-out number, so it re-subscribes; "SI" does not.
CARRIER_YES = frozenset({"y", "yes"})

# CLINICAL.md section 6 and the FCC's list, plus the spellings phones and people produce.
OPT_OUT_WORDS = frozenset(
    {
        "stop",
        "stopall",
        "stop all",
        "stop it",
        "quit",
        "end",
        "revoke",
        "opt out",
        "optout",
        "cancel",
        "cancel all",
        "unsubscribe",
        "unsubscribe me",
        # Spanish (accents taken off): the carrier-registered words and their common forms.
        "alto",
        "parar",
        "pare",
        "detener",
        "cancelar",
        "baja",
        "darme de baja",
        "dar de baja",
        "terminar",
        "fin",
        "basta",
    }
)

# Plain-language revocations count wherever they appear in the message (FCC 2024: "any
# reasonable means"). Opting out by mistake costs one confirmation and a START; missing one is
# a violation, so these lean inclusive. No nested quantifiers: matching stays linear.
_PLAIN_OPT_OUT = re.compile(
    r"\b(?:"
    r"stop (?:texting|messaging|sending|contacting|txting)"
    r"|stop (?:the |these |all |your |all the )?(?:texts|text messages|messages|sms|msgs)"
    r"|(?:do not|dont) (?:text|txt|message|msg|sms|contact) me"
    r"|(?:do not|dont) want (?:these|your|any|the|any more) (?:texts|messages|sms)"
    r"|no more (?:texts|text messages|messages|sms|msgs)"
    r"|unsubscribe"
    r"|opt me out|opt out|optout"
    r"|(?:remove|take) me (?:off|from)"
    r"|(?:delete|remove) my (?:number|phone)"
    r"|wrong number"
    # Spanish, accents taken off: "no me manden mas mensajes", "dejen de escribirme"...
    r"|no (?:me )?(?:envie|envien|mande|manden|escriba|escriban|quiero) (?:mas )?(?:mensajes|textos|sms)"
    r"|no mas (?:mensajes|textos|sms)"
    r"|dejen? de (?:enviar|mandar|escribir)(?:me|les)?"
    r"|(?:quiero )?darme de baja"
    r"|(?:borre|borren|eliminen|quiten|quite) mi (?:numero|telefono)"
    r"|numero equivocado"
    r")\b"
)

# Politeness around a keyword ("please stop", "C thanks") does not change what it asks for.
_LEADING_FILLER = re.compile(r"^(?:(?:please|pls|plz|ok|okay|por favor|vale) )+")
_TRAILING_FILLER = re.compile(
    r"(?: (?:please|pls|plz|thanks|thx|ty|thank you|now|por favor|gracias|ya))+$"
)
# Read from the raw text, not the normalised words, so "-1" or "+5" is not taken for 1 or 5.
_NUMBER = re.compile(r"(\d{1,2})(?:\s*/\s*10|\s+out of 10)?[.!]*")
_NOT_WORD = re.compile(r"[^\w/]+")


def _normalise(body: str) -> str:
    """Lower-case, take accents off (ñ too), unify apostrophes, punctuation runs to spaces."""
    lowered = body.casefold().replace("’", "").replace("'", "")
    bare = "".join(
        ch for ch in unicodedata.normalize("NFD", lowered) if unicodedata.category(ch) != "Mn"
    )
    return _NOT_WORD.sub(" ", bare).strip()


def keyword_core(body: str) -> str:
    """The words of a short message without politeness around them ("Sí, gracias" -> "si")."""
    words = _normalise(body[:MAX_BODY_CHARS])
    if len(words) > MAX_KEYWORD_CHARS:
        return words
    return _TRAILING_FILLER.sub("", _LEADING_FILLER.sub("", words)) or words


def parse_inbound(body: str) -> Inbound:
    """Return the intent of an inbound SMS body; anything unrecognised is TEXT."""
    text = body[:MAX_BODY_CHARS].strip()
    words = _normalise(text)
    core = words
    if len(words) <= MAX_KEYWORD_CHARS:
        core = _TRAILING_FILLER.sub("", _LEADING_FILLER.sub("", words)) or words

    if core in OPT_OUT_WORDS or _PLAIN_OPT_OUT.search(words):
        return Inbound(InboundKind.OPT_OUT, text=text)
    language = LANGUAGE_WORDS.get(core)
    if language is not None:
        return Inbound(InboundKind.LANGUAGE, text=text, language=language)
    kind = _KEYWORDS.get(core)
    if kind is not None:
        return Inbound(kind, text=text)
    number = _NUMBER.fullmatch(text.casefold())
    if number is not None and int(number.group(1)) <= MAX_NUMBER:
        return Inbound(InboundKind.NUMBER, number=int(number.group(1)), text=text)
    spelled = number_word(core)
    if spelled is not None:
        return Inbound(InboundKind.NUMBER, number=spelled, text=text)
    return Inbound(InboundKind.TEXT, text=text)


# The answers to a health question by text: Yes / No / Not sure, as the Telegram buttons.
_SCREEN_YES = frozenset({"y", "yes", "yeah", "yep", "yea", "si"})
_SCREEN_NO = frozenset({"n", "no", "nope", "nah", "never", "none", "nunca"})
_SCREEN_NOT_SURE = frozenset(
    {
        "ns",
        "not sure",
        "unsure",
        "maybe",
        "dont know",
        "do not know",
        "i dont know",
        "idk",
        "dk",
        "no se",
        "no estoy seguro",
        "no estoy segura",
        "tal vez",
        "quizas",
    }
)


def screening_answer(body: str) -> str | None:
    """Read a texted answer to a Yes / No / Not sure health question: "yes", "no", "not_sure".

    "?" alone (the text asks for it) is Not sure; anything else unrecognised is None, so the
    question is asked again rather than guessed.
    """
    raw = body[: MAX_KEYWORD_CHARS * 2].strip()
    if raw and set(raw) <= {"?", "¿"}:
        return "not_sure"
    core = keyword_core(raw)
    if core in _SCREEN_NOT_SURE:
        return "not_sure"
    if core in _SCREEN_YES:
        return "yes"
    if core in _SCREEN_NO:
        return "no"
    return None
