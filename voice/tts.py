"""Speech synthesis with piper, from a local ONNX voice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from models.loading import Lazy


@dataclass(frozen=True)
class Speech:
    pcm: npt.NDArray[np.int16]
    sample_rate: int


class PiperTTS:
    """A piper voice on the CPU. ``synthesize`` blocks: call it from a worker thread."""

    def __init__(self, onnx_path: Path) -> None:
        self.onnx_path = onnx_path
        self._voice: Lazy[Any] = Lazy(lambda: _load(onnx_path))

    @property
    def loaded(self) -> bool:
        return self._voice.loaded

    def load(self) -> None:
        self._voice.get()

    def synthesize(self, text: str) -> Speech:
        voice = self._voice.get()
        chunks = [c.audio_int16_array for c in voice.synthesize(text)]
        rate = int(voice.config.sample_rate)
        pcm = np.concatenate(chunks).astype(np.int16) if chunks else np.zeros(0, np.int16)
        return Speech(pcm, rate)


def _load(onnx_path: Path) -> Any:
    from piper import PiperVoice

    # download_dir only matters for voices needing extra resources; keep it beside the voice.
    return PiperVoice.load(onnx_path, download_dir=onnx_path.parent)
