"""``simulate --audio`` and ``bench speech``: scripted calls through the live call core.

Each scenario is a call like any other: a scripted caller on the file channel, the real
``CallPipeline`` (endpointing, speculative recognition, the decode gate shared by the calls
at once, barge-in), the dialog, the voices. It runs on a virtual clock on which model work
takes its real time and only idle time is skipped, so the figures are what a live call sees,
faster than real time. The turns and figures are read from the call's events.

With ``baseline`` the same audio goes through ``SerialPipeline`` (voice/serial_pipeline.py)
in the same run, so the live path's figures can be given as a ratio to a plain serial loop
measured on the same machine at the same time.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dialog.text import language_of
from hotline.calls.call import new_call
from hotline.dialogs import DialogFactory
from hotline.simulate import Run, Scenario, TurnTiming, percentile, result_json
from voice.asr import Recognizer, Transcript
from voice.audio import read_audio, write_wav
from voice.channels.file import ScriptedCaller
from voice.clock import VirtualClock
from voice.decode_gate import DecodeGate
from voice.events import (
    BotAnswered,
    BotAudioStarted,
    BotHeard,
    CallerSpoke,
    CallEvent,
    Transcribed,
)
from voice.frames import SAMPLE_RATE, Pcm
from voice.pipeline import CallPipeline
from voice.serial_pipeline import SerialPipeline
from voice.tts import Speech, VoiceBox


@dataclass
class TurnFigures:
    endpoint_ms: float  # the voice ended → the endpointer was sure the caller had finished
    asr_ms: float  # the endpointer's decision → the text (0 when a speculative decode hit)
    dialog_ms: float
    tts_first_audio_ms: float
    voice_to_voice_ms: float  # the voice ended → the answer's first audio
    utterance_s: float
    speculative_hit: bool
    used_llm: bool

    @property
    def after_endpoint_ms(self) -> float:
        """The part of voice-to-voice not spent making sure the caller had finished."""
        return self.voice_to_voice_ms - self.endpoint_ms


@dataclass
class AudioRun(Run):
    figures: list[TurnFigures] = field(default_factory=list)
    greeting_first_audio_ms: float = 0.0
    stereo: Pcm | None = None
    tts_seconds: float = 0.0  # audio synthesised
    tts_wall: float = 0.0  # time spent synthesising it
    asr_wall: float = 0.0  # time spent decoding (speculative decodes too)


class TimedVoices(VoiceBox):
    """The voices, counting the audio made and the time it took (the TTS real-time factor)."""

    def __init__(self, voices: VoiceBox, cache: bool = True) -> None:
        super().__init__(voices.voices, cache_size=128 if cache else 0)
        self.seconds = 0.0
        self.wall = 0.0

    def synthesize(self, text: str, language: str) -> Speech:
        started = time.perf_counter()
        speech = super().synthesize(text, language)
        self.wall += time.perf_counter() - started
        self.seconds += speech.seconds
        return speech


class TimedASR:
    """The recogniser, counting the time its decodes take."""

    def __init__(self, asr: Recognizer) -> None:
        self.asr = asr
        self.wall = 0.0
        self.decodes_ms: list[float] = []  # each decode's own time

    def transcribe(self, pcm: Pcm, language: str | None = None,
                   answer: bool = False) -> Transcript:
        return self._timed(lambda p, lang: self.asr.transcribe(p, lang, answer=answer), pcm,
                           language)

    def transcribe_plain(self, pcm: Pcm, language: str | None = None) -> Transcript:
        return self._timed(getattr(self.asr, "transcribe_plain", self.asr.transcribe), pcm,
                           language)

    def _timed(self, decode: Any, pcm: Pcm, language: str | None) -> Transcript:
        started = time.perf_counter()
        try:
            return decode(pcm, language)  # type: ignore[no-any-return]
        finally:
            took = time.perf_counter() - started
            self.wall += took
            self.decodes_ms.append(took * 1000)


class TurnLog:
    """One call's events as the result's turns and the bench's figures."""

    def __init__(self, scenario: Scenario, caller: ScriptedCaller) -> None:
        self.scenario = scenario
        self.caller = caller
        self.turns: list[dict[str, Any]] = []
        self.figures: list[TurnFigures] = []
        self.timings: list[TurnTiming] = []
        self.bot_lines: list[str] = []
        self.greeting_first_audio_ms: float | None = None
        self._spoke: CallerSpoke | None = None
        self._heard: Transcribed | None = None
        self._answer: BotAnswered | None = None

    def __call__(self, event: CallEvent) -> None:
        if isinstance(event, CallerSpoke):
            self._close()
            self._spoke = event
        elif isinstance(event, Transcribed) and event.text:
            self._heard = event
        elif isinstance(event, BotAnswered):
            text = ("" if event.turn.language == "zh" else " ").join(event.turn.sentences)
            self.bot_lines.append(text)
            if event.reply_to is not None and self._heard is not None:
                self._answer = event
                self.timings.append(TurnTiming(event.dialog_ms, event.turn.used_llm))
                if not event.turn.sentences:
                    self._close()
        elif isinstance(event, BotAudioStarted):
            if self.greeting_first_audio_ms is None:
                self.greeting_first_audio_ms = event.tts_first_ms
            if event.voice_to_voice_ms is not None and self._answer is not None:
                self._close(event)
        elif isinstance(event, BotHeard):
            self.caller.bot_stopped()

    def _close(self, audio: BotAudioStarted | None = None) -> None:
        """The turn in progress is complete (its first audio, or nothing to say)."""
        spoke, heard, answer = self._spoke, self._heard, self._answer
        if spoke is None or heard is None or answer is None:
            return
        self._spoke = self._heard = self._answer = None
        tts = audio.tts_first_ms if audio is not None else None
        v2v = audio.voice_to_voice_ms if audio is not None else None
        if tts is not None and v2v is not None:
            self.figures.append(TurnFigures(
                endpoint_ms=(spoke.t - spoke.speech_end) * 1000, asr_ms=heard.asr_wait_ms,
                dialog_ms=answer.dialog_ms, tts_first_audio_ms=tts, voice_to_voice_ms=v2v,
                utterance_s=spoke.seconds, speculative_hit=heard.speculative,
                used_llm=answer.turn.used_llm))
        self.turns.append({
            "caller": self._line_at(spoke.speech_end), "heard": heard.text,
            "bot": ("" if answer.turn.language == "zh" else " ").join(answer.turn.sentences),
            "ms": {"asr": round(heard.asr_wait_ms, 1), "dialog": round(answer.dialog_ms, 1),
                   "tts_first_audio": None if tts is None else round(tts, 1),
                   "voice_to_voice": None if v2v is None else round(v2v, 1)}})

    def _line_at(self, t: float) -> str:
        """The scripted line being said at call time ``t``."""
        starts = [start for start, _pcm in self.caller.said]
        index = max((i for i, start in enumerate(starts) if start <= t), default=0)
        return self.scenario.turns[index].say if self.scenario.turns else ""


def caller_audio(say: str, wav: str | None, base: Path, voices: VoiceBox) -> Pcm:
    if wav:
        return read_audio(base / wav)
    return voices.synthesize(say, language_of(say) or "zh").pcm


@dataclass
class SpeechBench:
    """The models and the shared parts of the calls run at once (one clock, one gate)."""

    factory: DialogFactory
    asr: Recognizer
    voices: VoiceBox
    clock: VirtualClock = field(default_factory=lambda: VirtualClock(work_takes_time=True))
    gate: DecodeGate = field(default_factory=DecodeGate)
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=8, thread_name_prefix="asr"))
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    async def run(self, scenario: Scenario, lines: list[Pcm], baseline: bool = False
                  ) -> AudioRun:
        """One scenario as a call, its caller saying ``lines`` (the clock must be driven:
        see ``run_all``)."""
        caller = ScriptedCaller(lines, self.clock, name=scenario.id)
        manager = self.factory.new()
        voices = TimedVoices(self.voices, cache=not baseline)
        asr = TimedASR(self.asr)
        call = new_call(f"sim-{next(self._ids)}", "", caller, manager, asr, voices,
                        clock=self.clock, gate=None if baseline else self.gate,
                        asr_executor=self.executor, lossless=True,
                        pipeline_type=SerialPipeline if baseline else CallPipeline)
        log = TurnLog(scenario, caller)
        call.listeners.append(log)
        call.spawn(call.dispatch(), "events")
        call.spawn(call.pump(), "rx")
        await call.pipeline.run()
        await call.events.join()  # the last events (the hang-up) reach the listeners
        await call.stop_tasks()
        log._close()
        return AudioRun(result_json(scenario.id, manager.state, log.turns), log.timings,
                        log.bot_lines, log.figures, log.greeting_first_audio_ms or 0.0,
                        caller.stereo(), voices.seconds, voices.wall, asr.wall)

    async def run_all(self, items: list[tuple[Scenario, Path]], concurrency: int = 1,
                      baseline: bool = False) -> list[AudioRun]:
        """Every scenario, ``concurrency`` calls at a time, in the order given."""
        slots = asyncio.Semaphore(concurrency)

        # The callers' lines are read or synthesised first: not on the loop while calls run.
        said = [[caller_audio(t.say, t.wav, base, self.voices) for t in scenario.turns]
                for scenario, base in items]

        async def one(scenario: Scenario, lines: list[Pcm]) -> AudioRun:
            async with slots:
                return await self.run(scenario, lines, baseline)

        async with self.clock.driving():
            return list(await asyncio.gather(*(one(sc, lines) for (sc, _b), lines
                                               in zip(items, said, strict=True))))


def write_call(run: AudioRun, path: Path) -> None:
    """The call as a stereo WAV: caller left, bot right."""
    assert run.stereo is not None
    write_wav(path, run.stereo.reshape(-1), SAMPLE_RATE, channels=2)


def stage_summary(runs: list[AudioRun]) -> dict[str, Any]:
    """p50/p95 of each stage and of voice-to-voice, real-time factors."""
    figs = [f for r in runs for f in r.figures]
    stats = p50_p95
    asr_audio = sum(f.utterance_s for f in figs)
    tts_audio = sum(r.tts_seconds for r in runs)
    return {
        "turns": len(figs),
        "endpoint_ms": stats([f.endpoint_ms for f in figs]),
        "asr_ms": stats([f.asr_ms for f in figs]),
        "dialog_ms": stats([f.dialog_ms for f in figs]),
        "tts_first_audio_ms": stats([f.tts_first_audio_ms for f in figs]),
        "voice_to_voice_ms": stats([f.voice_to_voice_ms for f in figs]),
        "after_endpoint_ms": {
            "rules": stats([f.after_endpoint_ms for f in figs if not f.used_llm]),
            "llm": stats([f.after_endpoint_ms for f in figs if f.used_llm])},
        "greeting_first_audio_ms": stats([r.greeting_first_audio_ms for r in runs]),
        "speculative_hits": sum(f.speculative_hit for f in figs),
        # decoding time (speculative decodes too) per second of the caller's speech
        "asr_rtf": _r(sum(r.asr_wall for r in runs) / asr_audio, 3) if asr_audio else None,
        "tts_rtf": _r(sum(r.tts_wall for r in runs) / tts_audio, 3) if tts_audio else None,
    }


def p50_p95(values: list[float]) -> dict[str, float | None]:
    return {"p50": _r(percentile(values, 50)), "p95": _r(percentile(values, 95))}


def ratio(ours: dict[str, Any], baseline: dict[str, Any]) -> dict[str, float | None]:
    """Voice-to-voice of the live path over the baseline's, at p50 and p95."""
    out: dict[str, float | None] = {}
    for q in ("p50", "p95"):
        a, b = ours["voice_to_voice_ms"][q], baseline["voice_to_voice_ms"][q]
        out[q] = round(a / b, 3) if a is not None and b else None
    return out


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)
