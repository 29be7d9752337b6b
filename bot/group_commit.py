"""Group commit: writes that arrive while one is running are done together in the next one.

(Reads too: `write` may be a read whose result tells each caller its part, e.g. the languages
of the updates whose turn came together, bot/app.py.)

A burst of updates (a reminder wave answered, a crowd pressing a button) would otherwise take
one database transaction each to store and one each to close, one after another on SQLite's
single writer. Here each caller still waits until its own item is committed, so nothing is
acknowledged earlier than before; only the commits are shared. No timer, no added delay: a
lone caller is written at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    """`await submit(item)` runs `write(batch)` in a thread and gives every caller its result."""

    def __init__(self, write: Callable[[list[Item]], Result]) -> None:
        self._write = write
        self._pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                result = await asyncio.to_thread(self._write, [item for item, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            else:
                for _, future in batch:
                    if not future.done():
                        future.set_result(result)
            finally:
                # Cancelled (the loop is closing): nobody may wait for ever.
                for _, future in batch:
                    if not future.done():
                        future.cancel()
