"""One call, whatever channel it came by: the pipeline, the dialog, and the call's events.

The channel's audio goes into the pipeline (and to the recording, and to an agent's ear);
the pipeline tells what happens on the call's event queue; ``dispatch`` hands each event, in
order, to the call's listeners (the attendant, the agents' views, a bench). Nothing polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from dialog.handoff import Suggestion
from dialog.manager import DialogManager
from dialog.state import StateSnapshot
from hotline.audio_recorder import CallRecorder
from hotline.brain import DialogBrain
from hotline.desk.accounts import Agent
from voice.asr import Recognizer
from voice.channels.base import Channel, Digit
from voice.clock import Clock, WallClock
from voice.decode_gate import DecodeGate
from voice.events import BotAnswered, CallEvent
from voice.pipeline import CallPipeline, PipelineConfig
from voice.tts import VoiceBox

log = logging.getLogger(__name__)

EVENTS_QUEUED = 256  # a call's events not yet dispatched (the listeners are quick)


class CallConflict(Exception):
    """The call cannot do that now (already taken, over, not waiting)."""


@dataclass
class Call:
    call_id: str
    token: str
    channel: Channel
    manager: DialogManager
    brain: DialogBrain
    pipeline: CallPipeline
    events: asyncio.Queue[CallEvent]
    clock: Clock
    # live audio is offered, never awaited (a stalled pipeline drops its oldest); a scripted
    # caller's is pushed (nothing lost: it waits for the pipeline instead)
    lossless: bool = False
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    closing: asyncio.Task[None] | None = None
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    # set once the caller's audio flows (a busy call: once the connection is up); a call
    # without it after the connect timeout is ended, so it never holds a line
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    listeners: list[Callable[[CallEvent], None]] = field(default_factory=list)
    # the hand-off: queued (on the call's clock), then a person's
    handoff: str | None = None  # the reason code, once the dialog handed the call over
    emergency: str | None = None  # the number given, once the dialog redirected
    waiting_since: float | None = None
    callback_offered: bool = False
    agent: Agent | None = None
    accepting: bool = False  # an agent's offer is being negotiated
    accepted_at: float | None = None
    agent_channel: Channel | None = None
    agent_left: bool = False  # the agent's line dropped: the bot has the call again
    agent_hold: bool = False  # the agent put the caller on hold: their voice is not relayed
    hold_notice: asyncio.Task[None] | None = None  # what the caller hears meanwhile
    suggestions: list[Suggestion] = field(default_factory=list)
    suggest_ms: list[float] = field(default_factory=list)  # caller's speech end → suggestions
    agent_fields: dict[str, str] = field(default_factory=dict)  # the agent's form edits
    suggestions_shown: set[str] = field(default_factory=set)  # knowledge ids, for the use rate
    suggestions_used: list[str] = field(default_factory=list)
    recorder: CallRecorder | None = None
    _stopping: bool = False

    @property
    def address(self) -> str:
        return self.channel.remote.address

    @property
    def ended(self) -> bool:
        return self.finished.is_set()

    @property
    def queued(self) -> bool:
        return not self.ended and self.agent is None and self.waiting_since is not None

    def seconds(self) -> float:
        """How long the call has lasted."""
        return self.clock.now()

    def waited_s(self) -> float:
        """How long the call has been waiting for a person (0 when it is not)."""
        return 0.0 if self.waiting_since is None else self.clock.now() - self.waiting_since

    @property
    def state(self) -> str:
        if self.ended:
            return "ended"
        if self.agent is not None and not self.agent_left:
            return "agent"
        if self.handoff is not None and not self.callback_offered:
            return "waiting_agent"
        return "bot" if self.tasks else "ringing"

    @property
    def dialog(self) -> StateSnapshot:
        """The dialog as it stood after its last change (never the live state)."""
        return self.brain.snapshot

    def as_json(self) -> dict[str, Any]:
        st = self.dialog
        return {
            "state": self.state,
            "outcome": st.outcome.value if st.transcript[1:] else None,
            "case_number": st.case_number,
            "transcript": [{"who": t.who, "text": t.text, "t": t.t} for t in st.transcript],
        }

    # ---- the call's own work ------------------------------------------------------------------

    def spawn(self, work: Any, name: str) -> asyncio.Task[Any]:
        """A task of this call's: cancelled when the call ends."""
        task = asyncio.create_task(work, name=name)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def pump(self) -> None:
        """The channel's audio and keys into the pipeline (and the recording, and the agent)."""
        try:
            async for item in self.channel.inbound():
                self.connected.set()
                if isinstance(item, Digit):
                    self.pipeline.key_pressed(item.key)
                    continue
                if self.recorder is not None:
                    self.recorder.caller(item)
                if self.agent_channel is not None and not self.agent_left:
                    self.agent_channel.out.relay(item)
                if self.lossless:
                    await self.pipeline.push(item)
                else:
                    self.pipeline.offer(item)
                if self.pipeline.ended:
                    break
        finally:
            self.pipeline.end_of_input_nowait()

    async def dispatch(self) -> None:
        """Each event of the pipeline's, in order, to every listener (a failing listener
        is logged and skipped: it never stops the others or the call)."""
        while True:
            event = await self.events.get()
            for listener in list(self.listeners):
                try:
                    listener(event)
                except Exception:
                    log.exception("call %s: a listener failed on %s", self.call_id,
                                  type(event).__name__)
            self.events.task_done()

    def note(self, event: CallEvent) -> None:
        """The call's own listener: what the dialog decided, as the call's facts."""
        if isinstance(event, BotAnswered):
            if event.turn.handoff is not None:
                self.handoff = event.turn.handoff
            # as the dialog stands: a danger the caller then said is not there is no more
            self.emergency = event.turn.emergency

    async def stop_tasks(self) -> None:
        """Cancel the call's tasks (once: two paths ending the call must not cancel each
        other while each waits for the other to stop)."""
        if self._stopping:
            return
        self._stopping = True
        for task in list(self.tasks):
            if task is not asyncio.current_task():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task


def new_call(call_id: str, token: str, channel: Channel, manager: DialogManager,
             asr: Recognizer, voices: VoiceBox, *, clock: Clock | None = None,
             gate: DecodeGate | None = None, asr_executor: Executor | None = None,
             config: PipelineConfig | None = None, recording: bool = False,
             lossless: bool = False, pipeline_type: type[CallPipeline] = CallPipeline,
             keypad: bool = False, agent_first: bool = False,
             listen_only: bool = False) -> Call:
    """A call on ``channel`` with its own dialog and pipeline (not started)."""
    clock = clock or WallClock()
    brain = DialogBrain(manager, recording=recording, keypad=keypad, agent_first=agent_first,
                        listen_only=listen_only)
    events: asyncio.Queue[CallEvent] = asyncio.Queue(maxsize=EVENTS_QUEUED)
    pipeline = pipeline_type(brain, asr, voices, channel.out, config or PipelineConfig(),
                             clock=clock, gate=gate, asr_executor=asr_executor, events=events)
    call = Call(call_id, token, channel, manager, brain, pipeline, events, clock,
                lossless=lossless)
    call.listeners.append(call.note)
    return call
