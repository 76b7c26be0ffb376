"""Two real `hotline serve` workers on one real PostgreSQL server, behind HAProxy with the
committed configuration (deploy/haproxy/haproxy.cfg), all started by the test:
- calls made through the front spread over both workers, and each call's later requests stick
  to the worker that holds it;
- a call held by worker B shows in the queue of an agent logged in on worker A as soon as B's
  own console shows it; the agent accepts it (following the call's ``worker_url``, the front's
  /w/b: B bridges the audio), they talk both ways, the case lands once;
- worker B killed (SIGKILL) mid-call: within the heartbeat timeout A's console shows the call
  gone, and its record holds what the caller said up to the kill."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from aiohttp import ClientSession, CookieJar
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaPlayer
from sqlalchemy import text

from hotline.db import make_engine
from hotline.records import CallRecords
from tests.postgres import PostgresServer
from tests.served import BIN, ROOT, clean_env, health
from tests.sip_peers import free_port
from tests.test_agent_call_webrtc import citizen_calls, record_levels, silence
from voice.audio import read_audio, write_wav
from voice.frames import SAMPLE_RATE, Pcm

pytestmark = pytest.mark.models

PASSWORD = "agent password 1"
ZH = Path(__file__).resolve().parents[2] / "shared" / "audio" / "zh"
# a beat slower than the bar for the queue (1 s): only LISTEN/NOTIFY can meet it
BEAT_S, TIMEOUT_S = 2.5, 4.0


@dataclass
class Worker:
    name: str
    base: str
    proc: subprocess.Popen[bytes]
    log: Path


@dataclass
class Cluster:
    db_url: str
    a: Worker
    b: Worker
    front: str  # HAProxy


def start_worker(name: str, home: Path, env: dict[str, str], front: str) -> Worker:
    port = free_port(socket.SOCK_STREAM)
    log = home / f"{name}.log"
    worker_env = env | {
        "HOTLINE_DATA_DIR": str(home / name), "HOTLINE_HOST": "127.0.0.1",
        "HOTLINE_PORT": str(port), "HOTLINE_WORKER_ID": name,
        "HOTLINE_WORKER_URL": f"{front}/w/{name}", "HOTLINE_TRUSTED_PROXIES": "127.0.0.1/32",
        "HOTLINE_WORKER_BEAT_S": str(BEAT_S), "HOTLINE_WORKER_TIMEOUT_S": str(TIMEOUT_S),
        # calls go to the queue at once: nothing to say first to reach a person
        "HOTLINE_ROUTING": "agent_first", "HOTLINE_AGENT_WAIT_S": "300"}
    with log.open("w") as out:
        proc = subprocess.Popen([str(BIN / "hotline"), "serve"], env=worker_env, cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT)
    return Worker(name, f"http://127.0.0.1:{port}", proc, log)


def wait_open(worker: Worker, deadline: float) -> None:
    state: Any = {}
    while time.monotonic() < deadline and worker.proc.poll() is None:
        with contextlib.suppress(OSError):
            state = health(worker.base)
            if state.get("lines_open"):
                return
        time.sleep(0.25)
    raise AssertionError(f"worker {worker.name}: {state}\n{worker.log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def cluster(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Cluster]:
    home = tmp_path_factory.mktemp("cluster")
    db_url = postgres.new_database()
    env = clean_env(HOTLINE_DATABASE_URL=db_url, HOTLINE_DATA_DIR=str(home / "admin"))
    hotline = str(BIN / "hotline")
    # as an operator does: the schema first, then an account, then the workers
    subprocess.run([hotline, "db", "upgrade"], env=env, check=True, timeout=60)
    subprocess.run([hotline, "agents", "add", "alice", "--password-stdin"], env=env,
                   input=f"{PASSWORD}\n".encode(), check=True, timeout=60)
    front_port = free_port(socket.SOCK_STREAM)
    front = f"http://127.0.0.1:{front_port}"
    a, b = (start_worker(name, home, env, front) for name in ("a", "b"))
    haproxy = None
    try:
        deadline = time.monotonic() + 300
        wait_open(a, deadline)
        wait_open(b, deadline)
        haproxy = subprocess.Popen(
            ["haproxy", "-db", "-f", str(ROOT / "deploy" / "haproxy" / "haproxy.cfg")],
            env={**os.environ, "HOTLINE_FRONT_BIND": f"127.0.0.1:{front_port}",
                 "HOTLINE_WORKER_A": a.base.removeprefix("http://"),
                 "HOTLINE_WORKER_B": b.base.removeprefix("http://")},
            stdout=(home / "haproxy.log").open("w"), stderr=subprocess.STDOUT)
        for _ in range(100):  # each worker reached through the front by its prefix
            with contextlib.suppress(OSError):
                if health(front + "/w/a").get("worker") == "a" and \
                        health(front + "/w/b").get("worker") == "b":
                    break
            time.sleep(0.1)
        else:
            raise AssertionError((home / "haproxy.log").read_text()[-3000:])
        yield Cluster(db_url, a, b, front)
    finally:
        if haproxy is not None:
            haproxy.terminate()
            haproxy.wait(10)
        for worker in (a, b):
            if worker.proc.poll() is None:
                worker.proc.send_signal(signal.SIGINT)
        for worker in (a, b):
            try:
                worker.proc.wait(30)
            except subprocess.TimeoutExpired:
                worker.proc.kill()
                worker.proc.wait()


@dataclass
class Console:
    """An agent's console on one worker: its event stream, each snapshot with its arrival."""

    base: str
    http: ClientSession
    csrf: str = ""
    events: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    reader: asyncio.Task[None] | None = None

    async def until(self, test: Any, within: float) -> tuple[float, dict[str, Any]]:
        """The first snapshot from now on (arrival time, snapshot) for which ``test`` is
        true."""
        deadline = time.monotonic() + within
        seen = len(self.events) - 1 if self.events else 0  # (the latest one may do)
        while time.monotonic() < deadline:
            for at, event in self.events[seen:]:
                if test(event):
                    return at, event
            seen = len(self.events)
            await asyncio.sleep(0.02)
        raise AssertionError(f"not seen on {self.base} within {within} s: "
                             f"{self.events[-1][1] if self.events else None}")

    async def _read(self) -> None:
        async with self.http.get(f"{self.base}/api/agent/events") as resp:
            assert resp.status == 200
            async for line in resp.content:
                if line.startswith(b"data: "):
                    self.events.append((time.monotonic(), json.loads(line[6:])))


async def login(http: ClientSession, base: str) -> str:
    """Log in on one worker; the session (its cookie, its CSRF token) is good on all."""
    async with http.post(f"{base}/api/agent/login",
                         json={"name": "alice", "password": PASSWORD}) as resp:
        assert resp.status == 200, await resp.text()
        return str((await resp.json())["csrf"])


@contextlib.asynccontextmanager
async def console(http: ClientSession, base: str, csrf: str) -> AsyncIterator[Console]:
    desk = Console(base, http, csrf)
    desk.reader = asyncio.create_task(desk._read())
    try:
        yield desk
    finally:
        desk.reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await desk.reader


def queued(call_id: str) -> Any:
    return lambda e: any(c["call_id"] == call_id for c in e["queue"])


def zh(name: str) -> Pcm:
    return read_audio(ZH / name)


def tone(seconds: float) -> Pcm:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)


async def test_calls_through_the_front_spread_and_each_sticks_to_its_worker(
        cluster: Cluster, tmp_path: Path) -> None:
    wav = tmp_path / "caller.wav"
    write_wav(wav, np.concatenate([silence(1), zh("streetlight-01-0.wav"), silence(30)]))
    engine = make_engine(cluster.db_url)
    held: dict[str, str] = {}
    async with ClientSession() as http:
        phones = [await citizen_calls(http, f"{cluster.front}/api/calls", wav)
                  for _ in range(4)]
        for phone in phones:
            for _ in range(100):  # which worker holds it, from the shared queue's table
                with engine.connect() as conn:
                    holder = conn.execute(text(
                        "SELECT worker_id FROM live_calls WHERE call_id = :id"),
                        {"id": phone.call_id}).scalar()
                if holder:
                    held[phone.call_id] = holder
                    break
                await asyncio.sleep(0.1)
            bearer = {"Authorization": f"Bearer {phone.token}"}
            for _ in range(4):  # the caller's page asks again and again: same worker
                async with http.get(f"{cluster.front}/api/calls/{phone.call_id}",
                                    headers=bearer, allow_redirects=False) as resp:
                    assert resp.status == 200, await resp.text()
        assert sorted(set(held.values())) == ["a", "b"], held  # spread over both
        for phone in phones:
            async with http.delete(f"{cluster.front}/api/calls/{phone.call_id}", headers={
                    "Authorization": f"Bearer {phone.token}"}, allow_redirects=False) as resp:
                assert resp.status == 200, await resp.text()
            await phone.pc.close()
            for task in phone.receivers:
                task.cancel()
    engine.dispose()


async def test_an_agent_on_worker_a_takes_a_call_worker_b_holds(
        cluster: Cluster, tmp_path: Path) -> None:
    caller_wav, agent_wav = tmp_path / "caller.wav", tmp_path / "agent.wav"
    write_wav(caller_wav, np.concatenate([silence(7), zh("streetlight-01-0.wav"), silence(2),
                                          zh("streetlight-01-1.wav"), silence(40)]))
    write_wav(agent_wav, np.concatenate([silence(1), tone(3), silence(40)]))
    async with contextlib.AsyncExitStack() as stack:
        agent_http = await stack.enter_async_context(
            ClientSession(cookie_jar=CookieJar(unsafe=True)))
        citizen_http = await stack.enter_async_context(ClientSession())
        csrf = await login(agent_http, cluster.a.base)  # logged in on A only
        on_a = await stack.enter_async_context(console(agent_http, cluster.a.base, csrf))
        on_b = await stack.enter_async_context(console(agent_http, cluster.b.base, csrf))
        phone = await citizen_calls(citizen_http, f"{cluster.b.base}/api/calls", caller_wav)
        call_id = phone.call_id
        at_b, _ = await on_b.until(queued(call_id), 30)
        at_a, snap = await on_a.until(queued(call_id), 30)
        print(f"queue: on worker A {1000 * (at_a - at_b):.0f} ms after worker B")
        assert at_a - at_b < 1.0
        card = next(c for c in snap["queue"] if c["call_id"] == call_id)
        worker_url = f"{cluster.front}/w/b"  # B's routes, through the front
        assert card["worker_url"] == worker_url and card["reason"] == "agent_first"
        assert card["channel"] == "webrtc" and card["waiting_s"] >= 0

        # worker A redirects the call's routes to the worker that holds it (method and body
        # kept: 307); the console follows worker_url directly
        headers = {"X-CSRF-Token": csrf}
        async with agent_http.post(f"{cluster.a.base}/api/agent/calls/{call_id}/accept",
                                   json={}, headers=headers, allow_redirects=False) as resp:
            assert resp.status == 307
            assert resp.headers["Location"] == f"{worker_url}/api/agent/calls/{call_id}/accept"

        agent = RTCPeerConnection()
        mic = MediaPlayer(str(agent_wav)).audio
        assert mic is not None
        agent.addTrack(mic)
        agent_heard: list[float] = []
        agent.on("track", lambda t: phone.receivers.append(
            asyncio.create_task(record_levels(t, agent_heard))))
        await agent.setLocalDescription(await agent.createOffer())
        async with agent_http.post(f"{card['worker_url']}/api/agent/calls/{call_id}/accept",
                                   json={"sdp": agent.localDescription.sdp, "type": "offer"},
                                   headers=headers) as resp:
            assert resp.status == 200, await resp.text()
            accepted = await resp.json()
        accepted_at = time.monotonic()
        await agent.setRemoteDescription(RTCSessionDescription(accepted["sdp"], "answer"))

        # the console on A shows the call as this agent's, with B's transcript as it grows
        _, snap = await on_a.until(lambda e: any(
            c["call_id"] == call_id and any(t["who"] == "caller" for t in c["transcript"])
            for c in e["mine"]), 40)
        mine = next(c for c in snap["mine"] if c["call_id"] == call_id)
        assert mine["state"] == "agent" and mine["worker_url"] == worker_url
        assert not queued(call_id)(snap)
        # audio both ways through worker B: the agent hears the caller, the caller the agent
        for _ in range(100):
            if [t for t in agent_heard if t > accepted_at] and \
                    [t for t in phone.heard if t > accepted_at + 1.0]:
                break
            await asyncio.sleep(0.1)
        assert [t for t in agent_heard if t > accepted_at], "the agent heard nothing"
        assert [t for t in phone.heard if t > accepted_at + 1.0], "the caller heard nothing"

        form = {"category": "streetlight", "district": "北屯區", "address": "崇德路二段100號",
                "description": "路燈不亮"}
        # a Submit that reaches the other worker is sent on, not filed from the live record
        async with agent_http.post(f"{cluster.a.base}/api/agent/calls/{call_id}/case",
                                   headers=headers, json=form, allow_redirects=False) as resp:
            assert resp.status == 307, await resp.text()
        async with agent_http.post(f"{worker_url}/api/agent/calls/{call_id}/case",
                                   headers=headers, json=form) as resp:
            assert resp.status == 200, await resp.text()
            number = (await resp.json())["case_number"]
        async with agent_http.post(f"{worker_url}/api/agent/calls/{call_id}/end",
                                   headers=headers, json={}) as resp:
            assert (await resp.json())["state"] == "ended"
        await on_a.until(lambda e: not any(c["call_id"] == call_id for c in e["mine"]), 10)
        for pc in (phone.pc, agent):
            await pc.close()
        for task in phone.receivers:
            task.cancel()

    engine = make_engine(cluster.db_url)
    with engine.connect() as conn:
        cases = conn.execute(text("SELECT number FROM cases WHERE call_id = :id"),
                             {"id": call_id}).scalars().all()
    assert cases == [number]  # the case landed once
    record = CallRecords(engine).get(call_id)
    assert record is not None and record.ended_at is not None
    assert record.handled_by == "alice" and record.case_number == number
    engine.dispose()


async def test_a_worker_killed_mid_call_is_taken_out_and_its_record_kept(
        cluster: Cluster, tmp_path: Path) -> None:
    caller_wav = tmp_path / "caller.wav"
    write_wav(caller_wav, np.concatenate([silence(6), zh("streetlight-01-0.wav"), silence(2),
                                          zh("streetlight-01-1.wav"), silence(90)]))
    engine = make_engine(cluster.db_url)
    records = CallRecords(engine)
    async with contextlib.AsyncExitStack() as stack:
        agent_http = await stack.enter_async_context(
            ClientSession(cookie_jar=CookieJar(unsafe=True)))
        citizen_http = await stack.enter_async_context(ClientSession())
        csrf = await login(agent_http, cluster.a.base)
        on_a = await stack.enter_async_context(console(agent_http, cluster.a.base, csrf))
        phone = await citizen_calls(citizen_http, f"{cluster.b.base}/api/calls", caller_wav)
        call_id = phone.call_id
        await on_a.until(queued(call_id), 30)
        # the record is kept as the call goes on: both lines are in it before the kill
        said: list[str] = []
        for _ in range(300):
            record = await asyncio.to_thread(records.get, call_id)
            said = [t.text for t in record.transcript if t.who == "caller"] if record else []
            if len(said) >= 2:
                break
            await asyncio.sleep(0.2)
        assert len(said) >= 2, said
        assert record is not None and record.ended_at is None  # (still going on)

        cluster.b.proc.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        gone_at, _ = await on_a.until(lambda e: not queued(call_id)(e), TIMEOUT_S + 10)
        print(f"the killed worker's call left A's queue {gone_at - killed_at:.1f} s after "
              f"the kill (timeout {TIMEOUT_S} s, beat {BEAT_S} s)")
        assert gone_at - killed_at <= TIMEOUT_S + 2 * BEAT_S + 1.0
        await phone.pc.close()
        for task in phone.receivers:
            task.cancel()

    record = records.get(call_id)
    assert record is not None and record.ended_at is not None  # closed by worker A
    kept = [t.text for t in record.transcript if t.who == "caller"]
    assert kept[:len(said)] == said
    assert any("路燈" in line or "燈" in line for line in kept), kept
    with engine.connect() as conn:
        workers = conn.execute(text("SELECT id FROM workers")).scalars().all()
        left = conn.execute(text("SELECT count(*) FROM live_calls WHERE worker_id = 'b'"))
        assert workers == ["a"] and left.scalar_one() == 0
    assert health(cluster.a.base)["lines_open"]
    engine.dispose()
