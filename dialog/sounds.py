"""How Mandarin sounds: toneless pinyin syllables, and how far one is from another.

Whisper mishears Mandarin as other characters of the same or a near sound (屯 → 臀, 路 → 霧,
失火 → 吃火, 吵到 → 炒到). Comparing syllables rather than characters finds what was meant:
place names (``dialog.places_zh``), words of danger (``dialog.emergency``) and the words that
say what a report is about (``dialog.rules.categories``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache, lru_cache

import jieba
from pypinyin import Style, lazy_pinyin, pinyin
from pypinyin.contrib.tone_convert import to_finals, to_initials

from dialog.text import simplified

Reading = tuple[str, str]  # (initial, final), toneless; "" for no initial
Heard = tuple[tuple[Reading, float], ...]  # a character's readings, each with its extra cost

# A character's other readings (報 is also "fu") are less likely what was said.
OTHER_READING = 0.1


# Initials Whisper confuses in Mandarin, and the cost of taking one for the other (1 = unrelated).
_INITIAL_PAIRS = {
    frozenset(p): c for p, c in (
        (("b", "p"), 0.3), (("d", "t"), 0.3), (("g", "k"), 0.3), (("j", "q"), 0.3),
        (("z", "zh"), 0.3), (("c", "ch"), 0.3), (("s", "sh"), 0.3), (("z", "c"), 0.5),
        (("zh", "ch"), 0.5), (("n", "l"), 0.3), (("l", "r"), 0.4), (("f", "h"), 0.4),
        (("l", "m"), 0.5), (("m", ""), 0.5), (("l", ""), 0.5), (("x", "s"), 0.5),
        (("j", "zh"), 0.5), (("q", "ch"), 0.5),
        (("x", "sh"), 0.5), (("ch", "sh"), 0.5), (("c", "s"), 0.5),
    )
}
# Finals: nasal endings (-n/-ng) are the commonest slip; then a dropped or added ending.
_FINAL_PAIRS = {
    frozenset(p): c for p, c in (
        (("in", "ing"), 0.25), (("en", "eng"), 0.25), (("an", "ang"), 0.25),
        (("ian", "iang"), 0.25), (("uan", "uang"), 0.25), (("un", "ong"), 0.5),
        (("uen", "ueng"), 0.25), (("v", "vn"), 0.35), (("v", "i"), 0.4), (("v", "u"), 0.35),
        (("uen", "eng"), 0.5), (("ua", "uan"), 0.4), (("uei", "uan"), 0.5), (("a", "an"), 0.4),
        (("e", "en"), 0.4), (("i", "in"), 0.4), (("ao", "iao"), 0.4), (("ou", "iou"), 0.4),
        (("ian", "ie"), 0.5), (("u", "ou"), 0.5), (("ong", "iong"), 0.4), (("an", "ian"), 0.4),
        (("uo", "o"), 0.3), (("uo", "e"), 0.5), (("e", "o"), 0.4),
    )
}


def _pair_cost(table: dict[frozenset[str], float], a: str, b: str) -> float:
    return 0.0 if a == b else table.get(frozenset((a, b)), 1.0)


@cache
def syllable_cost(a: Reading, b: Reading) -> float:
    """0 for the same toneless syllable, 1 for unrelated ones."""
    return (_pair_cost(_INITIAL_PAIRS, a[0], b[0]) + _pair_cost(_FINAL_PAIRS, a[1], b[1])) / 2


def _split(syllable: str) -> Reading:
    return to_initials(syllable, strict=True), to_finals(syllable, strict=True)


@cache
def char_readings(ch: str) -> Heard:
    """Every toneless reading of one Han character, the usual one first at no extra cost
    (重: zhong, then chong), or () for other characters."""
    if not "\u4e00" <= ch <= "\u9fff":
        return ()
    syllables = pinyin(ch, style=Style.NORMAL, heteronym=True)[0]
    readings = dict.fromkeys(_split(x) for x in syllables)
    return tuple((r, 0.0 if i == 0 else OTHER_READING) for i, r in enumerate(readings))


@cache
def name_readings(name: str) -> tuple[Reading, ...]:
    """A name's syllables as it is read (the phrase decides a character with two readings)."""
    # pypinyin knows more phrases in Simplified (重庆: chong qing)
    return tuple(_split(x) for x in lazy_pinyin(simplified(name)))


def span_cost(heard: Sequence[Heard], said: Sequence[Reading]) -> float:
    """Average cost per syllable of hearing ``heard`` (readings per character) for ``said``."""
    total = 0.0
    for options, syllable in zip(heard, said, strict=True):
        if not options:
            return 1.0
        total += min(syllable_cost(r, syllable) + extra for r, extra in options)
    return total / len(said)


def heard_as(text: str, word: str, threshold: float) -> Iterator[int]:
    """Where in ``text`` a span sounds like ``word`` (its start), said as other characters:
    a whole word of the text (jieba's), not an ordinary word of its own (熄火 is no 失火), no
    syllable that lost or gained its initial (有寫 is no 流血), within ``threshold`` per
    syllable. The word itself, in its own characters, is not reported."""
    heard = [char_readings(ch)[:1] for ch in text]  # the usual reading only: 台 is not "si"
    bounds = _word_bounds(text)
    said = name_readings(word)
    for i in range(len(text) - len(word) + 1):
        span = text[i:i + len(word)]
        if span == word or not all(heard[i:i + len(word)]):
            continue
        if i not in bounds or i + len(word) not in bounds or is_word(span):
            continue
        if any(r[0] != w[0] and "" in (r[0], w[0])
               for (r, _extra), w in zip((h[0] for h in heard[i:i + len(word)]), said,
                                         strict=True)):
            continue
        if span_cost(heard[i:i + len(word)], said) <= threshold:
            yield i


@lru_cache(maxsize=64)
def _word_bounds(text: str) -> frozenset[int]:
    """Where jieba's words of ``text`` begin and end: a span must be a word, not the end of
    one and the start of the next (孫子差點 is no 自殺). Kept: every word asked about reads the
    same text."""
    bounds = {0}
    for token in jieba.cut(text):
        bounds.add(max(bounds) + len(token))
    return frozenset(bounds)


def is_word(span: str) -> bool:
    """Is ``span`` an ordinary word (jieba's dictionary, which is in Simplified)?"""
    return bool(jieba.get_FREQ(span) or jieba.get_FREQ(simplified(span)))
