"""Phrase families for crisis language said calmly, without a death word (issue 10, round 20).

Written from kinds of language the matcher missed on sentences it had not seen (not from those
sentences): each family stands for one way of saying it, with its synonyms, word orders, other
persons and Spanish. Read by bot/domain/crisis.py like the families of crisis_words.py.

Self-harm (paged):
- A plan not to wake up or not to see a day: "i dont plan on waking up tomorrow", "i dont expect
  to wake up", "no pienso despertar".
- Soon no longer a burden or a problem: "soon i wont be a problem for anyone", "after tonight
  nobody will have to put up with me", "pronto ya no voy a ser una carga".
- Sitting at a place of means: "i drove to the train tracks and im sitting here".
- A last message: "this is the last message youll get from me", "my final message to you",
  "el ultimo mensaje que vas a recibir de mi".
- Means gathered: "i filled all my prescriptions at once so i have enough", "ya junte
  suficientes pastillas".
- A lethal amount asked for: "what dose would kill a person my size", "que dosis seria mortal",
  "cuantas pastillas se necesitan para no despertar".

Self-harm (asked "are you safe?"): staring at means ("i keep staring at the knife block"), a
drive to a bridge or a cliff, "you wont hear from me again".

Emergencies (paged): speech down to a few words ("i can only say a few words at a time", "solo
me salen unas palabras"); the worst headache of one's life in Spanish ("el peor dolor de cabeza
de mi vida"). Asked, not paged (CLINICAL.md section 4: confusion or hallucinations still there
the next day call for a callback within the hour, blood in the urine for a review): not telling
what is real, talking to people who are not there, "viendo cosas"; peeing red or pink, blood in
the urine, "orinando sangre".
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.crisis_words import PILLS

_MEANS_SEEN = (
    "knife|knives|knife_block|blade|blades|razor|razors|rope|noose|belt|pills|pill_bottle"
    "|bottle|bottles|gun|pistol|meds|medicine_cabinet|bridge|tracks|ledge|balcony|window"
)
_SHARP = "knife|knives|knife_block|blade|blades|razor|razors|rope|noose|gun|pistol|bridge|tracks"
_DAY = "tomorrow|morning|the_morning|sunrise|the_sunrise|another_day|the_weekend|next_week|monday"
_WEIGHT = "problem|burden|bother|nuisance|weight|pain|drain|trouble"
_SOON = (
    "soon|shortly|tomorrow|tonight|by_tomorrow|by_morning|by_then|by_the_weekend|by_monday"
    "|by_tuesday|by_wednesday|by_thursday|by_friday|by_saturday|by_sunday|next_week|after_tonight"
)
_CARE = "worry_about|deal_with|put_up_with|take_care_of|carry|look_after|pay_for|clean_up_after"
_HIGH = "overpass|cliff|cliffs|ledge|rooftop|quarry|dam|gorge|canyon|ravine|bluff|pier|seawall"
_PLACE = "train|railroad|railway|rail tracks|track|line|crossing"

PLAN_SELF_HARM: tuple[str, ...] = (
    # not waking, not seeing the next day, by plan
    "dont|do_not|not|no plan*|planning|intend*|intending|expect*|expecting|going on|to"
    " waking|wake ... up $",
    "dont|do_not|not|no plan*|planning|intend*|intending|expect*|expecting|going on|to"
    f" waking|wake ... up ... {_DAY}|again|ever|after_tonight|after_this",
    f"wont|will_not|not_going_to|never see|make_it_to|live_to_see|be_here_for|be_alive_for {_DAY}",
    "no pienso|planeo|voy_a|quiero despertar|amanecer ... manana|mas|otra_vez $",
    "wont|will_not|never|not_going_to|not_gonna be .. waking|wake .. up $",
    "wont|will_not|never|not_going_to|not_gonna be .. waking|wake .. up again|ever|after_tonight"
    "|after_today",
    "wont|will_not|never|not_going_to be .. waking|wake .. up tomorrow $",
    "theyll|they_will|someone_will|somebody_will|youll|you_will|people_will|my_family_will"
    "|my_kids_will find me $",
    "theyll|they_will|someone_will|somebody_will|youll|you_will|people_will|my_family_will"
    "|my_kids_will find me dead|gone|cold|in_the_morning|tomorrow|hanging",
    "find|found|finds my body",
    # soon no longer a weight to anyone
    f"soon|shortly|tomorrow|tonight|after_tonight|after_today|after_this ... wont|will_not|not"
    f"|no_longer|never be .. a|an|any .. {_WEIGHT} $",
    f"soon|shortly|tomorrow|tonight|after_tonight|after_today|after_this ... wont|will_not|not"
    f"|no_longer|never be .. a|an|any .. {_WEIGHT} to|for|on .. anyone|anybody|everyone|you"
    "|nobody|them|people|my_family|any_of_you|you_guys|my_kids",
    f"wont|no_longer|never be .. a|an|any .. {_WEIGHT} ... to|for|on .. anyone|anybody|everyone"
    "|you|you_all|my_family|any_of_you|nobody|them ... soon|after_tonight|after_today|tomorrow"
    "|much_longer|before_long",
    "soon|shortly|after_tonight|after_today|tomorrow ... nobody|no_one|noone|you|they|everyone"
    " ... wont|will_not|never|have_to .. have_to|need_to|deal_with|put_up_with|worry_about ..."
    " me|with_me|about_me",
    "pronto|manana|despues_de_hoy ... no .. voy_a|vas_a|van_a ... ser|tener .. una .. carga"
    "|problema|molestia",
    f"{_SOON} ... nobody|no_one|noone|none_of_you ... have_to|need_to|needs_to|will_need_to"
    f"|will_have_to ... {_CARE} ... me",
    f"{_SOON} ... you|they|everyone|my_family|my_kids|my_wife|my_husband ... wont|will_not|never"
    f"|no_longer ... have_to|need_to ... {_CARE} ... me",
    f"wont|no_longer|will_never have_to|need_to {_CARE} me|with_me ... much_longer|for_long"
    "|after_tonight|after_today|after_this_weekend|soon",
    f"edge|ledge|top of ... {_HIGH}|waterfall|falls",
    # sitting at a place of means
    f"drove|drive|driven|went|walked|came|biked|got|headed|heading|driving|walking to|out_to ..."
    f" {_PLACE}",
    f"{_PLACE} ... and|im|i_am ... sitting|standing|waiting|parked|here|lying|laying",
    f"sitting|standing|waiting|parked|lying|laying ... by|near|next_to|at|on .. the .. {_PLACE}",
    # a last message
    "consider_this|this_was|treat_this_as|take_this_as my|a|the goodbye|farewell|last|final"
    " text|message|note $",
    "mensaje|texto|carta de despedida",
    "last|final message|text|words|note ... youll|you_will|you_ll|anyone_will|anybody_will"
    "|youre_going_to|you_are_going_to|anyone|you ... get|hear|receive|read|see .. from .. me",
    "this_is|this_will_be|thats|that_is|this_is_going_to_be my|the last|final message|text|note $",
    "this_is|this_will_be|thats|that_is|this_is_going_to_be my|the last|final message|text|note"
    " to|for .. you|anyone|everyone|all_of_you|the_world $",
    "ultimo mensaje ... vas_a|van_a|recibir*|leer* ... de mi",
    "este|es ... mi .. ultimo mensaje $",
    # means gathered
    f"prescriptions|scripts|refills|{PILLS} ... so|now|finally|until|till ... i .. have|got"
    "|ive_got .. enough $",
    f"enough {PILLS} saved|stashed|hidden|stockpiled|collected|put_away|set_aside|hoarded",
    "junte|juntado|guardado|guarde|ahorrado|acumule|acumulado|reuni|reunido ... suficientes"
    " pastillas|medicinas"
    "|medicamentos|pildoras",
    "suficientes pastillas|medicinas|medicamentos|pildoras ... para ... morir|matarme|no_despertar"
    "|acabar",
    # a lethal amount asked for
    "how_many|how_much ... before|until|till|to_make|would_make ... your|my|the|someones|a .."
    " heart .. stops|stop|stopped|gives_out",
    "how_many|how_much ... before|until|till ... you|i|someone|a_person|people .. die|dies"
    "|stop_breathing|stops_breathing|dont_wake_up|never_wake_up",
    "how_much|how_many|what_amount|what_dose|which_dose|whats_the_amount|whats_the_dose ... would"
    "|will|to|does_it_take_to|it_takes_to ... stop|keep ... someone|a_person|me|you|people ..."
    " from .. waking|breathing",
    "amount|dose|doses|how_much|how_many ... cause|causes|to_cause|would_cause|causing ... death"
    "|a_coma|coma|the_heart_to_stop|your_heart_to_stop|someone_to_die|you_to_die",
    f"{PILLS}|meds|medication ... saved|stashed|hidden|hoarded|put_away|collected|saving ..."
    " for_when|until|till ... im|i_am|i_decide|its_time|the_time_is .. ready|time|right",
    "listo|lista|preparado|preparada|decidido|decidida|todo_listo ... para|a .. no .. despertar"
    "|despertarme|amanecer",
    "no despertar|despertarme|amanecer manana|nunca|nunca_mas|jamas $",
    "what|which|whats|how_much|how_many dose|doses|amount|quantity|number|mg|milligrams|pills"
    "|tablets ... would|will|could|does|to|it_takes_to|it_would_take_to ... kill|be_fatal|be_lethal"
    "|be_deadly|stop_a_heart|stop_my_heart|stop_someones_heart|end_a_life|kill_someone"
    "|kill_a_person|kill_me",
    "amount|dose|quantity ... would|will|could be .. fatal|lethal|deadly|enough_to_die",
    "cuantas|cuanta|cuantos|que dosis|pastillas|mg|insulina ... se_necesitan|necesito|hacen_falta"
    "|para ... morir|matarme|no_despertar|matar|mortal|letal",
    "dosis|cantidad ... mortal|letal|para_morir|para_matar",
)

PLAN_SOFT_SELF_HARM: tuple[str, ...] = (
    "everyone|everybody|my_family|they|you_all|you_guys|my_kids|the_world will|would|gonna .. be"
    " better_off $",
    "everyone|everybody|my_family|they|you_all|you_guys|my_kids|the_world will|would|gonna .. be"
    " better_off soon|by|next_week|tomorrow|after_tonight",
    f"im|i_am|sitting|standing|parked|waiting at|on|by|under .. the|a .. {_HIGH}",
    "train|subway|express|bus|truck|tram ... not|wont|dont|never ... getting_on|get_on|boarding"
    "|board|to_get_on|riding_it|ride_it",
    "amount|dose|doses|how_much|how_many ... cause|causes|to_cause|would_cause|causing ..."
    " liver_failure|organ_failure|liver_damage|kidney_failure",
    f"looking|staring|stared|looked at .. the|my|a .. {_MEANS_SEEN} ... for .. an|hours|hour|ages"
    "|a_while|all",
    f"staring|stare|stared|gazing|gaze|eyeing|eyed ... at .. the|my|those|that|a .. {_MEANS_SEEN}",
    f"eyeing|eyed|eye|staring_down the|my|those|that|all_my .. {_MEANS_SEEN}",
    f"keep|kept|cant_stop|been|sitting_here|just ... looking|look|staring|eyeing ... at .. the"
    f"|my|those|that .. {_SHARP}",
    "drove|drive|went|walked|headed|heading|driving|walking to .. the|a .. bridge|cliff|overpass"
    "|rooftop|roof_of",
    "wont|will_not|never hear|hear_anything from me again|anymore|after_this|after_today",
    "no dejo_de|puedo_dejar_de|paro_de mirar|ver ... cuchillos|cuchillo|pastillas|cuerda|navaja",
)

PLAN_EMERGENCY: tuple[str, ...] = (
    "speech|words|talking ... coming_out|come_out|comes_out ... nonsense|gibberish|wrong|jumbled"
    "|garbled|slurred|weird|backwards|mixed_up",
    "worst|most_painful|most_intense|most_severe head pain|pain_in_my_head|head_pain ... life"
    "|ever|ive_ever",
    "se_le|se_me|me|le cae|caida|caido ... la|el .. boca|cara|labio|parpado",
    # speech down to a word or two
    "can|could only|barely|just say|speak|talk|get_out|get|manage ... a_few|one|two|a_couple"
    "|couple|single|a_word|few ... word|words",
    "cant|cannot|couldnt|unable_to get|say|speak ... more_than ... word|words",
    "only|barely|just ... one|two|few|couple ... words .. at_a_time|come_out|out",
    "solo|apenas ... me_salen|puedo_decir|puede_decir|dice|digo ... unas|pocas|dos|una palabras"
    "|palabra",
    "no .. me_salen|le_salen las palabras",
    "no puedo|puede hablar|pronunciar $",
    # the worst headache of one's life (Spanish; English is in crisis.py)
    "peor dolor de cabeza ... vida|he_tenido|tenido|sentido",
    "dolor de cabeza ... peor de mi vida",
    "peor de mi vida ... dolor de cabeza|cabeza",
    "dolor de cabeza ... de_golpe|repentino|explosivo|como_un_trueno",
    "de_golpe|de_repente|repentinamente ... dolor de cabeza .. horrible|terrible|insoportable"
    "|brutal|fuertisimo|muy_fuerte|espantoso",
    # a sudden and severe headache (a severe one alone is asked about: crisis.py)
    "worst|severe|terrible|horrible|excruciating|blinding|crushing|explosive|unbearable"
    "|most_painful|most_intense|most_severe ... headache ... suddenly|out_of_nowhere"
    "|all_at_once|in_seconds|like_a_thunderclap|like_a_bomb",
    "most_painful|most_intense|most_severe|strongest|biggest headache ... ever|of_my_life"
    "|in_my_life",
)

PLAN_SOFT_EMERGENCY: tuple[str, ...] = (
    # not telling what is real, people or voices not there (a callback within the hour)
    "cant|cannot|couldnt|hard_to|struggling_to tell|figure_out|know ... whats|what_is|what|if .."
    " real|reality|a_dream|dreaming|awake",
    "not|never|no_longer sure|certain ... whats|what_is|what|if .. real|reality|a_dream|dreaming",
    "feel|feels|feeling|seems|seem|looks ... fake|unreal|not_real|like_a_dream|far_away|detached"
    " ... still|day|days|since|hours|yesterday",
    "still ... feel|feels|feeling|seems|seem|looks ... fake|unreal|not_real|like_a_dream|far_away"
    "|detached",
    "talking|talk|talked|speaking|hearing|hear|seeing|see ... to|with .. people|someone|voices"
    "|things|somebody ... who|that .. arent|isnt|werent|not .. there|real",
    "viendo|veo|vi|escuchando|escucho|oigo|oyendo|hablando_con ... cosas|gente|personas|voces"
    " ... que .. no ... estan|existen|son_reales|hay|esta",
    "no se|distingo|puedo_distinguir ... que|lo ... es .. real",
    "still|since|anymore|days|day_two|day_2 ... dont|doesnt|do_not|does_not|not|never feel|feels"
    "|seem|seems|look|looks .. real",
    "dont|doesnt|not feel|feels|seem|seems .. real ... still|since|anymore|days|yesterday",
    "nobody|no_one|noone else ... sees|hears|can_see|can_hear|is_seeing|is_hearing|see|hear",
    "talking|talks|talk|speaking|speaks ... to|with ... dead|deceased ... like|as_if|as_though",
    "oyendo|oigo|escucho|escuchando|oir|oye|escucha voces",
    "dont_know|doesnt_know|do_not_know|not_sure|unsure|no_idea ... whats|what_is|what|if .. real"
    "|reality|a_dream|dreaming",
    "says|said|swears|insists|told_me ... arent|isnt|werent|wasnt|not there $",
    "says|said|swears|insists|told_me ... arent|isnt|werent|wasnt|not real $",
    # blood in the urine said other ways (a review: asked, not paged)
    "blood in|on .. my|the .. urine|pee|wee|piss",
    "pee|peeing|peed|urine|wee|weeing|piss|pissing|urinating ... bright_red|red|pink|bloody"
    "|blood_red|reddish|like_blood",
    "toilet|bowl|water ... turned|went|is|was .. red|pink ... pee|peed|peeing|wee",
    "orinando|orino|orina|orine|pis|pipi ... sangre|roja|rojo|rosada|con_sangre",
    "sangre en .. la|mi .. orina|pis",
    "red|pink|bloody|blood in|on .. the .. toilet|bowl|pad|tissue ... pee|peed|peeing|wee|urinate"
    "|urinating|i_pee|i_go",
    "urine|pee|wee ... looks|look|is|like ... cranberry|cranberry_juice|red_wine|fruit_punch"
    "|ketchup|blood|cola|coke",
)

# Everyday talk next to these words: a language, a small child learning to talk.
PLAN_IDIOMS: tuple[str, ...] = (
    "cut|cuts|cutting ... carrots|onions|vegetables|veggies|bread|meat|fruit|coupons|paper|grass"
    "|wood|the_cake|my_hair|his_hair|her_hair",
    "few|couple|some|one|two words in|of .. english|spanish|french|german|italian|portuguese"
    "|chinese|japanese|russian|arabic|the_language|sign_language",
    "toddler|baby|infant|babies|toddlers|kid|child|grandbaby|nino|nina|bebe|hijo|hija ..."
    " say|says|speak|speaks|talk|talks|decir|dice|habla ... word|words|palabras|palabra",
)
# Looking fixedly at something: "staring at the knife block" is not kitchen talk.
_FIXATION = frozenset(
    ["staring", "stare", "stared", "stares", "eyeing", "eyed", "gazing", "fixated", "mirar"]
)


def fixated_on(words: Sequence[str], first: int, clause: str) -> bool:
    """Whether a fixed look ("staring at", "eyeing") stands just before words[first]."""
    index = first - 1
    while index >= max(0, first - 4) and words[index] != clause:
        if words[index] in _FIXATION:
            return True
        index -= 1
    return False
