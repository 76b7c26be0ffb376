"""The assist's latency: each scenario's caller lines as a listen-only call (as a desk-phone
call copied over AudioSocket is), through the live pipeline on the call clock (time flows
while the models work, idle time is skipped). After each caller utterance the draft is
updated and the agent's suggestions searched again: how long after the caller stopped
speaking, beside the ASR's own time for the same utterances (the ratio travels between
machines; the milliseconds do not)."""

from __future__ import annotations

from typing import Any

from hotline.benches.speech import TimedASR, p50_p95
from hotline.calls import CallPolicy, CallService
from hotline.dialogs import DialogFactory
from hotline.simulate import Scenario
from voice.asr import Recognizer
from voice.channels.file import ScriptedCaller
from voice.clock import VirtualClock
from voice.frames import Pcm
from voice.tts import VoiceBox

GAP_S = 1.5  # between a caller's lines (nobody answers them on a tapped call)


async def run_assist_bench(factory: DialogFactory, asr: Recognizer, voices: VoiceBox,
                           items: list[tuple[Scenario, list[Pcm]]]) -> dict[str, Any]:
    clock = VirtualClock(work_takes_time=True)
    timed = TimedASR(asr)
    service = CallService(factory, timed, voices, [], CallPolicy())
    suggest_ms: list[float] = []
    try:
        async with clock.driving():
            for scenario, lines in items:
                caller = ScriptedCaller(lines, clock, patience_s=GAP_S, name=scenario.id)
                call = service.open_tap(caller, clock=clock)
                await call.finished.wait()
                suggest_ms += call.suggest_ms
    finally:
        await service.close()
    return assist_summary(suggest_ms, timed.decodes_ms)


def assist_summary(suggest_ms: list[float], asr_ms: list[float]) -> dict[str, Any]:
    suggest, asr = p50_p95(suggest_ms), p50_p95(asr_ms)
    ratio: dict[str, float | None] = {}
    for q in ("p50", "p95"):
        mine, theirs = suggest[q], asr[q]
        ratio[q] = round(mine / theirs, 2) if mine is not None and theirs else None
    return {
        "utterances": len(suggest_ms),
        "suggestions_after_speech_end_ms": suggest,
        "asr_decode_ms": asr,  # each decode's own time (final and speculative)
        "ratio_to_asr": ratio,
    }

