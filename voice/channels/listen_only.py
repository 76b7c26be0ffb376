"""Listen-only channels: one side of a call that a PBX copies to us (AudioSocket, SIPREC).

Audio comes in as the transport receives it; whatever the call would say goes nowhere: the
AI never speaks on such a call.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import numpy as np

from voice.audio import PhoneRate
from voice.channels.base import Digit, Remote
from voice.frames import Pcm

QUEUED = 500  # 10 s of 20 ms frames not yet taken by the call: the oldest are dropped


class NullSink:
    """Listen-only: whatever the call would say is dropped (nobody hears the AI)."""

    tap: Callable[[Pcm], None] | None = None

    async def play(self, pcm: Pcm) -> None:
        pass

    def relay(self, pcm: Pcm) -> None:
        pass

    def clear(self) -> None:
        pass

    @property
    def pending_seconds(self) -> float:
        return 0.0


class TapLeg:
    """One side of a tapped call (the caller's or the agent's voice) as a channel: the
    transport feeds it 8 kHz signed-linear audio as it comes."""

    def __init__(self, remote: Remote, close: Callable[[], None] = lambda: None,
                 kind: str = "audiosocket") -> None:
        self.kind = kind  # "audiosocket", "siprec": the metrics' channel label
        self.remote = remote
        self.connected = asyncio.Event()
        self.gone = asyncio.Event()
        self.out = NullSink()
        self.dropped = 0
        self._close = close
        self._in: asyncio.Queue[Pcm | Digit | None] = asyncio.Queue(QUEUED)
        self._rate = PhoneRate()
        self.last_audio = time.monotonic()  # (a transport's watchdog reads it)

    def feed(self, pcm8k: bytes) -> None:
        """Audio as it came (8 kHz, 16-bit little-endian)."""
        self.last_audio = time.monotonic()
        samples = np.frombuffer(pcm8k[:len(pcm8k) - len(pcm8k) % 2], dtype="<i2")
        if len(samples):
            self.connected.set()
            self._put(self._rate.up(samples))

    def key(self, digit: str) -> None:
        self._put(Digit(digit))

    def _put(self, item: Pcm | Digit) -> None:
        if self._in.full():  # the call fell behind: the oldest audio goes
            self._in.get_nowait()
            self.dropped += 1
        self._in.put_nowait(item)

    def end(self) -> None:
        if not self.gone.is_set():
            self.gone.set()
            if self._in.full():
                self._in.get_nowait()
            self._in.put_nowait(None)

    async def inbound(self) -> AsyncIterator[Pcm | Digit]:
        while True:
            item = await self._in.get()
            if item is None:
                return
            yield item

    async def hang_up(self) -> None:
        """Stop listening (the PBX's call goes on: only our copy ends)."""
        self.end()
        self._close()
