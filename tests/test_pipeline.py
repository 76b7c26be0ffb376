"""The real-time call loop with fakes on a virtual clock: turn-taking, barge-in, silence."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from tests.fakes import FakeASR, FakeBrain, FakeSink, FakeVoice, silence, vowel
from voice.asr import Transcript
from voice.clock import VirtualClock
from voice.events import BotTurn, CallerSpoke, CallEvent, HungUp, Transcribed
from voice.frames import FRAME_SAMPLES, Pcm
from voice.pipeline import KEY_ZERO_S, KEYS_DONE_S, CallPipeline, PipelineConfig, feed_timeline
from voice.tts import VoiceBox


def make(replies: list[BotTurn], **cfg: float) -> tuple[CallPipeline, FakeBrain, FakeSink, FakeASR]:
    brain, asr = FakeBrain(replies), FakeASR()
    holder: list[CallPipeline] = []
    sink = FakeSink(holder)
    config = PipelineConfig(**cfg)  # type: ignore[arg-type]
    pipeline = CallPipeline(brain, asr, VoiceBox({"zh": FakeVoice()}), sink, config,
                            clock=VirtualClock())
    holder.append(pipeline)
    return pipeline, brain, sink, asr


async def run_with(pipeline: CallPipeline, audio: Pcm, hang_up: bool = True) -> None:
    """The caller's audio, in real time on the call's (virtual) clock; then hang up."""
    assert isinstance(pipeline.clock, VirtualClock)
    async with pipeline.clock.driving():
        runner = asyncio.create_task(pipeline.run())
        await feed_timeline(pipeline, audio)
        if hang_up:
            await pipeline.end_of_input()
        await asyncio.wait_for(runner, timeout=30)


async def test_greeting_then_a_turn_then_hang_up() -> None:
    pipeline, brain, _sink, _asr = make([BotTurn(("請問在哪裡",), "zh")])
    await run_with(pipeline, np.concatenate([silence(1.5), vowel(1.5), silence(3.0)]))
    stats = pipeline.stats
    assert stats.first_audio[0] < 0.3  # the greeting starts at once
    assert len(brain.asked) == 1  # one utterance, recognised once it ended, all of it
    assert 1.5 <= float(brain.asked[0].strip("說了秒")) <= 1.9
    assert stats.played[:2] == ["您好請說", "請問在哪裡"]
    assert stats.first_audio[1] - 3.0 < 1.0  # answered soon after the caller stopped (at 3.0 s)
    assert len(stats.voice_to_voice_ms) == 1  # one answer (the greeting answers nobody)
    assert abs(stats.voice_to_voice_ms[0] - (stats.first_audio[1] - 3.0) * 1000) < 60
    assert stats.hangup_reason == "caller_hung_up"
    # recognised at the pause already, and the brain told so before the end was certain
    assert brain.anticipated == brain.asked
    assert not [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]


async def test_the_recogniser_is_told_when_a_yes_or_no_is_due() -> None:
    # the read-back asks yes or no: the next utterance is decoded as a likely answer
    pipeline, brain, _sink, asr = make([BotTurn(("資料正確嗎",), "zh", yes_no=True),
                                        BotTurn(("好的",), "zh")])
    audio = np.concatenate([silence(1.0), vowel(1.0), silence(3.0), vowel(0.5), silence(3.0)])
    await run_with(pipeline, audio)
    assert len(brain.asked) == 2
    assert asr.answers[0] is False and asr.answers[-1] is True


async def test_barge_in_stops_playback_and_keeps_only_what_was_heard() -> None:
    long_turn = BotTurn(("第一句話說完了", "第二句話很長很長很長很長很長很長", "第三句"), "zh")
    pipeline, brain, sink, _asr = make([long_turn, BotTurn(("好",), "zh")])
    # caller: speaks 1.0–2.0 s; the bot answers ~2.7 s; the caller talks over it at 4.2 s
    audio = np.concatenate([silence(1.0), vowel(1.0), silence(2.2), vowel(1.2), silence(3.0)])
    await run_with(pipeline, audio)
    stats = pipeline.stats
    assert len(stats.interruptions) == 1 and sink.clears == 1
    assert stats.stop_latency_ms and max(stats.stop_latency_ms) < 200
    text, interrupted = brain.heard_log[1]
    assert interrupted and text.startswith("第一句話說完了")
    assert "第三句" not in text and len(text) < len("".join(long_turn.sentences))
    assert stats.played[1].endswith("…")
    assert brain.asked[-1].startswith("說了")  # the interruption was heard and answered


async def test_silence_prompts_then_goodbye() -> None:
    pipeline, _brain, _sink, _asr = make([])  # the defaults: a prompt after 8 s, twice
    await run_with(pipeline, silence(40.0), hang_up=False)
    stats = pipeline.stats
    assert stats.played[1:3] == ["請問您還在線上嗎？", "請問您還在線上嗎？"]
    assert "結束通話" in stats.played[3]
    assert stats.hangup_reason == "silence"


async def test_time_limit_ends_the_call_politely() -> None:
    pipeline, _brain, _sink, _asr = make([], max_call_s=3.0, silence_prompt_s=60.0)
    await run_with(pipeline, silence(8.0), hang_up=False)
    assert pipeline.stats.hangup_reason == "max_call_length"
    assert "上限" in pipeline.stats.played[-1]


async def test_quiet_echo_of_the_bot_is_not_a_barge_in() -> None:
    pipeline, _brain, sink, _asr = make([BotTurn(("這是一段很長很長很長很長的回答",), "zh")])
    # the caller's line picks up the bot at a low level while it speaks
    audio = np.concatenate([silence(1.0), vowel(1.0), silence(1.0), vowel(2.0, level=300),
                            silence(2.0)])
    await run_with(pipeline, audio)
    assert pipeline.stats.interruptions == [] and sink.clears == 0


@pytest.mark.parametrize("frames", [FRAME_SAMPLES - 1, 10])
async def test_partial_frames_are_ignored_not_crashing(frames: int) -> None:
    pipeline, _brain, _sink, _asr = make([])
    await pipeline.push(np.zeros(frames, np.int16))
    assert pipeline._frames.qsize() == 0


class BrokenASR(FakeASR):
    def transcribe(self, pcm: Pcm, language: str | None = None,
                   answer: bool = False) -> Transcript:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("decoder crashed")
        return super().transcribe(pcm, language)


async def test_a_failing_model_loses_one_utterance_not_the_call() -> None:
    pipeline, brain, _sink, _asr = make([BotTurn(("請說",), "zh")])
    pipeline.asr = BrokenASR()
    audio = np.concatenate([silence(1.0), vowel(1.0), silence(2.0), vowel(1.0), silence(3.0)])
    await run_with(pipeline, audio)
    assert len(brain.asked) == 1  # the first utterance was lost, the second answered
    assert pipeline.stats.hangup_reason == "caller_hung_up"


async def test_on_hold_there_is_no_are_you_still_there() -> None:
    pipeline, _brain, _sink, _asr = make([])
    pipeline.on_hold = True  # waiting for a person: the caller waits for us, not we for them
    await run_with(pipeline, silence(30.0))
    assert "請問您還在線上嗎？" not in pipeline.stats.played
    assert pipeline.stats.hangup_reason == "caller_hung_up"


async def test_handed_over_the_bot_falls_silent_and_keeps_listening() -> None:
    long_turn = BotTurn(("這是一段很長很長很長很長很長很長很長很長的回答",), "zh")
    pipeline, brain, sink, _asr = make([long_turn, BotTurn(("不該說出來",), "zh")],
                                       max_call_s=5.0)
    audio = np.concatenate([silence(1.0), vowel(1.0), silence(1.5), silence(2.0), vowel(1.0),
                            silence(12.0)])
    assert isinstance(pipeline.clock, VirtualClock)
    async with pipeline.clock.driving():
        runner = asyncio.create_task(pipeline.run())

        async def take_over() -> None:  # a person accepts while the bot is answering
            await pipeline.sleep(3.5)
            assert pipeline.speaking
            pipeline.hand_over()

        taker = asyncio.create_task(take_over())
        await feed_timeline(pipeline, audio)
        await pipeline.end_of_input()
        await asyncio.wait_for(runner, timeout=30)
        await taker
    stats = pipeline.stats
    assert sink.clears >= 1 and not pipeline.speaking
    assert len(brain.asked) == 2  # the caller's second line still reached the brain
    assert "不該說出來" not in stats.played  # … but the bot said nothing more
    assert stats.hangup_reason == "caller_hung_up"  # no time limit (5 s) with a person on
    assert all(p != "請問您還在線上嗎？" for p in stats.played)


async def test_the_call_is_told_everything_in_order() -> None:
    """The events a call's owner acts on, one stream, in the order things happened."""
    pipeline, _brain, _sink, _asr = make([BotTurn(("請問在哪裡",), "zh", handoff=None)])
    events: asyncio.Queue[CallEvent] = asyncio.Queue(maxsize=64)
    pipeline.events = events
    await run_with(pipeline, np.concatenate([silence(1.5), vowel(1.5), silence(3.0)]))
    seen = []
    while not events.empty():
        seen.append(events.get_nowait())
    kinds = [type(e).__name__ for e in seen]
    assert kinds == ["BotAnswered", "BotAudioStarted", "BotHeard",  # the greeting
                     "CallerStarted", "CallerSpoke", "Transcribed",  # the caller's line
                     "BotAnswered", "BotAudioStarted", "BotHeard",  # the answer
                     "HungUp"]
    times = [e.t for e in seen]
    assert times == sorted(times)  # on the call's clock
    spoke, heard = seen[4], seen[5]
    assert isinstance(spoke, CallerSpoke) and isinstance(heard, Transcribed)
    assert heard.speculative and heard.text.startswith("說了")  # guessed at the pause
    assert 1.4 < spoke.seconds < 2.6 and spoke.t > spoke.speech_end  # the hangover
    assert isinstance(seen[-1], HungUp) and seen[-1].reason == "caller_hung_up"


async def test_keys_make_a_turn_at_hash_or_a_pause_and_zero_alone_is_quick() -> None:
    pipeline, brain, _sink, _asr = make([BotTurn(("好的",), "zh")] * 3)
    assert isinstance(pipeline.clock, VirtualClock)
    async with pipeline.clock.driving():
        runner = asyncio.create_task(pipeline.run())
        await pipeline.sleep(0.5)
        for key in "0912345678#":  # a number ended by '#': one turn at once
            pipeline.key_pressed(key)
            await pipeline.sleep(0.2)
        await pipeline.sleep(0.5)
        assert brain.asked == ["keys:0912345678"]
        for key in "123":  # no '#': taken after a pause
            pipeline.key_pressed(key)
        await pipeline.sleep(KEYS_DONE_S - 0.5)
        assert brain.asked == ["keys:0912345678"]
        await pipeline.sleep(1.0)
        assert brain.asked[-1] == "keys:123"
        pipeline.key_pressed("0")  # 0 alone: a person, sooner than a number would be taken
        await pipeline.sleep(KEY_ZERO_S + 0.3)
        assert brain.asked[-1] == "keys:0"
        await pipeline.end_of_input()
        await asyncio.wait_for(runner, timeout=30)
    assert pipeline.stats.voice_to_voice_ms == []  # keys are no speech to time answers from
