"""The default models, for real: installed, verified, loaded and doing their jobs."""

from __future__ import annotations

import asyncio

import pytest

from hotline.config import load_settings
from hotline.runtime import LoadState, Runtime
from models.manifest import builtin_manifest
from models.store import FileState, ModelStore

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
