"""What cancels or limits a crisis phrase: negation words, the past, "it's gone", everyday
idioms, and the words that bound a negation's reach (bot/domain/crisis.py)."""

from __future__ import annotations

import re

from bot.domain.crisis_acts import ACT_IDIOMS
from bot.domain.crisis_emergency_idioms import FAMILY_IDIOMS
from bot.domain.crisis_intent import INTENT_IDIOMS
from bot.domain.crisis_jokes import JOKE_IDIOMS
from bot.domain.crisis_ongoing import ONGOING_IDIOMS
from bot.domain.crisis_plans import PLAN_IDIOMS
from bot.domain.crisis_signs import SIGN_IDIOMS

NEGATIONS: tuple[str, ...] = (
    "no",
    "not",
    "never",
    "nope",
    "dont",
    "doesnt",
    "didnt",
    "isnt",
    "arent",
    "wasnt",
    "werent",
    "havent",
    "hasnt",
    "hadnt",
    "wont",
    "wouldnt",
    "shouldnt",
    "without",
    "denies",
    "denied",
    "deny",
    "nor",
    "neither",
    "zero",
    "free",
    # Spanish
    "nunca",
    "jamas",
    "ni",
    "sin",
    "tampoco",
)

# A clause that speaks of the past is history, not a crisis now.
PAST_PHRASES: tuple[str, ...] = (
    "history of",
    "years|months ago",
    "as a kid|child|teen|teenager",
    "when i was .. young|little|kid|child|teen|teenager",
    "when|as he|she|they|we|i was|were .. young|little|kid|child|baby|teen|teenager|toddler|infant",
    "as a baby|toddler|infant",
    "in|during|at high_school|college|middle_school|grade_school|elementary|childhood|university",
    "family history",
    "last year|month|spring|summer|fall|autumn|winter|time|visit|appointment|session|infusion",
    "back in|when",
    "used to",
    "no problems|issues|episodes|attacks|symptoms since",
    "none since",
    "fully recovered",
    "in my|his|her|their teens|twenties|thirties|forties|fifties|2os|3os|4os|5os|6os",
)
# A year ("in 2012", "since 2019") in the statement is history too.
YEAR = re.compile(r"(?:^| )(?:in|since|back|from|of|year) (?:19|20)[0-9]{2}(?= |$)")
# Words just after a match that say it is over or routine ("the chest pain is gone").
OVER_PHRASES: tuple[str, ...] = (
    "gone",
    "resolved",
    "went away",
    "as prescribed|directed|usual|normal|always",
    "like always|normal|usual",
    "free",
    "under control",
    "well controlled",
    "controlled",
)
# Everyday phrases that contain crisis words but are not crisis language: a match that falls
# inside one does not count ("my back is seizing up", "sleep paralysis").
IDIOMS: tuple[str, ...] = (
    "emergency contact*",
    "no aguanto las ganas",
    "seiz* up",
    "sleep paraly*",
    "dying to|for",
    # options for parking, not for living
    "options for|on|about|regarding|with",
    # what might have been ("the old me would have given up")
    "wouldve|would_have|couldve|could_have|almost|nearly .. given|gave|give up",
    # someone else's death, told to the clinic (bereavement, not the patient's intent)
    "died|death|passed|passed_away|lost|losing ... by|to|from|of suicide",
    # ending a relationship, not a life
    "end|ending|ended|ends it with|between",
    "to die for",
    "chest x ray",
    "chest xray",
    # accidents, not self-harm
    "hurt|hurting|cut|cutting|burn|burned|burnt|burning|injure|injured|injuring myself|himself"
    "|herself ... lifting|shaving|cooking|chopping|gardening|ironing|playing|working|exercising"
    "|falling|slipped|tripped|fell|moving|carrying|accident*|accidentally|at_work|at_the_gym"
    "|reaching|bending|walking|running|stove|oven|pan|kettle|grill|stovetop|stretching|laughing"
    "|sneezing|coughing|workout|physio",
    "hurt|hurting|cut|cutting|burn|burned|burnt|burning|injure|injured|injuring|hit|bang|banged"
    "|bumped myself|himself|herself on|with a|the|some can|can_opener|nail|fence|door|edge"
    "|corner|branch|tin|lid|stove"
    "|oven|pan|grill|iron|paper",
    "accidentally|accidently .. hurt|cut|burn*|injur*",
    "cut|cuts|cutting .. back|down|out|off|costs|carbs|sugar|hair|grass|wood|onions|vegetables"
    "|meat|lawn|slack|class|ties|corners",
    "burn* .. out|off|calories",
    "shoot|shot|shooting .. myself .. in_the_foot",
    "shoot|shot .. you|an|me .. email|text|message|line|note",
    "take|taking|took .. my .. life .. back",
    "take|taking|took my_life_back",
    "kill|killing .. myself .. laughing|working",
    # the patient asking about medicine they take as prescribed
    "can|should|may|could|do|will i .. take|swallow",
    "ok|okay|safe|fine|alright|allowed to take|swallow",
    # idioms and everyday words that contain crisis words
    "die|dye|dying|died .. my|her|his|your|the .. hair",
    "dead tired|serious|set|last|end|center|wrong|right|ringer|weight|battery|phone",
    "phone|battery|car|laptop|computer|plants|plant|charger|ac|tv is|was|went .. dead",
    "nearly|almost|practically|basically|about ... had|have|gave|give|died|fainted|passed_out"
    " .. heart_attack|stroke|cardiac_arrest",
    "gave|give|giving|gives me .. heart_attack|stroke",
    "nearly|almost|practically|basically died|had_a_heart_attack|had_a_stroke",
    "heart_attack|stroke|died|fainted|passed_out ... when_i_saw|when_i_heard|when_i_read"
    "|when_i_got|when_i_opened|at_the_price|at_the_bill",
    "suffocat* under|in|by|with ... paperwork|work|bills|debt|forms|stress|emails"
    "|responsib*|pressure|heat|humidity",
    "suffocat* under",
    "collaps* into|onto .. bed|couch|sofa|chair|pillow|recliner",
    "pass* out ... couch|sofa|recliner|bed|asleep|snoring|drunk|exhaustion|exhausted|tired",
    "laugh*|laughed|crying|cried|giggl* so_hard|so_much ... breath|breathing|breathe",
    "breath*|breathe ... laugh*|laughed|giggl*",
    "stroke of luck|genius|midnight",
    "brush|key|back|golf|swim|swimming|pen stroke|strokes",
    "stroking|stroked|strokes my|his|her|the .. hair|cat|dog|head|back|beard",
    "hard|bitter pill to swallow",
    "cant|couldnt|cannot|trouble|hard|difficulty|problems|struggle|struggling ... swallow* ..."
    " pills|pill|tablets|tablet|capsules|capsule|meds|medication|vitamins",
    "blood work|test|tests|pressure|sugar|sugars|draw|drawn|panel|results|result|type|thinner"
    "|thinners|donation|bank|count|counts|levels|level|glucose",
    "fit about|over|when|because|if",
    "jump* .. out_of_my_skin|to|ahead|the_gun|through_hoops|the_queue|the_line|the_list",
    "app|site|website|page|link|portal|bot|system|phone|computer|screen|server|button|email|form"
    "|chat|office|clinic|pharmacy|insurance|doctor|receptionist|staff|nobody|noone|anyone"
    "|laptop|printer|program|wifi|internet ... not|isnt|wont|doesnt|didnt|stopped|cant|havent"
    "|hasnt .. respond|responding|responsive|react|reacting",
    "app|site|website|page|link|portal|bot|system|phone|computer|screen|server|button|form|chat"
    "|laptop|printer|program ... unresponsive",
    "respond|responding|react|reacting to .. treatment|meds|medication|medications|medicine"
    "|ketamine|infusion|infusions|therapy|it|injection|injections|block|physio|email|emails"
    "|text|texts|message|messages|calls|call|voicemail|my_email|my_message|my_text|my_texts"
    "|my_calls|my_messages|the_treatment|the_meds|the_medication|the_infusion|the_injection"
    "|the_block|my_email|steroids|antibiotics|drugs|pills|anything_else|the_first",
    "unresponsive|unresponsiveness to .. text|texts|email|emails|message|messages|calls|call"
    "|treatment|meds|medication|therapy",
    "wake|waking|woke .. up .. early|in_time|on_time|so_early|that_early|rested|refreshed",
    "face fell|dropped when|at",
    "side effect|effects",
    "with a limp",
    "bottle|supply|pack|pills|meds ... to|into|for .. the|my|a .. pharmacy|pharmacist|clinic"
    "|appointment|doctor|office|count|pill_count|refill",
    "die|dying .. of old_age",
    "movie|show|book|article|documentary|podcast|song|series|film|class|training|lecture|news"
    " ... about|on ... suicid*|overdose*|self_harm|seizure*|stroke*|overdos*",
    "stops|stop|stopped|quit breathing ... at_night|in_his_sleep|in_her_sleep|in_my_sleep"
    "|while_sleeping|when_asleep|when_he_sleeps|when_she_sleeps|cpap",
    "sleep apnea|apnoea",
    "move|moving|moved .. my|the|our|your|it|a .. appointment|appt|slot|booking|visit|session|date"
    "|time|car|day|call",
    "disappear into .. a|the|my .. book|books|show|series|movie|novel|game|hobby|garden|work",
    "cant|cannot|couldnt take .. medication|meds|pills|medicine|drug|tablets|gabapentin|opioids",
    "suicide|suicidal prevention|awareness|month|walk|poster|research|statistics|rates",
    "stroke of .. luck|genius|midnight|fate|fortune",
    "snor* ... choking|gasping|suffocat*|stops_breathing|stopped_breathing",
    "me corte|corto el|la|un|una|mi",
    "muriendo|muero|morir|morirme de hambre|risa|sueno|frio|calor|ganas|aburrimiento",
    "speech therapy|therapist",
    "sleep ... forever_ago|like_a_baby",
)
IDIOMS = (
    *IDIOMS,
    *FAMILY_IDIOMS,
    *PLAN_IDIOMS,
    *INTENT_IDIOMS,
    *JOKE_IDIOMS,
    *ONGOING_IDIOMS,
    *ACT_IDIOMS,
    *SIGN_IDIOMS,
)

# Words that may stand between a negation and what it negates at no cost ("not having any").
FILLERS = frozenset(
    [
        "a",
        "an",
        "the",
        "any",
        "anymore",
        "really",
        "much",
        "more",
        "some",
        "of",
        "to",
        "ever",
        "at",
        "all",
        "bad",
        "real",
        "been",
        "had",
        "have",
        "has",
        "having",
        "got",
        "get",
        "getting",
        "feel",
        "felt",
        "feeling",
        "experienced",
        "experiencing",
        "noticed",
        "going",
        "gonna",
        "thinking",
        "thoughts",
        "thought",
        "about",
        "plans",
        "plan",
        "intention",
        "intentions",
        "urge",
        "urges",
        "desire",
        "wish",
        "tried",
        # Spanish
        "de",
        "la",
        "el",
        "los",
        "las",
        "un",
        "una",
        "tengo",
        "tiene",
        "tenido",
        "hay",
        "pensamientos",
        "ideas",
        "ganas",
        "ningun",
        "ninguna",
        "nada",
        "muy",
        "estoy",
    ]
)
# How many other words may stand between a negation and the phrase it negates.
NEGATION_REACH = 2
# A new subject or a joining word starts another statement: a negation before it is not ours.
SCOPE_STOPS = frozenset(
    ["i", "im", "ive", "id", "ill", "and", "but", "because", "then", "now", "yet"]
)
# Where a statement ends, for history ("years ago") and "it's gone now".
STATEMENT_ENDS = frozenset(["and", "but", "because", "then", "now"])
# "do you / are you / have you ..." before the words: the patient is asking, not reporting.
ASKING = frozenset(["do", "are", "have", "did", "were"])
# Words just before crisis words that make them a question about risk, not a report.
NOT_A_REPORT = frozenset(
    ["cause", "causes", "causing", "risk", "risks", "chance", "prevent", "treat", "treats"]
)
# A negation followed by these is a doubt ("not sure", "dont know"), which never cancels.
DOUBTS = frozenset(
    ["sure", "know", "certain", "think", "just", "only", "stop", "stopping", "quit", "quitting"]
)
# A clause that is only one of these negates the clause before it ("Chest pain: no").
ANSWER_NO = frozenset(
    [
        "no",
        "none",
        "nope",
        "nah",
        "negative",
        "never",
        "0",
        "ninguno",
        "ninguna",
        "nada",
        "negativo",
    ]
)
# The label of an answer typed under a question ("q: any seizures? a: no"; "r:" in Spanish).
ANSWER_MARKS = frozenset(["a", "ans", "answer", "r", "are", "resp", "respuesta", "reply"])
