"""The models one running service uses: chosen from the cache by the settings, loaded once."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from enum import StrEnum
from importlib.resources import files
from pathlib import Path
from typing import Protocol

from dialog.domain import DISTRICTS_EN
from dialog.llm import LocalLLM
from hotline.config import Settings
from hotline.dialogs import DialogFactory, dialog_factory
from hotline.prompts import fixed_prompts
from models.manifest import Role, builtin_manifest
from models.store import ModelError, ModelStore
from voice.asr import WhisperASR
from voice.place_names import PlaceNames
from voice.tts import EspeakMandarinTTS, PiperTTS, VoiceBox

log = logging.getLogger(__name__)


class Loadable(Protocol):
    @property
    def loaded(self) -> bool: ...

    def load(self) -> None: ...


class LoadState(StrEnum):
    PENDING = "pending"
    LOADING = "loading"
    LOADED = "loaded"
    FAILED = "failed"
    MISSING = "missing"


@dataclass
class Slot:
    """One model the service needs, and how far its loading got."""

    role: str
    name: str | None
    engine: Loadable | None
    state: LoadState = LoadState.PENDING
    error: str | None = None
    seconds: float | None = None

    def as_json(self) -> dict[str, object]:
        return {"model": self.name, "state": self.state.value, "error": self.error,
                "load_seconds": None if self.seconds is None else round(self.seconds, 2)}


@dataclass
class Runtime:
    """ASR, LLM and TTS engines for the settings in force."""

    store: ModelStore
    asr: WhisperASR | None = None
    llm: LocalLLM | None = None
    tts_en: PiperTTS | None = None
    tts_zh: PiperTTS | EspeakMandarinTTS | None = None
    slots: dict[str, Slot] = field(default_factory=dict)

    def voices(self) -> VoiceBox:
        """The voice for each language; Mandarin falls back to espeak-ng."""
        zh = self.tts_zh or EspeakMandarinTTS()
        return VoiceBox({"zh": zh, "en": self.tts_en or zh})

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        store = ModelStore(settings.models_dir, builtin_manifest())
        rt = cls(store)
        places = PlaceNames.from_file(  # voice/ keeps no city data: dialog/ has the names
            DISTRICTS_EN, Path(str(files("dialog").joinpath("data/places_en.toml"))))
        rt._pick("asr", Role.ASR, "zh", settings.asr_model,
                 lambda p, _n: WhisperASR(p, threads=settings.asr_threads, places=places))
        rt._pick("llm", Role.LLM, "zh", settings.llm_model,
                 lambda p, n: LocalLLM(p / _single_file(rt.store, n), threads=settings.llm_threads,
                                       context=settings.llm_context))
        rt._pick("tts_en", Role.TTS, "en", settings.tts_voice_en,
                 lambda p, n: PiperTTS(p / _onnx_file(rt.store, n), "en"))
        rt._pick("tts_zh", Role.TTS, "zh", settings.tts_voice_zh,
                 lambda p, n: PiperTTS(p / _onnx_file(rt.store, n), "zh"))
        if rt.slots["tts_zh"].engine is None:  # no Mandarin piper voice: espeak-ng instead
            rt.slots["tts_zh"] = Slot("tts_zh", "espeak-ng cmn-latn-pinyin", EspeakMandarinTTS())
        asr, llm, en, zh = (rt.slots[k].engine for k in ("asr", "llm", "tts_en", "tts_zh"))
        rt.asr = asr if isinstance(asr, WhisperASR) else None
        rt.llm = llm if isinstance(llm, LocalLLM) else None
        rt.tts_en = en if isinstance(en, PiperTTS) else None
        rt.tts_zh = zh if isinstance(zh, PiperTTS | EspeakMandarinTTS) else None
        return rt

    def _pick(self, key: str, role: Role, language: str, name: str | None, make: _Maker) -> None:
        try:
            entry = self.store.best(role, language, name)
        except ModelError as exc:
            self.slots[key] = Slot(key, name, None, LoadState.MISSING, str(exc))
            return
        engine = make(self.store.cache_dir / entry.name, entry.name)
        self.slots[key] = Slot(key, entry.name, engine)

    async def load_all(self) -> None:
        """Load each engine in a worker thread, one after another (2 cores: no gain in parallel)."""
        for slot in self.slots.values():
            if slot.engine is None:
                continue
            slot.state = LoadState.LOADING
            started = time.perf_counter()
            try:
                await asyncio.to_thread(slot.engine.load)
            except Exception as exc:  # a broken model file must not take the service down
                slot.state, slot.error = LoadState.FAILED, f"{type(exc).__name__}: {exc}"
                log.error("loading %s model %s failed: %s", slot.role, slot.name, exc)
                continue
            slot.seconds = time.perf_counter() - started
            slot.state = LoadState.LOADED
            log.info("%s model %s loaded in %.1f s", slot.role, slot.name, slot.seconds)

    def health(self) -> tuple[bool, dict[str, object]]:
        """(healthy, body): unhealthy once a model is missing or failed to load."""
        bad = {LoadState.FAILED, LoadState.MISSING}
        healthy = not any(s.state in bad for s in self.slots.values())
        loading = any(s.state in {LoadState.PENDING, LoadState.LOADING}
                      for s in self.slots.values() if s.engine is not None)
        status = "degraded" if not healthy else ("starting" if loading else "ok")
        body: dict[str, object] = {"status": status,
                                   "models": {k: s.as_json() for k, s in self.slots.items()}}
        body["warnings"] = [w for w in (self.voice_warning(),) if w]
        return healthy, body

    def voice_warning(self) -> str | None:
        """Said plainly where Mandarin callers hear espeak-ng's robotic voice."""
        if isinstance(self.tts_zh, PiperTTS):
            return None
        return ("Mandarin callers hear the robotic fallback voice (espeak-ng): no Mandarin "
                "piper voice is installed (hotline models pull piper-zh_CN-huayan-medium)")


class _Maker(Protocol):
    def __call__(self, folder: Path, name: str, /) -> Loadable: ...


def _single_file(store: ModelStore, name: str) -> str:
    return store.manifest.get(name).files[0].name


def _onnx_file(store: ModelStore, name: str) -> str:
    return next(f.name for f in store.manifest.get(name).files if f.name.endswith(".onnx"))


@dataclass
class SpeechStack:
    """What a call needs once the models are loaded."""

    factory: DialogFactory
    asr: WhisperASR
    voices: VoiceBox


def speech_stack(settings: Settings, runtime: Runtime, database_url: str | None = None,
                 use_llm: bool = True) -> SpeechStack:
    """Dialogs sharing the runtime's LLM, its recogniser, and voices with the fixed prompts
    already synthesised. Blocking (knowledge base, prompts): call from a worker thread."""
    if runtime.asr is None:
        raise ModelError("no ASR model is loaded: calls cannot be answered")
    factory = dialog_factory(settings, database_url, use_llm=use_llm and runtime.llm is not None,
                             llm=runtime.llm)
    voices = runtime.voices()
    voices.warm(fixed_prompts())
    return SpeechStack(factory, runtime.asr, voices)
