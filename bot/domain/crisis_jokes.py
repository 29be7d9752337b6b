"""Crisis words said laughing (issue 10, round 24): "this paperwork is gonna kill me lol", "ese
formulario me va a matar jajaja", "if the bill is that high ill just shoot myself lmao".

A laugh marker (lol, lmao, haha, jaja, jk, a laughing emoji, which `normalise` reads as "lol")
makes the words most likely a joke, but people in crisis also laugh their words off ("i want to
die lol"). So a strong match in a message said laughing is lowered to the soft tier (the patient
is asked "are you safe right now?" and staff get a notice, no page), never dropped; and the
learned second stage, which reads no intent, is not asked at all. "not joking", "im serious",
"en serio" take the laugh back: the words count in full.

Pure: set and pattern look-ups over the matcher's normalised words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Laughing emoji, read as the word "lol" (normalise keeps letters and digits only).
LAUGH_EMOJI = "😂🤣😆😹😝😜😁😄💀"
LAUGH_TABLE = str.maketrans({emoji: " lol " for emoji in LAUGH_EMOJI})

_LAUGH_WORD = re.compile(
    r"(?:lo+l|lolz|lols|lmf?ao+|rofl|roflmao|kek|xd|(?:ha){2,}h?|(?:ah){2,}|(?:he){2,}h?"
    r"|(?:ja){2,}j?|(?:aj){2,}|(?:je){2,}j?|(?:js){2,}|(?:ji){2,}|jajaj\w*|hahah\w*)"
)
# Said to be a joke outright.
_KIDDING = re.compile(
    r"(?:^| )(?:jk|jks|j k|(?:just|im|only|solo|es|estoy) (?:kidding|joking|joke|bromeando|broma))"
    r"(?= |$)"
)
# A joke's frame: something trivial makes one want it, or it would follow if something happened
# ("this traffic makes me want to jump off a bridge lol", "if i have to fill one more form ill
# shoot myself haha").
_HYPERBOLE = re.compile(
    r"(?:^| )(?:makes?|making|made|gonna make|going to make|will make) me (?:want|wanna|feel like)"
    r"|(?:^| )(?:one more|if i have to|si tengo que|otra vez)(?= |$)"
    r"|(?:^| )(?:me dan|me da|me dieron) ganas(?= |$)"
    r"|(?:^| )(?:this|the|these|that|my|mi|este|esta|estos|el|la) (?:[a-z]+ )?(?:form|forms|paperwork"
    r"|meeting|meetings|traffic|heat|weather|line|queue|wait|bill|bills|diet|class|exam|homework"
    r"|job|week|monday|mondays|boss|commute|printer|wifi|formulario|tramites|trafico|calor"
    r"|jefe|factura|fila|dieta|ticket|parking|price|banco|cuenta)(?= |$)"
)
# A trivial mishap given as the reason: "lol i want to die, i left my wallet at home".
_MISHAP = re.compile(
    r"(?:^| )(?:left my (?:wallet|keys|phone|lunch|purse|bag|card)|forgot my|spilled|missed the"
    r" (?:bus|train|flight)|locked (?:myself )?out|stubbed my toe|dropped my|lost my (?:keys"
    r"|wallet|phone)|burnt the|burned the|my phone died|wifi|parking ticket|se me olvido"
    r"|rolled off|fell off the (?:bed|couch|mattress|sofa)"
    r"|deje (?:la cartera|las llaves|el celular))(?= |$)"
)
# "me dio un infarto cuando vi la cuenta jaja": what set it off follows the words.
_AFTER = re.compile(
    r" (?:(?:when|every time|each time|whenever|cuando|cada vez que) (?:i )?(?:saw|see|vi|veo"
    r"|looked at|look at|read|opened|got)|over (?:the|a|my) (?:bill|price|form|forms|paperwork)"
    r"|before i (?:finish|get through|am done))"
)
# Banter about the treatment day itself: "k-day again, see you on the other side lol".
_TREATMENT_DAY = re.compile(
    r"(?:^| )(?:k day|kday|infusion day|session day|spray day|trip|the trip|my trip)(?= |$)"
)
# Saying it is no joke takes the laugh back.
_SERIOUS = re.compile(
    r"(?:^| )(?:(?:not|no|im not|i am not|no estoy) (?:joking|kidding|a joke|bromeando)"
    r"|no joke|its not funny|not funny|(?:im|i am) (?:serious|dead serious|being serious)"
    r"|(?:but|no|pero) (?:really|seriously|honestly|for real|en serio|de verdad)"
    r"|seriously though|for real|en serio|no es (?:broma|chiste))(?= |$)"
)


# Everyday hyperbole: "ese formulario me va a matar" (it will be the death of me; "me voy a
# matar", I will kill myself, stays a match).
JOKE_IDIOMS: tuple[str, ...] = (
    "me|te|nos|le|les va|van|vas a matar",
    "laughing|laugh|laughed|crying_laughing|cracking_up ... dying|dead|die|died",
    "tickled|scared|bored|worried|freezing|frozen|starving|starved|sick ... to_death|half_to_death",
    "garden|plants|plant|lawn|grass|battery|phone|flowers|car|laptop|tree|hedge|roses ... is|are"
    "|was|went|looks .. dead|died",
    "me|se quede|quedo|quedaba muerta|muerto|helada|helado",
    "almost|nearly|practically passed_out|died|fainted|peed ... laughing|laughter|from_laughing",
    "passed_out|pass_out|fainted|died|dying ... laughing|from_laughing|from_laughter|de_risa",
    "died|dead|passed_away|passed|murio|fallecio of|from|de .. an|a|una .. overdose|od|sobredosis",
)


def said_laughing(words: Sequence[str], clause: str) -> bool:
    """The message carries a laugh marker (or says it is a joke) and does not take it back."""
    plain = [word for word in words if word != clause]
    joined = " ".join(plain)
    laughing = any(_LAUGH_WORD.fullmatch(word) for word in plain) or _KIDDING.search(joined)
    return bool(laughing) and _SERIOUS.search(joined) is None


def said_as_a_joke(words: Sequence[str], first: int, clause: str) -> bool:
    """Strong words at words[first] said as a joke: the message says so outright ("jk", "just
    kidding"), or laughs at words a trivial thing would cause ("makes me want to", "if ...")."""
    plain = [word for word in words if word != clause]
    joined = " ".join(plain)
    if _SERIOUS.search(joined) is not None:
        return False
    if _KIDDING.search(joined):
        return True
    if not any(_LAUGH_WORD.fullmatch(word) for word in plain):
        return False
    start, end = first, first
    while start > 0 and words[start - 1] != clause:
        start -= 1
    while end < len(words) and words[end] != clause:
        end += 1
    said = " ".join(words[start:first]) + " "
    after = " " + " ".join(words[first:end])
    return (
        _HYPERBOLE.search(said) is not None
        or _AFTER.search(after) is not None
        or _MISHAP.search(joined) is not None
        or _TREATMENT_DAY.search(joined) is not None
    )
