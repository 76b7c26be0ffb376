"""Taichung place names in English transcripts, corrected by how they sound.

Whisper spells pinyin names it does not know as English words it does ("zidane district" for
Xitun District). A word right before "district", "road", "night market"… is compared, as
espeak-ng's phonemes, with each place name's, and replaced by the nearest name when the two
sound nearly alike. Names come from the caller of ``PlaceNames``: voice/ keeps no city data.
"""

from __future__ import annotations

import logging
import math
import os
import re
import select
import shutil
import subprocess
import threading
import tomllib
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

# Largest sound distance, per phone, at which a span is taken for a name. Whisper's
# mis-spellings of piper's names measure 0-0.25 from them (a few up to 0.35, missed); the
# nearest ordinary English words 0.12-0.3 (most are kept out by the word lists below).
THRESHOLD = 0.25
TWO_WORD_PENALTY = 0.03  # one word is the likelier span; two only when clearly nearer
SYLLABLE_COST = 0.1  # Whisper keeps the number of syllables it hears
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


class Espeak:
    """espeak-ng's English IPA for phrases, a line each.

    Starting espeak-ng costs 10-20 ms on two busy cores, as much as a whole correction may
    take, so one is kept running and fed lines; a line that ends the batch, whose IPA is
    known, shows where its answers end. Anything odd and it is stopped, and the batch read
    by a one-off espeak-ng instead.
    """

    END = "one nine nine nine hotline"  # never a span of one or two words

    def __init__(self, command: Sequence[str]) -> None:
        self._command = list(command)  # espeak-ng -q --ipa -v en-us
        self._process: subprocess.Popen[bytes] | None = None
        self._pending = b""
        self._end = ""
        self._lock = threading.Lock()

    def read(self, phrases: Sequence[str]) -> list[str]:
        with self._lock:
            try:
                lines = self._ask(phrases)
            except (OSError, ValueError, TimeoutError) as exc:
                log.info("espeak-ng stopped answering (%s); starting it again", exc)
                lines = None
            if lines is None:
                self.close()
                lines = self._once(phrases)
            return lines

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def _ask(self, phrases: Sequence[str]) -> list[str] | None:
        if self._process is None:
            self._process = subprocess.Popen(self._command, stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            weakref.finalize(self, self._process.kill)
            self._pending = b""
            self._send([self.END])
            self._end = self._line()
        self._send([*phrases, self.END])
        lines = []
        while (line := self._line()) != self._end:
            lines.append(line)
        return lines if len(lines) == len(phrases) else None

    def _send(self, lines: Sequence[str]) -> None:
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.write("".join(f"{line}\n" for line in lines).encode())
        self._process.stdin.flush()

    def _line(self) -> str:
        """The next line with something on it; TimeoutError after a second of silence."""
        assert self._process is not None and self._process.stdout is not None
        out = self._process.stdout.fileno()
        while True:
            line, newline, rest = self._pending.partition(b"\n")
            if newline:
                self._pending = rest
                if line.strip():
                    return line.decode("utf-8", "replace").strip()
                continue
            if not select.select([out], [], [], 1.0)[0]:
                raise TimeoutError("no answer")
            chunk = os.read(out, 65536)
            if not chunk:
                raise OSError("it exited")
            self._pending += chunk

    def _once(self, phrases: Sequence[str]) -> list[str]:
        command = self._command
        out = subprocess.run(command, input="\n".join(phrases) + "\n", capture_output=True,
                             text=True, timeout=10, check=True).stdout
        lines = [line for line in out.splitlines() if line.strip()]
        if len(lines) != len(phrases):  # espeak-ng joined or split lines: one at a time
            lines = [subprocess.run([*command, p], capture_output=True, text=True, timeout=10,
                                    check=True).stdout for p in phrases]
        return lines


def _plain(word: str) -> str:
    return word.lower().replace("'", "").replace("’", "")


def _joined(text: str, tokens: Sequence[_Token]) -> bool:
    """Only spaces or hyphens between the tokens: a comma or full stop ends a span."""
    return all(not text[a.end: b.start].replace("-", " ").strip() for a, b in pairwise(tokens))


# --- Phones --------------------------------------------------------------------------------

_VOWELS: dict[str, tuple[float, float]] = {  # height (0 close … 3 open), backness (0 … 2)
    "i": (0, 0), "ɪ": (0.5, 0.2), "e": (1, 0), "ɛ": (1.5, 0), "æ": (2.5, 0.3), "a": (3, 0.6),
    "ɑ": (3, 1.5), "ɒ": (3, 2), "ɔ": (2, 2), "o": (1, 2), "ʊ": (0.5, 1.7), "u": (0, 2),
    "ə": (1.5, 1), "ʌ": (2, 1.3), "ɐ": (2.5, 1), "ɜ": (1.5, 1), "ɚ": (1.5, 1.1),
    "ᵻ": (0.5, 1), "y": (0, 0.5),
}
_CONSONANTS = _words("p b m f v θ ð t d s z n l ɹ ʃ ʒ tʃ dʒ j k ɡ ŋ w x h")
# Consonants that are heard for one another, and what taking one for the other costs
# (1.0 for any pair not listed).
_NEAR: dict[frozenset[str], float] = {frozenset(pair.split("/")): cost for pair, cost in {
    # voicing only
    "p/b": 0.2, "t/d": 0.2, "k/ɡ": 0.2, "f/v": 0.2, "s/z": 0.2, "ʃ/ʒ": 0.2, "tʃ/dʒ": 0.2,
    "θ/ð": 0.2,
    # a near place: pinyin x, sh and s; n and ng (Whisper drops the g of "Chongde")
    "s/ʃ": 0.3, "z/ʒ": 0.3, "s/θ": 0.3, "z/ð": 0.3, "f/θ": 0.3, "v/ð": 0.3, "m/n": 0.3,
    "m/ŋ": 0.3, "n/ŋ": 0.2, "z/ʃ": 0.5, "s/ʒ": 0.5,
    # an affricate and its fricative or stop: zh/j/ch/q against English j, sh, t, d
    "tʃ/ʃ": 0.2, "dʒ/ʒ": 0.2, "tʃ/ʒ": 0.4, "dʒ/ʃ": 0.4, "tʃ/s": 0.5, "dʒ/z": 0.5,
    "t/tʃ": 0.4, "d/dʒ": 0.4,
    # English readings of pinyin q and ch as k
    "k/tʃ": 0.5, "ɡ/dʒ": 0.5, "k/dʒ": 0.7, "ɡ/tʃ": 0.7,
    # a nasal and the stop made at the same place ("danon" for Dadun); liquids and glides
    "n/d": 0.5, "n/t": 0.6, "m/b": 0.5, "ŋ/ɡ": 0.5, "l/ɹ": 0.4, "n/l": 0.5, "w/v": 0.4,
    "j/dʒ": 0.4, "j/w": 0.5,
}.items()}
_WEAK = frozenset({"h", "j", "w", "ɪ", "ʊ", "ə"})  # glides and reduced vowels come and go
_IPA_UNITS = re.compile(r"tʃ|dʒ|.", re.DOTALL)
_IPA_MAP = {"g": "ɡ", "r": "ɹ", "ɾ": "d", "ʔ": "t", "ɫ": "l", "ɬ": "l"}


def ipa_phones(ipa: str) -> tuple[str, ...]:
    """espeak-ng's IPA as phones: stress, length and syllable marks dropped, diphthongs split."""
    phones = []
    for unit in _IPA_UNITS.findall(ipa):
        unit = _IPA_MAP.get(unit, unit)
        if unit in _VOWELS or unit in _CONSONANTS:
            phones.append(unit)
    return tuple(phones)


# Pinyin as an English speaker who knows it says it, in the same phones as espeak-ng's.
_INITIALS = {
    "zh": ("dʒ",), "ch": ("tʃ",), "sh": ("ʃ",), "b": ("b",), "p": ("p",), "m": ("m",),
    "f": ("f",), "d": ("d",), "t": ("t",), "n": ("n",), "l": ("l",), "g": ("ɡ",), "k": ("k",),
    "h": ("h",), "j": ("dʒ",), "q": ("tʃ",), "x": ("ʃ",), "r": ("ɹ",), "z": ("d", "z"),
    "c": ("t", "s"), "s": ("s",), "y": ("j",), "w": ("w",), "": (),
}
_FINALS = {
    "a": "ɑ", "o": "ɔ", "e": "ʌ", "i": "i", "u": "u", "v": "y", "ai": "aɪ", "ei": "eɪ",
    "ao": "aʊ", "ou": "oʊ", "an": "ɑn", "en": "ən", "ang": "ɑŋ", "eng": "ʌŋ", "ong": "ʊŋ",
    "ung": "ʊŋ", "er": "ɑɹ", "ia": "jɑ", "ie": "jɛ", "iao": "jaʊ", "iu": "joʊ", "ian": "jɛn",
    "in": "ɪn", "iang": "jɑŋ", "ing": "ɪŋ", "iong": "jʊŋ", "ua": "wɑ", "uo": "wɔ",
    "uai": "waɪ", "ui": "weɪ", "uan": "wɑn", "un": "wən", "uang": "wɑŋ", "ue": "jɛ",
}


def pinyin_phones(name: str) -> tuple[str, ...]:
    """"Xitun" → ʃ i t w ə n; () for what is not pinyin. The final "ung" is let in for
    Taichung, written the older (Wade-Giles) way."""
    phones: list[str] = []
    for part in re.split(r"['’ ]", name.lower()):
        syllables = _syllables(part)
        if syllables is None:
            return ()
        for initial, final in syllables:
            phones += _INITIALS[initial]
            if initial in {"j", "q", "x", "y"} and final in {"u", "un", "uan", "ue"}:
                final = {"u": "v", "un": "in", "uan": "ian", "ue": "ie"}[final]  # xu is xü
            if initial in {"z", "c", "s", "zh", "ch", "sh", "r"} and final == "i":
                phones.append("ɚ")  # the buzzing i of zhi, shi, si
            else:
                phones += ipa_phones(_FINALS[final])
    return tuple(phones)


@cache
def _syllables(word: str) -> tuple[tuple[str, str], ...] | None:
    """A split into (initial, final) pairs, longest finals first; None when there is none."""
    if not word:
        return ()
    for initial in sorted(_INITIALS, key=len, reverse=True):
        if not word.startswith(initial):
            continue
        rest = word[len(initial):]
        for final in sorted(_FINALS, key=len, reverse=True):
            if rest.startswith(final):
                tail = _syllables(rest[len(final):])
                if tail is not None:
                    return ((initial, final), *tail)
    return None


def _substitution(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if a in _VOWELS and b in _VOWELS:
        (h1, b1), (h2, b2) = _VOWELS[a], _VOWELS[b]
        return min(0.7, 0.1 + 0.2 * math.hypot(h1 - h2, b1 - b2))
    if {a, b} in ({"j", "i"}, {"j", "ɪ"}, {"w", "u"}, {"w", "ʊ"}):
        return 0.3  # a glide and its vowel
    return _NEAR.get(frozenset({a, b}), 1.0)


def _indel(phone: str) -> float:
    return 0.35 if phone in _WEAK else 0.5 if phone in _VOWELS else 0.8


_PHONES = (*_VOWELS, *sorted(_CONSONANTS))
_ID = {p: i for i, p in enumerate(_PHONES)}
_SUB = np.array([[_substitution(a, b) for b in _PHONES] for a in _PHONES])
_INDEL = np.array([_indel(p) for p in _PHONES])
_DIPHTHONGS = frozenset({("a", "ɪ"), ("a", "ʊ"), ("e", "ɪ"), ("o", "ʊ"), ("ɔ", "ɪ")})


def _syllable_count(phones: Sequence[str]) -> int:
    """Vowels, a diphthong (split into two phones) counted once."""
    return sum(p in _VOWELS and (k == 0 or (phones[k - 1], p) not in _DIPHTHONGS)
               for k, p in enumerate(phones))


@dataclass(frozen=True)
class Sounds:
    """Place names' phones, padded into arrays so one edit distance runs against all."""

    spellings: tuple[str, ...]  # one a row; a name said two ways has two rows
    ids: npt.NDArray[np.intp]  # (rows, longest): phone ids
    inserts: npt.NDArray[np.float64]  # (rows, longest): cost of each phone's insertion
    lengths: npt.NDArray[np.intp]
    syllables: npt.NDArray[np.intp]

    @classmethod
    def of(cls, names: Sequence[tuple[str, Sequence[str]]]) -> Sounds:
        names = [(s, p) for s, p in names if p]
        longest = max((len(p) for _s, p in names), default=1)
        ids = np.zeros((len(names), longest), np.intp)
        for row, (_s, phones) in enumerate(names):
            ids[row, : len(phones)] = [_ID[p] for p in phones]
        return cls(tuple(s for s, _p in names), ids, _INDEL[ids],
                   np.array([len(p) for _s, p in names], np.intp),
                   np.array([_syllable_count(p) for _s, p in names], np.intp))

    def distances(self, heard: Sequence[str]) -> npt.NDArray[np.float64]:
        """Weighted edit distance from ``heard`` to each row, per phone (0 alike … ~1 not),
        plus a little for each syllable more or less. Similar vowels, voicing pairs (t/d)
        and near consonants (s/ʃ, tʃ/ʃ) cost little; glides and schwas come and go cheaply."""
        rows = len(self.spellings)
        if not heard or not rows:
            return np.ones(rows)
        inserted = np.cumsum(self.inserts, axis=1)
        previous = np.concatenate([np.zeros((rows, 1)), inserted], axis=1)
        for phone in heard:
            a = _ID[phone]
            first = previous[:, :1] + _INDEL[a]
            # Substitute or delete; then inserting, left to right, is a running minimum.
            best = np.minimum(previous[:, :-1] + _SUB[a][self.ids], previous[:, 1:] + _INDEL[a])
            running = np.minimum.accumulate(best - inserted, axis=1)
            previous = np.concatenate([first, inserted + np.minimum(first, running)], axis=1)
        total = previous[np.arange(rows), self.lengths]
        longest = np.maximum(self.lengths, len(heard))
        extra = np.abs(self.syllables - _syllable_count(heard)) * SYLLABLE_COST
        return np.asarray(total / longest + extra, np.float64)


def phone_distance(heard: Sequence[str], said: Sequence[str]) -> float:
    """The distance ``Sounds.distances`` gives, for one pair."""
    distance: float = Sounds.of([("", said)]).distances(heard)[0].item()
    return distance
