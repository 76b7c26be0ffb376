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
    assert {"他倒", "倒了", "他倒了", "w:fell", "b:he fell", "b:fell down"} <= found
    assert "w:he" not in found  # a pronoun alone says nothing of danger
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
    assert danger["flagged"] >= 0.3 * danger["of"], figures


@pytest.mark.parametrize("text", [
    # written here, in none of the corpus's words where it could be helped
    "我阿嬤剛剛洗完澡出來就整個人坐在地上，臉白白的，叫她都只會點頭",
    "隔壁那個小弟弟一直在陽台外面那個冷氣架上爬來爬去，他家都沒大人",
    "My dad went quiet at dinner, his face looks odd on one side and he cannot lift his cup",
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


@pytest.mark.parametrize("text", [
    # a second review's sentences: 以為 with a contrast after it, "seems like", an
    # explanation far away, incense that set a fire, 沙鹿 (no deer), a pet handed over with a
    # farewell, one person out and others still in, a game as the reason for blows
    '我以為他在睡覺結果怎麼叫都叫不醒',
    '我本來以為我爸爸在睡覺可是他嘴唇發紫叫不醒',
    '我以為是鞭炮聲結果是有人在開槍',
    '我誤會了他的意思結果他真的拿刀衝出去砍人',
    '我原本以為沒事可是我媽現在胸口很痛冒冷汗',
    '我以為只是小感冒結果我兒子現在呼吸很喘嘴唇發紫',
    '對面好像失火一樣，整個窗戶都紅紅的',
    '那個人好像拿刀似的，一直在我家門口走來走去',
    '樓下好像有人在打架似的，一直有女生的尖叫聲',
    '那個男的拿著刀好像要砍人一樣，一直往我們這邊走',
    '外面砰砰砰好像在開槍一樣，有人倒在地上流血',
    '對面三樓一直冒黑煙，越來越大，裡面好像還有人，我打電話給房東，房東說他也不知道，叫我們先不要慌，我以為消防車會自己來',
    'The temple on our street is on fire, I think the incense set the curtains alight',
    ("There's a fire at the temple, the incense burner fell over "
     "and the flames are spreading to the roof"),
    ("My neighbour's flat is full of smoke and the door is hot, her son "
     "says it's just cooking but nobody is answering"),
    '沙鹿區這邊有一台車翻到田裡，駕駛卡在裡面出不來',
    '我在沙鹿，電梯卡在兩層樓中間，裡面關著一個小朋友',
    '我在沙鹿，我先生在車庫修車，車子發動著，鐵門關著，現在倒在裡面',
    '我朋友把她養的貓帶來給我，說以後就交給我了，然後手機就關機了',
    '我同事把他的狗託給我，說他以後用不到了，現在都聯絡不到他',
    'My friend gave me his dog this morning and said goodbye, now his phone is off',
    '後面的土坡滑下來，隔壁家被埋了一半，阿伯已經自己爬出來了，可是裡面還有人',
    ("A car went into the irrigation channel, the driver climbed out by himself "
     "but his kid is still inside and it's upside down in the water"),
    "My son is safe now but his friend is still in the water and we can't see him",
    '隔壁小孩一直哭喊不要打我，原來是他爸爸不准他打電動在打他',
    '隔壁一直有人在喊救命，後來發現是他爸爸在直播的時候打他媽媽',
    '我把門鎖上小偷還在撬門',
    '路燈下面有個流浪漢躺著，身體硬硬的，叫他也不動',
    '我們家人都沒事，可是隔壁的土坡滑下來，隔壁家被埋了一半，裡面還有人',
])
def test_danger_the_rules_or_the_model_still_hear(text: str) -> None:
    from dialog.text import normalise

    assert emergency.detect(normalise(text)) is not None


@pytest.mark.parametrize("text", [
    # ordinary talk near the new cues: someone who left, a lonely elder asking for activities,
    # swimmers jumping, car alarms, a red sign, firecrackers, an air conditioner
    '他把垃圾丟在我家門口就走了，我想去找他理論',
    '工人施工完就走了，路面都沒補，我要去找他們',
    '那台車撞到我的機車就開走了，我要去找他',
    '我爸爸過世了，我媽一個人住，我每天都要去陪她，想問喪葬補助怎麼申請',
    '我媽媽說一個人在家沒什麼意思，有沒有老人的社區活動可以參加',
    '我阿公說日子沒什麼意思，整天在家看電視，有沒有長青學苑',
    '夏天都有年輕人從堤防往下一跳去游泳',
    '我已經跟那個攤販說最後一次話了，他還是照樣擺',
    '隔壁的汽車警報器半夜一直響，下去也看不到車主',
    '車子的防盜警報器一直叫，找了半天都看不到是哪一台',
    '對面大樓窗戶裡面那個招牌紅通通的，晚上很刺眼',
    '對面神明廳的窗戶裡面紅通通的，燈整晚都開著很刺眼',
    '廟口又在放炮，劈哩啪啦響了半小時，地上紅紅的一片',
    '隔壁冷氣室外機一直劈哩啪啦響，吹出來的熱氣很燙',
    "The old woman upstairs hangs her laundry over the railing and water drips on my head",
    "There's an old man sitting on the bench at the park all day",
    "The elevator in our building keeps breaking down and my dad is in a wheelchair",
])
def test_ordinary_talk_is_heard_as_none(text: str) -> None:
    from dialog.text import normalise

    assert emergency.detect(normalise(text)) is None


def test_a_danger_only_the_model_hears_in_the_answer_keeps_the_service_and_adds_the_other(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(emergency, "possible_danger", lambda text: "躲在房間" in text)
    m = DialogManager(KnowledgeBase.load(), case_store(tmp_path))
    m.start()
    m.handle("對面那戶的窗戶一直冒出黑黑的煙")  # the rules: possible fire, 119
    assert m.state.stage is Stage.DANGER_CHECK
    said = m.handle("我很怕，我現在躲在房間")
    assert m.state.emergency == "119" and "119" in said.text and "110" in said.text


def test_a_triple_seen_only_where_its_pair_is_seen_is_counted_once() -> None:
    model = DangerModel.train([("紅通通的一片", True), ("紅通通的天空", True),
                               ("今天天氣很好", False), ("路燈壞了", False)])
    pair_and_triple = model.odds("紅通通")
    assert pair_and_triple == pytest.approx(model.odds("紅通") + model.odds("通通"))


@pytest.mark.parametrize("text", [
    "牠一直發抖，翅膀垂著飛不起來，我怕牠被車壓到",
    "樓下的霓虹燈招牌整晚紅紅的閃，照進我房間",
])
def test_an_animal_or_a_lit_sign_is_no_possible_danger(text: str) -> None:
    assert not emergency.possible_danger(text, threshold=0.0)
