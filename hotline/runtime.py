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
from dialog.llm import LLM, LocalLLM
from dialog.llm_server import ServerLLM
from hotline.config import Settings
from hotline.dialogs import DialogFactory, configured_llm, dialog_factory
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
    llm: LLM | None = None
    tts_en: PiperTTS | None = None
    tts_zh: PiperTTS | EspeakMandarinTTS | None = None
    slots: dict[str, Slot] = field(default_factory=dict)
    _probe: asyncio.Task[object] | None = field(default=None, repr=False)  # (kept: not GC'd)

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
        try:  # in this process, or a server's (llm_url)
            name, llm_engine = configured_llm(settings, store)
            rt.slots["llm"] = Slot("llm", name, llm_engine)
        except ModelError as exc:
            rt.slots["llm"] = Slot("llm", settings.llm_model, None, LoadState.MISSING, str(exc))
        rt._pick("tts_en", Role.TTS, "en", settings.tts_voice_en,
                 lambda p, n: PiperTTS(p / _onnx_file(rt.store, n), "en"))
        rt._pick("tts_zh", Role.TTS, "zh", settings.tts_voice_zh,
                 lambda p, n: PiperTTS(p / _onnx_file(rt.store, n), "zh"))
        if rt.slots["tts_zh"].engine is None:  # no Mandarin piper voice: espeak-ng instead
            rt.slots["tts_zh"] = Slot("tts_zh", "espeak-ng cmn-latn-pinyin", EspeakMandarinTTS())
        asr, llm, en, zh = (rt.slots[k].engine for k in ("asr", "llm", "tts_en", "tts_zh"))
        rt.asr = asr if isinstance(asr, WhisperASR) else None
        rt.llm = llm if isinstance(llm, LocalLLM | ServerLLM) else None
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
        models = {k: s.as_json() for k, s in self.slots.items()}
        body: dict[str, object] = {"status": status, "models": models}
        if isinstance(self.llm, ServerLLM) and "llm" in models:
            models["llm"].update(self._server_health(self.llm))
        body["warnings"] = [w for w in (self.voice_warning(), self.llm_warning()) if w]
        return healthy, body

    @staticmethod
    def _server_health(server: ServerLLM) -> dict[str, object]:
        """Which server, the model it names, and whether it answered when last asked."""
        state = server.state
        return {"model": state.model, "server": server.host, "answering": state.answering,
                "error": state.error}

    def llm_warning(self) -> str | None:
        """A server that does not answer leaves the service up (the rules understand alone,
        the way they do when no model is installed): said here, not as a 503 that would
        take every worker sharing that server out of service at once."""
        if not isinstance(self.llm, ServerLLM) or self.llm.state.answering is not False:
            return None
        return (f"the LLM server {self.llm.host} does not answer ({self.llm.state.error}): "
                "the rules understand alone until it does")

    def refresh_soon(self, older_than_s: float = 10.0) -> None:
        """Ask an LLM server again whether it answers, in the background, when its last word
        is older than ``older_than_s`` (a local model has nothing to ask). Never waited for:
        /healthz answers at once with what is known, the next one sees the new answer."""
        slot = self.slots.get("llm")
        if (not isinstance(self.llm, ServerLLM) or slot is None
                or slot.state is not LoadState.LOADED or not self.llm.stale(older_than_s)
                or (self._probe is not None and not self._probe.done())):
            return
        self._probe = asyncio.get_running_loop().create_task(
            asyncio.to_thread(self.llm.probe), name="llm-server-probe")

    def voice_warning(self) -> str | None:
        """Said plainly where Mandarin callers hear espeak-ng's robotic voice."""
        if isinstance(self.tts_zh, PiperTTS):
            return None
        return ("Mandarin callers hear the robotic fallback voice (espeak-ng): no Mandarin "
                "piper voice is installed (hotline models pull piper-zh_CN-huayan-medium)")


class _Maker(Protocol):
    def __call__(self, folder: Path, name: str, /) -> Loadable: ...


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
