"""Mandarin place names put right by sound (dialog/places_zh.py) and the sounds behind it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dialog.domain import DISTRICTS
from dialog.places_zh import MandarinPlaces
from dialog.sounds import char_readings, name_readings, span_cost, syllable_cost
from dialog.text import language_of, normalise

TESTS = Path(__file__).resolve().parent
SCENARIO_DIRS = [*sorted(TESTS.glob("scenarios*")),
                 TESTS.parents[1] / "shared" / "scenarios" / "dev"]


@pytest.fixture(scope="module")
def places() -> MandarinPlaces:
    return MandarinPlaces.default()


def test_sounds_are_compared_without_tones_and_near_slips_cost_little() -> None:
    assert name_readings("北屯區") == name_readings("北臀驅")  # same toneless syllables
    assert syllable_cost(("l", "u"), ("l", "u")) == 0
    assert 0 < syllable_cost(("l", "u"), ("m", "u")) < 0.5  # 路 heard as 目
    assert syllable_cost(("x", "i"), ("d", "a")) == 1
    # 重 reads zhong or chong: either fits, the usual one at no extra cost
    assert span_cost([char_readings(c) for c in "重德路"], name_readings("崇德路")) < 0.05
    assert name_readings("重慶路")[0] == ("ch", "ong")  # the phrase decides
    assert char_readings("A") == ()


@pytest.mark.parametrize(("heard", "meant"), [
    ("我住在大牙區", "我住在大雅區"),             # same sound
    ("在北臀區重德路二段一百號", "在北屯區崇德路二段一百號"),  # a second reading (重: chong)
    ("無期區中央霧一段", "梧棲區中央路一段"),       # 路 heard as 霧
    ("大牙區中青木四隊有坑洞", "大雅區中清路四段有坑洞"),  # 路 as 木, 段 as 隊
    ("西臀屈服科路的工地", "西屯區福科路的工地"),     # 區 as 屈
    ("太平區中心東幕", "太平區中興東路"),           # -n/-ng, 路 as 幕
    ("北屯區文星路斯段", "北屯區文心路四段"),       # the section number by sound
    ("地址是北區三民路3段50號", "地址是北區三民路三段50號"),  # sections stay in Chinese
    ("西屯區台灣大到三段", "西屯區台灣大道三段"),
])
def test_misheard_places_are_put_right(places: MandarinPlaces, heard: str, meant: str) -> None:
    assert places.correct(heard) == meant


@pytest.mark.parametrize("text", [
    "我要報羞路燈",           # 報修路燈: a lamp, not a road called 復興路
    "大家都要走到馬路上",     # 走到馬路: no road named 朝馬路 was said
    "我們家前面的路有坑洞",   # 面的路 is not 明德路
    "我們家附近的路邊有人丟垃圾",  # 近的路 is not 進德路
    "這邊的路燈都不亮",       # 邊的路 is no road either
    "可以直接放在路邊嗎",     # 直接 is not 自治街
    "住在台中市區",           # 中市區 is not 東勢區
    "中期的計畫",             # two-syllable districts (中區) are too short to guess
    "是文心南路三百號",       # a name written right holds no other (心南路 is not 溪南路)
    "他在吃火鍋",
])
def test_ordinary_words_are_left_alone(places: MandarinPlaces, text: str) -> None:
    assert places.correct(text) == text


def test_names_that_sound_alike_are_left_alone_unless_the_district_says_which() -> None:
    places = MandarinPlaces(DISTRICTS, {"西區": ["公益路"], "北區": ["公義路"]})
    assert places.correct("那條公一路有坑洞") == "那條公一路有坑洞"  # 公益路 or 公義路: a guess
    assert places.correct("西區公一路有坑洞") == "西區公益路有坑洞"  # the district decides
    assert places.correct("北區公一路有坑洞") == "北區公義路有坑洞"


def test_no_scenario_line_is_changed(places: MandarinPlaces) -> None:
    """The leak rate: on every correctly written Mandarin line the project has (hundreds of
    callers' sentences), the corrector changes nothing — it never adds a name not said."""
    lines = []
    for folder in SCENARIO_DIRS:
        for path in folder.glob("*.json"):
            for turn in json.loads(path.read_text("utf-8"))["turns"]:
                text = normalise(turn["say"])
                if language_of(text) == "zh":
                    lines.append(text)
    assert len(lines) > 600
    changed = [(t, places.correct(t)) for t in lines if places.correct(t) != t]
    assert changed == []


def test_a_district_none_of_ours_gets_the_nearest_as_choices(places: MandarinPlaces) -> None:
    assert places.nearest_districts("大牙區")[0] == "大雅區"
    assert set(places.nearest_districts("大崖區")) >= {"大雅區"}
    assert places.nearest_districts("一二三區") == []  # no district has four syllables


def test_a_road_of_another_district_is_no_correction_where_a_district_is_named() -> None:
    places = MandarinPlaces(DISTRICTS, {"西區": ["公益路"]})
    assert places.correct("北屯區公義路有坑洞") == "北屯區公義路有坑洞"  # one the gazetteer lacks
    assert places.correct("西區公義路有坑洞") == "西區公益路有坑洞"
    assert places.correct("那條公義路有坑洞") == "那條公益路有坑洞"  # no district: the one known


def test_the_district_of_a_road_or_a_crossing(places: MandarinPlaces) -> None:
    assert places.district_of("台灣大道三段與文心路口") == "西屯區"  # the one both share
    assert places.district_of("Taiwan Boulevard and Wenxin Road") == "西屯區"
    assert places.district_of("中山路") is None  # in many districts: asked
    assert places.district_of("一條沒聽過的路100號") is None


def test_long_turns_stay_cheap(places: MandarinPlaces) -> None:
    text = "我家門口有一個坑洞，在大牙區中青木四隊一百號。" * 80  # the longest turn taken
    assert places.correct(text).count("大雅區中清路四段") == 80


@pytest.mark.parametrize("text", ["西區五權五街一百號對面", "南屯區文心南二路那一側",
                                  "西屯區大墩十一街口"])
def test_a_numbered_street_off_a_known_road_is_left_as_said(places: MandarinPlaces,
                                                             text: str) -> None:
    assert places.correct(text) == text
