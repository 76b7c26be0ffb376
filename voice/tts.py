"""Speech synthesis: piper voices, and espeak-ng for Mandarin when no Mandarin voice is installed.

Every engine returns 16 kHz mono s16, the pipeline's one format. ``synthesize`` blocks: call it
from a worker thread, one sentence at a time so a barge-in can stop between sentences.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
import wave
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from pypinyin import Style, lazy_pinyin

from models.loading import Lazy
from voice.audio import convert
from voice.frames import SAMPLE_RATE
from voice.speech_text import has_han, script_language, speakable_en, speakable_zh


@dataclass(frozen=True)
class Speech:
    pcm: npt.NDArray[np.int16]  # 16 kHz mono
    sample_rate: int = SAMPLE_RATE

    @property
    def seconds(self) -> float:
        return len(self.pcm) / self.sample_rate


class Synthesizer(Protocol):
    language: str

    @property
    def loaded(self) -> bool: ...

    def load(self) -> None: ...

    def synthesize(self, text: str) -> Speech: ...


class TTSError(RuntimeError):
    """Synthesis failed; the message says which engine and why."""


class PiperTTS:
    """A piper ONNX voice on the CPU."""

    def __init__(self, onnx_path: Path, language: str = "en") -> None:
        self.onnx_path = onnx_path
        self.language = language
        self._voice: Lazy[Any] = Lazy(lambda: _load_piper(onnx_path))

    @property
    def loaded(self) -> bool:
        return self._voice.loaded

    def load(self) -> None:
        self._voice.get()

    def synthesize(self, text: str) -> Speech:
        voice = self._voice.get()
        spoken = speakable_en(text) if self.language == "en" else speakable_zh(text)
        chunks = [c.audio_int16_array for c in voice.synthesize(spoken)]
        if not chunks:
            return Speech(np.zeros(0, np.int16))
        return Speech(convert(np.concatenate(chunks), int(voice.config.sample_rate)))


G2PW_DIR = "g2pW"  # where the model cache unpacks a pinyin voice's g2pw.tar.gz


def _load_piper(onnx_path: Path) -> Any:
    from piper import PiperVoice
    from piper.config import PhonemeType

    # download_dir only matters for voices that need extra resources; keep it beside the voice.
    voice = PiperVoice.load(onnx_path, download_dir=onnx_path.parent)
    if voice.config.phoneme_type == PhonemeType.PINYIN:
        # piper keeps its phonemizer there and builds one (downloading) only when it is unset
        voice._chinese_phonemizer = _pinyin_phonemizer(onnx_path.parent)  # type: ignore[attr-defined]
    return voice


def _literal_config(path: Path) -> dict[str, Any]:
    """g2pW's ``config.py`` read as data: piper would run the file, which came from a hub."""
    import ast

    from piper.g2pw_onnx import _CONFIG_DEFAULTS

    values: dict[str, Any] = {}
    try:
        body = ast.parse(path.read_text(encoding="utf-8")).body
    except (SyntaxError, ValueError, OSError) as exc:
        raise TTSError(f"{path}: not a readable g2pW config: {exc}") from exc
    for node in body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 \
            else node.target if isinstance(node, ast.AnnAssign) else None
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if not isinstance(target, ast.Name) or value is None:
            continue
        try:
            values[target.id] = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, RecursionError):
            continue  # an expression: not one of the settings read here
    return {key: values.get(key, default) for key, default in _CONFIG_DEFAULTS.items()}


def _pinyin_phonemizer(folder: Path) -> Any:
    """piper's g2pW phonemizer, every file from the model cache.

    Left to itself piper downloads g2pW from a hub on first use, and g2pW's config names the
    hub's ``bert-base-chinese`` tokenizer; the manifest brings both into the voice's folder
    (``hotline models pull``), and a missing file is an error here, never a download."""
    from piper.g2pw_onnx import G2PWOnnxConverter
    from piper.phonemize_chinese import ChinesePhonemizer
    from unicode_rbnf import RbnfEngine

    g2pw = folder / G2PW_DIR
    needed = [g2pw / "g2pw.onnx", g2pw / "config.py", g2pw / "POLYPHONIC_CHARS.txt",
              g2pw / "MONOPHONIC_CHARS.txt", folder / "vocab.txt"]
    missing = [str(p.relative_to(folder)) for p in needed if not p.is_file()]
    if missing:
        raise TTSError(f"{folder.name}: a pinyin voice needs {', '.join(missing)} in its "
                       f"folder: pull it again (hotline models pull {folder.name})")
    class CachedG2PW(G2PWOnnxConverter):
        @staticmethod
        def _load_config(config_path: Path) -> dict[str, Any]:
            return _literal_config(config_path)

    phonemizer = ChinesePhonemizer.__new__(ChinesePhonemizer)  # its __init__ would download
    phonemizer.g2p = CachedG2PW(model_dir=g2pw, style="pinyin", enable_non_tradional_chinese=True,
                                model_source=str(folder))
    phonemizer.number_engine = RbnfEngine.for_language("zh")
    return phonemizer


class EspeakMandarinTTS:
    """espeak-ng's Mandarin, fed Hanyu Pinyin with tone numbers (the cmn-latn-pinyin voice).

    Formant speech: intelligible, not pleasant. It stands in until an operator installs a
    Mandarin piper voice.
    """

    language = "zh"

    def __init__(self, speed_wpm: int = 165, executable: str | None = None) -> None:
        self.speed_wpm = speed_wpm
        self._exe = executable or shutil.which("espeak-ng")

    @property
    def loaded(self) -> bool:
        return self._exe is not None

    def load(self) -> None:
        if self._exe is None:
            raise TTSError("espeak-ng is not installed (sudo apt-get install espeak-ng)")

    @staticmethod
    def to_pinyin(text: str) -> str:
        """漢字 → 'han4 zi4', punctuation kept as pauses; Latin words pass through."""
        syllables = lazy_pinyin(speakable_zh(text), style=Style.TONE3,
                                neutral_tone_with_five=True, errors="default")
        out = []
        for s in syllables:
            s = s.strip()
            if not s:
                continue
            out.append("," if all(ch in "，、；：,;:" for ch in s) else
                       "." if all(ch in "。！？!?." for ch in s) else s)
        return " ".join(out)

    def synthesize(self, text: str) -> Speech:
        self.load()
        assert self._exe is not None
        pinyin = self.to_pinyin(text)
        if not pinyin.strip(" ,."):
            return Speech(np.zeros(0, np.int16))
        result = subprocess.run(
            [self._exe, "-v", "cmn-latn-pinyin", "-s", str(self.speed_wpm), "--stdout", pinyin],
            capture_output=True, check=False, timeout=30,
        )
        if result.returncode != 0 or not result.stdout:
            raise TTSError(f"espeak-ng failed: {result.stderr.decode(errors='replace')[:200]}")
        with wave.open(io.BytesIO(result.stdout)) as wav:
            rate = wav.getframerate()
            raw = wav.readframes(wav.getnframes())
        return Speech(convert(np.frombuffer(raw, dtype="<i2"), rate))


class VoiceBox:
    """The voice for each language, with a cache of the fixed prompts (greeting, questions)."""

    def __init__(self, voices: dict[str, Synthesizer], cache_size: int = 128) -> None:
        self.voices = voices
        self._cache: OrderedDict[tuple[str, str], Speech] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def synthesize(self, text: str, language: str) -> Speech:
        if language == "zh" and "en" in self.voices and script_language(text) == "en" \
                and not has_han(text):
            language = "en"  # the greeting's "For English, …" line, in an English voice
        voice = self.voices.get(language) or self.voices["zh"]
        key = (language, text)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        speech = voice.synthesize(text)
        with self._lock:
            self._cache[key] = speech
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return speech

    def warm(self, phrases: list[tuple[str, str]]) -> None:
        """Synthesise fixed prompts ahead of the first call."""
        for text, language in phrases:
            self.synthesize(text, language)
