"""Phrase families for self-harm told as an act, a place or a time (issue 10, round 24).

Written from kinds of language the rules missed on sentences written for training (never from the
blind sets); each family stands for one way of saying it, with synonyms, word orders and Spanish.
Read by bot/domain/crisis.py like the families of crisis_plans.py.

Self-harm (paged):
- an injury done on purpose or until it bleeds ("held my hand on the stove on purpose", "biting
  my arms till they bleed", "used a knife on myself", "me pegue en la cabeza contra la pared");
- pills taken with someone else's, a whole bottle poured or swallowed, all of a spray at once,
  "od'd on my meds", "no quiero que me salven";
- a car running in a closed garage, charcoal and tape, a bag over the head, a beam strong enough,
  a gun taken out of its safe, walking into the water or swimming out, turning the wheel into a
  barrier;
- leaving as not being here ("im going to fix that by not being here"), ending it so the others
  need not, "by the time you read this", calling everyone to say goodbye, "ya no quiero estar
  aqui".

Self-harm (asked "are you safe?"): a passive wish with a way it could happen ("part of me hopes
the plane goes down", "i keep hoping my heart just stops in my sleep"), a god asked to take one
("le pido a dios que me lleve"), "it happens tonight".

Plans with a time and places, read over the whole message, are in `plan_sign` below.
Pure: phrase strings and regular expressions over the matcher's normalised words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.domain.crisis_words import PILLS

_ON_PURPOSE = "on_purpose|deliberately|intentionally|purposely|a_proposito|adrede|apropósito"
_BLEED = "bleed|bleeds|bled|bleeding|sangrar|sangre|sangren|sangraba"
_TRIGGER_FREE = "myself|my_arm|my_arms|my_wrist|my_wrists|my_legs|my_leg|my_thighs|my_skin"

ACT_SELF_HARM: tuple[str, ...] = (
    # until it bleeds, on oneself
    f"biting|bit|scratching|scratched|picking|picked|digging|dug|clawing|rascando|rasgunando"
    f"|mordiendo|arrancando ... till|until|hasta|untill ... {_BLEED}",
    f"used|use|using|took|take|taking a|the|my .. knife|blade|razor|lighter|scissors on|to"
    f" {_TRIGGER_FREE}",
    "banging|hitting|punching|slapping|beating|smashing my|his|her .. fists|fist|head|hands ..."
    " on|into|against .. my|the .. face|head|wall|walls",
    "me|se pegue|golpee|di|pego|golpeo|doy ... cabeza|cara ... contra|en .. la|el .. pared|piso"
    "|suelo|puerta",
    "me|se di|doy|daba de golpes",
    "me estoy haciendo dano|danio",
    "me|se hago|hice|hacia dano|danio ... otra_vez|de_nuevo|a_proposito|cada_noche|todos_los_dias"
    "|todas_las_noches",
    "just|finally cut $",
    "covered in cuts|burns|scratches ... want|do_more|again|more|deeper",
    # pills with someone else's, a whole bottle, all of a spray at once
    f"took|swallowed|taken|tome|me_tome|trague|me_trague|downed ... my|mis|all_my ... {PILLS}"
    "|pastillas|pildoras ... and|y ... my_husbands|my_wifes|my_moms|my_dads|hers|his|de_mi_mama"
    "|de_mi_papa|de_mi_esposo|de_mi_esposa|las_mias|mine",
    "poured|emptied|dumped ... whole|entire|the ... bottle|jar ... mouth|throat|down",
    "used|took|sprayed|did|finished all|every .. my|the ... spray|sprays|doses|vials|bottle ..."
    " at_once|in_one_go|together|in_one_night",
    "me_tome|tome|me_trague|trague|me_bebi todo|toda el|la frasco|caja|bote|botella|blister|tira",
    f"odd|oded|odded|odding on my|his|her|the|all_my ... {PILLS}",
    "dont|do_not want to be saved|rescued|found_in_time",
    "no quiero que me salven|rescaten|encuentren",
    # a car in a closed garage, charcoal, a bag, a beam
    "car|engine|motor ... in .. the|my .. garage|garaje ... running|on|door_shut|door_closed"
    "|doors_closed|prendido|encendido|cerrado|shut",
    "running|run|start|started|leave|left the|my .. car|engine in|inside the|my .. garage",
    "carro|coche|auto ... garaje ... motor .. prendido|encendido|andando",
    "charcoal|carbon ... and|y .. tape|bag|cinta|bolsa|sealed|seal",
    "charcoal ... in .. the|my .. room|bathroom|car|tent|bedroom",
    "bag and|y tape|cinta|helium",
    "plastic .. bag|bolsa ... over|around|sobre .. my|his|her|la|mi .. head|face|cabeza",
    "beam|rafter|closet_rod|hook|pipe|door_frame|railing|ceiling_fan|viga|gancho ... strong_enough"
    "|hold_my_weight|to_hang|for_the_rope|hold_me|aguante_mi_peso",
    "extension_cord|cord|belt|sheet|scarf|cable ... and .. the .. closet_rod|beam|rafter|hook"
    "|door_frame|ceiling_fan|banister",
    "took|taken|got|get|getting|unlocked ... gun|pistol|rifle|shotgun|handgun|pistola|arma ..."
    " out_of|from the .. safe|lockbox|gun_safe|case|caja_fuerte",
    # water, a wheel into a barrier
    "walk|walking|swim|swimming|wade|wading ... into|out|in ... not|never .. coming|come|to_come"
    " .. out|back",
    "swim|swimming|swam out ... as_far_as|until_i_cant|till_i_cant|and_not",
    "lake|river|ocean|sea|water|lago|rio|mar ... and|to|y walk|wade|swim|caminar|meterme in|into|out"
    " $",
    "cord|rope|belt|noose|cable|ligature|cuerda|cinturon|soga ... around|round|alrededor .. my|his"
    "|her|del|de_mi .. neck|cuello",
    "turn|turning|steer|steering|swerve|swerving|drive|driving|jerk ... the .. wheel|car ..."
    " into|towards .. the|a|oncoming .. barrier|wall|tree|truck|traffic|pole|bridge|median",
    # not being here as the way out, ending it for the others, last words
    "by|through not being here|around|alive",
    "end|ending|end_it_all ... it|things|everything|my_life so|for .. they|everyone|my_family"
    "|nobody|no_one|she|he|my_kids ... dont|doesnt|wont|can|not",
    "by_the_time you|anyone|someone|they|u .. read|reads|see|sees|get|find this",
    "last check_in|checkin|message|text|note ... from me ever|for_good",
    "calling|called|texting|texted|messaging|writing|visiting|visited|seeing everyone|everybody"
    "|all_my ... to|and .. say|said .. goodbye|goodbyes|bye",
    "ya no quiero estar_aqui|estar_aca|estar_en_este_mundo|existir|seguir_viviendo|despertar",
    "hope|hoping|hoped|pray|praying|prayed|wish|wishing ... i|ill .. wont|will_not|wouldnt"
    "|would_not|never|dont|do_not .. wake|wake_up|awaken",
    "no quiero estar aqui|aca|en_este_mundo $",
    "go|come to him|her|god|heaven|them myself",
    "not|dont|do_not want to go_on|keep|carry_on living|being_alive|existing",
    "cant|cannot|can_not keep fighting|trying to stay|keep .. alive",
    "close|closing|shut my eyes and|to never open|wake ... again|up",
    "unalive|unaliving|unalived|unalives myself|me",
    "this_will_be|this_is|its|it_will_be|thats my|the last weekend|night|christmas|birthday"
    "|day_on_earth|night_on_earth|sunday|saturday|friday $",
    "plan|my_plan|the_plan is|will_be the|to .. bridge|pills|rope|gun|train|tracks|roof|overdose"
    "|garage|river|lake",
    "drive|driving|going|leave|leaving|manejar|salir ... tonight|esta_noche|tomorrow ... not|never"
    "|no .. coming_back|come_back|voy_a_regresar|voy_a_volver|regreso|return",
    "whoever|whomever|whoever_it_is ... finds|find me",
    "ojala no amanezca|amanecer|despierte|despertara|despertar",
    "estariamos|estarian|estarias|estaria|estaran|viviriamos|vivirian ... mejor|mejores|felices"
    " ... sin el|ella|mi",
    "cuando me vaya ... nadie|no ... extranar*|importar*|notar*",
    "nadie ... extranar*|notar* ... cuando me vaya|muera|ya_no_este",
    "time to stop being a burden|weight|problem",
    "going_to|will|ill ... fix|solve|end ... that|this|it ... by not being",
)

ACT_SOFT_SELF_HARM: tuple[str, ...] = (
    "hope|hopes|hoping|wish|wishing|pray|praying ... plane|car|bus|truck|train ... crash|crashes"
    "|goes_down|go_down|hits_me|hit_me|gets_me|takes_me",
    "hope|hoping|wish|pray|praying ... heart .. just|would .. stops|stop|gives_out|quits",
    "die|dying|pass|go ... in my sleep ... gift|blessing|relief|nice|mercy|hope|wish",
    "god|lord|jesus|allah|dios|senor|father|maker|heaven ... take|call|bring|llevame|lleve|lleves"
    " .. me|my_soul ... home|now|away|ya|tonight|soon|please",
    "god|lord|jesus|allah|father|heaven ... take|call|bring .. me|my_soul $",
    "pido|pedi|pide|pidio|ruego|rogando|pidiendo ... dios|senor ... que .. me|se_lo|se_la .. lleve",
    "ready to meet my|our maker|god|jesus|lord",
    "see|be_with my|our mom|mother|dad|father|son|daughter|wife|husband ... in .. heaven",
    "want|ready|wanna|going ... be with the_angels|jesus|god|my_maker",
    "lista|listo|quiero|quisiera|ready ... irme|ir con .. el|mi|los .. senor|dios|mama|papa"
    "|angeles|cielo",
    "it|it_all|everything ends|end|will_end tonight|tonite|this_weekend $",
    "sorry|perdon|perdoname|perdonenme ... for|por ... everything|todo|wasting ... goodbye|bye"
    "|adios",
    "dile|diganle|digale|digales|tell ... a .. mi|mis ... que .. la|lo|los|las quiero|amo",
    "not ... going_on|carry_on|sticking_around|stick_around $",
    "im|i_am checking_out|out ... soon|permanently|for_good|forever",
    "letting_go|let_go ... cant|cannot|tired|done|keep_fighting|stay_alive",
    "staying|stay|being alive ... too_hard|too_much|exhausting|not_worth",
    "wont|will_not|not_going_to be around|here|alive for|by|at .. the|my .. next .. appointment"
    "|session|visit|infusion",
    "dont|do_not|not have|got one|another more ... in me",
    "hope|hoping thats|this_is|it_is|its it for_good|forever",
    "god|they|you|everyone|my_family ... understand*|forgive* ... why|what i .. have_to|must"
    "|am_going_to|about_to .. do",
)

ACT_IDIOMS: tuple[str, ...] = (
    "wake|wake_up|waking_up with|feeling|at|early|tired|sore|groggy|hungover|in_pain|stiff",
    "saving|saved|keeping|kept|bringing|bring|return|returning ... to .. return|bring_back|the"
    "_pharmacy|take_back|disposal|dispose|drop_box",
    "rope|ropes ... toy|toys|tug|chew|dog|dogs|cat|cats|puppy|leash",
    "despedi|despido|despidiendo de .. mi|la|el .. terapeuta|doctora|doctor|maestra|jefe|trabajo"
    "|casa|anterior",
    "decided|decide ... to .. stop|start|switch|change|taper|try|lower|reduce ... the|my .. meds"
    "|medication|antidepressant|pills|dose|treatment|therapy|with",
    "rope|ropes ... tie|tow|secure|lash|strap|climb|kayak|canoe|boat|tarp|tent|load|truck|trailer"
    "|swing|hammock",
    "roof|rooftop|ladder|azotea|techo ... cleaning|clean|fixing|fix|gutters|repairing|repair"
    "|shingles|solar|antenna|shoveling|painting|working|leak|limpiando|arreglando",
    "decided|decide|deciding to go with|for|ahead|back|home|shopping|out|on|in|there",
    "wake|wake_up|awaken ... during|in_the_middle_of|halfway_through .. the|my|a .. procedure"
    "|surgery|operation|session|infusion|colonoscopy|scan|mri",
    "bridge club|game|games|night|tournament|party|lesson|lessons|partner|player|players",
    "gave|giving|give|donated|donating|dropped_off ... clothes|stuff|things|books|toys|furniture"
    " ... to .. goodwill|charity|the_thrift|salvation_army|a_shelter|the_church|donation",
    "whole|entire|full .. bottle|bottles|jug|liter|litre of .. water|juice|soda|gatorade|milk|coke"
    "|tea|electrolytes|pedialyte|kombucha|seltzer",
    "note|letter|email|message ... to|for .. my|the .. sons|daughters|kids|childs|husbands|wifes"
    "|moms|dads ... teacher|school|doctor|boss|coach|landlord|employer|principal|nurse|therapist",
    "thank_you|thankyou|thanks|cover|recommendation|reference|complaint|appeal|birthday|get_well"
    "|sympathy|condolence|love letter|letters|note|notes|card|cards",
    "rope|ropes ... for .. the|my|a|our .. boat|tent|camping|climbing|garden|hammock|swing|dog"
    "|tarp|gym|laundry|clothesline|crafts|boxes|move|moving|kayak|truck|trailer",
    "by the time you|they read|see this ... appointment|visit|session|office|clinic|back"
    "|tomorrow|monday",
)

# A plan with a time, said plainly: "i plan to do it saturday after everyone leaves".
_DO_IT = re.compile(
    r"(?:^| )(?:do it(?! (?:right|correctly|properly|wrong|again|myself at home|at home|online))"
    r"|doing it(?! (?:right|correctly|properly|wrong|online))|go through with it|going through with it|take everything|taking"
    r" everything|end it|end things|ending it|lo hago|lo voy a hacer|hacerlo|voy a hacerlo"
    r"|me voy a ir|terminar con todo|acabar con todo|its happening|it happens|ill go|i go"
    r"|do it myself|its going to be|it will be|planning it|plan is set)(?= |$)"
)
_WHEN = re.compile(
    r"(?:^| )(?:tonight|tonite|tomorrow|this weekend|this week|at dawn|new years|on my birthday"
    r"|my birthday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|after everyone"
    r"|when everyone|once (?:my|everyone|the kids|he|she)|as soon as|after (?:my|this|the)"
    r"|til everyones|till everyones|until everyones|when my (?:mom|dad|wife|husband|partner)"
    r"|esta noche|manana|el fin de semana|el (?:lunes|martes|miercoles|jueves|viernes|sabado"
    r"|domingo)|cuando (?:se duerma|se vaya|todos)|the day i go|is the day)(?= |$)"
)
_RESOLVE = re.compile(
    r"(?:^| )(?:decided|ive decided|i decided|made up my mind|plan is set|planned out|all planned"
    r"|im sure|i am sure|sure now|calm about it|at peace|no me busquen|dont look for me"
    r"|just so someone knows|so someone knows|just telling someone|not asking for help"
    r"|dont try to stop me|dont call|no turning back|its decided|decidi|ya decidi|esta decidido"
    r"|ya esta decidido|nadie me va a detener|no me detengan|just wanted someone to know"
    r"|wanted someone to know|one more week|last weekend|last night on earth)(?= |$)"
)
# Saying one will not: "im not going to do it tonight, i promise".
_NOT_DOING = re.compile(
    r"(?:^| )(?:not|never|wont|dont|no|nunca) (?:going to |gonna |planning to |plan to |want to )?"
    r"(?:do it|go through with it|lo voy a hacer|lo hago|hacerlo)(?= |$)"
)
# Everyday things one does at a time: the booking, a task, the treatment.
_ERRANDS = re.compile(
    r"(?:^| )(?:book|booking|appointment|payment|pay|form|forms|paperwork|homework|test|laundry"
    r"|shopping|call|reschedule|session|infusion|spray|dose|cita|pago|formulario|tarea|sesion"
    r"|exam|presentation|interview|surgery|move|moving|drive|driving you|pick up|refill|survey"
    r"|have time|i mean|workout|gym|review|quiz|report|recital|party|concert|game|show|wedding"
    r"|dinner|date|event|game night|movie|movies|play|slot|slots|visit)(?= |$)"
)
# At a place of heights or water now, with a cue it is not a visit.
_PLACE_NOW = re.compile(
    r"(?:^| )(?:im|i am|estoy|sitting|standing|parked|here|aqui) (?:[a-z]+ ){0,2}?(?:at|on|in|by"
    r"|en|sobre|junto a) (?:the |a |el |la |my )?(?:top of the (?:parking )?(?:garage|building)"
    r"|bridge|puente|roof|rooftop|azotea|balcony|balcon|cliff|ledge|edge|tracks|train tracks|vias"
    r"|lake|river|ocean|sea|beach|pier|lago|rio|mar|playa|overpass|dam|parking garage|acantilado"
    r"|top floor|parking structure|parking deck|parking ramp)"
    r"(?= |$)"
)
_NOW_CUE = re.compile(
    r"(?:^| )(?:right now|ahorita|ahora mismo|thinking about it|thinking of it|pensando en"
    r" (?:eso|hacerlo|saltar|tirarme)|dont want to (?:go|come) (?:back|down)|not coming back"
    r"|no voy a regresar|jump|jumping|saltar|tirarme|walk in|walking in|swim out|at night"
    r"|alone|sola|solo|one last|last time|goodbye|adios|cant do this|no puedo mas)(?= |$)"
)
_VISIT = re.compile(
    r"(?:^| )(?:vacation|holiday|trip|family|kids|friends|with my|con mi|con mis|picnic|walk"
    r" the dog|fishing|swimming lessons|wedding|party|sunset|photos|view|tour|vacaciones"
    r"|paseo)(?= |$)"
)
# The means brought along: "the shotgun is in the truck and im parked by the river".
_ARMED = re.compile(
    r"(?:^| )(?:gun|shotgun|rifle|pistol|handgun|rope|noose|pills|pastillas|pistola|cuerda"
    r"|razor|blade)(?= |$)"
)
# A passive wish said as a condition: "if i didnt wake up tomorrow it wouldnt be so bad".
_IF_GONE = re.compile(
    r"(?:^| )(?:if|si) (?:[a-z]+ ){0,4}?(?:didnt wake|never woke|dont wake|never wake|did not"
    r" wake|didnt exist|died|die|were gone|was gone|wasnt here|got hit|get hit|gets me|crashed"
    r"|something happened to me|no despierto|no despertara|no amanezco|me muero|muriera|me"
    r" pasara algo|dejara de existir|crashed into me|hit me)(?= |$)"
)
_ACCEPTING = re.compile(
    r"(?:^| )(?:wouldnt be (?:so |that |the )?(?:bad|worst)|would not be (?:so )?bad|wouldnt mind"
    r"|wouldnt care|would not mind|id be (?:ok|okay|fine|relieved|thrilled|happy|glad|grateful)"
    r"|i would be (?:ok|fine|relieved|happy|glad)|be ok with it|be fine with (?:it|that)"
    r"|fine with (?:it|that)|relieved|a relief|wouldnt fight|would not fight|wouldnt be sorry"
    r"|would not be sorry|fine|no seria (?:tan )?malo|lo prefiero|estaria bien|me daria igual"
    r"|no me importaria|seria un alivio|mejor|would be nice|be nice|nice)(?= |$)"
)
_PLAN_SET = re.compile(
    r"(?:^| )(?:(?:my|the) plan is (?:set|ready|in place|final|made|done)|(?:ive|i have) made my"
    r" (?:choice|decision)|(?:mi|el) plan (?:esta|ya esta) (?:listo|hecho))(?= |$)"
)
_SOMEONE_KNOWS = re.compile(
    r"(?:^| )(?:someone to know|someone (?:should|would) know|someone knows|just telling|alguien"
    r" supiera|alguien sepa|dont try|dont call|no me busquen|goodbye|adios|tonight|esta noche"
    r"|dont think ill be around|wont be around)(?= |$)"
)
# "if i dont wake up tomorrow please dont be sad"; "better off with their dad, im going tonight"
_CONSOLE = re.compile(
    r"(?:^| )(?:dont be sad|do not be sad|dont cry|dont be upset|dont blame yourself|dont blame"
    r" yourselves|its not your fault|no esten tristes|no lloren|no es tu culpa|no se culpen)(?= |$)"
)
_BETTER_OFF = re.compile(r"(?:^| )(?:better off|estarian mejor|estaran mejor)(?= |$)")
_GOING_NOW = re.compile(
    r"(?:^| )(?:im going tonight|going tonight|leaving tonight|im leaving|im going now|going now"
    r"|me voy esta noche|me voy hoy|ya me voy)(?= |$)"
)
# "if i was gone she could be happy. i think about making that happen"
_MAKE_HAPPEN = re.compile(
    r"(?:^| )(?:mak(?:e|ing) (?:that|it) happen|make it so|hacer que (?:pase|suceda))(?= |$)"
)
# A decision and a time, said as little else: "ive decided. this weekend".
_DECIDED = re.compile(
    r"(?:^| )(?:decided|ive decided|i decided|all planned|got it all planned|plan is set|im sure"
    r" now|made up my mind|decidi|ya decidi|esta decidido)(?= |$)"
)
# An injury done on purpose, in one clause: "i held my hand on the stove on purpose".
_INJURY = re.compile(
    r"(?:^| )(?:(?:held|hold|holding|put|pressed|pressing|slammed|slam|slamming|smashed|stuck)"
    r" (?:[a-z]+ ){0,3}?(?:my|mi|la|el) (?:[a-z]+ )?(?:hand|hands|arm|arms|fingers|finger|wrist|wrists|head|leg"
    r"|legs|thigh|skin|mano|brazo|dedos|muneca|cabeza|pierna)"
    r"|burned|burnt|burn|burning|hit|hitting|banged|punched|cut|cutting|bit|bite|biting"
    r"|pulled out|ripped out|tore out|scratched|stabbed|scalded|queme|quemo|quemaba|corte|corto"
    r"|pegue|golpee|mordi|arranque)(?= |$)"
)
_PURPOSELY = re.compile(
    r"(?<!not)(?<!wasnt)(?<!didnt)(?<!no) (?:on purpose|deliberately|intentionally"
    r"|purposely|a proposito|adrede)(?= |$)"
)
_MINE = re.compile(r"(?:^| )(?:i|my|myself|me|mi|mis|yo)(?= |$)")


def plan_sign(words: Sequence[str], clause: str) -> tuple[str, str] | None:
    """("strong" or "soft", what was read): doing "it" at a time, with a word of resolve
    (strong) or without (soft); at a bridge, a roof or the water now, with a cue it is no visit
    (strong); a passive wish put as a condition (soft); None if none."""
    text = " ".join(word for word in words if word != clause)
    timed = _DO_IT.search(text) and _WHEN.search(text) and not _NOT_DOING.search(text)
    if timed and not _ERRANDS.search(text):
        if _RESOLVE.search(text):
            return "strong", "doing it at a set time, decided"
        return "soft", "doing it at a set time"
    at_place = _PLACE_NOW.search(text) and not _VISIT.search(text)
    if at_place and (_NOW_CUE.search(text) or _ARMED.search(text)):
        return "strong", "at a high place or the water now"
    if _PLAN_SET.search(text) and _SOMEONE_KNOWS.search(text):
        return "strong", "a plan set, and someone told"
    if _IF_GONE.search(text) and _CONSOLE.search(text):
        return "strong", "being gone, and consoling"
    if _BETTER_OFF.search(text) and _GOING_NOW.search(text):
        return "strong", "better off without one, and going now"
    if _IF_GONE.search(text) and _MAKE_HAPPEN.search(text):
        return "strong", "being gone, and making it happen"
    if _IF_GONE.search(text) and _ACCEPTING.search(text):
        return "soft", "a passive wish to be gone"
    for said in " ".join(words).split(clause):
        said = " " + said.strip()
        if _INJURY.search(said) and _PURPOSELY.search(said) and _MINE.search(said):
            return "strong", "an injury done on purpose"
    decided = _DECIDED.search(text) and _WHEN.search(text) and len(text.split()) <= 12
    if decided and not _ERRANDS.search(text):
        return "soft", "decided, and a time"
    return None
