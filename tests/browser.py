"""Headless Debian Chromium for the browser tests, with a WAV file as its microphone."""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.async_api import Browser, Page, Playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


async def chromium(pw: Playwright, mic: Path) -> Browser:
    """The WAV must end with ≥ 1 s of silence: Chromium repeats its last 10 ms forever."""
    return await pw.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={mic}", "--autoplay-policy=no-user-gesture-required",
    ])


async def console(browser: Browser, url: str, name: str, password: str) -> Page:
    """The agent console at ``url``, logged in as ``name``, on a 1366×768 screen."""
    page = await browser.new_page(viewport={"width": 1366, "height": 768})
    await page.goto(url)
    await page.fill("#name", name)
    await page.fill("#password", password)
    await page.click("#login button[type=submit]")
    await page.wait_for_function("window.agentConsole.loggedIn", timeout=10_000)
    return page
