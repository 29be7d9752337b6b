"""Spanish "me mato" (issue 10): "I kill myself" said as a threat or a resolve pages; the same
words as "it killed me" after their subject ("el trabajo me mató"), an accident, or "me mato de
risa" stay quiet. Accents are stripped before reading, so "mató" and "mato" read the same."""

from __future__ import annotations

import pytest

from bot.domain.crisis import CrisisKind, CrisisTier
from tests.unit.crisis_reading import MATCHER, read_as


@pytest.mark.parametrize(
    "sentence",
    [
        "si esto sigue asi me mato",
        "si el tratamiento no sirve me mato",
        "si no mejoro pronto me mato, ya lo tengo pensado",
        "te juro que me mato",
        "me mataré este fin de semana",
        "me mato y ya",
        "yo me mato si me vuelve este dolor",
        "si no me llaman me mato",
    ],
)
def test_me_mato_as_a_threat_or_a_resolve_pages(sentence):
    read_as(sentence, CrisisTier.STRONG, among=CrisisKind.SELF_HARM)


@pytest.mark.parametrize(
    "sentence",
    [
        "el trabajo me mató hoy",
        "este dolor de espalda me mato anoche",
        "el calor me mato ayer en la fila",
        "la subida de la escalera me mato jaja",
        "me mato de risa con el video que mandaste",
        "casi me mato en la bici ayer pero estoy bien",
        "el examen me mato",
        "si me mato trabajando asi no voy a llegar a la cita",
        "la factura del seguro me mató",
        "no me mato, tranquilos",
    ],
)
def test_it_killed_me_an_accident_or_laughing_stay_quiet(sentence):
    assert MATCHER.assess(sentence) is None
