"""Joins the speech pipeline to the dialog manager (voice/ and dialog/ never import each other)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from dialog import phrases
from dialog.cases import Case, CaseDraft
from dialog.manager import CaseSink, DialogManager
from dialog.state import Reply, StateSnapshot
from dialog.transcript import TranscriptLine
from voice.events import BotTurn
from voice.speech_text import split_sentences

# Transcript updates that had to wait for a turn in progress (one thread keeps their order).
_LATER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dialog-later")


class DialogBrain:
    """The voice side's ``Brain``, backed by one call's dialog manager.

    Turns arrive on worker threads, and so do the call's own lines (hold messages, an
    agent's words): one lock keeps the manager's state consistent. Every method that takes
    it may wait for an LLM turn, so only ``heard`` (which never waits) is called on the loop.
    After every change, still under the lock, the state is published as ``snapshot``: the
    event loop, the agents' views and the records read that, never the live state.
    """

    def __init__(self, manager: DialogManager, recording: bool = False,
                 keypad: bool = False, agent_first: bool = False,
                 listen_only: bool = False) -> None:
        self.manager = manager
        self.recording = recording  # the call's audio is kept: the greeting says so
        self.keypad = keypad  # the caller has keys (a phone): the greeting says which
        self.agent_first = agent_first  # an agent answers; the bot only listens meanwhile
        self.listen_only = listen_only  # a tapped call: the bot never says anything
        self.lock = threading.Lock()
        # Set when a person has the call: caller lines are recorded, the bot says nothing.
        self.with_agent: Callable[[str], None] | None = None
        # Each turn handed to the speech side, with its line in the transcript: what was
        # heard of it goes on that line, even when a newer turn was logged meanwhile.
        self._lines: dict[int, tuple[BotTurn, TranscriptLine]] = {}
        # Told (from any thread) whenever the transcript changed: live views update at once.
        self.on_change: Callable[[], None] = lambda: None
        self.snapshot: StateSnapshot = manager.state.snapshot()

    def _publish(self) -> None:
        """With the lock held: the state as it now stands, for everyone outside the dialog."""
        self.snapshot = self.manager.state.snapshot()

    def greet(self) -> BotTurn:
        if self.listen_only:  # the agent greets the caller on their own phone
            return BotTurn((), "zh")
        with self.lock:
            return self._turn(self.manager.start(recording=self.recording,
                                                 keypad=self.keypad,
                                                 agent_first=self.agent_first))

    def keyed(self, keys: str) -> BotTurn:
        """Keys from the caller's phone (with an agent on the call: only noted)."""
        with self.lock:
            if self.with_agent is None:
                return self._turn(self.manager.keyed(keys))
            self.manager.record("caller", f"[{keys}]")
            self._publish()
        self.on_change()
        # (saying nothing; the emergency the dialog gave, if any, still stands)
        return BotTurn((), self.snapshot.lang, emergency=self.snapshot.emergency)

    def respond(self, text: str, confidence: float) -> BotTurn:
        with self.lock:
            if self.with_agent is None:
                return self._turn(self.manager.handle(text, asr_confidence=confidence))
            self.manager.record("caller", text)
            self._publish()
        self.on_change()
        self.with_agent(text)
        # (saying nothing; the emergency the dialog gave, if any, still stands)
        return BotTurn((), self.snapshot.lang, emergency=self.snapshot.emergency)

    def anticipate(self, text: str) -> None:
        """A speculative transcript: let the dialog prepare (in a worker thread, without the
        lock: it only reads the state, and the LLM has a lock of its own)."""
        self.manager.anticipate(text)

    def heard(self, turn: BotTurn, text: str, interrupted: bool) -> None:
        """Called on the event loop when a turn stops playing. The loop must never wait
        for the lock (a turn holds it while the LLM thinks, for seconds): when it is taken,
        the line is written by a worker thread as soon as the turn in progress is done."""
        if self.lock.acquire(blocking=False):
            try:
                self._heard(turn, text, interrupted)
                self._publish()
            finally:
                self.lock.release()
            self.on_change()
        else:
            _LATER.submit(self._heard_locked, turn, text, interrupted)

    def _heard_locked(self, turn: BotTurn, text: str, interrupted: bool) -> None:
        with self.lock:
            self._heard(turn, text, interrupted)
            self._publish()
        self.on_change()

    def _heard(self, turn: BotTurn, text: str, interrupted: bool) -> None:
        known = self._lines.pop(id(turn), None)
        if known is None:  # the speech side's own line ("are you still there?")
            self.manager.record("bot", text)
        else:
            self.manager.heard(text, interrupted, entry=known[1])

    def line_keeping(self, kind: str, language: str) -> BotTurn:
        """Fixed words, no dialog state: never takes the lock (called on the loop)."""
        # "are you still there?" is answered yes or no, as the question before it was
        return BotTurn(tuple(split_sentences(phrases.say(language, kind))), language,
                       end_call=kind != "still_there", yes_no=kind == "still_there")

    def hold(self, position: int, wait_minutes: int) -> BotTurn:
        with self.lock:
            return self._turn(self.manager.hold(position, wait_minutes))

    def offer_callback(self, agent_lost: bool = False) -> BotTurn:
        with self.lock:
            return self._turn(self.manager.offer_callback(agent_lost))

    def _turn(self, reply: Reply) -> BotTurn:
        """Called with the lock held, after the manager logged the reply."""
        self._publish()
        self.on_change()
        st = self.manager.state
        turn = BotTurn(tuple(split_sentences(reply.text)), reply.lang, reply.end_call,
                       handoff=st.handoff.reason.value if st.handoff else None,
                       emergency=st.emergency, used_llm=reply.used_llm,
                       yes_no=st.awaits_yes_no and not reply.end_call)
        line = next((t for t in reversed(self.manager.state.transcript) if t.who == "bot"), None)
        if line is not None and reply.sentences:  # (nothing said: no line of its own)
            self._lines[id(turn)] = (turn, line)  # the turn kept alive: its id stays unique
        return turn

    def record(self, who: str, text: str) -> None:
        with self.lock:
            self.manager.record(who, text)
            self._publish()
        self.on_change()

    def file_case(self, draft: CaseDraft, cases: CaseSink) -> Case:
        """An agent files the call's case: one per call, so a second Submit (a correction)
        updates the case filed first, under the same number."""
        with self.lock:
            filed = self.manager.state.case
            case = cases.file(draft) if filed is None else cases.update(filed.number, draft)
            self.manager.state.case = case
            self._publish()
        self.on_change()
        return case
