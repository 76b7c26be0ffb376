"""Server-sent events: the live views' one wire format (``data: <json>`` and a blank line),
a few streams per client at most, and a comment ping now and then so a dead client is
noticed (its write fails, the stream ends and its slot is free again)."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

PING_S = 15.0
PING = b": ping\n\n"


@dataclass
class StreamSlots:
    """How many event streams are open per key (a call, an agent session): at most
    ``per_key``; each pings after ``ping_s`` without anything sent."""

    per_key: int = 3
    ping_s: float = PING_S
    clock: Callable[[], float] = time.monotonic
    _open: Counter[str] = field(default_factory=Counter)

    def take(self, key: str) -> bool:
        if self._open[key] >= self.per_key:
            return False
        self._open[key] += 1
        return True

    def give_back(self, key: str) -> None:
        self._open[key] -= 1
        if self._open[key] <= 0:
            del self._open[key]

    def count(self, key: str) -> int:
        return self._open.get(key, 0)


STREAMS = web.AppKey("event_streams", StreamSlots)


class EventStream:
    """One open stream, holding its slot until the ``async with`` block ends. A client
    that went away ends the block quietly (its write fails)."""

    def __init__(self, response: web.StreamResponse, slots: StreamSlots, key: str) -> None:
        self.response = response
        self._slots = slots
        self._key = key
        self._last_write = slots.clock()

    async def send(self, data: Any) -> None:
        await self._write(f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode())

    async def ping_if_due(self) -> None:
        if self._slots.clock() - self._last_write >= self._slots.ping_s:
            await self._write(PING)

    def wait_s(self, tick: float) -> float:
        """How long to wait for news: ``tick`` at most, and no later than the next ping."""
        due = self._last_write + self._slots.ping_s - self._slots.clock()
        return max(0.0, min(tick, due))

    async def _write(self, chunk: bytes) -> None:
        await self.response.write(chunk)
        self._last_write = self._slots.clock()

    async def __aenter__(self) -> EventStream:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> bool:
        self._slots.give_back(self._key)
        return kind is not None and issubclass(kind, ConnectionError)  # the client left


async def open_stream(request: web.Request, key: str) -> EventStream | web.Response:
    """A stream for ``key``, or 429 when that key already has its streams open."""
    slots = request.config_dict[STREAMS]
    if not slots.take(key):
        return web.json_response(
            {"error": f"too many open event streams (at most {slots.per_key})"}, status=429)
    try:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                               "Cache-Control": "no-store"})
        await response.prepare(request)
    except BaseException:
        slots.give_back(key)
        raise
    return EventStream(response, slots, key)
