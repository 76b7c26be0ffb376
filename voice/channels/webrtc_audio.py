"""Outgoing WebRTC audio: the bot's voice, an agent's voice to the caller, or the caller's voice
to the agent — 20 ms frames of 16 kHz mono, paced in real time."""

from __future__ import annotations

import asyncio
import fractions
import time
from collections.abc import Callable

from aiortc.mediastreams import AudioStreamTrack, MediaStreamError
from av import AudioFrame

from voice.channels.frame_queue import FrameQueue
from voice.frames import FRAME_SAMPLES, SAMPLE_RATE, Pcm


class BotAudioTrack(AudioStreamTrack, FrameQueue):
    """Outgoing audio as a WebRTC track: the bot's voice (the pipeline's ``AudioSink``), an
    agent's voice to the caller, or the caller's voice to the agent, paced in real time."""

    def __init__(self, max_frames: int | None = None,
                 tap: Callable[[Pcm], None] | None = None) -> None:
        AudioStreamTrack.__init__(self)
        FrameQueue.__init__(self, max_frames, tap)
        self._t0: float | None = None
        self._sent = 0

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._t0 is None:
            self._t0 = time.time()
        else:  # one 20 ms frame per 20 ms
            await asyncio.sleep(max(0.0, self._t0 + self._sent * 0.02 - time.time()))
        pcm = self.next_frame()
        frame = AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._sent * FRAME_SAMPLES
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self._sent += 1
        return frame
