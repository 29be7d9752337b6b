"""Strong crisis words that are clearly not the patient now (issue 10): asked, not paged.

"is chest tightness a side effect?", "do people ever have seizures from ketamine?", "my
grandmother had a stroke at 85", "i passed out once at a blood draw when i was 16", "in the book
the main character kills himself": the words are there, but not as a report of an emergency
happening to the patient now. Paging on-call for them costs a night's trust in the pager; dropping
them would bet that nothing lies behind the question. So, as the issue asks ("when unsure, err on
the side of escalating"), the matcher lowers such a strong hit to SOFT: the patient is asked "are
you safe right now?" and staff get a notice, without a page.

Only when it is clear:
- a general question about effects: an asking form (is / do / can / does ... , "side effect",
  "common", "normal", "es normal") and no word putting the patient in it now ("my chest", "i cant",
  "right now"); "is it normal that my chest hurts and i cant breathe right now?" stays strong;
- fiction: a book, film, show or story, and the patient not in the words;
- the past, of the patient or someone else: an age or a time of life ("at 85", "when i was 16",
  "as a kid", "once", "a los 80", "cuando era nino") and nothing saying it is now ("now", "again",
  "today", "just", "still").

Pure: set look-ups over the matcher's normalised words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The patient in the message, now.
_PATIENT = _words("i im ive id ill me my mine myself we us our yo me mi mis estoy tengo siento nos")
# Frames of asking or telling that put the patient in the sentence but not in the emergency.
_FRAMES = re.compile(
    r"(?:^| )(?:"
    r"i (?:was |am |im )?(?:wonder|wondering|wondered|curious)"
    r"|im (?:wondering|curious|just curious|asking)"
    r"|i (?:want|wanted|would like|d like|need) to (?:ask|know|check)"
    r"|i (?:have|had|got) a (?:quick )?question"
    r"|my question"
    r"|i (?:read|heard|saw|watched|noticed|finished|started|just (?:read|watched|finished|saw))"
    r"|im (?:reading|watching)"
    r"|i was (?:reading|watching)"
    r"|(?:can|could) i ask"
    r"|(?:for|to) me to (?:watch|read)"
    r")(?= |$)"
)
_RELATIVES = _words(
    "grandmother grandma grandfather grandpa granny nana mom mum mother dad father "
    "uncle aunt auntie brother sister cousin greatgrandma abuela abuelo mama papa tio "
    "tia hermano hermana primo prima"
)
# Where a statement ends ("my grandpa had a stroke at 80 and i want to know ...").
_JOINS = frozenset(["and", "but", "because", "then", "so", "y", "pero", "porque"])
# Words that say it is happening now: never lowered.
_NOW = _words(
    "now today tonight currently again still just keep keeps happening ahora hoy todavia sigo sigue"
)
_NOW_PAIRS = re.compile(r"(?:^| )(?:right now|this morning|this evening|at the moment)(?= |$)")
# In the statement itself: happening now, or meant now ("hes not breathing", "i want to").
_PRESENT = _words(
    "hes shes theyre isnt arent cant wont keeps im am want wanna going gonna feel "
    "feeling need will ill having esta estoy quiero voy puedo puede"
)
_ASKING_STARTS = _words(
    "is are do does did can could will would should has have how what whats why any "
    "anyone es puede pueden hay alguien que"
)
_GENERAL = re.compile(
    r"(?:^| )(?:side effects?|sideeffects?|side affects?|common|normal|usual|typical|rare|possible"
    r"|likely|risk|risks|chance|chances|happen|happens|ever|people|anyone|anybody|patients"
    r"|(?:from|after|with|on) (?:the |an? |my )?(?:nasal )?(?:ketamine|infusion|infusions|treatment|session|spray"
    r"|sessions|esketamine|spravato|it|this)"
    r"|efectos? secundarios?|comun|normal|la gente|alguien)(?= |$)"
)
_FICTION = _words(
    "book novel movie film series episode story character documentary tv netflix "
    "podcast anime manga chapter plot libro pelicula serie novela personaje show scene soap "
    "opera telenovela sitcom drama cartoon escena video clip tiktok youtube reel article news"
)
# Fiction framed as such: "in the film", "a movie where", "a seizure scene", "the character".
_FICTION_NAMES = "|".join(sorted(_FICTION))
_FICTION_FRAME = re.compile(
    rf"(?:^| )(?:(?:in|on|en) (?:the|a|an|this|that|la|el|una|un) (?:[a-z]+ )?(?:{_FICTION_NAMES})"
    rf"|(?:{_FICTION_NAMES}) (?:[a-z]+ ){{0,3}}?(?:where|in which|about|donde|en (?:la|el) que"
    r"|sobre)"
    r"|scene|scenes|escena|character|characters|personaje|personajes)(?= |$)"
)
# The patient in person (not "my mom"): what keeps a framed fiction from being lowered.
_IN_PERSON = _words("i im ive id ill me myself yo estoy tengo siento")
# A relative's past event asked about: "my sister passed out at her first infusion, is that
# common", "my brother had a reaction once, does that run in families".
_RELATIVE_PAST = re.compile(
    rf"^(?:my |mi |our )?(?:{'|'.join(sorted(_RELATIVES))}|wife|husband|son|daughter|friend"
    r"|esposo|esposa|hijo|hija) (?:[a-z]+ ){0,8}?(?:once|another|other|different|first"
    r"|previous|years|ago|past|una vez|otra|hace)(?= |$)"
)
_ASKED_IF_COMMON = re.compile(
    r"(?:^| )(?:run|runs|running) in (?:the )?famil(?:y|ies)|genetic|hereditary|inherited"
    r"|is (?:that|it|this) (?:common|normal|usual|a thing|likely)|does (?:that|it|this) happen"
    r"|happen a lot|should i worry|something to worry|worry about|es (?:comun|normal|hereditario"
    r"|genetico)|pasa (?:seguido|mucho)(?= |$)"
)
# A practical burden ("a burden asking my daughter to drive me"), and a question whether the
# treatment could cause it ("will ketamine make me feel suicidal?").
_ERRAND = _words(
    "asking ask drive driving drives ride rides lift lifts take taking appointment appointments "
    "pedirle llevarme traerme"
)
_BURDEN = _words("burden carga")
_TREATMENT_QUESTION = re.compile(
    r"^(?:will|would|can|could|does|do|might|may|is|puede|podria) (?:[a-z]+ ){0,3}?"
    r"(?:ketamine|ketamina|spravato|esketamine|infusion|infusions|treatment|it|this|these|the"
    r" spray|tratamiento) (?:[a-z]+ )?(?:make|makes|cause|causes|give|gives|hacer|causar|dar)"
    r"(?= |$)"
    r"|(?:^| )(?:ketamina|spravato|tratamiento|infusion|esto) (?:me |te |le )?(?:puede|podria|va a)"
    r" (?:dar|causar|provocar|hacer)(?= |$)"
)
_URINE = _words("pee peed peeing urinate urinated urine wee orinar orinado pis pipi")
_LITTLE_DRINK = re.compile(
    r"(?:^| )(?:havent (?:drunk|drank|had) (?:much|anything|any water|enough)|not drinking"
    r"|didnt drink|dehydrated|forgot to drink|no he tomado (?:agua|nada|mucha agua)"
    r"|no he bebido)(?= |$)"
)
_LANGUAGE = re.compile(
    r"(?:^| )(?:speaking|speak|spoke|talking|in|learning|practicing|practising|hablando|en)"
    r" (?:spanish|english|french|german|italian|portuguese|chinese|arabic|a new language"
    r"|another language|ingles|espanol|frances)(?= |$)"
)
_HEREDITY = re.compile(
    r"(?:^| )(?:hereditary|genetic|inherited|runs? in (?:the )?famil(?:y|ies)|hereditario"
    r"|hereditaria|genetico|genetica)(?= |$)"
)
# Said to be over: "fully recovered now", "he is home and recovering well".
_RECOVERED = re.compile(
    r"(?:^| )(?<!not )(?<!nt )(?<!no )(?:fully recovered|recovered now|all cleared|all cleared up|resolved|all better now"
    r"|recovering well|is recovering|doing well now|doing fine now|se recupero|ya se recupero)"
    r"(?= |$)"
)
_SIDE_EFFECT_ASKED = re.compile(
    r"^(?:is|are|can|could|does|do|will|es|puede) (?:[a-z]+ ){0,6}?(?:ever )?(?:a |an )?(?:side"
    r" effect|side effects|efecto secundario|efectos secundarios)(?= |$)"
)
_HAVING_IT = re.compile(
    r"(?:^| )(?:i have|ive got|i got|im having|i am having|i feel|im feeling|i cant|i get"
    r"|tengo|siento|me duele)(?= |$)"
)
# A place of heights or water named on the way somewhere.
_PLACES = _words("bridge bridges overpass tracks puente")
_COMMUTE = re.compile(
    r"(?:^| )(?:traffic|stuck|running late|minutes late|min late|be there|on my way|commute|toll"
    r"|eta|bus|detour|construction|trafico|tarde|en camino)(?= |$)"
)
# Asking what to do if it happened, or talking about the question or the risk itself.
_WHAT_IF = re.compile(
    r"(?:^| )(?:what if|what happens if|what should i do if|what do i do if|who do i call if"
    r"|who should i call if|que pasa si|que hago si) (?:i |me )?(?:feel|get|have|start|become"
    r"|begin|siento|tengo|empiezo)(?= |$)"
)
_ABOUT_IT = re.compile(
    r"(?:^| )(?:(?:the|your|that|this|these|those) (?:question|questions) (?:about|on|regarding)"
    r"|(?:la|las) (?:pregunta|preguntas) (?:sobre|de))(?= |$)"
    r"|(?:suicide|suicidal|overdose|self harm) (?:risk|risks|rates|prevention|hotline|awareness"
    r"|patients|people)(?= |$)"
)
# A time of life or an age: the past, clearly (numbers of 10 and more read as "many").
_AGE = r"(?:[0-9]{1,3}|many)"
_DISTANT = re.compile(
    r"(?:^| )(?:"
    rf"(?:at|aged?) age {_AGE}|aged {_AGE}|at the age of {_AGE}|{_AGE} years old"
    rf"|when (?:i|he|she|they|we|you) (?:was|were) (?:{_AGE}|a kid|a child|little|young|younger"
    r"|a teen|a teenager|in (?:high )?school|in college|pregnant|a baby)"
    r"|as a (?:kid|child|teen|teenager|baby)"
    r"|growing up|back then|in (?:high )?school|in college"
    r"|once (?:when|as a|in|years|before|during|at a|at the|while)"
    rf"|a los {_AGE}|cuando (?:era|tenia|eramos)|de (?:nino|nina|joven)"
    r"|hace (?:anos|mucho|tiempo|muchos anos|unos anos|many anos)"
    r"|once (?:had|got|went|passed)|in (?:january|february|march|april|may|june|july|august"
    r"|september|october|november|december|the spring|the summer|the fall|the winter)"
    r")(?= |$)"
)
# A relative who had it at an age: "my grandmother had a stroke at 85", "mi abuela tuvo un
# derrame a los 80" (a bare "at 10" alone may be a time, so only with a relative who "had" it).
_RELATIVE_AT_AGE = re.compile(
    rf"^(?:my |mi |his |her |our |their )?(?:{'|'.join(sorted(_RELATIVES))}) (?:[a-z]+ )?"
    r"(?:had|suffered|got|tuvo|sufrio) (?:[a-z]+ ){1,5}(?:at|a los) many(?= |$)"
)


def not_the_patient_now(words: Sequence[str], first: int, last: int, clause: str) -> bool:
    """Whether strong words at words[first:last] are clearly a general question, fiction, or the
    past, and not the patient now: lowered to a soft sign (never dropped)."""
    plain = [word for word in words if word != clause]
    joined = " ".join(plain)
    start, end = first, last
    while start > 0 and words[start - 1] != clause:
        start -= 1
    while end < len(words) and words[end] != clause:
        end += 1
    said = list(words[start:end])  # the clause: "now" in another sentence is another matter
    if not _BURDEN.isdisjoint(words[first:last]) and not _ERRAND.isdisjoint(said):
        return True  # a burden for a ride, not a life: asked, not paged
    if _LITTLE_DRINK.search(joined) and not _URINE.isdisjoint(words[first:last]):
        return True  # "havent peed since this morning but i havent drunk much": asked
    if any(word in _NOW for word in said) or _NOW_PAIRS.search(" ".join(said)):
        return False
    in_clause = _FRAMES.sub(" ", " ".join(said)).split()
    if _FICTION_FRAME.search(joined) and _IN_PERSON.isdisjoint(in_clause):
        return True  # "in the film the character says she doesnt want to be here anymore"
    if _TREATMENT_QUESTION.search(" ".join(said)):
        return True  # asked whether the treatment could cause it
    if _LANGUAGE.search(joined):
        return True  # "the wrong words came out when i tried speaking spanish"
    if _HEREDITY.search(joined) and _IN_PERSON.isdisjoint(said):
        return True  # "my friends mom had a stroke, is that hereditary?"
    if _RECOVERED.search(joined):
        return True  # "short of breath for weeks. fully recovered now": over, asked not paged
    if _SIDE_EFFECT_ASKED.search(" ".join(said)) and not _HAVING_IT.search(joined):
        return True  # "is chest tightness ever a side effect of ketamine?"
    if _COMMUTE.search(joined) and not _PLACES.isdisjoint(words[first:last]):
        return True  # "im on the bridge, stuck in traffic": a commute, asked not paged
    if _WHAT_IF.search(" ".join(words[start:first])) or _ABOUT_IT.search(" ".join(said)):
        return True  # "what if i feel suicidal after", "the question about hurting myself"
    start, end = first, last
    while start > 0 and words[start - 1] != clause and words[start - 1] not in _JOINS:
        start -= 1
    while end < len(words) and words[end] != clause and words[end] not in _JOINS:
        end += 1
    statement = list(words[start:end])
    if not _PRESENT.isdisjoint(_FRAMES.sub(" ", " ".join(statement)).split()):
        return False  # "hes not breathing", "i want to ...": happening, or meant, now
    spoken = " ".join(statement)
    if _DISTANT.search(spoken) or _RELATIVE_AT_AGE.search(spoken):
        return True
    if _RELATIVE_PAST.search(spoken) and _ASKED_IF_COMMON.search(joined):
        return True
    if set(_FRAMES.sub(" ", joined).split()) & _PATIENT:
        return False
    if _FICTION.intersection(plain):
        return True
    return statement[0] in _ASKING_STARTS and bool(_GENERAL.search(spoken))
