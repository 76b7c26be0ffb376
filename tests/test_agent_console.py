"""The agent console's API with fakes for the models: sessions, CSRF, limits, the queue,
accept (a real aiortc offer on loopback), the agent's case, the supervisor's view."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from aiortc import RTCPeerConnection
from aiortc.mediastreams import AudioStreamTrack

from dialog.state import Stage
from hotline.db import make_engine
from hotline.desk.accounts import Accounts
from hotline.desk.api import DESK
from hotline.records import CallRecords
from hotline.sse import STREAMS
from tests.agent_desk import PASSWORD, Client, Desk, waiting_call
from tests.fakes import wait_until


async def login(client: Client, name: str = "alice") -> dict[str, Any]:
    resp = await client.post("/api/agent/login", json={"name": name, "password": PASSWORD})
    assert resp.status == 200, await resp.text()
    body: dict[str, Any] = await resp.json()
    return body


async def first_event(client: Client) -> dict[str, Any]:
    resp = await client.get("/api/agent/events")
    assert resp.status == 200 and resp.headers["Content-Type"] == "text/event-stream"
    line = await asyncio.wait_for(resp.content.readline(), 5)
    resp.close()
    assert line.startswith(b"data: ")
    data: dict[str, Any] = json.loads(line[6:])
    return data


ROUTES = [("GET", "/api/agent/me"), ("GET", "/api/agent/events"),
          ("GET", "/api/agent/overview"), ("POST", "/api/agent/logout"),
          ("POST", "/api/agent/calls/x/accept"), ("POST", "/api/agent/calls/x/case"),
          ("POST", "/api/agent/calls/x/end"), ("GET", "/api/agent/calls/x")]


async def test_every_agent_route_needs_a_session(desk: Desk) -> None:
    for method, path in ROUTES:
        resp = await desk.client.request(method, path, json={})
        assert resp.status == 401, (method, path)
        assert "error" in await resp.json()
    forged = {"Cookie": "hotline_session=not-a-session"}
    assert (await desk.client.get("/api/agent/me", headers=forged)).status == 401


async def test_login_cookie_is_httponly_strict_and_changes_need_the_csrf_token(
        desk: Desk) -> None:
    resp = await desk.client.post("/api/agent/login",
                                  json={"name": "alice", "password": "wrong password!"})
    assert resp.status == 401
    resp = await desk.client.post("/api/agent/login", json={"name": "alice",
                                                            "password": PASSWORD})
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    me = await resp.json()
    assert me["role"] == "agent" and me["csrf"] and PASSWORD not in json.dumps(me)
    assert (await desk.client.get("/api/agent/me")).status == 200
    call = waiting_call(desk.service, "我要找真人")
    url = f"/api/agent/calls/{call.call_id}/end"
    assert (await desk.client.post(url, json={})).status == 403
    assert (await desk.client.post(url, json={}, headers={"X-CSRF-Token": "x"})).status == 403
    resp = await desk.client.post("/api/agent/logout", json={},
                                  headers={"X-CSRF-Token": me["csrf"]})
    assert resp.status == 200
    assert (await desk.client.get("/api/agent/me")).status == 401


async def test_no_password_or_session_in_the_logs(desk: Desk,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await desk.client.post("/api/agent/login", json={"name": "alice", "password": "typo pw 1"})
    resp = await desk.client.post("/api/agent/login", json={"name": "alice",
                                                            "password": PASSWORD})
    token = resp.cookies["hotline_session"].value
    assert "typo pw 1" not in caplog.text and PASSWORD not in caplog.text
    assert token not in caplog.text and "logged in" in caplog.text


async def test_logins_are_rate_limited_per_address(desk: Desk) -> None:
    for _ in range(5):
        resp = await desk.client.post("/api/agent/login",
                                      json={"name": "alice", "password": "guess guess"})
        assert resp.status == 401
    resp = await desk.client.post("/api/agent/login", json={"name": "alice",
                                                            "password": PASSWORD})
    assert resp.status == 429  # even the right password, until the minute is over
    assert (await desk.client.post("/api/agent/login", data=b"{")).status == 429


async def test_bad_login_bodies_are_400(desk: Desk) -> None:
    for body in (b"not json", b"[1]", b'{"name": 1, "password": "x"}'):
        resp = await desk.client.post("/api/agent/login", data=body,
                                      headers={"Content-Type": "application/json"})
        assert resp.status == 400 and "error" in await resp.json()


async def test_the_queue_shows_emergencies_first_then_the_longest_wait(desk: Desk) -> None:
    long_wait = waiting_call(desk.service, "南屯區公益路二段有坑洞", "我要找真人", waited=90)
    newer = waiting_call(desk.service, "我要找真人", waited=10)
    urgent = waiting_call(desk.service, "我爸爸昏倒了沒有呼吸", waited=1)
    await login(desk.client)
    event = await first_event(desk.client)
    order = [c["call_id"] for c in event["queue"]]
    assert order == [urgent.call_id, long_wait.call_id, newer.call_id]
    entry = event["queue"][1]
    assert entry["reason"] == "caller_request" and entry["waiting_s"] >= 90
    assert entry["fields"]["district"] == "南屯區" and "坑洞" in entry["summary"] + \
        json.dumps(entry["fields"], ensure_ascii=False)
    assert event["queue"][0]["emergency"] == "119"
    assert "overview" not in event  # agents do not get the supervisor's view


async def test_accept_file_a_case_and_end(desk: Desk, tmp_path: Path) -> None:
    call = waiting_call(desk.service, "我家門口的路燈壞了，在北屯區崇德路二段", "我要找真人")
    me = await login(desk.client)
    csrf = {"X-CSRF-Token": me["csrf"]}
    agent_pc = RTCPeerConnection()
    agent_pc.addTrack(AudioStreamTrack())
    await agent_pc.setLocalDescription(await agent_pc.createOffer())
    offer = {"sdp": agent_pc.localDescription.sdp, "type": "offer"}
    base = f"/api/agent/calls/{call.call_id}"
    assert (await desk.client.post(base + "/accept", json={"sdp": "v=0"},
                                   headers=csrf)).status == 400
    resp = await desk.client.post(base + "/accept", json=offer, headers=csrf)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["type"] == "answer" and "m=audio" in body["sdp"]
    assert body["call"]["state"] == "agent"
    assert body["call"]["suggestions"] and all("text" in s for s in body["call"]["suggestions"])
    assert call.pipeline.handed_over and call.state == "agent"
    again = await desk.client.post(base + "/accept", json=offer, headers=csrf)
    assert again.status == 409  # taken
    event = await first_event(desk.client)
    assert event["queue"] == [] and event["mine"][0]["call_id"] == call.call_id
    bad = await desk.client.post(base + "/case", json={"category": "ufo"}, headers=csrf)
    assert bad.status == 400 and "category" in (await bad.json())["error"]
    form = {"category": "streetlight", "district": "北屯區", "address": "崇德路二段100號",
            "description": "路燈不亮三天", "phone": "0912345678"}
    resp = await desk.client.post(base + "/case", json=form, headers=csrf)
    assert resp.status == 200
    number = (await resp.json())["case_number"]
    case = desk.service.factory.cases.get(number)
    assert case is not None and not case.created_by_bot
    assert case.review_status == "filed_by_agent" and case.details["handled_by"] == "alice"
    assert case.address == "崇德路二段100號" and case.transcript
    resp = await desk.client.post(base + "/end", json={}, headers=csrf)
    assert (await resp.json())["state"] == "ended"
    assert call.call_id in desk.service.calls  # for a while: the caller's page may still ask
    record = CallRecords(make_engine(desk.settings.db_url)).get(call.call_id)
    assert record is not None and record.handled_by == "alice"
    assert record.case_number == number
    await agent_pc.close()


async def test_only_supervisors_get_the_overview(desk: Desk) -> None:
    waiting_call(desk.service, "我要找真人", waited=30)
    await login(desk.client)
    assert (await desk.client.get("/api/agent/overview")).status == 403
    await login(desk.client, "sue")
    resp = await desk.client.get("/api/agent/overview")
    view = await resp.json()
    assert view["queue_length"] == 1 and view["longest_wait_s"] >= 30
    assert len(view["live_calls"]) == 1 and "outcomes_today" in view
    assert "overview" in await first_event(desk.client)


async def test_the_overview_shows_who_is_on_a_call_and_cases_agents_filed(desk: Desk) -> None:
    call = waiting_call(desk.service, "我要找真人")
    me = await login(desk.client)
    csrf = {"X-CSRF-Token": me["csrf"]}
    agent_pc = RTCPeerConnection()
    agent_pc.addTrack(AudioStreamTrack())
    await agent_pc.setLocalDescription(await agent_pc.createOffer())
    base = f"/api/agent/calls/{call.call_id}"
    assert (await desk.client.post(base + "/accept", headers=csrf, json={
        "sdp": agent_pc.localDescription.sdp, "type": "offer"})).status == 200
    assert (await desk.client.post(base + "/case", headers=csrf, json={
        "category": "noise", "district": "北區", "description": "工地清晨施工"})).status == 200
    await login(desk.client, "sue")
    view = await (await desk.client.get("/api/agent/overview")).json()
    staff = {a["name"]: a for a in view["agents"]}
    assert staff["alice"]["state"] == "on_call" and staff["alice"]["call_id"] == call.call_id
    assert staff["sue"]["state"] == "available" and staff["sue"]["role"] == "supervisor"
    await desk.service.end(call)
    desk.client.app[DESK]._today = (0.0, {})  # (today's outcomes are re-read every 5 s)
    view = await (await desk.client.get("/api/agent/overview")).json()
    assert view["outcomes_today"].get("filed_by_agent") == 1  # not "escalated"
    assert "escalated" not in view["outcomes_today"]
    assert {a["name"]: a["state"] for a in view["agents"]}["alice"] == "available"
    await agent_pc.close()


async def test_new_calls_are_rate_limited_per_address(desk: Desk) -> None:
    statuses = [(await desk.client.post("/api/calls", data=b"{bad", headers={
        "Content-Type": "application/json"})).status for _ in range(4)]
    assert statuses == [400, 400, 400, 429]


async def test_with_recording_on_the_caller_is_told_and_both_sides_are_kept(
        desk: Desk, tmp_path: Path) -> None:
    import wave

    from aiortc import RTCSessionDescription
    from aiortc.contrib.media import MediaPlayer

    from tests.fakes import vowel
    from voice.audio import write_wav

    desk.service.policy.recordings = tmp_path / "recordings"
    mic = tmp_path / "mic.wav"
    write_wav(mic, vowel(3.0))
    citizen = RTCPeerConnection()
    player = MediaPlayer(str(mic))
    assert player.audio is not None
    citizen.addTrack(player.audio)
    await citizen.setLocalDescription(await citizen.createOffer())
    call, answer = await desk.service.answer(
        RTCSessionDescription(citizen.localDescription.sdp, "offer"))
    await citizen.setRemoteDescription(answer)
    await asyncio.sleep(4.0)
    await desk.service.end(call)
    await citizen.close()
    assert call.brain.recording  # the greeting says so (tested with the dialog manager)
    assert call.recorder is not None
    caller_wav, line_wav = call.recorder.paths
    for path in (caller_wav, line_wav):
        with wave.open(str(path)) as wav:
            assert wav.getframerate() == 16000 and wav.getnframes() > 16000, path
    with wave.open(str(caller_wav)) as wav:
        assert np.abs(np.frombuffer(wav.readframes(wav.getnframes()), np.int16)).max() > 1000


async def test_oversized_or_unknown_requests_get_json_errors(desk: Desk) -> None:
    big = b"{" + b" " * (2 << 20) + b"}"
    for path in ("/api/calls", "/api/agent/login"):
        resp = await desk.client.post(path, data=big,
                                      headers={"Content-Type": "application/json"})
        assert resp.status == 413 and "error" in await resp.json(), path
    resp = await desk.client.get("/api/nothing-here")
    assert resp.status == 404 and "error" in await resp.json()
    assert (await desk.client.get("/healthz")).status in (200, 503)  # still serving


async def test_captions_are_pushed_to_the_callers_page_as_they_change(desk: Desk) -> None:
    call = waiting_call(desk.service, "我要找真人")
    call.brain.on_change = desk.service.notify
    url = f"/api/calls/{call.call_id}/events"
    assert (await desk.client.get(url)).status == 401
    resp = await desk.client.get(url, headers={"Authorization": "Bearer token"})
    assert resp.headers["Content-Type"] == "text/event-stream"

    async def next_event() -> dict[str, Any]:
        line = b""
        while not line.startswith(b"data: "):
            line = await asyncio.wait_for(resp.content.readline(), 2.0)  # < the 5 s tick
        event: dict[str, Any] = json.loads(line[6:])
        return event

    first = await next_event()
    assert first["state"] == "waiting_agent"
    call.brain.record("agent", "您好，我是專人")
    pushed = await next_event()  # at once: right after the first event was sent
    assert pushed["transcript"][-1]["who"] == "agent"
    assert pushed["transcript"][-1]["text"].replace(",", "，") == "您好，我是專人"
    await desk.service.end(call)
    assert (await next_event())["state"] == "ended"
    rest = await asyncio.wait_for(resp.content.read(), 2.0)  # to the end of the stream
    assert rest.strip() == b""


async def test_an_emergency_is_shown_to_agents_first_with_what_was_said(desk: Desk) -> None:
    """(Its hold messages — none — are tested on the call clock in test_attendant.py.)"""
    waiting_call(desk.service, "我要找真人")
    call = waiting_call(desk.service, "我爸爸昏倒了沒有呼吸")
    assert call.queued and call.state != "waiting_agent"  # the caller was told to call 119
    await login(desk.client)
    entry = (await first_event(desk.client))["queue"][0]
    assert entry["emergency"] == "119" and entry["reason"] is None
    assert "119" in entry["summary"] and "昏倒" in entry["summary"]
    await desk.service.end(call)


async def test_metrics_show_the_queue_and_ended_calls(desk: Desk) -> None:
    import re

    call = waiting_call(desk.service, "我要找真人", waited=42)
    text = await (await desk.client.get("/metrics")).text()
    assert "hotline_queue_length 1.0" in text
    assert re.search(r"hotline_queue_longest_wait_seconds 4[2-9]", text)
    assert 'hotline_calls_live{state="waiting_agent"} 1.0' in text
    call.pipeline.stats.voice_to_voice_ms.append(800.0)
    await desk.service.end(call)
    text = await (await desk.client.get("/metrics")).text()
    assert ('hotline_calls_ended_total{channel="webrtc",handled_by="bot",outcome="escalated"} '
            '1.0') in text
    assert "hotline_voice_to_voice_seconds_count 1.0" in text
    assert "hotline_queue_length 0.0" in text
    assert "我要找真人" not in text  # nothing about a caller


async def test_when_the_agents_line_drops_the_bot_takes_the_call_back(desk: Desk) -> None:
    call = waiting_call(desk.service, "我要找真人")
    me = await login(desk.client)
    agent_pc = RTCPeerConnection()
    agent_pc.addTrack(AudioStreamTrack())
    await agent_pc.setLocalDescription(await agent_pc.createOffer())
    resp = await desk.client.post(f"/api/agent/calls/{call.call_id}/accept", json={
        "sdp": agent_pc.localDescription.sdp, "type": "offer"},
        headers={"X-CSRF-Token": me["csrf"]})
    assert resp.status == 200 and call.pipeline.handed_over
    await desk.service.agent_left(call)  # as when the agent's connection fails
    assert not call.pipeline.handed_over and call.brain.with_agent is None
    assert call.state != "agent" and call.manager.state.stage is Stage.OFFER_CALLBACK
    said = [t.text for t in call.manager.state.transcript if t.who == "bot"]
    assert "連線中斷" in said[-1] and "回電" in said[-1]
    assert (await first_event(desk.client))["mine"] == []  # off the agent's pane
    await desk.service.end(call)
    record = CallRecords(make_engine(desk.settings.db_url)).get(call.call_id)
    assert record is not None and record.handled_by == "alice"  # who had it, for the record
    await agent_pc.close()


async def test_ended_calls_leave_memory_after_a_while(desk: Desk,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import hotline.calls

    monkeypatch.setattr(hotline.calls.service, "KEEP_ENDED_S", 0.2)
    call = waiting_call(desk.service, "我要找真人")
    await desk.service.end(call)
    assert call.call_id in desk.service.calls
    await asyncio.sleep(0.4)
    assert call.call_id not in desk.service.calls  # the record is in the database
    assert CallRecords(make_engine(desk.settings.db_url)).get(call.call_id) is not None


# ---- event streams: a few per client, pinged, released ---------------------------------


async def test_a_call_has_at_most_n_event_streams_all_released_when_it_ends(
        desk: Desk) -> None:
    slots = desk.client.app[STREAMS]
    assert slots.per_key == desk.settings.event_streams_per_client == 3
    call = waiting_call(desk.service, "我要找真人")
    url, auth = f"/api/calls/{call.call_id}/events", {"Authorization": "Bearer token"}
    streams = [await desk.client.get(url, headers=auth) for _ in range(3)]
    assert all(s.status == 200 for s in streams)
    fourth = await desk.client.get(url, headers=auth)
    assert fourth.status == 429 and "error" in await fourth.json()
    assert slots.count(f"call:{call.call_id}") == 3
    await desk.service.end(call)
    for stream in streams:  # each ends with the call
        await asyncio.wait_for(stream.content.read(), 3.0)
    await wait_until(lambda: slots.count(f"call:{call.call_id}") == 0)


async def test_streams_ping_and_a_dead_client_frees_its_slot(desk: Desk) -> None:
    slots = desk.client.app[STREAMS]
    slots.ping_s = 0.1  # 15 s in service
    call = waiting_call(desk.service, "我要找真人")
    url, auth = f"/api/calls/{call.call_id}/events", {"Authorization": "Bearer token"}
    resp = await desk.client.get(url, headers=auth)
    assert (await asyncio.wait_for(resp.content.readline(), 2.0)).startswith(b"data: ")
    lines = [await asyncio.wait_for(resp.content.readline(), 2.0) for _ in range(3)]
    assert b": ping\n" in lines  # nothing changed, yet something comes within ping_s
    streams = [await desk.client.get(url, headers=auth) for _ in range(2)]
    assert (await desk.client.get(url, headers=auth)).status == 429
    for stream in streams:  # the pages went away without a word
        stream.close()
    await wait_until(lambda: slots.count(f"call:{call.call_id}") == 1)  # the ping noticed
    again = await desk.client.get(url, headers=auth)
    assert again.status == 200
    again.close()
    resp.close()
    await desk.service.end(call)


async def test_an_agent_session_has_at_most_n_streams_released_at_logout(desk: Desk) -> None:
    slots = desk.client.app[STREAMS]
    resp = await desk.client.post("/api/agent/login", json={"name": "alice",
                                                            "password": PASSWORD})
    alice = {"Cookie": f"hotline_session={resp.cookies['hotline_session'].value}"}
    csrf = (await resp.json())["csrf"]
    key = f"session:{resp.cookies['hotline_session'].value}"
    streams = [await desk.client.get("/api/agent/events", headers=alice) for _ in range(3)]
    assert all(s.status == 200 for s in streams) and slots.count(key) == 3
    fourth = await desk.client.get("/api/agent/events", headers=alice)
    assert fourth.status == 429 and "error" in await fourth.json()
    await login(desk.client, "sue")  # another session has streams of its own
    sue_stream = await desk.client.get("/api/agent/events")
    assert sue_stream.status == 200
    sue_stream.close()
    desk.client.session.cookie_jar.clear()  # else the jar's cookie (sue's) wins over alice's
    resp = await desk.client.post("/api/agent/logout", json={},
                                  headers={**alice, "X-CSRF-Token": csrf})
    assert resp.status == 200
    for stream in streams:  # her streams end with her session
        await asyncio.wait_for(stream.content.read(), 3.0)
    await wait_until(lambda: slots.count(key) == 0)


async def test_a_disabled_agents_streams_end(desk: Desk) -> None:
    desk.client.app[DESK].sessions.recheck_s = 0.0
    await login(desk.client)
    stream = await desk.client.get("/api/agent/events")
    assert (await asyncio.wait_for(stream.content.readline(), 2.0)).startswith(b"data: ")
    Accounts(make_engine(desk.settings.db_url)).deactivate("alice")  # as `agents disable`
    await asyncio.wait_for(stream.content.read(), 3.0)  # to the end of the stream
    assert (await desk.client.get("/api/agent/me")).status == 401


async def test_a_transferred_call_is_found_by_its_id_live_then_from_its_record(
        desk: Desk) -> None:
    """The phone line transfers a hand-off to the city's queue with the call id in
    X-Hotline-Call-Id: the agent who picks it up there looks it up by that id."""
    call = waiting_call(desk.service, "北屯區崇德路二段的路燈壞了", "我要找真人")
    await login(desk.client)
    live = await (await desk.client.get(f"/api/agent/calls/{call.call_id}")).json()
    assert live["reason"] == "caller_request" and "路燈" in live["summary"]
    assert live["fields"]["district"] == "北屯區"
    await desk.service.end(call)
    desk.service.calls.pop(call.call_id)  # no longer held: only its record is left
    kept = await (await desk.client.get(f"/api/agent/calls/{call.call_id}")).json()
    assert kept["state"] == "ended" and kept["reason"] == "caller_request"
    assert "我要找真人" in kept["summary"]
    assert [t["who"] for t in kept["transcript"]][:2] == ["bot", "caller"]
    for junk in ("0123456789abcdef", "../../etc/passwd", "x" * 500):
        assert (await desk.client.get(f"/api/agent/calls/{junk}")).status == 404
