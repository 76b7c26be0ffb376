"""The agent console in Chromium with fakes for the models (fast): the queue as agents see
it, the supervisor's view, log in and out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from playwright.async_api import async_playwright

from tests.agent_desk import PASSWORD, Desk, waiting_call
from tests.browser import chromium
from voice.audio import write_wav

pytestmark = pytest.mark.browser


async def test_supervisor_sees_the_queue_and_the_overview(desk: Desk, tmp_path: Path) -> None:
    waiting_call(desk.service, "南屯區公益路二段有坑洞", "我要找真人", waited=75)
    waiting_call(desk.service, "我爸爸昏倒了沒有呼吸", waited=3)
    mic = tmp_path / "silence.wav"
    write_wav(mic, np.zeros(16000 * 2, np.int16))
    async with async_playwright() as pw:
        browser = await chromium(pw, mic)
        page = await browser.new_page()
        await page.goto(str(desk.client.make_url("/agent")))
        assert await page.is_visible("#login") and not await page.is_visible("#desk")
        await page.fill("#name", "sue")
        await page.fill("#password", PASSWORD)
        await page.click("#login button[type=submit]")
        await page.wait_for_function("window.agentConsole.queue.length === 2")
        assert not await page.is_visible("#login")  # the form goes once logged in
        items = page.locator("#queue li")
        assert await items.count() == 2
        first, second = await items.nth(0).inner_text(), await items.nth(1).inner_text()
        assert "緊急 119" in first and "機器人已轉介緊急專線" in first  # emergencies first
        assert await items.nth(0).get_attribute("class") == "emergency"
        assert "來電者要求專人" in second and "等候 1:1" in second  # 75 s and counting
        assert "南屯區" in second
        await page.wait_for_function(
            "document.getElementById('overview-figures').textContent.includes('等候 2')")
        assert await page.is_visible("#supervisor")
        assert await page.locator("#live-calls tbody tr").count() == 2
        await page.click("#logout")
        await page.wait_for_function("!window.agentConsole.loggedIn")
        assert await page.is_visible("#login") and not await page.is_visible("#desk")
        await page.reload()  # the session is gone on the server too
        await page.wait_for_selector("#login", state="visible")
        assert not await page.is_visible("#desk")

        agent_page = await (await browser.new_context()).new_page()
        await agent_page.goto(str(desk.client.make_url("/agent")))
        await agent_page.fill("#name", "alice")
        await agent_page.fill("#password", PASSWORD)
        await agent_page.click("#login button[type=submit]")
        await agent_page.wait_for_function("window.agentConsole.queue.length === 2")
        assert not await agent_page.is_visible("#supervisor")  # agents: no overview
        await browser.close()
