"""Run every benchmark in turn: `python -m benchmarks` (or `python3 scripts/dev.py bench`).

`python -m benchmarks crisis-recall --dir FOLDER` counts what the crisis matcher catches in a folder
of sentence files (see benchmarks/crisis_recall.py); it takes arguments, so it is not in ALL.
`python -m benchmarks replicas` is the load proof of replicas behind nginx on PostgreSQL (see
benchmarks/replicas.py): it needs Debian's nginx and takes minutes, so it is not in ALL either.
"""

from __future__ import annotations

import importlib
import sys

ALL = (
    "booking",
    "dispatch",
    "telegram_updates",
    "sms_webhook",
    "staff",
    "charts",
    "crisis",
    "concurrency",
    "cpu",
)


def main(names: list[str]) -> int:
    if names and names[0] == "replicas":
        # Needs nginx and PostgreSQL and takes minutes: run on its own, never in ALL.
        importlib.import_module("benchmarks.replicas").main(names[1:])
        return 0
    if names and names[0] in ("crisis-recall", "crisis_recall"):
        importlib.import_module("benchmarks.crisis_recall").main(names[1:])
        return 0
    if len(names) > 1 and names[1].startswith("--"):
        # One benchmark with its own options: `python -m benchmarks concurrency --crowd 50`.
        if names[0] not in ALL:
            print(f"unknown benchmark {names[0]!r}; choose from {', '.join(ALL)}")
            return 2
        importlib.import_module(f"benchmarks.{names[0]}").main(names[1:])
        return 0
    for name in names or ALL:
        if name not in ALL:
            print(f"unknown benchmark {name!r}; choose from {', '.join(ALL)}")
            return 2
        print(f"\n=== benchmarks.{name}", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        module.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
