"""Every event that flows through a call's speech pipeline, in one place.

Audio inside the pipeline is always 16 kHz mono signed 16-bit (converted once, at the edge).
On a barge-in, data events (audio, text) still queued for the bot's turn are dropped; control
events (speech started/stopped, interrupt, hang-up) are never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 16_000
FRAME_MS = 20
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000  # 320

Pcm = npt.NDArray[np.int16]


@dataclass(frozen=True)
class Event:
    """Base of all pipeline events. ``t`` is the call's clock in seconds."""

    t: float

    @property
    def control(self) -> bool:
        """Control events survive an interruption; data events are flushed."""
        return False


@dataclass(frozen=True)
class AudioFrame(Event):
    """20 ms of caller audio, 16 kHz mono s16."""

    pcm: Pcm = field(repr=False, default_factory=lambda: np.zeros(FRAME_SAMPLES, np.int16))


@dataclass(frozen=True)
class SpeechStarted(Event):
    @property
    def control(self) -> bool:
        return True


@dataclass(frozen=True)
class SpeechPaused(Event):
    """A short pause inside an utterance: a chance to start recognising early (speculation)."""

    audio: Pcm = field(repr=False, default_factory=lambda: np.zeros(0, np.int16))

    @property
    def control(self) -> bool:
        return True


@dataclass(frozen=True)
class SpeechStopped(Event):
    """The end of an utterance: ``audio`` is all of it; ``speech_end`` when the voice stopped."""

    audio: Pcm = field(repr=False, default_factory=lambda: np.zeros(0, np.int16))
    speech_end: float = 0.0

    @property
    def control(self) -> bool:
        return True


@dataclass(frozen=True)
class Transcript(Event):
    text: str = ""
    language: str = "zh"
    confidence: float = 0.0


@dataclass(frozen=True)
class BotText(Event):
    """One sentence the bot is to say."""

    text: str = ""
    language: str = "zh"


@dataclass(frozen=True)
class BotAudio(Event):
    """Synthesised audio of one sentence (16 kHz mono s16)."""

    text: str = ""
    pcm: Pcm = field(repr=False, default_factory=lambda: np.zeros(0, np.int16))


@dataclass(frozen=True)
class Interrupt(Event):
    """The caller spoke over the bot: stop its turn now."""

    @property
    def control(self) -> bool:
        return True


@dataclass(frozen=True)
class HangUp(Event):
    reason: str = ""

    @property
    def control(self) -> bool:
        return True
