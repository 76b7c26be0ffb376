"""``simulate --audio`` and ``bench speech``: scripted calls as audio, VAD → ASR → dialog → TTS.

A virtual clock runs the call faster than real time while keeping its timings true: audio
time advances frame by frame, and each model step moves the clock by the wall time it really
took. Speculative recognition starts at the first pause; if the caller stays silent until the
end of the hangover, its result is used and only the part of its run that outlasted the
hangover counts towards the latency.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dialog.text import language_of
from hotline.dialogs import DialogFactory
from hotline.simulate import Run, Scenario, TurnTiming, result_json
from voice.asr import Recognizer, Transcript
from voice.audio import frames, read_audio, write_wav
from voice.frames import FRAME_MS, SAMPLE_RATE, Pcm, SpeechPaused, SpeechStarted, SpeechStopped
from voice.speech_text import split_sentences
from voice.tts import VoiceBox
from voice.vad import Endpointer, VadConfig, dbfs

GAP_S = 0.6  # the caller starts talking this long after the bot stops
TAIL_S = 1.5  # silence fed after each caller line, so the endpointer can close it


@dataclass
class TurnFigures:
    vad_delay_ms: float
    asr_ms: float
    dialog_ms: float
    tts_first_audio_ms: float
    voice_to_voice_ms: float
    utterance_s: float
    speculative_hit: bool


@dataclass
class AudioRun(Run):
    figures: list[TurnFigures] = field(default_factory=list)
    greeting_first_audio_ms: float = 0.0
    tts_seconds: float = 0.0  # audio synthesised
    tts_wall: float = 0.0  # time spent synthesising it
    stereo: Pcm | None = None


def speech_end(pcm: Pcm, threshold_dbfs: float = -45.0) -> float:
    """Seconds from the start of ``pcm`` to the end of its last voiced frame."""
    last = 0
    for i, frame in enumerate(frames(pcm)):
        if dbfs(frame) > threshold_dbfs:
            last = i + 1
    return last * FRAME_MS / 1000


class _Track:
    """Two channels on one timeline: caller left, bot right."""

    def __init__(self) -> None:
        self.left: list[tuple[float, Pcm]] = []
        self.right: list[tuple[float, Pcm]] = []

    def render(self) -> Pcm:
        end = max([t + len(p) / SAMPLE_RATE for t, p in self.left + self.right] or [0.0])
        out = np.zeros((int(end * SAMPLE_RATE) + 1, 2), np.int16)
        for channel, items in ((0, self.left), (1, self.right)):
            for t, pcm in items:
                start = int(t * SAMPLE_RATE)
                out[start:start + len(pcm), channel] = pcm[: len(out) - start]
        return out


def caller_audio(turn_say: str, wav: str | None, base: Path, voices: VoiceBox) -> Pcm:
    if wav:
        return read_audio(base / wav)
    return voices.synthesize(turn_say, language_of(turn_say) or "zh").pcm


def run_audio(scenario: Scenario, base: Path, factory: DialogFactory, asr: Recognizer,
              voices: VoiceBox, vad: VadConfig | None = None) -> AudioRun:
    manager = factory.new()
    track = _Track()
    run = AudioRun({})

    def speak(sentences: list[str], lang: str, at: float) -> tuple[float, float]:
        """Synthesise sentence by sentence; returns (first-audio wall s, end of playback)."""
        first_wall, clock = 0.0, at
        for i, sentence in enumerate(sentences):
            started = time.perf_counter()
            speech = voices.synthesize(sentence, lang)
            wall = time.perf_counter() - started
            run.tts_wall += wall
            run.tts_seconds += speech.seconds
            if i == 0:
                first_wall, clock = wall, at + wall
            track.right.append((clock, speech.pcm))
            clock += speech.seconds
        return first_wall, clock

    greeting = manager.start()
    first, clock = speak(split_sentences(greeting.text), "zh", 0.0)
    run.greeting_first_audio_ms = first * 1000
    run.bot_lines.append(greeting.text)
    turns = []
    lang = "zh"
    for turn in scenario.turns:
        pcm = caller_audio(turn.say, turn.wav, base, voices)
        start = clock + GAP_S
        true_end = start + speech_end(pcm)
        track.left.append((start, pcm))
        heard, figures, clock = _listen(pcm, start, true_end, asr, lang, vad)
        began = time.perf_counter()
        reply = manager.handle(heard.text, asr_confidence=heard.confidence if heard.text else None)
        dialog_s = time.perf_counter() - began
        lang = reply.lang
        sentences = split_sentences(reply.text)
        tts_first, end = speak(sentences, reply.lang, clock + dialog_s)
        v2v = (clock - true_end) + dialog_s + tts_first
        if figures is not None:
            figures.dialog_ms, figures.tts_first_audio_ms = dialog_s * 1000, tts_first * 1000
            figures.voice_to_voice_ms = v2v * 1000
            run.figures.append(figures)
        run.timings.append(TurnTiming(dialog_s * 1000, reply.used_llm))
        run.bot_lines.append(reply.text)
        turns.append({"caller": turn.say, "heard": heard.text, "bot": reply.text, "ms": {
            "asr": None if figures is None else round(figures.asr_ms, 1),
            "dialog": round(dialog_s * 1000, 1),
            "tts_first_audio": round(tts_first * 1000, 1),
            "voice_to_voice": None if figures is None else round(v2v * 1000, 1),
        }})
        clock = end
        if reply.end_call:
            break
    run.result = result_json(scenario.id, manager.state, turns)
    run.stereo = track.render()
    return run


def _listen(pcm: Pcm, start: float, true_end: float, asr: Recognizer, lang: str,
            vad: VadConfig | None) -> tuple[Transcript, TurnFigures | None, float]:
    """Feed one caller line (and a silent tail) to the endpointer; recognise what it closes.

    Returns the transcript, the turn's figures, and the clock when the text is ready.
    """
    endpointer = Endpointer(vad)
    audio = np.concatenate([pcm, np.zeros(int(TAIL_S * SAMPLE_RATE), np.int16)])
    speculation: tuple[float, int, Transcript, float] | None = None  # (ready at, len, text, wall)
    clock = start
    for i, frame in enumerate(frames(audio)):
        t = start + i * FRAME_MS / 1000
        for event in endpointer.push(frame, t):
            if isinstance(event, SpeechStarted):
                speculation = None
            elif isinstance(event, SpeechPaused) and (
                    speculation is None or len(event.audio) > speculation[1]):
                # (re)start recognising what was said so far; a later pause supersedes it
                began = time.perf_counter()
                guess = asr.transcribe(event.audio, lang)
                wall = time.perf_counter() - began
                speculation = (event.t + wall, len(event.audio), guess, wall)
            elif isinstance(event, SpeechStopped):
                stop = event.t
                if speculation is not None and speculation[1] >= len(event.audio) - 320 * 6:
                    ready, _n, text, wall = speculation
                    hit = True
                else:
                    began = time.perf_counter()
                    text = asr.transcribe(event.audio, lang)
                    wall = time.perf_counter() - began
                    ready, hit = stop + wall, False
                clock = max(stop, ready)
                figures = TurnFigures(
                    vad_delay_ms=(stop - true_end) * 1000, asr_ms=wall * 1000, dialog_ms=0.0,
                    tts_first_audio_ms=0.0, voice_to_voice_ms=0.0,
                    utterance_s=len(event.audio) / SAMPLE_RATE, speculative_hit=hit)
                return text, figures, clock
        clock = t
    return Transcript("", lang, 0.0), None, clock


def write_call(run: AudioRun, path: Path) -> None:
    """The call as a stereo WAV: caller left, bot right."""
    assert run.stereo is not None
    write_wav(path, run.stereo.reshape(-1), SAMPLE_RATE, channels=2)


def stage_summary(runs: list[AudioRun]) -> dict[str, Any]:
    """p50/p95 of each stage and of voice-to-voice, real-time factors."""
    from hotline.simulate import percentile

    figs = [f for r in runs for f in r.figures]

    def stats(values: list[float]) -> dict[str, float | None]:
        return {"p50": _r(percentile(values, 50)), "p95": _r(percentile(values, 95))}

    asr_audio = sum(f.utterance_s for f in figs)
    tts_audio = sum(r.tts_seconds for r in runs)
    return {
        "turns": len(figs),
        "vad_end_delay_ms": stats([f.vad_delay_ms for f in figs]),
        "asr_ms": stats([f.asr_ms for f in figs]),
        "dialog_ms": stats([f.dialog_ms for f in figs]),
        "tts_first_audio_ms": stats([f.tts_first_audio_ms for f in figs]),
        "voice_to_voice_ms": stats([f.voice_to_voice_ms for f in figs]),
        "greeting_first_audio_ms": stats([r.greeting_first_audio_ms for r in runs]),
        "speculative_hits": sum(f.speculative_hit for f in figs),
        "asr_rtf": _r(sum(f.asr_ms for f in figs) / 1000 / asr_audio, 3) if asr_audio else None,
        "tts_rtf": _r(sum(r.tts_wall for r in runs) / tts_audio, 3) if tts_audio else None,
    }


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)
