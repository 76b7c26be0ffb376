"""Endpointing with webrtcvad: when a caller starts, pauses and stops speaking."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import webrtcvad

from voice.events import Event, SpeechPaused, SpeechStarted, SpeechStopped
from voice.frames import FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE, Pcm


@dataclass(frozen=True)
class VadConfig:
    aggressiveness: int = 2  # webrtcvad 0–3: higher rejects more noise
    start_ms: int = 120  # voiced audio within start_window_ms that starts an utterance
    start_window_ms: int = 240
    pause_ms: int = 160  # a pause this long inside speech: recognise early (speculation)
    hangover_ms: int = 700  # silence this long ends the utterance
    # Adaptive: a short answer ("對", "yes", "no") ends sooner; people pause to think
    # inside long descriptions, seldom inside a one-word reply.
    short_utterance_ms: int = 1200  # speech (from its start to the last voiced frame)
    short_hangover_ms: int = 450
    preroll_ms: int = 240  # audio kept from before the start
    max_utterance_s: float = 30.0  # a monologue is cut into pieces this long
    energy_floor_dbfs: float = -55.0  # quieter frames are silence whatever the VAD says


def dbfs(frame: Pcm) -> float:
    rms = float(np.sqrt(np.mean(frame.astype(np.float64) ** 2))) if len(frame) else 0.0
    return float(20 * np.log10(max(rms, 1e-9) / 32768.0))


class Endpointer:
    """Feed 20 ms frames in order; get SpeechStarted / SpeechPaused / SpeechStopped events."""

    def __init__(self, config: VadConfig | None = None) -> None:
        self.config = config or VadConfig()
        self._vad = webrtcvad.Vad(self.config.aggressiveness)
        self._window: deque[bool] = deque(maxlen=self.config.start_window_ms // FRAME_MS)
        self._preroll: deque[Pcm] = deque(maxlen=self.config.preroll_ms // FRAME_MS)
        self._speech: list[Pcm] = []
        self._in_speech = False
        self._silence_ms = 0
        self._paused = False
        self._last_voiced_t = 0.0
        self._start_t = 0.0

    @property
    def in_speech(self) -> bool:
        return self._in_speech

    def is_voiced(self, frame: Pcm) -> bool:
        if dbfs(frame) < self.config.energy_floor_dbfs:
            return False
        return bool(self._vad.is_speech(frame.astype("<i2").tobytes(), SAMPLE_RATE))

    def push(self, frame: Pcm, t: float) -> list[Event]:
        """One frame whose first sample is at call time ``t`` (seconds)."""
        if len(frame) != FRAME_SAMPLES:
            raise ValueError(f"frames must be {FRAME_SAMPLES} samples, got {len(frame)}")
        voiced = self.is_voiced(frame)
        cfg = self.config
        if not self._in_speech:
            self._window.append(voiced)
            self._preroll.append(frame)
            if sum(self._window) * FRAME_MS >= cfg.start_ms:
                self._in_speech = True
                self._speech = list(self._preroll)
                self._start_t = t + FRAME_MS / 1000 - len(self._speech) * FRAME_MS / 1000
                self._silence_ms, self._paused = 0, False
                self._last_voiced_t = t + FRAME_MS / 1000
                self._window.clear()
                return [SpeechStarted(self._start_t)]
            return []
        self._speech.append(frame)
        if voiced:
            self._silence_ms, self._paused = 0, False
            self._last_voiced_t = t + FRAME_MS / 1000
        else:
            self._silence_ms += FRAME_MS
        events: list[Event] = []
        if self._silence_ms >= cfg.pause_ms and not self._paused:
            self._paused = True
            events.append(SpeechPaused(t + FRAME_MS / 1000, self._audio(trim=True)))
        too_long = len(self._speech) * FRAME_MS >= cfg.max_utterance_s * 1000
        if self._silence_ms >= self._hangover_ms() or too_long:
            events.append(self._stop(t + FRAME_MS / 1000))
        return events

    def _hangover_ms(self) -> int:
        cfg = self.config
        spoken_ms = (self._last_voiced_t - self._start_t) * 1000 - cfg.preroll_ms
        return cfg.short_hangover_ms if spoken_ms < cfg.short_utterance_ms else cfg.hangover_ms

    def flush(self, t: float) -> list[Event]:
        """The stream ended: close an utterance in progress."""
        return [self._stop(t)] if self._in_speech else []

    def _audio(self, trim: bool) -> Pcm:
        audio = np.concatenate(self._speech) if self._speech else np.zeros(0, np.int16)
        if trim and self._silence_ms:
            # keep 100 ms after the last voiced frame
            keep = len(audio) - (self._silence_ms - 100) * SAMPLE_RATE // 1000
            audio = audio[:max(keep, 0)] if keep < len(audio) else audio
        return audio

    def _stop(self, t: float) -> SpeechStopped:
        event = SpeechStopped(t, self._audio(trim=True), speech_end=self._last_voiced_t)
        self._in_speech = False
        self._speech = []
        self._preroll.clear()
        self._silence_ms = 0
        return event
