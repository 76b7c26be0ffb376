"""The knowledge base: operator-editable YAML entries, retrieved with jieba + BM25."""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import bm25s
import jieba
import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger(__name__)
jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]+")
_STOP = frozenset(
    [
        "的", "了", "嗎", "呢", "吧", "啊", "喔", "我", "我們", "你", "你們", "您",
        "要", "想", "請問", "請", "是", "有", "在", "就", "都", "也", "還", "會",
        "能", "可以", "怎麼", "怎麼辦", "如何", "什麼", "哪裡", "誰", "找", "找誰",
        "一下", "這", "那", "個", "欸", "那個", "就是", "a", "an", "the", "i",
        "you", "my", "me", "is", "are", "do", "does", "to", "of",
        "in", "on", "for", "it", "how", "what", "where", "who", "can",
        "please", "when", "should", "there", "and", "now", "s", "got", "go",
        "get", "back", "hi", "hello", "near", "think", "be", "was", "has", "have", "had",
        "been", "were", "am", "did", "will", "would", "with", "at", "by", "from", "this",
        "that", "or", "if", "so", "just", "like", "about", "這一", "整排", "我要",
        "我家",
        "家裡", "早上", "晚上", "今天", "剛剛", "已經", "一直", "大概", "想要", "想問",
        "哪裡問", "哪裡查", "哪邊", "要去", "去哪裡", "打去", "一下", "這邊", "那邊", "我們",
        "他們", "因為", "所以", "如果", "現在",
        # said in any question (是不是水壓有問題, 水都出來小小的): they ranked towing first
        "出來", "起來", "不是", "是不是", "問題", "有問題", "禮拜", "這禮拜", "星期", "這星期",
    ]
)
# Single characters are mostly grammar (打, 去, 看, 到); these few carry the meaning.
_SINGLE = frozenset("水電稅狗貓蛇樹燈火蜂車票卡")
# Words jieba would split that callers and the knowledge base use as one.
_DOMAIN_WORDS = [
    "垃圾車", "停水", "停電", "水壓", "禮拜", "這禮拜", "電表", "敬老卡", "敬老愛心卡",
    "路邊停車",
    "停車費", "大型垃圾",
    "大型廢棄物",
    "長照", "拖吊", "身分證", "戶籍", "房屋稅", "地價稅", "牌照稅", "燃料費", "登革熱", "流浪狗",
    "流浪貓", "資源回收", "悠遊卡", "公車", "罰單", "疫苗", "預防接種", "低收入戶", "身心障礙",
    "生育津貼", "育兒津貼", "寵物登記", "晶片", "詐騙", "水費", "電費", "瓦斯", "清潔隊",
    "臨時用電", "水表", "自來水", "停班停課", "颱風假", "水龍頭", "生鏽",
]


class KnowledgeError(ValueError):
    """A knowledge file is malformed; the message names the file and entry."""


class Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    title_en: str = ""
    questions: tuple[str, ...] = Field(min_length=1)
    questions_en: tuple[str, ...] = ()
    answer: str
    answer_en: str = ""
    source: str
    refer: str | None = None

    def answer_in(self, lang: str) -> str:
        return self.answer_en if lang == "en" and self.answer_en else self.answer


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float  # BM25 score of the best-matching question variant
    coverage: float  # share of that variant's words that the query has
    matched: int  # how many of that variant's words the query has


# Everyday words for the same thing, folded onto the knowledge base's word.
_SYNONYMS = (("沒電", "停電"), ("斷電", "停電"), ("沒水", "停水"), ("斷水", "停水"),
             ("拖走", "拖吊"), ("吊走", "拖吊"), ("老人卡", "敬老卡"), ("大型家具", "大型垃圾"),
             ("水錶", "水表"), ("滲水", "漏水"), ("超小", "很小"), ("好小", "很小"))


def tokens(text: str) -> list[str]:
    """Content words: jieba's search-mode segmentation for Chinese, words for English."""
    out: list[str] = []
    for word, canonical in _SYNONYMS:
        text = text.replace(word, canonical)
    for chunk in _WORD.findall(text.lower()):
        if chunk[0].isascii():
            words = [chunk]
        else:
            _load_domain_words()
            words = [w for w in jieba.lcut_for_search(chunk) if w.strip()]
        out.extend(w for w in words if w not in _STOP and (len(w) > 1 or w in _SINGLE
                                                             or w.isascii()))
    return out


@functools.cache
def _load_domain_words() -> None:
    for word in _DOMAIN_WORDS:
        jieba.add_word(word, freq=20000)


class KnowledgeBase:
    """Entries, ranked by BM25 over each entry's title and question variants together."""

    def __init__(self, entries: list[Entry]) -> None:
        ids = [e.id for e in entries]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise KnowledgeError(f"duplicate knowledge ids: {', '.join(sorted(dupes))}")
        self.entries = {e.id: e for e in entries}
        self._ids = ids
        # Per entry: one document for ranking, and each variant's words for coverage.
        self._variants: list[list[set[str]]] = []
        corpus: list[list[str]] = []
        for e in entries:
            variants = [tokens(q) for q in (e.title, e.title_en, *e.questions, *e.questions_en)]
            corpus.append([t for v in variants for t in v])
            self._variants.append([set(v) for v in variants if v])
        self._bm25 = bm25s.BM25()
        if corpus:
            self._bm25.index(corpus, show_progress=False)

    @classmethod
    def load(cls, folder: Path | None = None) -> KnowledgeBase:
        """Every ``*.yaml`` file in ``folder`` (default: the shipped knowledge base)."""
        base = folder or Path(str(files("dialog").joinpath("data/knowledge")))
        entries: list[Entry] = []
        for path in sorted(base.glob("*.yaml")):
            try:
                raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
            except yaml.YAMLError as exc:
                raise KnowledgeError(f"{path}: not valid YAML: {exc}") from exc
            if not isinstance(raw, list):
                raise KnowledgeError(f"{path}: expected a list of entries")
            for i, item in enumerate(raw):
                try:
                    entries.append(Entry.model_validate(item))
                except ValidationError as exc:
                    name = item.get("id", f"#{i + 1}") if isinstance(item, dict) else f"#{i + 1}"
                    raise KnowledgeError(f"{path}: entry {name}: {exc}") from exc
        log.info("knowledge base: %d entries from %s", len(entries), base)
        return cls(entries)

    def search(self, text: str, k: int = 3) -> list[Hit]:
        """The best entries for ``text``, best first, one hit per entry."""
        query = tokens(text)
        if not query or not self._ids:
            return []
        vocab = self._bm25.vocab_dict
        known = [t for t in query if t in vocab]
        if not known:
            return []
        n = min(len(self._ids), k)
        docs, scores = self._bm25.retrieve([known], k=n, show_progress=False, n_threads=1)
        hits = []
        qset = set(query)
        for doc, score in zip(docs[0].tolist(), scores[0].tolist(), strict=True):
            if score <= 0:
                continue
            coverage, matched = max((len(qset & v) / len(v), len(qset & v))
                                    for v in self._variants[doc])
            hits.append(Hit(self.entries[self._ids[doc]], float(np.float32(score)), coverage,
                            matched))
        return hits

    def answer(self, text: str) -> Hit | None:
        """The entry that answers ``text``, if one matches well enough to be trusted."""
        # 停水…小孩都沒辦法洗澡: 小孩 ranks a child-care entry first on one word of three;
        # the outage entry, every word of a phrasing matched, is the one to trust
        hits = self.search(text, k=3)
        if not hits:
            return None
        if trusted(hits[0]):
            return hits[0]
        # a lower hit only with every word of a phrasing, and close to the first in score
        return next((h for h in hits[1:] if trusted(h) and h.coverage >= 0.99
                     and h.score >= 0.8 * hits[0].score), None)


def trusted(hit: Hit) -> bool:
    """Does the hit match well enough to be said to a caller?"""
    # Every word of one phrasing: one rare word (停電), or several (印鑑 證明).
    if hit.coverage >= 0.99 and (hit.score >= 1.5 or hit.matched >= 2):
        return True
    return (hit.score >= 2.5 and hit.coverage >= 0.5) or (hit.score >= 4.0 and
                                                          hit.coverage >= 0.34)
