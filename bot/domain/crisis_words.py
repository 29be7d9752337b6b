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
- Emergencies said another way: blood in vomit, a blood pressure "through the roof", a nosebleed
  that will not stop, something "sitting on my chest", a face "blowing up", a child who drank a
  cleaner.

And the everyday talk that must stay quiet: questions about what a treatment does for suicidal
thoughts, what happens "if someone overdoses", overdose-prevention leaflets, a slot that is no
longer needed, a sore chest from a cough.
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
    "|my .. photo|photos|picture|pictures|pic|pics|selfie|video|mirror",
    "could|would|id die for",
    "rather die than .. do|doing|sit|sitting|wait|waiting|miss|pay|paying|eat|eating|drive"
    "|driving|call|calling|fill|go_back_to|go_to_the|work|cook|clean|deal_with_insurance|watch",
    "choking|choke|choked the life out",
    # coming to a place, not coming round ("he isnt coming to the appointment")
    "coming|come to the|my|his|her|our|your|this|next|an|a|tomorrows|todays .. appointment|appt"
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
    "breath* through .. a|the|my|his|her .. nose|nostril|nostrils|cpap|mask|mouth|straw",
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
