"""The default models, for real: installed, verified, loaded and doing their jobs."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from hotline.config import load_settings
from hotline.runtime import LoadState, Runtime
from models.manifest import builtin_manifest
from models.store import FileState, ModelStore
from voice.audio import read_audio

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    settings = load_settings()
    rt = Runtime.from_settings(settings)
    missing = {k: s.error for k, s in rt.slots.items() if s.engine is None}
    assert not missing, f"default models not installed (run scripts/setup.sh): {missing}"
    asyncio.run(rt.load_all())
    assert {s.state for s in rt.slots.values()} == {LoadState.LOADED}, rt.health()
    return rt


def test_default_models_verify() -> None:
    store = ModelStore(load_settings().models_dir, builtin_manifest())
    checks = store.verify([m.name for m in store.manifest.defaults()])
    assert checks and {c.state for c in checks} == {FileState.OK}, checks


def test_piper_speech_is_understood_by_whisper(runtime: Runtime) -> None:
    assert runtime.tts_en is not None and runtime.asr is not None
    speech = runtime.tts_en.synthesize("The street light on my road is broken.")
    assert speech.sample_rate == 16000 and speech.seconds > 1.0
    result = runtime.asr.transcribe(speech.pcm, language="en")
    words = result.text.lower()
    assert "street" in words and "broken" in words, result
    assert 0.3 < result.confidence <= 1.0


def test_llm_follows_an_instruction(runtime: Runtime) -> None:
    assert runtime.llm is not None
    answer = runtime.llm.chat(
        [{"role": "system", "content": "Answer with one word."},
         {"role": "user", "content": "What colour is a clear daytime sky? Answer in English."}],
        max_tokens=8,
    )
    assert "blue" in answer.lower(), answer


ZH = Path(__file__).resolve().parents[2] / "shared" / "audio" / "zh"


def _wav(name: str) -> npt.NDArray[np.int16]:
    return read_audio(ZH / name)


def test_a_mandarin_yes_heard_as_an_english_word_is_decoded_again(runtime: Runtime) -> None:
    """好 after "資料正確嗎？" comes out of Whisper base as "call"; told a yes/no answer is
    due, the recogniser decodes it again in Mandarin with the answers' prompt."""
    assert runtime.asr is not None
    whole = _wav("animal-01-2.wav")
    # cut close around the voice, as the pipeline's VAD does (0.1 s either side)
    level = np.array([np.abs(whole[i:i + 320].astype(np.int32)).mean()
                      for i in range(0, len(whole), 320)])
    voiced = np.flatnonzero(level > level.max() * 0.1)
    pcm = whole[max(0, voiced[0] * 320 - 1600):(voiced[-1] + 1) * 320 + 1600]
    plain = runtime.asr.transcribe(pcm, "zh")
    answered = runtime.asr.transcribe(pcm, "zh", answer=True)
    assert plain.language == "en" and len(plain.text.split()) == 1, plain
    assert answered.language == "zh" and answered.text.strip("。") == "好", answered
    # an English caller's English answer is left as it is
    assert runtime.asr.transcribe(pcm, "en", answer=True).language == "en"


def test_no_sound_but_speech_becomes_an_answer(runtime: Runtime) -> None:
    """Breath, hiss, a tone or a click after a yes/no question: never a yes or a no."""
    assert runtime.asr is not None
    rng = np.random.default_rng(1)
    n = 16000
    clips = [rng.normal(0, 3000, int(0.6 * n)), rng.normal(0, 9000, int(0.8 * n)).clip(-3e4, 3e4),
             8000 * np.sin(2 * np.pi * 440 * np.arange(n // 2) / n),
             rng.normal(0, 1500, n) * np.hanning(n),
             np.concatenate([np.zeros(4000), rng.normal(0, 2e4, 800).clip(-3e4, 3e4),
                             np.zeros(4000)])]
    for clip in clips:
        heard = runtime.asr.transcribe(clip.astype(np.int16), "zh", answer=True).text
        assert not any(word in heard for word in ("好", "對", "有", "是", "不")), heard


def test_the_answers_prompt_puts_no_answer_in_lines_that_say_none(runtime: Runtime) -> None:
    """The leak measure of ANSWER_PROMPT: the corpus's lines decoded as answers never gain
    a 好/對/不對/不是 that was not said."""
    from voice.asr import WhisperASR

    asr = runtime.asr
    assert isinstance(asr, WhisperASR)
    said = json.loads((ZH / "lines.json").read_text("utf-8"))
    leaks = []
    for name, text in said.items():
        heard = asr.decode_as_answer(_wav(name)).text
        leaks += [(name, heard) for word in ("好", "對", "有", "沒有", "不對", "不是")
                  if word in heard and word not in text]
    assert len(said) >= 60 and leaks == []
