"""Phrase families for self-injury that goes on, and for body signs said loosely (issue 10,
round 24).

Written from kinds of language the matcher missed on sentences it had not seen (not from those
sentences); each family stands for one way of saying it, with synonyms, word orders and Spanish.
Read by bot/domain/crisis.py like the families of crisis_plans.py.

Self-harm (paged): injuring oneself again or every night ("i cut again last night", "burning
myself again", "relapsed and cut", "me volvi a cortar", "me sigo quemando"); a cut or burn with
no object is oneself ("cut my hair again" is not: PLAN_IDIOMS and ONGOING_IDIOMS).

Emergencies (paged): one side of the body gone dead, heavy, asleep or limp ("my left side feels
dead and heavy", "se me durmio todo el lado izquierdo"); not passing urine for hours ("no puedo
orinar desde ayer", "havent been able to pee since last night": urinary retention, CLINICAL.md
section 4; not passing it for a moment is asked about in crisis_phrases_soft.py).
"""

from __future__ import annotations

# With no object: cut, burned or carved is oneself ("i cut again last night").
_INJURE = "cut|cutting|burned|burnt|scratched|carved|carving|sliced|slicing"
_INJURE_SELF = f"{_INJURE}|burning|burn|scratching|punching|punched|hitting|banging|biting|bit"
_AGAIN = (
    "again|again_last_night|again_tonight|last_night|tonight|every_night|every_day|each_night"
    "|all_week|more_and_more|nightly|daily"
)
_CUT_ES = (
    "cortar|cortarme|cortando|quemar|quemarme|quemando|lastimar|lastimarme|lastimando|golpear"
    "|golpearme|golpeando|rasgunar|rasgunarme|hacer_dano|hacerme_dano|hacerme_danio"
)
_DURATION = (
    "since|all_day|all_night|hours|since_yesterday|since_last_night|desde|en_todo_el_dia|hace"
    "|horas|todo_el_dia|toda_la_noche|en_horas|at_all"
)
_SPAN = "for|in|over|more_than|durante|en"
_SPAN_UNIT = "hours|hour|day|days|a_day|twelve_hours|horas|dia|dias|un_dia"
_PEE = (
    "pee|peeing|urinate|urinating|wee|weeing|piss|pissing|pass_urine|pass_water|go_pee"
    "|pass_any_urine|passed_any_urine|pass_any"
)
_PEE_ES = "orinar|hacer_pis|hacer_pipi|mear|hacer_del_uno|miccionar|orinado|hecho_pis|hecho_pipi"
_SIDE = "left|right|one|whole|entire|half|the_left|the_right"
_LOOSE = (
    "dead|heavy|asleep|weird|strange|limp|useless|like_lead|like_its_not_mine|not_mine|floppy"
    "|like_jelly|tingly|tingling|numb|gone|frozen|wont_move|doesnt_move|cant_move|droopy|drooping"
    "|sagging|saggy|wont_work|doesnt_work"
)
_SIDE_ES = "lado|costado|mitad"
_LOOSE_ES = (
    "dormido|dormida|entumido|entumida|entumecido|entumecida|pesado|pesada|muerto|muerta"
    "|paralizado|paralizada|sin_fuerza|no_lo_siento|no_la_siento|no_responde|no_se_mueve"
)

ONGOING_SELF_HARM: tuple[str, ...] = (
    # injuring oneself again, or every night
    f"i|ive|im|been|started|keep|kept|relapsed|relapsing|and {_INJURE} {_AGAIN}",
    f"i|ive|im|been|started|keep|kept {_INJURE_SELF} myself ... {_AGAIN}",
    "relapsed|relapse|relapsing|slipped|slip|fell_off_the_wagon ... cut|cutting|cuts|self_harm"
    "|selfharm|self_harming|burning|burned|blade|razor|the_blade|sh",
    "cutting|self_harm|selfharm|self_harming|the_blade|sh ... is|are|got .. back|started_again"
    "|came_back|coming_back",
    f"{_INJURE_SELF} myself ... every|each night|day|week",
    # Spanish
    f"volvi|volvio|vuelvo|he_vuelto|volviendo|volveria a {_CUT_ES}",
    f"me|se volvi|volvio|vuelvo|he_vuelto|ha_vuelto a {_CUT_ES}",
    f"me|se sigo|sigue|sigues {_CUT_ES}",
    f"sigo|sigue {_CUT_ES}|cortandome|quemandome|lastimandome|golpeandome",
    "me|se corte|quemé|queme|lastime|golpee|corto|quemo|lastimo|hice_dano ... otra_vez|de_nuevo"
    "|otra_vez_anoche|cada_noche|todas_las_noches|todos_los_dias",
    "otra_vez|de_nuevo|cada_noche|todas_las_noches ... me .. corte|queme|lastime|cortando"
    "|quemando|lastimando|estoy_cortando|estoy_quemando",
    "me estoy cortando|quemando|lastimando ... brazos|piernas|munecas|muslos|piel|cigarro"
    "|cigarros|encendedor|navaja",
    "recai|recaida ... cort*|quem*|lastim*|autolesion*",
    # the first time after a clean stretch
    "cut|cutting|burned|burning|self_harmed|harmed ... after|first_time_in|for_the_first_time_in"
    " ... many|months|years|weeks|days|year|month ... clean|free|sober",
    "many|months|years|weeks|days clean|free ... and|but|then|until .. i .. cut|burned|relapsed",
)

ONGOING_EMERGENCY: tuple[str, ...] = (
    # one side of the body gone dead, heavy, asleep
    f"{_SIDE} side ... feels|feel|felt|is|went|gone|has_gone|going|seems|turned ... {_LOOSE}",
    f"half|side my|of_my|of_his|of_her|his|her ... body|face ... {_LOOSE}",
    f"{_SIDE} side ... {_LOOSE} and|y ... heavy|dead|numb|weak|limp|asleep",
    f"arm|hand and|y leg|foot on .. the|my|one|that .. {_SIDE} side ... {_LOOSE}",
    f"left|right|izquierdo|derecho arm|hand|brazo|mano and|y leg|foot|pierna|pie ... {_LOOSE}"
    f"|{_LOOSE_ES}",
    f"se_me|se_le|tengo durmio|duerme|durmiendo|entumio|entumecio|adormecio ... todo .. el|la"
    f" {_SIDE_ES}",
    f"{_SIDE_ES} izquierdo|derecho|izquierda|derecha|del_cuerpo|de_la_cara ... {_LOOSE_ES}",
    f"{_SIDE_ES} de|del .. mi|la|el .. cuerpo|cara ... {_LOOSE_ES}",
    # not passing urine for hours
    f"cant|cannot|havent_been_able_to|unable_to|not_able_to|hasnt_been_able_to|havent"
    f"|hasnt ... {_PEE}|peed|urinated|passed_urine ... {_DURATION}",
    f"cant|cannot|havent_been_able_to|unable_to|not_able_to|hasnt_been_able_to|havent"
    f"|hasnt ... {_PEE}|peed|urinated ... {_SPAN} .. many|a|an|over|like|about .. {_SPAN_UNIT}",
    f"no puedo|puede|podido|he_podido|ha_podido|logro|consigo ... {_PEE_ES} ... {_DURATION}",
    f"no he|ha ... {_PEE_ES} ... {_DURATION}",
    f"nothing|only_drops|only_a_few_drops|barely_anything|hardly_anything|just_drops ..."
    f" comes|come|coming|will_come|came ... out ... {_PEE}|try|trying",
    f"trying|try|tried .. to .. {_PEE} ... nothing|only_drops|only_a_few_drops|barely_anything"
    " ... comes|come|coming|came|out",
    "bladder ... full|bursting|burst|exploding|about_to_burst ... cant|cannot|nothing|wont|no",
    "vejiga ... llena|a_punto_de_reventar|reventar ... no|nada",
)

ONGOING_IDIOMS: tuple[str, ...] = (
    "cut|cutting|burned|burnt|burning|burn myself|my_hand|my_finger|my_fingers|my_arm ... kitchen"
    "|knife|knives|curling_iron|straightener|oven|stove|kettle|iron|pan|tray|cooking|chopping|grill"
    "|candle|coffee|tea|soup|bbq",
    "affairs|things|papers|paperwork ... in order ... before|for .. my|the|a .. surgery|operation"
    "|procedure|trip|move|travel|deployment|hip|knee|biopsy",
    "letter|letters|note|notes|cards|card|carta|cartas ... for|to|para|a .. my|mis|mi ... for"
    "|on|para|de .. their|his|her|su|sus .. birthday|birthdays|christmas|graduation|wedding"
    "|cumpleanos|navidad|graduacion|boda",
    "dead|asleep|numb|heavy|tingly ... after|from ... sitting|sleeping|lying|kneeling|crossing"
    "|leaning|gym|workout|run|running|hike|training|leg_day|squats",
    "goodbye|goodbyes to .. my|our|the ... house|home|apartment|flat|job|car|habits|therapist"
    "|doctor|nurse|teacher|terapeuta|doctora|doctor|maestra"
    "|school|office|coworkers|colleagues|team|dog|cat|horse|pet|puppy|kitty|bird|rabbit",
    "cut|cutting|cuts|trimmed ... hair|bangs|fringe|nails|grass|lawn|hedge|hours|losses|ties"
    "|corners|class|carbs|sugar|coffee|caffeine",
    "burned|burnt|burning|burn ... toast|dinner|food|rice|calories|candle|candles|cd|bridges"
    "|the_midnight_oil|fat|sun|sunburn|stove|oven|pan",
    "cortar|cortarme|corte|cortando ... pelo|cabello|flequillo|fleco|barba|unas|ensalada"
    "|cebolla|verdura|dedo|dedos|pan|carne",
    "quemar|quemarme|queme|quemando|quemo ... sol|calor|playa|comida|cocina|sarten|estufa|horno",
    f"{_SIDE} side ... of .. my|the .. neck|back|bed|couch|road|street|room|brain|head|jaw|nose"
    "|stomach|belly|abdomen|tummy|ribs|rib|mouth|tongue|throat",
    f"slept|sleeping|sleep|lying|lay|laying ... on .. my|the .. {_SIDE} side",
    f"dead ... {_SIDE} .. side .. of .. the .. bed|couch",
    f"{_PEE} ... in|for|into .. front_of|a_cup|the_cup|the_sample|sample|public|the_stall",
    f"{_PEE} ... urine_sample|sample|specimen|drug_test|the_lab|the_cup",
    f"{_PEE} ... during|while|because .. the|i|my|im|was .. nervous|infusion|session|flight|movie",
)
