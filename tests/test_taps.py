"""Desk-phone assist over Asterisk AudioSocket, with fakes for the models: a PBX (written
here, following the protocol) copies a call's two sides on two TCP connections named by one
UUID and names the agent over HTTP; the agent's console shows both sides, the draft and
suggestions, and files the case; the AI never sends a sound. And everything a stranger or a
broken PBX may send: refused, closed, never a crash or a stuck line."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from hotline.calls import Call
from hotline.desk.accounts import Accounts
from hotline.tap_api import TAPS
from hotline.taps import TapLine, TapSettings
from tests.agent_desk import Desk
from tests.fakes import silence, vowel
from tests.test_agent_console import first_event, login
from voice.channels import audiosocket
from voice.channels.audiosocket import KIND_AUDIO, KIND_HANGUP, KIND_UUID, message
from voice.frames import Pcm

TOKEN = "a PBX token of some length"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class Pbx:
    """The PBX side: AudioSocket connections to the tap line."""

    port: int

    async def leg(self, call_uuid: uuid.UUID) -> tuple[asyncio.StreamReader,
                                                       asyncio.StreamWriter]:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(message(KIND_UUID, call_uuid.bytes))
        await writer.drain()
        return reader, writer

    @staticmethod
    async def stream(writer: asyncio.StreamWriter, pcm16k: Pcm) -> None:
        """Audio as Asterisk sends it: 20 ms of 8 kHz signed linear, in real time."""
        pcm8k = pcm16k[::2].astype("<i2")
        for start in range(0, len(pcm8k), 160):
            writer.write(message(KIND_AUDIO, pcm8k[start:start + 160].tobytes()))
            await writer.drain()
            await asyncio.sleep(0.02)


@pytest.fixture
async def pbx(desk: Desk) -> AsyncIterator[tuple[Pbx, TapLine]]:
    line = TapLine(desk.service, TapSettings("127.0.0.1", 0, idle_s=5.0, max_connections=6))
    await line.start()
    desk.client.app[TAPS].update(line=line, token=TOKEN)
    yield Pbx(line.port), line
    await line.stop()


async def closed_by_us(reader: asyncio.StreamReader, within: float = 8.0) -> bytes:
    """What the tap line sent before it closed the connection (nothing, ever)."""
    return await asyncio.wait_for(reader.read(), within)


async def tapped_call(line: TapLine, call_uuid: uuid.UUID) -> Call:
    for _ in range(100):
        if str(call_uuid) in line.calls:
            return line.calls[str(call_uuid)].call
        await asyncio.sleep(0.02)
    raise AssertionError("the tapped call never started")


async def test_both_sides_reach_the_named_agents_console_and_the_case_is_filed(
        desk: Desk, pbx: tuple[Pbx, TapLine]) -> None:
    phone, line = pbx
    call_uuid = uuid.uuid4()
    me = await login(desk.client)
    # the dial plan names the agent first (a form, as Asterisk's CURL() posts it)
    resp = await desk.client.post(f"/api/taps/{call_uuid}", headers={
        **BEARER, "Content-Type": "application/x-www-form-urlencoded"},
        data="agent=alice&caller_id=0422345678")
    assert resp.status == 200 and (await resp.json())["call_id"] is None
    caller_r, caller_w = await phone.leg(call_uuid)
    agent_r, agent_w = await phone.leg(call_uuid)
    call = await tapped_call(line, call_uuid)
    assert call.agent is not None and call.agent.name == "alice"
    await asyncio.gather(
        Pbx.stream(caller_w, np.concatenate([silence(0.3), vowel(1.2), silence(1.0)])),
        Pbx.stream(agent_w, np.concatenate([silence(1.8), vowel(0.8), silence(1.2)])))
    for _ in range(100):
        whos = {t.who for t in call.dialog.transcript}
        if {"caller", "agent"} <= whos and call.suggestions:
            break
        await asyncio.sleep(0.05)
    event = await first_event(desk.client)
    mine = event["mine"][0]
    assert mine["call_id"] == call.call_id and mine["channel"] == "audiosocket"
    assert mine["caller_id"] == "0422345678" and mine["state"] == "agent"
    assert {t["who"] for t in mine["transcript"]} == {"caller", "agent"}  # no bot line
    assert mine["suggestions"] and event["queue"] == []  # never in the queue
    filed = await desk.client.post(f"/api/agent/calls/{call.call_id}/case", json={
        "category": "noise", "district": "北區", "description": "夜間施工"},
        headers={"X-CSRF-Token": me["csrf"]})
    assert filed.status == 200
    number = (await filed.json())["case_number"]
    caller_w.write(message(KIND_HANGUP))
    await caller_w.drain()
    await asyncio.wait_for(call.finished.wait(), 25)
    assert await closed_by_us(caller_r) == b"" and await closed_by_us(agent_r) == b""
    record = desk.service.records.get(call.call_id)  # type: ignore[union-attr]
    assert record is not None
    assert record.handled_by == "alice" and record.case_number == number
    assert not any(t.who == "bot" for t in record.transcript)
    assert str(call_uuid) not in line.calls
    for writer in (caller_w, agent_w):
        writer.close()


async def test_an_agent_named_after_the_audio_started_gets_the_call(
        desk: Desk, pbx: tuple[Pbx, TapLine]) -> None:
    phone, line = pbx
    call_uuid = uuid.uuid4()
    _reader, writer = await phone.leg(call_uuid)
    call = await tapped_call(line, call_uuid)
    assert call.agent is None
    resp = await desk.client.post(f"/api/taps/{call_uuid}", headers=BEARER,
                                  json={"agent": "alice", "caller_id": "0911222333"})
    assert resp.status == 200 and (await resp.json())["call_id"] == call.call_id
    assert call.agent is not None and call.agent.name == "alice"
    assert call.channel.remote.caller_id == "0911222333"
    other = await desk.client.post(f"/api/taps/{call_uuid}", headers=BEARER,
                                   json={"agent": "sue"})
    assert other.status == 409 and call.agent.name == "alice"  # never moved silently
    writer.close()
    await asyncio.wait_for(call.finished.wait(), 25)


@pytest.mark.parametrize(("headers", "body", "status"), [
    ({}, {"agent": "alice"}, 401),
    ({"Authorization": "Bearer wrong"}, {"agent": "alice"}, 401),
    ({"Authorization": f"Basic {TOKEN}"}, {"agent": "alice"}, 401),
    (BEARER, {"agent": "nobody"}, 404),
    (BEARER, {"agent": ""}, 400),
    (BEARER, {"agent": ["alice"]}, 400),
    (BEARER, {"agent": "alice", "caller_id": "call me maybe"}, 400),
    (BEARER, {"agent": "a" * 65}, 400),
])
async def test_naming_the_agent_needs_the_pbxs_token_and_a_real_agent(
        desk: Desk, pbx: tuple[Pbx, TapLine], headers: dict[str, str], body: dict[str, Any],
        status: int) -> None:
    resp = await desk.client.post(f"/api/taps/{uuid.uuid4()}", headers=headers, json=body)
    assert resp.status == status and "error" in await resp.json()


async def test_bad_registrations_are_4xx(desk: Desk, pbx: tuple[Pbx, TapLine]) -> None:
    post = desk.client.post
    assert (await post("/api/taps/not-a-uuid", headers=BEARER,
                       json={"agent": "alice"})).status == 400
    assert (await post(f"/api/taps/{uuid.uuid4()}", headers={
        **BEARER, "Content-Type": "text/plain"}, data="agent=alice")).status == 415
    assert (await post(f"/api/taps/{uuid.uuid4()}", headers={
        **BEARER, "Content-Type": "application/x-www-form-urlencoded"},
        data="agent=alice&" + "x=1&" * 3000)).status in (400, 413)
    assert (await post(f"/api/taps/{uuid.uuid4()}", headers=BEARER,
                       data=b"{" * 100)).status in (400, 415)
    Accounts(desk.service.records.engine).deactivate("alice")  # type: ignore[union-attr]
    assert (await post(f"/api/taps/{uuid.uuid4()}", headers=BEARER,
                       json={"agent": "alice"})).status == 404


async def test_with_taps_off_or_from_elsewhere_nobody_names_agents(
        desk: Desk, pbx: tuple[Pbx, TapLine]) -> None:
    _phone, line = pbx
    line.networks = []  # the PBX is somewhere else
    resp = await desk.client.post(f"/api/taps/{uuid.uuid4()}", headers=BEARER,
                                  json={"agent": "alice"})
    assert resp.status == 403
    desk.client.app[TAPS].pop("line")
    resp = await desk.client.post(f"/api/taps/{uuid.uuid4()}", headers=BEARER,
                                  json={"agent": "alice"})
    assert resp.status == 404


async def test_hostile_connections_are_closed_and_the_live_call_goes_on(
        desk: Desk, pbx: tuple[Pbx, TapLine], monkeypatch: pytest.MonkeyPatch) -> None:
    phone, line = pbx
    monkeypatch.setattr(audiosocket, "FIRST_MESSAGE_S", 0.5)
    live_uuid = uuid.uuid4()
    _live_r, live_w = await phone.leg(live_uuid)
    live = await tapped_call(line, live_uuid)

    async def connect() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", phone.port)

    attempts: list[bytes] = [
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",  # not AudioSocket
        message(KIND_AUDIO, bytes(320)),  # audio before any UUID
        message(KIND_UUID, b"short"),  # a UUID of 5 bytes
        bytes([KIND_UUID]) + (60000).to_bytes(2, "big") + b"x" * 100,  # a huge length
        message(KIND_UUID, uuid.uuid4().bytes) + message(KIND_AUDIO, bytes(321)),  # odd bytes
        message(KIND_UUID, uuid.uuid4().bytes) +
        bytes([KIND_AUDIO]) + (9000).to_bytes(2, "big"),  # more than AudioSocket sends
    ]
    for data in attempts:
        reader, writer = await connect()
        writer.write(data)
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        assert await closed_by_us(reader) == b"", data[:20]
        writer.close()
    # silent: never says which call it is
    reader, writer = await connect()
    assert await closed_by_us(reader, 3.0) == b""
    writer.close()
    # a third connection for one call
    _second_r, second_w = await phone.leg(live_uuid)
    third_r, third_w = await phone.leg(live_uuid)
    assert await closed_by_us(third_r) == b""
    third_w.close()
    # too many at once: the ones over the limit are closed unheard
    extra = [await connect() for _ in range(8)]
    closed = 0
    for reader, writer in extra:
        with contextlib.suppress(TimeoutError):
            if await asyncio.wait_for(reader.read(), 0.5) == b"":
                closed += 1
        writer.close()
    assert closed >= 4
    assert line.refused >= len(attempts) + 2
    assert not live.ended  # the live tapped call went on through all of it
    # and a PBX that goes quiet mid-call is taken as gone after idle_s
    await asyncio.wait_for(live.finished.wait(), 30)
    for writer in (live_w, second_w):
        writer.close()


async def test_at_capacity_a_new_tapped_call_is_closed_unheard(
        desk: Desk, pbx: tuple[Pbx, TapLine]) -> None:
    phone, line = pbx
    desk.service.policy.max_calls = 1
    first = uuid.uuid4()
    _r1, w1 = await phone.leg(first)
    call = await tapped_call(line, first)
    r2, w2 = await phone.leg(uuid.uuid4())
    assert await closed_by_us(r2) == b""  # the agent still has the call on their phone
    _agent_r, agent_w = await phone.leg(first)  # the live call's own second side is fine
    await asyncio.sleep(0.2)
    assert line.calls[str(first)].agent_leg is not None and not call.ended
    for writer in (w1, w2, agent_w):
        writer.close()
    await asyncio.wait_for(call.finished.wait(), 25)
