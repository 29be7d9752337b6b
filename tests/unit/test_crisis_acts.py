"""Round 24 of the crisis matcher, second part (issue 10): self-harm told as an act, a place or a
time (crisis_acts.py), emergencies in everyday words and typed readings (crisis_signs.py), and
the patient answering the bot's questions "no" or naming an effect that passed
(crisis_answers.py).

Each family is pinned from both sides: the words that page (or ask "are you safe?"), and the
everyday reason, denial or expected effect that keeps an ordinary message quiet.
"""

from __future__ import annotations

import pytest

from bot.domain.crisis import CLAUSE, CrisisKind, CrisisTier, normalise
from bot.domain.crisis_acts import plan_sign
from bot.domain.crisis_signs import typed_reading
from tests.unit.crisis_reading import MATCHER, read_as, tier


@pytest.mark.parametrize(
    "sentence",
    [
        "ive decided, sunday after my parents leave im going to do it. just so someone knows",
        "i pressed the iron against my arm on purpose",
        "me queme la mano con la estufa a proposito",
        "been biting my fingers until they bleed",
        "the car is running in the garage with the door shut",
        "i bought charcoal and tape today",
        "found a hook in the basement strong enough to hold my weight",
        "took my dads pistol out of the safe, it's on the table",
        "im going to walk into the ocean tonight and not come back",
        "im standing on the bridge right now",
        "next time im driving im going to steer into the wall",
        "my family would be better off without me, im going tonight",
        "if i dont wake up tomorrow, dont be sad",
        "ya no quiero estar aqui",
        "no quiero que me salven",
        "by the time anyone reads this i'll be gone",
        "my husband found me with a cord around my neck this morning",
        "im going to drive to the lake and walk in",
        "i've got a bottle of oxy i never took. i've been saving them for a reason",
        "dad's rifle is in the hall closet and i know where the bullets are",
        "my plan is set, i just wanted someone to know",
        "i put my cat up for adoption today. she deserves better. i'm ready now",
        "the shotgun is in the truck and i'm parked by the river",
        "ive made arrangements for my cats and im at peace with it now",
        "started taking extra pills at night hoping i won't wake up",
    ],
)
def test_an_act_a_place_or_a_decided_time_pages(sentence):
    read_as(sentence, CrisisTier.STRONG, among=CrisisKind.SELF_HARM)


@pytest.mark.parametrize(
    "sentence",
    [
        "once everyone is asleep tonight im going to do it",
        "if i never woke up it would honestly be a relief",
        "sometimes i hope the plane just goes down",
        "allah please take my soul, i cant carry this body",
        "le pido a dios que me lleve",
        "its happening tonight",
    ],
)
def test_a_time_without_resolve_or_a_passive_wish_is_asked(sentence):
    read_as(sentence, CrisisTier.SOFT, kind=CrisisKind.SELF_HARM)


@pytest.mark.parametrize(
    "sentence",
    [
        "i plan to do it friday when i have time",
        "im not going to do it tonight, i promise",
        "i'll do the survey on saturday after my appointment",
        "i want to feel alive again after all this",
        "ive been saving up for a new couch",
        "i burned my hand on the stove, not on purpose",
        "im at the beach with my kids, can we move my appointment?",
        "the charcoal grill is ready, bbq at my place sunday",
        "i bought a rope swing for the kids",
        "god please give me strength this week",
        "my mom is in heaven now, she passed ten years ago",
        "ya me voy a dormir, gracias por todo",
        "i'm driving to the bridge club tonight",
        "i couldn't pee for the urine sample, sorry",
        "i gave away my old clothes to goodwill since i lost weight",
        "my scarf was wrapped around my neck all day, so cold",
        "i hope i wont wake up during the procedure",
        "i parked by the river with my fishing rod",
        "we made arrangements for the kids while we travel, im at peace with the plan",
        "i bought rope to tie down the kayak",
        "i'm on the roof cleaning the gutters, call me back later",
        "my plan is to come straight from work on tuesday",
        "it's happening tonight, my daughter's recital!",
        "i have enough medication for the holidays",
        "i cut myself again in the kitchen, these new knives are sharp",
        "i burned myself again on the curling iron, ugh",
        "i'm putting my affairs in order before my hip surgery next month",
        "i've said goodbye to my old therapist, starting with dr kim next week",
        "i hope i don't wake up with a headache again",
        "i decided i'm going to stop the antidepressant with my doctor's help",
        "ya me despedí de mi terapeuta anterior",
    ],
)
def test_the_same_words_in_everyday_talk_are_quiet(sentence):
    assert MATCHER.assess(sentence) is None


def test_a_commute_over_a_bridge_is_asked_not_paged():
    assert tier("i'm on the bridge, stuck in traffic, running 10 minutes late") is (CrisisTier.SOFT)
    assert tier("im on the bridge") is CrisisTier.STRONG


@pytest.mark.parametrize(
    "sentence",
    [
        "i stocked up on tylenol before the flu",
        "i woke up on the floor because i rolled off the air mattress lol",
        "the wrong words came out when i tried speaking spanish to my neighbour haha",
    ],
)
def test_a_stock_a_fall_from_bed_or_a_language_is_asked_at_most(sentence):
    assert tier(sentence) is not CrisisTier.STRONG


@pytest.mark.parametrize(
    "sentence",
    [
        "i haven't peed since this morning but i haven't drunk much",
        "my left side feels heavy after the long run",
        "i've been saving my leftover oxy to return to the pharmacy take-back day",
        "les escribí una carta de agradecimiento a las enfermeras",
    ],
)
def test_an_everyday_reason_next_to_a_sign_keeps_it_from_paging(sentence):
    assert tier(sentence) is not CrisisTier.STRONG


def test_a_relatives_illness_asked_about_as_heredity_is_asked_not_paged():
    assert tier("my friend's mom had a stroke, is that hereditary?") is CrisisTier.SOFT
    assert tier("my mom is having a stroke right now, is it genetic?") is CrisisTier.STRONG


def test_the_plan_sign_names_what_it_read():
    assert plan_sign(normalise("ive decided. this weekend"), CLAUSE) == (
        "soft",
        "decided, and a time",
    )
    assert plan_sign(normalise("i held my hand on the stove on purpose"), CLAUSE) == (
        "strong",
        "an injury done on purpose",
    )
    assert plan_sign(normalise("i held the door open on purpose for her"), CLAUSE) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "it feels like a band squeezing around my chest",
        "me aprieta el pecho y estoy sudando frio",
        "dad is clutching his chest and sweating",
        "its like breathing through a straw",
        "i woke up on the kitchen floor, no idea how long i was out",
        "perdi el conocimiento en el baño",
        "she was shaking all over and bit her tongue",
        "half my face feels dead and droopy in the mirror",
        "my right hand feels like its not mine",
        "se me cayo la cara de un lado",
        "i sound drunk and i havent had anything to drink",
        "the wrong words keep coming out when i talk",
        "mis palabras salen revueltas",
        "my tongue feels too big for my mouth",
        "siento la garganta apretada",
        "mi abuela no me reconoce",
        "my belly is hard as a board and the pain is awful",
        "me sangra muchisimo y no para",
        "cant pass any urine for 12 hours",
    ],
)
def test_an_emergency_in_everyday_words_pages(sentence):
    read_as(sentence, CrisisTier.STRONG, kind=CrisisKind.EMERGENCY)


@pytest.mark.parametrize(
    "sentence",
    [
        "i bit my tongue eating lunch",
        "i cant find the words to thank you enough",
        "my grandson's words come out jumbled, he's only two",
        "squeezed in an appointment before work",
        "there was an ambulance outside the clinic when i left",
        "i woke up on the couch again after the movie",
        "the beer is out cold in the fridge",
        "my mom doesn't recognise me in my new haircut haha",
        "my chest hurts from laughing so much at the comedy show",
    ],
)
def test_the_same_words_said_of_everyday_things_are_quiet(sentence):
    assert MATCHER.assess(sentence) is None


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("my oxygen on the finger thing says 84", "oxygen reading"),
        ("pulse ox 86% and i feel awful", "oxygen reading"),
        ("my sugar is 38 and im shaking", "blood sugar reading"),
        ("glucose meter just says HI", "blood sugar reading"),
        ("fever of 104 and hes confused", "fever reading"),
        ("tengo fiebre de 40 y el cuello rigido", "fever reading"),
    ],
)
def test_a_typed_reading_at_an_emergency_level_pages(sentence, phrase):
    found = typed_reading(sentence)
    assert found is not None
    assert found.phrase == phrase
    assert MATCHER.match(sentence) is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "my oxygen was 98 at the appointment",
        "my sugar was 110 this morning",
        "fever of 104 yesterday, tylenol helped, feeling ok",
        "the nurse said my temperature was 37 and normal",
        "my sugar was 52 this morning but i had juice and it's 110 now",
    ],
)
def test_an_ordinary_reading_is_no_sign(sentence):
    assert typed_reading(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "re: any chest pain or pressure, trouble breathing, fainting or a seizure? - no",
        '"swelling of lips, tongue or throat, or hives?" none',
        "I have not had any chest pain, shortness of breath, fainting or seizures.",
        "you keep asking if i want to hurt myself. i dont. promise",
        "to answer your question about thoughts of harming myself, no I don't have any",
        "why does the bot ask about seizures? i've never had one. anyway no",
        "no, nothing about harming myself. i'm fine",
        "my lips tingled a little during the spray, gone now",
        "the nasal spray made my lips tingle a bit, gone now",
        "i felt floaty during the infusion, totally normal now",
    ],
)
def test_an_answer_no_or_an_effect_that_passed_is_quiet(sentence):
    assert tier(sentence) is not CrisisTier.STRONG
    assert MATCHER.match(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "chest pain, trouble breathing, no idea what to do",
        "they asked if i want to kill myself. i dont know anymore",
        "no headache but chest pain, trouble breathing",
        "my left side went numb during the infusion and its still numb",
        "my lips went numb after the spray, is that normal? still numb an hour later",
        "i have chest pain, shortness of breath, please help",
    ],
)
def test_a_list_a_doubt_or_a_lasting_effect_still_pages(sentence):
    assert tier(sentence) is CrisisTier.STRONG
