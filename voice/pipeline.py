"""One call's real-time speech loop: listen, recognise, think, speak — and stop when interrupted.

Stages are asyncio tasks joined by bounded queues; model work runs in worker threads. A
barge-in is one mechanism: cancel the bot's turn (thinking, synthesis, playback), flush what
was queued for it, clear the output, and record only what the caller actually heard.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from voice.asr import Recognizer, Transcript
from voice.clock import Clock, WallClock
from voice.decode_gate import DecodeGate
from voice.events import (
    BargeIn,
    BotAnswered,
    BotAudioStarted,
    BotHeard,
    BotTurn,
    CallerSpoke,
    CallerStarted,
    CallEvent,
    HungUp,
    KeyPressed,
    SpeechPaused,
    SpeechStarted,
    Transcribed,
)
from voice.events import SpeechStopped as Stopped
from voice.frames import FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE, Pcm
from voice.tts import VoiceBox
from voice.vad import Endpointer, VadConfig, dbfs

log = logging.getLogger(__name__)


class Brain(Protocol):
    """The dialog side, as the speech side sees it (joined in hotline/, never imported here)."""

    def greet(self) -> BotTurn: ...

    def respond(self, text: str, confidence: float) -> BotTurn: ...

    def keyed(self, keys: str) -> BotTurn:
        """Keys the caller pressed (a phone): ``0`` alone, or digits of a number."""

    def anticipate(self, text: str) -> None:
        """The caller may have just said ``text`` (a guess, before the end of speech is
        certain): prepare the answer if that helps. Blocking; never required."""

    def heard(self, turn: BotTurn, text: str, interrupted: bool) -> None:
        """What the caller actually heard of ``turn`` (all of it, or up to a barge-in)."""

    def line_keeping(self, kind: str, language: str) -> BotTurn:
        """What to say to keep the line: ``still_there`` after a silence, ``goodbye_silent``
        and ``goodbye_long`` before the bot ends the call. Called on the event loop: it must
        never wait (no dialog lock)."""


# A phone caller keys a number and ends it with '#', or just stops; '0' alone asks for a
# person, unless more digits follow (phone numbers here start with 0).
KEYS_DONE_S = 3.0
KEY_ZERO_S = 1.5


@dataclass(frozen=True)
class Keyed:
    """Keys the caller pressed, taken as one turn."""

    keys: str


class AudioSink(Protocol):
    async def play(self, pcm: Pcm) -> None:
        """Accept 20 ms of bot audio (16 kHz mono s16); pacing is the pipeline's job."""

    def clear(self) -> None:
        """Drop anything buffered but not yet played (a barge-in)."""


@dataclass
class PipelineConfig:
    vad: VadConfig = field(default_factory=VadConfig)
    barge_in_ms: int = 160  # voiced caller audio over the bot that stops it
    echo_return_loss_db: float = 18.0  # how much quieter the bot's echo comes back than it went
    leak_margin_db: float = 6.0  # caller must be this much louder than that echo
    silence_prompt_s: float = 8.0
    max_silence_prompts: int = 2
    max_call_s: float = 20 * 60.0


@dataclass
class Stats:
    """What happened, for tests and metrics."""

    transcripts: list[Transcript] = field(default_factory=list)
    played: list[str] = field(default_factory=list)  # what the caller heard, turn by turn
    interruptions: list[float] = field(default_factory=list)  # call time of each barge-in
    stop_latency_ms: list[float] = field(default_factory=list)  # barge-in → playback stopped
    first_audio: list[float] = field(default_factory=list)  # call time of each turn's audio
    # the caller stopped speaking → the answer's first audio, for each answer (live calls)
    voice_to_voice_ms: list[float] = field(default_factory=list)
    # where that time goes: end of speech seen → text, text → reply, reply → first audio
    asr_wait_ms: list[float] = field(default_factory=list)
    dialog_ms: list[float] = field(default_factory=list)
    tts_first_ms: list[float] = field(default_factory=list)
    hangup_reason: str | None = None
    dropped_frames: int = 0  # caller audio dropped because the pipeline fell behind
    dropped_events: int = 0  # events the call's owner did not take in time


Events = asyncio.Queue[CallEvent]


class CallPipeline:
    """Feed caller audio with ``push``; bot audio goes to ``sink``; ``run`` until the call ends.

    What happens is told, in order, on ``events`` (a bounded queue the call owns; when its
    owner falls behind, the oldest events go, so the newest — the hang-up — always arrives).
    """

    def __init__(self, brain: Brain, asr: Recognizer, voices: VoiceBox, sink: AudioSink,
                 config: PipelineConfig | None = None,
                 clock: Clock | None = None, gate: DecodeGate | None = None,
                 asr_executor: Executor | None = None, events: Events | None = None) -> None:
        self.clock: Clock = clock or WallClock()
        self.events = events
        self.brain = brain
        self.asr = asr
        self.gate = gate  # shared with the other calls on the same recogniser
        self.asr_executor = asr_executor  # decodes wait for the gate in these threads
        self.voices = voices
        self.sink = sink
        self.cfg = config or PipelineConfig()
        self.stats = Stats()
        self._frames: asyncio.Queue[Pcm | None] = asyncio.Queue(maxsize=500)  # 10 s
        self._turns: asyncio.Queue[Transcript | Keyed] = asyncio.Queue(maxsize=4)
        self._keys = ""
        self._key_timer: asyncio.Task[None] | None = None
        self._endpointer = Endpointer(self.cfg.vad)
        self._t_audio = 0.0  # call time of the caller audio, in seconds
        self._speaking: asyncio.Task[None] | None = None
        self._anticipating: asyncio.Task[None] | None = None
        self._bot_level = -90.0  # dBFS of the bot audio now playing (echo estimate)
        self._over_bot_ms = 0
        self._language = "zh"
        self._yes_no = False  # the bot's last question is answered yes or no
        self._last_activity = 0.0
        self._prompts = 0
        self._ended = asyncio.Event()
        self._speech_end = 0.0  # call time the caller's last utterance ended
        self.on_hold = False  # waiting for a person: no "are you still there?"
        self.handed_over = False  # a person has the call: the bot is silent for good

    def _emit(self, event: CallEvent) -> None:
        if self.events is None:
            return
        if self.events.full():
            self.events.get_nowait()
            self.events.task_done()
            if not self.stats.dropped_events:
                log.warning("the call's owner fell behind its events: dropping the oldest")
            self.stats.dropped_events += 1
        self.events.put_nowait(event)

    # ---- transport side ------------------------------------------------------------------

    @property
    def ended(self) -> bool:
        return self._ended.is_set()

    async def wait_ended(self) -> None:
        await self._ended.wait()

    async def push(self, pcm: Pcm) -> None:
        """16 kHz mono s16 caller audio, any length (already converted at the edge).

        After the call has ended, audio is dropped (nobody is listening any more).
        """
        for start in range(0, len(pcm) - FRAME_SAMPLES + 1, FRAME_SAMPLES):
            if self.ended:
                return
            await self._frames.put(pcm[start:start + FRAME_SAMPLES])

    def offer(self, pcm: Pcm) -> None:
        """Live caller audio: like ``push`` but never waits. A pipeline that has fallen
        10 s behind drops its oldest audio (counted in ``stats.dropped_frames``), so the
        transport, the recording and an agent's relay never stall behind recognition."""
        for start in range(0, len(pcm) - FRAME_SAMPLES + 1, FRAME_SAMPLES):
            if self.ended:
                return
            self._put_dropping(pcm[start:start + FRAME_SAMPLES])

    def _put_dropping(self, item: Pcm | None) -> None:
        if self._frames.full():
            self._frames.get_nowait()
            if not self.stats.dropped_frames:
                log.warning("the call's audio fell 10 s behind: dropping the oldest")
            self.stats.dropped_frames += 1
        self._frames.put_nowait(item)

    async def end_of_input(self) -> None:
        if not self.ended:
            await self._frames.put(None)

    def end_of_input_nowait(self) -> None:
        """The caller is gone (live transports: never waits on a full queue)."""
        if not self.ended:
            self._put_dropping(None)

    def key_pressed(self, digit: str) -> None:
        """A DTMF digit from the caller's phone: told to the call's owner, and gathered
        into a turn ('#' or a pause ends it). A key stops the bot talking, as speech does."""
        if self.ended:
            return
        self._last_activity = self.now()
        self._emit(KeyPressed(self.now(), digit))
        self._interrupt()
        if self._key_timer is not None:
            self._key_timer.cancel()
            self._key_timer = None
        if digit == "#":
            self._keys_done()
            return
        self._keys = (self._keys + digit)[-32:]
        wait = KEY_ZERO_S if self._keys == "0" else KEYS_DONE_S
        self._key_timer = asyncio.create_task(self._keys_after(wait), name="keys")

    async def _keys_after(self, wait: float) -> None:
        await self.sleep(wait)
        self._key_timer = None
        self._keys_done()

    def _keys_done(self) -> None:
        keys, self._keys = self._keys, ""
        if not keys:
            return
        if self._turns.full():
            log.warning("keys dropped: the dialog is %d turns behind", self._turns.qsize())
            return
        self._turns.put_nowait(Keyed(keys))

    def now(self) -> float:
        """Call time in seconds."""
        return self.clock.now()

    async def sleep(self, seconds: float) -> None:
        await self.clock.sleep(seconds)

    # ---- the call -------------------------------------------------------------------------

    async def run(self) -> Stats:
        """Greet, then listen and answer until hang-up, silence or the time limit."""
        tasks = [asyncio.create_task(self._listen(), name="listen"),
                 asyncio.create_task(self._think(), name="think"),
                 asyncio.create_task(self._watch(), name="watch")]
        greeting = await self.clock.run(self.brain.greet)
        self._emit(BotAnswered(self.now(), greeting))
        self._start_speaking(greeting)
        try:
            await self._ended.wait()
        finally:
            for task in [*tasks, self._speaking, self._anticipating, self._key_timer]:
                if task is not None:
                    task.cancel()
            for task in [*tasks, self._speaking, self._anticipating, self._key_timer]:
                if task is not None:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        return self.stats

    def say(self, turn: BotTurn) -> None:
        """Speak a turn the call's owner decided on (a hold message, a call-back offer)."""
        self._start_speaking(turn)

    def hand_over(self) -> None:
        """A person takes the call: stop speaking now and stay silent; keep recognising the
        caller (the brain still gets every utterance) and no silence prompts or time limit."""
        self.handed_over = True
        self.on_hold = False
        if self._speaking is not None and not self._speaking.done():
            self._speaking.cancel()
        self.sink.clear()

    def take_back(self) -> None:
        """The person left the call: the bot speaks again (silence prompts, time limit)."""
        self.handed_over = False
        self._last_activity = self.now()

    @property
    def speaking(self) -> bool:
        return self._speaking is not None and not self._speaking.done()

    def since_speech_end(self) -> float:
        """Seconds since the caller's last utterance ended (the true end, not the VAD's)."""
        return self.now() - self._speech_end

    def hang_up(self, reason: str) -> None:
        if self.ended:
            return
        self.stats.hangup_reason = self.stats.hangup_reason or reason
        self._emit(HungUp(self.now(), self.stats.hangup_reason))
        self._ended.set()

    async def _caller_frames(self) -> AsyncIterator[tuple[Pcm, float]]:
        """The caller's frames with their audio time, until the caller is gone; then what
        they were saying still counts, and the call ends."""
        while True:
            frame = await self._frames.get()
            if frame is None:
                await self._flush()
                return
            t = self._t_audio
            self._t_audio += FRAME_MS / 1000
            yield frame, t

    async def _listen(self) -> None:
        speculation: tuple[int, asyncio.Task[Transcript]] | None = None
        async for frame, t in self._caller_frames():
            self._check_barge_in(frame)
            for event in self._endpointer.push(frame, t):
                if isinstance(event, SpeechStarted):
                    self._started()
                elif isinstance(event, SpeechPaused):
                    if speculation is not None:
                        speculation[1].cancel()
                    # recognise now; used if the caller stays silent until the hangover ends
                    speculation = (len(event.audio), asyncio.create_task(
                        self._speculate(event.audio), name="speculative-asr"))
                elif isinstance(event, Stopped):
                    stopped = self._stopped(event)
                    hit = speculation is not None and \
                        speculation[0] >= len(event.audio) - 6 * FRAME_SAMPLES
                    if speculation is not None and hit:
                        text = await speculation[1]
                    else:
                        if speculation is not None:
                            speculation[1].cancel()
                        text = await self._recognise(event.audio)
                    speculation = None
                    await self._transcribed(text, stopped, hit)

    async def _speculate(self, audio: Pcm) -> Transcript:
        """Recognise what was said up to a pause, and let the brain start on it (one guess at
        a time: a newer pause while the brain still thinks is not sent)."""
        text = await self._recognise(audio, final=False)
        if text.text and (self._anticipating is None or self._anticipating.done()):
            self._anticipating = asyncio.create_task(
                self.clock.run(self.brain.anticipate, text.text), name="anticipate")
        return text

    async def _flush(self) -> None:
        """The caller hung up: what they were saying still counts, then the call ends."""
        for event in self._endpointer.flush(self._t_audio):
            if isinstance(event, Stopped) and len(event.audio):
                text = await self._recognise(event.audio)
                if text.text:
                    self.stats.transcripts.append(text)
                    await self._turns.put(text)
        # what they said last still reaches the dialog (a "yes" files the case) and the record
        await self._turns.join()
        self.hang_up("caller_hung_up")

    def _started(self) -> None:
        self._last_activity = self.now()
        self._emit(CallerStarted(self.now()))

    def _stopped(self, event: Stopped) -> float:
        """An utterance ended: note when (the voice's end, on the call clock) and tell."""
        stopped = self._last_activity = self.now()
        # on the call clock: the endpointer saw the end (event.t) a hangover ago
        self._speech_end = self.now() - (event.t - event.speech_end)
        self._emit(CallerSpoke(stopped, self._speech_end, len(event.audio) / SAMPLE_RATE))
        return stopped

    async def _transcribed(self, text: Transcript, stopped: float, speculative: bool) -> None:
        waited = (self.now() - stopped) * 1000
        self.stats.asr_wait_ms.append(waited)
        self._emit(Transcribed(self.now(), text.text, text.language, text.confidence,
                               self._speech_end, waited, speculative))
        if text.text:
            self.stats.transcripts.append(text)
            await self._turns.put(text)

    async def _recognise(self, audio: Pcm, final: bool = True) -> Transcript:
        language, answer = self._language, self._yes_no
        wanted = threading.Event()
        wanted.set()

        def decode() -> Transcript:
            if self.gate is None:
                return self._decode(audio, language, answer)
            with self.gate.turn(final):
                if not wanted.is_set():  # a guess overtaken while it waited
                    return Transcript("", language, 0.0)
                return self._decode(audio, language, answer)

        try:
            return await self.clock.run(decode, executor=self.asr_executor)
        except asyncio.CancelledError:
            wanted.clear()
            raise
        except Exception:  # a failed decode loses one utterance, never the call
            log.exception("speech recognition failed")
            return Transcript("", language, 0.0)

    def _decode(self, audio: Pcm, language: str, answer: bool = False) -> Transcript:
        return self.asr.transcribe(audio, language, answer=answer)

    def _check_barge_in(self, frame: Pcm) -> None:
        """Caller speech over the bot: voiced, long enough, louder than the bot's echo."""
        if self._speaking is None or self._speaking.done():
            self._over_bot_ms = 0
            return
        echo = self._bot_level - self.cfg.echo_return_loss_db
        loud = dbfs(frame) > echo + self.cfg.leak_margin_db
        if loud and self._endpointer.is_voiced(frame):
            self._over_bot_ms += FRAME_MS
        else:
            self._over_bot_ms = max(0, self._over_bot_ms - FRAME_MS)
        if self._over_bot_ms >= self.cfg.barge_in_ms:
            self._interrupt()

    def _interrupt(self) -> None:
        if self._speaking is not None and not self._speaking.done():
            self.stats.interruptions.append(self.now())
            self._emit(BargeIn(self.now()))
            self._speaking.cancel()
            self.sink.clear()
        self._over_bot_ms = 0

    async def _think(self) -> None:
        while True:
            heard = await self._turns.get()
            try:
                await self._answer(heard)
            finally:
                self._turns.task_done()

    async def _answer(self, heard: Transcript | Keyed) -> None:
        self._prompts = 0
        started = self.now()
        try:
            if isinstance(heard, Keyed):
                turn = await self.clock.run(self.brain.keyed, heard.keys)
            else:
                turn = await self.clock.run(self.brain.respond, heard.text, heard.confidence)
        except Exception:
            log.exception("the dialog failed on a turn")
            return
        self.stats.dialog_ms.append((self.now() - started) * 1000)
        self._emit(BotAnswered(self.now(), turn, self.stats.dialog_ms[-1], self._speech_end))
        if turn.sentences:  # (keys have no end of speech to measure from)
            self._start_speaking(turn, reply_to=None if isinstance(heard, Keyed)
                                 else self._speech_end)

    def _start_speaking(self, turn: BotTurn, reply_to: float | None = None) -> None:
        if self.handed_over:
            return
        if self._speaking is not None and not self._speaking.done():
            self._speaking.cancel()
        self._language, self._yes_no = turn.language, turn.yes_no
        self._speaking = asyncio.create_task(self._speak(turn, reply_to), name="speak")

    async def _speak(self, turn: BotTurn, reply_to: float | None = None) -> None:
        """Synthesise sentence by sentence, the first played while the rest is made."""
        played: list[str] = []
        interrupted = False
        first = True
        try:
            for sentence in turn.sentences:
                started = self.now()
                try:
                    speech = await self.clock.run(self.voices.synthesize, sentence,
                                                  turn.language)
                except Exception:  # say the rest rather than nothing
                    # Never the text: a reply may read back the caller's number.
                    log.exception("speech synthesis failed (%d chars)", len(sentence))
                    continue
                if first:
                    self.stats.first_audio.append(self.now())
                    self.stats.tts_first_ms.append((self.now() - started) * 1000)
                    v2v = None if reply_to is None else (self.now() - reply_to) * 1000
                    if v2v is not None:
                        self.stats.voice_to_voice_ms.append(v2v)
                    self._emit(BotAudioStarted(self.now(), turn, self.stats.tts_first_ms[-1], v2v))
                    first = False
                progress = [0]
                try:
                    await self._play(speech.pcm, progress)
                finally:  # cut short: the part played, by its share of the audio
                    share = progress[0] / max(1, len(speech.pcm))
                    played.append(sentence if share >= 1 else sentence[: int(len(sentence) *
                                                                             share)])
            self._last_activity = self.now()
        except asyncio.CancelledError:
            interrupted = True
            raise
        finally:
            self._bot_level = -90.0
            heard = ("" if turn.language == "zh" else " ").join(p for p in played if p)
            self.stats.played.append(heard + ("…" if interrupted else ""))
            self.brain.heard(turn, heard, interrupted)
            self._emit(BotHeard(self.now(), turn, heard, interrupted))
            if turn.end_call and not interrupted:
                self.hang_up("bot_ended")

    async def _play(self, pcm: Pcm, progress: list[int]) -> None:
        """Play in 20 ms frames, paced in real time; ``progress[0]``: the samples played."""
        start = self.now()
        played = 0
        try:
            for i in range(0, len(pcm), FRAME_SAMPLES):
                frame = pcm[i:i + FRAME_SAMPLES]
                self._bot_level = dbfs(frame)
                await self.sink.play(frame)
                played = progress[0] = i + len(frame)
                due = start + played / SAMPLE_RATE
                await self.sleep(max(0.0, due - self.now()))
        except asyncio.CancelledError:
            if self.stats.interruptions:
                self.stats.stop_latency_ms.append((self.now() - self.stats.interruptions[-1])
                                                  * 1000)
            raise

    async def _watch(self) -> None:
        """Silence prompts, and the call's time limit."""
        while True:
            await self.sleep(0.25)
            now = self.now()
            if self.handed_over:
                continue  # the person on the line decides when it ends
            if now >= self.cfg.max_call_s:
                await self._say_and_end("goodbye_long", "max_call_length")
                return
            busy = (self._speaking is not None and not self._speaking.done()) or \
                self._endpointer.in_speech or not self._turns.empty()
            if busy or self.on_hold:
                if self.on_hold:
                    self._last_activity = now
                continue
            if now - self._last_activity >= self.cfg.silence_prompt_s:
                if self._prompts >= self.cfg.max_silence_prompts:
                    await self._say_and_end("goodbye_silent", "silence")
                    return
                self._prompts += 1
                self._last_activity = now
                self._start_speaking(self.brain.line_keeping("still_there", self._language))

    async def _say_and_end(self, kind: str, reason: str) -> None:
        self.stats.hangup_reason = reason
        self._start_speaking(replace(self.brain.line_keeping(kind, self._language),
                                     end_call=True))
        if self._speaking is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._speaking


async def feed_timeline(pipeline: CallPipeline, audio: Pcm,
                        on_frame: Callable[[], Awaitable[None]] | None = None) -> None:
    """Push audio as a live transport would: 20 ms at a time, paced on the call clock."""
    for i in range(0, len(audio), FRAME_SAMPLES):
        if pipeline.ended:
            return
        frame = audio[i:i + FRAME_SAMPLES]
        if len(frame) < FRAME_SAMPLES:
            frame = np.concatenate([frame, np.zeros(FRAME_SAMPLES - len(frame), np.int16)])
        await pipeline.push(frame)
        due = (i + FRAME_SAMPLES) / SAMPLE_RATE
        await pipeline.sleep(max(0.0, due - pipeline.now()))
        if on_frame is not None:
            await on_frame()
