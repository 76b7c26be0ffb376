"""Three citizens call at once from Chromium; prints the live calls' voice-to-voice figures.

A benchmark in test form (run with -s to see the figures): the issue's target is a
voice-to-voice p95 of at most 2.5 s with three simultaneous browser calls on this machine.
Timing is printed, not asserted (shared machines are noisy); the calls must work.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import async_playwright

from hotline.config import load_settings
from hotline.runtime import Runtime
from hotline.server import CALLS, LINES_OPEN, create_app
from tests.browser import chromium
from voice.audio import write_wav
from voice.frames import SAMPLE_RATE

pytestmark = [pytest.mark.models, pytest.mark.browser]

# (second of the call, what the caller says): a streetlight report, confirmed, then goodbye
LINES = [(4, "The streetlight in front of my house is broken."),
         (15, "It is on Gongyi Road section 2 in Xitun District."),
         (28, "Yes, that is correct."),
         (42, "No, that is all. Thank you.")]


async def test_three_simultaneous_browser_calls(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", calls_per_ip=3)  # 3 browsers, 1 address
    runtime = Runtime.from_settings(settings)
    assert runtime.tts_en is not None
    audio = np.zeros(60 * SAMPLE_RATE, np.int16)
    for at, text in LINES:
        pcm = runtime.tts_en.synthesize(text).pcm
        audio[at * SAMPLE_RATE:at * SAMPLE_RATE + len(pcm)] = pcm
    mic = tmp_path / "caller.wav"
    write_wav(mic, audio)
    app = create_app(settings, runtime)
    async with TestServer(app, host="127.0.0.1") as server, async_playwright() as pw:
        await asyncio.wait_for(app[LINES_OPEN].wait(), 120)
        browser = await chromium(pw, mic)
        pages = []
        for _ in range(3):
            page = await (await browser.new_context()).new_page()
            await page.goto(str(server.make_url("/")))
            pages.append(page)
        await asyncio.gather(*(page.click("#call") for page in pages))
        await asyncio.gather(*(page.wait_for_function("window.hotline.state === 'ended'",
                                                      timeout=120_000) for page in pages))
        calls = list(app[CALLS]["service"].calls.values())
        await asyncio.gather(*(asyncio.wait_for(c.finished.wait(), 10) for c in calls))
        await browser.close()
    assert len(calls) == 3
    v2v = [ms for c in calls for ms in c.pipeline.stats.voice_to_voice_ms]
    outcomes = [c.manager.state.outcome.value for c in calls]
    p50, p95 = np.percentile(v2v, 50), np.percentile(v2v, 95)
    print(f"\n3 simultaneous browser calls: voice-to-voice n={len(v2v)} p50 {p50:.0f} ms, "
          f"p95 {p95:.0f} ms, max {max(v2v):.0f} ms; outcomes {outcomes}")
    for stage in ("asr_wait_ms", "dialog_ms", "tts_first_ms"):
        values = [ms for c in calls for ms in getattr(c.pipeline.stats, stage)]
        print(f"  {stage}: p50 {np.percentile(values, 50):.0f}, "
              f"p95 {np.percentile(values, 95):.0f}, n={len(values)}")
    for call in calls:
        assert len(call.pipeline.stats.voice_to_voice_ms) >= 3, call.manager.state.transcript
