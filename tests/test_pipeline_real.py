"""Real audio through the real pipeline: piper speech in, Whisper, the dialog, voices out."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from dialog.domain import EscalationReason
from dialog.knowledge import KnowledgeBase
from dialog.manager import DialogManager
from hotline.brain import DialogBrain
from hotline.config import load_settings
from hotline.runtime import Runtime
from tests.fakes import case_store
from voice.clock import VirtualClock
from voice.frames import Pcm
from voice.pipeline import CallPipeline, PipelineConfig, feed_timeline

pytestmark = pytest.mark.models


class CollectingSink:
    def __init__(self) -> None:
        self.samples = 0
        self.clears = 0

    async def play(self, pcm: Pcm) -> None:
        self.samples += len(pcm)

    def clear(self) -> None:
        self.clears += 1


async def test_caller_interrupts_the_greeting_and_asks_for_a_person(tmp_path: Path) -> None:
    runtime = Runtime.from_settings(load_settings())
    await runtime.load_all()
    assert runtime.asr is not None and runtime.tts_en is not None
    voices = runtime.voices()
    manager = DialogManager(KnowledgeBase.load(), case_store(tmp_path))
    sink = CollectingSink()
    clock = VirtualClock()  # model time does not count: this checks behaviour, not speed
    pipeline = CallPipeline(DialogBrain(manager), runtime.asr, voices, sink, PipelineConfig(),
                            clock=clock)
    line = await asyncio.to_thread(lambda: voices.synthesize(
        "Sorry, I want to talk to a real person please.", "en").pcm)
    audio = np.concatenate([np.zeros(32000, np.int16), line, np.zeros(16000 * 6, np.int16)])
    async with clock.driving():
        runner = asyncio.create_task(pipeline.run())
        await feed_timeline(pipeline, audio)
        await pipeline.end_of_input()
        stats = await asyncio.wait_for(runner, timeout=120)

    assert stats.interruptions and sink.clears >= 1  # the greeting was cut short
    assert stats.played[0].endswith("…") and "請問有什麼需要幫忙" not in stats.played[0]
    assert any("person" in t.text.lower() for t in stats.transcripts), stats.transcripts
    assert manager.state.handoff is not None
    assert manager.state.handoff.reason is EscalationReason.CALLER_REQUEST
    bot_lines = [t for t in manager.state.transcript if t.who == "bot"]
    assert bot_lines[0].interrupted is True  # only what was heard is recorded
    assert "connecting you to a person" in stats.played[-1]
