"""The agent console in Chromium with fakes for the models (fast): the queue as agents see
it, the supervisor's view, log in and out; a busy shift: a hang-up mid-typing keeps the draft
(wrap-up), Enter never files, a second Submit updates the one case, the actions stay in view on
a 1366×768 screen, a new call shows in the tab title."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
from playwright.async_api import Browser, Dialog, Page, async_playwright

from hotline.db import make_engine
from hotline.records import CallRecords
from tests.agent_desk import PASSWORD, Desk, waiting_call
from tests.browser import chromium, console
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
        overview = await page.inner_text("#supervisor")  # words, not codes
        assert "等候專人" in overview and "waiting_agent" not in overview
        assert "sue（督導）" in await page.inner_text("#agents")
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


async def logged_in(browser: Browser, desk: Desk, name: str = "alice") -> Page:
    return await console(browser, str(desk.client.make_url("/agent")), name, PASSWORD)


async def accepted(page: Page) -> None:
    await page.wait_for_function("window.agentConsole.queue.length > 0")
    await page.click("#queue button")
    await page.wait_for_selector("#active", state="visible")
    await page.wait_for_function("window.agentConsole.transcript.length > 0")


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Browser]:
    mic = tmp_path / "silence.wav"
    write_wav(mic, np.zeros(16000 * 2, np.int16))
    async with async_playwright() as pw:
        launched = await chromium(pw, mic)
        yield launched
        await launched.close()


async def test_a_hang_up_mid_typing_keeps_the_draft_and_enter_never_submits(
        desk: Desk, browser: Browser) -> None:
    call = waiting_call(desk.service, "北屯區崇德路二段的路燈不亮", "我要找真人")
    page = await logged_in(browser, desk)
    await accepted(page)
    # the bot's draft is there, marked as the bot's until the agent touches it
    assert await page.input_value("#f-category") == "streetlight"
    assert "unconfirmed" in (await page.get_attribute("label:has(#f-category)", "class") or "")
    await page.fill("#f-address", "崇德路二段100號")
    await page.press("#f-address", "Enter")
    await page.fill("#f-description", "路燈不亮三天，晚上很暗")
    await page.press("#f-phone", "Enter")
    await asyncio.sleep(0.5)
    assert await page.evaluate("window.agentConsole.submits") == 0  # Enter filed nothing
    assert call.dialog.case_number is None

    await desk.service.end(call)  # the caller hangs up mid-typing
    await page.wait_for_function("window.agentConsole.wrapUp")
    assert await page.is_visible("#active")  # the pane stays, with what was typed
    assert await page.input_value("#f-description") == "路燈不亮三天，晚上很暗"
    assert "wrap-up" in await page.inner_text("#active-state")
    await page.click("#submit-case")
    await page.wait_for_function("window.agentConsole.caseNumber !== null")
    number = await page.evaluate("window.agentConsole.caseNumber")
    assert "更新案件" in await page.inner_text("#submit-case")
    await page.select_option("#f-district", "北區")
    await page.click("#submit-case")  # a second Submit corrects the same case
    await page.wait_for_function("window.agentConsole.submits === 2")
    await page.wait_for_function(
        f"document.getElementById('case-result').textContent.includes('{number}')")
    filed = [c for c in desk.service.factory.cases.list() if c.call_id == call.call_id]
    assert len(filed) == 1 and filed[0].number == number and filed[0].district == "北區"
    assert filed[0].address == "崇德路二段100號" and not filed[0].created_by_bot
    record = CallRecords(make_engine(desk.settings.db_url)).get(call.call_id)
    assert record is not None and record.case_number == number
    await page.click("#end")  # close: filed, so nothing to ask
    await page.wait_for_selector("#active", state="hidden")


async def test_closing_a_wrap_up_without_a_case_asks_first(desk: Desk, browser: Browser) -> None:
    call = waiting_call(desk.service, "我要找真人")
    page = await logged_in(browser, desk)
    await accepted(page)
    await page.fill("#f-description", "還沒打完的")
    asked: list[str] = []

    async def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        await (dialog.dismiss() if len(asked) == 1 else dialog.accept())

    page.on("dialog", answer)
    await page.click("#end")  # ends the call: the pane stays for the wrap-up
    await page.wait_for_function("window.agentConsole.wrapUp")
    await asyncio.wait_for(call.finished.wait(), 5)
    await page.click("#end")  # close? no: the draft stays
    await page.wait_for_function("window.agentConsole.wrapUp")
    assert len(asked) == 1 and "尚未送出" in asked[0] and await page.is_visible("#active")
    await page.click("#end")  # close? yes
    await page.wait_for_selector("#active", state="hidden")
    assert len(asked) == 2 and call.dialog.case_number is None


async def test_on_a_small_screen_submit_and_end_stay_in_view(
        desk: Desk, browser: Browser, tmp_path: Path) -> None:
    """1366×768, a long call and a long queue: the actions never fall below the fold."""
    lines = [f"我要反映一下，第{i}次打來了，西屯區台灣大道三段的路燈還是不亮" for i in range(12)]
    waiting_call(desk.service, *lines, "我要找真人", waited=100)
    for i in range(6):
        waiting_call(desk.service, f"南屯區公益路二段{i + 1}號前面有坑洞", "我要找真人",
                     waited=10 * i)
    page = await logged_in(browser, desk)
    await page.wait_for_function("window.agentConsole.queue.length === 7")
    # the longest waiting is first: the long call
    await accepted(page)
    await page.wait_for_function("window.agentConsole.transcript.length > 20")
    for selector in ("#submit-case", "#end", "#mute", "#hold", "#f-description"):
        box = await page.locator(selector).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 768, selector
        assert box["x"] + box["width"] <= 1366, selector
    queue = await page.locator("#queue-panel").bounding_box()
    active = await page.locator("#active").bounding_box()
    assert queue is not None and active is not None
    assert queue["x"] > active["x"] + active["width"] - 1  # the queue is a strip beside it
    text = await page.inner_text("#active")
    assert "streetlight" not in text and "waiting_agent" not in text  # words, not codes
    assert "路燈" in await page.inner_text("#active-want")
    await page.screenshot(path=str(tmp_path / "console-1366x768.png"))


async def test_a_new_call_shows_in_the_title_and_alt_a_accepts_it(
        desk: Desk, browser: Browser) -> None:
    page = await logged_in(browser, desk)
    assert not (await page.title()).startswith("(")
    waiting_call(desk.service, "大里區中興路一段的紅綠燈壞了", "我要找真人")
    await page.wait_for_function("window.agentConsole.alerts === 1")
    assert (await page.title()).startswith("(1)")
    card = await page.inner_text("#queue li")
    assert "交通號誌" in card or "紅綠燈" in card
    await page.keyboard.press("Alt+A")
    await page.wait_for_selector("#active", state="visible")
    await page.wait_for_function("window.agentConsole.queue.length === 0")
    assert not (await page.title()).startswith("(")


async def test_the_pane_searches_the_knowledge_base_and_follows_the_agents_category(
        desk: Desk, browser: Browser) -> None:
    call = waiting_call(desk.service, "我要找真人")
    page = await logged_in(browser, desk)
    await accepted(page)
    await page.select_option("#f-category", "streetlight")  # the agent decides what it is
    await page.wait_for_function(
        "window.agentConsole.suggestions.some(s => (s.kb_id || '').includes('streetlight'))")
    await page.click("#suggestions li")  # copied and counted as used
    await page.wait_for_function("window.agentConsole.used.length === 1")
    assert call.suggestions_used and "streetlight" in call.suggestions_used[0]
    await page.keyboard.press("Alt+K")
    await page.keyboard.type("停水")
    await page.keyboard.press("Enter")
    await page.wait_for_function("window.agentConsole.kbResults.length > 0")
    assert "1910" in await page.inner_text("#kb-results")
    assert await page.evaluate("window.agentConsole.submits") == 0  # the search filed nothing
