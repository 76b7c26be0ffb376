"""Load each model once, lazily, behind a lock (shared by ASR, LLM and TTS wrappers)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


def force_offline() -> None:
    """Make every hub-aware library refuse to touch the network."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ[var] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    # transformers (a pinyin voice's tokenizer) would warn at every start that torch is absent
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    # llama.cpp's OpenMP threads spin when idle and starve the other stages without this.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class Lazy(Generic[T]):
    """A value built on first use by one thread; others wait for it."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: T | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._value is not None

    def get(self) -> T:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    force_offline()
                    self._value = self._build()
        return self._value
