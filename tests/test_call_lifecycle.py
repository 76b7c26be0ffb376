"""No offer, caller or agent can hold a line for ever, and the event loop never waits for a
dialog turn (fakes for the models; real aiortc offers on loopback)."""

from __future__ import annotations

import asyncio
import gc
import re
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from aiortc import RTCPeerConnection
from aiortc.mediastreams import AudioStreamTrack

from dialog.state import Stage
from hotline.calls import Call
from hotline.db import make_engine
from hotline.desk.auth import RateLimiter
from hotline.records import CallRecords
from tests.agent_desk import Desk, waiting_call
from tests.test_agent_console import login
from voice.channels.sdp_offer import MAX_CANDIDATES, BadOffer, check_offer
from voice.events import BotTurn
from voice.frames import FRAME_SAMPLES


async def an_offer() -> tuple[RTCPeerConnection, str]:
    """A real browser-like audio offer (the peer never completes: nobody answers it)."""
    pc = RTCPeerConnection()
    pc.addTrack(AudioStreamTrack())
    await pc.setLocalDescription(await pc.createOffer())
    return pc, pc.localDescription.sdp


def _candidates(sdp: str, n: int) -> str:
    line = "a=candidate:1 1 udp 2130706431 127.0.0.1 {port} typ host\r\n"
    extra = "".join(line.format(port=40000 + i) for i in range(n))
    return sdp.replace("a=end-of-candidates\r\n", "") .replace(
        "a=ice-ufrag", extra + "a=ice-ufrag", 1)


BROKEN: list[tuple[str, Callable[[str], str]]] = [
    ("no audio sent", lambda s: s.replace("a=sendrecv", "a=recvonly")),
    ("inactive", lambda s: s.replace("a=sendrecv", "a=inactive")),
    ("no fingerprint", lambda s: "\r\n".join(
        ln for ln in s.split("\r\n") if not ln.startswith("a=fingerprint"))),
    ("no ICE credentials", lambda s: "\r\n".join(
        ln for ln in s.split("\r\n") if not ln.startswith("a=ice-pwd"))),
    ("no codec we speak", lambda s: s.replace("opus/48000/2", "x-secret/8000").replace(
        "PCMU/8000", "x-other/8000").replace("PCMA/8000", "x-third/8000").replace(
        "G722/8000", "x-fourth/8000")),
    ("a second m-line", lambda s: s + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\n"
     "a=rtpmap:96 VP8/90000\r\na=sendrecv\r\n"),
    ("too many candidates", lambda s: _candidates(s, MAX_CANDIDATES + 5)),
    ("a line aiortc's parser chokes on", lambda s: s.replace("a=rtpmap:", "a=rtpmap:x", 1)),
    ("a bad fingerprint", lambda s: re.sub(r"a=fingerprint:sha-\d+ ", "a=fingerprint:md2 ", s)),
    ("garbage", lambda s: "m=audio nonsense\r\n" * 3),
]


async def test_every_kind_of_broken_offer_is_refused() -> None:
    pc, good = await an_offer()
    check_offer(good)  # the real offer passes
    for name, breaks in BROKEN:
        with pytest.raises(BadOffer):
            check_offer(breaks(good))
            pytest.fail(name)
    await pc.close()


async def test_bad_offers_are_400_and_never_hold_a_line(desk: Desk) -> None:
    desk.service.new_calls = RateLimiter(1000, 60.0)
    pc, good = await an_offer()
    for name, breaks in BROKEN:
        resp = await desk.client.post("/api/calls", json={"type": "offer", "sdp": breaks(good)})
        assert resp.status == 400, (name, await resp.text())
        assert "error" in await resp.json()
    # more bad offers than there are lines: a good caller still gets one
    assert desk.service.live == 0 and not desk.service.calls
    resp = await desk.client.post("/api/calls", json={"type": "offer", "sdp": good})
    assert resp.status == 200, await resp.text()
    assert desk.service.live == 1
    await desk.service.close()
    await pc.close()


async def test_a_call_whose_audio_never_comes_is_ended(desk: Desk) -> None:
    desk.service.policy.connect_timeout_s = 0.5
    pc, sdp = await an_offer()
    resp = await desk.client.post("/api/calls", json={"type": "offer", "sdp": sdp})
    assert resp.status == 200
    call = desk.service.calls[(await resp.json())["call_id"]]
    assert desk.service.live == 1
    await asyncio.wait_for(call.finished.wait(), 5)  # the caller never set the answer
    for _ in range(20):  # its tasks are stopped right after it shows ended
        if not call.tasks:
            break
        await asyncio.sleep(0.1)
    assert desk.service.live == 0 and not call.tasks
    record = CallRecords(make_engine(desk.settings.db_url)).get(call.call_id)
    assert record is not None  # even a call that never connected leaves its record
    await pc.close()


async def test_live_calls_per_address_are_limited(desk: Desk) -> None:
    desk.service.new_calls = RateLimiter(1000, 60.0)
    desk.service.policy.connect_timeout_s = 0.6
    assert desk.service.policy.calls_per_ip == 2
    peers = [await an_offer() for _ in range(3)]
    statuses = []
    for _pc, sdp in peers:
        resp = await desk.client.post("/api/calls", json={"type": "offer", "sdp": sdp})
        statuses.append(resp.status)
    assert statuses == [200, 200, 429]
    for _ in range(50):  # both time out (never connected): the address may call again
        await asyncio.sleep(0.1)
        if desk.service.live == 0:
            break
    resp = await desk.client.post("/api/calls", json={"type": "offer", "sdp": peers[2][1]})
    assert resp.status == 200
    await desk.service.close()
    for pc, _ in peers:
        await pc.close()


async def test_an_agent_offer_that_fails_leaves_the_caller_with_the_bot(desk: Desk) -> None:
    call = waiting_call(desk.service, "我要找真人")
    me = await login(desk.client)
    pc, good = await an_offer()
    for _name, breaks in BROKEN:
        resp = await desk.client.post(f"/api/agent/calls/{call.call_id}/accept", json={
            "type": "offer", "sdp": breaks(good)}, headers={"X-CSRF-Token": me["csrf"]})
        assert resp.status == 400, await resp.text()
    assert call.queued and call.agent is None and call.agent_channel is None
    assert not call.pipeline.handed_over and call.state == "waiting_agent"
    await desk.service.end(call)
    await pc.close()


async def test_an_agent_whose_line_never_comes_up_gives_the_call_back(desk: Desk) -> None:
    desk.service.policy.connect_timeout_s = 0.5
    call = waiting_call(desk.service, "我要找真人")
    me = await login(desk.client)
    pc, sdp = await an_offer()  # the agent's browser never sets the answer
    resp = await desk.client.post(f"/api/agent/calls/{call.call_id}/accept", json={
        "type": "offer", "sdp": sdp}, headers={"X-CSRF-Token": me["csrf"]})
    assert resp.status == 200 and call.state == "agent"
    for _ in range(50):
        await asyncio.sleep(0.1)
        if call.agent_left and call.manager.state.stage is Stage.OFFER_CALLBACK:
            break
    assert call.agent_left and call.state != "agent" and not call.pipeline.handed_over
    assert call.manager.state.stage is Stage.OFFER_CALLBACK  # the bot offers a call-back
    await desk.service.end(call)
    await pc.close()


async def taken_by_alice(desk: Desk) -> tuple[Call, str, dict[str, str], RTCPeerConnection]:
    """A waiting call alice accepted: the call, its API path, her CSRF header, her line."""
    call = waiting_call(desk.service, "我要找真人")
    me = await login(desk.client)
    csrf = {"X-CSRF-Token": me["csrf"]}
    pc, sdp = await an_offer()
    base = f"/api/agent/calls/{call.call_id}"
    assert (await desk.client.post(base + "/accept", json={"type": "offer", "sdp": sdp},
                                   headers=csrf)).status == 200
    return call, base, csrf, pc


async def test_one_case_per_call_updated_by_a_second_submit_and_in_wrap_up(
        desk: Desk) -> None:
    """A second Submit corrects the case (same number); after the caller hung up the agent
    still finishes it (the record gets the number), also once the call left memory; nobody
    else files it."""
    call, base, csrf, pc = await taken_by_alice(desk)
    form = {"category": "streetlight", "district": "北屯區", "description": "路燈不亮"}
    first = await desk.client.post(base + "/case", json=form, headers=csrf)
    assert first.status == 200
    number = (await first.json())["case_number"]
    again = await desk.client.post(base + "/case", json={**form, "district": "南屯區"},
                                   headers=csrf)
    assert again.status == 200 and (await again.json())["case_number"] == number
    cases = desk.service.factory.cases
    assert cases.get(number).district == "南屯區"  # type: ignore[union-attr]
    assert len([c for c in cases.list() if c.call_id == call.call_id]) == 1

    await desk.service.end(call)  # the caller hung up: wrap-up
    late = await desk.client.post(base + "/case", json={**form, "address": "崇德路100號"},
                                  headers=csrf)
    assert late.status == 200 and (await late.json())["case_number"] == number
    records = CallRecords(make_engine(desk.settings.db_url))
    assert records.get(call.call_id).case_number == number  # type: ignore[union-attr]

    # Another agent cannot; a call nobody knows is 404.
    sue = await login(desk.client, "sue")
    other = await desk.client.post(base + "/case", json=form,
                                   headers={"X-CSRF-Token": sue["csrf"]})
    assert other.status == 409
    me = await login(desk.client)
    csrf = {"X-CSRF-Token": me["csrf"]}
    assert (await desk.client.post("/api/agent/calls/00000000deadbeef/case", json=form,
                                   headers=csrf)).status == 404

    # Long after: the call left memory, its record remains and the case is still the one.
    desk.service.calls.pop(call.call_id)
    later = await desk.client.post(base + "/case", json={**form, "description": "三天了"},
                                   headers=csrf)
    assert later.status == 200 and (await later.json())["case_number"] == number
    assert cases.get(number).description == "三天了"  # type: ignore[union-attr]
    await pc.close()


async def test_a_case_filed_while_the_record_is_kept_reaches_the_record(desk: Desk) -> None:
    """The caller hangs up while the agent submits: whichever comes first, the record gets
    the case number."""
    call, base, csrf, pc = await taken_by_alice(desk)
    form = {"category": "noise", "district": "北區", "description": "施工噪音"}
    filed, _ = await asyncio.gather(desk.client.post(base + "/case", json=form, headers=csrf),
                                    desk.service.end(call))
    assert filed.status == 200
    number = (await filed.json())["case_number"]
    records = CallRecords(make_engine(desk.settings.db_url))
    assert records.get(call.call_id).case_number == number  # type: ignore[union-attr]
    await pc.close()


async def test_the_event_loop_never_waits_for_a_dialog_turn(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """While one call's turn holds the dialog for 2 s (an LLM thinking), the loop goes on:
    that call's hold messages and what-was-heard lines, other requests, /healthz."""
    desk.service.policy.hold_message_s = 0.2
    call = waiting_call(desk.service, "我要找真人")
    handle = call.manager.handle

    def thinking(text: str, **kwargs: Any) -> Any:
        time.sleep(2.0)
        return handle(text, **kwargs)

    monkeypatch.setattr(call.manager, "handle", thinking)
    call.brain.with_agent = None
    turn = asyncio.create_task(asyncio.to_thread(call.brain.respond, "請問還要等多久", 0.9))
    await asyncio.sleep(0.1)
    assert call.brain.lock.locked()  # the turn is thinking
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.monotonic()
        while not turn.done():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    gc.collect()  # what is measured is waiting for the dialog, not a garbage collection
    gc.disable()
    ticking = asyncio.create_task(ticker())
    attendant = asyncio.create_task(desk.service.attendant(call).run())
    call.brain.heard(BotTurn(("您還在線上嗎？",), "zh"), "您還在線上嗎？", False)
    for _ in range(5):
        assert (await desk.client.get("/healthz")).status in (200, 503)
        await asyncio.sleep(0.2)
    await turn
    await ticking
    gc.enable()
    assert max(gaps) < 0.1, f"the loop stalled {max(gaps) * 1000:.0f} ms"
    await asyncio.sleep(0.3)  # the deferred line is written once the turn is done
    said = [t.text for t in call.manager.state.transcript if t.who == "bot"]
    assert "您還在線上嗎？" in said
    attendant.cancel()
    await desk.service.end(call)


async def test_caller_audio_is_never_held_up_by_a_stalled_pipeline(desk: Desk) -> None:
    call = waiting_call(desk.service, "我要找真人")
    pipeline = call.pipeline  # not running: nothing takes its frames
    audio = np.zeros(FRAME_SAMPLES * 600, np.int16)
    started = time.monotonic()
    pipeline.offer(audio)  # 12 s of audio into a 10 s queue
    pipeline.end_of_input_nowait()
    assert time.monotonic() - started < 0.5
    assert pipeline.stats.dropped_frames == 101  # the oldest went, the end was kept
    await desk.service.end(call)
