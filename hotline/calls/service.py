"""Every live call of this process, and the queue of calls waiting for a person.

Calls come in on a channel (WebRTC today); each gets the speech pipeline and its own dialog,
an attendant for the time it may wait for a person, and its record when it ends. An agent who
accepts joins on a channel of their own, bridged to the caller's.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiortc import RTCSessionDescription

from dialog import phrases
from dialog.cases import CaseDraft
from dialog.handoff import suggest_replies
from dialog.phrases import busy_lines
from dialog.text import language_of
from hotline.audio_recorder import CallRecorder
from hotline.calls.agent_line import AgentLine
from hotline.calls.attendant import Attendant
from hotline.calls.call import Call, CallConflict, new_call
from hotline.calls.policy import CallPolicy
from hotline.desk.accounts import Agent
from hotline.desk.auth import RateLimiter
from hotline.dialogs import DialogFactory
from hotline.memory import trim
from hotline.records import CallRecord, CallRecords
from voice.asr import Recognizer
from voice.channels.base import Channel, Remote
from voice.channels.webrtc import WebRtcChannel
from voice.channels.webrtc_audio import BotAudioTrack
from voice.clock import Clock
from voice.decode_gate import DecodeGate
from voice.frames import FRAME_SAMPLES
from voice.tts import VoiceBox

log = logging.getLogger(__name__)

# An ended call stays in memory this long, for the caller's page to learn how it ended; then
# only its database record. Short: each one holds its closed connection, codecs and buffers.
KEEP_ENDED_S = 120.0
# After a hang-up, the last words are recognised and answered before the record is written;
# a dialog turn that takes longer than this is not waited for.
FLUSH_S = 20.0
HOLD_NOTICE_S = 15.0  # the caller an agent put on hold hears the notice this often
# A live call's record follows what is said this soon after (changes in between are written
# together): a worker that dies leaves its calls' words up to about then.
PROGRESS_S = 0.5


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
        self.attendants: dict[str, Attendant] = {}
        self.new_calls = RateLimiter(self.policy.calls_per_minute_per_ip, 60.0)
        self.gate = DecodeGate()  # every call's decodes take turns on the one recogniser
        # Decodes wait for their turn in threads of their own: a queue of them never takes
        # the threads that the dialog, speech synthesis and the database need.
        self.asr_pool = ThreadPoolExecutor(max_workers=2 * self.policy.max_calls + 4,
                                           thread_name_prefix="asr")
        self._negotiating: Counter[str] = Counter()  # offers being answered, by address
        self._filing = threading.Lock()  # wrap-up cases filed from records, one at a time
        self.draining = False  # shutting down: live calls finish, no new ones
        self._agent_call_s: deque[float] = deque(maxlen=20)
        self._changed = asyncio.Event()
        self.version = 0  # counts changes
        self.on_call_ended: Callable[[Call], None] = lambda call: None  # metrics
        self.on_suggestion_used: Callable[[Call], None] = lambda call: None  # metrics
        # every change of this worker's calls (the cluster publishes them to other workers)
        self.on_change: Callable[[], None] = lambda: None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._records_due: asyncio.Event | None = None
        self._kept: dict[str, int] = {}  # live call → transcript lines its record holds
        self._keeping: asyncio.Task[None] | None = None

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
        """Something of this worker's calls changed: wake every live view, keep the records
        up to date, tell the other workers."""
        self.wake()
        if self._records_due is not None:
            self._records_due.set()
        self.on_change()

    def wake(self) -> None:
        """Wake every live view (something they show changed, here or on another worker)."""
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
        return sorted(waiting, key=lambda c: (c.emergency is None, -c.waited_s()))

    def expected_wait(self, call: Call) -> tuple[int, int]:
        """(place in the queue from 1, expected wait in whole minutes)."""
        queue = self.queue()
        position = queue.index(call) + 1 if call in queue else 1
        typical = (sum(self._agent_call_s) / len(self._agent_call_s) if self._agent_call_s
                   else self.policy.typical_agent_call_s)
        agents_busy = max(1, sum(1 for c in self.calls.values() if c.agent and not c.ended))
        return position, max(1, round(position * typical / agents_busy / 60))

    def attendant(self, call: Call) -> Attendant:
        """The call's attendant (made once; it listens to the call's events)."""
        if call.call_id not in self.attendants:
            self.attendants[call.call_id] = Attendant(
                call, self.policy.agent_wait_s, self.policy.hold_message_s,
                self.expected_wait, self.notify)
        return self.attendants[call.call_id]

    # ---- an agent takes a call ----------------------------------------------------------------

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
        call.accepting = True
        try:
            # ≤ 300 ms of the caller's voice queued for the agent
            channel = await WebRtcChannel.answer(offer, self.ice_servers, Remote(agent.name),
                                                 BotAudioTrack(max_frames=15))
        finally:
            call.accepting = False
            self.attendant(call).poke()
        if not call.queued:  # the caller hung up, or the call-back offer came, meanwhile
            await channel.hang_up()
            raise CallConflict("this call is not waiting for an agent any more")
        self._take(call, agent, channel)
        await asyncio.to_thread(_suggest, call)
        log.info("call %s accepted by %s", call.call_id, agent.name)
        self.notify()
        return channel.local_description

    def _take(self, call: Call, agent: Agent, channel: Channel) -> None:
        """The agent has the call from now on (nothing awaited: no event slips in)."""
        call.agent, call.accepted_at, call.waiting_since = agent, time.monotonic(), None
        call.agent_channel = channel
        self.attendant(call).poke()
        self._listen_to_agent(call, channel)
        call.spawn(self._agent_gone(call, channel), "agent-gone")
        call.spawn(self._expect(call, channel.connected, self.agent_left), "agent-connect")
        self._assist(call)

    def _listen_to_agent(self, call: Call, channel: Channel) -> None:
        call.agent_channel = channel
        line = AgentLine(call, channel, self.asr, self.gate, self.asr_pool)
        call.spawn(line.listen(), "agent-rx")

    def _assist(self, call: Call) -> None:
        """A person has the call: the bot falls silent; each caller utterance still fills
        the draft and refreshes the suggestions."""
        def caller_said(_text: str) -> None:  # on a worker thread, after each utterance
            _suggest(call)
            call.suggest_ms.append(round(call.pipeline.since_speech_end() * 1000))
            self.notify_threadsafe()

        call.pipeline.hand_over()
        call.channel.out.clear()
        call.brain.with_agent = caller_said

    # ---- calls on the agents' own phones (listen-only) ---------------------------------------

    def open_tap(self, channel: Channel, clock: Clock | None = None) -> Call:
        """A copy of the caller's side of a call an agent answers on a desk phone (through
        the PBX): transcribed and understood for the agent's draft and suggestions; the AI
        never speaks on it. The call is the agent's once the PBX names them (``tap_agent``)."""
        call = self.open(channel, listen_only=True, clock=clock)
        self._assist(call)
        return call

    def tap_agent_line(self, call: Call, channel: Channel) -> None:
        """The agent's side of the tapped call: transcribed into the same call."""
        if not call.ended:
            self._listen_to_agent(call, channel)

    def tap_agent(self, call: Call, agent: Agent) -> None:
        """The PBX said which agent has the tapped call: it shows on their console."""
        if call.agent is None and not call.ended:
            call.agent, call.accepted_at = agent, time.monotonic()
            log.info("tapped call %s is %s's", call.call_id, agent.name)
            self.notify()

    async def _agent_gone(self, call: Call, channel: Channel) -> None:
        await channel.gone.wait()
        await self.agent_left(call)

    async def agent_left(self, call: Call) -> None:
        """The agent's line dropped mid-call (or never came up): the bot takes the call
        back, apologises and offers a call-back, so the caller is not left in silence and
        nothing is lost."""
        if call.ended or call.closing is not None or call.agent_left or call.agent is None:
            return  # the call is ending anyway (the agent pressed End, or it hung up)
        call.agent_left = True
        call.agent_hold = False  # (the bot speaks again: no hold notice over it)
        log.warning("call %s: the agent's line dropped; the bot takes the call back",
                    call.call_id)
        call.brain.with_agent = None
        call.callback_offered = True
        call.pipeline.take_back()
        self.notify()
        if call.agent_channel is not None:
            await call.agent_channel.hang_up()
        turn = await call.clock.run(call.brain.offer_callback, True)
        if not call.ended:
            call.pipeline.say(turn)

    def hold(self, call: Call, agent: Agent, on: bool) -> None:
        """The agent puts the caller on hold (or back): the caller hears a short notice now
        and then instead of the agent; both sides are still transcribed."""
        if call.agent is None or call.agent.name != agent.name or call.ended or \
                call.agent_left:
            raise CallConflict("only the agent on the call can hold it")
        if call.brain.listen_only:
            raise CallConflict("a desk-phone call is held on the desk phone")
        call.agent_hold = on
        if call.hold_notice is not None:
            call.hold_notice.cancel()
            call.hold_notice = None
        if on:
            call.hold_notice = call.spawn(self._hold_notice(call), "agent-hold")
        self.notify()

    async def _hold_notice(self, call: Call) -> None:
        lang = call.dialog.lang
        speech = await asyncio.to_thread(self.voices.synthesize,
                                         phrases.say(lang, "agent_hold"), lang)
        while call.agent_hold and not call.ended and not call.agent_left:
            if call.channel.out.pending_seconds < 0.5:
                call.channel.out.relay(speech.pcm)
            await call.clock.sleep(HOLD_NOTICE_S)

    def agent_category(self, call: Call, agent: Agent, category: str) -> None:
        """The agent set the form's category: the suggestions follow it (blocking: a
        search; run it in a worker thread)."""
        if call.agent is None or call.agent.name != agent.name or call.ended:
            raise CallConflict("only the agent on the call can change its draft")
        call.agent_fields["category"] = category
        _suggest(call)
        self.notify_threadsafe()

    def suggestion_used(self, call: Call, agent: Agent, kb_id: str) -> None:
        """The agent used a suggested reply (clicked or copied it): kept for the city's
        evaluation, in the call's record and the metrics."""
        if call.agent is None or call.agent.name != agent.name:
            raise CallConflict("only the agent on the call can use its suggestions")
        if kb_id not in call.suggestions_shown:
            raise LookupError(kb_id)
        if kb_id not in call.suggestions_used:
            call.suggestions_used.append(kb_id)
            self.on_suggestion_used(call)
            if call.ended and self.records is not None:  # (in wrap-up, after the record)
                self.records.set_suggestions_used(call.call_id, call.suggestions_used)

    def submit_case(self, call_id: str, agent: Agent, draft: CaseDraft) -> str:
        """The agent who took the call files its case from the edited form, during the call
        or after it (wrap-up: the caller hung up, the form is finished later); returns its
        number. One case per call: a second Submit updates it. Blocking (the database, the
        dialog's lock): run it in a worker thread. ``LookupError``: no such call."""
        call = self.calls.get(call_id)
        if call is None:
            return self._submit_from_record(call_id, agent, draft)
        if call.agent is None or call.agent.name != agent.name:
            raise CallConflict("only the agent who took the call can file its case")
        st = call.dialog
        case = call.brain.file_case(dataclasses.replace(
            draft, transcript=list(st.transcript), language=st.lang, call_id=call_id),
            self.factory.cases)
        # The record may have been kept already (wrap-up): it gets the number (a no-op while
        # there is no record yet; the closing sees the case then).
        if self.records is not None:
            self.records.set_case(call_id, case.number)
        self.notify_threadsafe()  # filed from a worker thread
        return case.number

    def _submit_from_record(self, call_id: str, agent: Agent, draft: CaseDraft) -> str:
        """Wrap-up after the call left memory: its record names the agent and the case."""
        record = self.records.get(call_id) if self.records is not None else None
        if record is None or self.records is None:
            raise LookupError(call_id)
        if record.ended_at is None:  # live on another worker (or just lost): filed there
            raise CallConflict("this call is still going on elsewhere; file it there")
        if record.handled_by != agent.name:
            raise CallConflict("only the agent who took the call can file its case")
        said = " ".join(t.text for t in record.transcript if t.who == "caller")
        draft = dataclasses.replace(draft, transcript=list(record.transcript),
                                    language=language_of(said) or "zh", call_id=call_id)
        cases = self.factory.cases
        with self._filing:  # two Submits at once still make one case
            record = self.records.get(call_id) or record
            case = cases.update(record.case_number, draft) if record.case_number else \
                cases.file(draft)
            self.records.set_case(call_id, case.number)
        return case.number

    # ---- calls come and go ------------------------------------------------------------------

    async def answer(self, offer: RTCSessionDescription, address: str = "unknown",
                     listen: bool = True) -> tuple[Call, RTCSessionDescription]:
        """Negotiate a caller's WebRTC offer (returns the call and the answer); only a call
        that got this far holds a line.

        Raises ``BadOffer`` (nothing kept, the connection closed) when the offer cannot
        become a call. The call then has ``connect_timeout_s`` to bring the caller's audio
        (a busy call: the connection), or it is ended.
        """
        with self.negotiating(address):
            channel = await WebRtcChannel.answer(offer, self.ice_servers, Remote(address))
        return self.open(channel, listen), channel.local_description

    @contextlib.contextmanager
    def negotiating(self, address: str) -> Iterator[None]:
        """A call being set up (an offer answered, a phone ringing) holds a line."""
        self._negotiating[address] += 1
        try:
            yield
        finally:
            self._negotiating[address] -= 1
            if self._negotiating[address] <= 0:
                del self._negotiating[address]

    def open(self, channel: Channel, listen: bool = True, keypad: bool = False,
             clock: Clock | None = None, listen_only: bool = False) -> Call:
        """A call on a channel that is up: the bot answers it (``listen``), or it only
        hears that the lines are busy. ``keypad``: the caller has keys (a phone), and the
        greeting says which one reaches a person. ``clock``: the call's (the wall's; a
        scripted caller's virtual one)."""
        self._loop = asyncio.get_running_loop()
        if self.records is not None and self._keeping is None:
            self._records_due = asyncio.Event()
            self._keeping = asyncio.create_task(self._keep_records(self._records_due),
                                                name="keep-records")
        call_id = secrets.token_hex(8)
        # (a tapped call is the PBX's to record: no second copy here)
        recording = self.policy.recordings is not None and listen and not listen_only
        manager = self.factory.new(call_id)
        manager.state.caller_number = channel.remote.caller_id
        call = new_call(call_id, secrets.token_urlsafe(24), channel, manager,
                        self.asr, self.voices, gate=self.gate, asr_executor=self.asr_pool,
                        recording=recording, keypad=keypad,
                        agent_first=listen and not listen_only and self.policy.agent_first(),
                        clock=clock, listen_only=listen_only)
        call.brain.on_change = self.notify_threadsafe
        if recording and self.policy.recordings is not None:
            call.recorder = CallRecorder(self.policy.recordings, call_id)
            channel.out.tap = call.recorder.line
        self.calls[call_id] = call
        if listen:
            call.spawn(call.dispatch(), "events")
            call.spawn(self.attendant(call).run(), "attend")
            call.spawn(call.pump(), "rx")
            call.spawn(self._run(call), "call")
        else:
            call.spawn(_when(channel.connected, call.connected.set), "connected")
        call.spawn(self._expect(call, call.connected, self.end), "connect")
        call.spawn(self._gone(call), "gone")
        return call

    async def answer_busy(self, offer: RTCSessionDescription, address: str = "unknown"
                          ) -> tuple[Call, RTCSessionDescription]:
        """At capacity: answer, say the lines are busy, hang up — never a dead line."""
        call, local = await self.answer(offer, address, listen=False)
        call.spawn(self._busy(call), "busy")
        return call, local

    def open_busy(self, channel: Channel) -> Call:
        """At capacity, on a channel that is up: the caller hears the lines are busy."""
        call = self.open(channel, listen=False)
        call.spawn(self._busy(call), "busy")
        return call

    async def _busy(self, call: Call) -> None:
        try:
            await call.connected.wait()  # (the connect timeout ends a call that never is)
            for text, lang in busy_lines():
                speech = await asyncio.to_thread(self.voices.synthesize, text, lang)
                for start in range(0, len(speech.pcm), FRAME_SAMPLES):
                    await call.channel.out.play(speech.pcm[start:start + FRAME_SAMPLES])
                await asyncio.to_thread(call.brain.record, "bot", text)
            await asyncio.sleep(call.channel.out.pending_seconds + 0.5)  # until played
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
            self._kept.pop(call.call_id, None)
            record = _record(call, dt.datetime.now(dt.UTC))
            try:
                await asyncio.to_thread(self.records.save, record)
                number = call.dialog.case_number
                if number and number != record.case_number:  # filed meanwhile
                    await asyncio.to_thread(self.records.set_case, call.call_id, number)
            except Exception:  # the call is over either way; say so loudly
                log.exception("could not save the record of call %s", call.call_id)
        if call.recorder is not None:
            call.recorder.close()
        self.on_call_ended(call)
        call.finished.set()
        if call.call_id in self.attendants:
            self.attendants.pop(call.call_id).poke()
        self.notify()
        # The caller's page may still ask how it ended; after that only the record remains.
        asyncio.get_running_loop().call_later(KEEP_ENDED_S, self.calls.pop, call.call_id, None)
        await call.channel.hang_up()
        if call.agent_channel is not None:
            await call.agent_channel.hang_up()
        # Whichever way it ended, nothing of the call runs on (its event dispatch would wait
        # for ever, and hold the call's buffers with it).
        await call.stop_tasks()
        await asyncio.to_thread(trim)  # the call's native memory back to the system

    async def _gone(self, call: Call) -> None:
        """The far end left: what they were saying is recognised and reaches the dialog
        (the pipeline's own end, bounded), then the call ends (unless it is ending)."""
        await call.channel.gone.wait()
        call.pipeline.end_of_input_nowait()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(call.pipeline.wait_ended(), FLUSH_S)
        if call.closing is None:
            await self.end(call)

    async def _run(self, call: Call) -> None:
        try:
            await call.pipeline.run()
        finally:
            if call.closing is None:  # (a closing in progress cancels this task: no wait)
                await self._finish(call)

    async def _expect(self, call: Call, up: asyncio.Event,
                      otherwise: Callable[[Call], Any]) -> None:
        """Give a connection the connect timeout to come up, else ``otherwise(call)``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(up.wait(), self.policy.connect_timeout_s)
        if not up.is_set() and not call.ended:
            log.info("call %s: no connection within %.0f s", call.call_id,
                     self.policy.connect_timeout_s)
            await otherwise(call)

    async def end(self, call: Call) -> None:
        call.pipeline.end_of_input_nowait()
        await self._finish(call)
        await call.stop_tasks()

    async def drain(self, within: float) -> None:
        """Take no new calls; let the live ones finish for up to ``within`` seconds."""
        self.draining = True
        self.notify()
        deadline = time.monotonic() + within
        while self.live and time.monotonic() < deadline:
            await self.changed(self.version, min(1.0, max(0.0, deadline - time.monotonic())))

    async def _keep_records(self, due: asyncio.Event) -> None:
        """Live calls' records follow what is said (a little later, changes together)."""
        assert self.records is not None
        while True:
            await due.wait()
            await asyncio.sleep(PROGRESS_S)
            due.clear()
            for call in list(self.calls.values()):
                lines = len(call.dialog.transcript)
                if call.closing is not None or self._kept.get(call.call_id) == lines:
                    continue
                self._kept[call.call_id] = lines
                try:
                    await asyncio.to_thread(self.records.progress, _record(call, None))
                except Exception:  # kept at the end anyway; the next change tries again
                    log.exception("could not keep the progress of call %s", call.call_id)
                    self._kept.pop(call.call_id, None)

    async def close(self) -> None:
        """End every call (each record is saved) and stop the recogniser's threads."""
        self.draining = True
        calls = list(self.calls.values())
        ended = await asyncio.gather(*(self.end(call) for call in calls), return_exceptions=True)
        for call, result in zip(calls, ended, strict=True):
            if isinstance(result, BaseException):  # (its record may be lost: say so, and why)
                log.error("call %s could not be ended at shutdown: %r", call.call_id, result)
        if self._keeping is not None:
            self._keeping.cancel()
        self.asr_pool.shutdown(wait=False, cancel_futures=True)


def _record(call: Call, ended_at: dt.datetime | None) -> CallRecord:
    """The call's record as it stands (``ended_at`` None: still going on)."""
    st = call.dialog
    return CallRecord(
        call.call_id, call.started_at, ended_at, st.outcome.value, st.case_number,
        st.emergency, st.handoff.reason.value if st.handoff else None,
        call.agent.name if call.agent else "bot", list(st.transcript),
        list(call.suggestions_used))


async def _when(event: asyncio.Event, then: Callable[[], None]) -> None:
    await event.wait()
    then()


def _suggest(call: Call) -> None:
    """Replies for the agent, from the knowledge base, for the conversation so far and the
    form as the agent has it (their category wins over the bot's); a search: call it from a
    worker thread."""
    st = call.dialog
    call.suggestions = suggest_replies(call.manager.kb, st.caller_lines(),
                                       {**st.fields, **call.agent_fields}, lang=st.lang)
    call.suggestions_shown.update(s.kb_id for s in call.suggestions if s.kb_id)
