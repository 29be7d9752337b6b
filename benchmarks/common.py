"""Shared helpers for benchmarks: timing statistics and throw-away databases."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

import bot.db.models  # noqa: F401
from bot.db.engine import Database

PG_URL = os.environ.get(
    "CLINIC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def timings(fn: Callable[[], object], *, runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):.2f} ms, p95 {p95:.2f} ms (n={len(ordered)})"


@contextmanager
def sqlite_db() -> Iterator[Database]:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        SQLModel.metadata.create_all(database.engine)
        try:
            yield database
        finally:
            database.dispose()


@contextmanager
def postgres_db() -> Iterator[Database | None]:
    try:
        admin = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with admin.begin() as conn:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:
        print(f"  (PostgreSQL unavailable at {PG_URL}: {exc.__class__.__name__}; skipped)")
        yield None
        return
    database = Database(f"{PG_URL}?options=-csearch_path%3D{schema}")
    SQLModel.metadata.create_all(database.engine)
    try:
        yield database
    finally:
        database.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def buttons_with(user: Any, prefix: str) -> list[str]:
    message = user.last_message()
    return [data for row in message.buttons for _label, data in row if data.startswith(prefix)]
