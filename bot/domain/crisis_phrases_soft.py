"""The default phrases of the soft tier: weaker signs that ask the patient "are you safe right
now?" first (bot/domain/crisis.py)."""

from __future__ import annotations

from bot.domain.crisis_acts import ACT_SOFT_SELF_HARM
from bot.domain.crisis_emergency_idioms import FAMILY_SOFT_EMERGENCY
from bot.domain.crisis_intent import INTENT_SOFT_EMERGENCY, INTENT_SOFT_SELF_HARM
from bot.domain.crisis_plans import PLAN_SOFT_EMERGENCY, PLAN_SOFT_SELF_HARM
from bot.domain.crisis_words import FAMILY_SOFT_SELF_HARM

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
    *ACT_SOFT_SELF_HARM,
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
