"""Joins the speech pipeline to the dialog manager (voice/ and dialog/ never import each other)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from dialog.manager import DialogManager, Reply
from voice.pipeline import BotTurn
from voice.speech_text import split_sentences


class DialogBrain:
    """The voice side's ``Brain``, backed by one call's dialog manager.

    Turns arrive on worker threads while the call's attendant (hold messages, an agent's
    lines) acts from the event loop: one lock keeps the manager's state consistent.
    """

    def __init__(self, manager: DialogManager, recording: bool = False) -> None:
        self.manager = manager
        self.recording = recording  # the call's audio is kept: the greeting says so
        self.lock = threading.Lock()
        # Set when a person has the call: caller lines are recorded, the bot says nothing.
        self.with_agent: Callable[[str], None] | None = None
        # Each turn handed to the speech side, with its line in the transcript: what was
        # heard of it goes on that line, even when a newer turn was logged meanwhile.
        self._lines: dict[int, tuple[BotTurn, dict[str, Any]]] = {}
        # Told (from any thread) whenever the transcript changed: live views update at once.
        self.on_change: Callable[[], None] = lambda: None

    def greet(self) -> BotTurn:
        with self.lock:
            return self._turn(self.manager.start(recording=self.recording))

    def respond(self, text: str, confidence: float) -> BotTurn:
        with self.lock:
            if self.with_agent is None:
                return self._turn(self.manager.handle(text, asr_confidence=confidence))
            self.manager.record("caller", text)
        self.on_change()
        self.with_agent(text)
        return BotTurn((), self.manager.state.lang)

    def heard(self, turn: BotTurn, text: str, interrupted: bool) -> None:
        with self.lock:
            known = self._lines.pop(id(turn), None)
            if known is None:  # the speech side's own line ("are you still there?")
                self.manager.record("bot", text)
            else:
                self.manager.heard(text, interrupted, entry=known[1])
        self.on_change()

    def hold(self, position: int, wait_minutes: int) -> BotTurn:
        with self.lock:
            return self._turn(self.manager.hold(position, wait_minutes))

    def offer_callback(self, agent_lost: bool = False) -> BotTurn:
        with self.lock:
            return self._turn(self.manager.offer_callback(agent_lost))

    def _turn(self, reply: Reply) -> BotTurn:
        """Called with the lock held, after the manager logged the reply."""
        self.on_change()
        turn = _turn(reply)
        line = next((t for t in reversed(self.manager.state.transcript) if t["who"] == "bot"),
                    None)
        if line is not None:
            self._lines[id(turn)] = (turn, line)  # the turn kept alive: its id stays unique
        return turn

    def record(self, who: str, text: str) -> None:
        with self.lock:
            self.manager.record(who, text)
        self.on_change()


def _turn(reply: Reply) -> BotTurn:
    return BotTurn(tuple(split_sentences(reply.text)), reply.lang, reply.end_call)
