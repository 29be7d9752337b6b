"""Reasons a phrase match is dropped or lowered: a settled or reassured event, a hypothetical or
informational question, an animal, the dead, a reported denial, exertion, anaesthetic numbness,
a typed blood pressure or heart rate (step 4 in bot/domain/crisis.py)."""

from __future__ import annotations

from bot.domain.crisis_answers import (
    denial_clause,
    denied_after_asked,
    expected_effect,
    list_answered_no,
    negated_list,
)
from bot.domain.crisis_cue_words import (
    ANAESTHETICS,
    ANIMALS,
    ASKED,
    BP_READING,
    BP_WORDS,
    CALLING,
    CONDITION_DOUBTS,
    CONDITION_REACH,
    CONDITIONS,
    DECEASED,
    DECEASED_NEXT,
    EXERTION,
    EXERTION_WORDS,
    FIRST_PERSON,
    HABITUAL,
    HEART_RATE,
    INFORMATION,
    INFORMATION_FILLERS,
    MILD_EFFECTS,
    OBJECTS,
    OTHERS,
    OTHERS_ONLY,
    PASSING_EVENTS,
    PROMISES,
    PURPOSELY,
    REASSURED,
    REASSURED_EVENT,
    SAID,
    SAID_NO,
    SETTLED,
    SOFTENERS,
    TREATMENT_WORDS,
    WENT_AWAY,
    WORE_OFF,
)
from bot.domain.crisis_negations import ANSWER_MARKS, ANSWER_NO, NEGATIONS, STATEMENT_ENDS
from bot.domain.crisis_normalise import CLAUSE, join_words, strip_accents
from bot.domain.crisis_types import MAX_CHARS, CrisisTier


def high_blood_pressure(text: str) -> CrisisTier | None:
    """A blood pressure reading typed as numbers ("bp 220/130", "pressure is 230 over 140"):
    strong at a hypertensive-crisis level (180/120, or 200 systolic), soft from 180 or /110."""
    found = None
    for reading in BP_READING.finditer(strip_accents(text[:MAX_CHARS]).lower()):
        systolic, diastolic = int(reading.group(1)), int(reading.group(2))
        if not 60 <= systolic <= 320 or not 30 <= diastolic <= 220 or diastolic >= systolic:
            continue
        if (systolic >= 180 and diastolic >= 120) or systolic >= 200:
            return CrisisTier.STRONG
        if systolic >= 180 or diastolic >= 110:
            found = CrisisTier.SOFT
    if found is None:
        # In words ("bp through the roof", "blood pressure is really high and my head pounds"),
        # unless asked as a question ("can ketamine make my blood pressure really high?").
        for said in BP_WORDS.finditer(text[:MAX_CHARS].lower()):
            if said.group(1):
                return CrisisTier.STRONG
            found = CrisisTier.SOFT
    return found


def fast_heart_rate(text: str) -> bool:
    """A typed pulse of 140 or more ("heart rate is 170", "pulse 160", "150 bpm"), unless the
    message puts it down to exercise (soft: a racing heart after treatment is asked about)."""
    lowered = text[:MAX_CHARS].lower()
    if EXERTION_WORDS.search(lowered):
        return False
    return any(
        140 <= int(found.group(1) or found.group(2)) <= 300
        for found in HEART_RATE.finditer(lowered)
    )


def settled_after(words: list[str], last: int) -> bool:
    """ "... but it went away", "it passed after a minute": over for now, it may come back."""
    after, _ = join_words([word for word in words[last : last + 10] if word != CLAUSE])
    return SETTLED.search(after) is not None


def promise_doubted(words: list[str], negation: int) -> bool:
    """The negation at `negation` is a promise that is itself doubted ("I can't promise I won't",
    "not sure I won't", "I can't guarantee I won't")."""
    before = _clause_before(words, negation, 4)
    for distance, word in enumerate(before):
        if word in PROMISES or (word == "sure" and "not" in before[distance + 1 : distance + 3]):
            doubted = before[distance + 1 : distance + 3]
            return word == "sure" or any(w in NEGATIONS or w == "cant" for w in doubted)
    return False


def on_purpose(words: list[str], first: int, last: int) -> bool:
    """The clause says it was done on purpose ("burned my hand on the stove on purpose"): no
    accident or everyday idiom covers it (but "not on purpose" is still an accident)."""
    start = first
    while start > 0 and words[start - 1] != CLAUSE:
        start -= 1
    end = last
    while end < len(words) and words[end] != CLAUSE:
        end += 1
    for index in range(start, end):
        word = words[index]
        purposely = word in PURPOSELY or (
            word == "on" and index + 1 < end and words[index + 1] == "purpose"
        )
        if purposely and (index == 0 or words[index - 1] not in NEGATIONS):
            return True
    return False


def wore_off_after_treatment(words: list[str], last: int) -> bool:
    """ "slurry right after the infusion but it wore off": an expected effect of the treatment
    that is over (without the treatment named, "it wore off" is only settled: asked about)."""
    after = " ".join(word for word in words[last : last + 12] if word != CLAUSE)
    mild = not MILD_EFFECTS.isdisjoint(words[max(0, last - 4) : last])
    if not (WENT_AWAY if mild else WORE_OFF).search(after):
        return False
    return not TREATMENT_WORDS.isdisjoint(words)


def answered_no(words: list[str], last: int, first: int = -1) -> bool:
    """The next clause is only "no" / "none" / "not at all": an answer to what came before
    ("Chest pain: no"), or a list of such items ends with it, or a list stands under one
    negation (crisis_answers.py)."""
    if first >= 0 and (
        list_answered_no(words, first, CLAUSE) or negated_list(words, first, CLAUSE)
    ):
        return True
    end = last
    while end < len(words) and words[end] != CLAUSE:
        end += 1
    following = words[end + 1 :]
    next_clause = following[: following.index(CLAUSE)] if CLAUSE in following else following
    if next_clause[:1] and next_clause[0] in ANSWER_MARKS:
        # "q: any seizures? a: no", "dolor de pecho? r: no": the answer's label, then the answer
        rest = following[len(next_clause) + 1 :] if len(next_clause) == 1 else next_clause[1:]
        next_clause = rest[: rest.index(CLAUSE)] if CLAUSE in rest else rest
    if next_clause[:3] == ["not", "at", "all"] and len(next_clause) <= 4:
        return True
    if next_clause[:2] == ["no", "to"] and len(next_clause) <= 4:
        return True  # "Any chest pain or shortness of breath? No to both"
    if denial_clause(next_clause):
        return True  # "seizure? no never had one"
    if not next_clause or next_clause[0] not in ANSWER_NO or len(next_clause) > 2:
        return False
    return len(next_clause) == 1 or next_clause[1] not in ("idea", "clue", "one", "more")


def _clause_before(words: list[str], first: int, reach: int) -> list[str]:
    """Up to `reach` words before index `first`, in the same clause, nearest first."""
    before: list[str] = []
    index = first - 1
    while index >= 0 and words[index] != CLAUSE and len(before) < reach:
        before.append(words[index])
        index -= 1
    return before


def reported_denial(words: list[str], first: int, last: int) -> bool:
    """A screening question reported with a no: "they asked about suicide and I said no", "you
    keep asking if i want to hurt myself. i dont" (crisis_answers.py)."""
    if denied_after_asked(words, first, last, CLAUSE):
        return True
    if not ASKED.intersection(_clause_before(words, first, 8)):
        return False
    after = [word for word in words[last : last + 14] if word != CLAUSE]
    for i, word in enumerate(after):
        if word in SAID and SAID_NO.intersection(after[i + 1 : i + 3]):
            return True
        if word == "no" and i + 1 < len(after) and after[i + 1] == "to":
            return True
        if after[i : i + 3] == ["not", "at", "all"]:
            return True
    return False


def hypothetical(words: list[str], first: int, last: int) -> bool:
    """ "what if I feel faint", "who do I call if I have trouble breathing": a question about
    what to do, not a report. "not sure if ..." is a doubt and does not count."""
    calling = not CALLING.isdisjoint(words[first:last])
    before = _clause_before(words, first, 12)
    for distance, word in enumerate(before):
        is_condition = word in CONDITIONS or (
            word == "case" and distance + 1 < len(before) and before[distance + 1] == "in"
        )
        if not is_condition:
            continue
        ahead = before[distance + 1] if distance + 1 < len(before) else ""
        if word == "if" and ahead in CONDITION_DOUBTS:
            # "how do I know if ..." asks; "I dont know if ..." doubts.
            return "how" in before[distance + 1 : distance + 5]
        return distance <= CONDITION_REACH or calling
    if calling:
        # "do I call 911 if I get chest pain": the condition may come after the question.
        end = last
        while end < len(words) and words[end] != CLAUSE and end - last < 6:
            if words[end] in CONDITIONS:
                return True
            end += 1
    return False


def reassured_after(words: list[str], first: int, last: int) -> bool:
    """ "I almost passed out from the heat but I'm fine": the patient says it is over or minor."""
    after = [word for word in words[last : last + 14] if word != CLAUSE]
    joined, starts = join_words(after)
    index_of = {start: i for i, start in enumerate(starts)}
    patterns = [REASSURED]
    if not PASSING_EVENTS.isdisjoint(words[first:last]):
        patterns.append(REASSURED_EVENT)
    for found in (found for pattern in patterns for found in pattern.finditer(joined)):
        begin = index_of.get(found.start() + (1 if found.group().startswith(" ") else 0), 0)
        if begin == 0 or after[begin - 1] not in NEGATIONS:
            return True
    return False


def sometimes_or_on_exertion(words: list[str], first: int, last: int) -> bool:
    """ "short of breath sometimes", "out of breath climbing stairs": now and then, or from
    exertion, not an emergency now."""
    after = []
    for word in words[last : last + 4]:
        if word == CLAUSE or word in STATEMENT_ENDS:
            break
        after.append(word)
    if not HABITUAL.isdisjoint(after):
        return True
    breathing = any(word.startswith(("breath", "winded")) for word in words[first:last])
    return breathing and not EXERTION.isdisjoint(after)


def numb_from_anaesthetic(words: list[str], first: int, last: int) -> bool:
    """ "the lidocaine made my lip numb": numbness the clause puts down to a local anaesthetic;
    or tingling during the spray, said to be mild or gone (crisis_answers.py)."""
    if expected_effect(words, first, last, CLAUSE):
        return True
    if not any(word.startswith("numb") for word in words[first:last]):
        return False
    start = first
    while start > 0 and words[start - 1] != CLAUSE:
        start -= 1
    end = last
    while end < len(words) and words[end] != CLAUSE:
        end += 1
    return not ANAESTHETICS.isdisjoint(words[start:end])


def asking_for_information(words: list[str], first: int) -> bool:
    """ "the signs of a stroke", "risk of seizures": asking, not reporting."""
    for word in _clause_before(words, first, 4):
        if word in INFORMATION_FILLERS:
            continue
        return word in INFORMATION
    return False


def about_an_animal(words: list[str], first: int) -> bool:
    """ "my dog had a seizure", "the cat keeps biting herself": the words are about an animal."""
    before = _clause_before(words, first, 6)
    for word in before:
        if word in STATEMENT_ENDS or word in FIRST_PERSON or word == "me":
            return False
        if word in ANIMALS:
            return True
    return False


def about_the_dead_or_history(words: list[str], first: int) -> bool:
    """The clause speaks of someone who died, or of a family or medical history."""
    start = first
    while start > 0 and words[start - 1] != CLAUSE:
        start -= 1
    end = first
    while end < len(words) and words[end] != CLAUSE:
        end += 1
    clause = words[start:end]
    for i, word in enumerate(clause):
        following = clause[i + 1] if i + 1 < len(clause) else ""
        if word in DECEASED and (word != "passed" or following in DECEASED_NEXT):
            return True
        if word == "history" and i > 0 and clause[i - 1] in ("family", "medical"):
            return True
    return False


def about_oneself_waking(words: list[str], first: int, last: int) -> bool:
    """ "I cant wake up early", "sorry I didnt respond": waking and responding are emergencies
    only when said of someone else ("pills to not wake up" is self-harm language)."""
    if OTHERS_ONLY.isdisjoint(words[first:last]):
        return False
    if any(word in OBJECTS or word in OTHERS for word in words[first : last + 3]):
        return False  # "I cant wake HIM up": someone else
    before = [word for word in _clause_before(words, first, 10) if word not in SOFTENERS]
    if before and before[0] == "to":
        return True
    for word in before:
        if word in FIRST_PERSON:
            return True
        if word in OTHERS:
            return False
    return False
