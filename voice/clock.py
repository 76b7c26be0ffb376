"""Call time: the wall clock for live calls, a virtual clock for tests.

The virtual clock jumps to the next wake-up whenever every task is waiting, so a scripted
minute-long call runs in milliseconds with exact timings; work sent to a worker thread through
``run`` holds time still until it returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor
from typing import Protocol, TypeVar

T = TypeVar("T")


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the call started."""

    async def sleep(self, seconds: float) -> None: ...

    async def run(self, fn: Callable[..., T], *args: object,
                  executor: Executor | None = None) -> T:
        """Blocking work (a model) in a worker thread (of ``executor``, else the loop's)."""


class WallClock:
    def __init__(self) -> None:
        self._start = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self._start

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

    async def run(self, fn: Callable[..., T], *args: object,
                  executor: Executor | None = None) -> T:
        return await asyncio.get_running_loop().run_in_executor(executor, fn, *args)


class VirtualClock:
    """Time moves only when nothing can run: to the earliest sleeper's wake-up."""

    def __init__(self) -> None:
        self._t = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._busy = 0

    def now(self) -> float:
        return self._t

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._t + max(0.0, seconds), next(self._seq), future))
        await future

    async def run(self, fn: Callable[..., T], *args: object,
                  executor: Executor | None = None) -> T:
        self._busy += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(executor, fn, *args)
        finally:
            self._busy -= 1

    async def drive(self) -> None:
        """Run beside the code under test (and cancel it after): advances time when idle."""
        while True:
            for _ in range(20):  # let every ready task reach its next wait
                await asyncio.sleep(0)
            if self._busy or not self._sleepers:
                await asyncio.sleep(0.0005)  # a worker thread is busy, or all wait on queues
                continue
            wake, _seq, future = heapq.heappop(self._sleepers)
            if future.cancelled():
                continue
            self._t = max(self._t, wake)
            future.set_result(None)

    @contextlib.asynccontextmanager
    async def driving(self) -> AsyncIterator[VirtualClock]:
        task = asyncio.create_task(self.drive(), name="virtual-clock")
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
