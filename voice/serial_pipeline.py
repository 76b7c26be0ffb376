"""The baseline the speech bench measures the live pipeline against.

A plain serial loop, as a first voice bot would be written: wait for the end of speech (a
fixed 700 ms of silence), transcribe the utterance with faster-whisper's standard
``transcribe``, ask the dialog, synthesise the first sentence whole, play it. No speculative
decoding, no adaptive hangover, no decode gate, no barge-in. Same models, same dialog, same
audio, same clock: only the way the work is arranged differs.
"""

from __future__ import annotations

from dataclasses import replace

from voice.asr import Transcript
from voice.events import SpeechStarted
from voice.events import SpeechStopped as Stopped
from voice.frames import Pcm
from voice.pipeline import CallPipeline
from voice.vad import Endpointer

HANGOVER_MS = 700


class SerialPipeline(CallPipeline):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.gate = None  # every decode runs when it comes
        self._endpointer = Endpointer(replace(
            self.cfg.vad, hangover_ms=HANGOVER_MS, short_hangover_ms=HANGOVER_MS))

    async def _listen(self) -> None:
        async for frame, t in self._caller_frames():
            for event in self._endpointer.push(frame, t):
                if isinstance(event, SpeechStarted):
                    self._started()
                elif isinstance(event, Stopped):
                    stopped = self._stopped(event)
                    await self._transcribed(await self._recognise(event.audio), stopped, False)

    def _decode(self, audio: Pcm, language: str, answer: bool = False) -> Transcript:
        plain = getattr(self.asr, "transcribe_plain", None)
        return plain(audio, language) if plain is not None else self.asr.transcribe(audio, language)
