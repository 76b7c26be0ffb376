"""The pipeline's audio format, and the events the endpointer emits.

Audio inside the pipeline is always 16 kHz mono signed 16-bit (converted once, at the edge).
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


@dataclass(frozen=True)
class SpeechStarted(Event):
    """Enough voiced audio to say the caller is speaking (``t`` includes the pre-roll)."""
    @property
    def control(self) -> bool:
        return True


@dataclass(frozen=True)
class SpeechPaused(Event):
    """A short pause inside an utterance: a chance to start recognising early (speculation)."""

    audio: Pcm = field(repr=False, default_factory=lambda: np.zeros(0, np.int16))


@dataclass(frozen=True)
class SpeechStopped(Event):
    """The end of an utterance: ``audio`` is all of it; ``speech_end`` when the voice stopped."""

    audio: Pcm = field(repr=False, default_factory=lambda: np.zeros(0, np.int16))
    speech_end: float = 0.0
