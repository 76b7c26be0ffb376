"""`hotline bench asr` and `hotline bench voice` on fakes: what they count and compare."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np

from dialog.places_zh import MandarinPlaces
from hotline.benches import asr as asr_bench
from hotline.benches import voice as voice_bench
from tests.fakes import FakeVoice, ScriptedASR


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
