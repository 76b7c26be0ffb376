"""Phones and how far apart two pronunciations are: IPA from espeak-ng, pinyin for the
names, a weighted edit distance in which like sounds cost little."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

SYLLABLE_COST = 0.1  # Whisper keeps the number of syllables it hears


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


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
