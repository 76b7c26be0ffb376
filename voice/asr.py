"""Speech recognition with faster-whisper, from a local CTranslate2 model folder."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from models.loading import Lazy

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str
    confidence: float  # 0..1, from the mean token log-probability


class WhisperASR:
    """faster-whisper on the CPU (int8). ``transcribe`` blocks: call it from a worker thread."""

    def __init__(self, model_dir: Path, threads: int = 2, max_new_tokens: int = 128) -> None:
        self.model_dir = model_dir
        self.max_new_tokens = max_new_tokens
        self._model: Lazy[Any] = Lazy(lambda: _load(model_dir, threads))

    @property
    def loaded(self) -> bool:
        return self._model.loaded

    def load(self) -> None:
        self._model.get()

    def transcribe(self, pcm: npt.NDArray[np.int16], language: str | None = None) -> Transcript:
        """Transcribe 16 kHz mono s16 audio; segments are collected here, in the caller's thread."""
        audio = pcm.astype(np.float32) / 32768.0
        segments, info = self._model.get().transcribe(
            audio,
            language=language,
            beam_size=1,
            temperature=0.0,
            condition_on_previous_text=False,
            max_new_tokens=self.max_new_tokens,
            vad_filter=False,
        )
        texts, logprobs = [], []
        for seg in segments:  # decoding happens lazily while iterating
            texts.append(seg.text.strip())
            logprobs.append(seg.avg_logprob)
        confidence = math.exp(sum(logprobs) / len(logprobs)) if logprobs else 0.0
        return Transcript(" ".join(t for t in texts if t), info.language, confidence)


def _load(model_dir: Path, threads: int) -> Any:
    from faster_whisper import WhisperModel

    return WhisperModel(
        str(model_dir), device="cpu", compute_type="int8", cpu_threads=threads,
        local_files_only=True,
    )
