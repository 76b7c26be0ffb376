"""Two headless Chromiums: a citizen asks for a person; an agent logs in to /agent, sees the
call in the queue, accepts it; audio flows both ways; suggestions and the transcript show in
the assist pane; the agent files the case and ends the call."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright

from hotline.config import load_settings
from hotline.db import make_engine
from hotline.desk.accounts import Accounts
from hotline.records import CallRecords
from hotline.runtime import Runtime
from hotline.server import CALLS, LINES_OPEN, create_app
from tests.browser import chromium
from voice.audio import write_wav
from voice.frames import SAMPLE_RATE, Pcm

pytestmark = [pytest.mark.models, pytest.mark.browser]

PASSWORD = "agent password 1"


def silence(seconds: float) -> Pcm:
    return np.zeros(int(seconds * SAMPLE_RATE), np.int16)


async def test_agent_console_takes_a_call_in_a_real_browser(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data")
    runtime = Runtime.from_settings(settings)
    assert runtime.tts_en is not None
    say = runtime.tts_en.synthesize
    ask = say("Hello, I would like to talk to a real person please.").pcm
    problem = say("The streetlight in front of my house is broken.").pcm
    citizen_mic, agent_mic = tmp_path / "citizen.wav", tmp_path / "agent.wav"
    write_wav(citizen_mic, np.concatenate([silence(5), ask, silence(22 - 5 - len(ask) / 16000),
                                           problem, silence(30)]))
    write_wav(agent_mic, np.concatenate([silence(3), say("Hello, this is the city hotline. "
                                                         "How can I help you?").pcm,
                                         silence(30)]))
    Accounts(make_engine(settings.db_url)).add("alice", PASSWORD)
    app = create_app(settings, runtime)
    async with TestServer(app, host="127.0.0.1") as server, async_playwright() as pw:
        await asyncio.wait_for(app[LINES_OPEN].wait(), 120)
        agent_browser = await chromium(pw, agent_mic)
        citizen_browser = await chromium(pw, citizen_mic)
        agent = await agent_browser.new_page()
        await agent.goto(str(server.make_url("/agent")))
        await agent.fill("#name", "alice")
        await agent.fill("#password", "wrong password")
        await agent.click("#login button[type=submit]")
        await agent.wait_for_function("document.getElementById('login-error').textContent")
        await agent.fill("#password", PASSWORD)
        await agent.click("#login button[type=submit]")
        await agent.wait_for_function("window.agentConsole.loggedIn", timeout=10_000)

        citizen = await citizen_browser.new_page()
        await citizen.goto(str(server.make_url("/")))
        await citizen.click("#call")
        await agent.wait_for_function("window.agentConsole.queue.length > 0", timeout=60_000)
        queued = await agent.inner_text("#queue")
        assert "來電者要求專人" in queued
        await agent.click("#queue button")
        await citizen.wait_for_function("window.hotline.state === 'agent'", timeout=10_000)
        # the agent's voice reaches the citizen; the citizen's reaches the agent
        await citizen.wait_for_function("window.hotline.agentHeardAt !== null", timeout=20_000)
        await agent.wait_for_function("window.agentConsole.callerHeardAt !== null",
                                      timeout=30_000)
        # the caller's line after the accept (Whisper may spell it "streak light")
        heard = ("window.agentConsole.transcript.find(t => t.who === 'caller' && "
                 "/light|lamp/.test(t.text.toLowerCase()) && /broke/.test(t.text.toLowerCase()))")
        try:
            await agent.wait_for_function(f"{heard} !== undefined", timeout=30_000)
        except PlaywrightTimeout as exc:  # say what the pane showed instead
            shown = await agent.evaluate("window.agentConsole.transcript")
            raise AssertionError(f"the caller's line is not in the assist pane: {shown}") from exc
        await agent.wait_for_function(
            "window.agentConsole.transcript.some(t => t.who === 'agent')", timeout=20_000)
        # the suggestions are searched again for the caller's line (how many depends on what
        # Whisper heard: "streak light" matches no entry, and only the procedural one shows)
        call = next(iter(app[CALLS]["service"].calls.values()))
        for _ in range(100):
            if call.suggest_ms:
                break
            await asyncio.sleep(0.1)
        assert call.suggest_ms, "the suggestions were not refreshed after the caller spoke"
        await agent.wait_for_function(
            "document.querySelectorAll('#suggestions li').length >= 1", timeout=10_000)
        said = str(await agent.evaluate(f"{heard}.text")).lower().replace(" ", "")
        if "streetlight" in said:  # what the bot understood drafts the form
            assert await agent.input_value("#f-category") == "streetlight"
            assert "知識庫" in await agent.inner_text("#suggestions")  # with the entry named
        await agent.select_option("#f-category", "streetlight")
        await agent.select_option("#f-district", "西屯區")
        await agent.fill("#f-address", "公益路二段51號")
        await agent.click("#submit-case")
        await agent.wait_for_function("window.agentConsole.caseNumber !== null")
        number = await agent.evaluate("window.agentConsole.caseNumber")
        await agent.click("#end")
        await citizen.wait_for_function("window.hotline.state === 'ended'", timeout=10_000)
        call = next(iter(app[CALLS]["service"].calls.values()))
        await asyncio.wait_for(call.finished.wait(), 10)
        await citizen_browser.close()
        await agent_browser.close()
    record = CallRecords(make_engine(settings.db_url)).get(call.call_id)
    assert record is not None and record.handled_by == "alice" and record.case_number == number
    case = call.manager.state.case
    assert case is not None and case.district == "西屯區" and not case.created_by_bot
