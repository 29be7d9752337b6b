"""Phrase families for intent said through arrangements, and emergencies a relative reports
(issue 10, round 23).

Written from kinds of language the matcher missed on sentences it had not seen (not from those
sentences); each family stands for one way of saying it, with synonyms, word orders and Spanish.
Read by bot/domain/crisis.py like the families of crisis_plans.py.

Self-harm (paged): a plan with a day ("i have a plan and a date", "tengo un plan y la fecha");
sorry in advance for what one is about to do ("perdonenme por lo que voy a hacer", "esto es un
adios"); still being alive put in doubt for the next visit ("if im still alive by then", "no creo
que siga viva para la cita"); not a burden much longer; means kept for a night or for "when im
ready" ("tengo guardadas las pastillas para esta noche"); what amount is deadly; a bridge or the
tracks that look "like the answer"; wishing not to come up from under the water; letting go from a
balcony or a roof; cutting deeper; it ending tonight "one way or another"; all of something at
once and whether it would kill.

Emergencies (paged): someone who fell or collapsed and does not answer, wake or breathe ("mi papa
se cayo y no contesta"); lips gone blue or grey; a face or lips twice their size, eyes swelling
shut; a headache so bad one cannot see, or unlike any before.

Some signs need two parts of a message that punctuation splits ("i have everything ready, pills
and a note"; "cancel all my appointments, i wont need them"; "im so confused ... its been hours";
"headache ... and my neck is stiff"): `message_sign` reads those over the whole message.
Everyday talk next to these words (a system that fell, a phone nobody answers, eyes swollen from
crying, a finger cut while cooking, "i never felt like i couldnt breathe") is in INTENT_IDIOMS.
Pure: regular expressions over the matcher's normalised words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.domain.crisis_acts import plan_sign
from bot.domain.crisis_farewell import farewell_sign
from bot.domain.crisis_turn import unnamed_denial_taken_back
from bot.domain.crisis_words import PILLS

_PLACES = (
    "bridge|tracks|train_tracks|railway|railroad|ledge|roof|rooftop|cliff|overpass|balcony|river"
    "|jumping|jump|the_rope|rope|noose|gun|the_gun|hanging"
)
_ANSWER = "answer|solution|way_out|only_way|only_option|only_answer|escape|exit|best_option"
_DEADLY = "deadly|lethal|fatal|a_killer|enough_to_kill|enough_to_die"
_UNRESPONSIVE = (
    "answering|answer|respond|responding|responsive|waking|wake|moving|breathing|contesta"
    "|responde|reacciona|despierta|respira|se_mueve"
)

INTENT_SELF_HARM: tuple[str, ...] = (
    # a plan with a day
    "have|got|made|tengo|ive|theres .. a|the|my|un|el plan .. and|y ... date|day|when|time|night"
    "|fecha|dia|hora|cuando",
    "figured_out|worked_out|decided|know|planned|se|decidi how|como and|y when|cuando $",
    # sorry in advance, goodbye for good
    "sorry|apologize|apologise|apologies|apologizing|apologising|forgive_me ... what ..."
    " about_to|going_to|gonna|planning_to ... do $",
    "sorry|apologize|apologise|apologies|forgive_me ... what_comes_next|what_happens_next"
    "|what_happens_tonight $",
    "perdon*|lo_siento|disculp* ... por .. lo_que ... voy_a|estoy_a_punto_de|vaya_a|pienso ..."
    " hacer $",
    "esto|este es .. un|mi adios|despedida $",
    "adios|goodbye para_siempre|forever|for_good|a_todos $",
    # alive at the next visit put in doubt
    "if|assuming|provided|hopefully ... im|i_am|ill_be|i_will_be|i_make_it|i_last .. still .."
    " alive|breathing|living|around|here .. by|then|by_then|for_it|to_see",
    "if|assuming|provided ... im|i_am|ill_be|i_will_be .. still .. alive|breathing|around|here $",
    "ya_no|no_creo_que|no_se_si|dudo_que|probablemente_no ... este|estare|siga|sigo|voy_a_estar"
    "|estaria .. viva|vivo|con_vida",
    "ya_no|no_creo_que|dudo_que ... este|estare|siga|voy_a_estar .. aqui|aca|por_aqui para"
    "|cuando ... proxima|siguiente|cita|sesion",
    "wont|will_not|may_not|might_not|dont_think_ill|doubt_ill|probably_wont be .. alive|breathing"
    " ... for|by|when|at|to_see|next",
    # not a burden much longer
    "not_going_to|not_gonna|am_not_going_to be .. a|an|any .. burden|problem|weight|bother"
    "|nuisance ... much_longer|for_long|for_much_longer|after_tonight|soon",
    "nobody|no_one|noone|none_of_you|you|they ... have_to|need_to ... carry|support|look_after"
    "|take_care_of|worry_about|deal_with ... me ... much_longer|for_long|for_much_longer",
    # means kept for a time, "end it when im ready"
    "end|acabar_con it|things|everything|it_all|todo|my_life .. when|once|whenever|as_soon_as"
    " .. im|i_am|i_feel|its|the_time|i_get|i_decide .. ready|time|right|comes",
    f"stocked_up|stockpiled|hoarded|hoarding|saved|saving|kept|keeping|collected|gathered"
    f"|set_aside|stashed ... {PILLS} ... so|to|for ... end|die|kill|tonight|overdose|od"
    "|when_im_ready|when_the_time",
    "guardad*|guarde|escondid*|escondi|junte|juntad*|acumul*|ahorr* ... pastillas|medicinas"
    "|medicamentos|pildoras ... para .. esta_noche|hoy|manana|el_final|acabar|morir|matarme"
    "|el_fin_de_semana|cuando",
    "pastillas|medicinas|medicamentos|pildoras ... guardad*|escondid*|juntad*|listas ... para .."
    " esta_noche|hoy|manana|el_final|acabar|morir|matarme",
    # an amount that is deadly
    f"dose|doses|amount|amounts|quantity|mg|milligrams|pills|tablets ... is|are|becomes|be .."
    f" {_DEADLY}",
    f"how_many|how_much ... would|will|could|is|are .. be .. {_DEADLY}",
    "pastillas|pildoras|mg|miligramos|tabletas|dosis ... son|es|serian|seria|seran .. mortal*"
    "|letal*|fatal*|suficientes_para_morir",
    # a place or a means as the answer
    f"{_PLACES} ... look|looks|looking|seems|seem|feels|feel|is|are ... like .. the|an|my .."
    f" {_ANSWER}",
    f"{_PLACES} ... is|are|seems|feels|looks .. the|my .. {_ANSWER}",
    "puente|vias|tren|balcon|azotea|rio|cuerda|pistola ... me .. parece|parecen|se_ve|es ..."
    " la .. unica|mejor .. salida|solucion|respuesta|opcion",
    # rehearsal: under the water, wishing not to come up
    "hoping|hope|hoped|wish|wished|wishing|wanting|praying ... not|wont|wouldnt|didnt|never|dont"
    " ... come_up|came_up|coming_up|come_back_up|came_back_up|come_up_again|come_out|came_out"
    "|resurface|surface $",
    "tina|banera|agua ... quisiera|quiero|ojala|deseando|deseo ... no .. volver_a_salir|salir"
    "|subir",
    "rehears*|practic*|dry_run|test_run|trial_run ... hang*|noose|overdos*|my_death|ending_it"
    "|the_knot|my_exit|my_suicide",
    # a high place and letting go
    "balcony|roof|rooftop|ledge|bridge|window|railing|rail|edge|cliff|overpass ... thinking"
    "|think|thought|wondering ... about|of .. letting_go|let_go|jumping|jump|falling"
    "|stepping_off|going_over",
    "balcon|azotea|puente|techo|cornisa|ventana ... pensando|pienso|penso ... en .. soltarme"
    "|saltar|tirarme|lanzarme|dejarme_caer",
    # cutting deeper
    "cut|cuts|cutting|went ... deeper|too_deep|so_deep|deepest",
    "deeper ... blade|razor|knife|cuts",
    # ending tonight, one way or another
    "end|ends|over|stop|stops|done|finish* ... tonight|today|this_week|soon|by_morning ..."
    " one_way_or_another|one_way_or_the_other|either_way",
    "one_way_or_another|one_way_or_the_other ... end|ends|over|done ... tonight|today|this_week",
    "de_una_forma_u_otra|de_un_modo_u_otro|como_sea ... se_acaba|termina|acaba|se_termina"
    "|esta_noche",
    "se_acaba|termina|acaba|se_termina ... hoy|esta_noche .. de_una_forma_u_otra|de_un_modo_u_otro",
    # all of something at once, would it kill
    "all|every .. my|the|of_my|of_the ... at_once|together|at_the_same_time|in_one_go ... kill"
    "|die|dead|fatal|lethal|deadly|od|overdose",
)

INTENT_SOFT_SELF_HARM: tuple[str, ...] = (
    "hold|holding|held|put|putting|keep|keeping|stay|staying ... my .. head|face ... under"
    "|underwater ... bath|tub|bathtub|water",
)

INTENT_EMERGENCY: tuple[str, ...] = (
    # fell or collapsed and does not answer, wake or breathe
    f"fell|collapsed|passed_out|fainted|fallen|cayo|caido|desmayo|desplomo ... and|y ... not|isnt"
    f"|wont|cant|no|doesnt .. {_UNRESPONSIVE}",
    # lips gone blue or grey
    "blue|purple|grey|gray|bluish|blueish ... around|at|on .. the|his|her|my|their .. lips"
    "|mouth|fingertips",
    "labios|boca ... morados|moradas|azules|azulados|azuladas|grises|moraditos",
    "morad*|azul* ... labios|boca",
    # lips or face twice their size, eyes swelling shut
    "lips|tongue|face|throat|eyes|mouth ... twice|double|doubled|triple|tripled ... size"
    "|the_size|normal|as_big",
    "eyes|eye|face ... swelling|swollen|swells|puffing|puffed ... shut|closed",
    "face|lips|tongue ... doubled|ballooned|ballooning|blew_up|blowing_up|puffed_up",
    "labios|cara|lengua ... el_doble|doble|enormes|gigantes",
    # a headache so bad one cannot see, or like none before
    "headache|migraine|head_pain ... so_bad|so_severe|that_bad|so_strong ... cant|cannot"
    "|can_barely .. see",
    "headache|migraine|head_pain ... cant|cannot|can_barely .. see $",
    "headache|migraine|head_pain ... cant|cannot|can_barely .. see straight|properly|anything"
    "|clearly",
    "headache|migraine|head_pain ... like_nothing|never_had_anything_like|never_had_one_like"
    "|never_felt_anything_like|nothing_ive_ever|unlike_anything",
    "duele|dolor .. la|de .. cabeza ... como_nunca|como_jamas|peor_que_nunca",
    # not knowing one's own home or the people in it
    "dont|cant|doesnt|no|do_not recognize|recognise|reconozco|reconoce .. my_own|mi_propia"
    "|his_own|her_own|su_propia|su_propio|mi_propio .. house|home|kitchen|room|bedroom|street"
    "|casa|cocina|cuarto|calle",
    "dont|doesnt|no know|se|sabe who|quien ... in|en .. my|mi|our|the|su .. house|home|kitchen"
    "|casa|cuarto",
    "dont|cant|no_longer know|remember|recall .. where_i_live|my_address|my_own_address",
)

INTENT_SOFT_EMERGENCY: tuple[str, ...] = (
    "headache|migraine ... stiff .. neck",
    "stiff|sore neck ... headache|migraine",
    "cuello ... rigido|tieso ... dolor_de_cabeza|cabeza",
)

INTENT_IDIOMS: tuple[str, ...] = (
    "no contesta|responde|reacciona nadie|el_telefono|el_celular|los_mensajes|mis_mensajes"
    "|al_telefono",
    "se_cayo|cayo la|el pagina|sistema|app|linea|llamada|internet|senal|wifi|red|luz",
    "swollen|puffy|swelling ... shut|closed ... from|de .. crying|cry|llorar|sleeping|the_filler"
    "|filler|botox",
    "cut|cuts|sliced|nicked .. my|a|the .. finger|thumb|fingertip|knuckle",
    "never|didnt|did_not|not|havent|hadnt|dont|at_no_point ... felt|feel|feeling .. like|as_if"
    "|as_though ... couldnt|cant|cannot|could_not .. breath",
    "blue|purple ... lips|mouth ... from .. the .. slushie|popsicle|candy|lollipop|lipstick"
    "|juice|berries|blueberries",
)

_TREATMENT = re.compile(
    r"(?:^| )(?:infusion|infusions|session|sessions|ketamine|spray|appointment|treatment|test"
    r"|procedure|drive|driver|trip|flight|cita|sesion|tratamiento|viaje)(?= |$)"
)
# Everything ready, and a note with the means: "i have everything ready, pills and a note".
_READY = re.compile(
    r"(?:^| )(?:everything|it all|all set|all ready|all arranged|todo) (?:[a-z]+ )?"
    r"(?:ready|set|prepared|arranged|lined up|sorted|in place|listo|lista|preparado)(?= |$)"
    r"|(?:^| )(?:all set|todo listo|todo preparado)(?= |$)"
)
_NOTE = re.compile(r"(?:^| )(?:note|letter|notes|letters|carta|cartas|nota|notas)(?= |$)")
_MEANS = re.compile(
    rf"(?:^| )(?:{PILLS}|rope|noose|gun|pistol|razor|razors|blade|blades|pastillas|cuerda"
    r"|pistola|navaja)(?= |$)"
)
# "cancel all my appointments, i wont need them": cancelling everything as final.
_CANCEL_ALL = re.compile(
    r"(?:^| )(?:cancel|cancell?ing|cancell?ed|take me off|cancelen|cancela|cancelar|no cancelen)"
    r" (?:[a-z]+ ){0,3}(?:all|every|everything|the rest|future|remaining|todas|todo|nada)(?= |$)"
)
_FINAL = re.compile(
    r"(?:^| )(?:wont (?:need|be needing|be around|be here|be alive)|will not need"
    r"|thanks? (?:you )?for everything|gracias por todo|ya no (?:las |los |la |lo )?(?:voy a"
    r" necesitar|necesito|necesitare|estare|este)|no (?:voy a|creo que) (?:estar|siga))(?= |$)"
)
_REASON = re.compile(
    r"(?:^| )(?:because|since|cause|moving|moved|move|travel|traveling|travelling|trip|insurance"
    r"|another clinic|other clinic|better|worked|working|afford|cost|porque|ya que|mudo|mudanza"
    r"|viaje|seguro|mejor)(?= |$)"
)
# Not knowing the day or the place, lasting or growing: "i dont know what day it is ... its been
# hours" (plain "still confused" stays a callback: CLINICAL.md section 4).
_LOST = re.compile(
    r"(?:^| )(?:(?:dont|doesnt|cant|no) (?:know|remember|se|sabe|recuerdo) (?:what day|what"
    r" year|where (?:i|im|she|he|shes|hes) (?:am|is|live|lives)|where im|where i live|who i am"
    r"|who im|que dia|donde (?:estoy|esta|vivo|vive)|quien soy))(?= |$)"
)
_LASTING = re.compile(
    r"(?:^| )(?:hours|for hours|getting worse|gets worse|worse and worse|keeps getting worse"
    r"|since (?:yesterday|last night|this morning|the infusion|the session)|all day|started"
    r" yesterday|horas|empeora|empeorando|desde (?:ayer|anoche|esta manana))(?= |$)"
)
# A headache with a stiff neck and a fever, or unlike any before.
_HEADACHE = re.compile(r"(?:^| )(?:headache|migraine|dolor de cabeza|head pain)(?= |$)")
_STIFF_NECK = re.compile(
    r"(?:^| )(?:neck (?:is |feels |so )?(?:stiff|rigid)|stiff neck|cuello (?:rigido|tieso))"
    r"(?= |$)"
)
_RED_FLAG = re.compile(
    r"(?:^| )(?:fever|fiebre|never had anything like|never felt anything like|worst|cant see"
    r"|vomit\w*|light hurts|confused)(?= |$)"
)
_UNLIKE = re.compile(
    r"(?:^| )(?:never (?:had|felt) anything like (?:it|this)|like nothing ive ever|nunca (?:he"
    r" tenido|habia tenido|senti) (?:algo|nada) (?:asi|igual))(?= |$)"
)
# A weapon and using it on oneself: "i found his gun ... thinking about using it on myself".
_WEAPON = re.compile(
    r"(?:^| )(?:gun|guns|pistol|rifle|firearm|revolver|shotgun|knife|blade|razor|pistola|arma"
    r"|cuchillo|navaja)(?= |$)"
)
_ON_MYSELF = re.compile(
    r"(?:^| )(?:use|using|used|turn|turning|point|pointing|usarla|usarlo|usar) (?:[a-z]+ )?"
    r"(?:on|against|contra|en) (?:myself|me|my head|mi|mi mismo|mi misma)(?= |$)"
)


def message_sign(
    words: Sequence[str], clause: str, negations: frozenset[str]
) -> tuple[str, str] | None:
    """A strong sign read over the whole message ("self_harm" or "emergency", what matched), for
    the signs whose parts punctuation splits; None if there is none."""
    text = " ".join(word for word in words if word != clause)
    ready = _READY.search(text) and _NOTE.search(text) and _MEANS.search(text)
    if ready and not _TREATMENT.search(text):
        return "self_harm", "everything ready, a note and the means"
    if _CANCEL_ALL.search(text) and _FINAL.search(text) and not _REASON.search(text):
        return "self_harm", "cancelling everything as final"
    if unnamed_denial_taken_back(words, negations, clause):
        return "self_harm", "a denial about it taken back"
    if _WEAPON.search(text) and _ON_MYSELF.search(text):
        return "self_harm", "a weapon used on oneself"
    for found in (farewell_sign(words, clause), plan_sign(words, clause)):
        if found is not None and found[0] == "strong":
            return "self_harm", found[1]
    if _LOST.search(text) and _LASTING.search(text):
        return "emergency", "confusion that lasts"
    if _HEADACHE.search(text) and (
        (_STIFF_NECK.search(text) and _RED_FLAG.search(text)) or _UNLIKE.search(text)
    ):
        return "emergency", "a headache with red flags"
    return None


_ANSWER_NO = re.compile(
    r"^(?:[a-z]+ ){0,2}(?:the |la |my |mi )?(?:answer|respuesta) (?:is|was|es|fue|would be|seria)"
    r" (?:no|nope|negative|not really|never)(?= |$)"
)
_ASKED = frozenset(
    [
        "pregunta",
        "preguntas",
        "preguntaron",
        "preguntan",
        "question",
        "questions",
        "asked",
        "asking",
        "whether",
        "si",
        "if",
        "about",
        "sobre",
    ]
)
_NORMAL_AGAIN = re.compile(
    r"(?:^| )(?:(?:im|i am|i feel|feeling|im feeling|shes|hes|all|everything) (?:totally |all )?"
    r"back to normal|back to (?:my ?self|myself|normal) now|ya (?:estoy|esta) (?:bien|normal))"
    r"(?= |$)"
)


def answered_no_later(words: Sequence[str], last: int, clause: str) -> bool:
    """ "a la pregunta de si tengo dolor de pecho la respuesta es no": words said to be a question
    whose answer, given just after, is no."""
    start = last
    while start > 0 and words[start - 1] != clause:
        start -= 1
    if _ASKED.isdisjoint(words[start:last]):
        return False  # "i have chest pain and the answer is no": not a question answered
    after = [word for word in words[last : last + 8] if word != clause]
    return bool(_ANSWER_NO.search(" ".join(after)))


def back_to_normal_after(words: Sequence[str], last: int) -> bool:
    """ "... talking nonsense after the session but im back to normal now": it has passed."""
    return bool(_NORMAL_AGAIN.search(" ".join(words[last:])))
