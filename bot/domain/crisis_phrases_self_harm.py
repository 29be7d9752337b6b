"""The default self-harm phrases of the strong tier: naming it, hurting oneself, ending one's life,
wanting to be dead, no way forward; plans and means are in crisis_phrases_self_harm_means.py.
The phrase syntax is described in bot/domain/crisis.py."""

from __future__ import annotations

from bot.domain.crisis_acts import ACT_SELF_HARM
from bot.domain.crisis_intent import INTENT_SELF_HARM
from bot.domain.crisis_ongoing import ONGOING_SELF_HARM
from bot.domain.crisis_phrases_self_harm_means import SELF_HARM_MEANS
from bot.domain.crisis_plans import PLAN_SELF_HARM
from bot.domain.crisis_words import END, FAMILY_SELF_HARM, PILLS, SELF

# Concepts, not sentences: each phrase stands for a family of phrasings (word alternatives, gaps,
# prefixes, other persons, Spanish), so that sentences nobody has written yet are caught too.
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
    f"kill|killing|killed|kills|off|offing|offed|end|ending {SELF}",
    # hurting oneself, by any means; accidents are IDIOMS below
    f"hurt|hurting|hurts|harm|harming|harmed|harms|injure|injuring|injured|cut|cuts|cutting|"
    f"burn|burned|burnt|burning|burns|slit|slitting|slash|slashing|slashed|stab|stabbing|"
    f"stabbed|carve|carving|carved|scratch|scratching|punish|punishing {SELF}",
    f"hang|hanging|hanged|hung|shoot|shooting|shot|drown|drowning|drowned|poison|poisoning|"
    f"poisoned|strangle|strangling|suffocate|suffocating|starve|starving|gas|gassing|"
    f"electrocute|overdose|overdosing|od|hit|hitting|punch|punching|bang|banging|beat|beating"
    f"|bite|biting|bruise|bruising {SELF}",
    f"want*|going_to|plan*|think*|urge*|tempted|need|ready ... hurt|harm|cut|burn|kill|punish"
    f" .. {SELF}",
    f"do ... to {SELF}",
    "do_something stupid|drastic|permanent|irreversible|dumb|terrible|crazy|dangerous",
    "scared|afraid|terrified|frightened|worried of|about what i",
    "slit|slitting|slash|slashing|slashed|cut|cutting|cuts|open ... wrist|wrists|vein|veins|throat",
    "started|start|been|keep|kept|back_to|again|relapsed ... cutting|burning|self_harming",
    "cutting|burning again",
    "hang|hanging|hanged|hung|shoot|shooting|drown|drowning|stab|stabbing|kill|killing|end|off"
    " .. my|his|her self",
    # ending one's life
    f"{END}|take|taking|took|taken|stop|stopping|quit|quitting .. my|his|her|their|own .. life",
    f"{END} it all",
    f"{END} .. everything",
    f"{END} things",
    f"{END} it $",
    f"{END} it tonight|today|now|soon|for_good|forever|once_and_for_all|this_weekend|this_week"
    "|tomorrow|for_real",
    f"think* about|of {END} it",
    f"feel* like {END} it",
    "slit* ... wrist*|wrists|throat",
    "cut* ... wrist*",
    "tired|sick of living|life",
    "tired|sick of being alive",
    f"going to take all ... {PILLS}",
    f"want* to take all ... {PILLS}",
    f"took|taken|swallow*|downed ... many .. {PILLS}",
    f"took|taken|swallow*|downed ... bottle of .. {PILLS}",
    "want* it .. to end $",
    "it_all|everything .. to .. stop|end $",
    "it_all|everything ... stop|end|over ... forever|for_good|permanently",
    "make|making ... stop ... forever|for_good|permanently",
    "stop|end|over forever|permanently",
    "tonight|today is the_night|the_day",
    f"{END} .. suffering",
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
    f"plan ... and|to ... the|my|enough ... {PILLS}|gun|rope|means|noose",
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
    f"drink*|drank|starv*|smok*|bleed|bleeding|freeze|freezing .. {SELF} to death",
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
    f"bullet|bullets ... head|brain|mouth|{SELF}",
    "dont|doesnt|didnt care if|whether i ... wake_up|live|die|survive|make_it|am_alive|exist",
    "told|tell|telling|texted my .. wife|husband|kids|children|family|mom|dad|son|daughter|parents"
    " ... goodbye|bye",
    "nothingness|eternal_sleep|endless_sleep|permanent_sleep|the_void|big_sleep",
    f"collect*|gather*|pile* ... {PILLS} ... in_a|jar|stash|for_weeks|for_months|for_later"
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
    f"hid|hide|hiding|hidden ... {PILLS} ... for_weeks|for_months|for_days|for_a_while|in_case"
    "|just_in_case|for_later|for_when",
    "lethal",
    "roof|rooftop|bridge|ledge|balcony|overpass ... looking_down|look_down|staring_down|stare_down"
    "|jump|jumping",
    "dormir ... no|nunca .. despertar|despertarme",
    "se|me corto|corte|cortaba|corta|cortando ... brazos|brazo|venas|munecas|muneca|piernas|piel",
    "cortandose|cortarse|cortandome",
    "relapse*|relapsing ... cut|cutting|self_harm*|burning|burned|harming",
    f"dont|cant|never see|picture|imagine {SELF} ... alive|here|around|living|being_alive"
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
    f"danger|threat|risk to {SELF}",
    "why ... keep_living|stay_alive|be_alive|live|bother_living|even_live|go_on_living"
    "|keep_waking_up|still_alive|even_alive",
    "tired|sick|exhausted|weary|done ... stay_alive|staying_alive|keep_living|to_live|to_survive"
    "|being_alive",
    "how easy|simple|quick it would be $",
    f"take|taking|swallow* all .. {PILLS} ... and ... sleep|die|be_done|end_it|never_wake|forget",
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
    f"{SELF} ... with .. razor|razors|blade|blades|knife|rope|gun|noose",
    f"{PILLS} and ... vodka|whiskey|booze|liquor|alcohol",
    f"vodka|whiskey|booze|liquor and ... {PILLS}",
    "cansad*|harta|harto de vivir|la_vida|estar_vivo|estar_viva",
    "ojala ... muera|muriera|morir*|no_despert*|no_despiert*",
    "cant|dont|cannot|couldnt|never see|imagine|picture .. a|any|my .. future",
    "no future $",
    "no future for me",
    "said|say|saying goodbye|goodbyes|bye to my .. kids|family|children|loved_ones|parents",
    "dont|not|doesnt deserve .. to .. live|be_alive|exist|be_here|wake_up",
    f"{END} it ... only|option|answer|solution|way_out",
    "leave|leaving|left|depart|departing this|the world|earth|life|planet",
    "on_this_earth|on_earth|in_this_world|on_this_planet|in_this_life anymore|no_more|any_longer",
    "please|pls|plz|just|someone|somebody kill me",
    "kill me now|already|please|pls $",
    f"{END} me $",
    "wont|not|never|dont|no_need_to|stop ... worry_about_me|deal_with_me|put_up_with_me"
    "|bother_with_me|take_care_of_me ... much_longer|anymore|any_longer|for_long",
    "plan*|planned ... my .. death|funeral|exit|suicide|last_day",
    "made|make|making .. peace with .. it|dying|death|leaving|going|everything",
    f"{PILLS}|gun|knife|rope|razor|blade|blades|noose ... in_front_of_me|next_to_me|in_my_hand"
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
    f"took|taken|swallowed|downed a_lot|lots|loads|tons|bunch|handful ... {PILLS}|of_my|of_them",
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
    f"got|have|ive_got|i_have the|my|all_my|enough .. {PILLS} ready $",
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
    *SELF_HARM_MEANS,
)
SELF_HARM_PHRASES = (
    *SELF_HARM_PHRASES,
    *FAMILY_SELF_HARM,
    *PLAN_SELF_HARM,
    *INTENT_SELF_HARM,
    *ONGOING_SELF_HARM,
    *ACT_SELF_HARM,
)
