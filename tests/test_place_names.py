"""Taichung place names in English transcripts, put right by how they sound (espeak-ng)."""

from __future__ import annotations

import logging
import shutil
import subprocess
import time
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dialog.domain import DISTRICTS_EN
from voice.asr import Transcript, WhisperASR
from voice.place_names import Espeak, PlaceNames, phone_distance, pinyin_phones

PLACES = Path(str(files("dialog").joinpath("data/places_en.toml")))


@pytest.fixture(scope="module")
def places() -> PlaceNames:
    names = PlaceNames.from_file(DISTRICTS_EN, PLACES)
    names.prepare()
    return names


# What Whisper base wrote for piper reading the hotline's English scenario lines.
@pytest.mark.parametrize(("heard", "meant"), [
    ("There's a big pothole on Gongyi Road Section 2 in zidane district.",
     "There's a big pothole on Gongyi Road Section 2 in Xitun district."),
    ("It's on chond road section 3 in baton district.",
     "It's on Chongde road section 3 in Beitun district."),
    ("It's in West District, on Macon Road Section 1.",
     "It's in West District, on Meicun Road Section 1."),
    ("Nantan district, danon road, near the corner of danon 6th street.",
     "Nantun district, Dadun road, near the corner of Dadun 6th street."),
    ("Kinshey District, Zhongshan Road", "Qingshui District, Zhongshan Road"),
    ("its zidane district", "its Xitun district"),  # "it's", not the determiner
    ("It's number 88, Section 1 of gawney road, in West District.",
     "It's number 88, Section 1 of Gongyi road, in West District."),
    ("Delhi district on dongrang road.", "Dali district on Dongrong road."),
    ("taping district taping road", "Taiping district Taiping road"),
    ("Wiki District, Zhongyang Road Section 1", "Wuqi District, Zhongyang Road Section 1"),
    ("the walk signal at zushi road and youd road in north district",
     "the walk signal at Xueshi road and Yude road in north district"),
    ("Bayon District, Wankson Road Section 4", "Beitun District, Wenxin Road Section 4"),
    ("its on gong e road", "its on Gongyi road"),  # one name heard as two words
    ("on Wynxon-Road", "on Wenxin-Road"),
    ("a pothole on Gongi Road", "a pothole on Gongyi Road"),  # spelt nearly as pinyin
    ("deep one on Foxing Road section 4", "deep one on Fuxing Road section 4"),
])
def test_misheard_names_are_put_right(places: PlaceNames, heard: str, meant: str) -> None:
    assert places.correct(heard) == meant


def test_johnson_road_in_taichung_is_a_zhong_road(places: PlaceNames) -> None:
    said = places.correct("The drain on johnson road in Dali District is blocked.")
    assert said.startswith("The drain on Zhong") and said.endswith(
        " road in Dali District is blocked.")


@pytest.mark.parametrize("text", [
    "It's in West District, near the station.",
    "There is a big pothole on the main road.",
    "The drain on my street is blocked and the water is rising.",
    "The benches next to the park are broken.",
    "I want to report that an inspector at the district office asked me for a bribe.",
    "It's in the shopping district, on a busy road.",
    "The streetlight in front of my house is broken.",
    "Yes, that is right.",
    "I don't know the name of the street.",
    "Xitun District, Taiwan Boulevard Section 3, near Fengjia Night Market.",
    "Beitun District, Wenxin Road Section 4",
    "Turn left at the second road.",
    "It's on 5th street.",
    "I drove down the side street and across the road.",
    "I live in the Central District, on Sanmin Road.",
    "the road the road road",
    "It's a busy four-lane road.",
])
def test_ordinary_english_stays_as_it_was(places: PlaceNames, text: str) -> None:
    assert places.correct(text) == text


@pytest.mark.parametrize("text", ["", " ", "road", "district", "!!!", "公益路在哪裡", "Road.",
                                  "... district, road; street", "x" * 2000 + " road",
                                  "Xitun's district", "’ road", "123 456 road"])
def test_odd_input_is_fine(places: PlaceNames, text: str) -> None:
    assert isinstance(places.correct(text), str)


def test_a_span_never_crosses_punctuation(places: PlaceNames) -> None:
    assert places.correct("Zidane. District office") == "Zidane. District office"


def test_after_warm_up_a_correction_is_cheap(places: PlaceNames) -> None:
    """Under 20 ms a line: words never heard before cost one exchange with espeak-ng."""
    costs = []
    for road, district in [("zoosha", "batten"), ("gummie", "nanten"), ("hooley", "zitan"),
                           ("dunnan", "kingshi"), ("shongday", "wookie")]:
        started = time.perf_counter()
        places.correct(f"the walk signal at {road} road in {district} district is too short")
        costs.append(time.perf_counter() - started)
    assert sorted(costs)[2] < 0.02


def test_without_espeak_nothing_changes_and_it_says_so_once(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with caplog.at_level(logging.WARNING, logger="voice.place_names"):
        names = PlaceNames.from_file(DISTRICTS_EN, PLACES)
        names.prepare()
        assert names.correct("in zidane district") == "in zidane district"
        assert names.correct("on macon road") == "on macon road"
    assert len([r for r in caplog.records if "espeak-ng" in r.getMessage()]) == 1


def test_a_failing_espeak_leaves_the_text_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise subprocess.TimeoutExpired("espeak-ng", 10)

    names = PlaceNames.from_file(DISTRICTS_EN, PLACES)
    monkeypatch.setattr(subprocess, "run", broken)
    monkeypatch.setattr(subprocess, "Popen", broken)
    assert names.correct("in zidane district") == "in zidane district"


def test_one_espeak_answers_line_after_line() -> None:
    espeak = Espeak(["cat"])  # an espeak-ng that reads each line as itself
    assert espeak.read(["zidane", "baton district"]) == ["zidane", "baton district"]
    assert espeak.read(["macon"]) == ["macon"]
    espeak.close()


def test_an_espeak_that_stops_answering_is_replaced() -> None:
    espeak = Espeak(["true"])  # exits at once: no answer
    assert espeak.read(["zidane", "baton"]) == ["", ""]  # read one-off, not hung or raised


def test_pinyin_is_read_as_a_speaker_of_it_says_it() -> None:
    assert pinyin_phones("Xitun") == ("ʃ", "i", "t", "w", "ə", "n")
    assert pinyin_phones("Zhongxing")[0] == "dʒ"
    assert pinyin_phones("Da'an") == ("d", "ɑ", "ɑ", "n")
    assert pinyin_phones("Boston") == ()  # not pinyin: only its English reading counts


def test_sounds_alike_cost_little() -> None:
    assert phone_distance(("d", "æ", "n"), ("d", "æ", "n")) == 0
    voicing = phone_distance(("b", "æ", "t"), ("b", "æ", "d"))
    unrelated = phone_distance(("b", "æ", "t"), ("m", "i", "s"))
    assert 0 < voicing < 0.1 < unrelated
    assert phone_distance((), ("d",)) == 1.0


class _Heard(WhisperASR):
    """WhisperASR with the decoding replaced by a fixed transcript: no model is loaded."""

    def __init__(self, heard: Transcript, places: PlaceNames) -> None:
        super().__init__(Path("/nonexistent"), places=places)
        self.heard = heard

    def _transcribe(self, pcm: Any, language: str | None) -> Transcript:
        return self.heard


def test_whisper_corrects_english_only(places: PlaceNames) -> None:
    pcm = np.zeros(16_000, np.int16)
    english = _Heard(Transcript("on macon road", "en", 0.8), places).transcribe(pcm, "en")
    assert english == Transcript("on Meicun road", "en", 0.8)
    mandarin = Transcript("macon road 在西屯區", "zh", 0.8)
    assert _Heard(mandarin, places).transcribe(pcm, "zh") == mandarin
