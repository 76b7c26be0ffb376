"""A second opinion on danger, for the wordings the rules have not met.

The rules in ``dialog/emergency.py`` know the ways danger has been said so far; each new set of
calls still brings a few they have not met (a toddler "軟軟的" when lifted from the bath, an
orange glow in a window). This model is trained on a corpus of caller lines, each marked danger
or not (``dialog/data/danger_corpus/*.jsonl``, written for it and for nothing else: no test
scenario is in it), and scores a line by naive Bayes over its Mandarin character pairs and
triples and its English words and word pairs. A line it scores as danger, where the rules find
none, is a *possible* emergency: the caller hears the numbers at once and is asked whether
someone is in danger now, then the call goes on. It never makes a certain one.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

CORPUS = Path(__file__).parent / "data" / "danger_corpus"
# Log-odds above which a line counts as possible danger; chosen on the corpus alone (cross-
# validated: see docs/understanding.md), never on the test scenarios.
THRESHOLD = 10.0
MIN_SEEN = 2  # a feature seen fewer times in the corpus says nothing
_SMOOTHING = 0.5

_NOT_HAN = re.compile(r"[^\u4e00-\u9fff]")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# English words said in every kind of call (see features): no evidence of danger either way.
_FUNCTION_WORDS = frozenset((
    "a", "an", "the", "he", "she", "his", "her", "him", "hers", "they", "them", "their",
    "theirs", "it", "its", "i", "me", "my", "mine", "we", "us", "our", "you", "your", "this",
    "that", "these", "those", "there", "here", "is", "are", "was", "were", "be", "been",
    "being", "am", "do", "does", "did", "has", "have", "had", "in", "on", "at", "of", "to",
    "for", "from", "with", "by", "about", "into", "onto", "over", "under", "up", "down", "out",
    "off", "and", "or", "but", "so", "as", "if", "then", "than", "just", "very", "too", "also",
    "all", "some", "any", "no", "not", "can", "could", "will", "would", "should", "may",
    "might", "must", "shall", "man", "woman", "men", "women", "old",
))


def features(text: str) -> set[str]:
    """Mandarin character pairs and triples, English words and word pairs."""
    lowered = text.lower()
    han = _NOT_HAN.sub("|", lowered)
    found = {han[i:i + n] for n in (2, 3) for i in range(len(han) - n + 1)}
    found = {g for g in found if "|" not in g}
    words = _WORD.findall(lowered)
    # (pronouns, articles, prepositions: said in every kind of call, they said "danger" only
    # because the corpus's danger lines are about people and its reports about things)
    found.update(f"w:{w}" for w in words if w not in _FUNCTION_WORDS)
    found.update(f"b:{a} {b}" for a, b in pairwise(words)
                 if not (a in _FUNCTION_WORDS and b in _FUNCTION_WORDS))
    return found


@dataclass(frozen=True)
class DangerModel:
    """Counts of each feature in the lines marked danger and in the others."""

    danger: Counter[str]
    other: Counter[str]
    n_danger: int
    n_other: int

    @classmethod
    def train(cls, lines: list[tuple[str, bool]]) -> DangerModel:
        danger: Counter[str] = Counter()
        other: Counter[str] = Counter()
        for text, is_danger in lines:
            (danger if is_danger else other).update(features(text))
        n_danger = sum(1 for _t, d in lines if d)
        return cls(danger, other, n_danger, len(lines) - n_danger)

    def odds(self, text: str) -> float:
        """The summed log-odds of danger of the features of ``text`` (0: no evidence)."""
        total = 0.0
        for f in features(text):
            yes, no = self.danger[f], self.other[f]
            if yes + no < MIN_SEEN or self._repeats_a_pair(f, yes, no):
                continue
            total += math.log(((yes + _SMOOTHING) / (self.n_danger + 1))
                              / ((no + _SMOOTHING) / (self.n_other + 1)))
        return total


    def _repeats_a_pair(self, feature: str, yes: int, no: int) -> bool:
        """A Mandarin triple seen exactly where one of its pairs is seen says nothing the pair
        has not said (紅通通 and 紅通): counted twice, one phrase outweighed a whole line."""
        if len(feature) != 3 or feature[1] == ":":
            return False
        return any((self.danger[pair], self.other[pair]) == (yes, no)
                   for pair in (feature[:2], feature[1:]))


def read_corpus(folder: Path = CORPUS) -> list[tuple[str, bool]]:
    """The corpus's lines as (text, danger). A malformed line is an error naming it."""
    lines = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
                lines.append((str(item["text"]), bool(item["danger"])))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path.name}:{number}: not a corpus line ({exc})") from exc
    return lines


@cache
def default_model() -> DangerModel:
    return DangerModel.train(read_corpus())
