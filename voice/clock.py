"""Call time: the wall clock for live calls, a virtual clock for tests and benches.

The virtual clock jumps to the next wake-up whenever every task is waiting, so a scripted
minute-long call runs in milliseconds with exact timings. Work sent to a worker thread
through ``run`` either holds time still until it returns (tests with fakes: instant models),
or, with ``work_takes_time``, lets time flow as on the wall clock while any such work is in
flight (benches with the real models: only idle time is skipped, so every figure is what a
live call would see, and calls running at once contend for the CPUs for real).
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
    """Time jumps when nothing can run: to the earliest sleeper's wake-up."""

    def __init__(self, work_takes_time: bool = False) -> None:
        self.work_takes_time = work_takes_time
        self._t = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._busy = 0
        self._flowing_since = 0.0  # wall time when work began (work_takes_time)

    def now(self) -> float:
        if self._busy and self.work_takes_time:
            return self._t + time.monotonic() - self._flowing_since
        return self._t

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now() + max(0.0, seconds), next(self._seq), future))
        await future

    async def run(self, fn: Callable[..., T], *args: object,
                  executor: Executor | None = None) -> T:
        if not self._busy:
            self._flowing_since = time.monotonic()
        self._busy += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(executor, fn, *args)
        finally:
            if self._busy == 1:
                self._t = self.now()
            self._busy -= 1

    async def drive(self) -> None:
        """Run beside the code under test (and cancel it after): advances time when idle."""
        while True:
            for _ in range(20):  # let every ready task reach its next wait
                await asyncio.sleep(0)
            if self._sleepers and self._sleepers[0][2].cancelled():
                heapq.heappop(self._sleepers)
                continue
            if self._busy and self.work_takes_time and self._sleepers:
                # time flows: wake whoever is due by now, as the wall clock would
                if self._sleepers[0][0] <= self.now():
                    heapq.heappop(self._sleepers)[2].set_result(None)
                else:
                    await asyncio.sleep(min(0.002, self._sleepers[0][0] - self.now()))
                continue
            if self._busy or not self._sleepers:
                await asyncio.sleep(0.0005)  # a worker thread is busy, or all wait on queues
                continue
            wake, _seq, future = heapq.heappop(self._sleepers)
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
