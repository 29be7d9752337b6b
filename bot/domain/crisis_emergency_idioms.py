"""Emergency phrase families, the everyday idioms that keep crisis words quiet, and spellings.

The second half of the crisis matcher's families (the first, with the shared word classes and the
self-harm families, is bot/domain/crisis_words.py): emergencies said another way (blood in vomit,
a nosebleed that will not stop, a chest sat on, a face blowing up, a child who drank a cleaner);
the everyday talk that must stay quiet (treatment questions about suicidal thoughts, what-ifs
about someone else, overdose prevention, a slot no longer needed, a sore chest from a cough,
hyperbole such as "the death of me"); and text-speak and misspellings read as the key words.
"""

from __future__ import annotations

from bot.domain.crisis_words import END, FAMILY

FAMILY_EMERGENCY: tuple[str, ...] = (
    "blood in|on ... vomit|puke|sick|throw_up|spit",
    "vomit|puke|sick ... full_of|has|with|is ... blood",
    "coffee grounds",
    "bleed*|nosebleed|nose_bleed ... many|hour|hours|minutes ... wont|not|cant|doesnt|isnt"
    "|hasnt ... stop*",
    "bleed*|nosebleed|nose_bleed ... and|but ... wont|isnt|doesnt|hasnt|cant|wouldnt ... stop*",
    "nosebleed|nose_bleed ... wont_stop|not_stopping|cant_stop|that_wont|for_an_hour|for_hours",
    "sitting|standing|sat|stood|pressing|pushing|crushing|weight|brick|ton|tons ... on|down_on"
    " .. my|his|her chest",
    "going_to|about_to|gonna|feel_like_im .. collapse|black_out|pass_out",
    "breathing|breath|breathe ... feels|is|getting|so|really|very ... hard|difficult|impossible"
    "|a_struggle|tough|like_a_struggle",
    f"{FAMILY}|toddler|kids|grandson|granddaughter ... drank|drunk|drink|swallowed|ate|got_into"
    "|licked|chewed|sprayed ... cleaning|cleaner|bleach|detergent|chemical*|antifreeze|poison"
    "|lighter_fluid|lye|drain_cleaner|nicotine|vape_juice|my_spray|nasal_spray|gasoline",
    "face|lips|lip|tongue|throat|eyes|eye|mouth ... blowing_up|ballooning|blown_up|balloon*"
    "|puffing_up|swelling_up|swelled_up",
    "blood ... coming|pouring|running|gushing out .. of .. my|his|her|the .. mouth|nose|ears|ear",
    "so_much|too_much|lots_of|a_lot_of blood ... cant|wont|everywhere|stop|help|wont_stop",
    "pain|ache|aching|hurt*|pressure|tight*|tightness ... jaw ... arm|arms|shoulder|chest|back",
    "jaw ... and .. left .. arm|shoulder",
    "one|left|right eye ... cant_see|went_blind|lost_vision|gone_dark|went_dark|went_black"
    "|gone_black|cant_see_anything",
    "suddenly|sudden|all_of_a_sudden ... cant see",
    "lips|lip|face|skin|fingers|fingertips|nails ... dusky|ashen|bluish|blueish|pale_blue",
    "hes|shes|he_is|she_is|started|keeps|kept|been|baby_is|son_is|daughter_is fitting|fitted",
    "went|gone|going|is|was stiff ... jerk*|shak*|twitch*|convuls*|seiz*",
    "body|he|she|hes|shes|baby|son|daughter|husband|wife ... started|starts|keeps|is|went_into"
    " jerking|convulsing|twitching_all_over|shaking_all_over|seizing",
    "black|tarry|bloody stool|stools|poop|poo ... faint|dizzy|passing_out|pale|lightheaded",
    "feel|feeling|felt dizzy|sick|weak|sweaty|hot|cold and faint",
    "cough*|coughed|vomit*|spit*|spitting|throwing_up|puking|threw_up ... blood|bloody",
    "heart ... racing|pounding|hammering ... headache|head_pounding",
    "headache ... heart ... racing|pounding|hammering",
    "side ... face|mouth ... flat|flattened|slack|sunken|lopsided|crooked|drooped",
    "airway|airways ... closing|closed|swelling|swollen|blocked|tight|tightening",
    "whistling|wheezing|rattling|gurgling|crackling|squeaky|high_pitched sound|sounds|noise"
    "|noises ... breath*|breathes|breathing",
    "eyes ... rolling|rolled ... twitch*|shak*|jerk*|seiz*|stiff|fitting",
    "dose|twice|double|took|after|since|now ... cant|barely|can_barely|cannot|hardly"
    "|struggling_to keep .. my|his|her|their .. eyes open",
    "having|have|getting|got .. a .. severe|bad|serious|major|strong|terrible .. reaction $",
    "having|have|getting|got .. a .. severe|bad|serious|major|strong|terrible .. reaction to"
    " .. the|my|this|her|his .. infusion|spray|ketamine|meds|medication|dose|shot|injection"
    "|treatment|pills|sting",
    "vomit*|throwing_up|drowsy|confused|sleepy ... after|since ... hit|hitting|bump*|bang*|fall"
    "|fell|falling ... head",
    "stiff neck ... fever|confused|confusion|rash|vomit*",
    "fever|confused|rash ... stiff neck",
    "and|he|she|hes|shes|baby|body ... isnt|not|wont|stopped|hasnt .. moving|move|moved $",
    # Spanish
    "hinch*|inflama|inflamando|inflamaron ... lengua|labios|garganta|cara|boca",
    "presion|opresion|peso|apreton|ardor|aplastando ... pecho",
    "vomit*|devolviendo|devolvi ... sangre",
    "sangre ... vomito|vomitos",
    "cierra|cerrando|cerro|cerrado ... garganta",
    "garganta ... cierra|cerrando|cerrada|cerro",
)

FAMILY_SOFT_EMERGENCY: tuple[str, ...] = (
    "crushing|blinding|explosive|exploding|excruciating headache",
    "hit|banged|bumped|smacked|whacked|cracked my|his|her head hard|really_hard|badly|so_hard"
    "|pretty_hard",
    "heart ... pounding|racing|beating ... hurts|seeing_spots|spots|dizzy|faint|chest",
    "breathing|breath ... fast|rapid|quickly|quick ... cant|cannot|wont .. slow|stop|calm",
    "keep|keeps|been|started dropping|drop things|stuff|everything",
    "black|tarry|bloody stool|stools|poop|poo",
    "vision|seeing|see|eyes ... double|went_double|blurry_and_double",
    "double vision",
    "heart|pulse|heart_rate ... wont|isnt|doesnt|not .. slow|slowing|calm|calming|settle"
    "|settling ... down",
)

FAMILY_IDIOMS: tuple[str, ...] = (
    # a question about what a treatment does, not a report
    "does|can|will|could|do|is|would|how ketamine|it|this|treatment|infusions|infusion|spray"
    "|esketamine|spravato|therapy|medication ... help|helps|treat|work|reduce|good|approved"
    "|used ... suicid*|self_harm*",
    # someone, anyone: a what-if about safety, not a report
    "if ... someone|somebody|anyone|a_person|people|patients|a_patient|you .. overdose*|od"
    "|overdosing|takes_too_much|took_too_much|has_an_overdose",
    "overdose|overdoses|overdosing|od prevention|awareness|kit|kits|reversal|leaflet|pamphlet"
    "|training|antidote|safety|risk|risks|education|information|info|response",
    "risk|chance|danger|possibility|prevent|preventing|avoid|avoiding of .. an .. overdose"
    "|overdosing",
    "naloxone|narcan",
    # hyperbole and other people's deaths around the bare death words of the soft net
    "the death of me|us|him|her",
    "bored|sick|scared|worried|tired|freezing|frozen|starving|starved to death",
    "dying|dead|died of|from thirst|hunger|boredom|laughter|cuteness|curiosity|heat|embarrassment",
    "dying|dead here",
    "dead to the world",
    "muerto|muerta|muertos|muertas|morir|morirme|muero de cansancio|sueno|hambre|risa|frio|calor"
    "|ganas|aburrimiento|miedo|verguenza|sed",
    "muerte|sobredosis|suicidio de|del .. mi|su|un|una .. padre|madre|papa|mama|hermano|hermana"
    "|abuelo|abuela|amigo|amiga|tio|tia|primo|prima|esposo|esposa|hijo|hija|perro|gato",
    "plant|plants|flowers|cactus|fish|goldfish|succulent ... gave|bought|got|sent ... is|was|are|were|went dead|dying|died",
    "im|i_am|were|hes|shes|dead dead lol|lmao|haha|rofl|lolol|crying|bruh",
    "dead on .. my|your|his|her|time|arrival",
    "death warmed over|up",
    "death wish",
    "literally dead|dying",
    "symptoms|signs|risk|risks|rate|rates|deaths|statistics|epidemic of .. an .. overdose|overdoses",
    "overdoses|overdose ... rising|epidemic|crisis|deaths|statistics|news|novel|book|movie|show"
    "|article|character",
    "character|novel|book|movie|show|article|series|documentary ... overdose*|dies|died|death"
    "|suicide|dying",
    f"{FAMILY}|grandmothers|grandfathers|moms|mums|dads|mothers|fathers|husbands|wifes|sons"
    "|daughters|brothers|sisters|friends|cousins|uncles|aunts|their|dogs|cats death|passing",
    "battery|phone|plant|plants|car|laptop|flowers|tree|lawn|grass|charger|remote ... dying|dead"
    "|died",
    "one more .. form|question|call|minute|email|meeting|thing ... die|dead",
    "breathing|breath|breaths ... stops|stop|stopped|pauses|pausing ... when|while|in .. he|she|i"
    "|his|her|my .. sleeps|sleep|sleeping|asleep",
    "what i .. might|will|would|have_to|need_to|should .. owe|pay|cost|find|hear|say|wear|bring"
    "|expect|eat|need|get",
    "knife|knives ... set|cooking|chef|sharpen*|block|cutting_board",
    f"{END} it|things ... with|between .. my|the|an .. ex|boyfriend|girlfriend|fiance|relationship",
    "razor|razors ... shaving|shave|shaver|beard|legs_smooth",
    "dangerous|safe|possible|risky|likely|easy|hard|common|rare to .. overdose|od",
    "goodbye|bye ... before|moving|move|moved|leaving_for|trip|vacation|holiday|deployment",
    "giving|gave|give|given ... away ... since|because|as|when|now ... retired|retiring|moved"
    "|moving|downsizing|declutter*|decluttering|spring_cleaning|garage_sale|yard_sale",
    "like this with .. the|my|this|these .. insurance|billing|parking|schedule|scheduling|app"
    "|pharmacy|traffic|commute|job|boss|work|bills|forms",
    "everything being|costing|so .. expensive|late|slow|complicated|difficult|delayed",
    "be|being here early|on_time|so_early|that_early",
    "be|being here at|by|before 7am|8am|9am|10am|11am|12pm|1pm|2pm|3pm|4pm|5pm|6pm|noon|lunch"
    "|monday|tuesday|wednesday|thursday|friday|saturday|sunday",
    "black|tarry|dark stool|stools|poop|poo ... iron|pepto|bismuth|blueberries|licorice|supplement"
    "|supplements|charcoal",
    "eye|eyes|vision ... blurry|blurred|blur|dark ... from|after ... drops|eye_drops|dilation|dilated"
    "|dilating|optometrist|eye_exam|ophthalmologist|glasses|contacts|reading|screen",
    "goodbye|bye to .. my|the|those .. old|bad|unhealthy .. habits|habit|ways|pain|meds|crutches"
    "|cane|wheelchair|self",
    "face|smile|mouth|eye ... droop*|crooked|lopsided|swollen|puffy ... in|on .. the|that|this|a"
    "|my .. photo|photos|picture|pictures|pic|pics|selfie|video",
    "could|would|id die for",
    "rather die than .. do|doing|sit|sitting|wait|waiting|miss|pay|paying|eat|eating|drive"
    "|driving|call|calling|fill|go_back_to|go_to_the|work|cook|clean|deal_with_insurance|watch",
    "choking|choke|choked the life out",
    # coming to a place, not coming round ("he isnt coming to the appointment")
    "coming|come to the|my|his|her|our|your|this|next|an|a|tomorrows|todays|any|another|more"
    "|future|these|those|all .. appointment|appt"
    "|appointments|session|sessions|infusion|infusions|clinic|visit|dinner|class|office|meeting"
    "|party|house|place|consult|consultation|checkup|check_up|group|therapy",
    "coming|come to work|school|town|see|pick|get|visit|me|us|dinner|class|clinic|therapy|group",
    "permanent solution|fix|relief|cure for .. my|the|this|his|her ... back|pain|knee|neck|hip"
    "|migraine|migraines|problem|headaches|shoulder|joints|nerve",
    "cant|cannot|dont see anything ahead|forward|good|positive|else|but|in_my_future",
    "can|could|will|do|does|would you|people|patients|someone|it|ketamine|the_infusion .."
    " pass_out|faint|have_a_seizure|stop_breathing ... from|after|during|with|on",
    "hit|hitting|bumped|banged|bang|knocked|smacked my|his|her head|knee|elbow|arm|shin|toe|hand"
    " on|against .. the|a|my .. cabinet|door|shelf|table|car|desk|counter|corner|cupboard"
    "|ceiling|bed|frame|chair|doorframe|fridge",
    "goodbye|bye ... at .. the .. airport|station|door|school|gate|bus_stop|party|hospital"
    "|funeral|train",
    "could|couldve|can sleep .. forever|for_days|for_a_week|for_a_year",
    "jumped|jump|jumping|jumps ... high_dive|diving_board|trampoline|dock|boat|parachute"
    "|bungee|pool|plane|puddle|puddles|waves",
    "die|dying|died of|from embarrassment|shame|laughter|laughing|boredom|cringe|cuteness|heat",
    "goodbye|bye to .. his|her|my|the|our|their .. coworkers|colleagues|team|class|students"
    "|guests|house|old_house|job|office|boss|patients|neighbors|neighbours",
    "note|notes .. saying|says|that .. he|she|they|i ... went|gone|going|be_back|back|out|home"
    "|late|store|shop|work",
    "jump|skipping|skip|tow|climbing|climb rope|ropes",
    "rope swing|ladder|bridge|course|light|lights|toy",
    "moving|move to|into|out|house|home|apartment|flat|away|back|in|forward|ahead|states|city",
    "on|every mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays|weekends|weekdays",
    "is|are|can|could|does|do suicid*|self_harm* ... a|an|possible|common|known .. side_effect"
    "|side_effects|risk",
    "breath* through .. a|the|my|his|her .. nose|nostril|nostrils|cpap|mask|mouth",
    "blacked|blacking|black out .. the|those|some|my|a|all .. dates|days|names|lines|parts|text"
    "|windows|calendar|times",
    # a slot, a ride, a form no longer needed
    "wont|not|dont need .. the|my|a|that|this|any .. slot|time|times|ride|lift|reminder"
    "|reminders|parking|booking|form|forms|receipt|letter|interpreter|wheelchair|taxi|uber",
    # a sore chest or ribs explained by a cough or a workout
    "chest|ribs ... sore|hurts|aches|ache|pain|tight ... from|after ... coughing|cough|a_cold"
    "|the_flu|working_out|workout|the_gym|lifting|exercise|pushups|sneezing|running",
)

FAMILY_SPELLINGS: dict[str, str] = {
    "idw": "dont want",
    "idwt": "dont want to",
    "idwtl": "dont want to live",
    "wnna": "want to",
    "wanaa": "want to",
    "diee": "die",
    "b": "be",
    "no1": "nobody",
    "every1": "everyone",
    "evry1": "everyone",
    "any1": "anyone",
    "some1": "someone",
    "goodby": "goodbye",
    "gudbye": "goodbye",
    "gbye": "goodbye",
    "sh": "self harm",
    "overdoes": "overdose",
    "overdoze": "overdose",
    "ovrdose": "overdose",
    "nosebleeds": "nosebleed",
    "hav": "have",
    "dun": "done",
    "evrything": "everything",
    "everythin": "everything",
    "kiero": "quiero",
    "kiere": "quiere",
    "kieres": "quieres",
    "xq": "porque",
    "pq": "porque",
    # text-speak and short key words a typo away (too short for the one-typo matching)
    "wnat": "want",
    "wamt": "want",
    "whant": "want",
    "wanan": "want to",
    "dei": "die",
    "dy": "die",
    "ddie": "die",
    "hrt": "hurt",
    "hurtt": "hurt",
    "pils": "pills",
    "pillz": "pills",
    "pilss": "pills",
    "dissapear": "disappear",
    "disapear": "disappear",
    "dissappear": "disappear",
    "w": "with",
    "ppl": "people",
    "idc": "dont care",
    "idgaf": "dont care",
    "tn": "tonight",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "bro": "brother",
    "sis": "sister",
    "hubby": "husband",
    "jus": "just",
    "af": "very",
    "livin": "living",
    "sleepin": "sleeping",
}

FAMILY_PAIRS: dict[tuple[str, str], str] = {
    ("no", "longer"): "not",
    ("over", "dose"): "overdose",
    ("over", "dosed"): "overdosed",
    ("over", "dosing"): "overdosing",
    ("nose", "bleed"): "nosebleed",
    ("w", "o"): "without",
}
