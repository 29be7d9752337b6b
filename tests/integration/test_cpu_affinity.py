"""CPU_AFFINITY keeps every thread of the bot's process on the CPUs it names (bot/runtime.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.domain.errors import ConfigError
from bot.runtime import keep_to_cpus
from bot.settings import parse_settings
from tests.paths import ROOT

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity"), reason="CPU affinity is Linux-only"
)

# A thread started before the call and one after: both end up on the chosen CPU.
CHILD = """
import json, os, threading
from bot.runtime import keep_to_cpus
from bot.domain.errors import ConfigError
from bot.runtime import keep_to_cpus
from bot.settings import parse_settings

done = threading.Event()
seen = {}
def early():
    done.wait()
    seen["early"] = sorted(os.sched_getaffinity(0))
before = threading.Thread(target=early)
before.start()
keep_to_cpus(parse_settings(os.environ).cpu_affinity)
def late():
    seen["late"] = sorted(os.sched_getaffinity(0))
after = threading.Thread(target=late)
after.start()
after.join()
done.set()
before.join()
seen["main"] = sorted(os.sched_getaffinity(0))
print(json.dumps(seen))
"""


def test_ranges_and_lists_are_read():
    first = min(os.sched_getaffinity(0))
    assert parse_settings({"CPU_AFFINITY": f" {first} "}).cpu_affinity == {first}
    assert parse_settings({"CPU_AFFINITY": f"{first}-{first},{first}"}).cpu_affinity == {first}
    assert parse_settings({}).cpu_affinity is None


def test_every_thread_moves_to_the_chosen_cpu():
    first = min(os.sched_getaffinity(0))
    env = {**os.environ, "CPU_AFFINITY": str(first), "PYTHONPATH": str(ROOT)}
    child = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert child.returncode == 0, child.stderr
    assert json.loads(child.stdout) == {"early": [first], "late": [first], "main": [first]}


def test_cpus_this_process_may_not_use_stop_start_up_with_the_setting_named():
    with pytest.raises(ConfigError, match=r"^CPU_AFFINITY: CPU 4095 cannot be used") as caught:
        keep_to_cpus(frozenset({4095}))
    assert "Fix:" in str(caught.value)
    assert os.sched_getaffinity(0) != {4095}
