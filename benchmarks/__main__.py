"""Run every benchmark in turn: `python -m benchmarks` (or `python3 scripts/dev.py bench`)."""

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
)


def main(names: list[str]) -> int:
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
