"""cProfile for the bot under `bench concurrency` (BENCH_CPROFILE=PREFIX): the event loop and
every worker thread, between SIGUSR1 and SIGUSR2 (sent around the crowd); writes
PREFIX.loop.prof and PREFIX.workers.prof (read them with `python -m pstats`)."""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import signal
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class _Profiling:
    def __init__(self) -> None:
        self.on = False
        self.loop = cProfile.Profile(time.thread_time)
        self.lock = threading.Lock()
        self.workers: list[cProfile.Profile] = []
        self.local = threading.local()

    def worker(self) -> cProfile.Profile:
        profile = getattr(self.local, "profile", None)
        if profile is None:
            profile = self.local.profile = cProfile.Profile(time.thread_time)
            with self.lock:
                self.workers.append(profile)
        return profile


class ProfilingExecutor(ThreadPoolExecutor):
    def __init__(self, profiling: _Profiling) -> None:
        super().__init__()
        self.profiling = profiling

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        profiling = self.profiling

        def run() -> Any:
            if not profiling.on:
                return fn(*args, **kwargs)
            profile = profiling.worker()
            profile.enable()
            try:
                return fn(*args, **kwargs)
            finally:
                profile.disable()

        return super().submit(run)


def run_profiled(main: Coroutine[Any, Any, None], prefix: str) -> None:
    profiling = _Profiling()

    def start() -> None:
        profiling.on = True
        profiling.loop.enable()

    def stop() -> None:
        profiling.loop.disable()
        profiling.on = False
        profiling.loop.dump_stats(f"{prefix}.loop.prof")
        with profiling.lock:
            workers = list(profiling.workers)
        if workers:
            stats = pstats.Stats(workers[0])
            for other in workers[1:]:
                stats.add(other)
            stats.dump_stats(f"{prefix}.workers.prof")

    async def wrapped() -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ProfilingExecutor(profiling))
        loop.add_signal_handler(signal.SIGUSR1, start)
        loop.add_signal_handler(signal.SIGUSR2, stop)
        await main

    asyncio.run(wrapped())
