"""Round 24 of the crisis matcher (issue 10): goodbyes and arrangements, means kept at hand,
self-injury that goes on, one side of the body gone dead, urine that will not pass; and two
kinds of false alarm: words said laughing, and a question answered "no" under its label.

Each family is pinned from both sides: the words that page (or ask "are you safe?"), and the
everyday reason, negation or joke that keeps an ordinary message quiet.
"""

from __future__ import annotations

import pytest

from bot.domain.crisis import CLAUSE, CrisisKind, CrisisTier, normalise
from bot.domain.crisis_farewell import farewell_sign
from bot.domain.crisis_jokes import said_laughing
from tests.unit.crisis_reading import MATCHER, read_as, tier


@pytest.mark.parametrize(
    "sentence",
    [
        "my cousin is taking the dog on sunday and after that i'm ready",
        "gave my cat to the neighbours this morning. it's time",
        "le regale mi gato a mi vecina, ya estoy listo",
        "thank you all for everything, you did your best, it's not your fault",
        "put my affairs in order and wrote the letters, there is nothing keeping me now",
        "donated most of my books and clothes, i won't need them where i'm going",
        "ya escribi las cartas para mis hijos, cuando ya no este las van a encontrar",
        "i finished writing letters to my sons last night",
        "ya les escribi una carta a cada uno de mis hijos",
    ],
)
def test_an_arrangement_with_a_word_of_finality_pages(sentence):
    read_as(sentence, CrisisTier.STRONG, kind=CrisisKind.SELF_HARM)
    assert MATCHER.match(sentence) is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "found a new home for my two cats this week",
        "please make sure somebody feeds my dog after this weekend",
        "mis asuntos ya estan en orden",
        "thanks for everything you did for me. goodbye",
    ],
)
def test_an_arrangement_alone_is_asked_about(sentence):
    read_as(sentence, CrisisTier.SOFT, kind=CrisisKind.SELF_HARM)
    assert MATCHER.match(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "wrote letters to my kids for their birthdays, it's a family tradition",
        "i wrote a letter to my insurance company about the bill",
        "gave my old dog to my parents' farm since we're moving, i'm ready for the move",
        "my sister is taking my dog for the weekend while i'm at the clinic",
        "thanks for everything, see you next week!",
        "thank you for everything today, the nurse was lovely",
        "my wife said goodbye and left for work",
        "had to say goodbye to our old horse today, it was the right thing for her",
        "i gave away my old crutches since i dont need them",
        "im not ready to say goodbye to my dog yet, she's only 9",
    ],
)
def test_the_same_arrangement_with_an_everyday_reason_is_quiet(sentence):
    assert MATCHER.assess(sentence) is None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("i've been stockpiling my clonazepam since january", CrisisTier.STRONG),
        ("i have enough of my meds stored to do it", CrisisTier.STRONG),
        ("tengo guardadas muchas pastillas desde hace meses", CrisisTier.STRONG),
        ("tengo suficientes pastillas juntas", CrisisTier.STRONG),
        ("there's a gun in my nightstand drawer and i keep thinking about it", CrisisTier.STRONG),
        ("my pistol is loaded and sitting next to me", CrisisTier.STRONG),
        ("tengo la pistola de mi papa en el cajon y pienso en ella", CrisisTier.STRONG),
        ("the rope is in the garage already", CrisisTier.SOFT),
        ("ya compre la cuerda", CrisisTier.SOFT),
        ("I have 3 months of lithium in a shoebox under my bed", CrisisTier.SOFT),
    ],
)
def test_means_kept_within_reach(sentence, expected):
    read_as(sentence, expected, kind=CrisisKind.SELF_HARM)


@pytest.mark.parametrize(
    "sentence",
    [
        "i have enough meds stored for the trip",
        "i keep my pills in a weekly organizer",
        "my gun is locked in the safe, my wife has the key",
        "im not saving up my pills, i promise",
        "i havent been hoarding any of my meds",
        "tengo guardadas las pastillas en la cocina",
        "tengo suficientes pastillas hasta la proxima cita",
        "these meds saved my life honestly",
        "the rope swing at the park broke again",
        "i saved up my vacation days for the trip",
    ],
)
def test_means_with_an_everyday_reason_or_a_negation_are_quiet(sentence):
    assert MATCHER.assess(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "i cut again last night",
        "im cutting every night now",
        "ive been burning myself again with a lighter",
        "relapsed, cut last night after 2 years clean",
        "me volvi a cortar anoche",
        "me sigo cortando",
        "volvi a quemarme con el cigarro",
        "otra vez me estoy quemando los brazos con cigarros",
    ],
)
def test_self_injury_again_or_every_night_pages(sentence):
    read_as(sentence, CrisisTier.STRONG, kind=CrisisKind.SELF_HARM)


@pytest.mark.parametrize(
    "sentence",
    [
        "i cut my hair again last night",
        "they cut my hours again at work",
        "me volvi a cortar el pelo",
        "me estoy quemando con este sol en la playa",
        "burned the toast again tonight",
        "ive been cutting back on coffee again",
    ],
)
def test_cutting_or_burning_a_thing_again_is_not_self_injury(sentence):
    found = MATCHER.assess(sentence)
    assert found is None or found.tier is not CrisisTier.STRONG


@pytest.mark.parametrize(
    "sentence",
    [
        "my left side feels dead and heavy",
        "the whole right side of my body feels like it's not mine",
        "my right arm and leg feel heavy like lead",
        "se me durmio todo el lado izquierdo del cuerpo",
        "no puedo orinar desde ayer",
        "i havent been able to pee since yesterday morning",
        "cant pass urine for 14 hours and my belly is swollen",
        "no he podido hacer pipi desde anoche",
        "im trying to pee and nothing comes out",
    ],
)
def test_one_side_gone_dead_or_urine_that_will_not_pass_pages(sentence):
    read_as(sentence, CrisisTier.STRONG, kind=CrisisKind.EMERGENCY)


@pytest.mark.parametrize(
    "sentence",
    [
        "my left leg feels dead after sitting on it",
        "the left side of my neck feels stiff from sleeping",
        "i slept on my right side and my arm feels asleep",
        "i couldnt pee during the infusion because i was nervous",
        "i cant pee in front of people, is a sample needed today?",
        "back in 2018 i had a kidney stone and couldnt pee for a day",
    ],
)
def test_a_leg_slept_on_or_a_shy_bladder_does_not_page(sentence):
    assert tier(sentence) is not CrisisTier.STRONG


@pytest.mark.parametrize(
    "sentence",
    [
        "this traffic makes me want to jump off a bridge 😂",
        "if the parking ticket is $80 im gonna jump off the roof lol",
        "if i have to fill one more form ill shoot myself lol jk",
        "me dio un infarto cuando vi la cuenta jajaja",
        "this form is so long im going to die before i finish it lol",
        "me da un infarto cada vez que veo la factura jajaja",
        "lol i want to die, i left my wallet at home and had to drive back",
    ],
)
def test_crisis_words_said_as_a_joke_are_asked_not_paged(sentence):
    read_as(sentence, CrisisTier.SOFT)
    assert MATCHER.match(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "this paperwork is gonna kill me lol",
        "ese formulario me va a matar jajaja",
        "mi jefe me va a matar si llego tarde",
        "lol im dead, that meme you sent",
        "i want to crawl into a hole and die lmao",
        "lmao i almost passed out laughing at the nurse's joke",
        "omg im dead 😂😂 thats hilarious",
    ],
)
def test_everyday_hyperbole_said_laughing_is_quiet(sentence):
    assert MATCHER.assess(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "i wanna end it all lol",
        "kms lol no but really i want to die",
        "i want to kill myself, im not joking",
        "jump off a bridge lol im serious",
    ],
)
def test_laughing_without_a_trivial_cause_or_taken_back_still_pages(sentence):
    assert tier(sentence) is CrisisTier.STRONG


def test_a_laughing_emoji_reads_as_a_laugh_and_no_joke_takes_it_back():
    assert said_laughing(normalise("ugh 😂"), CLAUSE)
    assert said_laughing(normalise("jajaja"), CLAUSE)
    assert not said_laughing(normalise("haha no joke i mean it"), CLAUSE)
    assert not said_laughing(normalise("the hall was full"), CLAUSE)


@pytest.mark.parametrize(
    "sentence",
    [
        "q: any seizures? a: no",
        "Q: thoughts of hurting yourself? A: none",
        "q: suicidal thoughts? a: no, none",
        "¿convulsiones? ninguna",
        "dolor de pecho? r: no",
        "trouble breathing - none",
        "seizure? no never had one",
        "¿dolor en el pecho? no, nada",
    ],
)
def test_a_question_answered_no_under_its_label_is_quiet(sentence):
    assert MATCHER.assess(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "q: any seizures? a: yes, one this morning",
        "chest pain? a: yes and i cant breathe",
        "chest pain. cant breathe. no idea what to do",
    ],
)
def test_a_question_answered_yes_under_its_label_pages(sentence):
    assert tier(sentence) is CrisisTier.STRONG


def test_the_farewell_sign_names_what_it_read():
    sign = farewell_sign(normalise("i gave my dog away. im ready"), CLAUSE)
    assert sign == ("strong", "a pet given away, and ready")
    assert farewell_sign(normalise("i gave my dog away"), CLAUSE) == ("soft", "a pet given away")
    assert farewell_sign(normalise("escribi cartas para mis hijos"), CLAUSE) == (
        "strong",
        "letters for the family",
    )
    assert farewell_sign(normalise("i wrote a letter to my landlord"), CLAUSE) is None
