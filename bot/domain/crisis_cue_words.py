"""Word classes and patterns the matcher's vetoes read (bot/domain/crisis_vetoes.py): questions
about what to do, animals, the dead, reassurance, blood pressure, exertion, anaesthetics,
reported screening questions."""

from __future__ import annotations

import re

from bot.domain.crisis_words import FAMILY

# "if / in case / whether" before emergency words: a question about what to do, not a report
# ("who do I call if I have trouble breathing"), unless the "if" is a doubt ("not sure if").
CONDITIONS = frozenset(["if", "whether", "incase", "unless"])
CONDITION_DOUBTS = frozenset(
    [
        "know",
        "sure",
        "unsure",
        "wonder",
        "wondering",
        "wondered",
        "ask",
        "asking",
        "check",
        "see",
        "tell",
        "clue",
        "idea",
        "question",
        "unclear",
        "matter",
        "even",
    ]
)
# How many words may stand between "if" and the emergency words it makes hypothetical; calling
# words ("should I call 911") may stand anywhere in the question.
CONDITION_REACH = 6
CALLING = frozenset(["911", "ambulance", "emergency", "epipen"])
# "the signs of a stroke", "risk of seizures": asking for information.
INFORMATION = frozenset(
    [
        "signs",
        "sign",
        "symptoms",
        "symptom",
        "risk",
        "risks",
        "chance",
        "chances",
        "danger",
        "dangers",
        "warning",
        "likelihood",
        "odds",
        "prevent",
        "preventing",
        "avoid",
        "avoiding",
        "sintomas",
        "thinking",
        "thought",
        "thoughts",
        "considering",
        "considered",
        "googling",
        "researching",
        "senales",
    ]
)
INFORMATION_FILLERS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "having",
        "getting",
        "any",
        "about",
        "to",
        "from",
        "like",
        "de",
        "un",
        "una",
        "early",
        "common",
    ]
)
# An animal as the subject: "my dog had a seizure".
ANIMALS = frozenset(
    [
        "dog",
        "dogs",
        "cat",
        "cats",
        "puppy",
        "pup",
        "kitten",
        "pet",
        "pets",
        "horse",
        "bird",
        "parrot",
        "rabbit",
        "bunny",
        "hamster",
        "ferret",
        "doggy",
        "doggo",
        "kitty",
        "vet",
        "perro",
        "gato",
    ]
)
# Someone who has died, or a family/medical history: emergency words in that clause are history.
DECEASED = frozenset(["died", "funeral", "deceased", "passed", "rip", "murio", "fallecio"])
DECEASED_NEXT = frozenset(["away", "last", "in", "on", "before", "after", "when", "from"])
# Waking and responding are about someone else: "I cant wake up early" is not an emergency.
OTHERS_ONLY = frozenset(
    ["wake", "waking", "respond", "responding", "responsive", "react", "reacting"]
)
FIRST_PERSON = frozenset(["i", "im", "ive", "id", "ill", "we", "you", "u"])
OBJECTS = frozenset(["him", "her", "them", "his", "hes", "shes", "theyre"])
OTHERS = frozenset(FAMILY.split("|")) - {"i"}
SOFTENERS = frozenset(
    [
        "just",
        "really",
        "literally",
        "still",
        "usually",
        "often",
        "always",
        "sometimes",
        "normally",
        "probably",
    ]
)
# The patient says an emergency word is over or minor ("... but I'm fine now").
REASSURED = re.compile(
    r"(?:^| )(?:(?:im|i am|i feel|feel|feeling|its|all|doing) (?:totally |completely |perfectly )?"
    r"(?:fine|ok|okay|alright|better) now|(?:much |way |a lot )?better now|no big deal"
    r"|not a big deal|nothing serious|always (?:have|has|had|do|does)|normal for me|as usual"
    r"|(?:just )?a (?:little|small|tiny) bump|(?:fine|ok|okay|alright) now|no harm done"
    r"|(?<!says )(?<!said )(?<!claims )(?<!insists )(?<!thinks )(?<!swears )"
    r"(?:hes|shes|theyre|were|everyones|he is|she is|they are|we are|everyone is|baby is) "
    r"(?:totally |completely |perfectly |all )?(?:fine|ok|okay|alright|breathing fine)"
    r"|(?:it|that|everything) (?:was|is|felt|went) (?:fine|ok|okay|normal|back to normal)"
    r"(?! (?:yesterday|before|earlier|until|till|this morning|last|but)))(?= |$)"
)
# After self-harm words put in the past: the patient says they are well now (no check needed).
WELL_NOW = re.compile(
    r"(?:^| )(?:(?:im|i am|doing|feeling|feel|its|things are|life is|now)(?: so| much| really"
    r"| a lot| pretty| very)? (?:fine|ok|okay|alright|better|well|good|great|happy|safe)"
    r"|in a good place|looking forward|now im planning)(?= |$)"
)
# "Last time" that looks ahead: "this is the last time", "the last time you'll hear from me".
FUTURE_LAST = re.compile(
    r"(?:^| )(?:this is the|this will be the|thats the|its the) last time(?= |$)"
    r"|(?:^| )last time (?:ill|youll|you will|i will|youre|you are|anyone|they|ever|i ask)(?= |$)"
)
# Past statements about self-harm that are recent enough to ask about, and those that are not.
RECENT_PAST = re.compile(
    r"(?:^| )last (?:night|week|weekend|time|session|infusion|appointment|visit)(?= |$)"
)
DISTANT_PAST = re.compile(
    r"(?:^| )(?:years? ago|as a (?:kid|child|teen|teenager)|when i was|history|used to|back in"
    r"|(?:19|20)[0-9]{2})(?= |$)"
)
# A blood pressure reading: "bp 220/130", "blood pressure is 230 over 140", "pressure 190-125".
BP_READING = re.compile(
    r"\b(?:bp|b\.p\.|blood pressure|pressure|presion|tension)\b[^0-9.!?\n]{0,30}?\b([0-9]{2,3})"
    r"\s*(?:/|over|sobre|-|\\)\s*"
    r"([0-9]{2,3})\b"
)
BP_WORDS = re.compile(
    r"\b(?:bp|b\.p\.|blood pressure|pressure)\b[^.!?\n0-9]{0,25}?\b(?:(through the roof|sky ?high"
    r"|skyrocket\w*|off the charts?|(?:dangerously|crazy|insanely|super|extremely) high"
    r"|stroke level)|(?:really|very|so|way too|too|scary) high\b[^.!?\n]{0,40}?\b(?:headache|head"
    r"|vision|chest|dizzy|pounding|nosebleed|nose))(?![^.!\n]*\?)"
)
# A typed pulse: "heart rate is 170", "pulse 160", "hr 150", "150 bpm".
HEART_RATE = re.compile(
    r"\b(?:heart ?rate|pulse|hr|heartbeat|heart)\b\D{0,25}?\b([0-9]{2,3})\b|\b([0-9]{2,3}) ?bpm\b"
)
EXERTION_WORDS = re.compile(
    r"\b(?:treadmill|exercis\w*|workout|work out|gym|running|jogging|run|cardio|hike|hiking"
    r"|stairs|climbing|walk|walking|bike|cycling|swim\w*)\b"
)
# Emergency words that have eased since: asked about (soft), not paged.
SETTLED = re.compile(
    r"(?:^| )(?:it|that|which|this|they|pain|tightness|pressure) (?:went|has gone|had gone|goes) "
    r"away|(?:^| )(?:it|that|which|this) (?:passed|settled|eased|calmed)(?= |$)"
    r"|(?:^| )(?:wore|has worn|had worn|wears) off(?= |$)"
)
WORE_OFF = re.compile(r"(?:^| )(?:wore|worn|wearing|wears|wear) off(?= |$)")
# Mild, expected effects of the treatment: "went away" is as good as "wore off" for them.
MILD_EFFECTS = frozenset(["tingling", "tingly", "tingled", "numb", "numbness", "dizzy", "floaty"])
WENT_AWAY = re.compile(r"(?:^| )(?:went away|passed|settled|wore off|worn off)(?= |$)")
PROMISES = frozenset(["promise", "guarantee", "swear", "say"])
PURPOSELY = frozenset(["deliberately", "intentionally", "purposely", "purposefully"])
TREATMENT_WORDS = frozenset(
    ["infusion", "infusions", "session", "spray", "treatment", "ketamine", "dose", "iv", "shot"]
)
# For a passing event (fainting, passing out), a plain "I'm fine" after it is enough.
REASSURED_EVENT = re.compile(
    r"(?:^| )(?:im|i am|i feel|feel|feeling) (?:fine|ok|okay|alright)(?= |$)"
)
PASSING_EVENTS = frozenset(["passed", "past", "fainted", "blacked", "collapsed", "bled"])
# "sometimes" just after emergency words: now and then; exertion after breathlessness.
HABITUAL = frozenset(["sometimes", "occasionally", "usually", "often"])
EXERTION = frozenset(
    [
        "climbing",
        "stairs",
        "exercise",
        "exercising",
        "running",
        "hiking",
        "workout",
        "gym",
        "walking",
        "treadmill",
        "jogging",
        "cardio",
        "biking",
        "cycling",
        "swimming",
        "sports",
        "hills",
        "shoveling",
        "shovelling",
        "lifting",
        "carrying",
    ]
)
# Numbness put down to a local anaesthetic is expected, not a stroke.
ANAESTHETICS = frozenset(
    [
        "lidocaine",
        "lozenge",
        "lozenges",
        "troche",
        "troches",
        "novocaine",
        "numbing",
        "dentist",
        "dental",
        "anesthetic",
        "anaesthetic",
        "anesthesia",
        "anaesthesia",
        "epidural",
        "block",
        "lidocaina",
    ]
)
# A screening question reported with its answer: "my therapist asked about suicide and i said no".
ASKED = frozenset(
    [
        "asked",
        "ask",
        "asks",
        "asking",
        "question",
        "questions",
        "questionnaire",
        "screening",
        "screener",
        "survey",
        "form",
        "item",
        "q9",
        "pregunta",
        "preguntaron",
    ]
)
SAID = frozenset(
    [
        "said",
        "say",
        "says",
        "saying",
        "answered",
        "answer",
        "answering",
        "put",
        "ticked",
        "checked",
        "circled",
        "marked",
        "told",
        "wrote",
        "replied",
        "dije",
        "conteste",
    ]
)
SAID_NO = frozenset(["no", "not", "never", "none", "nope", "zero", "0", "nah"])
