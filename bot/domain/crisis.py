"""Crisis language in anything a patient writes (CLINICAL.md section 4b): self-harm or a medical
emergency, read from free text in every state and on every channel.

A keyword matcher, deliberately: it runs on every message before anything else, must answer in
microseconds and be explainable to staff ("matched: cant breath"). Published triage systems use
keyword filtering as their first, high-sensitivity stage (FACTS.md, "Crisis language"); what keeps
false alarms down is negation handling, and when unsure we escalate: staff close a false alarm
with one button, while a missed crisis cannot be undone.

How a text is read:
1. Normalised into words: lower case, accents and apostrophes dropped ("can't" -> "cant"), runs of
   three or more letters shortened ("killlll" -> "kill"), digits and stars inside words read as
   letters ("su1c1de", "k*ll"), common misspellings, shorthand and glued words mapped
   ("breathe"/"breth" -> "breath", "pian" -> "pain", "lfe" -> "life", "idk" -> "dont know",
   "cantbreathe" -> "cant breath"), and a few key words matched within one typo.
2. Split into clauses at punctuation, line breaks and "but / because / however", so a negation
   never reaches across a clause ("no chest pain but I cant breathe" fires on the second part).
3. Each phrase is a pattern of words that stands for a concept, not one sentence: `a|b`
   alternatives, `a_b` several words as one alternative ("keep_going"), `word*` a prefix, `..` up
   to one word in between, `...` up to three ("chest ... hurt*" reads "my chest really hurts").
   Other persons (himself, herself, "my wife ... isnt responding") and Spanish are phrased too.
4. A match is dropped when a negation ("no", "not", "never", "dont", "without", ...) stands just
   before it in the same clause, counting only a couple of words besides "having / any / had"
   ("I have not had any chest pain", "not suicidal", "Im not going to hurt myself"), when the
   statement speaks of the past ("history of seizures", "a seizure years ago", "in 2012"), when
   the next clause is only "no" / "none" / "not at all" ("Chest pain: no"), when a screening
   question is reported with its no ("they asked about suicide and I said no"), when it falls
   inside an everyday idiom or accident ("to die for", "cut myself shaving", "nearly had a heart
   attack when I saw the bill"), or when the words are the bot's own question pasted back ("Do
   you have chest pain?"). Emergency words are also dropped in a question about what to do
   ("what if I feel faint", "who do I call if I have trouble breathing", "the signs of a
   stroke"), about an animal ("my dog had a seizure"), someone who died or a family history, a
   local anaesthetic's numbness, and "I cant wake up early" / "sorry I didnt respond" (waking
   and responding are emergencies only said of someone else). "not sure", "dont know if" are
   doubts, not negations, and never cancel a match. Nor does a negation whose statement a
   later clause turns round ("i dont want to hurt myself but i think i will":
   bot/domain/crisis_turn.py). A strong match that is clearly a general question about side
   effects, fiction, or the past ("is chest tightness a side effect?", "my grandmother had a
   stroke at 85") is lowered to the soft tier, never dropped (bot/domain/crisis_context.py).
5. Speed: each phrase is indexed by its most telling word, so a message only tries the few
   phrases whose word it contains (about 0.1-0.3 ms a message, a few ms for 1,600 characters).

Two tiers. `match()` is the strong tier: the fixed reply and an on-call page. `assess()` tries the
strong tier first and then the soft one (SOFT_*_PHRASES: hopelessness, "i give up", farewells,
affairs in order, confusion or someone not answering; strong words in a recent past, "last
session"; emergency words "but it went away"; a high typed blood pressure below crisis level):
the patient is asked "are you safe right now?" and staff get a notice, and on-call is paged only
on a "no", a "call me" or no answer (bot/services/crisis.py).

The defaults below are in code (the shared word classes and the phrase families written for
language a keyword list tends to miss are in bot/domain/crisis_words.py,
bot/domain/crisis_emergency_idioms.py, bot/domain/crisis_plans.py and
bot/domain/crisis_intent.py); the clinic profile's `[crisis]` table adds phrases and negation words (validated at start-up with `compile_phrase` /
`check_negation`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

from bot.domain.crisis_context import not_the_patient_now
from bot.domain.crisis_emergency_idioms import (
    FAMILY_EMERGENCY,
    FAMILY_IDIOMS,
    FAMILY_PAIRS,
    FAMILY_SOFT_EMERGENCY,
    FAMILY_SPELLINGS,
)
from bot.domain.crisis_intent import (
    INTENT_EMERGENCY,
    INTENT_IDIOMS,
    INTENT_SELF_HARM,
    INTENT_SOFT_EMERGENCY,
    INTENT_SOFT_SELF_HARM,
    answered_no_later,
    back_to_normal_after,
    message_sign,
)
from bot.domain.crisis_plans import (
    PLAN_EMERGENCY,
    PLAN_IDIOMS,
    PLAN_SELF_HARM,
    PLAN_SOFT_EMERGENCY,
    PLAN_SOFT_SELF_HARM,
    fixated_on,
)
from bot.domain.crisis_turn import turned_round
from bot.domain.crisis_words import (
    DRUGS,
    END,
    FAMILY,
    FAMILY_SELF_HARM,
    FAMILY_SOFT_SELF_HARM,
    PILLS,
    SELF,
    SUBJECT,
)


class CrisisKind(StrEnum):
    """The two classes of crisis language; the value is also the escalation rule's suffix."""

    EMERGENCY = "emergency"
    SELF_HARM = "self_harm"


# When a message holds both, the emergency reply ("call 911 now") goes first.
KIND_ORDER = (CrisisKind.EMERGENCY, CrisisKind.SELF_HARM)

# Telegram caps a message at 4,096 characters and Twilio an SMS at 1,600: reading more is never
# needed, and the cap keeps the work per message bounded whatever is posted.
MAX_CHARS = 4096
MAX_PHRASE_WORDS = 12

# A strong match dropped for one of these reasons is still a soft sign (see `assess`).
_DEMOTABLE = {
    CrisisKind.SELF_HARM: frozenset({"recent_past", "not_the_patient_now"}),
    CrisisKind.EMERGENCY: frozenset({"settled", "not_the_patient_now"}),
}

# --- the default phrases ------------------------------------------------------------------------
# Concepts, not sentences: each phrase stands for a family of phrasings (word alternatives, gaps,
# prefixes, other persons, Spanish), so that sentences nobody has written yet are caught too.

_END = END
_SELF = SELF
_SUBJECT = SUBJECT
_DRUGS = DRUGS
_PILLS = PILLS
_FAMILY = FAMILY

SELF_HARM_PHRASES: tuple[str, ...] = (
    # naming it, text-speak
    "suicid*",
    "sewerslide*",
    "sewer_slide*",
    "kms",
    "kys",
    "unalive*",
    "self_delete*",
    "selfdelete",
    "toaster_bath",
    "self_harm*",
    "self_injur*",
    f"kill|killing|killed|kills|off|offing|offed|end|ending {_SELF}",
    # hurting oneself, by any means; accidents are IDIOMS below
    f"hurt|hurting|hurts|harm|harming|harmed|harms|injure|injuring|injured|cut|cuts|cutting|"
    f"burn|burned|burnt|burning|burns|slit|slitting|slash|slashing|slashed|stab|stabbing|"
    f"stabbed|carve|carving|carved|scratch|scratching|punish|punishing {_SELF}",
    f"hang|hanging|hanged|hung|shoot|shooting|shot|drown|drowning|drowned|poison|poisoning|"
    f"poisoned|strangle|strangling|suffocate|suffocating|starve|starving|gas|gassing|"
    f"electrocute|overdose|overdosing|od|hit|hitting|punch|punching|bang|banging|beat|beating"
    f"|bite|biting|bruise|bruising {_SELF}",
    f"want*|going_to|plan*|think*|urge*|tempted|need|ready ... hurt|harm|cut|burn|kill|punish"
    f" .. {_SELF}",
    f"do ... to {_SELF}",
    "do_something stupid|drastic|permanent|irreversible|dumb|terrible|crazy|dangerous",
    "scared|afraid|terrified|frightened|worried of|about what i",
    "slit|slitting|slash|slashing|slashed|cut|cutting|cuts|open ... wrist|wrists|vein|veins|throat",
    "started|start|been|keep|kept|back_to|again|relapsed ... cutting|burning|self_harming",
    "cutting|burning again",
    "hang|hanging|hanged|hung|shoot|shooting|drown|drowning|stab|stabbing|kill|killing|end|off"
    " .. my|his|her self",
    # ending one's life
    f"{_END}|take|taking|took|taken|stop|stopping|quit|quitting .. my|his|her|their|own .. life",
    f"{_END} it all",
    f"{_END} .. everything",
    f"{_END} things",
    f"{_END} it $",
    f"{_END} it tonight|today|now|soon|for_good|forever|once_and_for_all|this_weekend|this_week"
    "|tomorrow|for_real",
    f"think* about|of {_END} it",
    f"feel* like {_END} it",
    "slit* ... wrist*|wrists|throat",
    "cut* ... wrist*",
    "tired|sick of living|life",
    "tired|sick of being alive",
    f"going to take all ... {_PILLS}",
    f"want* to take all ... {_PILLS}",
    f"took|taken|swallow*|downed ... many .. {_PILLS}",
    f"took|taken|swallow*|downed ... bottle of .. {_PILLS}",
    "want* it .. to end $",
    "it_all|everything .. to .. stop|end $",
    "it_all|everything ... stop|end|over ... forever|for_good|permanently",
    "make|making ... stop ... forever|for_good|permanently",
    "stop|end|over forever|permanently",
    "tonight|today is the_night|the_day",
    f"{_END} .. suffering",
    "stop|quit|done|finished|cease|give_up ... living|existing|being_alive|being_here",
    "not|never exist*",
    "cease to exist",
    "up on life|living|myself|everything",
    "tired|sick|exhausted|weary ... of .. living|life|being_alive|existing|being_here",
    "done|finished with .. life|living|being_alive|this_world|it_all|everything_and_everyone",
    "check* out ... life|world|existence|for_good|permanently",
    "take|taking|took my own life",
    "take|taking my life",
    # wanting to be dead, not to be here
    "want*|wanna|wish|ready|prefer|rather|decided|deserve ... to .. die",
    "want*|wish|rather|prefer|ready|better ... be|being dead",
    "i should .. die|dead",
    "should be dead",
    "wish i .. die|dead|died|gone|wasnt_born|werent_born",
    "wish i ... never .. born|existed",
    "wish ... didnt|wasnt|werent|never ... exist|existed|born|alive",
    "better off dead",
    "better off without me",
    "better off if im gone|dead",
    "better off if i ... dead|gone|died|here|around",
    "better off .. gone",
    "better off ... than .. me",
    "than with me",
    "better off ... life_insurance|insurance_money",
    "dont|doesnt|didnt|not|no|never|wont wanna|want|wants|wanted|wanting .. be .. here|alive|around"
    "|on_this_earth|on_earth|in_this_world|on_this_planet ... anymore|more|now|no_more",
    "dont|doesnt|didnt|not|no|never|wont wanna|want|wants|wanted|wanting .. to .. be_alive|live"
    "|living|exist|wake_up|keep_living|survive|be_here",
    "dont|doesnt|didnt|not|no|never want|wants .. to go_on|continue|keep_going $",
    "hope i dont wake up",
    "not sure .. want to live",
    "not sure .. want to be alive|here",
    "never wake up",
    "not wake up",
    "wouldnt wake up",
    "go_to_sleep|sleep|fall_asleep ... never|not .. wake|waking",
    "want*|wish to disappear|vanish",
    "wish i could disappear|vanish",
    "disappear forever",
    "wont|not|never .. be alive",
    "not|dont|wont|never ... alive|here|around ... much_longer|long_enough|for_long",
    "ill|i_will|going_to|gonna .. be .. dead by|before|soon|tomorrow|then|next|tonight",
    "ill|i_will|going_to|gonna .. be .. gone before|forever|for_good",
    "after|once|when im|i_am .. dead",
    "after|once im gone",
    "in_case|incase im|i ... not .. here|around|alive",
    "when|after|once i .. die|am_gone|am_dead",
    # no way forward
    "no reason to live",
    "no|any|dont_see|cant_see|without|lost|what|whats|nothing|zero|cant_think_of|cant_find"
    "|not_one|not_a_single|not_any ... reason*|point|purpose"
    " ... live|living|alive|exist|existing|keep_going|keep_living|keep_fighting|go_on|going_on"
    "|carry_on|be_here|be_alive|wake_up|get_up|stay_alive",
    "nothing .. to live for",
    "nothing left to live for",
    "not worth living",
    "isnt worth living",
    "not worth it anymore",
    "life .. isnt|not|aint worth",
    "no point .. living",
    "point of living|life|being_alive",
    "no point in life",
    "life is pointless|meaningless|over",
    "cant go on $",
    "cant|couldnt|cannot .. go_on|keep_going|keep_living|live|continue|survive ... like_this"
    "|anymore|living|with_this|another_day|one_more_day|much_longer|any_longer",
    "cant keep going $",
    "cant do this|it anymore|any_more|no_more",
    "cant take it|this anymore|any_more|no_more",
    "cant|cannot|couldnt take|handle|bear|stand it|this ... anymore|any_more|no_more|much_longer"
    "|another_day",
    "cant live like this",
    "cant|cannot anymore $",
    "cant|cannot even|just anymore $",
    "no_one|noone|nobody would ... miss|care|notice",
    "no_one|noone|nobody ... miss_me|care_if|notice_if",
    "no way out",
    "only way out",
    "dont|cant see .. way out",
    "no point anymore",
    "no point in going_on|anything|trying",
    "whats the point anymore|of_anything|of_living|of_life|of_going_on",
    "how much longer can i|anyone|someone",
    "death|dying|die ... only|answer|solution|way_out|escape|relief|release|peace",
    "think* about|of dying|death|not_being_here|not_waking_up|not_existing|not_being_alive",
    "thoughts of|about .. dying|death|killing|ending|not_waking|not_being",
    "dark thoughts",
    "feel* like dying",
    "sleep forever",
    "better|happier|easier ... without me",
    "better|happier|easier|fine|relieved|glad|happy|free ... if|when i|im ... disappeared|disappear|died|die|was_gone"
    "|were_gone|wasnt_here|werent_here|was_dead|were_dead|killed_myself",
    "disappear*|vanish* ... for_good|forever|permanently",
    "i have|ive_got|i_made|got a plan $",
    f"plan ... and|to ... the|my|enough ... {_PILLS}|gun|rope|means|noose",
    "wrote|writing|written|write|left|leave|leaving ... note|letter|letters|notes ... for|to ..."
    " family|kids|children|wife|husband|son|daughter|parents|mom|dad|everyone|loved_ones",
    "rather|prefer .. die|dead|not_be_alive|not_live|not_exist",
    "not|wont|dont|never ... make_it|survive|last ... through_the_night|til_morning"
    "|until_morning|the_night|the_weekend|til_tomorrow|until_tomorrow",
    "want*|going_to|gonna|plan*|think*|tempted|urge* ... crash|wreck|crashing|wrecking|swerve"
    "|swerving ... car|truck|myself|into|off",
    "quiere|quiero|quieren|va|voy|vas ... matar|morir|suicidar|matarse|matarme|morirse|morirme",
    "nothing|nada left|more|mas ... for me|to_live_for|to_look_forward_to",
    "i want out $",
    "last day|night|week|days|hours alive|on_earth|on_this_earth|of_my_life|here",
    "made|make|making my peace",
    "cant|cannot|couldnt handle|stand|bear|take|do ... being_alive|living|existing|life|this_life",
    "stop|stops|stopped my heart",
    f"drink*|drank|starv*|smok*|bleed|bleeding|freeze|freezing .. {_SELF} to death",
    "my|own funeral|obituary|memorial",
    "garage ... running|exhaust|engine_on|car_on|engine_running|car_running",
    "hose ... exhaust|tailpipe",
    "carbon monoxide",
    "whats|what_is the point $",
    "whats|what_is the point of|in .. anything|it_all|any_of_this|life|living|trying|going_on"
    "|being_here|being_alive|it_anymore|any_of_it|me",
    "want*|wish ... it|this|everything|it_all ... over|end|stop ... forever|for_good|permanently",
    "cant|couldnt|cannot|wont ... survive|last|make_it|get_through ... another|one_more"
    "|much_longer",
    "would be better off $",
    "dont_think|not_sure|doubt ... can|could|ill|i_will .. survive|last|make_it|get_through ..."
    " another|one_more|much_longer",
    "im|i_am|feel_like|feel* .. just|such|a|nothing_but|only .. burden",
    "wish*|hope*|pray* ... hit_by|run_over|struck_by|get_cancer|heart_attack|die|dead",
    "dont|doesnt belong ... world|earth|alive|anywhere|here_anymore",
    "think*|thought|thinking ... how_to_do_it|how_i_would_do_it|how_id_do_it|when_to_do_it"
    "|where_to_do_it",
    "welcome ... death|dying|the_end",
    "god|lord|jesus ... take me|let_me_die|end_this|end_it|end_my_life",
    "no hope for me|left",
    "should|deserve .. to .. die|be_dead",
    "waste of space|oxygen|air|life",
    "threaten*|threat* ... kill|overdose|od|end_it|take_all|jump|hang|shoot|suicide|hurt_himself"
    "|hurt_herself|hurt_themself|his_pills|her_pills",
    f"bullet|bullets ... head|brain|mouth|{_SELF}",
    "dont|doesnt|didnt care if|whether i ... wake_up|live|die|survive|make_it|am_alive|exist",
    "told|tell|telling|texted my .. wife|husband|kids|children|family|mom|dad|son|daughter|parents"
    " ... goodbye|bye",
    "nothingness|eternal_sleep|endless_sleep|permanent_sleep|the_void|big_sleep",
    f"collect*|gather*|pile* ... {_PILLS} ... in_a|jar|stash|for_weeks|for_months|for_later"
    "|for_when|just_in_case",
    "on|at|standing_on|sitting_on the ledge|rooftop|roof ... now|right_now|tonight|alone|edge",
    "better|rather|belong|should_be ... in the .. ground|grave|coffin|box",
    "six feet under",
    "going_to|gonna|will|plan_to|ready_to end|stop my|this|the .. pain|suffering|misery ..."
    " permanently|forever|for_good|myself|tonight",
    "cant|couldnt|cannot go_on|keep_going|continue with|living .. life|living|this_life|it_all",
    "love ... you|them|her|him|everyone|all ... im_sorry|sorry_for_everything|forgive_me|goodbye",
    "sorry|forgive_me for everything $",
    "please forgive me $",
    "no .. reason*|point|purpose left|anymore",
    f"hid|hide|hiding|hidden ... {_PILLS} ... for_weeks|for_months|for_days|for_a_while|in_case"
    "|just_in_case|for_later|for_when",
    "lethal",
    "roof|rooftop|bridge|ledge|balcony|overpass ... looking_down|look_down|staring_down|stare_down"
    "|jump|jumping",
    "dormir ... no|nunca .. despertar|despertarme",
    "se|me corto|corte|cortaba|corta|cortando ... brazos|brazo|venas|munecas|muneca|piernas|piel",
    "cortandose|cortarse|cortandome",
    "relapse*|relapsing ... cut|cutting|self_harm*|burning|burned|harming",
    f"dont|cant|never see|picture|imagine {_SELF} ... alive|here|around|living|being_alive"
    "|making_it",
    "how much longer ... can|could .. keep_going|go_on|do_this|take_this|take_it|live|survive"
    "|handle|last",
    "take|took|swallow* ... will|would|could|can i die|overdose|od",
    "take|taking|took|swallow* many|a_lot|all ... will|would|could|enough|to ... die|kill|od"
    "|overdose|dead",
    "better off not .. being|existing|alive|here|around",
    "tried|try|trying|attempted|attempt ... overdose|od|kill_myself|kill_himself|kill_herself"
    "|end_it|end_my_life|hang_myself|take_my_life|take_my_own_life|jump|suicide",
    "until|till|til|untill i .. die|am_dead|dont_wake_up|stop_breathing",
    f"danger|threat|risk to {_SELF}",
    "why ... keep_living|stay_alive|be_alive|live|bother_living|even_live|go_on_living"
    "|keep_waking_up|still_alive|even_alive",
    "tired|sick|exhausted|weary|done ... stay_alive|staying_alive|keep_living|to_live|to_survive"
    "|being_alive",
    "how easy|simple|quick it would be $",
    f"take|taking|swallow* all .. {_PILLS} ... and ... sleep|die|be_done|end_it|never_wake|forget",
    "cant wait to .. be_dead|die|be_gone|not_exist|not_be_here",
    "no ... sentido ... vida|vivir",
    "vida ... no|sin ... sentido",
    "how long .. does|would|will|to ... die",
    "die|dying from|of ... overdose|overdosing|pills",
    "ill|i_will .. be dead",
    "hurt*|cut*|burn*|burnt|hit|hitting|scratch*|bang*|punch*|bit|bite|biting|starv*|slit|slash*"
    " ... on_purpose|deliberately|intentionally|to_feel_something|so_i_could_feel|to_punish",
    "cut*|slit|slice*|slash* ... with .. razor|blade|blades|boxcutter|box_cutter|scissors",
    "cut*|slit|slice*|slash* ... arm|arms|leg|legs|thigh|thighs|wrist|wrists|skin|stomach again",
    "giving|give|gave|given up completely|entirely|for_good|on_everything|on_it_all",
    "feel* like giving_up|give_up $",
    "want* .. to not|never .. be .. here|alive|around",
    "want* .. to not|never exist*",
    "own funeral|death|grave|suicide",
    "think* about|of ... dying|death|not_being_here|killing_myself|ending_it|ending_my_life",
    "take|taking|took|swallow*|down ... rest_of_the_bottle|rest_of_my_pills|rest_of_the_pills"
    "|rest_of_the_pack|rest_of_them",
    "go|going|get to heaven",
    "be with .. god|jesus|the_lord",
    f"{_SELF} ... with .. razor|razors|blade|blades|knife|rope|gun|noose",
    f"{_PILLS} and ... vodka|whiskey|booze|liquor|alcohol",
    f"vodka|whiskey|booze|liquor and ... {_PILLS}",
    "cansad*|harta|harto de vivir|la_vida|estar_vivo|estar_viva",
    "ojala ... muera|muriera|morir*|no_despert*|no_despiert*",
    "cant|dont|cannot|couldnt|never see|imagine|picture .. a|any|my .. future",
    "no future $",
    "no future for me",
    "said|say|saying goodbye|goodbyes|bye to my .. kids|family|children|loved_ones|parents",
    "dont|not|doesnt deserve .. to .. live|be_alive|exist|be_here|wake_up",
    f"{_END} it ... only|option|answer|solution|way_out",
    "leave|leaving|left|depart|departing this|the world|earth|life|planet",
    "on_this_earth|on_earth|in_this_world|on_this_planet|in_this_life anymore|no_more|any_longer",
    "please|pls|plz|just|someone|somebody kill me",
    "kill me now|already|please|pls $",
    f"{_END} me $",
    "wont|not|never|dont|no_need_to|stop ... worry_about_me|deal_with_me|put_up_with_me"
    "|bother_with_me|take_care_of_me ... much_longer|anymore|any_longer|for_long",
    "plan*|planned ... my .. death|funeral|exit|suicide|last_day",
    "made|make|making .. peace with .. it|dying|death|leaving|going|everything",
    f"{_PILLS}|gun|knife|rope|razor|blade|blades|noose ... in_front_of_me|next_to_me|in_my_hand"
    "|beside_me|in_my_lap",
    "i|just want* to be gone $",
    "done|tired_of|finished|quit|stop fighting $",
    "what|whats ... point ... waking_up|wake_up|getting_up|living|being_alive|going_on|trying",
    "want* it|everything|this .. over $",
    "knife|blade|razor|gun|pistol ... to|on|against my|his|her|the ... wrist|wrists|throat|head"
    "|neck|temple",
    "will|going_to|gonna|wants_to|threatening_to|about_to|ready_to|trying_to jump $",
    "tell ... my|the kids|family|children|wife|husband|mom|dad|son|daughter|parents|everyone"
    " ... i_love_them|i_love_her|i_love_him|im_sorry|i_am_sorry|goodbye|i_said_goodbye",
    "took|swallowed|taken|ate|downed everything|all|whatever ... cabinet|drawer|i_had"
    "|i_could_find|in_the_house",
    f"took|taken|swallowed|downed a_lot|lots|loads|tons|bunch|handful ... {_PILLS}|of_my|of_them",
    "hope|wish|pray|praying ... i ... die|dont_wake|never_wake|dont_make_it|dont_survive"
    "|dont_come_back|dead",
    "hope|wish|pray|praying ... kill|kills|finish|finishes|end|ends me",
    "live|lived or die|died",
    "not safe|dont_feel_safe ... with|around myself|alone|tonight",
    "think*|thought|thoughts|urge*|want*|plan* about|of|to jumping|hanging|shooting_myself"
    "|drowning|overdosing|od",
    "way_out|answer|solution|option|escape ... is|would_be|seems ... death|dying|to_die|suicide",
    "want*|going_to|gonna|plan*|think*|tempted|urge* ... drive|driving ... off|into ... road|cliff"
    "|bridge|wall|tree|traffic|river|lake|oncoming|edge",
    "no .. quiero|quiere|quieren|puedo|puede|aguanto|aguanta|vale ... vivir|seguir|despertar",
    "tomar*|tome|tomo|trague|tragar*|tragu* ... todas|todo|muchas|demasiadas ... pastillas"
    "|pildoras|medicinas|medicamentos",
    "todas mis|sus pastillas|pildoras|medicinas",
    "dont_think|not_sure|doubt ... make_it|survive|last ... through_the_night|til_morning"
    "|until_morning|the_night|the_weekend",
    "goodbye|bye everyone|all|world|forever|cruel_world|my_friends|my_family",
    "this is my last message|text|goodbye",
    "my last words|goodbye",
    "if i wasnt|werent .. around|alive|here",
    "bought|buy|got|have|found|tied|tying .. rope|noose",
    "noose",
    f"got|have|ive_got|i_have the|my|all_my|enough .. {_PILLS} ready $",
    "rope|noose|gun|knife|blade|blades|razor|razors ... ready|hidden|hid|hiding|stashed|saved"
    "|waiting",
    "goodbye note|notes|letter|letters|message|messages",
    "say*|said ... goodbye to everyone|you_all|all_of_you|the_world|people|everybody|friends"
    "|loved_ones",
    "say|said|saying|made my goodbyes",
    "my goodbyes",
    "tell ... i said goodbye|bye",
    "said goodbye|bye ... wont|never|not .. coming_back|be_back|see|be_around|be_here",
    "this is goodbye",
    "goodbye forever|cruel",
    "final|last goodbye",
    "gave|give|giving|given away ... stuff|things|belongings|possessions|everything|my_things"
    "|my_stuff|all_my",
    "gave|give|giving|given ... stuff|things|belongings|possessions|everything away",
    "wont|not be needing ... anymore|where_im_going",
    # plans and intent said outright (issue 10, outside probe round 5 categories)
    f"plan*|planning|planned|decided|going_to|gonna|about_to|ready_to .. to .. {_END} it",
    f"{_END} it myself|for_good|permanently",
    "this time ... do_it|get_it|make_it|go_through right|properly|for_real|for_good",
    "tried ... before|once|already ... this time ... do_it|get_it|succeed|work|for_real|right",
    "decided ... im|i_am finished|done|ready|going",
    "tap|tapping|tapped out for_good|forever|permanently|of_life",
    "no more pain|fighting|suffering|hurting after|by|past tonight|today|tomorrow|this_weekend",
    "wont|not|never be .. a|an .. problem|burden|bother|nuisance ... much_longer|for_long|anymore"
    "|any_longer|soon",
    "how high|tall ... building|bridge|roof|floor|fall|drop|jump",
    f"every .. {_PILLS} ... cabinet|house|drawer|bottle|i_have|i_own|i_could_find|at_once",
    "punch*|hit*|bang*|slam* ... until|till|til ... break|breaks|broke|broken|bleed|bleeds|bled",
    # guns, heights, trains, cars
    "buy|bought|buying|got|have|has|had|get|getting|found|loaded|load|loading|holding|hold|own"
    "|borrowed"
    " ... gun|pistol|rifle|shotgun|firearm|handgun",
    f"gun|pistol|rifle|shotgun|firearm|handgun ... {_SELF}|head|mouth|temple",
    "pull* the trigger",
    "jump* off|from|out ... bridge|building|roof|rooftop|cliff|balcony|window|overpass|ledge"
    "|something|somewhere|high"
    "|parking|tower",
    "edge|ledge of ... roof|rooftop|bridge|building|cliff|balcony|platform|tracks|overpass"
    "|parking|garage|tower",
    "standing|sitting|stood|sat|climb*|climbed ... ledge|railing|overpass",
    "on|onto|standing|sitting|stood|sat|climb*|lie|lying|lay|laying ... roof|rooftop|bridge"
    " ... jump*|end|die|edge|think*",
    "step*|jump*|throw* .. in_front_of|infront_of|under .. it|a|the|train|truck|bus|car|cars"
    "|traffic|subway|tram|lorry",
    "lie|lying|lay|laying|walk*|run|running|stand|standing .. in_front_of|infront_of|under ..."
    " train|truck|bus|car|cars|traffic|subway|tram|lorry",
    "in_front_of|infront_of ... train|truck|traffic|subway|tram|lorry|semi",
    "walk*|step*|wander* ... into traffic|the_highway|oncoming",
    "on|onto the|train|railroad|railway tracks",
    "lie|lying|lay|laying|stand*|sit|sitting|walk* ... tracks|railroad|railway",
    "driv*|crash*|steer*|swerv*|ram|ramming ... into|off|onto ... wall|tree|pole|bridge|cliff"
    "|traffic|truck|river|lake|ocean|oncoming|barrier|overpass|pillar|semi|concrete",
    "driv*|crash*|steer*|swerv* ... wall|tree|pole|cliff|traffic|truck|oncoming|river|lake"
    " ... on_purpose|deliberately|intentionally",
    "crash* ... on_purpose|deliberately|intentionally",
    # pills on purpose, hoarding, lethal doses
    "overdos* on purpose",
    "overdos* ... purpose|deliberately|intentionally",
    "want* .. overdose|od",
    "plan* .. overdose|od",
    "going to overdose|od",
    f"took|take|taking|taken|swallow*|extra|too_many|too_much|double|more|all ... {_PILLS}|dose"
    "|doses|it|them ... on_purpose|deliberately|intentionally",
    f"took|taken|swallow* all ... {_PILLS}",
    f"take|taking|swallow* all .. {_PILLS} .. at_once|together|tonight|now",
    f"going_to|gonna|want*|plan*|ready|about_to|could ... take|swallow*|down|eat ... all ..."
    f" {_PILLS}|of_them|of_it|at_once|together",
    "take|taking|took|swallow*|down|downing them|it|em|those|these|everything all",
    "take|taking|took|swallow*|down|downing all of_them|of_it|at_once $",
    f"whole|entire|full bottle|bottles|box|pack|packet|supply|prescription|strip|blister|jar"
    f"|container .. of .. {_PILLS}",
    "take|taking|took|taken|swallow*|down|downed|downing|chug*|empty|gulp* ... whole|entire|full"
    " .. bottle|pack|packet|supply|prescription|strip|blister|container|jar|box",
    f"handful|handfuls|fistful|bunch|pile of .. {_PILLS}",
    f"stockpil*|hoard*|stash*|sav*|squirrel* ... {_PILLS}",
    f"{_PILLS} ... lined_up|counted_out|in_one_place|piled_up",
    f"all ... {_PILLS} ... one_place|lined_up|in_a_pile",
    "lethal|fatal|deadly|killing|toxic|overdose dose|doses|amount|amounts|quantity|level",
    f"how many|much ... {_PILLS}|it|would|does|to ... die|kill|fatal|lethal|overdose|od|deadly",
    "way|ways|method|methods|how|easiest|quickest|painless|best to .. die|dying|kill_myself"
    "|end_my_life|end_it|kill_yourself|kill_oneself",
    "kill|killing|end|ending .. yourself|oneself|myself painless*|quickly|quietly|peacefully",
    "painless|peaceful death|exit|suicide",
    "painless|peaceful|quick|quickest|easiest|easy way|ways ... die|dying|end_it|end_my_life|kill",
    # Spanish and Spanglish
    "quiero|quisiera|deseo|prefiero|ganas|pensando|pienso|voy ... morir|morirme|matarme|suicidarme"
    "|estar_muerto|estar_muerta|desaparecer|quitarme_la_vida",
    "me quiero|voy|puedo .. morir|matar|suicidar",
    "matarme",
    "morirme",
    "quitarme|quitar ... vida",
    "acabar|terminar|terminado ... vida",
    "acabar|terminar con todo",
    "no .. quiero|puedo|aguanto|vale ... vivir|seguir|despertar",
    "ya no aguanto|puedo",
    "no aguanto|puedo mas",
    "no vale la pena vivir",
    "mejor muert*",
    "mejor|mejores ... sin mi",
    "hacerme|haciendome|me_hago ... dano|danio",
    "cortarme",
    "me corte|corto|cortaba",
    "cort* ... venas",
    "todas las pastillas",
    "sin razon|razones para vivir",
    "no tengo razon|razones|motivo|motivos para vivir",
    "dormir|dormirme para siempre",
    # euphemisms for not being alive soon (erring on escalation: staff close false alarms)
    "wont|not|never be around|here|alive ... anymore|much_longer|any_longer|for_long|by_then"
    "|after_tonight|after_this|by_christmas|by_new_year",
    "wont|not|never see|make_it_to ... new_year|christmas|my_birthday|next_week|next_month",
    "wont|not|dont|might_not|may_not make_it|survive through|past the|this|tonight",
    "wont need ... where_im_going|anymore|any_more|after_tonight|after_this",
    "where im going",
    "cash|cashing out",
    "checking|check out tonight|for_good|of_life|of_this_life",
    "easy|only|quick way out",
    "out of the picture",
    "be|go_be|join ... with my late|dead|passed",
    "join ... in heaven",
    "my last day|night|week",
    "affairs in order",
    "gone gone",
    "make sure of that",
    "everything is|its set|ready for tonight",
    "saying|said|say|posted|post* ... goodbye|goodbyes|bye ... everyone|everybody|family|all|to",
    "deleting|deleted|delete ... all my",
    "have|got|made ... a|the plan $",
    "a|the plan and i know|when|how",
    "have|got ... the means|the_rope",
    "access to ... firearm*|gun|guns|a_gun",
    "on|off ... my|his|her own terms",
    "engine running",
    "walk* ... into the lake|river|ocean|sea|traffic|water",
    "swallowed|took|taken|taking ... everything|whole|all|handful|bunch|like|about ... pills|pill|oxys"
    "|meds|bottle|organizer|tablets|of_my",
    "od|overdose ... on",
    "razor|razors|scissors|knife|blade ... my|me|legs|arms|thigh|wrist",
    "banging|hitting|slamming my head",
    "wants|want|wanting ... to die|be_dead|join",
    "voices ... telling|tell ... me",
    "wont|dont|not ... be_needing|need ... them|appointments|appts|it|refills|anything ... after",
    "decided ... im|i_am done",
    "ive|i_have|i decided|made_up_my_mind ... tonight|today|to_do_it|its_time|im_done|to_go",
    "tonight|today|tomorrow|this_weekend is|s|its the night|day",
    "tonights|todays the night|day",
    "picked|set|chose|chosen a|the date|day",
    "went|go|going|finally ... through with it",
    "left|wrote|writing|leaving ... a|goodbye|suicide note|notes",
    "goodbye|suicide letter|letters",
    "left|wrote|writing|leaving ... letters|a_letter ... to my|for my ... kids|children|family|wife"
    "|husband|son|daughter|mom|dad|parents ... in_case|goodbye|when_im_gone",
    "note ... saying|says sorry|goodbye",
    "permanent one|solution|relief|fix|sleep|way_out",
    "will to live|keep_going|go_on|carry_on",
    "how many ... pills|tablets|meds|of_my ... would|to take|kill|it_takes|is_lethal|would_take",
    "on|off|from the|a bridge|roof|ledge|overpass",
    "burn*|cut*|scratch*|carv*|slash*|pick*|punch* ... my|his|her ... arm*|leg*|wrist*|thigh*|skin"
    "|wound|wall ... again|on_purpose|lighter|razor|blade|till|until|til|so_i|to_feel",
    "scratch*|pick*|cut* ... till|until|til ... bleed*",
    "on purpose so|to ... wont|not|die|hurt|bleed|infect*|heal",
    "wish ... hadnt|didnt|wouldnt|not|never ... wake|woken|woke",
    "god|jesus|lord ... take|takes|took me",
    "going|gonna|want ... to see|join|be_with ... grandma|grandpa|mom|dad|wife|husband|her|him"
    " ... soon|in_heaven",
    "swallow* ... pills|meds|tablets|bottle|rest|bleach|antifreeze|poison|drain_cleaner",
    "reschedule|book|move me ... to|for never",
    "posted|post|wrote|said|texted|sent ... my|his|her|a goodbye",
    "stopped|stop|not ... eating|drinking ... on_purpose|to_die|so_i_die",
    "want|need ... this|it|everything|all_this to be over",
    "not|dont|never ... plan* ... on|to ... being|be alive|around|here",
    "not coming out alive",
    "painless|quick|quickest|easy|easiest|best ... way|ways ... to go|die|do_it|end",
    "bath*|tub ... razor*|blade*",
    "razor*|blade* ... bath*|tub|wrist*",
    "giving|gave|give ... away ... my|his|her ... stuff|things|jewelry|tools|belongings|possessions",
    "if im gone|dead",
    "try|trying again ... die|kill|end|overdose|suicid*",
    "still want* to try|do_it again",
)
SELF_HARM_PHRASES = (*SELF_HARM_PHRASES, *FAMILY_SELF_HARM, *PLAN_SELF_HARM, *INTENT_SELF_HARM)

EMERGENCY_PHRASES: tuple[str, ...] = (
    # breathing that has slowed or stopped, someone who cannot be woken (erring on escalation)
    "breathing like|only|about ... times|per a|minute",
    "stop|stops|stopped|stopping|keeps_stopping breathing",
    "cant|cannot|couldnt|cant_seem_to wake|rouse ... him|her|them|up|my",
    "squeez*|crush*|fire|burning ... my|the heart|chest",
    "chest is|feels on fire",
    "gushing|pouring|spurting|soaking",
    "bleeding heavy|heavily|a_lot|alot|badly|through",
    "no responde|reacciona|despierta",
    "respira ... despacio|despacito|raro|poco|mal",
    "dolor ... en el pecho",
    "inhaler ... not|isnt|doesnt|wont|aint ... work*|help*|doing",
    "hit|banged|bumped|struck ... head ... confused|throwing|vomit*|drowsy|unconscious|passed"
    "|pupil*|sleepy",
    "woke|came_to|found_myself ... on the floor|ground",
    "how long i was out",
    "grey|gray|ashen|pale ... sweat*|clammy",
    "cough*|vomit*|throw*|spit* ... up ... blood",
    "blacking|black out",
    "wheez* ... super|really|very|so|badly|bad",
    # round 5 categories: crushing weight, a heart about to burst, air, neck swelling, blue,
    # jerking limbs, everything going dark, someone found on the floor, an empty pill bottle
    "elephant ... sitting|standing|on me",
    "hard|difficult|impossible|struggling|trouble to|waking wake|rouse|waking|rousing",
    "crashed|wrecked|rolled|totaled|totalled ... the|my|his|her|our|their car|truck|van|suv",
    "crush*|squeez* ... my|the .. ribs|ribcage|sternum|breastbone",
    "weight|pressure ... crushing|squeezing|sitting_on ... ribs|chest",
    "heart ... going_to|gonna|about_to explode|burst|pop|jump_out|stop|give_out",
    "wont|cant|doesnt|isnt|not|cannot open|opening .. his|her|their|my eyes",
    "struggling|struggle|cant|trouble|hard|hardly|barely ... get|getting .. air",
    "neck ... swell*|swollen|closing",
    "lips|lip|face|skin|fingers|fingertips|nails ... bluish|blueish|bluey|blue_ish|going_blue"
    "|turning_blue",
    "jerk*|twitch*|shak*|convuls* ... cant|cannot|wont|couldnt control|stop",
    "everything|vision|world|eyes|it ... going|went|gone|turning|turned|goes dark|black",
    f"found|find|finding .. {_FAMILY} ... on .. the .. floor|ground|bathroom_floor",
    f"found|find|finding .. {_FAMILY} ... unconscious|not_breathing|passed_out|unresponsive",
    "empty .. pill|pills|medicine|meds|tablet|tablets bottle|bottles|packet|packets|box",
    # chest
    "chest ... pain*|pian|hurt*|pressure|tight*|ache*|aching|burning|crushing|squeez*|heavy"
    "|heaviness|killing|sore|exploding|stabbing",
    "pain*|pian|pressure|tight|tightness|crushing|ache*|hurt*|hurting|squeez*|heavy|heaviness"
    "|stabbing ... chest",
    "chest feels like",
    "elephant .. on my chest",
    "heart ... explode|exploding",
    "heart attack",
    "cardiac arrest",
    "heart stopped",
    "heart is stopping",
    # breathing
    "cant|couldnt|cannot .. breath|breathing",
    "barely|hardly .. breath|breathing",
    "hard .. to breath",
    "hard time breathing",
    "trouble|difficulty|difficult|problems|struggling|struggle|labored|laboured ... breath"
    "|breathing",
    "short of breath",
    "shortness of breath",
    "cant catch my breath",
    "not|isnt|stopped|hasnt|stops|quit breathing",
    "breathing|breaths|breath ... weird|weirdly|slow|slowly|shallow|strange|funny|odd|irregular"
    "|gurgl*|rattl*|noisy|labored|laboured|raspy|wrong|stopping|stops|pauses|far_apart|faint"
    "|barely",
    "breathing is not|isnt right|normal",
    "gasping",
    "choking",
    "suffocat*",
    "wheez* $",
    "wheez* badly|bad|a_lot|and|so|really|heavily|worse|loud|loudly|nonstop|constantly|after"
    "|since|now|like",
    "started|starting|began|begun|keep|cant_stop wheez*",
    "cant get .. air",
    "air hunger",
    "turning|turned blue|purple|grey|gray",
    "asthma attack",
    "inhaler ... not|isnt|doesnt|wont ... working|helping|work|help",
    "no|cant_find|cant_feel|weak a .. pulse|heartbeat",
    "went|gone|is|body|baby|hes|shes limp|floppy",
    f"{_FAMILY}|toddler|kids|grandson|granddaughter ... swallowed|ate|got_into|chewed ... {_PILLS}"
    "|bottle|battery|batteries|magnet|magnets|bleach|poison|detergent|pod|pods",
    "hit|hitting|banged|bumped|struck ... head ... throwing_up|vomit*|confused|passed_out"
    "|unconscious|bleeding|knocked_out|drowsy|sleepy",
    "fell|fall|fallen and|then .. hit|banged|bumped|cracked ... head",
    "knocked out",
    "head injury",
    "severe|heavy|massive|uncontrolled|uncontrollable bleeding|blood_loss",
    "lips|face|skin|fingers|fingertips ... blue|purple|grey|gray",
    "lips ... blue|purple|grey|gray",
    # fainting, consciousness, seizures
    "pass|passed|passing|passes|past out",
    "fainted",
    "fainting",
    "feel* faint",
    "going to faint",
    "about to faint",
    "blacked|blacking out",
    "lost|losing consciousness",
    "unconscious",
    "unresponsive",
    "collapsed",
    "slumped|slumping",
    "collapsing",
    "wont|cant|isnt|not|doesnt|didnt|couldnt|wouldnt .. wake|waking|wake_up|waking_up",
    "cant wake him|her|them|my",
    "wont|isnt|not|doesnt|didnt|stopped|cant .. respond|responding|responsive|react|reacting"
    "|come_to|coming_to",
    "blanked out",
    "seizure*",
    "seizing",
    "having|had|has|have a|another fit",
    "epileptic fit",
    "foam*|frothing ... mouth",
    "eyes ... rolled|rolling .. back",
    "convuls*",
    "shaking|jerking|twitching|trembling ... all_over|uncontrollably|wont_stop|cant_stop"
    "|and_jerking",
    # stroke: one side, face, arm, speech, vision
    "stroke",
    "face|mouth|smile|lip ... droop*|dropping|droping|crooked|lopsided|uneven|sagging|saggy"
    "|slack|fell|fallen|dropped|twisted|paraly*",
    "side of my|his|her|the ... face|body|mouth|head ... numb*|weak*|sag*|frozen|paraly*|droop*"
    "|dead|limp|heavy|fell|dropped|tingl*|not_working|wont_move",
    "one|left|right|half|whole|entire side ... numb*|weak*|paraly*|droop*|dropping|dead|limp"
    "|sag*|not_working|wont_move|frozen",
    "numb*|weak*|paraly*|limp ... one|left|right|half|whole|entire side",
    "half ... face|body ... numb*|weak*|paraly*|droop*|dead|limp|fell",
    "paraly*",
    "hemipleg*",
    "cant|couldnt|cannot feel|move ... arm|arms|leg|legs|face|hand|hands|side|body",
    "cant|couldnt|cannot lift|raise|use|grip|move|feel ... left|right|his|her .. arm|leg|hand|side",
    "arm|leg|hand|foot|face ... dragging|limp|floppy|useless|dead_weight|gave_out|wont_work"
    "|not_working|stopped_working|wont_move|numb_and_weak|weak_and_numb",
    "dragging|drags|dragged .. his|her|my|their|a .. arm|leg|foot",
    "face ... numb*",
    "speech ... garbled|weird|strange|funny|slurred|off|gibberish|jumbled|nonsense",
    "garbled",
    "gibberish",
    "talking|talks|speaking nonsense|funny|weird|strange",
    "cant|couldnt speak|talk $",
    "cant|couldnt speak|talk and|properly|clearly|normally|straight|at_all|suddenly|sense|words"
    "|well",
    "cant get .. words out",
    "cant form words|sentences",
    "words ... jumbled|garbled|wrong|slurred",
    "trouble|difficulty speaking|talking",
    "slurr*",
    "worst headache",
    "sudden|suddenly ... headache",
    "headache ... worst|explod*|sudden|suddenly|thunderclap",
    "vision|sight|eye|eyes ... went_black|went_dark|went_blank|gone_black|gone_dark|blacked_out"
    "|went_blurry|went_dim|went_grey|went_gray",
    "fell|fallen|falling ... cant|cannot|unable|couldnt .. get_up|stand|stand_up|move",
    "confused|slurring|slurred|dizzy|drowsy|hes|shes|he_is|she_is ... not|isnt making_sense",
    "sudden ... severe headache",
    "thunderclap",
    "lost|losing .. vision|sight",
    "cant see out of",
    "cant see anything",
    "went|gone|going blind",
    "blind in one eye",
    # swelling, allergy
    "lips|lip|tongue|throat|face|mouth ... swell*|swollen|puff*|huge|fat|thick|numb*|tingl*"
    "|closing|closed",
    "swell*|swollen|puff*|huge|fat|thick ... lips|lip|tongue|throat",
    "throat ... clos*|tight*",
    "cant|couldnt|barely|hardly|cannot .. swallow*",
    "hard|trouble|difficulty|problems ... swallow*",
    "hives ... all_over|everywhere|and|spreading|face|throat|lips",
    "anaphyla*",
    "allergic reaction",
    "epipen ... use|used|using|gave|give|giving|needed|need|inject*|jab*",
    "use|used|using|gave|give|giving|needed|need|inject*|jab* ... epipen",
    # bleeding
    "cough* .. up blood",
    "vomit*|throw*|threw .. up blood",
    "vomit* blood",
    "bleed* .. heavily|badly|profusely|everywhere|nonstop|non_stop|alot|a_lot|so_much|too_much"
    "|through|like_crazy|really_bad|bad|out",
    "bleed* ... wont_stop|not_stopping|doesnt_stop|cant_stop|wont_quit|keeps_going|wont_clot"
    "|isnt_stopping",
    "wont stop bleeding",
    "cant|couldnt|wont|not|isnt|doesnt ... stop ... bleed*|blood",
    "blood ... everywhere|all_over|gushing|spurting|pouring|pumping|squirting|soaking|soaked"
    "|streaming|wont_stop|keeps_coming|running_down",
    "gushing|spurting|pouring|pumping|squirting|streaming ... blood",
    "gushing|spurting|squirting $",
    "wound|incision|stitches|cut|site|drain ... gushing|spurting|pouring|pumping|squirting"
    "|bleeding_heavily|wont_stop_bleeding|burst|split_open|ripped_open",
    "lots|lot|tons|pool|puddle|pools|much|cups|buckets ... of blood|bleeding",
    "bleed*|blood ... from ... wont_stop|not_stopping|doesnt_stop|cant_stop|isnt_stopping",
    "soak*|bled ... through ... bandage*|gauze|towel*|dressing|shirt|sheets|pad*",
    "bandage*|gauze|towel*|dressing ... soak*|full_of_blood",
    # pills, calling for help
    "overdosed|overdosing",
    "took|taken|swallowed|drank|ate ... whole|entire .. bottle|pack|box|packet|supply",
    "an overdose",
    f"took|taken|swallowed ... too many|much ... {_PILLS}|doses|dose",
    f"took|taken|swallowed|ate 10|12|15|20|25|30|40|50|60|100|ten|twelve|fifteen|twenty|thirty"
    f"|forty|fifty|hundred ... {_PILLS}|of_my|of_them",
    "sudden|suddenly ... numb*|weak*|paraly*|droop*|slurr*",
    "numb*|weak*|paraly*|droop*|slurr* ... sudden|suddenly|all_of_a_sudden|out_of_nowhere",
    f"{_FAMILY} ... isnt|not|wont|stopped .. moving|move",
    "numb*|weak*|paraly* ... arm_and_leg|leg_and_arm|arm_and_face|face_and_arm|hand_and_face",
    "feel* like im dying",
    "think im dying",
    "im dying $",
    "im going to die",
    "this is an emergency",
    "its an emergency",
    "having an emergency",
    "medical emergency",
    "call|called|calling|dial|dialed|dialing|ring|phone .. 911",
    "need .. 911",
    "911 now",
    "ambulance",
    "to the emergency room",
    # Spanish and Spanglish
    "no puede|puedo|podia|pudo|podemos .. respirar",
    "no respira|respiro",
    "falta ... aire",
    "ahog*",
    "dolor ... pecho",
    "pecho ... dolor|duele|apretado|presion|opresion|apretando",
    "duele ... pecho",
    "infarto",
    "ataque ... corazon|cardiaco",
    "desmay*",
    "inconsciente",
    "convulsion*|convulsiona*",
    "derrame|embolia",
    "no despierta|reacciona|despertaba",
    "no puede|puedo|podia .. mover ... brazo|pierna|lado|cara",
    "boca|cara|labio ... torcid*|caid*|chueca|chueco|dormid*",
    "cara ... caida|torcida|dormida",
    "labios|lengua|garganta|cara ... hinchad*|hinchando",
    "hinchaz*|hinchad* ... labios|lengua|garganta",
    "no para de sangrar",
    "cuesta|dificultad|problemas|trabajo ... respirar",
    "no siento ... brazo|pierna|cara|lado|brazos|piernas",
    "sangr* mucho|sin_parar",
    "sangre por todos|todas",
    "sobredosis",
    "emergencia",
    "ambulancia",
    "me|se estoy|esta muriendo",
)
EMERGENCY_PHRASES = (*EMERGENCY_PHRASES, *FAMILY_EMERGENCY, *PLAN_EMERGENCY, *INTENT_EMERGENCY)

# --- the soft tier --------------------------------------------------------------------------
# Weaker signs: hopelessness, a passive wish to be dead, giving up, farewells and affairs put in
# order, means hinted at; confusion or someone not answering. The patient is asked "are you safe
# right now?" and staff get a notice; no answer, "no" or "call me" pages on-call (the strong
# path). Strong phrases are tried first, so a soft phrase only matters when nothing strong fired.

SOFT_SELF_HARM_PHRASES: tuple[str, ...] = (
    # hopelessness
    "feel*|im|so|completely|totally|utterly|just|really|feeling hopeless",
    "dont|cant|cannot|doesnt see .. the|any point",
    "whats|what ... point $",
    "no|any|without|lost meaning|purpose",
    "wont|doesnt|wouldnt|will_not matter anymore|soon|much_longer|any_longer|for_long",
    "being|be a .. burden",
    "im|i_am|feel_like|feel .. a|such_a|just_a waste",
    "think*|thought ... of|about .. ways|a_way out",
    "after this|that ... im|i_am out|done|gone $",
    "how much|many ... it|would|does .. take $",
    "last time ... hear|hearing from me",
    "wont|never hear from me again",
    # round 4 (written afresh): Spanish, nobody caring, pointless, over it all, end of the rope,
    # another year like this, dreaming of not waking, a family relieved, "thinking about it again"
    "cansad*|harta|harto de luchar|sufrir|todo|esto|seguir",
    "me rindo",
    "no tiene sentido",
    "sin|no_hay|perdi|perdido la .. esperanza",
    "sin esperanza",
    "para que seguir|vivir|luchar",
    "anyone|anybody ... care|notice|miss ... if i",
    "everything|it_all|life|all_of_it|all_this feels|is|seems .. pointless|meaningless|hopeless"
    "|empty",
    "over it all|everything|life|living $",
    "nothing matters|means_anything $",
    "end of my rope|tether $",
    "cant|cannot|couldnt|dont_think_i_can|not_sure_i_can ... do|survive|face|take|handle ..."
    " another|one_more year|month|week|day"
    "|flare ... like_this|of_this",
    "dream*|fantasi*|daydream* about|of ... not_waking_up|not_waking|dying|being_dead|death"
    "|not_being_here|disappearing",
    "family|kids|wife|husband|everyone|they ... would|d be ... relieved|free",
    "thinking|thought about it again",
    "lost|losing|no|zero|out_of|given_up|gave_up all .. hope",
    "never|not_ever|wont_ever ... going_to|gonna|will|get ... get_better|change|end|improve",
    "nothing ... ever ... change|changes|get_better|gets_better|help|helps|work|works",
    "out of options|hope|chances $",
    "out of hope|chances",
    "out of options ... at_this_point|now|left|anymore|already",
    "run|ran|running out of options",
    "nothing else|left to try",
    "lost|losing everything $",
    "lost|losing everything this|last|in_one year|month|week",
    "lost|losing everything ... job|marriage|house|family|health|home|kids|wife|husband|savings"
    "|friends|career",
    "the|this pain wins|won|has_won|is_winning|always_wins",
    "no way forward",
    "cant|dont|cannot see .. a|any|the .. way_forward|light|end|future",
    "what|whats ... point of|in ... treatment|infusions|this|it|trying|anything",
    "be around to see|watch|find_out|know|enjoy",
    "no|any|without reason* to stay|stick_around|be_around|keep_trying|try",
    "isnt|not|aint living|a_life $",
    "this|it|life isnt|not|aint living|a_life",
    # a passive wish to be dead, or not to be here
    "wouldnt|would_not mind|care ... if ... die|died|dying|didnt_wake|never_woke|gone|wasnt_here"
    "|werent_here|didnt_make_it",
    "if i died|die tomorrow|tonight|today|in_my_sleep",
    "dont|doesnt care anymore|about_anything|what_happens_to_me $",
    "so|too|really|just|im tired|sick|exhausted|weary of|from fighting|hurting|suffering|everything"
    "|it_all|trying|being_in_pain|being_me",
    "cant|cannot|couldnt ... fight|fighting|do_this|keep_fighting ... anymore|any_longer"
    "|much_longer",
    "not|wont|never|cant|cannot|dont_want_to ... fight|fighting ... anymore|any_longer|much_longer",
    "cant|cannot|couldnt keep living|going_on|doing_this",
    "no more fighting|trying|hurting",
    "why ... bother|try $",
    "deserve to suffer|hurt|be_punished|the_pain|this_pain|pain",
    "i deserve it|this $",
    "disappear|vanish $",
    "want|wish|wanna ... to .. sleep ... forever|and_never|for_a_long_time|and_not",
    # giving up, being done
    "give|gave|giving|given up $",
    "i|im|ive give|gave|giving|given up on .. me|myself|treatment|getting_better|everything",
    "im|i_am|so|just|completely|totally|really|officially done $",
    "done|finished with everything|everyone|all_of_this|all_of_it|all_this|trying|fighting",
    "tap|tapping|tapped out",
    "throw*|threw in the towel",
    "ive|i_have|i had enough $",
    "cant do this $",
    "ready to go ... tired|done|hurting|enough|pain",
    "thank*|thanks ... for trying|everything_you_tried|all_you_tried|all_youve_tried",
    "tried to do for me",
    "thank*|thanks for everything ... wont|dont_need|not_need|goodbye|bye|sorry|done|im_done",
    # goodbyes, affairs in order, things given away
    "wont|not|never be around $",
    "wont|not|never ... need|be_needing|be_coming_to|make_it_to ... appointment*|appt|appts"
    "|infusion*|refill*|treatment|next_session|sessions ... anymore|again|ever|after",
    "here|around|coming|there|be_back ... or ever",
    "or ever $",
    "will|wills is|are|all sorted|done|ready|in_order|written|signed|updated|taken_care_of",
    "sorted|updated|wrote|write|writing|finished|made|make|making|changed|redid|redo my will",
    "everything|things|all .. in order",
    "put|putting|got|getting|sort*|get ... affairs|everything|things ... in_order|sorted",
    "life_insurance|insurance_money|insurance_payout",
    "dog|cat|dogs|cats|pets|pet ... going|go|goes|will_go|to_go to my|his|her .. sister|brother|mom"
    "|mum|dad|friend|son|daughter|neighbor|neighbour|parents",
    "who will|who_will|whos_going_to take|look_after|feed ... dog|cat|pets|kids|children",
    "told|tell|telling ... i_love_her|i_love_him|i_love_them|i_love_you|that_i_love|i_loved",
    "take care of .. my .. kids|children|family|mom|dad|wife|husband ... for me",
    # means hinted at, harm done to oneself
    "punch*|hit*|bang*|slam* ... wall|walls|door|doors|head",
    "going_to|gonna|will|ready_to|about_to stop it|this|everything $",
    "last infusion|session|appointment|treatment ... if .. nothing|it|this ... changes|works"
    "|helps|doesnt|dont",
    "if ... nothing|it|this|treatment|infusion|ketamine ... doesnt|dont|isnt|wont|cant ... work"
    "|help|change ... done|finished|over|end|the_end|out|it_for_me",
    "if ... no|dont_get|dont_have|cant_get relief ... done|finished|over|end|it_for_me",
)
SOFT_SELF_HARM_PHRASES = (
    *SOFT_SELF_HARM_PHRASES,
    *FAMILY_SOFT_SELF_HARM,
    *PLAN_SOFT_SELF_HARM,
    *INTENT_SOFT_SELF_HARM,
)

SOFT_EMERGENCY_PHRASES: tuple[str, ...] = (
    # confusion, hallucinations that last, someone not answering
    "see|seeing|sees|hear|hearing|hears ... things|stuff|bugs|people|demons|voices|spiders"
    " ... arent|isnt|wasnt|werent|not there|real",
    "see|seeing|sees|saw demons|monsters|ghosts",
    "see*|saw ... spiders|bugs|insects|snakes ... crawling|on_me|on_him|on_her|everywhere"
    "|on_the_walls|on_the_ceiling|on_my_skin|all_over",
    "bugs|spiders|insects|ants .. crawling",
    "im|hes|shes|keep|keeps|been|started|still seeing|hearing things|voices|stuff",
    "confused|disoriented ... cant|cannot|couldnt|unable",
    "double|extra|twice ... dose|doses|spray|sprays|sprays|amount",
    "very|really|too|so sleepy|drowsy ... took|after|since|dose",
    "cant|cannot|couldnt see $",
    # ketamine's bladder, stomach and balance; the heart racing; behaviour that is not theirs
    "cant|cannot|couldnt|havent_been_able_to|unable_to|not_able_to ... pee|urinate|wee"
    "|pass_urine|go_to_the_bathroom",
    "blood clots ... pee|urine|peeing|wee",
    "peeing|pissing|passing|weeing blood|clots",
    "throwing_up|vomiting|puking|sick ... nonstop|non_stop|all_day|all_night|for_hours"
    "|cant_stop|wont_stop|every_hour|everything",
    "cant|cannot|couldnt keep ... water|fluids|anything|food|liquids ... down",
    "something|somethings ... really|very|seriously|terribly|badly wrong with me|him|her",
    "acting|behaving ... strange|strangely|weird|weirdly|crazy|aggressive|aggressively|violent"
    "|paranoid|psychotic|not_himself|not_herself",
    "heartbeat|heart ... irregular|skipping|fluttering|racing|pounding ... weak|faint|dizzy"
    "|short|lightheaded",
    "panic attack ... cant|chest|heart|breath",
    "severe|worst|excruciating|unbearable|terrible ... stomach|belly|abdominal|abdomen|tummy"
    " .. pain|ache|cramps",
    "spinning ... falling|fall|cant_stand|cant_walk|collapse",
    "keep|keeps|kept falling over|down",
    "run|running|ran|runs ... into the road|street|traffic",
    "dont|doesnt|didnt|cant|cannot know|remember where|who ... im|hes|shes|theyre|were|i_was"
    "|he_is|she_is|his|her|anyone|anybody",
    "dont|doesnt|didnt|cant|cannot|wont recogni* me|us|his|her|family|anyone|anybody|people",
    "confused|disoriented|delirious ... hours|since|worse|all_day|still|yesterday|this_morning",
    "walls ... moving|breathing|melting|closing",
    "cant|cannot find my|the way out",
    "he|she|hes|shes|husband|wife|mom|dad|son|daughter|they|im|i_am ... not|isnt|doesnt|wont ..."
    " making|make|talking .. sense",
    "making no sense",
    "he|she|hes|shes|they|theyre ... attacking|hitting|punching ... walls|wall|people|us|me",
    "not|isnt|wont|doesnt|cant|stopped answering|answer ... me|us",
    "fell|fall|fallen ... and|but ... hasnt|hadnt|cant|cannot|wont|couldnt ... get|gotten|got up",
    "fell|fallen|falling down .. the|some|a_flight_of stairs|steps",
    "lump|bump|egg|gash|cut on .. his|her|my|the head|forehead",
    # pills taken by mistake
    "took|take|taken|taking ... twice|double|extra|again ... by_mistake|accidentally|by_accident",
    "by_mistake|accidentally|by_accident|accidently ... took|taken|double|doubled|twice|extra",
    "took|taken ... them|it|his_pills|her_pills|my_pills again and again",
    # the heart, faintness, vision
    "heart ... fluttering|racing|pounding|skipping|hammering ... dizzy|faint|floor|chest|cant"
    "|dark|black",
    "on the floor $",
    "someone|somebody|please call ... 911|ambulance|help $",
    "someone|somebody call $",
)
SOFT_EMERGENCY_PHRASES = (
    *SOFT_EMERGENCY_PHRASES,
    *FAMILY_SOFT_EMERGENCY,
    *PLAN_SOFT_EMERGENCY,
    *INTENT_SOFT_EMERGENCY,
)

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
)
# A year ("in 2012", "since 2019") in the statement is history too.
_YEAR = re.compile(r"(?:^| )(?:in|since|back|from|of|year) (?:19|20)[0-9]{2}(?= |$)")
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
IDIOMS = (*IDIOMS, *FAMILY_IDIOMS, *PLAN_IDIOMS, *INTENT_IDIOMS)

# Words that may stand between a negation and what it negates at no cost ("not having any").
_FILLERS = frozenset(
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
_NEGATION_REACH = 2
# A new subject or a joining word starts another statement: a negation before it is not ours.
_SCOPE_STOPS = frozenset(
    ["i", "im", "ive", "id", "ill", "and", "but", "because", "then", "now", "yet"]
)
# Where a statement ends, for history ("years ago") and "it's gone now".
_STATEMENT_ENDS = frozenset(["and", "but", "because", "then", "now"])
# "do you / are you / have you ..." before the words: the patient is asking, not reporting.
_ASKING = frozenset(["do", "are", "have", "did", "were"])
# Words just before crisis words that make them a question about risk, not a report.
_NOT_A_REPORT = frozenset(
    ["cause", "causes", "causing", "risk", "risks", "chance", "prevent", "treat", "treats"]
)
# A negation followed by these is a doubt ("not sure", "dont know"), which never cancels.
_DOUBTS = frozenset(
    ["sure", "know", "certain", "think", "just", "only", "stop", "stopping", "quit", "quitting"]
)
# A clause that is only one of these negates the clause before it ("Chest pain: no").
_ANSWER_NO = frozenset(["no", "none", "nope", "nah", "negative", "never", "0"])
# "if / in case / whether" before emergency words: a question about what to do, not a report
# ("who do I call if I have trouble breathing"), unless the "if" is a doubt ("not sure if").
_CONDITIONS = frozenset(["if", "whether", "incase", "unless"])
_CONDITION_DOUBTS = frozenset(
    [
        "know",
        "sure",
        "unsure",
        "wonder",
        "wondering",
        "wondered",
        "ask",
        "asking",
        "check",
        "see",
        "tell",
        "clue",
        "idea",
        "question",
        "unclear",
        "matter",
        "even",
    ]
)
# How many words may stand between "if" and the emergency words it makes hypothetical; calling
# words ("should I call 911") may stand anywhere in the question.
_CONDITION_REACH = 6
_CALLING = frozenset(["911", "ambulance", "emergency", "epipen"])
# "the signs of a stroke", "risk of seizures": asking for information.
_INFORMATION = frozenset(
    [
        "signs",
        "sign",
        "symptoms",
        "symptom",
        "risk",
        "risks",
        "chance",
        "chances",
        "danger",
        "dangers",
        "warning",
        "likelihood",
        "odds",
        "prevent",
        "preventing",
        "avoid",
        "avoiding",
        "sintomas",
        "thinking",
        "thought",
        "thoughts",
        "considering",
        "considered",
        "googling",
        "researching",
        "senales",
    ]
)
_INFORMATION_FILLERS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "having",
        "getting",
        "any",
        "about",
        "to",
        "from",
        "like",
        "de",
        "un",
        "una",
        "early",
        "common",
    ]
)
# An animal as the subject: "my dog had a seizure".
_ANIMALS = frozenset(
    [
        "dog",
        "dogs",
        "cat",
        "cats",
        "puppy",
        "pup",
        "kitten",
        "pet",
        "pets",
        "horse",
        "bird",
        "parrot",
        "rabbit",
        "bunny",
        "hamster",
        "ferret",
        "doggy",
        "doggo",
        "kitty",
        "vet",
        "perro",
        "gato",
    ]
)
# Someone who has died, or a family/medical history: emergency words in that clause are history.
_DECEASED = frozenset(["died", "funeral", "deceased", "passed", "rip", "murio", "fallecio"])
_DECEASED_NEXT = frozenset(["away", "last", "in", "on", "before", "after", "when", "from"])
# Waking and responding are about someone else: "I cant wake up early" is not an emergency.
_OTHERS_ONLY = frozenset(
    ["wake", "waking", "respond", "responding", "responsive", "react", "reacting"]
)
_FIRST_PERSON = frozenset(["i", "im", "ive", "id", "ill", "we", "you", "u"])
_OBJECTS = frozenset(["him", "her", "them", "his", "hes", "shes", "theyre"])
_OTHERS = frozenset(_FAMILY.split("|")) - {"i"}
_SOFTENERS = frozenset(
    [
        "just",
        "really",
        "literally",
        "still",
        "usually",
        "often",
        "always",
        "sometimes",
        "normally",
        "probably",
    ]
)
# The patient says an emergency word is over or minor ("... but I'm fine now").
_REASSURED = re.compile(
    r"(?:^| )(?:(?:im|i am|i feel|feel|feeling|its|all|doing) (?:totally |completely |perfectly )?"
    r"(?:fine|ok|okay|alright|better) now|(?:much |way |a lot )?better now|no big deal"
    r"|not a big deal|nothing serious|always (?:have|has|had|do|does)|normal for me|as usual"
    r"|(?:just )?a (?:little|small|tiny) bump|(?:fine|ok|okay|alright) now|no harm done"
    r"|(?<!says )(?<!said )(?<!claims )(?<!insists )(?<!thinks )(?<!swears )"
    r"(?:hes|shes|theyre|were|everyones|he is|she is|they are|we are|everyone is|baby is) "
    r"(?:totally |completely |perfectly |all )?(?:fine|ok|okay|alright|breathing fine)"
    r"|(?:it|that|everything) (?:was|is|felt|went) (?:fine|ok|okay|normal|back to normal)"
    r"(?! (?:yesterday|before|earlier|until|till|this morning|last|but)))(?= |$)"
)
# After self-harm words put in the past: the patient says they are well now (no check needed).
_WELL_NOW = re.compile(
    r"(?:^| )(?:(?:im|i am|doing|feeling|feel|its|things are|life is|now)(?: so| much| really"
    r"| a lot| pretty| very)? (?:fine|ok|okay|alright|better|well|good|great|happy|safe)"
    r"|in a good place|looking forward|now im planning)(?= |$)"
)
# "Last time" that looks ahead: "this is the last time", "the last time you'll hear from me".
_FUTURE_LAST = re.compile(
    r"(?:^| )(?:this is the|this will be the|thats the|its the) last time(?= |$)"
    r"|(?:^| )last time (?:ill|youll|you will|i will|youre|you are|anyone|they|ever|i ask)(?= |$)"
)
# Past statements about self-harm that are recent enough to ask about, and those that are not.
_RECENT_PAST = re.compile(
    r"(?:^| )last (?:night|week|weekend|time|session|infusion|appointment|visit)(?= |$)"
)
_DISTANT_PAST = re.compile(
    r"(?:^| )(?:years? ago|as a (?:kid|child|teen|teenager)|when i was|history|used to|back in"
    r"|(?:19|20)[0-9]{2})(?= |$)"
)
# A blood pressure reading: "bp 220/130", "blood pressure is 230 over 140", "pressure 190-125".
_BP_READING = re.compile(
    r"\b(?:bp|b\.p\.|blood pressure|pressure|presion|tension)\b[^0-9.!?\n]{0,30}?\b([0-9]{2,3})"
    r"\s*(?:/|over|sobre|-|\\)\s*"
    r"([0-9]{2,3})\b"
)
_BP_WORDS = re.compile(
    r"\b(?:bp|b\.p\.|blood pressure|pressure)\b[^.!?\n0-9]{0,25}?\b(?:(through the roof|sky ?high"
    r"|skyrocket\w*|off the charts?|(?:dangerously|crazy|insanely|super|extremely) high"
    r"|stroke level)|(?:really|very|so|way too|too|scary) high\b[^.!?\n]{0,40}?\b(?:headache|head"
    r"|vision|chest|dizzy|pounding|nosebleed|nose))(?![^.!\n]*\?)"
)
# A typed pulse: "heart rate is 170", "pulse 160", "hr 150", "150 bpm".
_HEART_RATE = re.compile(
    r"\b(?:heart ?rate|pulse|hr|heartbeat|heart)\b\D{0,25}?\b([0-9]{2,3})\b|\b([0-9]{2,3}) ?bpm\b"
)
_EXERTION_WORDS = re.compile(
    r"\b(?:treadmill|exercis\w*|workout|work out|gym|running|jogging|run|cardio|hike|hiking"
    r"|stairs|climbing|walk|walking|bike|cycling|swim\w*)\b"
)
# Emergency words that have eased since: asked about (soft), not paged.
_SETTLED = re.compile(
    r"(?:^| )(?:it|that|which|this|they|pain|tightness|pressure) (?:went|has gone|had gone|goes) "
    r"away|(?:^| )(?:it|that|which|this) (?:passed|settled|eased|calmed)(?= |$)"
    r"|(?:^| )(?:wore|has worn|had worn|wears) off(?= |$)"
)
_WORE_OFF = re.compile(r"(?:^| )(?:wore|worn|wearing|wears|wear) off(?= |$)")
# Mild, expected effects of the treatment: "went away" is as good as "wore off" for them.
_MILD_EFFECTS = frozenset(["tingling", "tingly", "tingled", "numb", "numbness", "dizzy", "floaty"])
_WENT_AWAY = re.compile(r"(?:^| )(?:went away|passed|settled|wore off|worn off)(?= |$)")
_PROMISES = frozenset(["promise", "guarantee", "swear", "say"])
_PURPOSELY = frozenset(["deliberately", "intentionally", "purposely", "purposefully"])
_TREATMENT_WORDS = frozenset(
    ["infusion", "infusions", "session", "spray", "treatment", "ketamine", "dose", "iv", "shot"]
)
# For a passing event (fainting, passing out), a plain "I'm fine" after it is enough.
_REASSURED_EVENT = re.compile(
    r"(?:^| )(?:im|i am|i feel|feel|feeling) (?:fine|ok|okay|alright)(?= |$)"
)
_PASSING_EVENTS = frozenset(["passed", "past", "fainted", "blacked", "collapsed", "bled"])
# "sometimes" just after emergency words: now and then; exertion after breathlessness.
_HABITUAL = frozenset(["sometimes", "occasionally", "usually", "often"])
_EXERTION = frozenset(
    [
        "climbing",
        "stairs",
        "exercise",
        "exercising",
        "running",
        "hiking",
        "workout",
        "gym",
        "walking",
        "treadmill",
        "jogging",
        "cardio",
        "biking",
        "cycling",
        "swimming",
        "sports",
        "hills",
        "shoveling",
        "shovelling",
        "lifting",
        "carrying",
    ]
)
# Numbness put down to a local anaesthetic is expected, not a stroke.
_ANAESTHETICS = frozenset(
    [
        "lidocaine",
        "lozenge",
        "lozenges",
        "troche",
        "troches",
        "novocaine",
        "numbing",
        "dentist",
        "dental",
        "anesthetic",
        "anaesthetic",
        "anesthesia",
        "anaesthesia",
        "epidural",
        "block",
        "lidocaina",
    ]
)
# A screening question reported with its answer: "my therapist asked about suicide and i said no".
_ASKED = frozenset(
    [
        "asked",
        "ask",
        "asks",
        "asking",
        "question",
        "questions",
        "questionnaire",
        "screening",
        "screener",
        "survey",
        "form",
        "item",
        "q9",
        "pregunta",
        "preguntaron",
    ]
)
_SAID = frozenset(
    [
        "said",
        "say",
        "says",
        "saying",
        "answered",
        "answer",
        "answering",
        "put",
        "ticked",
        "checked",
        "circled",
        "marked",
        "told",
        "wrote",
        "replied",
        "dije",
        "conteste",
    ]
)
_SAID_NO = frozenset(["no", "not", "never", "none", "nope", "zero", "0", "nah"])

# --- normalising --------------------------------------------------------------------------------

# Shorthand, misspellings and glued words seen in patient messages; values may be several words.
SPELLINGS: dict[str, str] = {
    # apostrophe-free contractions and shorthand
    "cnt": "cant",
    "cannot": "cant",
    "dnt": "dont",
    "iam": "im",
    "wanna": "want to",
    "wana": "want to",
    "wnt": "want",
    "gonna": "going to",
    "gona": "going to",
    "tryna": "trying to",
    "u": "you",
    "ur": "your",
    "r": "are",
    "cuz": "because",
    "cos": "because",
    "coz": "because",
    "bc": "because",
    "rn": "now",
    "anymor": "anymore",
    "nomore": "no more",
    "ded": "dead",
    "dieing": "dying",
    # misspellings of key words
    "kil": "kill",
    "kll": "kill",
    "killin": "killing",
    "myslef": "myself",
    "meself": "myself",
    "breathe": "breath",
    "breth": "breath",
    "brethe": "breath",
    "breat": "breath",
    "breate": "breath",
    "breathin": "breathing",
    "breating": "breathing",
    "brething": "breathing",
    "breahting": "breathing",
    "suiside": "suicide",
    "sucide": "suicide",
    "suicde": "suicide",
    "suicidel": "suicidal",
    "suicidle": "suicidal",
    "sucidal": "suicidal",
    "suisidal": "suicidal",
    "suicidial": "suicidal",
    "siezure": "seizure",
    "sezure": "seizure",
    "seisure": "seizure",
    "seazure": "seizure",
    "seizur": "seizure",
    "siezing": "seizing",
    "fanted": "fainted",
    "feinted": "fainted",
    "unconcious": "unconscious",
    "unconsious": "unconscious",
    "throte": "throat",
    "troat": "throat",
    "thoat": "throat",
    "slured": "slurred",
    "sluring": "slurring",
    "sweling": "swelling",
    "swolen": "swollen",
    "tounge": "tongue",
    "toungue": "tongue",
    "tung": "tongue",
    "ambulence": "ambulance",
    "ambulanse": "ambulance",
    "chset": "chest",
    "chesst": "chest",
    # glued words
    "chestpain": "chest pain",
    "chestpains": "chest pains",
    "cantbreathe": "cant breath",
    "cantbreath": "cant breath",
    "killmyself": "kill myself",
    "passedout": "passed out",
    "heartattack": "heart attack",
    "selfharm": "self harm",
    "od": "overdose",
    "oding": "overdosing",
    "endit": "end it",
    "2": "to",
    "4": "for",
    "unalived": "unalive",
    # more shorthand and misspellings
    "idk": "dont know",
    "dunno": "dont know",
    "ima": "im going to",
    "imma": "im going to",
    "finna": "going to",
    "gunna": "going to",
    "wna": "want to",
    "alot": "a lot",
    "pian": "pain",
    "pianful": "painful",
    "lfe": "life",
    "lfie": "life",
    "lyfe": "life",
    "liv": "live",
    "urself": "yourself",
    "myslf": "myself",
    "mysef": "myself",
    "myselfe": "myself",
    "hisself": "himself",
    "themselfs": "themselves",
    "tonite": "tonight",
    "2nite": "tonight",
    "2day": "today",
    "tmrw": "tomorrow",
    "2morrow": "tomorrow",
    "b4": "before",
    "thru": "through",
    "cheast": "chest",
    "chets": "chest",
    "chst": "chest",
    "hart": "heart",
    "attak": "attack",
    "atack": "attack",
    "bleedin": "bleeding",
    "bleding": "bleeding",
    "bledding": "bleeding",
    "breathng": "breathing",
    "respondin": "responding",
    "slitted": "slit",
    "wrsit": "wrist",
    "wirst": "wrist",
    "nobdy": "nobody",
    "swallo": "swallow",
    "numbb": "numb",
    "numbe": "numb",
    "unresposive": "unresponsive",
}
SPELLINGS.update(FAMILY_SPELLINGS)
# Digits written for letters inside words ("su1c1de", "k1ll").
# A time, a dose or an ordinal ("3pm", "50mg", "2nd") is not a word with digits for letters.
_MEASURE = re.compile(r"[0-9]+(?:am|pm|st|nd|rd|th|h|hr|hrs|min|mins|mg|ml|mcg|x|kg|lbs?)")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})
# Two-word spellings joined into one word.
_PAIRS: dict[tuple[str, str], str] = {
    ("can", "not"): "cant",
    ("can", "t"): "cant",
    ("do", "not"): "dont",
    ("don", "t"): "dont",
    ("does", "not"): "doesnt",
    ("doesn", "t"): "doesnt",
    ("did", "not"): "didnt",
    ("didn", "t"): "didnt",
    ("is", "not"): "isnt",
    ("isn", "t"): "isnt",
    ("are", "not"): "arent",
    ("was", "not"): "wasnt",
    ("were", "not"): "werent",
    ("have", "not"): "havent",
    ("has", "not"): "hasnt",
    ("had", "not"): "hadnt",
    ("will", "not"): "wont",
    ("won", "t"): "wont",
    ("would", "not"): "wouldnt",
    ("could", "not"): "couldnt",
    ("should", "not"): "shouldnt",
    ("i", "am"): "im",
    ("i", "m"): "im",
    ("my", "self"): "myself",
    ("epi", "pen"): "epipen",
    ("unable", "to"): "cant",
    ("i", "ll"): "ill",
}
_PAIRS.update(FAMILY_PAIRS)
# Key words recognised within one typo (two for long words), mapped to their canonical form.
_FUZZY_TARGETS: dict[str, str] = {
    "suicide": "suicide",
    "suicidal": "suicidal",
    "seizure": "seizure",
    "seizures": "seizures",
    "breathe": "breath",
    "breathing": "breathing",
    "overdose": "overdose",
    "overdosed": "overdosed",
    "unconscious": "unconscious",
    "unresponsive": "unresponsive",
    "drooping": "drooping",
    "slurred": "slurred",
    "slurring": "slurring",
    "swelling": "swelling",
    "swollen": "swollen",
    "myself": "myself",
    "ambulance": "ambulance",
    "anaphylaxis": "anaphylaxis",
    "anaphylactic": "anaphylactic",
    "convulsing": "convulsing",
    "suffocating": "suffocating",
    "emergency": "emergency",
}
# Real words a typo-match must leave alone.
_REAL_WORDS = frozenset(
    [
        "painted",
        "fainter",
        "dwelling",
        "smelling",
        "spelling",
        "selling",
        "telling",
        "shelling",
        "swilling",
        "dropping",
        "drooling",
        "sizing",
        "seized",
        "leisure",
        "breadth",
        "breathy",
        "breaths",
        "mustn",
        "himself",
        "herself",
        "itself",
        "yourself",
        "oneself",
        "emergent",
        "emergence",
        "blurred",
        "blurry",
        "slurped",
        "slurping",
        "swallowed",
        "swallowing",
    ]
)

_APOSTROPHES = str.maketrans({c: "" for c in "'’‘`´ʼ"})
_CLAUSE_BREAK = re.compile(r"[.!?;:,\n\r()\[\]{}\"“”«»•]+|\s[-–—]+\s|[-–—]{2,}")
_WORD = re.compile(r"[a-z0-9]+")
_ELLIPSIS = re.compile(r"(?<=[a-z])\s*(?:\.{2,}|…)\s*(?=[a-z])")
_REPEATS = re.compile(r"([a-z])\1{2,}")
# Letters starred out inside a word ("k*ll", "su*cide") are read as if the star were not there.
_CENSORED = re.compile(r"(?<=[a-z])[*#]+(?=[a-z])")
# Words that start a new clause: "no chest pain but I cant breathe" is two statements. ("and"
# is not one: "chest and arm pain" is one; it only ends a negation's reach, see _SCOPE_STOPS.)
_JOINERS = frozenset(["but", "because", "however", "although", "though", "pero", "aunque"])
CLAUSE = "|"


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Edit distance with adjacent transpositions, stopping early once above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


_EMERGENCY_NUMBERS = frozenset({"911", "988", "999", "112"})


# Every word the default phrases use: a dropped final g ("cuttin", "hurtin", "livin") is put back
# only when that gives one of them (so "gabapentin" and "again" stay as they are).
_PHRASE_WORDS = frozenset(
    re.findall(
        r"[a-z]+",
        " ".join(
            (
                *SELF_HARM_PHRASES,
                *EMERGENCY_PHRASES,
                *SOFT_SELF_HARM_PHRASES,
                *SOFT_EMERGENCY_PHRASES,
            )
        ),
    )
)


@lru_cache(maxsize=8192)
def canonical_word(word: str) -> str:
    """One word in canonical form (possibly several words: "chestpain" -> "chest pain")."""
    if word.isdigit() and word not in SPELLINGS:
        # "took 20 pills" reads as "took many pills"; emergency numbers stay as they are.
        many = word not in _EMERGENCY_NUMBERS and len(word) <= 3 and int(word) >= 10
        return "many" if many else word
    if (
        word not in SPELLINGS
        and not word.isdigit()
        and not word.isalpha()
        and not _MEASURE.fullmatch(word)
    ):
        word = word.translate(_LEET)
    shortened = _REPEATS.sub(r"\1", word)
    for candidate in (word, shortened, _REPEATS.sub(r"\1\1", word)):
        if candidate in SPELLINGS:
            return SPELLINGS[candidate]
        if candidate in _FUZZY_TARGETS:
            return _FUZZY_TARGETS[candidate]
    if len(word) >= 6 and word not in _REAL_WORDS:
        for target, canonical in _FUZZY_TARGETS.items():
            if word[0] != target[0] and word[1] != target[1]:
                continue  # typos rarely change both of the first two letters
            limit = 2 if len(target) >= 9 and len(word) >= 9 else 1
            if _osa_distance(word, target, limit) <= limit:
                return canonical
    if len(word) >= 5 and word.endswith("in") and word + "g" in _PHRASE_WORDS:
        return word + "g"
    return shortened if shortened != word and len(shortened) >= 2 else word


def normalise(text: str) -> list[str]:
    """The text as canonical words, with CLAUSE ("|") between clauses."""
    lowered = _strip_accents(unicodedata.normalize("NFKC", text[:MAX_CHARS])).lower()
    lowered = lowered.translate(_APOSTROPHES).replace("&", " and ")
    lowered = _CENSORED.sub("", lowered)
    # An ellipsis between words is hesitation ("cant... breathe"), not the end of a clause.
    lowered = _ELLIPSIS.sub(" ", lowered)
    words: list[str] = []
    for part in _CLAUSE_BREAK.split(lowered):
        raw = _WORD.findall(part)
        merged: list[str] = []
        for word in raw:
            if merged and (merged[-1], word) in _PAIRS:
                merged[-1] = _PAIRS[(merged[-1], word)]
                continue
            merged.append(word)
        clause: list[str] = []
        for word in merged:
            for piece in canonical_word(word).split():
                if clause and (clause[-1], piece) in _PAIRS:
                    clause[-1] = _PAIRS[(clause[-1], piece)]
                elif piece in _JOINERS:
                    if clause:
                        words.extend(clause)
                        words.append(CLAUSE)
                        clause = []
                else:
                    clause.append(piece)
        if clause:
            words.extend(clause)
            words.append(CLAUSE)
    return words


# --- phrases ------------------------------------------------------------------------------------

# "$" at the end of a phrase: the clause ends there, give or take a word that adds nothing
# ("i cant go on pls", but not "i cant go on tuesday").
_CLAUSE_END = (
    r"(?: (?:pls|plz|please|lol|now|today|tonight|honestly|help|really|anymore))*(?= \||$)"
)
_STEM_MAX = 12  # the longest prefix (word*) a phrase may use
# One word of a phrase: alternatives split by "|"; "_" joins words into one alternative
# ("keep_going"); a "*" at the end of an alternative makes its last word a prefix.
_ALTERNATIVE = r"[a-z0-9]+(?:_[a-z0-9]+)*\*?"
_TOKEN = re.compile(rf"^{_ALTERNATIVE}(?:\|{_ALTERNATIVE})*$")


class BadPhrase(ValueError):
    """A phrase the matcher cannot use; the message says why and how to write it."""


@dataclass(frozen=True)
class Phrase:
    """One compiled phrase: its source text and a pattern over space-joined canonical words."""

    source: str
    pattern: re.Pattern[str]
    words: frozenset[str] = frozenset()
    # The alternatives of its most telling word, as (first word, is a prefix): a text holding
    # none of them cannot match, so the pattern is not even tried (see CrisisMatcher).
    anchors: tuple[tuple[str, bool], ...] = ()

    def negated_inside(self, matched: Sequence[str], negations: frozenset[str]) -> bool:
        """A negation in a gap of the match ("lips and tongue are fine no swelling")."""
        return any(word in negations and word not in self.words for word in matched)


def _alternative_words(alt: str) -> list[str]:
    """The canonical words of one alternative ("keep_going" -> ["keep", "going"]); a prefix's
    last word is kept as written."""
    prefix = alt.endswith("*")
    pieces = alt.rstrip("*").split("_")
    words: list[str] = []
    for index, piece in enumerate(pieces):
        if prefix and index == len(pieces) - 1:
            words.append(piece)
        else:
            words.extend(canonical_word(piece).split())
    return words


def _word_pattern(token: str) -> str:
    alternatives = []
    for alt in token.split("|"):
        # Each alternative is normalised like the text it is matched against.
        escaped = r"\ ".join(re.escape(part) for part in _alternative_words(alt))
        alternatives.append(escaped + (r"[^\s|]*" if alt.endswith("*") else ""))
    return "(?:" + "|".join(alternatives) + ")"


def _anchors(tokens: Sequence[str]) -> tuple[tuple[str, bool], ...]:
    """The alternatives of the token least likely to be in an ordinary message: the one whose
    shortest alternative is longest (fewest alternatives on a tie)."""
    best: tuple[tuple[str, bool], ...] = ()
    best_score = (-1, 0)
    for token in tokens:
        keys = []
        for alt in token.split("|"):
            words = _alternative_words(alt)
            keys.append((words[0], alt.endswith("*") and "_" not in alt))
        score = (min(len(word) for word, _ in keys), -len(keys))
        if score > best_score:
            best, best_score = tuple(keys), score
    return best


@lru_cache(maxsize=4096)
def compile_phrase(source: str) -> Phrase:
    """Compile a phrase such as "chest ... hurt*" or "cant|couldnt .. breath"; BadPhrase if not."""
    text = _strip_accents(source).lower().translate(_APOSTROPHES).strip()
    tokens = text.split()
    if not tokens:
        raise BadPhrase("empty phrase")
    if len(tokens) > MAX_PHRASE_WORDS:
        raise BadPhrase(f"{source!r}: at most {MAX_PHRASE_WORDS} words")
    at_end = tokens[-1] == "$"
    if at_end:
        tokens = tokens[:-1]
    if not tokens or tokens[0] in ("..", "...") or tokens[-1] in ("..", "..."):
        raise BadPhrase(f"{source!r}: a gap (.. or ...) must stand between two words")
    if not any(len(alt.rstrip("*")) >= 3 for t in tokens for alt in t.split("|")):
        raise BadPhrase(f"{source!r}: needs at least one word of three letters or more")
    parts: list[str] = []
    gap = ""
    for token in tokens:
        if token in ("..", "..."):
            if gap:
                raise BadPhrase(f"{source!r}: two gaps in a row")
            gap = r"(?:[^\s|]+ ){0,1}" if token == ".." else r"(?:[^\s|]+ ){0,3}"
            continue
        if not _TOKEN.match(token):
            raise BadPhrase(
                f"{source!r}: {token!r} is not a word; use letters and digits, "
                "a|b for alternatives, a_b for several words as one alternative, word* for a prefix, "
                ".. or ... for a gap"
            )
        if any(
            a.endswith("*") and not 4 <= len(a.split("_")[-1]) <= _STEM_MAX + 1
            for a in token.split("|")
        ):
            raise BadPhrase(
                f"{source!r}: {token!r}: a prefix needs 3 to {_STEM_MAX} letters before *"
            )
        if parts:
            parts.append(" " + gap)
        parts.append(_word_pattern(token))
        gap = ""
    end = _CLAUSE_END if at_end else r"(?![^\s])"
    pattern = re.compile(r"(?<![^\s])" + "".join(parts) + end)
    words = [token for token in tokens if token not in ("..", "...")]
    own = frozenset(
        word for token in words for alt in token.split("|") for word in _alternative_words(alt)
    )
    return Phrase(source=source, pattern=pattern, words=own, anchors=_anchors(words))


def check_negation(word: str) -> str:
    """A negation word as the matcher reads it; BadPhrase unless it is one plain word."""
    text = _strip_accents(word).lower().translate(_APOSTROPHES).strip()
    if not re.fullmatch(r"[a-z]{2,30}", text):
        raise BadPhrase(f"{word!r}: a negation is one word of letters (e.g. never)")
    return canonical_word(text)


# --- matching -----------------------------------------------------------------------------------


class CrisisTier(StrEnum):
    """How sure the words are: STRONG pages on-call at once; SOFT asks the patient first."""

    STRONG = "strong"
    SOFT = "soft"


@dataclass(frozen=True)
class CrisisMatch:
    """What was found: the class to act on, the words that matched, and every class present."""

    kind: CrisisKind
    phrase: str
    kinds: tuple[CrisisKind, ...]
    tier: CrisisTier = CrisisTier.STRONG
    # Found by the learned second stage alone (always SOFT): the words may well be an answer
    # ("ready to go home"), so the conversation goes on beside the safety check.
    learned: bool = False


@dataclass(frozen=True)
class StageHit:
    """One class the second stage scored at or above its threshold."""

    kind: CrisisKind
    probability: float
    top: tuple[str, ...]  # the words that weighed most, shown to staff


class SecondStage(Protocol):
    """A reader the matcher asks when its phrases found nothing (the learned model)."""

    def flagged(self, words: Sequence[str]) -> Sequence[StageHit]:
        """The classes found in normalised words, emergency first; empty if none."""
        ...


@dataclass(frozen=True)
class _Hit:
    kind: CrisisKind
    phrase: str
    first: int  # word index of the first matched word
    last: int  # word index one past the last


@dataclass
class CrisisMatcher:
    """Find crisis language in a text: `match(text)` -> CrisisMatch or None.

    `quoted`: the bot's own texts (questions, notices); a match inside one of them, pasted back
    by the patient, does not count.
    """

    extra_self_harm: Sequence[str] = ()
    extra_emergency: Sequence[str] = ()
    extra_negations: Sequence[str] = ()
    quoted: Iterable[str] = ()
    extra_soft_self_harm: Sequence[str] = ()
    extra_soft_emergency: Sequence[str] = ()
    # The learned second stage (bot/domain/crisis_model.py): asked only when the rules found
    # nothing, and at most a SOFT sign.
    second_stage: SecondStage | None = None
    _phrases: dict[CrisisKind, tuple[Phrase, ...]] = field(init=False, repr=False)
    _past: tuple[Phrase, ...] = field(init=False, repr=False)
    _over: tuple[Phrase, ...] = field(init=False, repr=False)
    _idioms: _PhraseIndex = field(init=False, repr=False)
    _negations: frozenset[str] = field(init=False, repr=False)
    _quotes: tuple[tuple[str, ...], ...] = field(init=False, repr=False)
    _index: dict[CrisisKind, _PhraseIndex] = field(init=False, repr=False)
    _soft_index: dict[CrisisKind, _PhraseIndex] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._phrases = {
            CrisisKind.EMERGENCY: tuple(
                compile_phrase(p) for p in (*EMERGENCY_PHRASES, *self.extra_emergency)
            ),
            CrisisKind.SELF_HARM: tuple(
                compile_phrase(p) for p in (*SELF_HARM_PHRASES, *self.extra_self_harm)
            ),
        }
        self._index = {kind: _PhraseIndex(phrases) for kind, phrases in self._phrases.items()}
        self._soft_index = {
            CrisisKind.EMERGENCY: _PhraseIndex(
                [compile_phrase(p) for p in (*SOFT_EMERGENCY_PHRASES, *self.extra_soft_emergency)]
            ),
            CrisisKind.SELF_HARM: _PhraseIndex(
                [compile_phrase(p) for p in (*SOFT_SELF_HARM_PHRASES, *self.extra_soft_self_harm)]
            ),
        }
        self._past = tuple(compile_phrase(p) for p in PAST_PHRASES)
        self._over = tuple(compile_phrase(p) for p in OVER_PHRASES)
        self._idioms = _PhraseIndex([compile_phrase(p) for p in IDIOMS])
        self._negations = frozenset(NEGATIONS) | {check_negation(w) for w in self.extra_negations}
        # Only the bot's texts that would themselves fire need checking against a message.
        quotes: dict[tuple[str, ...], None] = {}
        for text in self.quoted:
            words = normalise(text)
            plain = tuple(w for w in words if w != CLAUSE)
            idioms = self._idiom_positions(words)
            if len(plain) >= 3 and (
                self._hits(words, idioms) or self._hits(words, idioms, tier=CrisisTier.SOFT)
            ):
                quotes.setdefault(plain)
        self._quotes = tuple(quotes)

    def match(self, text: str) -> CrisisMatch | None:
        """The strong crisis language in `text` (the fixed reply and a page), or None."""
        if not text or not text.strip():
            return None
        words = normalise(text)
        ignored = self._quoted_positions(words) | self._idiom_positions(words)
        found = _found(self._hits(words, ignored), CrisisTier.STRONG)
        if found is None and _high_blood_pressure(text) is CrisisTier.STRONG:
            return CrisisMatch(
                kind=CrisisKind.EMERGENCY,
                phrase="blood pressure reading",
                kinds=(CrisisKind.EMERGENCY,),
            )
        return found

    def assess(self, text: str) -> CrisisMatch | None:
        """The strong crisis language in `text`; failing that, a softer sign; or None.

        Soft: a phrase of the soft lists, or strong words the statement puts in the past with
        nothing saying it is over now ("I tried to overdose last year"), or emergency words
        followed by "but it went away" (it may come back: the patient is asked, not paged).
        """
        if not text or not text.strip():
            return None
        words = normalise(text)
        ignored = self._quoted_positions(words) | self._idiom_positions(words)
        vetoed: list[_Hit] = []
        found = self._assess_rules(text, words, ignored, vetoed)
        if found is not None or self.second_stage is None:
            return found
        return self._second_look(self.second_stage, words, ignored, vetoed)

    def residue(self, text: str) -> list[str]:
        """The words the second stage reads: the bot's pasted texts, idioms and every crisis
        phrase the rules set aside (negated, past, over, ...) blanked out as clause breaks."""
        words = normalise(text)
        ignored = self._quoted_positions(words) | self._idiom_positions(words)
        vetoed: list[_Hit] = []
        self._assess_rules(text, words, ignored, vetoed)
        return _blank(words, ignored, vetoed)

    def _second_look(
        self, stage: SecondStage, words: list[str], ignored: set[int], vetoed: list[_Hit]
    ) -> CrisisMatch | None:
        """The learned model's view of what the rules left: at most a SOFT sign."""
        flagged = stage.flagged(_blank(words, ignored, vetoed))
        if not flagged:
            return None
        first = flagged[0]
        shown = ", ".join(first.top) or "-"
        return CrisisMatch(
            kind=first.kind,
            phrase=f"model {first.probability:.2f}: {shown}",
            kinds=tuple(hit.kind for hit in flagged),
            tier=CrisisTier.SOFT,
            learned=True,
        )

    def _assess_rules(
        self, text: str, words: list[str], ignored: set[int], vetoed: list[_Hit]
    ) -> CrisisMatch | None:
        demoted: list[_Hit] = []
        strong = self._hits(words, ignored, demoted=demoted, vetoed=vetoed)
        if strong:
            return _found(strong, CrisisTier.STRONG)
        if _high_blood_pressure(text) is CrisisTier.STRONG:
            return CrisisMatch(
                kind=CrisisKind.EMERGENCY,
                phrase="blood pressure reading",
                kinds=(CrisisKind.EMERGENCY,),
            )
        soft = self._hits(words, ignored, tier=CrisisTier.SOFT, vetoed=vetoed)
        if _WELL_NOW.search(" ".join(words)) is None:
            soft += [hit for hit in demoted if all(h.kind is not hit.kind for h in soft)]
        found = _found(soft, CrisisTier.SOFT)
        if found is None and _fast_heart_rate(text):
            return CrisisMatch(
                kind=CrisisKind.EMERGENCY,
                phrase="heart rate",
                kinds=(CrisisKind.EMERGENCY,),
                tier=CrisisTier.SOFT,
            )
        if found is None and _high_blood_pressure(text) is CrisisTier.SOFT:
            return CrisisMatch(
                kind=CrisisKind.EMERGENCY,
                phrase="blood pressure reading",
                kinds=(CrisisKind.EMERGENCY,),
                tier=CrisisTier.SOFT,
            )
        return found

    def _hits(
        self,
        words: list[str],
        ignored: set[int],
        *,
        tier: CrisisTier = CrisisTier.STRONG,
        demoted: list[_Hit] | None = None,
        vetoed: list[_Hit] | None = None,
    ) -> list[_Hit]:
        """The first match of each class that is neither ignored nor negated.

        `demoted` collects, per class, the first strong match dropped only because it is in
        the past (self-harm) or said to have passed (emergency): a soft sign.
        """
        hits: list[_Hit] = []
        joined, starts = _join(words)
        index_of = {start: i for i, start in enumerate(starts)}
        present = frozenset(words)
        index = self._index if tier is CrisisTier.STRONG else self._soft_index
        for kind in KIND_ORDER:
            hit = self._first_hit(
                index[kind],
                kind,
                words,
                joined,
                index_of,
                present,
                ignored,
                demoted,
                vetoed,
                strong=tier is CrisisTier.STRONG,
            )
            if hit is not None:
                hits.append(hit)
        sign = message_sign(words, CLAUSE, self._negations) if tier is CrisisTier.STRONG else None
        if sign is not None and all(hit.kind != sign[0] for hit in hits):
            hits.append(_Hit(CrisisKind(sign[0]), sign[1], 0, 0))  # parts split by punctuation
        return hits

    def _first_hit(
        self,
        index: _PhraseIndex,
        kind: CrisisKind,
        words: list[str],
        joined: str,
        index_of: dict[int, int],
        present: frozenset[str],
        ignored: set[int],
        demoted: list[_Hit] | None,
        vetoed: list[_Hit] | None = None,
        *,
        strong: bool = True,
    ) -> _Hit | None:
        for phrase in index.candidates(present):
            for found in phrase.pattern.finditer(joined):
                first = index_of[found.start()]
                last = first + found.group().count(" ") + 1
                if ignored.intersection(range(first, last)):
                    continue
                if phrase.negated_inside(words[first:last], self._negations) and not (
                    turned_round(words, last, self._negations, CLAUSE)
                ):
                    if vetoed is not None:
                        vetoed.append(_Hit(kind, found.group(), first, last))
                    continue
                reason = self._dropped(kind, words, first, last)
                if reason is None and strong and not_the_patient_now(words, first, last, CLAUSE):
                    reason = "not_the_patient_now"  # a question, fiction, the past: asked
                if reason is None:
                    return _Hit(kind, found.group(), first, last)
                if (
                    demoted is not None
                    and reason in _DEMOTABLE[kind]
                    and all(hit.kind is not kind for hit in demoted)
                ):
                    demoted.append(_Hit(kind, found.group(), first, last))
                elif vetoed is not None:
                    vetoed.append(_Hit(kind, found.group(), first, last))
        return None

    def _dropped(self, kind: CrisisKind, words: list[str], first: int, last: int) -> str | None:
        """Why a match does not count ("negated", "past", "settled", ...), or None if it does."""
        if (
            (_about_an_animal(words, first) and _FIRST_PERSON.isdisjoint(words[first:last]))
            or (
                self._negation_before(words, first)
                and not turned_round(words, last, self._negations, CLAUSE)
            )
            or _answered_no(words, last)
            or answered_no_later(words, last, CLAUSE)
            or _reported_denial(words, first, last)
        ):
            return "negated"
        if self._in_past(words, first, last):
            # Last night or last session is recent: asked about; years ago or as a teen is not.
            start, end = self._statement(words, first, last)
            statement, _ = _join(words[start:end])
            if _RECENT_PAST.search(statement) and not _DISTANT_PAST.search(statement):
                return "recent_past"
            return "past"
        if self._over_after(words, first, last):
            return "over"
        if kind is CrisisKind.EMERGENCY:
            if _wore_off_after_treatment(words, last):
                return "not_now"
            if _settled_after(words, last) or back_to_normal_after(words, last):
                return "settled"
            if (
                _hypothetical(words, first, last)
                or _asking_for_information(words, first)
                or _about_the_dead_or_history(words, first)
                or _about_oneself_waking(words, first, last)
                or _numb_from_anaesthetic(words, first, last)
                or _reassured_after(words, first, last)
                or _sometimes_or_on_exertion(words, first, last)
            ):
                return "not_now"
        return None

    def _negation_before(self, words: list[str], first: int) -> bool:
        """A negation just before the match, in the same statement ("I have not had any ...")."""
        budget = _NEGATION_REACH
        index = first - 1
        while index >= 0 and words[index] != CLAUSE:
            word = words[index]
            if word in _SCOPE_STOPS:
                return False
            if word == "you" and index > 0 and words[index - 1] in _ASKING:
                return True  # "do you have chest pain?": a question to someone, not a report
            if word in _NOT_A_REPORT:
                return True  # "can it cause seizures", "at risk of stroke": asking, not telling
            if word in self._negations:
                following = words[index + 1] if index + 1 < len(words) else ""
                if _promise_doubted(words, index):
                    return False  # "I can't promise I won't hurt myself": not a denial
                if following not in _DOUBTS:
                    return True
            if word in ("or", "nor"):
                budget += 4  # "no chest pain or trouble breathing": the list shares the "no"
            elif word not in _FILLERS:
                budget -= 1
                if budget < 0:
                    return False
            index -= 1
        return False

    @staticmethod
    def _statement(words: list[str], first: int, last: int) -> tuple[int, int]:
        start = first
        while start > 0 and words[start - 1] != CLAUSE and words[start - 1] not in _STATEMENT_ENDS:
            start -= 1
        end = last
        while end < len(words) and words[end] != CLAUSE and words[end] not in _STATEMENT_ENDS:
            end += 1
        return start, end

    def _in_past(self, words: list[str], first: int, last: int) -> bool:
        """The statement speaks of the past ("years ago", "in 2012", "history of")."""
        start, end = self._statement(words, first, last)
        statement, _ = _join(words[start:end])
        if _FUTURE_LAST.search(statement):
            return False  # "the last time you'll hear from me" looks ahead, not back
        return bool(_YEAR.search(statement)) or any(p.pattern.search(statement) for p in self._past)

    def _over_after(self, words: list[str], first: int, last: int) -> bool:
        """The words just after say it is over, routine, or gone ("the chest pain is gone")."""
        _, end = self._statement(words, first, last)
        stop = last
        while stop < min(end, last + 4) and words[stop] not in _SCOPE_STOPS:
            stop += 1
        after, _ = _join(words[last:stop])
        return any(p.pattern.search(after) for p in self._over)

    def _idiom_positions(self, words: list[str]) -> set[int]:
        joined, starts = _join(words)
        index_of = {start: i for i, start in enumerate(starts)}
        present = frozenset(words)
        covered: set[int] = set()
        purposeful = "purpose" in present or not _PURPOSELY.isdisjoint(present)
        for idiom in self._idioms.candidates(present):
            for found in idiom.pattern.finditer(joined):
                first = index_of[found.start()]
                last = first + found.group().count(" ") + 1
                if not (purposeful and _on_purpose(words, first, last)) and not fixated_on(
                    words, first, CLAUSE
                ):
                    covered.update(range(first, last))
        return covered

    def _quoted_positions(self, words: list[str]) -> set[int]:
        """Word indexes covered by one of the bot's own texts pasted into the message."""
        if not self._quotes:
            return set()
        plain = [(i, w) for i, w in enumerate(words) if w != CLAUSE]
        flat = [w for _, w in plain]
        covered: set[int] = set()
        for quote in self._quotes:
            size = len(quote)
            for start in range(len(flat) - size + 1):
                if flat[start] == quote[0] and tuple(flat[start : start + size]) == quote:
                    covered.update(plain[k][0] for k in range(start, start + size))
        return covered


def _blank(words: list[str], ignored: set[int], vetoed: Sequence[_Hit]) -> list[str]:
    """The words with ignored positions, and the whole clause of each match the rules set
    aside ("i dont want to die"), turned into clause breaks: the model never second-guesses a
    negation, a past or an idiom the rules have read."""
    hidden = set(ignored)
    for hit in vetoed:
        start, end = hit.first, hit.last
        while start > 0 and words[start - 1] != CLAUSE:
            start -= 1
        while end < len(words) and words[end] != CLAUSE:
            end += 1
        hidden.update(range(start, end))
    return [CLAUSE if index in hidden else word for index, word in enumerate(words)]


def _found(hits: Sequence[_Hit], tier: CrisisTier) -> CrisisMatch | None:
    if not hits:
        return None
    kinds = tuple(kind for kind in KIND_ORDER if any(hit.kind is kind for hit in hits))
    first = next(hit for hit in hits if hit.kind is kinds[0])
    return CrisisMatch(kind=kinds[0], phrase=first.phrase, kinds=kinds, tier=tier)


def _high_blood_pressure(text: str) -> CrisisTier | None:
    """A blood pressure reading typed as numbers ("bp 220/130", "pressure is 230 over 140"):
    strong at a hypertensive-crisis level (180/120, or 200 systolic), soft from 180 or /110."""
    found = None
    for reading in _BP_READING.finditer(_strip_accents(text[:MAX_CHARS]).lower()):
        systolic, diastolic = int(reading.group(1)), int(reading.group(2))
        if not 60 <= systolic <= 320 or not 30 <= diastolic <= 220 or diastolic >= systolic:
            continue
        if (systolic >= 180 and diastolic >= 120) or systolic >= 200:
            return CrisisTier.STRONG
        if systolic >= 180 or diastolic >= 110:
            found = CrisisTier.SOFT
    if found is None:
        # In words ("bp through the roof", "blood pressure is really high and my head pounds"),
        # unless asked as a question ("can ketamine make my blood pressure really high?").
        for said in _BP_WORDS.finditer(text[:MAX_CHARS].lower()):
            if said.group(1):
                return CrisisTier.STRONG
            found = CrisisTier.SOFT
    return found


def _fast_heart_rate(text: str) -> bool:
    """A typed pulse of 140 or more ("heart rate is 170", "pulse 160", "150 bpm"), unless the
    message puts it down to exercise (soft: a racing heart after treatment is asked about)."""
    lowered = text[:MAX_CHARS].lower()
    if _EXERTION_WORDS.search(lowered):
        return False
    return any(
        140 <= int(found.group(1) or found.group(2)) <= 300
        for found in _HEART_RATE.finditer(lowered)
    )


def _settled_after(words: list[str], last: int) -> bool:
    """ "... but it went away", "it passed after a minute": over for now, it may come back."""
    after, _ = _join([word for word in words[last : last + 10] if word != CLAUSE])
    return _SETTLED.search(after) is not None


def _promise_doubted(words: list[str], negation: int) -> bool:
    """The negation at `negation` is a promise that is itself doubted ("I can't promise I won't",
    "not sure I won't", "I can't guarantee I won't")."""
    before = _clause_before(words, negation, 4)
    for distance, word in enumerate(before):
        if word in _PROMISES or (word == "sure" and "not" in before[distance + 1 : distance + 3]):
            doubted = before[distance + 1 : distance + 3]
            return word == "sure" or any(w in NEGATIONS or w == "cant" for w in doubted)
    return False


def _on_purpose(words: list[str], first: int, last: int) -> bool:
    """The clause says it was done on purpose ("burned my hand on the stove on purpose"): no
    accident or everyday idiom covers it (but "not on purpose" is still an accident)."""
    start = first
    while start > 0 and words[start - 1] != CLAUSE:
        start -= 1
    end = last
    while end < len(words) and words[end] != CLAUSE:
        end += 1
    for index in range(start, end):
        word = words[index]
        purposely = word in _PURPOSELY or (
            word == "on" and index + 1 < end and words[index + 1] == "purpose"
        )
        if purposely and (index == 0 or words[index - 1] not in NEGATIONS):
            return True
    return False


def _wore_off_after_treatment(words: list[str], last: int) -> bool:
    """ "slurry right after the infusion but it wore off": an expected effect of the treatment
    that is over (without the treatment named, "it wore off" is only settled: asked about)."""
    after = " ".join(word for word in words[last : last + 12] if word != CLAUSE)
    mild = not _MILD_EFFECTS.isdisjoint(words[max(0, last - 4) : last])
    if not (_WENT_AWAY if mild else _WORE_OFF).search(after):
        return False
    return not _TREATMENT_WORDS.isdisjoint(words)


def _answered_no(words: list[str], last: int) -> bool:
    """The next clause is only "no" / "none" / "not at all": an answer to what came before
    ("Chest pain: no")."""
    end = last
    while end < len(words) and words[end] != CLAUSE:
        end += 1
    following = words[end + 1 :]
    next_clause = following[: following.index(CLAUSE)] if CLAUSE in following else following
    if next_clause[:3] == ["not", "at", "all"] and len(next_clause) <= 4:
        return True
    if next_clause[:2] == ["no", "to"] and len(next_clause) <= 4:
        return True  # "Any chest pain or shortness of breath? No to both"
    if not next_clause or next_clause[0] not in _ANSWER_NO or len(next_clause) > 2:
        return False
    return len(next_clause) == 1 or next_clause[1] not in ("idea", "clue", "one", "more")


def _clause_before(words: list[str], first: int, reach: int) -> list[str]:
    """Up to `reach` words before index `first`, in the same clause, nearest first."""
    before: list[str] = []
    index = first - 1
    while index >= 0 and words[index] != CLAUSE and len(before) < reach:
        before.append(words[index])
        index -= 1
    return before


def _reported_denial(words: list[str], first: int, last: int) -> bool:
    """A screening question reported with a no: "they asked about suicide and I said no"."""
    if not _ASKED.intersection(_clause_before(words, first, 8)):
        return False
    after = [word for word in words[last : last + 14] if word != CLAUSE]
    for i, word in enumerate(after):
        if word in _SAID and _SAID_NO.intersection(after[i + 1 : i + 3]):
            return True
        if word == "no" and i + 1 < len(after) and after[i + 1] == "to":
            return True
        if after[i : i + 3] == ["not", "at", "all"]:
            return True
    return False


def _hypothetical(words: list[str], first: int, last: int) -> bool:
    """ "what if I feel faint", "who do I call if I have trouble breathing": a question about
    what to do, not a report. "not sure if ..." is a doubt and does not count."""
    calling = not _CALLING.isdisjoint(words[first:last])
    before = _clause_before(words, first, 12)
    for distance, word in enumerate(before):
        is_condition = word in _CONDITIONS or (
            word == "case" and distance + 1 < len(before) and before[distance + 1] == "in"
        )
        if not is_condition:
            continue
        ahead = before[distance + 1] if distance + 1 < len(before) else ""
        if word == "if" and ahead in _CONDITION_DOUBTS:
            # "how do I know if ..." asks; "I dont know if ..." doubts.
            return "how" in before[distance + 1 : distance + 5]
        return distance <= _CONDITION_REACH or calling
    if calling:
        # "do I call 911 if I get chest pain": the condition may come after the question.
        end = last
        while end < len(words) and words[end] != CLAUSE and end - last < 6:
            if words[end] in _CONDITIONS:
                return True
            end += 1
    return False


def _reassured_after(words: list[str], first: int, last: int) -> bool:
    """ "I almost passed out from the heat but I'm fine": the patient says it is over or minor."""
    after = [word for word in words[last : last + 14] if word != CLAUSE]
    joined, starts = _join(after)
    index_of = {start: i for i, start in enumerate(starts)}
    patterns = [_REASSURED]
    if not _PASSING_EVENTS.isdisjoint(words[first:last]):
        patterns.append(_REASSURED_EVENT)
    for found in (found for pattern in patterns for found in pattern.finditer(joined)):
        begin = index_of.get(found.start() + (1 if found.group().startswith(" ") else 0), 0)
        if begin == 0 or after[begin - 1] not in NEGATIONS:
            return True
    return False


def _sometimes_or_on_exertion(words: list[str], first: int, last: int) -> bool:
    """ "short of breath sometimes", "out of breath climbing stairs": now and then, or from
    exertion, not an emergency now."""
    after = []
    for word in words[last : last + 4]:
        if word == CLAUSE or word in _STATEMENT_ENDS:
            break
        after.append(word)
    if not _HABITUAL.isdisjoint(after):
        return True
    breathing = any(word.startswith(("breath", "winded")) for word in words[first:last])
    return breathing and not _EXERTION.isdisjoint(after)


def _numb_from_anaesthetic(words: list[str], first: int, last: int) -> bool:
    """ "the lidocaine made my lip numb": numbness the clause puts down to a local anaesthetic."""
    if not any(word.startswith("numb") for word in words[first:last]):
        return False
    start = first
    while start > 0 and words[start - 1] != CLAUSE:
        start -= 1
    end = last
    while end < len(words) and words[end] != CLAUSE:
        end += 1
    return not _ANAESTHETICS.isdisjoint(words[start:end])


def _asking_for_information(words: list[str], first: int) -> bool:
    """ "the signs of a stroke", "risk of seizures": asking, not reporting."""
    for word in _clause_before(words, first, 4):
        if word in _INFORMATION_FILLERS:
            continue
        return word in _INFORMATION
    return False


def _about_an_animal(words: list[str], first: int) -> bool:
    """ "my dog had a seizure", "the cat keeps biting herself": the words are about an animal."""
    before = _clause_before(words, first, 6)
    for word in before:
        if word in _STATEMENT_ENDS or word in _FIRST_PERSON or word == "me":
            return False
        if word in _ANIMALS:
            return True
    return False


def _about_the_dead_or_history(words: list[str], first: int) -> bool:
    """The clause speaks of someone who died, or of a family or medical history."""
    start = first
    while start > 0 and words[start - 1] != CLAUSE:
        start -= 1
    end = first
    while end < len(words) and words[end] != CLAUSE:
        end += 1
    clause = words[start:end]
    for i, word in enumerate(clause):
        following = clause[i + 1] if i + 1 < len(clause) else ""
        if word in _DECEASED and (word != "passed" or following in _DECEASED_NEXT):
            return True
        if word == "history" and i > 0 and clause[i - 1] in ("family", "medical"):
            return True
    return False


def _about_oneself_waking(words: list[str], first: int, last: int) -> bool:
    """ "I cant wake up early", "sorry I didnt respond": waking and responding are emergencies
    only when said of someone else ("pills to not wake up" is self-harm language)."""
    if _OTHERS_ONLY.isdisjoint(words[first:last]):
        return False
    if any(word in _OBJECTS or word in _OTHERS for word in words[first : last + 3]):
        return False  # "I cant wake HIM up": someone else
    before = [word for word in _clause_before(words, first, 10) if word not in _SOFTENERS]
    if before and before[0] == "to":
        return True
    for word in before:
        if word in _FIRST_PERSON:
            return True
        if word in _OTHERS:
            return False
    return False


class _PhraseIndex:
    """The phrases of one class by anchor word, so a message only tries the phrases whose most
    telling word it contains (a dictionary look-up per word instead of every pattern)."""

    def __init__(self, phrases: Sequence[Phrase]) -> None:
        self._phrases = tuple(phrases)
        self._exact: dict[str, list[int]] = {}
        self._prefixes: dict[str, list[int]] = {}
        self._always: list[int] = []
        for position, phrase in enumerate(self._phrases):
            if not phrase.anchors:
                self._always.append(position)
            for word, prefix in phrase.anchors:
                table = self._prefixes if prefix else self._exact
                table.setdefault(word, []).append(position)
        self._prefix_lengths = sorted({len(prefix) for prefix in self._prefixes})

    def candidates(self, present: frozenset[str]) -> list[Phrase]:
        """The phrases that may match a text made of the words in `present`, in list order."""
        positions: set[int] = set(self._always)
        for word in present:
            found = self._exact.get(word)
            if found:
                positions.update(found)
            for size in self._prefix_lengths:
                if size > len(word):
                    break
                found = self._prefixes.get(word[:size])
                if found:
                    positions.update(found)
        return [self._phrases[position] for position in sorted(positions)]


def _join(words: Sequence[str]) -> tuple[str, list[int]]:
    """Words joined by spaces, and the character offset where each word starts."""
    starts: list[int] = []
    offset = 0
    for word in words:
        starts.append(offset)
        offset += len(word) + 1
    return " ".join(words), starts


# --- answers to "are you safe right now?" -------------------------------------------------------


class CheckAnswer(StrEnum):
    """The patient's answer to the soft tier's safety check."""

    SAFE = "safe"
    NOT_SAFE = "not_safe"
    CALL = "call"


_CHECK_NOISE = re.compile(r"[^a-z ]+")
_CHECK_SAFE = re.compile(
    r"(?:(?:yes|yeah|yep|yea|y) )?(?:(?:i am|im|i m) )?(?:safe|ok|okay|fine|alright|all right)"
    r"(?: now| thanks| thank you| thx)*"
)
_CHECK_NOT_SAFE = re.compile(
    r"(?:(?:no|nope|nah|n) )?(?:(?:(?:i am|im|i m) )?(?:not safe|unsafe|not ok|not okay|not fine"
    r"|not alright)|(?:i )?(?:dont|do not) feel (?:safe|ok|okay))(?: now| right now)?"
)
_CHECK_CALL = re.compile(
    r"(?:(?:yes|please|pls|plz|can you|could you|can someone|someone) )*call(?: me)?"
    r"(?: please| pls| plz| now| asap| back)*"
)
# Spanish (issue 15; accents are taken off first): "SEGURO", "estoy a salvo", "no estoy bien",
# "LLAMAR", "llámenme por favor".
_CHECK_SAFE_ES = re.compile(
    r"(?:si )?(?:(?:yo )?estoy )?(?:a salvo|segur[oa]|bien)(?: ahora| gracias)*"
)
_CHECK_NOT_SAFE_ES = re.compile(
    r"(?:no )?(?:(?:yo )?no estoy|no me siento) (?:a salvo|segur[oa]|bien)(?: ahora)?"
)
_CHECK_CALL_ES = re.compile(
    r"(?:(?:si|por favor|pueden|puede) )*(?:llamar(?:me)?|llam(?:e|en)(?:me)?|llamame)"
    r"(?: por favor| ya| ahora)*"
)
_CHECK_YES = frozenset(
    {"yes", "y", "yeah", "yep", "yea", "yes i am", "yes i am safe", "si", "si estoy"}
)
_CHECK_NO = frozenset(
    {"no", "n", "nope", "nah", "not really", "no im not", "no i am not", "no estoy"}
)


def parse_check_answer(text: str, *, yes_no: bool) -> CheckAnswer | None:
    """A short typed answer to "are you safe right now?" ("im safe", "CALL", "not safe").

    A bare yes / no counts only when `yes_no` (no other yes/no question is waiting for it).
    Anything longer is not an answer: it is read as a message, crisis words first.
    """
    if not text or len(text) > 60:
        return None
    plain = " ".join(
        _CHECK_NOISE.sub(" ", _strip_accents(text).lower().translate(_APOSTROPHES)).split()
    )
    if _CHECK_NOT_SAFE.fullmatch(plain) or _CHECK_NOT_SAFE_ES.fullmatch(plain):
        return CheckAnswer.NOT_SAFE
    if _CHECK_CALL.fullmatch(plain) or _CHECK_CALL_ES.fullmatch(plain):
        return CheckAnswer.CALL
    if _CHECK_SAFE.fullmatch(plain) and plain not in ("ok", "okay", "fine", "alright"):
        return CheckAnswer.SAFE
    if _CHECK_SAFE_ES.fullmatch(plain) and plain not in ("bien", "si bien"):
        return CheckAnswer.SAFE
    if yes_no and plain in _CHECK_YES:
        return CheckAnswer.SAFE
    if yes_no and plain in _CHECK_NO:
        return CheckAnswer.NOT_SAFE
    return None
