"""Outgoing WebRTC audio: the bot's voice, an agent's voice to the caller, or the caller's voice
to the agent — 20 ms frames of 16 kHz mono, paced in real time."""

from __future__ import annotations

import asyncio
import fractions
import time
from collections import deque
from collections.abc import Callable
from typing import cast

import numpy as np
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError
from av import AudioFrame

from voice.frames import FRAME_SAMPLES, SAMPLE_RATE, Pcm


class BotAudioTrack(AudioStreamTrack):
    """Outgoing audio as a WebRTC track: the bot's voice (the pipeline's ``AudioSink``), an
    agent's voice to the caller, or the caller's voice to the agent.

    ``max_frames`` bounds the backlog for relayed live audio: when the sender runs ahead,
    the oldest audio goes, so the delay between two people never grows.
    """

    def __init__(self, max_frames: int | None = None,
                 tap: Callable[[Pcm], None] | None = None) -> None:
        super().__init__()
        self._frames: deque[Pcm] = deque(maxlen=max_frames)
        self.tap = tap  # sees every frame as it is sent (the call recording)
        self._partial: Pcm = np.zeros(0, np.int16)
        self._t0: float | None = None
        self._sent = 0

    async def play(self, pcm: Pcm) -> None:
        self._frames.append(pcm)

    def relay(self, pcm: Pcm) -> None:
        """Live audio of any length, cut into 20 ms frames."""
        if len(self._partial):
            pcm = cast(Pcm, np.concatenate([self._partial, pcm]))
        whole = len(pcm) - len(pcm) % FRAME_SAMPLES
        for start in range(0, whole, FRAME_SAMPLES):
            self._frames.append(pcm[start:start + FRAME_SAMPLES])
        self._partial = pcm[whole:]

    def clear(self) -> None:
        self._frames.clear()

    @property
    def pending_seconds(self) -> float:
        """Audio queued but not yet sent."""
        return len(self._frames) * FRAME_SAMPLES / SAMPLE_RATE

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._t0 is None:
            self._t0 = time.time()
        else:  # one 20 ms frame per 20 ms
            await asyncio.sleep(max(0.0, self._t0 + self._sent * 0.02 - time.time()))
        pcm = self._frames.popleft() if self._frames else np.zeros(FRAME_SAMPLES, np.int16)
        if len(pcm) < FRAME_SAMPLES:
            pcm = np.concatenate([pcm, np.zeros(FRAME_SAMPLES - len(pcm), np.int16)])
        if self.tap is not None:
            self.tap(pcm)
        frame = AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._sent * FRAME_SAMPLES
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self._sent += 1
        return frame
