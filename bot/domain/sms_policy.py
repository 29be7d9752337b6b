"""What an outgoing SMS may contain: GSM-7 only, few segments, and no clinical words."""

from __future__ import annotations

import re

# GSM 03.38 default alphabet. Each of these costs one 7-bit septet.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: reachable only through an ESC septet, so each costs two septets.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

# A single SMS carries 140 bytes: 160 septets or 70 UTF-16 code units. Once split, every part
# spends 6 bytes on the concatenation header, leaving 153 septets or 67 code units.
GSM7_SINGLE = 160
GSM7_PART = 153
UCS2_SINGLE = 70
UCS2_PART = 67


def is_gsm7(text: str) -> bool:
    """Return whether every character fits the GSM-7 alphabet (basic or extension)."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def non_gsm7_characters(text: str) -> list[str]:
    """Return the distinct characters that force UCS-2, in order of first appearance."""
    found: dict[str, None] = {}
    for ch in text:
        if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION:
            found.setdefault(ch)
    return list(found)


def _costs(text: str) -> tuple[list[int], int, int]:
    """Return each character's cost in its encoding's units, and the single and part capacity."""
    if is_gsm7(text):
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text], GSM7_SINGLE, GSM7_PART
    # UCS-2 on the wire is really UTF-16: a character outside the BMP (most emoji) is a
    # surrogate pair and costs two code units.
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text], UCS2_SINGLE, UCS2_PART


def segments(text: str) -> int:
    """Return how many SMS segments (billed messages) `text` is sent as; an empty text is one."""
    costs, single, part = _costs(text)
    if sum(costs) <= single:
        return 1
    # Phones and Twilio never split an escape pair or a surrogate pair across parts, so pack
    # greedily: a part closes early when the next character does not fit whole.
    count, used = 1, 0
    for cost in costs:
        if used + cost > part:
            count += 1
            used = 0
        used += cost
    return count


# Words an SMS must never carry (CLINICAL.md section 6, DESIGN.md privacy rules): anyone who
# glances at a lock screen learns the treatment, a diagnosis or a symptom. Each entry is the
# term reported and a pattern (non-capturing groups only) covering its common variants. Whole
# words only, so "Spain" and "painting" pass while "pain", "pains" and "painful" do not.
_FORBIDDEN: tuple[tuple[str, str], ...] = (
    # the treatment
    ("ketamine", r"ketamines?"),
    ("esketamine", r"esketamines?"),
    ("arketamine", r"arketamines?"),
    ("infusion", r"infus(?:ions?|e|ed|es|ing)"),
    ("iv", r"iv"),
    ("intravenous", r"intravenous(?:ly)?"),
    ("sedation", r"sedat(?:ion|ive|ives|ed)"),
    ("anaesthesia", r"an(?:a)?esthe(?:sia|tics?|tists?)"),
    ("dose", r"dos(?:e|es|ing|age|ages)"),
    ("mg", r"mg"),
    # drug names
    ("spravato", r"spravato"),
    ("ketalar", r"ketalar"),
    ("midazolam", r"midazolam"),
    ("lorazepam", r"lorazepam"),
    ("ativan", r"ativan"),
    ("benzodiazepine", r"benzodiazepines?|benzos?"),
    ("ondansetron", r"ondansetron"),
    ("zofran", r"zofran"),
    ("clonidine", r"clonidine"),
    ("propofol", r"propofol"),
    ("lidocaine", r"lidocaine"),
    ("magnesium", r"magnesium"),
    ("opioid", r"opioids?|opiates?"),
    ("naloxone", r"naloxone|narcan"),
    # pain and diagnoses
    ("pain", r"pains?|painful(?:ly)?|painkillers?|painless"),
    ("analgesic", r"analges(?:ia|ics?)"),
    ("crps", r"crps"),
    ("rsd", r"rsd"),
    ("fibromyalgia", r"fibromyalgia"),
    ("neuropathy", r"neuropath(?:y|ies|ic)"),
    ("neuralgia", r"neuralgias?"),
    ("migraine", r"migraines?"),
    ("arthritis", r"arthritis"),
    ("sciatica", r"sciatica"),
    ("depression", r"depress(?:ion|ed|ive)"),
    ("anxiety", r"anxiety|anxious"),
    ("ptsd", r"ptsd"),
    ("bipolar", r"bipolar"),
    ("psychosis", r"psychos[ie]s|psychotic"),
    ("schizophrenia", r"schizophreni(?:a|c)"),
    ("suicide", r"suicid(?:e|al)"),
    ("self-harm", r"self[\s-]*harm(?:ing)?"),
    ("cystitis", r"cystitis"),
    ("phq", r"phq(?:-?[29])?"),
    # symptoms asked in the check-ins
    ("nausea", r"nause(?:a|ous|ated)"),
    ("vomiting", r"vomit(?:s|ed|ing)?"),
    ("dizziness", r"dizz(?:y|iness)"),
    ("headache", r"headaches?"),
    ("blurred vision", r"blurr(?:ed|y)"),
    ("tiredness", r"tiredness|fatigued?"),
    ("hallucination", r"hallucinat(?:ions?|e|es|ed|ing)"),
    ("dissociation", r"dissociat(?:ion|ive|ed|ing)"),
    ("confusion", r"confus(?:ion|ed)|disorient(?:ed|ation)"),
    ("nightmare", r"nightmares?"),
    ("urine", r"urine|urinary|urinating|bladder"),
    ("jaundice", r"jaundice"),
    ("seizure", r"seizures?"),
    ("fainting", r"faint(?:ed|ing)"),
    ("rash", r"rash(?:es)?|hives"),
    # Spanish (issue 15), the same list: accents optional, since SMS writes a, i, o, u bare.
    ("ketamina", r"(?:es|ar)?ketaminas?"),
    ("infusión", r"infusi[oó]n(?:es)?|infundir"),
    ("intravenoso", r"intravenos[oa]s?|endovenos[oa]s?"),
    ("sedación", r"sedaci[oó]n|sedantes?|sedad[oa]s?"),
    ("anestesia", r"anestesi(?:a|as|co|cos|ca|cas|[oó]logos?|stas?)|anest[eé]sic[oa]s?"),
    ("dosis", r"dosis"),
    ("tratamiento", r"tratamientos?"),
    ("opioide", r"opioides?|opi[aá]ceos?"),
    ("naloxona", r"naloxona"),
    ("benzodiacepina", r"benzodiacepinas?|benzodiazepinas?"),
    ("lidocaína", r"lidoca[ií]na"),
    ("magnesio", r"magnesio"),
    (
        "dolor",
        r"dolor(?:es)?|dolid[oa]s?|dolorid[oa]s?|doloros[oa]s?|duele|duelen|analg[eé]sic[oa]s?|analgesia",
    ),
    ("fibromialgia", r"fibromialgia"),
    ("neuropatía", r"neuropat[ií](?:a|as|c[oa]s?)"),
    ("neuralgia", r"neuralgias?"),
    ("migraña", r"migra[ñn]as?|jaquecas?"),
    ("artritis", r"artritis"),
    ("ciática", r"ci[aá]tica"),
    ("depresión", r"depresi[oó]n|deprimid[oa]s?|depresiv[oa]s?"),
    ("ansiedad", r"ansiedad|ansios[oa]s?"),
    ("psicosis", r"psicosis|psic[oó]tic[oa]s?"),
    ("esquizofrenia", r"esquizofreni(?:a|c[oa]s?)"),
    ("suicidio", r"suicid(?:io|ios|a|as|arse|arme)"),
    # As in English ("harming yourself" passes, "self-harm" does not): the plain question stays.
    ("autolesión", r"autolesi(?:[oó]n|ones)|autolesionarse"),
    ("cistitis", r"cistitis"),
    ("náusea", r"n[aá]useas?|nausead[oa]s?"),
    ("vómito", r"v[oó]mitos?|vomit(?:ar|a|o|ando|ado)"),
    ("mareo", r"mareos?|mare(?:ad[oa]s?|arse)"),
    ("cefalea", r"cefaleas?"),
    ("visión borrosa", r"borros[oa]s?"),
    ("cansancio", r"cansancio|fatiga"),
    ("alucinación", r"alucinaci(?:[oó]n|ones)|alucin(?:ar|a|o|ando)"),
    ("disociación", r"disociaci(?:[oó]n|ones)|disociativ[oa]s?"),
    ("confusión", r"confusi[oó]n|confundid[oa]s?|desorientad[oa]s?|desorientaci[oó]n"),
    ("pesadilla", r"pesadillas?"),
    ("orina", r"orina|orinar|urinari[oa]s?|vejiga"),
    ("ictericia", r"ictericia"),
    ("convulsión", r"convulsi(?:[oó]n|ones)"),
    ("desmayo", r"desmay(?:o|os|ar|arse|ado|ada)"),
    ("sarpullido", r"sarpullidos?|urticaria|ronchas?"),
)

_FORBIDDEN_RE = re.compile(
    r"\b(?:" + "|".join(f"({pattern})" for _, pattern in _FORBIDDEN) + r")\b",
    re.IGNORECASE,
)
_TERMS = tuple(term for term, _ in _FORBIDDEN)


def forbidden_terms(text: str) -> list[str]:
    """Return the forbidden terms `text` contains, each once, in order of first appearance."""
    found: dict[str, None] = {}
    for match in _FORBIDDEN_RE.finditer(text):
        if match.lastindex is not None:
            found.setdefault(_TERMS[match.lastindex - 1])
    return list(found)


class UnsafeSmsText(ValueError):
    """An SMS text breaks the policy: a clinical word, a non-GSM character, or too long."""

    def __init__(
        self,
        *,
        terms: list[str],
        non_gsm7: list[str],
        segment_count: int,
        max_segments: int,
    ) -> None:
        problems = []
        if terms:
            problems.append("forbidden words: " + ", ".join(terms))
        if non_gsm7:
            problems.append("characters outside GSM-7: " + " ".join(repr(ch) for ch in non_gsm7))
        if segment_count > max_segments:
            problems.append(f"{segment_count} segments, at most {max_segments} allowed")
        super().__init__("unsafe SMS text: " + "; ".join(problems))
        self.terms = terms
        self.non_gsm7 = non_gsm7
        self.segment_count = segment_count
        self.max_segments = max_segments


def assert_sms_safe(text: str, *, max_segments: int = 1) -> None:
    """Raise UnsafeSmsText unless `text` is free of clinical words, GSM-7, and short enough."""
    terms = forbidden_terms(text)
    # One curly quote or emoji switches the whole message to UCS-2, cutting a segment from
    # 160 to 70 characters: the same reminder then costs two or three times as much.
    non_gsm7 = non_gsm7_characters(text)
    segment_count = segments(text)
    if terms or non_gsm7 or segment_count > max_segments:
        raise UnsafeSmsText(
            terms=terms,
            non_gsm7=non_gsm7,
            segment_count=segment_count,
            max_segments=max_segments,
        )
