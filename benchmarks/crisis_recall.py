"""Issue 10: how many sentences of a folder the crisis matcher catches, per tier, and which not.

    python -m benchmarks crisis-recall --dir /path/to/folder     (default: the test corpus)

Every `*.txt` file in the folder is read one sentence a line (blank lines and `#` comments
skipped; a corpus line "self_harm | words" is read as its words). Each sentence is assessed by
the matcher the bot builds from the default clinic profile (`bot.services.crisis.build_matcher`,
so the bot's own texts are ignored as in production) and counted as strong (the fixed reply and
an on-call page), soft (the "are you safe?" check and a staff notice; on-call only if the patient
does not say they are safe) or none. A file whose name contains "neg" holds sentences that
should not fire: its strong and soft lines are listed; any other file lists its soft and missed
lines. `--quiet` prints the counts only. The matcher includes the learned second stage
(bot/domain/crisis_model.py; its soft hits show as "model 0.83: ..."); `--rules-only` leaves it
out, to compare. The time each sentence took is printed at the end (p50, p95, max).
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from bot.domain.crisis import CrisisMatcher, CrisisTier
from bot.profile import load_profile
from bot.services.crisis import build_matcher
from bot.texts import Texts

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data"
_LABELLED = re.compile(r"^\s*(?:self_harm|emergency|soft)\s*\|\s*")


def sentences(path: Path) -> list[str]:
    """The sentences of one file, one a line, labels and comments dropped."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found.append(_LABELLED.sub("", line).strip())
    return found


def assess_file(
    matcher: CrisisMatcher, path: Path, *, quiet: bool, timings: list[float] | None = None
) -> tuple[int, int, int]:
    """Print one file's counts and the lines worth a look; return (strong, soft, none)."""
    negative = "neg" in path.name.lower()
    counts = {"strong": 0, "soft": 0, "none": 0}
    kinds: dict[str, int] = {}
    listed: list[str] = []
    for sentence in sentences(path):
        started = time.perf_counter()
        found = matcher.assess(sentence)
        if timings is not None:
            timings.append(time.perf_counter() - started)
        tier = "none" if found is None else str(found.tier)
        counts[tier] += 1
        if found is not None:
            kinds[f"{tier}:{found.kind}"] = kinds.get(f"{tier}:{found.kind}", 0) + 1
        if negative and found is not None:
            listed.append(f"  {tier.upper():6} {sentence}   [matched “{found.phrase}”]")
        elif not negative and found is None:
            listed.append(f"  MISSED {sentence}")
        elif not negative and found is not None and found.tier is CrisisTier.SOFT:
            listed.append(f"  soft   {sentence}   [matched “{found.phrase}”]")
    total = sum(counts.values()) or 1
    caught = counts["strong"] + counts["soft"]
    label = "fired" if negative else "caught"
    print(
        f"{path.name}: {total} sentences: strong {counts['strong']}, soft {counts['soft']}, "
        f"none {counts['none']}; {label} {caught}/{total} ({100 * caught / total:.0f}%), "
        f"strong only {counts['strong']}/{total} ({100 * counts['strong'] / total:.0f}%)"
    )
    print("  by class: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    if not quiet:
        for line in listed:
            print(line)
    return counts["strong"], counts["soft"], counts["none"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dir", type=Path, default=CORPUS, help="folder of *.txt files")
    parser.add_argument("--quiet", action="store_true", help="counts only, no sentences")
    parser.add_argument(
        "--rules-only", action="store_true", help="without the learned second stage"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        help="the model's threshold instead of the profile's [crisis] model_threshold",
    )
    args = parser.parse_args(argv or [])
    files = sorted(path for path in args.dir.glob("*.txt") if path.is_file())
    if not files:
        raise SystemExit(f"no *.txt files in {args.dir}")
    profile = load_profile()
    if args.threshold is not None:
        crisis = profile.crisis.model_copy(update={"model_threshold": args.threshold})
        profile = profile.model_copy(update={"crisis": crisis})
    started = time.perf_counter()
    matcher = build_matcher(profile, Texts(profile.texts), second_stage=not args.rules_only)
    built = time.perf_counter() - started
    stage = (
        "rules only"
        if args.rules_only
        else f"rules + learned second stage at {profile.crisis.model_threshold:.2f}"
    )
    print(f"matcher ({stage}) built in {built * 1000:.0f} ms; reading {args.dir}")
    timings: list[float] = []
    for path in files:
        assess_file(matcher, path, quiet=args.quiet, timings=timings)
    if timings:
        ordered = sorted(timings)
        p50 = ordered[len(ordered) // 2]
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        print(
            f"per message: p50 {p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, "
            f"max {ordered[-1] * 1000:.2f} ms over {len(ordered)} sentences"
        )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
