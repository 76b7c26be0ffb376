"""An agent-first line with the real models: a caller (aiortc) says in natural Mandarin where a
streetlight is out; the call is in the agents' queue at once, and the line the caller said
while waiting is in its summary and draft; an agent in headless Chromium accepts, they hear
each other, suggestions show, and the agent files the case."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import numpy as np
import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from playwright.async_api import async_playwright

from hotline.config import load_settings
from hotline.db import make_engine
from hotline.desk.accounts import Accounts
from hotline.records import CallRecords
from hotline.runtime import Runtime
from hotline.server import CALLS, LINES_OPEN, create_app
from tests.browser import chromium, console
from tests.test_agent_call_webrtc import citizen_calls, silence
from voice.audio import read_audio, write_wav

pytestmark = [pytest.mark.models, pytest.mark.browser]

ZH = Path(__file__).resolve().parents[2] / "shared" / "audio" / "zh"
PASSWORD = "agent password 1"


async def test_an_agent_first_call_is_queued_at_once_drafted_and_filed_by_the_agent(
        tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", routing="agent_first")
    runtime = Runtime.from_settings(settings)
    assert runtime.tts_en is not None
    # 「我住在東勢區，我們這邊的路燈已經壞了三天」 while waiting; another line after the accept
    first, later = read_audio(ZH / "line-01.wav"), read_audio(ZH / "line-21.wav")
    caller_wav, agent_wav = tmp_path / "caller.wav", tmp_path / "agent.wav"
    write_wav(caller_wav, np.concatenate([silence(2), first, silence(18), later, silence(40)]))
    write_wav(agent_wav, np.concatenate([silence(2), runtime.tts_en.synthesize(
        "Hello, this is the city hotline, I can see your report.").pcm, silence(40)]))
    Accounts(make_engine(settings.db_url)).add("alice", PASSWORD)
    app = create_app(settings, runtime)
    async with TestServer(app, host="127.0.0.1") as server, ClientSession() as http, \
            async_playwright() as pw:
        await asyncio.wait_for(app[LINES_OPEN].wait(), 120)
        browser = await chromium(pw, agent_wav)
        agent = await console(browser, str(server.make_url("/agent")), "alice", PASSWORD)

        phone = await citizen_calls(http, str(server.make_url("/api/calls")), caller_wav)
        citizen, heard, receivers = phone.pc, phone.heard, phone.receivers
        connected = time.monotonic()
        service = app[CALLS]["service"]
        call = service.calls[phone.call_id]
        while not call.queued:
            await service.changed(service.version, 0.1)  # (woken by every change)
        queued_s = time.monotonic() - connected
        assert queued_s <= 2.0, queued_s

        # what the caller said while waiting reaches the waiting entry (summary and draft)
        await agent.wait_for_function(
            "window.agentConsole.queue.some(c => c.summary.includes('路燈'))", timeout=60_000)
        entry = (await agent.evaluate("window.agentConsole.queue"))[0]
        said = call.dialog.caller_lines()[0]
        assert said[:8] in entry["summary"] and entry["reason"] == "agent_first"
        assert entry["fields"]["category"] == "streetlight"
        card = await agent.inner_text("#queue li")
        assert "專人接聽線路" in card and "路燈故障" in card

        await agent.click("#queue button")
        accepted = time.monotonic()
        await agent.wait_for_selector("#active", state="visible")
        assert await agent.input_value("#f-category") == "streetlight"  # drafted while waiting
        # both ways: the caller's next line reaches the agent, the agent's voice the caller
        await agent.wait_for_function("window.agentConsole.callerHeardAt !== null",
                                      timeout=40_000)
        await agent.wait_for_function(
            "window.agentConsole.transcript.filter(t => t.who === 'caller').length >= 2",
            timeout=40_000)
        await agent.wait_for_function(
            "document.querySelectorAll('#suggestions li').length >= 1", timeout=10_000)
        assert "知識庫" in await agent.inner_text("#suggestions")
        for _ in range(100):
            if any(t > accepted + 1.0 for t in heard):
                break
            await asyncio.sleep(0.1)
        assert any(t > accepted + 1.0 for t in heard), "the caller never heard the agent"

        await agent.click("#submit-case")
        await agent.wait_for_function("window.agentConsole.caseNumber !== null")
        number = await agent.evaluate("window.agentConsole.caseNumber")
        await agent.click("#end")
        await asyncio.wait_for(call.finished.wait(), 10)
        await agent.wait_for_function("window.agentConsole.wrapUp")
        await citizen.close()
        for task in receivers:
            task.cancel()
        await browser.close()
    case = call.manager.state.case
    assert case is not None and case.number == number and not case.created_by_bot
    assert case.category == "streetlight"
    record = CallRecords(make_engine(settings.db_url)).get(call.call_id)
    assert record is not None and record.handled_by == "alice" and record.case_number == number
    print(f"agent-first: queued {queued_s * 1000:.0f} ms after connect; caller said {said!r}")
