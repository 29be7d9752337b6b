"""Word classes and phrase families for the crisis matcher (bot/domain/crisis.py).

The word classes (ways of saying "end", oneself, pills, a family member) are shared by every
phrase list. The families below were written from the kinds of language a keyword list tends to
miss, not from particular sentences: each stands for one way people say it, with its synonyms,
misspellings, other persons and word orders, so that phrasings nobody has written yet are caught.

- Safety said outright: "I'm not safe", "I can't promise I'll be safe tonight", "I don't trust
  myself alone".
- A future without the patient: "I don't think I'll be alive by then", "I won't be here", "when
  I'm gone", "by the time you read this", "gone by then on purpose".
- A wish to live that is gone: "I no longer wish to live", "no will to keep living", "I want out
  of this life".
- Means at hand and their research: pills held, lined up, swallowed "way more than prescribed on
  purpose", "too much to survive", a bottle in the hand, a rope someone has.
- Self-injury said with its object or its urge: "burning my arms with cigarettes", "I need to cut
  so bad", "slice my arms".
- Family members reporting: "he keeps saying we'd be better off without him", "she said goodbye
  and won't answer".
- A soft net: a bare death word (die, dying, death, suicide, overdose; morir, la muerte) that no
  idiom, negation, past or question explains asks "are you safe right now?".

Emergencies said another way, the everyday talk that must stay quiet (idioms) and the spellings
are in bot/domain/crisis_emergency_idioms.py.
"""

from __future__ import annotations

END = "end|ending|ended|ends|endin|finish|finishing|finished"
SELF = "myself|himself|herself|themself|themselves"
SUBJECT = "i|im|ive|id|ill|he|hes|she|shes|they|theyre"
DRUGS = (
    "oxy|oxys|oxycodone|oxycontin|percocet|percs|vicodin|norco|hydrocodone|morphine|fentanyl|"
    "tramadol|gabapentin|gabapentine|pregabalin|lyrica|amitriptyline|nortriptyline|xanax|"
    "valium|klonopin|ativan|benzos|ambien|zolpidem|trazodone|seroquel|quetiapine|lithium|"
    "methadone|suboxone|opioids|opiates|painkillers|tylenol|acetaminophen|paracetamol|"
    "ibuprofen|advil|aspirin|insulin|ketamine|baclofen|cyclobenzaprine|flexeril|duloxetine|"
    "cymbalta|sleeping_pills|sleeping_tablets|pastillas"
)
PILLS = f"pills|pill|meds|medication|medications|medicine|medicines|tablets|capsules|{DRUGS}"
FAMILY = (
    "he|she|they|him|her|them|hes|shes|husband|wife|partner|son|daughter|mom|mum|dad|mother|"
    "father|friend|boyfriend|girlfriend|baby|child|kid|brother|sister|grandma|grandpa|"
    "grandmother|grandfather|roommate|fiance|fiancee|uncle|aunt|esposo|esposa|hijo|hija|mama|papa"
)
# Ways of taking pills, and of taking them on purpose.
_SWALLOW = "took|taken|take|taking|swallow*|downed|down|downing|popped|pop|popping|ate|chugged"
_PURPOSE = "on_purpose|deliberately|intentionally|purposely|purposefully"
_BODY = "arm|arms|leg|legs|wrist|wrists|thigh|thighs|skin|stomach|belly|hip|hips|body|chest|face"

FAMILY_SELF_HARM: tuple[str, ...] = (
    # safety said outright
    "im|i|feel|feeling ... not|dont_feel|never_feel|no_longer_feel|unsafe safe $",
    "not|dont_feel|doesnt_feel|never_feel|unsafe safe right_now|tonight|today|at_the_moment"
    "|anymore|with_myself|around_myself|alone|by_myself|being_alone|from_myself|with_me"
    "|with_my_thoughts|with_my_pills|to_be_alone|at_all",
    "cant|wont|couldnt promise|guarantee|swear ... ill|i_will|id|to|im|i_can|that_ill|i_would ..."
    " safe|alive",
    "cant|wont|couldnt promise|guarantee|swear ... ill|i_will|id|to|that_ill ... here|around"
    " ... tomorrow|tonight|much_longer|by_morning|by_then|next_week|anymore",
    "cant|couldnt|dont_think_i_can keep|stay|be|keeping|staying .. myself|me .. safe",
    "dont|cant|couldnt|no_longer|not trust myself ... alone|tonight|anymore|right_now|not_to"
    "|to_not|to_stay_safe|to_be_safe|around_my_pills|with_my_pills|with_pills|with_the_pills"
    "|with_a_knife|with_the_knife|with_my_meds|with_the_gun|with_razors|near",
    "unsafe with|around .. myself",
    "feel* unsafe $",
    "protect|keep|save|saving|protecting me from myself",
    # a future without the patient
    "dont_think|doubt|not_sure|dont_expect|dont_know_if ... be|stay|still_be|still .. alive",
    "dont_think|doubt|not_sure|dont_expect ... ill|i_will|id|to .. be|still_be here|around ..."
    " much_longer|by_then|for_long|tomorrow|next_week|by_morning|anymore|to_see",
    "wont|not|never be here $",
    "by_the_time|when|once ... you|u|they|someone|anyone .. read|see|get|find|open ... gone|dead"
    "|too_late",
    "take_care|look_after|feed|walk|love ... when|once|after im|i_am gone $",
    "gone|dead|not_here|not_around|not_alive ... on_purpose",
    "this|it will_be|is|ll_be my last|final message|text|msg|goodbye|words|note $",
    "my final|last goodbye|words",
    "my final message|text|msg $",
    "thank*|thanks ... for everything ... before i .. go|leave|die|am_gone|do_it $",
    "sorry for everything ... goodbye|bye|love_you|i_love|forgive|take_care",
    "wont|not|never be .. your|a|an|anyones|their|everyones|his|her|the .. problem|problems"
    "|burden|bother|worry ... much_longer|for_long|anymore|any_longer|soon|after_tonight",
    # a wish to live that is gone
    "dont|doesnt|didnt|not|no|never|wont|cant|lost|losing|zero|without|lack wish|desire|will"
    "|motivation|reason|urge .. to .. live|be_alive|exist|keep_living|go_on|keep_going|stay_alive"
    "|carry_on|wake_up|survive|be_here",
    "want*|need|wish out of .. this|my .. life|existence|world",
    "want*|need|wish ... my|this .. life .. to .. end|be_over|stop|be_done|be_finished",
    f"{END} .. my|his|her|own .. live|lives|lif",
    "think*|thought|thoughts ... about|of .. being_gone|being_dead|not_existing|not_waking"
    "|not_being_alive|never_waking",
    "think*|thought|thoughts ... about|of .. not_being_around|not_being_here $",
    "think*|thought|thoughts ... about|of .. not_being_around|not_being_here forever"
    "|much_longer|for_good",
    "want*|wish|ready|need ... to .. dye|dy $",
    "want*|going_to|wish|hope|about_to|ready|need .. to .. dye|dy now|tonight|today|already"
    "|so_bad|so_badly|fr",
    f"{END} me with|too|as_well|along",
    # means at hand
    f"{_SWALLOW} ... more|extra|double|triple|everything|all|lots ... {_PURPOSE}",
    f"{_SWALLOW}|overdos* ... {_PURPOSE}",
    f"downed|popped|chugged ... all|every|whole|entire|rest|bunch|handful|lot|lots ... {PILLS}"
    "|bottle|them|it",
    f"holding|hold|staring_at|looking_at|counting|counted|lined_up|laid_out|poured_out|poured"
    f" ... all .. my|the|his|her .. {PILLS}|bottle|pills",
    "bottle|bottles|pills|gun|knife|rope|razor ... in_my_hand|in_my_hands|in_front_of_me"
    "|next_to_me|in_his_hand|in_her_hand",
    "too much|many .. to .. survive",
    "enough ... to .. not .. wake|survive|come_back",
    "enough ... to .. die|kill_me|end_it|never_wake|sleep_forever",
    "if i .. take|took|swallow*|down ... all|everything|them_all|whole|entire|lot|lots ... wont"
    "|not|never|dont .. wake|survive|die|come_back|make_it",
    f"how many|much .. {PILLS}|of_my|of_them|of_these ... it|would|does|to .. take|takes $",
    f"{_SWALLOW}|swallowing|taking ... everything|all|whatever ... cabinet|drawer|i_had|i_have"
    "|i_could_find|in_the_house",
    "has|had|holding|with|hid|hiding|bought|buys .. a|the|his|her|some .. rope|noose",
    "how much|many ... would|will|to|does|it .. take|takes ... die|kill|not_wake|never_wake"
    "|survive|be_fatal|od|overdose|end_it",
    # self-injury with its object or its urge
    "want*|need|urge*|crav*|itch*|tempted .. to .. cut|burn|self_harm|slice|slash $",
    "want*|need|urge*|crav*|itch*|tempted .. to .. cut|burn|self_harm|slice|slash so_bad"
    "|so_badly|badly|bad|again|tonight|right_now",
    "urge|urges|urging|craving|cravings .. to .. cut|burn|self_harm|harm_myself|hurt_myself|bleed",
    f"slice|slicing|sliced|slash*|carve*|carving|gash* ... my|his|her|their ... {_BODY}",
    f"burn*|cut*|scratch*|carv*|slash*|slice* ... my|his|her|their ... {_BODY} ... with ..."
    " cigarette*|lighter|razor*|blade*|knife|knives|glass|scissors|match|matches|lighters",
    f"burn*|cut*|hurt*|hit|hitting|scratch*|punch*|bang*|slam*|stab*|bit|bite|biting ... my|his"
    f"|her ... {_BODY}|hand|hands|head|fingers|finger|foot|feet ... {_PURPOSE}",
    "do|doing|did|done something|anything|stuff ... to " + SELF,
    "something|anything|things ... cant|cannot|couldnt|wont_be_able_to ... take_back|undo"
    "|reverse|come_back_from",
    "having|had|have|getting|with|more si .. again|bad|badly|lately|today|tonight|thoughts"
    "|ideation|urges",
    "want*|wish|going_to|trying_to .. to .. starve|waste_away|wither_away|rot_away|rot",
    "ctb",
    "catch|catching the bus ... tonight|today|for_good|ctb",
    "want*|going_to|ready|about_to|trying_to|threaten* .. to .. jump $",
    # "me" as what is to die, be killed or hit
    "let|make|help me .. die|go|be_dead",
    "want*|wish|hope|pray*|need ... someone|somebody|something|a_car|a_truck|a_bus|god|it|this"
    " .. would|to|will|could .. kill|hit|run_over|take|end|finish me",
    "pain|this|it ... gone|over|to_end|to_stop .. and|with .. me .. with|too|along",
    "pray*|hope|wish ... i|ill .. wont|not|never|dont .. wake|waking|make_it",
    "be|go_be|join|see ... with .. my|him|her ... in heaven",
    "want*|wish|going_to|could ... fade|slip|drift away|out",
    "want*|wish|need .. to .. bleed $",
    "want*|wish|need .. to .. bleed out",
    "stockpil*|hoard*|stash*|collect*|collecting|gather*|squirrel*|putting_aside|set_aside"
    f" ... {PILLS}",
    "driv*|crash*|steer*|swerv* ... off|into|onto ... road|highway|embankment|guardrail|overpass"
    "|ravine|canyon|quarry",
    "theyll|theyd|everyone_will|everyone_would|they_will|they_would|kids_will|family_will ..."
    " better off $",
    "hope|wish|pray* ... i|ill|id .. overdose|od|stop_breathing|stop_waking|never_wake_up"
    "|dont_wake_up|wont_wake_up|dont_survive|dont_make_it",
    "hope|wish|pray* ... heart ... stops|stop|gives_out|give_out|gave_out|quits",
    f"hurt|harm|kill|hurting|harming|killing someone|somebody|people|others|him|her|them|everyone"
    f" or|and {SELF}",
    "nobody|no_one|noone|never ... will|would|going_to .. find me",
    "bathroom|bedroom|garage|closet|basement ... with .. a|the|his|her|my .. knife|gun|rope"
    "|razor|blade|noose",
    f"locked ... in ... with .. a|the|his|her|my|all .. {PILLS}|knife|gun|rope|razor|blade",
    "too late ... already .. did|took|done|swallowed|taken",
    "act|acting on .. my|the|these|those|them|suicidal .. thoughts|urges|impulses|plan",
    "not long for this world",
    "looked_up|look_up|looking_up|googl*|search*|found ... tallest|highest ... building|bridge"
    "|cliff|roof|parking_garage|tower .. near|nearby|around|close_to|to_jump|in_my_area",
    "looked_up|look_up|looking_up|googl*|search*|found ... tallest|highest ... building|bridge"
    "|cliff|roof|parking_garage|tower $",
    "stop|stopped|stopping taking ... so|until|till|and_let ... stops|stop|die|dead|gone|over",
    "so|until|till i .. can|could|will|just ... fade|die|disappear|waste_away|be_gone|not_wake"
    "|never_wake|stop_existing",
    "see you on the other side $",
    "going|go|went home to god|jesus|the_lord|heaven",
    "favor|favour|favours|favors ... by .. dying|die|dead|being_gone|disappearing|killing"
    "|ending_it",
    "want*|wish|need|ready ... rest|peace|sleep ... forever|for_good|permanently|eternally",
    "permanent|eternal|endless|final peace|rest|sleep|silence",
    "only thing|reason|one|person|things|reasons ... stopping|stops|stopped|keeping|keeps|holding"
    "|held me ... is|are|was .. my|the .. dog|cat|kids|kid|son|daughter|wife|husband|mom|mum|dad"
    "|family|pets|faith|god|children",
    "keeping|keeps|kept|keep me alive|from_doing_it|from_ending_it|from_killing_myself",
    "if it wasnt|werent|wasnt_for|werent_for ... id|i_would|i_wouldve ... be .. gone|dead|done",
    "if it wasnt|werent|wasnt_for|werent_for ... id|i_would|i_wouldve ... done_it|ended_it"
    "|killed_myself|ended_things",
    "cant|cannot be here|alive|around anymore|any_longer|much_longer",
    "at_peace with ... dying|death|leaving_this|ending_it|going|dying_now",
    "not|wont|never .. going_to .. keep|continue|go_on .. living|existing|going_on",
    "want*|need|wish ... it_all|everything|all_of_this|all_of_it ... over|end|stop $",
    "never|not .. get_up|wake_up|come_back|get_out_of_bed again|ever_again",
    f"found|caught|saw me with .. the|my|a|all .. {PILLS}|rope|gun|knife|razor|blade|noose",
    "scared|afraid|terrified|frightened|worried of|about what im|i_might|i_could|i_will|ill"
    "|i_may .. do|capable|be_capable|end_up_doing",
    "brain|head|mind|voice|voices|thoughts ... telling|tells|told|saying|says|keep_telling"
    "|keeps_telling me to .. die|kill|end|hurt|jump|overdose|cut",
    "let it_all|everything|myself end|die|slip_away|go_for_good",
    "no|any|the|whats_the|what_is_the|dont_see_the|cant_see_the point in|of .. me .. being|staying"
    " here|alive|around",
    f"{END} this|it|things|everything|it_all .. for_good|forever|permanently|once_and_for_all",
    "car|engine|truck ... closed|shut .. garage|garage_door",
    "last time ... hear|hearing .. from .. me|her|him|them",
    "lost|losing|no|zero|without|dont_have .. all|the|my|any .. desire|will|wish|motivation"
    "|reason ... live|living|alive|exist|existing|go_on|going_on|continue|continuing",
    "made|making|make other|final|the_final arrangements $",
    "final arrangements",
    "not|dont|cant|no see .. any|a|the|no .. reason|point ... live|living|being_alive|stay_alive",
    "god|lord|jesus ... let|lets|would_let|will_let .. me .. die|go|sleep_forever",
    f"{PILLS} ... saved|stashed|stockpiled|hoarded|collected|put_aside .. up|away",
    "sat|sitting|sit|in .. my|the .. car|garage ... hose|tubing",
    "tied|tightened|wrapped|put something|a_belt|a_cord|a_rope|a_cable|a_ligature|a_wire|a_noose"
    " ... around|round .. my|his|her .. neck",
    f"took|taken|swallowed|downed ... whole|entire|full .. month|months|week|weeks|supply"
    f"|prescription|refill .. of .. {PILLS}",
    "overdid|overdo|overdoing|overdone it ... on_purpose|deliberately|intentionally|purposely",
    "not|stop|stopped|stopping|skip*|quit taking|using ... so|until|till|and_let|and_just ..."
    " just_go|die|dead|be_gone|not_wake|never_wake|be_done|stops|it_stops",
    "make|making it .. look|seem like .. an .. accident",
    "would|will ... improve|be_better|be_easier|be_happier|be_fine|be_okay ... if|when|once i|im"
    " .. was_gone|were_gone|gone|dead|died|wasnt_here|werent_here|wasnt_around $",
    "saving|saved|stashing|keeping|hoarding them|these|those|my_pills|my_meds ... for .. one"
    "|the_right|that .. night|day|moment",
    "so|then|and i cut|burn|self_harm $",
    "want*|need .. to .. feel .. pain|something ... cut|cutting|burn|burning|hurt|hurting",
    f"burn*|cut*|hurt*|hit|scratch*|punch*|bang* ... my|his|her ... {_BODY}|hand|hands|head ..."
    f" with|on|against|using ... {_PURPOSE}",
    "took|grabbed|taking|grabbing|got_out|took_out|pulled_out|has|with .. his|her|a|the|my .."
    " pistol|gun|rifle|shotgun|handgun|firearm ... left|gone|drove_off|walked_out|missing|wont"
    "|over|goodbye|done",
    # family members reporting
    "he|she|hes|shes|they|theyre|son|daughter|wife|husband .. has|have|got|made|making a|the plan"
    " $",
    "has|have|got|made a|the plan ... scared|afraid|worried|terrified",
    "like ... he|she|hes|shes|theyre|im|i_am|they .. saying|said goodbye",
    "sounds|sounded|talking|acting|texting|texted like ... goodbye|saying_goodbye|farewell",
    f"room|bathroom|bedroom|garage|closet|basement|car ... with .. a|the|his|her|my|all .. {PILLS}"
    "|bottle_of_pills|knife|gun|rope|razor|blade|noose ... wont|locked|refuses|refusing|crying",
    "if ... doesnt|dont|isnt|wont ... work|help ... ending|end|kill|killing .. it|himself|herself"
    "|myself|things|his_life|her_life|my_life",
    "take|look care|after ... kids|children|family|mom|mum|dad|wife|husband|dog|cat|pets ... for"
    " me $",
    "said|says|saying|told_me|texted|keeps_saying ... cant|cannot|couldnt go_on|take_it_anymore"
    "|do_this_anymore|keep_going|live_like_this",
    f"{PILLS}|gun|rope|razor|knife|noose ... and .. said|says|saying|texted|wrote .. sorry|goodbye"
    "|bye|forgive_me|i_love_you",
    "says|said|saying|thinks|think|feels|believes|convinced|told_me|keeps_saying|wrote ... better"
    " .. off ... without him|her|them",
    "said|texted|told|sent|saying|says ... goodbye|bye|sorry_for_everything ... wont|isnt|not"
    "|stopped|cant|hasnt|doesnt|didnt ... answer*|respond*|pick_up|picking_up|reply*|replying"
    "|come_home",
    "talk*|talking|keeps_talking|wont_stop_talking|keeps_saying ... about .. suicide|killing"
    "|ending_it|ending_his_life|ending_her_life|wanting_to_die|not_wanting_to_live",
    # Spanish
    "mejor .. me .. muero|mato|muera",
    # "Me mato" is "I kill myself" as a threat or a resolve; as "it killed me" it follows its
    # subject ("el trabajo me mató"), so it is read only after a condition, an oath or "yo".
    "me matare|matere",
    "si ... me mato $",
    "si ... no|tampoco|nunca ... me mato $",
    "mas|funciona|funcionan|sirve|sirven|mejora|mejoro|cambia|ayuda|ayudan|resulta .. me mato $",
    "juro|jure que .. me mato",
    "yo me mato",
    "me mato y_ya|y_listo $",
    "wrote|written|writing|finished|left|leave|leaving my|the note|notes|letter|letters $",
    "me|te|se .. corto|cortando|corte|corta|cortaba ... otra_vez|de_nuevo|brazos|piernas|venas"
    "|munecas",
    "nadie .. me .. extran*|echaria|notaria",
    "me despedi|despido|despidiendo de",
    "pistola|arma|cuerda|soga ... en_la_mano|lista|preparada|aqui|conmigo",
    "tirarme|aventarme|lanzarme ... puente|edificio|techo|azotea|balcon|tren",
    "no .. me .. siento .. segur* ... conmigo|sola|solo",
    "carta|cartas|nota|notas|mensaje|mensajes de despedida",
    "voy|quiero|vas|va ... tirar|aventar|lanzar ... puente|edificio|techo|azotea|balcon|tren"
    "|carro|camion|ventana",
    "ahorcar*|colgarme|colgarse",
    "tomar*|tome|tomo|trag* ... frasco|bote|caja entero|entera|completo|completa",
)

FAMILY_SOFT_SELF_HARM: tuple[str, ...] = (
    "die|dying|death|suicide|suicidal|overdose|overdosing|unalive|dead",
    "morir|morirme|muerte|muerto|muerta|suicidio|suicida|suicidarme|sobredosis",
    "wont|not|never be around $",
    "ill|i_will|im_going_to .. be gone $",
    "ill|i_will|im_going_to .. be gone by|soon",
    "wont|not|never be here|around tomorrow|tonight|by_morning|by_then",
    "know|figured_out|worked_out|decided|planned|picked|chose|chosen ... how|when|where ..."
    " do_it|going_to_do_it|ill_do_it|to_do_it|i_will_do_it",
    "everything|all|what i .. need ... do_it|to_do_it ... tonight|today|now|this_weekend|soon",
    "going_to|will|ready_to|about_to|plan_to|planning_to|wants_to do it tonight|today|now"
    "|this_weekend|tomorrow|soon",
    "nothing|none|no_treatment ... helps|works|worked|helped ... ready to go|be_done|give_up|leave",
    "talk*|talking|keeps_talking|wont_stop_talking|keeps_saying ... about .. dying|death"
    "|being_dead|not_being_here|disappearing",
    "dont|cant|no|lost|losing|without .. the|any .. strength|energy|fight ... to .. go_on"
    "|keep_going|keep_living|live|carry_on",
    "before i go $",
    "im|i_am|ill_be done|finished|out|gone for_good|forever|permanently $",
    "someone|somebody|anyone|you to know ... going_to|about_to|ready_to do it",
    "end of the line|road $",
    "not|dont|cant|no see .. any|a|the|no .. reason|point ... continue|go_on|keep_going|carry_on $",
    "drive|walk|swim|go|going|leave|leaving|head_out ... and|to not|never come|coming back $",
    "someone|somebody|anyone|you|please ... stop me $",
    f"{PILLS}|knife|knives|gun|rope|razor|blade ... would|could .. solve|end everything|it_all"
    "|all_of_this|my_problems",
    "looking|staring|stare|look at .. the|my .. knives|knife|gun|rope|pills|bridge|razor ..."
    " a_lot|again|all_day|for_hours|tonight|all_night|and_thinking",
    "death|dying|dead|die ... seems|sounds|feels|would_be|looks ... easier|better|like_a_relief"
    "|peaceful|appealing|tempting|nice",
    "death|dying|die|dead ... easier|better than .. this|living|the|going_on|another",
    "cuts|scratches|burns|scars|marks ... all_over|on|up_and_down ... his|her|my|their .. arms"
    "|wrists|legs|thighs|stomach",
    f"how many|much ... {PILLS} ... too_many|too_much",
    "running|ran|run out of reasons $",
    "run|running|ran out of reasons to .. live|stay|keep_going|go_on|be_here|fight",
    "just want it|everything|this to stop $",
    "feel*|im|i_am ... empty|hollow|numb ... and .. done|finished|over_it",
    "losing|lost|no|losing_the .. the .. will|strength|energy|fight .. to .. fight|keep_fighting"
    "|go_on|keep_going|carry_on|continue $",
    "permanent|final ones|plans|plan $",
    "or any|another .. appointment|appointments|session|sessions|infusion|infusions ... ever|again",
    "counting|counted|lined_up|laid_out|got_out|pouring_out|poured_out ... pills|meds|tablets"
    " ... now|right_now|tonight|table|counter|bed|again",
    "cant_stop|keep|keeps|been thinking|think about|of ... the|my .. pills|gun|rope|bridge|knife"
    "|razor|blade|overpass|tracks $",
    "cant_stop|keep|keeps|been thinking|think about|of ... the|my .. pills|gun|rope|knife|razor"
    "|blade in|under|on .. my|the .. drawer|cabinet|closet|bag|car|nightstand|table|counter",
    "keep|keeps|cant_stop|been thinking about it $",
    "at_peace with .. my .. decision|choice $",
    "time for me to go $",
    "ready to let_go|let_it_all_go $",
    "only|one way ... this|it ... ends|will_end|can_end $",
    "not|no_longer|never|isnt|arent scared|afraid|frightened ... die|dying|death",
    "dying|death ... doesnt|dont|no_longer|not|doesnt_even ... scare|frighten|bother",
    "dont|do_not try to stop me $",
    "this is|feels_like|seems_like the end for me",
    "this is the end $",
    "i quit $",
    "life ... too|so .. hard|much ... quit|give_up|done|out",
    "im|i_am .. sorry .. mom|mum|dad|kids|everyone|family|mama $",
    "left|leaving|leave ... my will|note|letter|letters",
    "wrote|made|written|writing|updated|redid|signed|finished|did ... a|his|her|my|their .. will"
    " ... gave|giving|given|and|last_night|yesterday|today",
    "gave|giving|given|give ... away .. his|her|my|their|the .. dog|cat|pets|pet|guitar|car"
    "|clothes|jewelry|books|tools|things|stuff",
    "will ... letter|note|letters|notes ... table|desk|bed|kitchen|drawer|for",
    "when|once|after im|i_am gone $",
    "deserve better than ... me|a_mom_like_me|a_dad_like_me|someone_like_me",
    "last time ... ask|asking|reach|reaching .. for|out .. help",
    "how much|many ... it|would|does .. takes $",
    "dont|not|cant|doesnt feel|feeling .. safe at_home|with_him|with_her|here $",
    "dont|cant|couldnt|no_longer|not trust myself $",
)
