"""Every event of a call, in one place.

Two families, both stamped with the call's clock ``t`` in seconds:

- what the endpointer sees in the caller's audio (``SpeechStarted``, ``SpeechPaused``,
  ``SpeechStopped``): inside the pipeline only;
- what a call's owner hears from its pipeline (``CallEvent`` and its kinds): the caller
  spoke, was understood, was answered, heard the answer (all of it or up to a barge-in),
  pressed a key, hung up. They go, in order, onto a bounded queue the call owns; the
  attendant, the agent's view and the benches act on them instead of polling state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from voice.frames import Pcm


@dataclass(frozen=True)
class Event:
    """Base of all events. ``t`` is the call's clock in seconds."""

    t: float


# ---- the endpointer's ------------------------------------------------------------------------

@dataclass(frozen=True)
class SpeechStarted(Event):
    """Enough voiced audio to say the caller is speaking (``t`` includes the pre-roll)."""


@dataclass(frozen=True)
class SpeechPaused(Event):
    """A short pause inside an utterance: a chance to start recognising early (speculation)."""

    audio: Pcm = field(repr=False, default_factory=lambda: np.zeros(0, np.int16))


@dataclass(frozen=True)
class SpeechStopped(Event):
    """The end of an utterance: ``audio`` is all of it; ``speech_end`` when the voice stopped."""

    audio: Pcm = field(repr=False, default_factory=lambda: np.zeros(0, np.int16))
    speech_end: float = 0.0


# ---- the call's --------------------------------------------------------------------------------

@dataclass(frozen=True)
class BotTurn:
    """What the bot says in one turn, sentence by sentence. ``handoff`` (a reason code) and
    ``emergency`` (the number given) are set when the dialog decided them by this turn."""

    sentences: tuple[str, ...]
    language: str
    end_call: bool = False
    handoff: str | None = None
    emergency: str | None = None
    used_llm: bool = False  # the answer needed the language model (for the figures)
    yes_no: bool = False  # it asks a yes/no question: the next line is likely a short answer


@dataclass(frozen=True)
class CallEvent(Event):
    """Base of what a pipeline tells its call."""


@dataclass(frozen=True)
class CallerStarted(CallEvent):
    """The caller began to speak (the endpointer heard enough voice)."""


@dataclass(frozen=True)
class CallerSpoke(CallEvent):
    """An utterance ended: the voice stopped at ``speech_end``; the endpointer was sure at
    ``t`` (the difference is the time spent making sure the caller had finished)."""

    speech_end: float
    seconds: float  # length of the utterance


@dataclass(frozen=True)
class Transcribed(CallEvent):
    """What was recognised of the last utterance (text empty: nothing usable)."""

    text: str
    language: str
    confidence: float
    speech_end: float
    asr_wait_ms: float  # from the endpointer's decision to the text
    speculative: bool  # the text came from a decode started at a pause


@dataclass(frozen=True)
class BotAnswered(CallEvent):
    """The dialog decided a turn (``reply_to``: the end of the speech it answers, if any)."""

    turn: BotTurn
    dialog_ms: float = 0.0
    reply_to: float | None = None


@dataclass(frozen=True)
class BotAudioStarted(CallEvent):
    """The turn's first audio went out."""

    turn: BotTurn
    tts_first_ms: float
    voice_to_voice_ms: float | None  # the caller's speech end → this audio (answers only)


@dataclass(frozen=True)
class BotHeard(CallEvent):
    """The turn stopped playing: ``text`` is what the caller heard of it."""

    turn: BotTurn
    text: str
    interrupted: bool


@dataclass(frozen=True)
class BargeIn(CallEvent):
    """The caller spoke over the bot and the bot stopped."""


@dataclass(frozen=True)
class KeyPressed(CallEvent):
    """A DTMF digit (0-9, *, #) from the caller's phone."""

    digit: str


@dataclass(frozen=True)
class HungUp(CallEvent):
    """The call is over (``reason``: caller_hung_up, bot_ended, silence, max_call_length…)."""

    reason: str
