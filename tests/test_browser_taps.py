"""Desk-phone assist with the real models: a PBX (written here, following the AudioSocket
protocol) copies a call's two sides in natural Mandarin over two TCP connections named by one
UUID and names the agent; the agent, logged in to the console in headless Chromium, sees both
sides' transcript, the drafted case and suggestions, and files the case."""

from __future__ import annotations

import asyncio
import socket
import uuid
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
from hotline.server import LINES_OPEN, create_app
from hotline.tap_api import TAPS
from tests.browser import chromium, console
from tests.test_agent_call_webrtc import silence
from tests.test_browser_agent_first import ZH
from tests.test_taps import Pbx
from voice.audio import read_audio, write_wav
from voice.channels.audiosocket import KIND_HANGUP, message

pytestmark = [pytest.mark.models, pytest.mark.browser]

PASSWORD = "agent password 1"
TOKEN = "the PBX's token, long enough"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_desk_phone_call_is_transcribed_drafted_and_filed_on_the_console(
        tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", tap_token=TOKEN,
                             audiosocket_listen=f"127.0.0.1:{free_port()}")
    runtime = Runtime.from_settings(settings)
    # the caller: what is wrong, then where; the agent in between: 「對，就是這樣」
    problem = read_audio(ZH / "streetlight-01-0.wav")
    place = read_audio(ZH / "streetlight-01-1.wav")
    agent_says = read_audio(ZH / "line-32.wav")
    caller = np.concatenate([silence(0.5), problem, silence(len(agent_says) / 16000 + 1.5),
                             place, silence(3.0)])
    agent = np.concatenate([silence(0.5 + len(problem) / 16000 + 0.8), agent_says,
                            silence(len(caller) / 16000)])[:len(caller)]
    mic = tmp_path / "silence.wav"
    write_wav(mic, silence(2))
    Accounts(make_engine(settings.db_url)).add("alice", PASSWORD)
    app = create_app(settings, runtime)
    async with TestServer(app, host="127.0.0.1") as server, async_playwright() as pw:
        await asyncio.wait_for(app[LINES_OPEN].wait(), 120)
        line = app[TAPS]["line"]
        browser = await chromium(pw, mic)
        page = await console(browser, str(server.make_url("/agent")), "alice", PASSWORD)

        call_uuid = uuid.uuid4()
        phone = Pbx(line.port)
        caller_r, caller_w = await phone.leg(call_uuid)
        agent_r, agent_w = await phone.leg(call_uuid)
        async with ClientSession() as http, http.post(
                server.make_url(f"/api/taps/{call_uuid}"),
                json={"agent": "alice", "caller_id": "0422345678"},
                headers={"Authorization": f"Bearer {TOKEN}"}) as resp:
            assert resp.status == 200
            call_id = (await resp.json())["call_id"]
        await asyncio.gather(Pbx.stream(caller_w, caller), Pbx.stream(agent_w, agent))

        await page.wait_for_selector("#active", state="visible", timeout=10_000)
        assert "桌機通話" in await page.inner_text("#active-line")
        both = ("window.agentConsole.transcript.some(t => t.who === 'caller') && "
                "window.agentConsole.transcript.some(t => t.who === 'agent')")
        await page.wait_for_function(both, timeout=60_000)
        await page.wait_for_function(
            "window.agentConsole.transcript.filter(t => t.who === 'caller').length >= 2",
            timeout=60_000)
        await page.wait_for_function(
            "document.querySelectorAll('#suggestions li').length >= 1", timeout=10_000)
        shown = await page.evaluate("window.agentConsole.transcript")
        assert not any(t["who"] == "bot" for t in shown)  # the AI said nothing
        assert await page.input_value("#f-category") == "streetlight", shown
        assert await page.input_value("#f-district") == "北屯區", shown
        assert "路燈" in await page.inner_text("#active-want")
        await page.click("#submit-case")
        await page.wait_for_function("window.agentConsole.caseNumber !== null")
        number = await page.evaluate("window.agentConsole.caseNumber")

        caller_w.write(message(KIND_HANGUP))  # the caller hangs up the desk phone
        await caller_w.drain()
        await page.wait_for_function("window.agentConsole.wrapUp", timeout=30_000)
        assert await caller_r.read() == b"" and await agent_r.read() == b""  # nothing sent
        for writer in (caller_w, agent_w):
            writer.close()
        await browser.close()
    record = CallRecords(make_engine(settings.db_url)).get(call_id)
    assert record is not None and record.handled_by == "alice" and record.case_number == number
    said = [t.text for t in record.transcript]
    print(f"desk-phone call: {said}")
