"""Desk-phone assist with the real models: a PBX (written here, following the AudioSocket
protocol) copies a call's two sides in natural Mandarin over two TCP connections named by one
UUID and names the agent; or SIPp sends the same call as a SIPREC recording session. The agent,
logged in to the console in headless Chromium, sees both sides' transcript, the drafted case
and suggestions, and files the case."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import BaseTestServer, TestServer
from playwright.async_api import Page, async_playwright

from hotline.config import Settings, load_settings
from hotline.db import make_engine
from hotline.desk.accounts import Accounts
from hotline.records import CallRecords
from hotline.runtime import Runtime
from hotline.server import CALLS, LINES_OPEN, create_app
from hotline.tap_api import TAPS
from tests.browser import chromium, console
from tests.sip_peers import free_udp_tcp_port, run_sipp, send_rtp, to_phone, write_rtp_pcap
from tests.test_agent_call_webrtc import silence
from tests.test_browser_agent_first import ZH
from tests.test_siprec import metadata, multipart, offer, recording_scenario
from tests.test_taps import Pbx
from voice.audio import read_audio, write_wav
from voice.channels.audiosocket import KIND_HANGUP, message

pytestmark = [pytest.mark.models, pytest.mark.browser]

PASSWORD = "agent password 1"
TOKEN = "the PBX's token, long enough"


@contextlib.asynccontextmanager
async def alices_console(settings: Settings, runtime: Runtime, tmp_path: Path
                         ) -> AsyncIterator[tuple[web.Application, BaseTestServer, Page]]:
    """The service (its lines open) and alice logged in to its console in Chromium."""
    mic = tmp_path / "silence.wav"
    write_wav(mic, silence(2))
    Accounts(make_engine(settings.db_url)).add("alice", PASSWORD)
    app = create_app(settings, runtime)
    async with TestServer(app, host="127.0.0.1") as server, async_playwright() as pw:
        await asyncio.wait_for(app[LINES_OPEN].wait(), 120)
        browser = await chromium(pw, mic)
        try:
            yield app, server, await console(browser, str(server.make_url("/agent")),
                                             "alice", PASSWORD)
        finally:
            await browser.close()


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
    async with alices_console(settings, runtime, tmp_path) as (app, server, page):
        line = app[TAPS]["line"]

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
    record = CallRecords(make_engine(settings.db_url)).get(call_id)
    assert record is not None and record.handled_by == "alice" and record.case_number == number
    said = [t.text for t in record.transcript]
    print(f"desk-phone call: {said}")


async def test_a_siprec_recording_is_transcribed_drafted_and_filed_on_the_console(
        tmp_path: Path) -> None:
    """The same with SIPREC: SIPp as the recording client sends the recording INVITE (two
    sendonly streams, metadata naming alice) and the caller's side; the agent's side comes
    from here to the second stream's port."""
    settings = load_settings(data_dir=tmp_path / "data",
                             sip_listen=f"127.0.0.1:{free_udp_tcp_port()}",
                             rtp_ports="43100-43160")
    runtime = Runtime.from_settings(settings)
    problem = read_audio(ZH / "streetlight-01-0.wav")
    place = read_audio(ZH / "streetlight-01-1.wav")
    pcap = tmp_path / "caller.pcap"
    write_rtp_pcap(pcap, to_phone(np.concatenate([problem, silence(3.0), place, silence(2.0)])))
    async with alices_console(settings, runtime, tmp_path) as (app, _server, page):
        phone = app[CALLS]["phone"]
        sipp = asyncio.create_task(run_sipp(tmp_path / "sipp", recording_scenario(
            multipart(offer(), metadata()), pcap=pcap, hold_ms=40_000),
            ("127.0.0.1", phone.settings.port), timeout_s=90))
        await page.wait_for_selector("#active", state="visible", timeout=20_000)
        recording = next(iter(phone.recordings.sessions.values()))
        await asyncio.sleep(len(problem) / 16000 + 0.5)
        await send_rtp(recording.ports[1],
                       to_phone(np.concatenate([read_audio(ZH / "line-32.wav"), silence(1.0)])))
        assert "桌機通話" in await page.inner_text("#active-line")
        await page.wait_for_function(
            "window.agentConsole.transcript.filter(t => t.who === 'caller').length >= 2 && "
            "window.agentConsole.transcript.some(t => t.who === 'agent')", timeout=60_000)
        await page.wait_for_function(
            "document.querySelectorAll('#suggestions li').length >= 1", timeout=10_000)
        shown = await page.evaluate("window.agentConsole.transcript")
        assert await page.input_value("#f-category") == "streetlight", shown
        await page.click("#submit-case")
        await page.wait_for_function("window.agentConsole.caseNumber !== null")
        number = await page.evaluate("window.agentConsole.caseNumber")
        call = recording.call
        result = await sipp  # the recording client hangs up (BYE) after its pause
        assert result.ok, result.output + result.errors
        await page.wait_for_function("window.agentConsole.wrapUp", timeout=30_000)
    assert call is not None
    record = CallRecords(make_engine(settings.db_url)).get(call.call_id)
    assert record is not None and record.handled_by == "alice" and record.case_number == number
