"""Phrase families for emergencies said in everyday words, and readings typed as numbers (issue
10, round 24).

Written from kinds of language the rules missed on sentences written for training (never from the
blind sets); each family stands for one way of saying it, with synonyms, word orders and Spanish.
Read by bot/domain/crisis.py like the families of crisis_plans.py.

Emergencies (paged): a chest squeezed, banded, caving in, an elephant on it, clutched ("me aprieta
el pecho", "dad is clutching his chest"); breathing through a straw; waking on the floor, out
cold, fading in and out ("perdi el conocimiento"); a tongue bitten while shaking, jerking that has
not stopped; a face that fell on one side, an eye sagging, a hand "like its not mine", falling to
one side, sudden blindness in one eye; talking drunk without drinking, the wrong words, words all
mixed up, nonsense coming out; a tongue too big, a throat closing ("la garganta apretada"), "yes
swelling"; shaking and not answering, not recognised by one's own mother; a belly rigid like a
board, legs gone numb with the bladder lost, black stool with weakness, bleeding that will not
stop ("me sangra muchisimo y no para"), a bladder that cannot be emptied.

Readings (`typed_reading`, from the raw text: `normalise` reads numbers of 10 and more as
"many"): oxygen at 89% or less ("pulse ox 84"); blood sugar under 54 or "HI"; a fever of 104 F or
40 C with confusion, a stiff neck or things seen.
"""

from __future__ import annotations

import re

from bot.domain.crisis_types import MAX_CHARS, CrisisKind, CrisisMatch

_CHEST = "chest|breastbone|sternum|pecho|ribcage"
_SQUEEZE = (
    "squeezing|squeezed|squeeze|squeezes|tightening|tightens|band|caving|caved|crushing|crushed"
    "|elephant|elefante|vise|vice|clamp|clamped|presion|opresion|aprieta|apretado|apretando"
    "|oprime"
)
_UNANSWERING = (
    "answer|answering|respond|responding|responsive|contesta|responde|reacciona|wake|waking"
)

SIGN_EMERGENCY: tuple[str, ...] = (
    # the chest squeezed, banded, caving in, clutched
    f"{_SQUEEZE} ... around|on|in|en|sobre|encima|across .. my|the|el|mi|del .. {_CHEST}",
    f"{_CHEST} ... {_SQUEEZE}|caving_in|is_caving|being_crushed",
    f"{_SQUEEZE} el|mi|my|the|his|her {_CHEST}",
    f"{_CHEST} discomfort|pain|pressure|tightness ... getting_worse|worse_and_worse|not_better"
    "|keeps_getting_worse",
    "breastbone|sternum ... cold|clammy|sweating|sweaty|sweat",
    f"clutching|grabbing|clasping|agarrando|agarrandose|agarra|apretandose ... his|her|my|el|su"
    f"|their .. {_CHEST}",
    "like|as_if|as_though|its_like .. breathing|breathe|breath ... through .. a .. straw",
    "barely|hardly|can_barely|can_hardly|cant|cannot|struggling_to catch|get .. my|a|any .. breath",
    "se_me|se_le durmio|duerme|entumio|adormecio|paralizo la .. cara|boca|lengua|labio|labios",
    f"{_SQUEEZE} ... middle_of|center_of|centre_of .. my|the .. {_CHEST}",
    # waking on the floor, out cold, in and out
    "woke|woken|wake|came_to|came_round|came_around|desperte|desperto ... on|en .. the|el|la .."
    " floor|ground|piso|suelo",
    "was|fell|passed|went|knocked out cold",
    "fading|drifting|going|slipping|blacking in and out",
    "says|said|told_me .. i|he|she .. was|went out for .. a|many|a_couple|a_few|couple .. minutes"
    "|minute|seconds",
    "perdi|perdio|perdia|perdiendo el conocimiento|sentido",
    "went_down|dropped|fell like a sack|rock|stone|ton_of_bricks",
    # a tongue bitten while shaking, jerking that goes on
    "shaking|jerking|convulsing|temblando|shook|seizing|lost_control ... bit|bite|mordi|mordio"
    " ... tongue|lengua",
    "bit|mordi|mordio ... tongue|lengua ... wet|peed|orine|shaking|temblando|jerking",
    "jerking|jerks|twitching|fits|convulsing|convulsions|convulsiones ... havent|hasnt|wont|not"
    "|no .. stopped|stop|stopping|parado|paran|para",
    "whole|entire body ... shaking|jerking ... lost_control|couldnt_stop|cant_stop|wet_myself",
    # a face fallen, an eye sagging, a hand not one's own, falling to one side, sudden blindness
    "eye|mouth|face|lip|smile|eyelid ... left|right|one_side ... sag*|droop*|fallen|hanging"
    "|crooked",
    "one|his|her|my eye|eyelid|parpado ... droop*|sag*|caido|cayendo",
    "hand|arm|leg|foot|mano|brazo|pierna ... like_its_not_mine|not_mine|isnt_mine|como_si_no"
    "_fuera_mia|no_es_mia",
    "arm|hand|leg ... flopped|dropped|fell|collapsed ... cant|cannot|couldnt raise|lift|move",
    "falling|fall|leaning|lean|veering|tilting|tilt|pulling ... to|towards one|the|my .. side",
    "sudden|suddenly|de_repente ... blind*|lost_vision|lost_sight|cant_see|went_black|perdi_la"
    "_vista ... eye|ojo",
    "perdi|perdio|perdiendo .. la .. vista ... ojo",
    "se_me|se_le|le|me cayo|cae|caia .. la|el .. cara|boca|labio|parpado",
    "no puedo|puede|podia levantar|mover ... brazo|pierna|mano",
    "arrastrando|arrastra|arrastro|arrastrada .. las|la .. palabras|lengua|voz",
    # talking drunk without drinking, wrong words, words mixed up, nonsense coming out
    "drunk|wasted ... and|but ... im_not|i_am_not|im_sober|havent_had|havent_been|didnt_drink"
    "|havent_drunk|not_drinking $",
    "drunk|wasted ... and|but ... havent|didnt|havent_had|not ... drink*|drunk|drinking|alcohol"
    "|anything",
    "borracho|borracha ... y|pero ... no|ni ... tomado|bebido|tome|bebi",
    "saying|say|said|using|use|coming_out|come_out|comes_out the .. wrong words|word",
    "wrong words|word ... coming_out|come_out|comes_out|keep_coming|came_out",
    "palabras ... salen|sale|salian .. mal|revueltas|al_reves|raras|cruzadas",
    "suddenly|de_repente ... dont|cant|doesnt|no understand|entiendo|entiende|comprendo ... what"
    "|lo_que|anyone|anybody|people",
    "words|palabras ... all .. mixed_up|jumbled|garbled|scrambled|revueltas|wrong",
    "nonsense|gibberish ... came|comes|coming out",
    "cant|cannot find .. words $",
    "came_out|comes_out|coming_out all .. mumbled|slurred|garbled|jumbled",
    # a tongue too big, a throat closing, a yes to swelling
    "tongue|lengua ... too_big|getting_bigger|huge|enorme|massive|twice_the_size",
    "yes|si swelling|swollen|hinchazon|hinchado|hinchada $",
    "garganta ... apretada|cerrando|se_cierra|cerrada|hinchada|se_me_cierra",
    "hincho|hincharon|hinchando|hinchada|hinchados ... lengua|labios|garganta|cara",
    "lengua|labios|garganta ... se_me|se_le .. hincho|hincharon|esta_hinchando|estan_hinchando",
    # shaking and not answering, not recognised
    f"shaking|jerking|convulsing|temblando|convulsionando ... and|y ... not|no|wont|doesnt|isnt"
    f" ... {_UNANSWERING}",
    "no me|nos reconoce|reconocio",
    "doesnt|didnt|does_not|cant|wont recognize|recognise me|us|her_own|his_own",
    # belly rigid, legs numb with the bladder lost, black stool and weak, bleeding without end
    "belly|stomach|abdomen|tummy|panza|estomago|barriga ... rigid|hard_as_a_board|like_a_board"
    "|board_like|rigida|dura_como",
    "numb|entumid*|dormid* ... wet_myself|peed_myself|lost_control_of_my_bladder|me_orine"
    "|no_controlo_la_vejiga",
    "wet_myself|peed_myself|me_orine ... numb|entumid*|cant_feel",
    "popo|heces|caca|excremento|stool|stools|poop ... negra|negro|black|tarry|like_tar ..."
    " debil|weak|dizzy|mareado|mareada|faint|lightheaded",
    "popo|heces|caca|excremento|stool|stools|poop negra|negro|black|tarry ... siento|feel|feeling"
    "|estoy|im ... debil|weak|dizzy|mareado|mareada|faint|lightheaded",
    "sangra|sangrando|sangrado ... no_para|sin_parar|muchisimo|no_se_detiene|no_se_para",
    "cant|cannot|can_not|unable_to empty my|the .. bladder",
    "no puedo vaciar .. la .. vejiga",
)

SIGN_IDIOMS: tuple[str, ...] = (
    "recognize|recognise|reconoce|reconocio me ... new|haircut|hair|beard|glasses|makeup|costume"
    "|outfit|mask|disguise|pelo|lentes|corte|photo|picture",
    "chest|ribs|sides|stomach|abs|belly|pecho|costillas ... hurt|hurts|sore|ache|aches|aching"
    "|duele ... from|de .. laughing|the_workout|the_gym|pushups|lifting|working_out|reir|risa",
    "wrong word|words ... spanish|english|french|german|italian|language|idioma|ingles|espanol"
    "|frances",
    "grandson|grandsons|granddaughter|granddaughters|toddler|toddlers|baby|babys|kid|kids|child"
    "|childs|nephew|nephews|niece|nieces|grandbaby|son|sons|daughter|daughters|nieto"
    "|nieta ... words|speech|talking|palabras",
    "bit|bite|mordi ... tongue|lengua ... eating|chewing|dinner|lunch|breakfast|food|comiendo"
    "|masticando",
    "cant|cannot find .. the .. words to|for .. thank|describe|explain|say|express",
    "sound|sounds|sounded|talk|talking ... drunk ... lol|haha|on_the_phone|voicemail",
    "out cold ... beer|drink|drinks|soda|water|fridge|cooler",
    "squeeze|squeezing|squeezed ... in .. an|my|the .. appointment|time|visit|session",
)

_NUMBER = r"(\d{1,3}(?:\.\d)?)"
_OXYGEN = re.compile(
    r"(?:oxygen|o2|spo2|sats|sat|saturation|pulse ?ox|pulseox|oximeter|finger thing|oxigeno"
    rf"|saturacion)\D{{0,25}}?{_NUMBER}\s*%?"
)
_SUGAR = re.compile(
    rf"(?:blood sugar|sugar|glucose|bg|azucar|glucosa)\D{{0,20}}?{_NUMBER}(?!\s*(?:mg|%|g\b))"
)
_SUGAR_AFTER = re.compile(r"\b(?:it.?s|it is|now|up to|back to|back up to) \d{2,3}\b")
_SUGAR_HI = re.compile(r"(?:glucose|sugar|meter|glucometer|glucosa)\D{0,20}\bhi\b")
_FEVER = re.compile(rf"(?:fever|temp|temperature|fiebre|temperatura)\D{{0,12}}?{_NUMBER}")
_FEVER_FLAGS = re.compile(
    r"\b(?:confused|confusion|confundid[oa]|stiff|tieso|rigido|seeing things|delirious"
    r"|hallucinat\w*|cant wake|no despierta)\b"
)


def typed_reading(text: str) -> CrisisMatch | None:
    """A strong emergency typed as a number (oxygen, blood sugar, a fever with red flags)."""
    lowered = text[:MAX_CHARS].lower()
    found = None
    # The latest reading counts: "52 this morning, i had juice and its 110 now".
    oxygen = [float(reading.group(1)) for reading in _OXYGEN.finditer(lowered)]
    if oxygen and 50 <= oxygen[-1] <= 89:
        found = "oxygen reading"
    sugar = [float(reading.group(1)) for reading in _SUGAR.finditer(lowered)]
    if sugar and 15 <= sugar[-1] < 54 and not _SUGAR_AFTER.search(lowered):
        found = "blood sugar reading"
    if _SUGAR_HI.search(lowered):
        found = "blood sugar reading"
    for reading in _FEVER.finditer(lowered):
        value = float(reading.group(1))
        if (104 <= value <= 110 or 40 <= value <= 43) and _FEVER_FLAGS.search(lowered):
            found = "fever reading"
    if found is None:
        return None
    return CrisisMatch(kind=CrisisKind.EMERGENCY, phrase=found, kinds=(CrisisKind.EMERGENCY,))
