"""Taichung place names in Mandarin transcripts, put right by how they sound.

Whisper writes a place it does not know with other characters of the same or a near sound:
大雅區 → 大牙區, 北屯區 → 北臀區, 中清路 → 中青木, 台灣大道 → 台灣大到. Each span that ends in
something sounding like 區, 路, 街 or 大道 is compared, syllable by syllable in toneless pinyin,
with every name of that kind in the gazetteer (``data/places_zh.toml`` and the 29 districts),
and replaced by the nearest name when the two sound nearly alike and no other name is about as
near. Section numbers right after a road are put right the same way (路斯段 → 路四段).
Thresholds are conservative: a name the caller did not say must not appear (a district that
matches nothing is asked again, see ``nearest_districts``), and where the caller named a
district, a road of another district is no correction (梧棲區文化路 is a road the gazetteer
lacks, not 西屯區's 文華路).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from dialog.domain import DISTRICTS
from dialog.sounds import Heard, Reading, char_readings, name_readings, span_cost

# Average cost per syllable at or under which a span is taken for a name.
THRESHOLD = 0.12
# A second name this close to the best: which one was said is a guess, so neither is taken.
MARGIN = 0.06
# The kind of place a name ends with: the suffix's syllables.
SUFFIXES = ("大道", "區", "路", "街")
_SECTION_NUMERALS = "一二三四五六七八九十"
SUFFIX_COST = 0.25  # how unlike 路 (區, 街, 大道) the last syllable may sound: 霧 and 目 pass


@dataclass(frozen=True)
class Name:
    text: str
    kind: str  # a SUFFIXES entry
    readings: tuple[Reading, ...]
    districts: frozenset[str]  # where the gazetteer has it; empty for a district


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    name: str
    cost: float


def _kind(name: str) -> str | None:
    return next((s for s in SUFFIXES if name.endswith(s) and len(name) > len(s)), None)


def _han(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


def _plain(text: str) -> str:
    return text.replace("臺", "台")


_ROAD_AHEAD = re.compile(r"[路街巷段號]|大道|露|霧")
_NUMBER_AHEAD = re.compile(r"[一二三四五六七八九十百\d]+\s*(段|號|巷|弄|隊|斷)")
# After 路: 路燈, 路樹, 路面 … are things, not the end of a road's name.
_AFTER_ROAD_NOT_PLACE = frozenset("燈樹面況線霸權")


class MandarinPlaces:
    """The gazetteer, and the corrections and suggestions made from it."""

    def __init__(self, districts: Iterable[str],
                 roads: Mapping[str, Iterable[str]] | None = None,
                 english: Mapping[str, str] | None = None,
                 english_landmarks: Mapping[str, str] | None = None) -> None:
        """``roads``: for each district, the roads (and street-like landmarks) in it;
        ``english``: road names as English speakers say them (Wenxin → 文心路);
        ``english_landmarks``: places as English speakers name them (City Hall → 臺中市政府)."""
        self._english = {k.lower(): _plain(v) for k, v in (english or {}).items()}
        self._english_landmarks = {k.lower(): _plain(v)
                                   for k, v in (english_landmarks or {}).items()}
        districts = tuple(districts)
        found: dict[str, tuple[str, set[str]]] = {}
        for d in districts:
            found.setdefault(_plain(d), (d, set()))
        for district, names in (roads or {}).items():
            for raw in names:
                found.setdefault(_plain(raw), (raw, set()))[1].add(_plain(district))
        self.names: tuple[Name, ...] = tuple(
            Name(text, kind, name_readings(text), frozenset(where))
            for text, (_raw, where) in found.items()
            # Two-syllable names (中區, 北區) are too short to find by sound: only as written.
            if (kind := _kind(text)) is not None and len(text) >= 3 and _han(text)
        )
        self.known = frozenset(found)
        self._where = {text: frozenset(_plain(d) for d in where)
                       for text, (_raw, where) in found.items()}
        self._suffixes = {k: name_readings(k) for k in SUFFIXES}
        self._district_groups: dict[tuple[str, int], list[Name]] = {}
        self._road_groups: dict[tuple[str, int], list[Name]] = {}
        for n in self.names:
            groups = self._district_groups if n.kind == "區" else self._road_groups
            groups.setdefault((n.kind, len(n.text)), []).append(n)
        self._by_text = {n.text: n for n in self.names}
        self._districts = tuple(_plain(d) for d in districts)
        # Taichung numbers the streets off a road (五權五街, 文心南二路, 大墩十一街): one the
        # gazetteer lacks is still written as said, never put right to another name.
        bases = sorted({t[:-1] for t in self.known if len(t) >= 3 and t[-1] in "路街"},
                       key=len, reverse=True)
        self._numbered = re.compile(
            "(" + "|".join(map(re.escape, bases)) + ")[一二三四五六七八九十]{1,3}(路|街)") \
            if bases else None

    @classmethod
    def default(cls) -> MandarinPlaces:
        return _default()

    # ---- public -------------------------------------------------------------------------

    def correct(self, text: str) -> str:
        """``text`` with each misheard place name replaced by the gazetteer's."""
        if not text:
            return text
        text = self._replace(text, districts=True, near=frozenset())
        near = frozenset(d for d in self._districts if d in text)
        text = self._replace(text, districts=False, near=near)
        return self._sections(text)

    def nearest_districts(self, heard: str, limit: int = 3) -> list[str]:
        """The districts that sound most like ``heard`` (a name said with 區 that is none of
        them), nearest first: the choices the caller is offered when asked again."""
        readings = [char_readings(ch) for ch in _plain(heard)]
        scored = sorted(
            (span_cost(readings, name.readings), name.text) for name in self.names
            if name.kind == "區" and len(name.text) == len(readings))
        return [n for cost, n in scored[:limit] if cost <= 0.5]

    def district_of(self, address: str) -> str | None:
        """The one district the road of ``address`` lies in (for a crossing, the one both
        roads share), where the gazetteer knows; None when unknown or several."""
        shared: frozenset[str] | None = None
        for part in re.split(r"與|\band\b|&", address):
            road = self._road_in(part)
            if road is None:
                continue
            name = self._by_text.get(road)
            if name is None or not name.districts:
                return None
            shared = name.districts if shared is None else shared & name.districts
        if shared is None or len(shared) != 1:
            return None
        return next(iter(shared))

    def landmark_district(self, landmark: str) -> str | None:
        """The district of a landmark the gazetteer knows in only one (臺中市政府, or
        "Taichung City Hall" as English speakers say it); None otherwise."""
        name = self._english_landmarks.get(landmark.strip().lower()) or _plain(landmark)
        where = self._where.get(name, frozenset())
        return next(iter(where)) if len(where) == 1 else None

    def english_road(self, said: str) -> str | None:
        """The gazetteer's road for a road said in English ("Taiwan Boulevard" → 台灣大道,
        "Wenxin South Road" → 文心南路), or None when the name or its kind is not known."""
        m = re.fullmatch(r"\s*([A-Za-z'’]+)(?:\s+(East|West|South|North))?\s+"
                         r"(Road|Rd\.?|Street|St\.?|Boulevard|Blvd\.?|Avenue|Ave\.?)\s*", said,
                         re.IGNORECASE)
        if not m or (road := self._english.get(m.group(1).lower())) is None:
            return None
        kind = {"r": "路", "s": "街"}.get(m.group(3)[0].lower(), "大道")
        direction = {"east": "東", "west": "西", "south": "南", "north": "北"}.get(
            (m.group(2) or "").lower(), "")
        stem = road.removesuffix(_kind(road) or "")
        bare = stem.rstrip("東西南北")  # 綠川東街: the name said as Luchuan West Street
        for name in (road, f"{stem}{direction}{kind}", f"{bare}{direction}{kind}"):
            if name.endswith(kind) and (not direction or direction in name) and name in self.known:
                return name
        return None

    def _road_in(self, part: str) -> str | None:
        road = road_name(_plain(part))
        if road:
            return road
        m = re.search(r"([A-Za-z]+)\s+(?:Road|Rd|Street|St|Boulevard|Blvd|Avenue|Ave)\b", part,
                      re.IGNORECASE)
        return self._english.get(m.group(1).lower()) if m else None

    # ---- matching ---------------------------------------------------------------------

    def _replace(self, text: str, districts: bool, near: frozenset[str]) -> str:
        heard = [char_readings(ch) for ch in text]
        groups = self._district_groups if districts else self._road_groups
        # A name written as the gazetteer has it was heard right: 文心南路 holds no 溪南路.
        taken = [False] * len(text)
        for name in self.known:
            at = text.find(name)
            while at >= 0:
                taken[at:at + len(name)] = [True] * len(name)
                at = text.find(name, at + 1)
        for street in self._numbered.finditer(text) if self._numbered else ():
            taken[street.start():street.end()] = [True] * (street.end() - street.start())
        found = []
        for end in range(1, len(text) + 1):
            if not districts and text[end:end + 1] in _AFTER_ROAD_NOT_PLACE:
                continue
            for (kind, length), candidates in groups.items():
                start, suffix = end - length, len(kind)
                if start < 0 or not all(heard[start:end]):
                    continue
                # The kind of place must be heard (路 as 霧, 目 or 露) before anything else.
                if span_cost(heard[end - suffix:end], self._suffixes[kind]) > SUFFIX_COST:
                    continue
                if any(taken[start:end]):
                    continue
                # 的服務 sounds like 德富路, 附近的路 like 進德路: where the kind was not heard as
                # written, or the span holds the particle 的, only where an address is said
                if (text[end - suffix:end] != kind or "的" in text[start:end - suffix]) and \
                        not self._in_address(text, start, end, districts):
                    continue
                best = self._best(heard[start:end], candidates, near)
                if best is not None:
                    found.append(Match(start, end, best[1], best[0]))
        chosen = []
        for m in sorted(found, key=lambda m: m.cost):
            if not any(taken[m.start:m.end]):
                chosen.append(m)
                taken[m.start:m.end] = [True] * (m.end - m.start)
        for m in sorted(chosen, key=lambda m: m.start, reverse=True):
            text = text[:m.start] + m.name + text[m.end:]
        return text

    def _in_address(self, text: str, start: int, end: int, districts: bool) -> bool:
        """Is the span said where an address is: a district followed by a road (大肚群沙田路),
        a road after a district or before its section or number (中央霧一段)?"""
        if districts:
            return bool(_ROAD_AHEAD.search(text[end:end + 7]))
        return text[:start].endswith(self._districts) or bool(_NUMBER_AHEAD.match(text[end:]))

    @staticmethod
    def _best(heard: Sequence[Heard], names: Sequence[Name],
              near: frozenset[str]) -> tuple[float, str] | None:
        scored = []
        for name in names:
            cost = span_cost(heard, name.readings)
            if near and name.districts and not name.districts & near:
                continue  # a road of another district: more likely one the gazetteer lacks
            if cost <= THRESHOLD + MARGIN:
                scored.append((cost, name.text))
        if not scored:
            return None
        scored.sort()
        best = scored[0]
        if best[0] > THRESHOLD:
            return None
        # Two names about as near: a guess, unless only one sounds exactly as heard.
        if any(n != best[1] and c - best[0] < MARGIN and not (best[0] == 0 < c)
               for c, n in scored[1:]):
            return None
        return best

    def _sections(self, text: str) -> str:
        """路斯段 → 路四段, 路3段 → 路三段, 路四隊 → 路四段: a section number right after a
        road, put right by sound or written as digits."""

        def numeral(ch: str) -> str | None:
            if ch in _SECTION_NUMERALS:
                return ch
            if ch.isdigit() and ch != "0":
                return _SECTION_NUMERALS[int(ch) - 1]
            for usual in (True, False):  # 斯 is "si" before it is "shi": 四, not 十
                readings = {r for r, extra in char_readings(ch) if (extra == 0) == usual}
                for n in _SECTION_NUMERALS:
                    if name_readings(n)[0] in readings:
                        return n
            return None

        def repl(m: re.Match[str]) -> str:
            n, unit = numeral(m.group(2)), m.group(3)
            sounds = {r for r, _extra in char_readings(unit)}
            if n is None or not (unit == "段" or {("d", "uan"), ("d", "uei")} & sounds):
                return m.group(0)
            return f"{m.group(1)}{n}段"

        return re.sub(r"(路|街|大道)(.)(.)", repl, text)


def road_name(address: str) -> str | None:
    """The road a Mandarin address names (中清路 of 中清路四段100號), or None."""
    m = re.search(r"([\u4e00-\u9fff]+?(?:大道|路|街))", address)
    return m.group(1) if m else None


def load_gazetteer() -> dict[str, list[str]]:
    """``data/places_zh.toml``: for each district, its roads and street-like landmarks."""
    data = tomllib.loads(files("dialog").joinpath("data/places_zh.toml").read_text("utf-8"))
    roads: dict[str, list[str]] = {}
    for group in ("roads", "landmarks"):
        for district, entries in data.get(group, {}).items():
            roads.setdefault(district, []).extend(entries)
    return roads


def load_english_roads() -> dict[str, str]:
    """``data/places_en.toml``'s roads: the pinyin name callers say, and the road."""
    return dict(_english_places().get("roads", {}))


def load_english_landmarks() -> dict[str, str]:
    """``data/places_en.toml``'s landmarks: the English name, and the place."""
    return dict(_english_places().get("landmarks", {}))


def _english_places() -> dict[str, dict[str, str]]:
    return tomllib.loads(files("dialog").joinpath("data/places_en.toml").read_text("utf-8"))


@cache
def _default() -> MandarinPlaces:
    return MandarinPlaces(DISTRICTS, load_gazetteer(), load_english_roads(),
                          load_english_landmarks())
