"""Outgoing audio waiting for its 20 ms slot: what every channel's loudspeaker side shares."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import cast

import numpy as np

from voice.frames import FRAME_SAMPLES, SAMPLE_RATE, Pcm


class FrameQueue:
    """20 ms frames of 16 kHz mono queued for sending (a channel's ``Outbound``).

    ``max_frames`` bounds the backlog for relayed live audio: when the sender runs ahead,
    the oldest audio goes, so the delay between two people never grows.
    """

    def __init__(self, max_frames: int | None = None,
                 tap: Callable[[Pcm], None] | None = None) -> None:
        self._frames: deque[Pcm] = deque(maxlen=max_frames)
        self._partial: Pcm = np.zeros(0, np.int16)
        self.tap = tap  # sees every frame as it is sent (the call recording)

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

    def next_frame(self) -> Pcm:
        """The frame to send now: the next queued one, or silence (the tap sees it)."""
        pcm = self._frames.popleft() if self._frames else np.zeros(FRAME_SAMPLES, np.int16)
        if len(pcm) < FRAME_SAMPLES:
            pcm = cast(Pcm, np.concatenate([pcm, np.zeros(FRAME_SAMPLES - len(pcm), np.int16)]))
        if self.tap is not None:
            self.tap(pcm)
        return pcm
