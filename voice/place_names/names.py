"""Taichung place names in English transcripts, corrected by how they sound.

Whisper spells pinyin names it does not know as English words it does ("zidane district" for
Xitun District). A word right before "district", "road", "night market"… is compared, as
espeak-ng's phonemes, with each place name's, and replaced by the nearest name when the two
sound nearly alike. Names come from the caller of ``PlaceNames``: voice/ keeps no city data.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import threading
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from voice.place_names.espeak import Espeak
from voice.place_names.phones import Sounds, ipa_phones, pinyin_phones

log = logging.getLogger(__name__)

# Largest sound distance, per phone, at which a span is taken for a name. Whisper's
# mis-spellings of piper's names measure 0-0.25 from them (a few up to 0.35, missed); the
# nearest ordinary English words 0.12-0.3 (most are kept out by the word lists below).
THRESHOLD = 0.25
TWO_WORD_PENALTY = 0.03  # one word is the likelier span; two only when clearly nearer
MARGIN = 0.03  # two names about as near as each other: which one was said is a guess
# After "the", "a", "my"… a span is an English noun more likely than a name ("the shopping
# district"): only a much nearer sound counts.
DETERMINED = 0.5


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ROAD_WORDS = frozenset({"road", "rd", "street", "boulevard", "blvd", "avenue", "ave"})
DIRECTIONS = frozenset({"central", "east", "south", "west", "north"})
DETERMINERS = _words("the a an this that these those my our your his her their any every some "
                     "no another same")  # not "its": Whisper writes "it's" as "its"
# Words that never are, nor start, a place name: a span stops at them.
STOP_WORDS = DETERMINERS | _words("""
and or of in on at to by near from for with off into onto is was be there here which what
i you we they it its not yes ok okay sorry oh um uh so but then also just like
along between until when where while inside outside under over through across around behind
beside beyond opposite toward towards down up past via after before since about above below
take taking taken took make making made go going gone went come coming came have having had
do doing done did get getting got see seeing seen saw say saying said live living lived
""")
# Ordinary English said before "road", "street", "district", "park", "station", "city", and
# the rest of Taiwan's cities: kept as said, whatever they sound like.
ENGLISH = _words("""
main side back high busy old new big small little narrow wide long short quiet dark wet dirt
country ring toll private public same next other whole entire local nearby residential
business commercial industrial shopping financial historic school election police fire train
bus gas petrol service power railway subway metro car theme national town village downtown
uptown outer inner lower upper front rear left right wrong cross way end lane water river lake
hill mountain forest memorial science sports county day dirty china ocean urban sand sunset
queen king
taipei taitung tainan kaohsiung changhua nantou hsinchu miaoli yilan hualien keelung chiayi
pingtung taoyuan penghu kinmen
""")
# Short words that Whisper makes of a pinyin syllable: "Sanmin" → "sam and".
_SYLLABLES = frozenset({"and", "an", "a", "in", "on"})
_NUMBER = re.compile(r"^(?:\d+(?:st|nd|rd|th)?|(?:one|two|three|four|five|six|seven|eight|"
                     r"nine|ten|eleven|twelve|first|second|third|fourth|fifth|sixth|seventh|"
                     r"eighth|ninth|tenth|eleventh|twelfth))$")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str  # lower case, apostrophes dropped


@dataclass(frozen=True)
class _Span:
    """One or two words that may be a misheard name."""

    tokens: tuple[_Token, ...]
    determined: bool  # after "the", "a", "my"…

    @property
    def said(self) -> str:
        return " ".join(t.word for t in self.tokens)


class PlaceNames:
    """Corrects place names in English text; without espeak-ng it leaves text alone."""

    def __init__(self, districts: Mapping[str, str], roads: Iterable[str] = (),
                 landmarks: Iterable[str] = ()) -> None:
        """``districts``: romanised name → district ("xitun": "西屯區"; of two spellings of
        one district the first is written); ``roads``: names said before "Road" or "Street"
        ("Gongyi"); ``landmarks``: whole names ("Fengjia Night Market")."""
        written = {d: roman for roman, d in reversed(list(districts.items()))}.values()
        self._names: dict[str, set[str]] = {
            "district": {roman[0].upper() + roman[1:] for roman in written
                         if roman.lower() not in DIRECTIONS},  # plain English, heard right
            "road": set(roads)}
        for landmark in landmarks:
            name, _, kind = landmark.partition(" ")  # the name is the first word
            self._names["road"].add(name)  # "Fengjia" also before "Road" or "Night Market"
            if kind.lower() not in ROAD_WORDS | {"night market"}:
                self._names.setdefault(kind.lower(), set()).add(name)  # "Taichung Park"
        self._keywords = {kind: tuple(kind.split()) for kind in self._names if kind != "road"}
        self._keywords |= {w: (w,) for w in ROAD_WORDS} | {"night market": ("night", "market")}
        self._first_words = {words[0] for words in self._keywords.values()}
        self._known = {_plain(n) for names in self._names.values() for n in names}
        self._known |= {_plain(d) for d in districts}
        self._lexicon: dict[str, Sounds] | None = None
        self._ipa: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()
        path = shutil.which("espeak-ng")
        self._espeak = Espeak([path, "-q", "--ipa", "-v", "en-us"]) if path else None
        if self._espeak is None:
            log.warning("espeak-ng is not installed: English place names are not corrected")

    @classmethod
    def from_file(cls, districts: Mapping[str, str], path: Path) -> PlaceNames:
        """Roads and landmarks from a places_en.toml (tables ``roads`` and ``landmarks``)."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(districts, data.get("roads", {}), data.get("landmarks", {}))

    def prepare(self) -> None:
        """Read the names' sounds now (~0.2 s) rather than on the first English call."""
        if self._espeak is not None:
            try:
                self._sounds()
            except (OSError, subprocess.SubprocessError) as exc:
                log.warning("espeak-ng failed; place names are left as heard: %s", exc)
                self._espeak = None

    def correct(self, text: str) -> str:
        """``text`` with each misheard place name right before its kind of place replaced."""
        if not text or self._espeak is None:
            return text
        tokens = [_Token(m.start(), m.end(), _plain(m.group())) for m in _WORD.finditer(text)]
        jobs = [job for i in range(len(tokens)) if (job := self._spans(text, tokens, i))]
        if not jobs:
            return text
        try:
            lexicon = self._sounds()
            self._read([span.said for _kind, spans in jobs for span in spans])
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("espeak-ng failed; place names are left as heard: %s", exc)
            self._espeak = None
            return text
        for kind, spans in reversed(jobs):  # from the end: earlier offsets stay right
            best = self._nearest(spans, lexicon[kind])
            if best is not None:
                span, spelling = best
                text = text[: span.tokens[0].start] + spelling + text[span.tokens[-1].end:]
        return text

    def _spans(self, text: str, tokens: Sequence[_Token],
               i: int) -> tuple[str, list[_Span]] | None:
        """The kind of place named at token i, and the one- or two-word spans before it."""
        if tokens[i].word not in self._first_words:
            return None  # most words: no place keyword starts here
        kind = next((k for k, words in self._keywords.items()
                     if tuple(t.word for t in tokens[i: i + len(words)]) == words
                     and _joined(text, tokens[i: i + len(words)])), None)
        if kind is None:
            return None
        kind = kind if kind in self._names else "road"
        j = i - 1
        if kind != "district":  # "Dadun 6th Street", "Wuquan West Road"
            if j >= 0 and _NUMBER.match(tokens[j].word):
                j -= 1
            if j >= 0 and tokens[j].word in DIRECTIONS:
                j -= 1
        spans: list[_Span] = []
        for first in (j, j - 1):
            words = tuple(tokens[first: j + 1]) if first >= 0 else ()
            if not words or not _joined(text, [*words, tokens[j + 1]]):
                break
            if any(t.word in self._known | self._keywords.keys() | ENGLISH for t in words):
                break  # already a name, another place's keyword, or plain English
            if words[0].word in STOP_WORDS or _NUMBER.match(words[0].word):
                continue  # "sam and" may be Sanmin; "and anton" is not
            if words[-1].word in STOP_WORDS - _SYLLABLES:
                break  # "cross the road"
            spans.append(_Span(words, first > 0 and tokens[first - 1].word in DETERMINERS))
        return (kind, spans) if spans else None

    def _nearest(self, spans: Sequence[_Span], names: Sounds) -> tuple[_Span, str] | None:
        """The span and the name that sound nearest each other, if near enough."""
        best: tuple[float, _Span, str] | None = None
        for span in spans:
            distances = names.distances(self._ipa.get(span.said, ()))
            if pinyin := pinyin_phones(span.said.replace(" ", "")):  # Whisper wrote "Gongi"
                distances = np.minimum(distances, names.distances(pinyin))
            distances += TWO_WORD_PENALTY * (len(span.tokens) - 1)
            order = np.argsort(distances)
            row = int(order[0])
            runner_up = next((distances[r] for r in order
                              if names.spellings[r] != names.spellings[row]), np.inf)
            limit = THRESHOLD * (DETERMINED if span.determined else 1.0)
            if (distances[row] <= limit and runner_up - distances[row] >= MARGIN
                    and (best is None or distances[row] < best[0])):
                best = (float(distances[row]), span, names.spellings[row])
        return None if best is None else (best[1], best[2])

    def _sounds(self) -> dict[str, Sounds]:
        """Every name's sounds, as espeak-ng reads its spelling in English (as piper says
        it) and as pinyin is said: read once."""
        with self._lock:
            if self._lexicon is None:
                spellings = sorted({s for names in self._names.values() for s in names})
                self._read([s.lower() for s in spellings])
                self._lexicon = {kind: Sounds.of([
                    (s, said) for s in sorted(names)
                    for said in dict.fromkeys([self._ipa.get(s.lower(), ()), pinyin_phones(s)])])
                    for kind, names in self._names.items()}
            return self._lexicon

    def _read(self, phrases: list[str]) -> None:
        """espeak-ng's phones for each phrase not read yet."""
        todo = [p for p in dict.fromkeys(phrases) if p not in self._ipa]
        if not todo or self._espeak is None:
            return
        lines = self._espeak.read(todo)
        if len(self._ipa) > 20_000:  # a long-running service hears many words
            self._ipa.clear()
        self._ipa.update({p: ipa_phones(line) for p, line in zip(todo, lines, strict=True)})


def _plain(word: str) -> str:
    return word.lower().replace("'", "").replace("’", "")


def _joined(text: str, tokens: Sequence[_Token]) -> bool:
    """Only spaces or hyphens between the tokens: a comma or full stop ends a span."""
    return all(not text[a.end: b.start].replace("-", " ").strip() for a, b in pairwise(tokens))
