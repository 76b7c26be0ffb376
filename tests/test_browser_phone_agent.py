"""A phone caller (SIPp, G.711) presses 0; an agent in headless Chromium sees the phone call
(with its number) in the queue, accepts it, and they talk: the caller's voice reaches the
agent's browser and is transcribed in the assist pane, the agent's voice goes down the phone
line; the agent ends the call and the phone hears BYE."""

from __future__ import annotations

import asyncio
import time
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
from tests.sip_peers import (
    DTMF_PCAPS,
    Step,
    free_port,
    free_udp_tcp_port,
    pause,
    play,
    rtp_receiver,
    run_sipp,
    to_phone,
    uac_scenario,
    write_rtp_pcap,
)
from voice.audio import write_wav
from voice.frames import SAMPLE_RATE, Pcm

pytestmark = [pytest.mark.models, pytest.mark.browser]

PASSWORD = "agent password 1"
NUMBER = "0422289111"


def silence(seconds: float) -> Pcm:
    return np.zeros(int(seconds * SAMPLE_RATE), np.int16)


async def test_a_phone_caller_talks_with_an_agent_in_the_browser(tmp_path: Path) -> None:
    sip = free_udp_tcp_port()
    settings = load_settings(data_dir=tmp_path / "data", sip_listen=f"127.0.0.1:{sip}",
                             rtp_ports="45600-45639")
    runtime = Runtime.from_settings(settings)
    assert runtime.tts_en is not None
    say = runtime.tts_en.synthesize
    problem = say("The lamp post in front of my house is broken, the streetlight is out.").pcm
    pcap = tmp_path / "problem.pcap"
    write_rtp_pcap(pcap, to_phone(problem))
    agent_mic = tmp_path / "agent.wav"
    write_wav(agent_mic, np.concatenate([silence(2), say("Hello, this is the city hotline. "
                                                         "How can I help you?").pcm,
                                         silence(40)]))
    Accounts(make_engine(settings.db_url)).add("alice", PASSWORD)
    app = create_app(settings, runtime)
    rx = free_port()
    transport, heard = await rtp_receiver(rx)
    async with TestServer(app, host="127.0.0.1") as server, async_playwright() as pw:
        await asyncio.wait_for(app[LINES_OPEN].wait(), 120)
        agent_browser = await chromium(pw, agent_mic)
        agent = await agent_browser.new_page()
        await agent.goto(str(server.make_url("/agent")))
        await agent.fill("#name", "alice")
        await agent.fill("#password", PASSWORD)
        await agent.click("#login button[type=submit]")
        await agent.wait_for_function("window.agentConsole.loggedIn", timeout=10_000)
        # the caller presses 0, waits, describes the problem once someone is there
        scenario = uac_scenario([pause(1500), play(DTMF_PCAPS / "dtmf_2833_0.pcap", 200),
                                 pause(16000), play(pcap, int(len(problem) / 16) + 500),
                                 Step("expect_bye")], rx_port=rx, pai=NUMBER)
        phone = asyncio.create_task(run_sipp(tmp_path / "sipp", scenario, ("127.0.0.1", sip),
                                             timeout_s=120))
        await agent.wait_for_function("window.agentConsole.queue.length > 0", timeout=30_000)
        queued = await agent.inner_text("#queue")
        assert "來電者要求專人" in queued and f"電話來電 {NUMBER}" in queued
        await agent.click("#queue button")
        accepted = time.monotonic()
        await agent.wait_for_function("window.agentConsole.callerHeardAt !== null",
                                      timeout=40_000)
        heard_line = ("window.agentConsole.transcript.find(t => t.who === 'caller' && "
                      "/light|lamp/.test(t.text.toLowerCase()))")
        try:
            await agent.wait_for_function(f"{heard_line} !== undefined", timeout=40_000)
        except PlaywrightTimeout as exc:
            shown = await agent.evaluate("window.agentConsole.transcript")
            raise AssertionError(f"the caller's line is not in the assist pane: {shown}") from exc
        assert f"電話來電 {NUMBER}" in await agent.inner_text("#active-line")
        await agent.click("#end")
        result = await phone
        call = next(iter(app[CALLS]["service"].calls.values()))
        await asyncio.wait_for(call.finished.wait(), 10)
        await agent_browser.close()
    transport.close()
    assert result.ok, result.output + result.errors  # the phone heard the agent's BYE
    # the agent's voice came down the phone line after the accept
    assert heard.voiced_seconds(after=accepted) > 1.0
    record = CallRecords(make_engine(settings.db_url)).get(call.call_id)
    assert record is not None and record.handled_by == "alice"
    assert any(t.who == "agent" for t in record.transcript)
