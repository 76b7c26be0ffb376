"""A call's dialog state: what the manager keeps between turns, and the snapshot of it that
everything outside the dialog reads.

The state changes only inside a dialog turn (in a worker thread, under the call's lock); after
each change the call publishes a ``StateSnapshot``. The event loop and the agents' views read
that snapshot, never the live state, so they never wait for a turn nor see one half done.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from dialog.cases import Case
from dialog.domain import CATEGORIES, EscalationReason, Outcome
from dialog.emergency import Emergency
from dialog.handoff import Handoff
from dialog.transcript import TranscriptLine

# The questions a caller answers yes or no (the pending names the manager asks with).
YES_NO_QUESTIONS = frozenset({"confirm", "danger", "human_offer", "anything_else", "callback",
                              "phone_same"})


class Stage(StrEnum):
    OPEN = "open"  # waiting for what the caller wants
    COLLECT = "collect"  # a report: asking for what it still needs
    CONFIRM = "confirm"  # read back, waiting for yes / a correction
    CORRECT = "correct"  # the caller said no: waiting for the right value
    OFFER_HUMAN = "offer_human"  # asked "shall I connect you to a person?"
    AFTER = "after"  # asked "anything else?"
    ESCALATED = "escalated"
    OFFER_BOT = "offer_bot"  # agent-first, nobody free: "shall I file it, or a call-back?"
    OFFER_CALLBACK = "offer_callback"  # no agent came: "shall a person call you back?"
    CALLBACK_PHONE = "callback_phone"  # yes: waiting for the number to call back
    EMERGENCY = "emergency"
    DANGER_CHECK = "danger_check"  # signs of danger: asked whether someone is in danger now
    ENDED = "ended"


@dataclass(frozen=True)
class DangerCheck:
    """Signs of danger were heard: the caller was given the number and asked; how to go on."""

    emergency: Emergency
    stage: Stage
    pending: str | None
    then: tuple[str, ...]  # what the bot would have said otherwise


@dataclass
class CallState:
    call_id: str
    lang: str = "zh"
    stage: Stage = Stage.OPEN
    category: str | None = None
    category_score: int = 0
    slots: dict[str, str] = field(default_factory=dict)
    description: list[str] = field(default_factory=list)
    pending: str | None = None  # the question the bot asked last
    failures: dict[str, int] = field(default_factory=dict)
    unlabelled: str | None = None  # what the caller described, while asked which kind it is
    low_confidence_turns: int = 0
    offer_reason: EscalationReason | None = None
    emergency: str | None = None
    danger: DangerCheck | None = None  # while asking whether someone is in danger now
    cleared: set[str] = field(default_factory=set)  # kinds of danger the caller said are not
    handoff: Handoff | None = None
    case: Case | None = None
    answered: list[str] = field(default_factory=list)  # knowledge ids used
    transcript: list[TranscriptLine] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    # the number the phone network gave (caller id): offered for the call-back, never
    # filled in without the caller's yes
    caller_number: str | None = None
    agents_busy: bool = False  # agent-first: nobody answered in time, the bot took the call
    # danger heard in the caller's words while a person has the call: shown to them at once
    # (the emergency number it calls for); the person decides, the bot redirects no one
    alert: str | None = None
    acknowledged: bool = False  # agent-first: the caller was told once their words are noted

    @property
    def awaits_yes_no(self) -> bool:
        """The bot's last question is answered yes or no (好/對/不是)."""
        return self.pending in YES_NO_QUESTIONS

    @property
    def outcome(self) -> Outcome:
        if self.emergency:
            return Outcome.EMERGENCY_REDIRECT
        if self.handoff:
            return Outcome.ESCALATED
        if self.case:
            return Outcome.CASE_FILED
        if self.answered:
            return Outcome.ANSWERED
        return Outcome.UNRESOLVED

    def fields(self) -> dict[str, Any]:
        """What the bot has gathered, for a case form or an agent."""
        out: dict[str, Any] = dict(self.slots)
        if self.category:
            out["category"] = self.category
            out["department"] = CATEGORIES[self.category].department
        if self.description:
            out["description"] = " ".join(self.description)
        return out

    def caller_lines(self) -> list[str]:
        return [t.text for t in self.transcript if t.who == "caller"]

    def snapshot(self) -> StateSnapshot:
        """The state as it stands, in a form nobody can change (read without the lock)."""
        return StateSnapshot(
            call_id=self.call_id, lang=self.lang, stage=self.stage, outcome=self.outcome,
            emergency=self.emergency, handoff=self.handoff, case=self.case,
            fields=MappingProxyType(self.fields()), transcript=tuple(self.transcript),
            alert=self.alert)


@dataclass(frozen=True)
class Reply:
    sentences: tuple[str, ...]
    lang: str
    outcome: Outcome
    end_call: bool = False
    emergency: str | None = None
    handoff: Handoff | None = None
    case: Case | None = None
    used_llm: bool = False
    kb_ids: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return (" " if self.lang == "en" else "").join(self.sentences)


@dataclass(frozen=True)
class StateSnapshot:
    call_id: str
    lang: str
    stage: Stage
    outcome: Outcome
    emergency: str | None
    handoff: Handoff | None
    case: Case | None
    fields: Mapping[str, Any]
    transcript: tuple[TranscriptLine, ...]
    alert: str | None = None

    @property
    def case_number(self) -> str | None:
        return self.case.number if self.case else None

    def caller_lines(self) -> list[str]:
        return [t.text for t in self.transcript if t.who == "caller"]
