"""The identifiers staff see and type: P-12, A-345, F-7 (bot/domain/refs.py)."""

from __future__ import annotations

import pytest

from bot.domain.refs import (
    BadRef,
    RefKind,
    appointment_ref,
    block_ref,
    flag_ref,
    looks_like_ref,
    parse_ref,
    patient_ref,
    task_ref,
)


def test_each_kind_has_its_prefix():
    assert (patient_ref(12), appointment_ref(345), flag_ref(7)) == ("P-12", "A-345", "F-7")
    assert (task_ref(3), block_ref(4)) == ("T-3", "B-4")
    assert patient_ref(None) == "P-?"


@pytest.mark.parametrize("typed", ["A-345", "a-345", "A345", "a 345", "345", "#345", " A-345 "])
def test_the_prefixed_form_and_a_bare_number_are_read(typed):
    assert parse_ref(typed, RefKind.APPOINTMENT) == 345


def test_another_kinds_prefix_gets_a_clear_answer():
    with pytest.raises(BadRef) as wrong:
        parse_ref("P-12", RefKind.APPOINTMENT)
    assert str(wrong.value) == "P-12 is a patient; this needs an appointment (A-12)"
    with pytest.raises(BadRef) as flag:
        parse_ref("f7", RefKind.PATIENT)
    assert str(flag.value) == "F-7 is a red flag; this needs a patient (P-12)"


@pytest.mark.parametrize("typed", ["tomorrow", "X-12", "A-", "A--3", "12.5", ""])
def test_what_is_no_identifier_is_refused(typed):
    with pytest.raises(BadRef, match="is not an appointment such as A-12"):
        parse_ref(typed, RefKind.APPOINTMENT)


def test_shapes():
    assert looks_like_ref("P-12")
    assert looks_like_ref("12")
    assert looks_like_ref("#12")
    assert not looks_like_ref("Ana")
    assert not looks_like_ref("X-12")
    assert not looks_like_ref("+1 617 555 0101")
