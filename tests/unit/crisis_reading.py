"""What the crisis matcher makes of one message: the shared asserts of the crisis unit tests."""

from __future__ import annotations

from bot.domain.crisis import CrisisKind, CrisisMatch, CrisisMatcher, CrisisTier

MATCHER = CrisisMatcher()


def tier(sentence: str) -> CrisisTier | None:
    """The tier the message is read at (None: no sign at all)."""
    found = MATCHER.assess(sentence)
    return found.tier if found is not None else None


def read_as(
    sentence: str,
    expected: CrisisTier,
    *,
    kind: CrisisKind | None = None,
    among: CrisisKind | None = None,
) -> CrisisMatch:
    """Assert the message is read at `expected`, as `kind` (its main kind) or with `among` in its
    kinds; return what was read."""
    found = MATCHER.assess(sentence)
    assert found is not None, f"no sign read in {sentence!r}"
    assert found.tier is expected, f"{sentence!r} read at {found.tier}"
    if kind is not None:
        assert found.kind is kind, f"{sentence!r} read as {found.kind}"
    if among is not None:
        assert among in found.kinds, f"{sentence!r} read as {found.kinds}"
    return found
