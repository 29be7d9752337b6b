"""Strong crisis words that are clearly not the patient now are asked about, not paged (issue 10).

A general question about side effects, fiction, or the past of the patient or a relative lowers a
strong hit to SOFT (the safety check and a staff notice, no page): when unsure, escalate, so they
are never dropped. The same words said of the patient now, even as a question, still page.
"""

from __future__ import annotations

import pytest

from bot.domain.crisis import CrisisKind, CrisisMatcher, CrisisTier

MATCHER = CrisisMatcher()


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("is chest tightness a side effect?", CrisisKind.EMERGENCY),
        ("do people ever have seizures from ketamine?", CrisisKind.EMERGENCY),
        ("has anyone had a seizure after an infusion", CrisisKind.EMERGENCY),
        ("es normal desmayarse despues de la ketamina?", CrisisKind.EMERGENCY),
        ("my grandmother had a stroke at 85", CrisisKind.EMERGENCY),
        ("i passed out once at a blood draw when i was 16", CrisisKind.EMERGENCY),
        ("mi abuela tuvo un derrame a los 80", CrisisKind.EMERGENCY),
        ("in the book the main character kills himself", CrisisKind.SELF_HARM),
        ("im reading a novel where the hero wants to kill himself", CrisisKind.SELF_HARM),
        ("my uncle killed himself when i was 12", CrisisKind.SELF_HARM),
    ],
)
def test_a_general_question_fiction_or_the_past_is_asked_not_paged(sentence, kind):
    found = MATCHER.assess(sentence)
    assert found is not None
    assert found.tier is CrisisTier.SOFT
    assert found.kind is kind
    assert MATCHER.match(sentence) is None  # the strong tier never pages on it


@pytest.mark.parametrize(
    "sentence",
    [
        "is it normal that my chest hurts and i cant breathe right now?",
        "is this a side effect? my lips and tongue are swelling up right now",
        "my husband is having a seizure is that a side effect??",
        "does anyone know what to do, hes not breathing",
        "do people ever feel like this? i want to kill myself",
        "can ketamine cause a stroke? my face is drooping",
        "my mom had a stroke at 70 and now my face is numb on one side",
        "in the movie the guy killed himself and i keep thinking i should do the same",
        "i had a seizure when i was 20 and i just had another one",
        "es normal tener dolor de pecho? no puedo respirar",
    ],
)
def test_the_patient_now_still_pages_even_as_a_question(sentence):
    found = MATCHER.assess(sentence)
    assert found is not None
    assert found.tier is CrisisTier.STRONG


@pytest.mark.parametrize(
    ("sentence", "tier", "kind"),
    [
        # calm plans, a last message, means, a lethal amount: paged
        ("i dont plan on waking up tomorrow", CrisisTier.STRONG, CrisisKind.SELF_HARM),
        ("soon i wont be a problem for anyone", CrisisTier.STRONG, CrisisKind.SELF_HARM),
        ("i drove to the train tracks and im sitting here", CrisisTier.STRONG, None),
        ("this is the last message youll get from me", CrisisTier.STRONG, None),
        ("i filled all my prescriptions at once so i have enough", CrisisTier.STRONG, None),
        ("what dose would kill a person my size", CrisisTier.STRONG, CrisisKind.SELF_HARM),
        ("i can only say a few words at a time", CrisisTier.STRONG, CrisisKind.EMERGENCY),
        ("el peor dolor de cabeza de mi vida", CrisisTier.STRONG, CrisisKind.EMERGENCY),
        ("presion 220/125", CrisisTier.STRONG, CrisisKind.EMERGENCY),
        # staring at means; unreal or hallucinating the next day; blood in the urine: asked
        ("i keep staring at the knife block", CrisisTier.SOFT, CrisisKind.SELF_HARM),
        ("i still cant tell whats real", CrisisTier.SOFT, CrisisKind.EMERGENCY),
        ("im talking to people who arent there", CrisisTier.SOFT, CrisisKind.EMERGENCY),
        ("peeing bright red", CrisisTier.SOFT, CrisisKind.EMERGENCY),
        ("estoy orinando sangre", CrisisTier.SOFT, CrisisKind.EMERGENCY),
        ("sigo viendo cosas que no estan", CrisisTier.SOFT, CrisisKind.EMERGENCY),
    ],
)
def test_calm_plans_means_speech_and_next_day_signs_are_read(sentence, tier, kind):
    found = MATCHER.assess(sentence)
    assert found is not None
    assert found.tier is tier
    assert kind is None or found.kind is kind


@pytest.mark.parametrize(
    "sentence",
    [
        "i dont plan on waking up early tomorrow, im sleeping in",
        "my toddler can only say a few words",
        "i can only say a few words in spanish",
        "i bought a new knife block for my kitchen",
        "i filled all my prescriptions at once so i have enough for my trip",
        "mi presion esta en 120/80, todo bien",
        "my pee is bright yellow from the vitamins",
    ],
)
def test_everyday_words_next_to_the_new_families_stay_quiet(sentence):
    assert MATCHER.assess(sentence) is None
