"""`hotline bench asr`, `voice` and `assist` on fakes: what they count and compare."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np

from dialog.knowledge import KnowledgeBase
from dialog.places_zh import MandarinPlaces
from hotline.benches import asr as asr_bench
from hotline.benches import assist as assist_bench
from hotline.benches import voice as voice_bench
from hotline.benches.assist import run_assist_bench
from hotline.dialogs import DialogFactory
from hotline.simulate import Scenario, Turn
from tests.fakes import FakeASR, FakeVoice, ScriptedASR, case_store, vowel
from voice.tts import VoiceBox


def _wav(path: Path) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.zeros(1600, np.int16).tobytes())


def test_asr_bench_counts_errors_before_and_after_places_are_put_right(tmp_path: Path) -> None:
    said = {"a.wav": "大雅區中清路四段有很多坑洞", "b.wav": "請問垃圾車幾點會來"}
    (tmp_path / "lines.json").write_text(json.dumps(said, ensure_ascii=False), "utf-8")
    for name in said:
        _wav(tmp_path / name)
    asr = ScriptedASR(["大牙區中青木四隊有很多空洞", "請問垃圾車幾點會來。"])
    report = asr_bench.run(tmp_path, asr, MandarinPlaces.default())
    assert report["lines"] == 2
    # 5 of 22 characters wrong as heard (牙 青 木 隊 空), 1 once the place is put right (空)
    assert report["cer_heard"] == round(5 / 22, 4)
    assert report["cer_corrected"] == round(1 / 22, 4)
    assert report["district"] == {"ok": 1, "of": 1, "rate": 1.0}
    assert report["road"] == {"ok": 1, "of": 1, "rate": 1.0}
    assert report["names_not_said"] == 0


def test_comparable_form_ignores_punctuation_and_number_spelling() -> None:
    assert asr_bench.comparable("中正路一百二十號。") == asr_bench.comparable("中正路120號")
    assert asr_bench.road_of("在北屯區崇德路二段一百號") == "崇德路"


def test_voice_bench_says_every_fixed_prompt_and_scores_the_round_trip() -> None:
    prompts = voice_bench.fixed_prompts("zh")
    assert prompts and all("{" not in p for p in prompts)
    heard = [p if i % 2 else "" for i, p in enumerate(prompts)]  # every other one lost
    report = voice_bench.run({"fake": FakeVoice()}, ScriptedASR(heard))
    lost = sum(len(voice_bench.units(p, "zh")) for i, p in enumerate(prompts) if not i % 2)
    total = sum(len(voice_bench.units(p, "zh")) for p in prompts)
    assert report["fake"] == {"language": "zh", "prompts": len(prompts),
                              "cer": round(lost / total, 3)}


async def test_assist_bench_times_the_suggestions_beside_the_decodes(tmp_path: Path) -> None:
    """Two scenarios as listen-only calls: a suggestion refresh after each line, timed on
    the call clock, and the decodes' own time beside it."""
    kb = KnowledgeBase.load()
    factory = DialogFactory(kb, case_store(tmp_path), None)
    scenarios = [Scenario(id="a", turns=[Turn(say="路燈不亮"), Turn(say="在北區")]),
                 Scenario(id="b", turns=[Turn(say="工地很吵")])]
    lines = [[vowel(1.0), vowel(1.0)], [vowel(1.2)]]
    report = await run_assist_bench(factory, FakeASR(), VoiceBox({"zh": FakeVoice()}),
                                    list(zip(scenarios, lines, strict=True)))
    assert report["utterances"] == 3
    after = report["suggestions_after_speech_end_ms"]
    assert after["p50"] is not None and 0 < after["p50"] < 3000  # after the endpoint's wait
    assert report["asr_decode_ms"]["p50"] is not None
    assert report["ratio_to_asr"]["p50"] is None or report["ratio_to_asr"]["p50"] > 0


def test_assist_summary_is_the_ratio_of_the_medians() -> None:
    report = assist_bench.assist_summary([700.0, 800.0, 900.0], [300.0, 400.0, 500.0])
    assert report["ratio_to_asr"]["p50"] == 2.0 and report["utterances"] == 3
