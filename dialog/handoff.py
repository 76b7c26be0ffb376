"""Hand-off to a person, as a value: reason, summary, fields so far, grounded reply suggestions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dialog.domain import EscalationReason
from dialog.knowledge import KnowledgeBase, trusted
from dialog.phrases import category_name

_REASON_ZH = {
    EscalationReason.CALLER_REQUEST: "來電者要求專人",
    EscalationReason.REPEATED_FAILURE: "機器人多次無法取得資訊",
    EscalationReason.LOW_CONFIDENCE: "語音辨識信心不足",
    EscalationReason.OUT_OF_SCOPE: "非1999服務範圍，來電者需要協助",
    EscalationReason.SENSITIVE: "敏感事項（檢舉、法律或人員問題）",
    EscalationReason.CALLER_DISTRESS: "來電者情緒激動或需要關懷",
    EscalationReason.AGENT_FIRST: "專人接聽線路",
}


@dataclass(frozen=True)
class Suggestion:
    text: str
    kb_id: str | None  # the knowledge entry it comes from; None only for procedural lines
    title: str = ""  # that entry's title, for the agent to see where it comes from

    def __str__(self) -> str:
        return f"{self.text}（知識庫：{self.kb_id}）" if self.kb_id else self.text


@dataclass(frozen=True)
class Handoff:
    reason: EscalationReason
    summary: str
    fields: dict[str, Any] = field(default_factory=dict)
    suggestions: tuple[Suggestion, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"reason": self.reason.value, "summary": self.summary,
                "suggestions": [str(s) for s in self.suggestions]}


def summarise(reason: EscalationReason | None, fields: Mapping[str, Any],
              caller_lines: list[str]) -> str:
    """A short zh-TW summary an agent can read in two seconds: why it came to a person (when
    it was handed over), what, where, and the problem in the caller's words."""
    parts = [_REASON_ZH[reason]] if reason is not None else []
    category = fields.get("category")
    if category:
        parts.append(f"反映{category_name(category, 'zh')}")
    place = "".join(str(fields[k]) for k in ("district", "address", "landmark")
                    if fields.get(k) and (k != "landmark" or not fields.get("address")))
    parts.append(f"地點{place}" if place else "地點未取得")
    for key, label in (("lamp_number", "燈桿編號"), ("route", "公車路線"), ("time", "時間")):
        if fields.get(key):
            parts.append(f"{label}{fields[key]}")
    # The problem in the caller's words (what they first described), else their last line.
    said = str(fields.get("description") or "") or (caller_lines[-1] if caller_lines else "")
    if said:
        label = "來電者說" if fields.get("description") else "來電者最後說"
        parts.append(f"{label}：「{said[:60]}{'…' if len(said) > 60 else ''}」")
    return "；".join(parts) + "。"


def suggest_replies(kb: KnowledgeBase, caller_lines: list[str], fields: dict[str, Any],
                    k: int = 3, lang: str = "zh") -> list[Suggestion]:
    """2–3 replies an agent could give, each taken from a knowledge entry (id attached), in
    the caller's language: first for the matter the bot recognised, then for what the caller
    said last. A loose match on free speech is left out (no suggestion beats a wrong one)."""
    seen: dict[str, Suggestion] = {}
    queries: list[tuple[str, bool]] = []
    if fields.get("category"):
        queries.append((category_name(fields["category"], "zh"), False))
    queries += [(line, True) for line in reversed(caller_lines[-3:])]
    for query, strict in queries:
        for hit in kb.search(query, k=k):
            # the category's own entry may match its name loosely; free speech must match
            # as well as an answer the bot would say itself
            relevant = trusted(hit) if strict else hit.coverage >= 0.25
            if relevant and hit.entry.id not in seen:
                title = hit.entry.title_en if lang == "en" and hit.entry.title_en else \
                    hit.entry.title
                seen[hit.entry.id] = Suggestion(hit.entry.answer_in(lang), hit.entry.id, title)
            if len(seen) == k:
                return list(seen.values())
    suggestions = list(seen.values())
    if len(suggestions) < 2:
        # Procedural, not factual: safe without a source.
        suggestions.append(Suggestion(_ASK_PHONE["en" if lang == "en" else "zh"], None))
    return suggestions[:k]


_ASK_PHONE = {"zh": "請問您方便留下聯絡電話，讓承辦單位回覆您嗎？",
              "en": "Could you leave a phone number so that the department can get back to you?"}
