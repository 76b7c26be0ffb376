"""A real WebRTC call from an aiortc client to `hotline serve`'s call API, on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame

from hotline.config import load_settings
from hotline.db import make_engine
from hotline.records import CallRecords
from hotline.runtime import Runtime
from hotline.server import CALLS, LINES_OPEN, create_app
from voice.audio import write_wav
from voice.frames import SAMPLE_RATE

pytestmark = pytest.mark.models


async def _ready(app: web.Application) -> None:
    """Models load in the background; the lines open after."""
    await asyncio.wait_for(app[LINES_OPEN].wait(), 120)


async def _receive(track: MediaStreamTrack, heard: dict[str, Any]) -> None:
    try:
        while True:
            frame = await track.recv()
            if isinstance(frame, AudioFrame) and np.abs(frame.to_ndarray()).max() > 500:
                heard.setdefault("first_audio", time.monotonic())
                heard["frames"] = heard.get("frames", 0) + 1
    except MediaStreamError:
        pass


async def poll_state(http: ClientSession, url: str, auth: dict[str, str], want: str,
                     within: float) -> dict[str, Any]:
    """``GET /api/calls/{id}`` until the call is in state ``want`` (or time is up)."""
    deadline = time.monotonic() + within
    while True:
        async with http.get(url, headers=auth) as resp:
            state: dict[str, Any] = await resp.json()
        if state["state"] == want or time.monotonic() > deadline:
            return state
        await asyncio.sleep(0.25)


async def test_call_api_with_an_aiortc_client(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data")
    runtime = Runtime.from_settings(settings)
    assert runtime.tts_en is not None
    line = runtime.tts_en.synthesize("Hello, I want to talk to a real person please.").pcm
    caller = tmp_path / "caller.wav"
    write_wav(caller, np.concatenate([np.zeros(SAMPLE_RATE * 4, np.int16), line,
                                      np.zeros(SAMPLE_RATE * 8, np.int16)]))
    app = create_app(settings, runtime)
    async with TestServer(app, host="127.0.0.1") as server, ClientSession() as http:
        await _ready(app)
        url = str(server.make_url("/api/calls"))
        # bad input first: the server answers 400 and keeps serving
        async with http.post(url, data=b"{not json",
                             headers={"Content-Type": "application/json"}) as resp:
            assert resp.status == 400 and "error" in await resp.json()
        async with http.post(url, json={"type": "offer", "sdp": "v=0"}) as resp:
            assert resp.status == 400

        pc = RTCPeerConnection()
        player = MediaPlayer(str(caller))
        assert player.audio is not None
        pc.addTrack(player.audio)
        heard: dict[str, Any] = {}
        tasks: list[asyncio.Task[None]] = []

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            tasks.append(asyncio.create_task(_receive(track, heard)))

        await pc.setLocalDescription(await pc.createOffer())
        started = time.monotonic()
        async with http.post(url, json={"sdp": pc.localDescription.sdp,
                                        "type": pc.localDescription.type}) as resp:
            assert resp.status == 200, await resp.text()
            answer = await resp.json()
        offer_to_answer = time.monotonic() - started
        assert set(answer) == {"sdp", "type", "call_id", "token"} and answer["type"] == "answer"
        await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))
        connected = time.monotonic()

        status_url = str(server.make_url(f"/api/calls/{answer['call_id']}"))
        auth = {"Authorization": f"Bearer {answer['token']}"}
        async with http.get(status_url) as resp:
            assert resp.status == 401
        state = await poll_state(http, status_url, auth, "waiting_agent", 60)
        print(f"offer→answer {offer_to_answer * 1000:.0f} ms; greeting heard "
              f"{(heard.get('first_audio', 0) - connected) * 1000:.0f} ms after connect")
        assert "first_audio" in heard  # the greeting reached the caller
        assert state["state"] == "waiting_agent" and state["outcome"] == "escalated", state
        said = [t["text"].lower() for t in state["transcript"] if t["who"] == "caller"]
        assert any("person" in s for s in said), state["transcript"]

        await pc.close()  # the caller hangs up
        state = await poll_state(http, status_url, auth, "ended", 20)
        assert state["state"] == "ended"
        call = app[CALLS]["service"].calls[answer["call_id"]]
        await asyncio.sleep(0.5)
        assert all(t.done() for t in call.tasks)
        for task in tasks:
            task.cancel()
        # the call's record is in the database: both sides, with timestamps
        kept = CallRecords(make_engine(settings.db_url)).get(answer["call_id"])
        assert kept is not None and kept.outcome == "escalated"
        assert kept.handoff_reason == "caller_request" and kept.handled_by == "bot"
        assert {t.who for t in kept.transcript} == {"bot", "caller"}
        assert all(isinstance(t.t, float) for t in kept.transcript)


async def test_at_capacity_the_caller_hears_lines_are_busy(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", max_calls=1)
    app = create_app(settings, Runtime.from_settings(settings))
    async with TestServer(app, host="127.0.0.1") as server, ClientSession() as http:
        await _ready(app)
        url = str(server.make_url("/api/calls"))
        answers: list[dict[str, Any]] = []
        pcs: list[RTCPeerConnection] = []
        heard: list[dict[str, Any]] = [{}, {}]
        for i in range(2):
            pc = RTCPeerConnection()
            pc.addTransceiver("audio", direction="sendrecv")
            pc.on("track", lambda track, i=i: asyncio.ensure_future(_receive(track, heard[i])))
            await pc.setLocalDescription(await pc.createOffer())
            async with http.post(url, json={"sdp": pc.localDescription.sdp,
                                            "type": "offer"}) as resp:
                assert resp.status == 200  # never a dead line
                answers.append(await resp.json())
            await pc.setRemoteDescription(RTCSessionDescription(answers[-1]["sdp"], "answer"))
            pcs.append(pc)
        busy = app[CALLS]["service"].calls[answers[1]["call_id"]]
        await asyncio.wait_for(busy.finished.wait(), 30)
        assert heard[1].get("frames", 0) > 50  # the busy message was heard
        said = [t.text for t in busy.manager.state.transcript if t.who == "bot"]
        assert any("忙碌" in s for s in said) and any("busy" in s for s in said)
        assert not app[CALLS]["service"].calls[answers[0]["call_id"]].ended
        for pc in pcs:
            await pc.close()
