"""The danger model: a second opinion where the rules find no danger (dialog/danger_model.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog import emergency
from dialog.danger_model import (
    THRESHOLD,
    DangerModel,
    default_model,
    features,
    read_corpus,
)
from dialog.knowledge import KnowledgeBase
from dialog.manager import DialogManager
from dialog.state import Stage
from hotline.benches.danger import cross_validated
from tests.fakes import case_store


def test_features_are_character_pairs_and_triples_and_english_words() -> None:
    found = features("他倒了 He fell down")
    assert {"他倒", "倒了", "他倒了", "w:he", "w:fell", "b:fell down"} <= found
    assert not any("|" in f or (" " in f and not f.startswith("b:")) for f in found)


def test_the_model_weighs_what_it_has_seen() -> None:
    model = DangerModel.train([("他倒在地上", True), ("他倒在地上不動", True),
                               ("路燈壞了", False), ("路燈不亮", False)])
    assert model.odds("阿公倒在地上") > 0 > model.odds("那支路燈")
    assert model.odds("完全沒見過的句子") == 0  # nothing seen: no evidence either way


def test_the_corpus_is_read_and_a_malformed_line_names_itself(tmp_path: Path) -> None:
    lines = read_corpus()
    assert sum(d for _t, d in lines) >= 250 and sum(not d for _t, d in lines) >= 400
    (tmp_path / "bad.jsonl").write_text('{"text": "好", "danger": true}\n{"text": 1\n')
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        read_corpus(tmp_path)


def test_cross_validated_on_its_corpus_it_flags_few_ordinary_lines() -> None:
    # the bar the threshold was chosen by (docs/understanding.md): 1 % of ordinary lines
    figures = cross_validated(read_corpus(), folds=5, threshold=THRESHOLD)
    other, danger = figures["other"], figures["danger"]
    assert other["flagged"] <= 0.015 * other["of"], figures
    assert danger["flagged"] >= 0.4 * danger["of"], figures


@pytest.mark.parametrize("text", [
    # written here, in none of the corpus's words where it could be helped
    "我阿嬤剛剛洗完澡出來就整個人坐在地上，臉白白的，叫她都只會點頭",
    "隔壁那個小弟弟一直在陽台外面那個冷氣架上爬來爬去，他家都沒大人",
    "My husband just keeps staring at the wall and his words come out all jumbled",
])
def test_unseen_lines_of_danger_are_heard(text: str) -> None:
    assert emergency.possible_danger(text), default_model().odds(text)


@pytest.mark.parametrize("text", [
    "我要報修路燈，在北屯區崇德路二段一百號",
    "巷口的垃圾已經三天沒人收了，很臭",
    "請問戶籍謄本要去哪裡申請",
    "The bus driver didn't stop at the Taichung Park stop this morning",
])
def test_ordinary_reports_are_not(text: str) -> None:
    assert not emergency.possible_danger(text), default_model().odds(text)


def test_danger_only_the_model_hears_is_a_possible_one_with_both_numbers(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    heard = "我爸爸今天怪怪的，一直坐在那邊看著牆壁"
    # (the dialog reads the turn normalised: ， as ,)
    monkeypatch.setattr(emergency, "possible_danger", lambda text: "看著牆壁" in text)
    assert emergency.detect_by_rules(heard) is None
    found = emergency.detect(heard)
    assert found is not None and not found.certain and (found.number, found.also) == ("119", "110")
    m = DialogManager(KnowledgeBase.load(), case_store(tmp_path))
    m.start()
    asked = m.handle(heard)
    assert "119" in asked.text and "110" in asked.text and m.state.stage is Stage.DANGER_CHECK
    m.handle("沒有，他只是在發呆")  # no: the call goes on, and is not asked again
    assert m.state.stage is not Stage.DANGER_CHECK and m.state.emergency is None
    m.handle(heard)
    assert m.state.stage is not Stage.DANGER_CHECK
    # and a yes is a redirect with both numbers
    m = DialogManager(KnowledgeBase.load(), case_store(tmp_path))
    m.start()
    m.handle(heard)
    yes = m.handle("有，他現在叫不太醒")
    assert m.state.stage is Stage.EMERGENCY and "119" in yes.text


def test_the_bench_counts_emergencies_flagged_and_others_flagged_where_the_rules_see_none() -> None:
    from hotline.benches.danger import on_scenarios
    from hotline.simulate import Scenario

    def scenario(sid: str, line: str, outcome: str) -> Scenario:
        return Scenario.model_validate({"id": sid, "lang": "zh-TW", "turns": [{"say": line}],
                                        "expect": {"outcome": outcome}})

    model = DangerModel.train([("阿公軟軟的叫不起來", True), ("阿嬤軟軟的叫不起來", True),
                               ("路燈壞了", False), ("路燈不亮", False)])
    figures = on_scenarios([scenario("e1", "阿伯軟軟的叫不起來", "emergency_redirect"),
                            scenario("e2", "我家失火了", "emergency_redirect"),
                            scenario("o1", "阿姨軟軟的叫不起來", "case_filed"),
                            scenario("o2", "那支路燈壞了", "case_filed")], model, threshold=1.0)
    # e1 only the model hears; e2 the rules do; o1 the model flags, o2 nothing does
    assert figures["emergencies"] == {"n": 2, "flagged": 1, "rules_missed": 1, "rescued": 1}
    assert figures["others"]["flagged"] == 1 and figures["others"]["ids"] == ["o1"]
