"""The default self-harm phrases of the strong tier, part two: plans and intent said outright,
means (guns, heights, trains, cars, pills), Spanish, euphemisms. Read through
bot/domain/crisis_phrases_self_harm.py, which appends them in this order."""

from __future__ import annotations

from bot.domain.crisis_words import END, PILLS, SELF

SELF_HARM_MEANS: tuple[str, ...] = (
    # plans and intent said outright (issue 10, outside probe round 5 categories)
    f"plan*|planning|planned|decided|going_to|gonna|about_to|ready_to .. to .. {END} it",
    f"{END} it myself|for_good|permanently",
    "this time ... do_it|get_it|make_it|go_through right|properly|for_real|for_good",
    "tried ... before|once|already ... this time ... do_it|get_it|succeed|work|for_real|right",
    "decided ... im|i_am finished|done|ready|going",
    "tap|tapping|tapped out for_good|forever|permanently|of_life",
    "no more pain|fighting|suffering|hurting after|by|past tonight|today|tomorrow|this_weekend",
    "wont|not|never be .. a|an .. problem|burden|bother|nuisance ... much_longer|for_long|anymore"
    "|any_longer|soon",
    "how high|tall ... building|bridge|roof|floor|fall|drop|jump",
    f"every .. {PILLS} ... cabinet|house|drawer|bottle|i_have|i_own|i_could_find|at_once",
    "punch*|hit*|bang*|slam* ... until|till|til ... break|breaks|broke|broken|bleed|bleeds|bled",
    # guns, heights, trains, cars
    "buy|bought|buying|got|have|has|had|get|getting|found|loaded|load|loading|holding|hold|own"
    "|borrowed"
    " ... gun|pistol|rifle|shotgun|firearm|handgun",
    f"gun|pistol|rifle|shotgun|firearm|handgun ... {SELF}|head|mouth|temple",
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
    f"took|take|taking|taken|swallow*|extra|too_many|too_much|double|more|all ... {PILLS}|dose"
    "|doses|it|them ... on_purpose|deliberately|intentionally",
    f"took|taken|swallow* all ... {PILLS}",
    f"take|taking|swallow* all .. {PILLS} .. at_once|together|tonight|now",
    f"going_to|gonna|want*|plan*|ready|about_to|could ... take|swallow*|down|eat ... all ..."
    f" {PILLS}|of_them|of_it|at_once|together",
    "take|taking|took|swallow*|down|downing them|it|em|those|these|everything all",
    "take|taking|took|swallow*|down|downing all of_them|of_it|at_once $",
    f"whole|entire|full bottle|bottles|box|pack|packet|supply|prescription|strip|blister|jar"
    f"|container .. of .. {PILLS}",
    "take|taking|took|taken|swallow*|down|downed|downing|chug*|empty|gulp* ... whole|entire|full"
    " .. bottle|pack|packet|supply|prescription|strip|blister|container|jar|box",
    f"handful|handfuls|fistful|bunch|pile of .. {PILLS}",
    f"stockpil*|hoard*|stash*|sav*|squirrel* ... {PILLS}",
    f"{PILLS} ... lined_up|counted_out|in_one_place|piled_up",
    f"all ... {PILLS} ... one_place|lined_up|in_a_pile",
    "lethal|fatal|deadly|killing|toxic|overdose dose|doses|amount|amounts|quantity|level",
    f"how many|much ... {PILLS}|it|would|does|to ... die|kill|fatal|lethal|overdose|od|deadly",
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
