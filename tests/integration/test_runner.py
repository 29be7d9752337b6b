"""Which processes may run together: one per SQLite file, one poller, many webhook replicas."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.db.runner import AlreadyRunning, guard_for, leader
from tests.paths import ROOT

HOLDER = """
import sys, time
from bot.db.engine import Database
from bot.db.runner import guard_for
guard = guard_for(Database(sys.argv[1]), webhook=True)
print("held", flush=True)
time.sleep(60)
"""


def test_a_second_process_on_one_sqlite_file_is_refused_with_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35,
            "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",  # never reached
            "STAFF_CHAT_ID": "-100123",  # real mode requires where alerts go (issue 10)
            "STAFF_USER_IDS": "111",
        }
        second = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env={**env, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.kill()
        holder.wait(10)
    assert second.returncode == 2
    lines = [line for line in second.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, second.stderr
    assert "already running" in lines[0]
    assert f"pid {holder.pid}" in lines[0]


def test_the_lock_goes_with_the_process(tmp_path):
    from bot.db.engine import Database

    database = Database(f"sqlite:///{tmp_path / 'clinic.db'}")
    first = guard_for(database, webhook=False)
    with pytest.raises(AlreadyRunning):
        guard_for(database, webhook=False)
    first.release()
    guard_for(database, webhook=False).release()


def test_polling_on_postgresql_takes_one_process(pg_db):
    first = guard_for(pg_db, webhook=False)
    try:
        with pytest.raises(AlreadyRunning, match="polling allows one"):
            guard_for(pg_db, webhook=False)
    finally:
        first.release()


def test_webhook_replicas_on_postgresql_run_together_and_one_of_them_leads(pg_db):
    one, two = guard_for(pg_db, webhook=True), guard_for(pg_db, webhook=True)
    try:
        assert [leader(pg_db, one), leader(pg_db, two)] == [True, False]
    finally:
        one.release()
        two.release()
