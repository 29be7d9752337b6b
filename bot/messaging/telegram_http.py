"""The bot's HTTP connections to the Bot API: PTB's HTTPXRequest, split into small pools.

PTB's default is one httpx pool of 256 connections. httpcore (1.0.x) walks every connection of a
pool, with a socket check each (`has_expired`: getpeername and a poll), whenever a request joins
or leaves it, and walks them all again for each idle connection (`_assign_requests_to_connections`):
with a crowd of 200 patients answered at once, 200 connections are open and every call pays
for all of them (in one measurement the bot spent 60% of its CPU there, ~25 ms per update).
Sixteen pools of sixteen connections keep the same 256 in total and each walk short; a request
goes to the pool with the fewest requests in flight.
"""

from __future__ import annotations

from typing import Any

from telegram.request import BaseRequest, HTTPXRequest, RequestData

POOLS = 16
CONNECTIONS_PER_POOL = 16  # 16 x 16: PTB's default 256 connections in all


class PooledHTTPXRequest(BaseRequest):
    """PTB's HTTPXRequest (its defaults) spread over `pools` pools of `size` connections."""

    def __init__(
        self, *, pools: int = POOLS, size: int = CONNECTIONS_PER_POOL, **options: Any
    ) -> None:
        if pools < 1 or size < 1:
            raise ValueError("pools and size must be at least 1")
        self._pools = [HTTPXRequest(connection_pool_size=size, **options) for _ in range(pools)]
        self._in_flight = [0] * pools

    @property
    def read_timeout(self) -> float | None:
        return self._pools[0].read_timeout

    async def initialize(self) -> None:
        for pool in self._pools:
            await pool.initialize()

    async def shutdown(self) -> None:
        for pool in self._pools:
            await pool.shutdown()

    @property
    def in_flight(self) -> tuple[int, ...]:
        """Requests in flight, per pool."""
        return tuple(self._in_flight)

    def least_busy(self) -> int:
        """The pool with the fewest requests in flight (the first such: idle pools fill first)."""
        return min(range(len(self._pools)), key=self._in_flight.__getitem__)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        index = self.least_busy()
        self._in_flight[index] += 1
        try:
            return await self._pools[index].do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        finally:
            self._in_flight[index] -= 1
