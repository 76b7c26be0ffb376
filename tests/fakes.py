"""The shared fakes of the tests: speech-like sound, a recogniser, a voice, a brain and a
loudspeaker for the pipeline; an LLM that answers from a script and a fresh case store for the
dialog; waiting for a condition."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine

from dialog.cases import CaseStore
from hotline.db import make_engine
from hotline.schema import ensure_current
from voice.asr import Transcript
from voice.events import BotTurn
from voice.frames import SAMPLE_RATE, Pcm
from voice.pipeline import CallPipeline
from voice.tts import Speech


def vowel(seconds: float, level: float = 8000) -> Pcm:
    """A voiced, speech-like sound (harmonics of 150 Hz, slowly modulated)."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    wave = sum(np.sin(2 * np.pi * f * t) * a
               for f, a in [(150, 1), (300, .8), (450, .6), (700, .5), (1100, .4), (2400, .2)])
    wave = wave / np.abs(wave).max() * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    return np.asarray(wave * level, dtype=np.int16)


def silence(seconds: float) -> Pcm:
    return np.zeros(int(seconds * SAMPLE_RATE), np.int16)


class FakeASR:
    def __init__(self) -> None:
        self.calls = 0
        self.answers: list[bool] = []  # whether each decode was told a yes/no answer is due

    def transcribe(self, pcm: Pcm, language: str | None = None,
                   answer: bool = False) -> Transcript:
        self.calls += 1
        self.answers.append(answer)
        seconds = len(pcm) / SAMPLE_RATE
        return Transcript(f"說了{seconds:.1f}秒" if seconds > 0.3 else "", language or "zh", 0.9)


class FakeVoice:
    """Each character lasts 0.1 s of a quiet buzz."""

    language = "zh"
    loaded = True

    def load(self) -> None:
        pass

    def synthesize(self, text: str) -> Speech:
        return Speech(vowel(0.1 * len(text), level=2000))


class FakeBrain:
    def __init__(self, replies: list[BotTurn]) -> None:
        self.replies = replies
        self.heard_log: list[tuple[str, bool]] = []
        self.asked: list[str] = []
        self.anticipated: list[str] = []

    def greet(self) -> BotTurn:
        return BotTurn(("您好請說",), "zh")

    def respond(self, text: str, confidence: float) -> BotTurn:
        self.asked.append(text)
        return self.replies.pop(0) if self.replies else BotTurn(("好的",), "zh")

    def keyed(self, keys: str) -> BotTurn:
        self.asked.append(f"keys:{keys}")
        return self.replies.pop(0) if self.replies else BotTurn(("好的",), "zh")

    def heard(self, turn: BotTurn, text: str, interrupted: bool) -> None:
        self.heard_log.append((text, interrupted))

    def anticipate(self, text: str) -> None:
        self.anticipated.append(text)

    def line_keeping(self, kind: str, language: str) -> BotTurn:
        said = {"still_there": "請問您還在線上嗎？",
                "goodbye_silent": "沒聽到您的聲音，先為您結束通話，再見。",
                "goodbye_long": "通話時間已到上限，再見。"}
        return BotTurn((said[kind],), language, end_call=kind != "still_there")


class FakeSink:
    def __init__(self, pipeline_clock: list[CallPipeline]) -> None:
        self.frames: list[float] = []
        self.clears = 0
        self._p = pipeline_clock

    async def play(self, pcm: Pcm) -> None:
        self.frames.append(self._p[0].now())

    def clear(self) -> None:
        self.clears += 1


class ScriptedASR:
    """Hears, in order, what it is told to."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = list(texts)

    def transcribe(self, pcm: Pcm, language: str | None = None,
                   answer: bool = False) -> Transcript:
        return Transcript(self.texts.pop(0), language or "zh", 0.9)


class ScriptedLLM:
    """Answers ``chat_json`` with the label given for a phrase found in the utterance."""

    def __init__(self, labels: dict[str, str] | None = None, raw: str | None = None,
                 fail: bool = False) -> None:
        self.labels = labels or {}
        self.raw = raw
        self.fail = fail
        self.calls: list[str] = []

    def chat_json(self, messages: list[dict[str, str]], schema: dict[str, Any],
                  max_tokens: int) -> str:
        text = messages[-1]["content"]
        self.calls.append(text)
        if self.fail:
            raise RuntimeError("model crashed")
        if self.raw is not None:
            return self.raw
        for phrase, label in self.labels.items():
            if phrase in text:
                return json.dumps({"label": label})
        return json.dumps({"label": "unclear"})


def sqlite_engine(path: Path) -> Engine:
    """A new SQLite database at the current schema, as the service starts with one."""
    engine = make_engine(f"sqlite:///{path}")
    ensure_current(engine)
    return engine


def case_store(tmp_path: Path) -> CaseStore:
    return CaseStore(sqlite_engine(tmp_path / "cases.db"))


async def wait_until(condition: Any, within: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)
