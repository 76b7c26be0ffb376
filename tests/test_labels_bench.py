"""``hotline bench labels``: which lines it puts to the LLM, and how it counts the answers."""

from __future__ import annotations

from dialog.nlu_llm import LLMUnderstanding
from hotline.benches.labels import residue_line, run_labels_bench
from hotline.simulate import Scenario
from tests.fakes import ScriptedLLM


def _scenario(sid: str, lines: list[str], category: str | None = "park_facility") -> Scenario:
    expect = {"outcome": "case_filed", **({"category": category} if category else {})}
    return Scenario.model_validate({"id": sid, "lang": "zh-TW",
                                    "turns": [{"say": line} for line in lines], "expect": expect})


def test_the_line_put_to_the_llm_is_the_first_the_rules_cannot_label() -> None:
    # a place alone is skipped; the describing line is the one
    assert residue_line(_scenario("a", ["北屯區崇德路二段一百號", "那一排東西歪七扭八很久了"])) == \
        "那一排東西歪七扭八很久了"
    assert residue_line(_scenario("b", ["我家門口的路燈壞了"])) is None  # the rules decide
    assert residue_line(_scenario("c", ["我爸倒在地上叫不醒"])) is None  # an emergency


def test_labels_are_counted_right_wrong_none_and_hinted() -> None:
    llm = ScriptedLLM({"歪七扭八": "park_facility", "亂七八糟": "road_damage",
                       "公園裡": "park_facility"})
    scenarios = [
        _scenario("right", ["那一排東西歪七扭八很久了"]),
        _scenario("wrong", ["那一排東西亂七八糟很久了"]),
        _scenario("none", ["那邊的東西一直都沒有人處理"]),
        _scenario("hinted", ["公園裡那一排東西一直都沒有人處理"]),
        _scenario("no-category", ["那一排東西歪七扭八很久了"], category=None),  # not counted
    ]
    figures = run_labels_bench(scenarios, LLMUnderstanding(llm))
    assert (figures["lines"], figures["right"], figures["wrong"], figures["none"]) == (4, 2, 1, 1)
    assert (figures["hinted_right"], figures["hinted_wrong"]) == (1, 0)
    assert figures["ms_p50"] is not None and len(figures["each"]) == 4
