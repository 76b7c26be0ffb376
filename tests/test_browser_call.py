"""A citizen calls from headless Chromium with a fake microphone; the bot answers and hands off."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import async_playwright

from hotline.config import load_settings
from hotline.db import make_engine
from hotline.records import CallRecords
from hotline.runtime import Runtime
from hotline.server import CALLS, LINES_OPEN, create_app
from tests.browser import chromium
from voice.audio import write_wav
from voice.frames import SAMPLE_RATE

pytestmark = [pytest.mark.models, pytest.mark.browser]


async def test_browser_call_reaches_a_person(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data")
    runtime = Runtime.from_settings(settings)
    assert runtime.tts_en is not None
    line = runtime.tts_en.synthesize("Hello, I would like to talk to a real person please.").pcm
    mic = tmp_path / "mic.wav"
    # speech after 5 s, then ≥ 1 s of trailing silence (Chromium loops the last 10 ms)
    write_wav(mic, np.concatenate([np.zeros(SAMPLE_RATE * 5, np.int16), line,
                                   np.zeros(SAMPLE_RATE * 20, np.int16)]))
    app = create_app(settings, runtime)
    async with TestServer(app, host="127.0.0.1") as server, async_playwright() as pw:
        import asyncio

        await asyncio.wait_for(app[LINES_OPEN].wait(), 120)
        browser = await chromium(pw, mic)
        page = await browser.new_page()
        await page.goto(str(server.make_url("/")))
        assert "1999" in await page.title()
        started = time.monotonic()
        await page.click("#call")
        await page.wait_for_function("window.hotline.greetingHeardMs !== null", timeout=30_000)
        greeting_ms = await page.evaluate("window.hotline.greetingHeardMs")
        await page.wait_for_function("window.hotline.state === 'waiting_agent'", timeout=60_000)
        captions = await page.inner_text("#captions")
        print(f"greeting audible {greeting_ms:.0f} ms after connect; "
              f"handed off {time.monotonic() - started:.1f} s after the click")
        assert greeting_ms < 1500
        assert "person" in captions.lower()
        # the caller closes the page mid-call: the call ends, its tasks with it
        await page.close()
        await browser.close()
        service = app[CALLS]["service"]
        call = next(iter(service.calls.values()))
        await asyncio.wait_for(call.finished.wait(), 20)
        await asyncio.sleep(0.5)
        assert all(task.done() for task in call.tasks)  # nothing of the call left running
        assert call.manager.state.handoff is not None
        kept = CallRecords(make_engine(settings.db_url)).get(call.call_id)
        assert kept is not None and kept.outcome == "escalated"
        assert any("person" in t.text.lower() for t in kept.transcript if t.who == "caller")
