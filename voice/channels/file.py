"""A scripted caller as a channel: ``simulate --audio``, ``bench speech`` and tests.

Each line of the script (a recording, or synthesised speech) is said on the call's clock the
way a patient caller would: after the bot's answer to the previous line has been heard, and a
short gap; silence flows in between, as on a real line. The bot's audio is kept with the time
it went out, so the call can be written as a stereo WAV (caller left, bot right).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence

import numpy as np

from voice.audio import frames
from voice.channels.base import Digit, Remote
from voice.clock import Clock
from voice.frames import FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE, Pcm
from voice.vad import dbfs

GAP_S = 0.6  # the caller starts talking this long after the bot stops
PATIENCE_S = 12.0  # a caller who hears nothing for this long says the next line anyway
_SILENCE = np.zeros(FRAME_SAMPLES, np.int16)


def voice_end(pcm: Pcm, threshold_dbfs: float = -45.0) -> float:
    """Seconds from the start of ``pcm`` to the end of its last voiced frame."""
    last = 0
    for i, frame in enumerate(frames(pcm)):
        if dbfs(frame) > threshold_dbfs:
            last = i + 1
    return last * FRAME_MS / 1000


class RecordedSink:
    """The far end's loudspeaker: every frame kept with the call time it was sent."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.sent: list[tuple[float, Pcm]] = []
        self.tap: Callable[[Pcm], None] | None = None

    async def play(self, pcm: Pcm) -> None:
        self.relay(pcm)

    def relay(self, pcm: Pcm) -> None:
        self.sent.append((self.clock.now(), pcm))
        if self.tap is not None:
            self.tap(pcm)

    def clear(self) -> None:
        """Frames go out as they are played: nothing is ever queued here."""

    @property
    def pending_seconds(self) -> float:
        return 0.0


class ScriptedCaller:
    kind = "file"

    def __init__(self, lines: Sequence[Pcm], clock: Clock, gap_s: float = GAP_S,
                 patience_s: float = PATIENCE_S, name: str = "file") -> None:
        self.lines = list(lines)
        self.clock = clock
        self.gap_s = gap_s
        self.patience_s = patience_s
        self.remote = Remote(name)
        self.out = RecordedSink(clock)
        self.connected = asyncio.Event()
        self.connected.set()
        self.gone = asyncio.Event()
        self.said: list[tuple[float, Pcm]] = []  # (call time the line started, its audio)
        self.voice_ends: list[float] = []  # call time each line's voice ended
        self._heard_at = -1.0  # call time the bot last stopped talking

    def bot_stopped(self) -> None:
        """The bot's turn stopped playing (the call's owner tells the caller)."""
        self._heard_at = self.clock.now()

    async def inbound(self) -> AsyncIterator[Pcm | Digit]:
        for pcm in [*self.lines, None]:
            # silence until the answer to the last line has been heard, then a short gap
            since = self.voice_ends[-1] if self.voice_ends else 0.0
            while self._heard_at <= since and not self.gone.is_set() and \
                    self.clock.now() - max(since, self._last_sound()) < self.patience_s:
                yield _SILENCE
                await self.clock.sleep(FRAME_MS / 1000)
            for _ in range(round(self.gap_s * 1000 / FRAME_MS)):
                yield _SILENCE
                await self.clock.sleep(FRAME_MS / 1000)
            if pcm is None or self.gone.is_set():
                return
            start = self.clock.now()
            self.said.append((start, pcm))
            self.voice_ends.append(start + voice_end(pcm))
            for i in range(0, len(pcm), FRAME_SAMPLES):
                frame = pcm[i:i + FRAME_SAMPLES]
                if len(frame) < FRAME_SAMPLES:
                    frame = np.concatenate([frame, _SILENCE[len(frame):]])
                yield frame
                await self.clock.sleep(FRAME_MS / 1000)

    def _last_sound(self) -> float:
        return self.out.sent[-1][0] if self.out.sent else 0.0

    async def hang_up(self) -> None:
        self.gone.set()

    def stereo(self) -> Pcm:
        """The call on one timeline: caller left, bot right (shape (n, 2))."""
        items = [(0, t, p) for t, p in self.said] + [(1, t, p) for t, p in self.out.sent]
        end = max([t + len(p) / SAMPLE_RATE for _c, t, p in items] or [0.0])
        out = np.zeros((int(end * SAMPLE_RATE) + 1, 2), np.int16)
        for channel, t, pcm in items:
            start = int(t * SAMPLE_RATE)
            out[start:start + len(pcm), channel] = pcm[: len(out) - start]
        return out
