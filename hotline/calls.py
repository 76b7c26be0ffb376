"""Live calls over WebRTC (aiortc), and the queue of calls waiting for a person.

Each call gets a peer connection, the speech pipeline and its own dialog manager. Audio from
the caller is converted once at the edge; the bot's audio goes back on one outgoing track.
An agent who accepts gets a second peer connection, bridged to the caller's.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import secrets
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame

from dialog.cases import CaseDraft
from dialog.handoff import Suggestion, suggest_replies
from dialog.manager import DialogManager
from hotline.accounts import Agent
from hotline.audio_recorder import CallRecorder
from hotline.audio_track import BotAudioTrack
from hotline.auth import RateLimiter
from hotline.brain import DialogBrain
from hotline.dialogs import DialogFactory
from hotline.memory import trim
from hotline.records import CallRecord, CallRecords
from hotline.sdp_offer import MAX_SDP_BYTES, BadOffer, check_offer
from voice.asr import Recognizer, Transcript
from voice.audio import AudioFormatError, StreamConverter
from voice.decode_gate import DecodeGate
from voice.frames import FRAME_SAMPLES, SAMPLE_RATE, Pcm, SpeechStopped
from voice.pipeline import CallPipeline, PipelineConfig
from voice.tts import VoiceBox
from voice.vad import Endpointer

log = logging.getLogger(__name__)

__all__ = ["MAX_SDP_BYTES", "BadOffer", "Call", "CallConflict", "CallPolicy", "CallService"]

# An ended call stays in memory this long, for the caller's page to learn how it ended; then
# only its database record. Short: each one holds its closed connection, codecs and buffers.
KEEP_ENDED_S = 120.0
BUSY = (("目前線路忙碌中，請稍後再撥，謝謝。", "zh"),
        ("All our lines are busy. Please call again later.", "en"))


@dataclass
class Call:
    call_id: str
    token: str
    pc: RTCPeerConnection
    manager: DialogManager
    brain: DialogBrain
    pipeline: CallPipeline
    out: BotAudioTrack
    address: str = "unknown"  # the client's, for the per-address limit
    started: float = field(default_factory=time.monotonic)
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    closing: asyncio.Task[None] | None = None
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    # set once the caller's audio flows (a busy call: once the connection is up); a call
    # without it after the connect timeout is ended, so it never holds a line
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    caller_track: MediaStreamTrack | None = None
    # the hand-off: queued, then a person's
    waiting_since: float | None = None
    last_hold: float = 0.0
    callback_offered: bool = False
    agent: Agent | None = None
    accepting: bool = False  # an agent's offer is being negotiated
    accepted_at: float | None = None
    agent_pc: RTCPeerConnection | None = None
    agent_left: bool = False  # the agent's line dropped: the bot has the call again
    to_agent: BotAudioTrack | None = None
    suggestions: list[Suggestion] = field(default_factory=list)
    suggest_ms: list[float] = field(default_factory=list)  # caller's speech end → suggestions
    recorder: CallRecorder | None = None

    @property
    def ended(self) -> bool:
        return self.finished.is_set()

    @property
    def queued(self) -> bool:
        return not self.ended and self.agent is None and self.waiting_since is not None

    @property
    def state(self) -> str:
        if self.ended:
            return "ended"
        if self.agent is not None and not self.agent_left:
            return "agent"
        handoff = self.manager.state.handoff
        if handoff is not None and not self.callback_offered:
            return "waiting_agent"
        return "bot" if self.tasks else "ringing"

    def as_json(self) -> dict[str, Any]:
        st = self.manager.state
        return {
            "state": self.state,
            "outcome": st.outcome.value if st.transcript[1:] else None,
            "case_number": st.case.number if st.case else None,
            "transcript": [{"who": t["who"], "text": t["text"], "t": t["t"]}
                           for t in st.transcript],
        }


@dataclass
class CallPolicy:
    """How the service treats callers: capacity, waiting for a person, abuse limits."""

    max_calls: int = 8
    agent_wait_s: float = 180.0
    hold_message_s: float = 30.0
    calls_per_minute_per_ip: int = 10
    calls_per_ip: int = 2  # live calls one client address may hold at once
    connect_timeout_s: float = 15.0  # from the answer to audio flowing, else the call ends
    typical_agent_call_s: float = 180.0  # for the wait a caller is told, before any is measured
    recordings: Path | None = None  # a folder: call audio is kept there (off when None)


class CallConflict(Exception):
    """The call cannot do that now (already taken, over, not waiting)."""


class CallService:
    """Every live call of this process, and the queue of calls waiting for a person."""

    def __init__(self, factory: DialogFactory, asr: Recognizer, voices: VoiceBox,
                 ice_servers: list[str], policy: CallPolicy | None = None,
                 records: CallRecords | None = None) -> None:
        self.factory = factory
        self.records = records
        self.asr = asr
        self.voices = voices
        self.ice_servers = ice_servers
        self.policy = policy or CallPolicy()
        self.calls: dict[str, Call] = {}
        self.new_calls = RateLimiter(self.policy.calls_per_minute_per_ip, 60.0)
        self.gate = DecodeGate()  # every call's decodes take turns on the one recogniser
        # Decodes wait for their turn in threads of their own: a queue of them never takes
        # the threads that the dialog, speech synthesis and the database need.
        self.asr_pool = ThreadPoolExecutor(max_workers=2 * self.policy.max_calls + 4,
                                           thread_name_prefix="asr")
        self._negotiating: Counter[str] = Counter()  # offers being answered, by address
        self.draining = False  # shutting down: live calls finish, no new ones
        self._agent_call_s: deque[float] = deque(maxlen=20)
        self._changed = asyncio.Event()
        self.version = 0  # counts changes
        self.on_call_ended: Callable[[Call], None] = lambda call: None  # metrics
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def max_calls(self) -> int:
        return self.policy.max_calls

    @property
    def live(self) -> int:
        return sum(1 for c in self.calls.values() if not c.ended) + \
            sum(self._negotiating.values())

    def live_from(self, address: str) -> int:
        return sum(1 for c in self.calls.values() if not c.ended and c.address == address) + \
            self._negotiating[address]

    def refusal(self, address: str) -> tuple[int, str] | None:
        """Why a new call from ``address`` is refused now (status, message), or None."""
        if self.draining:
            return 503, "the service is shutting down; please call again in a minute"
        if self.live_from(address) >= self.policy.calls_per_ip:
            return 429, "too many live calls from this address"
        return None

    # ---- changes, for the agents' live views ------------------------------------------------

    def notify(self) -> None:
        """Something a live view shows changed: wake them all."""
        self.version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    def notify_threadsafe(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self.notify)

    async def changed(self, seen: int, within: float) -> None:
        """Return once anything changed after ``version`` was ``seen`` (read it before
        building what is sent, so no change slips in between), or after ``within`` seconds
        (waiting times tick on even when nothing else changes)."""
        if self.version == seen:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), within)

    # ---- the queue --------------------------------------------------------------------------

    def queue(self) -> list[Call]:
        """Waiting calls, emergencies first, then the longest waiting."""
        waiting = [c for c in self.calls.values() if c.queued]
        return sorted(waiting, key=lambda c: (c.manager.state.emergency is None,
                                              c.waiting_since or 0.0))

    def expected_wait(self, call: Call) -> tuple[int, int]:
        """(place in the queue from 1, expected wait in whole minutes)."""
        queue = self.queue()
        position = queue.index(call) + 1 if call in queue else 1
        typical = (sum(self._agent_call_s) / len(self._agent_call_s) if self._agent_call_s
                   else self.policy.typical_agent_call_s)
        agents_busy = max(1, sum(1 for c in self.calls.values() if c.agent and not c.ended))
        return position, max(1, round(position * typical / agents_busy / 60))

    async def _attend(self, call: Call) -> None:
        """While a call waits for a person: queue it, say 'please hold' with the expected
        wait now and then, and after the configured time offer a call-back instead.

        An emergency the bot redirected (110, 119, …) is flagged to the agents too, first in
        the queue, in case the caller stays on the line; the bot keeps the call meanwhile.
        The dialog's lock is only ever taken in worker threads (a turn may hold it while the
        LLM thinks): the event loop never waits for it.
        """
        while not call.ended and call.agent is None:
            await asyncio.sleep(0.5)
            now = time.monotonic()
            st = call.manager.state
            if call.waiting_since is None:
                if call.callback_offered or (st.handoff is None and not st.emergency):
                    continue
                call.waiting_since = call.last_hold = now
                if st.handoff is not None:
                    call.suggestions = list(st.handoff.suggestions)
                    call.pipeline.on_hold = True
                log.info("call %s waits for an agent (%s)", call.call_id,
                         st.handoff.reason.value if st.handoff else f"emergency {st.emergency}")
                self.notify()
            elif st.handoff is None:
                continue  # an emergency: the caller was told to call for help, not to hold
            elif call.pipeline.speaking or call.accepting:
                continue  # never cut a message short (what was heard goes on record)
            elif now - call.waiting_since >= self.policy.agent_wait_s:
                call.waiting_since = None
                call.callback_offered = True
                call.pipeline.on_hold = False
                turn = await asyncio.to_thread(call.brain.offer_callback)
                if call.agent is None and not call.ended:
                    call.pipeline.say(turn)
                log.info("call %s: no agent in time, call-back offered", call.call_id)
                self.notify()
            elif now - call.last_hold >= self.policy.hold_message_s:
                call.last_hold = now
                position, minutes = self.expected_wait(call)
                turn = await asyncio.to_thread(call.brain.hold, position, minutes)
                if call.queued:  # not accepted meanwhile
                    call.pipeline.say(turn)

    async def accept(self, call: Call, agent: Agent,
                     offer: RTCSessionDescription) -> RTCSessionDescription:
        """An agent takes a waiting call: audio is bridged both ways, the bot falls silent
        and keeps transcribing; the agent's own speech is transcribed too.

        The agent's offer is negotiated first; only a working answer takes the call from the
        bot (a bad offer leaves the caller waiting, with the bot). If the agent's connection
        is not up within the connect timeout, the bot takes the call back.
        """
        if not call.queued or call.accepting:
            raise CallConflict("this call is not waiting for an agent (taken or over)")
        check_offer(offer.sdp)
        call.accepting = True
        pc = RTCPeerConnection(RTCConfiguration([RTCIceServer(u) for u in self.ice_servers]))
        to_agent = BotAudioTrack(max_frames=15)  # ≤ 300 ms behind the caller
        pc.addTrack(to_agent)
        tracks: list[MediaStreamTrack] = []
        pc.on("track", lambda track: tracks.append(track) if track.kind == "audio" else None)
        try:
            await _negotiate(pc, offer)
        finally:
            call.accepting = False
        if not call.queued:  # the caller hung up, or the call-back offer came, meanwhile
            await pc.close()
            raise CallConflict("this call is not waiting for an agent any more")
        call.agent, call.accepted_at, call.waiting_since = agent, time.monotonic(), None
        call.agent_pc, call.to_agent = pc, to_agent
        up = asyncio.Event()

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState == "connected":
                up.set()
            elif pc.connectionState in ("failed", "closed"):
                await self.agent_left(call)

        for track in tracks[:1]:
            self._spawn(call, self._listen_agent(call, track), "agent-rx")
        self._spawn(call, self._expect(call, up, self.agent_left), "agent-connect")

        def caller_said(_text: str) -> None:  # on a worker thread, after each utterance
            _suggest(call)
            call.suggest_ms.append(round(call.pipeline.since_speech_end() * 1000))
            self.notify_threadsafe()

        call.pipeline.hand_over()
        call.out.clear()
        call.brain.with_agent = caller_said
        await asyncio.to_thread(_suggest, call)
        log.info("call %s accepted by %s", call.call_id, agent.name)
        self.notify()
        return pc.localDescription

    async def agent_left(self, call: Call) -> None:
        """The agent's line dropped mid-call (or never came up): the bot takes the call
        back, apologises and offers a call-back, so the caller is not left in silence and
        nothing is lost."""
        if call.ended or call.closing is not None or call.agent_left or call.agent is None:
            return  # the call is ending anyway (the agent pressed End, or it hung up)
        call.agent_left = True
        log.warning("call %s: the agent's line dropped; the bot takes the call back",
                    call.call_id)
        call.to_agent = None
        call.brain.with_agent = None
        call.callback_offered = True
        call.pipeline.take_back()
        self.notify()
        if call.agent_pc is not None:
            await call.agent_pc.close()
        turn = await asyncio.to_thread(call.brain.offer_callback, True)
        if not call.ended:
            call.pipeline.say(turn)

    async def _listen_agent(self, call: Call, track: MediaStreamTrack) -> None:
        """The agent's voice: to the caller as it comes, and into the transcript."""
        converter = StreamConverter()
        endpointer = Endpointer()
        t = 0.0
        try:
            while True:
                frame = await track.recv()
                if not isinstance(frame, AudioFrame):
                    continue
                pcm = converter.push(frame.to_ndarray().reshape(-1), frame.sample_rate,
                                     len(frame.layout.channels))
                call.out.relay(pcm)
                for start in range(0, len(pcm) - FRAME_SAMPLES + 1, FRAME_SAMPLES):
                    for event in endpointer.push(pcm[start:start + FRAME_SAMPLES], t):
                        if isinstance(event, SpeechStopped):  # decoded aside: the relay
                            # to the caller must not stall
                            self._spawn(call, self._transcribe_agent(call, event.audio),
                                        "agent-asr")
                    t += FRAME_SAMPLES / SAMPLE_RATE
        except (MediaStreamError, AudioFormatError) as exc:
            log.info("call %s: agent audio ended (%s)", call.call_id, type(exc).__name__)

    async def _transcribe_agent(self, call: Call, audio: Pcm) -> None:
        def decode() -> Transcript:
            with self.gate.turn(final=True):
                return self.asr.transcribe(audio, call.manager.state.lang)

        try:
            text = await asyncio.get_running_loop().run_in_executor(self.asr_pool, decode)
        except Exception:  # one lost line of the agent's, never the call
            log.exception("call %s: agent speech recognition failed", call.call_id)
            return
        if text.text:
            await asyncio.to_thread(call.brain.record, "agent", text.text)  # wakes the views

    def submit_case(self, call: Call, agent: Agent, draft: CaseDraft) -> str:
        """The agent files the call's case (from the edited form); returns its number.
        A call has one case: a second one, or one after the call ended, is a conflict.
        Blocking (the database, the dialog's lock): run it in a worker thread."""
        if call.agent is None or call.agent.name != agent.name:
            raise CallConflict("only the agent on the call can file its case")
        with call.brain.lock:
            if call.ended:
                raise CallConflict("the call has ended; its record is kept as it was")
            if call.manager.state.case is not None:
                raise CallConflict(f"this call's case is already filed "
                                   f"({call.manager.state.case.number})")
            case = self.factory.cases.file(draft)
            call.manager.state.case = case
        self.notify_threadsafe()  # filed from a worker thread
        return case.number

    async def answer_busy(self, offer: RTCSessionDescription, address: str = "unknown") -> Call:
        """At capacity: answer, say the lines are busy, hang up — never a dead line."""
        call = await self.answer(offer, address, listen=False)
        self._spawn(call, self._busy(call), "busy")
        return call

    async def _busy(self, call: Call) -> None:
        try:
            await call.connected.wait()  # (the connect timeout ends a call that never is)
            for text, lang in BUSY:
                speech = await asyncio.to_thread(self.voices.synthesize, text, lang)
                for start in range(0, len(speech.pcm), FRAME_SAMPLES):
                    await call.out.play(speech.pcm[start:start + FRAME_SAMPLES])
                call.manager.state.transcript.append(
                    {"who": "bot", "text": text, "t": round(time.monotonic() - call.started, 3)})
            await asyncio.sleep(call.out.pending_seconds + 0.5)  # until it has been played
        finally:
            await self._finish(call)

    async def _finish(self, call: Call) -> None:
        """The call is over (hang-up, pipeline end or shutdown, whichever comes first):
        every path waits for the one closing, so none reports "ended" before the record."""
        if call.closing is None:
            call.closing = asyncio.create_task(self._close(call), name="close-call")
        await asyncio.shield(call.closing)

    async def _close(self, call: Call) -> None:
        """Keep the call's record, then show it ended and close the connection."""
        if call.accepted_at is not None:
            self._agent_call_s.append(time.monotonic() - call.accepted_at)
        if self.records is not None:
            st = call.manager.state
            record = CallRecord(
                call.call_id, call.started_at, dt.datetime.now(dt.UTC), st.outcome.value,
                st.case.number if st.case else None, st.emergency,
                st.handoff.reason.value if st.handoff else None,
                call.agent.name if call.agent else "bot", list(st.transcript))
            try:
                await asyncio.to_thread(self.records.save, record)
            except Exception:  # the call is over either way; say so loudly
                log.exception("could not save the record of call %s", call.call_id)
        if call.recorder is not None:
            call.recorder.close()
        self.on_call_ended(call)
        call.finished.set()
        self.notify()
        # The caller's page may still ask how it ended; after that only the record remains.
        asyncio.get_running_loop().call_later(KEEP_ENDED_S, self.calls.pop, call.call_id, None)
        await call.pc.close()
        if call.agent_pc is not None:
            await call.agent_pc.close()
        await asyncio.to_thread(trim)  # the call's native memory back to the system

    async def answer(self, offer: RTCSessionDescription, address: str = "unknown",
                     listen: bool = True) -> Call:
        """Negotiate a caller's offer; only a call that got this far holds a line.

        Raises ``BadOffer`` (nothing kept, the connection closed) when the offer cannot
        become a call. The call then has ``connect_timeout_s`` to bring the caller's audio
        (a busy call: the connection), or it is ended.
        """
        check_offer(offer.sdp)
        self._loop = asyncio.get_running_loop()
        config = RTCConfiguration([RTCIceServer(u) for u in self.ice_servers])
        pc = RTCPeerConnection(config)
        call_id = secrets.token_hex(8)
        manager = self.factory.new(call_id)
        out = BotAudioTrack()
        recording = self.policy.recordings is not None and listen
        brain = DialogBrain(manager, recording=recording)
        pipeline = CallPipeline(brain, self.asr, self.voices, out, PipelineConfig(),
                                gate=self.gate, asr_executor=self.asr_pool)
        call = Call(call_id, secrets.token_urlsafe(24), pc, manager, brain, pipeline, out,
                    address=address)
        brain.on_change = self.notify_threadsafe
        pc.addTrack(out)

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind == "audio" and call.caller_track is None:
                call.caller_track = track

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if call.call_id not in self.calls:
                return  # still negotiating (a failure there closes it)
            if pc.connectionState == "connected" and not listen:
                call.connected.set()
            elif pc.connectionState in ("failed", "closed", "disconnected"):
                await self.end(call)

        self._negotiating[address] += 1
        try:
            await _negotiate(pc, offer)
        finally:
            self._negotiating[address] -= 1
            if self._negotiating[address] <= 0:
                del self._negotiating[address]
        if recording and self.policy.recordings is not None:
            call.recorder = CallRecorder(self.policy.recordings, call_id)
            out.tap = call.recorder.line
        self.calls[call_id] = call
        if listen and call.caller_track is not None:
            self._spawn(call, self._listen(call, call.caller_track), "rx")
            self._spawn(call, self._run(call), "call")
            self._spawn(call, self._attend(call), "attend")
        self._spawn(call, self._expect(call, call.connected, self.end), "connect")
        return call

    def _spawn(self, call: Call, work: Any, name: str) -> None:
        task = asyncio.create_task(work, name=name)
        call.tasks.add(task)
        task.add_done_callback(call.tasks.discard)

    async def _expect(self, call: Call, up: asyncio.Event,
                      otherwise: Callable[[Call], Any]) -> None:
        """Give a connection the connect timeout to come up, else ``otherwise(call)``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(up.wait(), self.policy.connect_timeout_s)
        if not up.is_set() and not call.ended:
            log.info("call %s: no connection within %.0f s", call.call_id,
                     self.policy.connect_timeout_s)
            await otherwise(call)

    async def _listen(self, call: Call, track: MediaStreamTrack) -> None:
        converter = StreamConverter()
        try:
            while True:
                frame = await track.recv()
                if not isinstance(frame, AudioFrame):
                    continue
                call.connected.set()
                samples = frame.to_ndarray().reshape(-1)
                channels = len(frame.layout.channels)
                pcm = converter.push(samples, frame.sample_rate, channels)
                if call.recorder is not None:
                    call.recorder.caller(pcm)
                if call.to_agent is not None:
                    call.to_agent.relay(pcm)
                call.pipeline.offer(pcm)  # never waits: a stalled pipeline drops the oldest
        except (MediaStreamError, AudioFormatError) as exc:
            log.info("call %s: caller audio ended (%s)", call.call_id, type(exc).__name__)
        finally:
            call.pipeline.end_of_input_nowait()

    async def _run(self, call: Call) -> None:
        try:
            await call.pipeline.run()
        finally:
            await self._finish(call)

    async def end(self, call: Call) -> None:
        call.pipeline.end_of_input_nowait()
        await self._finish(call)
        for task in list(call.tasks):
            if task is not asyncio.current_task():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def drain(self, within: float) -> None:
        """Take no new calls; let the live ones finish for up to ``within`` seconds."""
        self.draining = True
        self.notify()
        deadline = time.monotonic() + within
        while self.live and time.monotonic() < deadline:
            await self.changed(self.version, min(1.0, max(0.0, deadline - time.monotonic())))

    async def close(self) -> None:
        """End every call (each record is saved) and stop the recogniser's threads."""
        self.draining = True
        await asyncio.gather(*(self.end(call) for call in list(self.calls.values())),
                             return_exceptions=True)
        self.asr_pool.shutdown(wait=False, cancel_futures=True)


async def _negotiate(pc: RTCPeerConnection, offer: RTCSessionDescription) -> None:
    """Answer ``offer`` on ``pc``; on any failure the connection is closed and ``BadOffer``
    raised, so a bad offer never holds a line."""
    try:
        await pc.setRemoteDescription(offer)
        await pc.setLocalDescription(await pc.createAnswer())
    except BaseException as exc:
        await pc.close()
        if isinstance(exc, Exception):  # aiortc raises many kinds on a malformed offer
            log.info("offer refused: %s: %s", type(exc).__name__, exc)
            raise BadOffer(f"the offer could not be negotiated ({type(exc).__name__})") \
                from exc
        raise


def _suggest(call: Call) -> None:
    """Replies for the agent, from the knowledge base, for the conversation so far
    (takes the dialog's lock: call it from a worker thread)."""
    with call.brain.lock:
        st = call.manager.state
        lines, fields, lang = st.caller_lines(), st.fields(), st.lang
    call.suggestions = suggest_replies(call.manager.kb, lines, fields, lang=lang)
