"""Many workers behind one SIP front: Kamailio (Debian) running the committed
deploy/kamailio/kamailio.cfg in front of two ``hotline serve`` workers (tests/fake_served.py:
the real service, fakes for the models), called by SIPp. Everything on 127.0.0.1, every
process started and stopped here; short ping settings through the cfg's -A parameters.

What it proves, from the workers' own call records and logs and the front's dispatcher
state: the workers join once they answer the front's OPTIONS pings; calls are spread over
both and complete through the front (ACK and BYE follow the Record-Route; the audio goes
straight to the worker), a busy worker's call (486) going to the other; a worker told to
stop (SIGTERM) ends its live call through the front while the calls it refuses meanwhile
(503) go to the other; a dead worker is taken out by the pings alone; with no worker left
the front answers 503 at once, or after one worker's timeout when it still thought one
alive.
"""

from __future__ import annotations

import asyncio
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.db import make_engine
from hotline.records import CallRecord, CallRecords, CallRow
from tests.fakes import vowel
from tests.served import ROOT, clean_env, health
from tests.sip_peers import (
    Step,
    exchange,
    free_port,
    free_udp_tcp_port,
    pause,
    play,
    rtp_receiver,
    run_sipp,
    sip_request,
    status_codes,
    to_phone,
    uac_scenario,
    write_rtp_pcap,
)

KAMAILIO = "/usr/sbin/kamailio"
KAMCMD = "/usr/sbin/kamcmd"
CFG = ROOT / "deploy" / "kamailio" / "kamailio.cfg"
PING_S = 1  # DS_PING_INTERVAL
THRESHOLD = 3  # DS_PROBING_THRESHOLD: failed pings before a worker is out
FR_TIMER_S = 1.0  # FR_TIMER: a worker silent this long has failed the request
DRAIN_S = 2  # the workers' HOTLINE_DRAIN_S
A_LINES = 3  # worker A's HOTLINE_MAX_CALLS: its fourth call at once is busy (486)
AT_ONCE = A_LINES  # calls made at once to a single worker left (it may be A)
OUT_WITHIN = PING_S * THRESHOLD + FR_TIMER_S + 2.0  # a dead worker is out by then (+ slack)

T = TypeVar("T")


@dataclass
class Worker:
    name: str
    sip: int
    base: str
    db_url: str
    log: Path
    proc: subprocess.Popen[bytes]

    @property
    def uri(self) -> str:
        return f"sip:127.0.0.1:{self.sip}"

    def records(self) -> list[CallRecord]:
        """The calls this worker answered and recorded (its own database)."""
        engine = make_engine(self.db_url)
        try:
            records = CallRecords(engine)
            with Session(engine) as session:
                ids = session.scalars(select(CallRow.call_id)).all()
            return [r for r in map(records.get, ids) if r is not None]
        finally:
            engine.dispose()

    def ended(self) -> list[CallRecord]:
        """Its records of calls that have ended (a live call's record is kept as it goes on,
        so counting every record would count a live call early)."""
        return [r for r in self.records() if r.ended_at is not None]

    def opened(self) -> bool:
        """Its lines are open, or it has exited (the caller looks which)."""
        if self.proc.poll() is not None:
            return True
        try:
            return bool(health(self.base).get("lines_open"))
        except OSError:  # not listening yet
            return False

    def live_calls(self) -> int:
        with urllib.request.urlopen(f"{self.base}/metrics", timeout=5) as r:
            text = r.read().decode()
        return int(sum(s.value for family in text_string_to_metric_families(text)
                       if family.name == "hotline_calls_live" for s in family.samples))


@dataclass
class Front:
    port: int
    ctl: Path
    log: Path
    proc: subprocess.Popen[bytes]

    @property
    def target(self) -> tuple[str, int]:
        return "127.0.0.1", self.port

    def kamcmd(self, *args: str) -> str:
        return subprocess.run([KAMCMD, "-s", f"unix:{self.ctl}", *args], capture_output=True,
                              text=True, timeout=5, check=True).stdout

    def states(self) -> dict[str, str]:
        """Each worker's dispatcher flags by URI: A active, T trying, I inactive; P probing."""
        return dict(re.findall(r"URI: (\S+)\s+FLAGS: (\S+)", self.kamcmd("dispatcher.list")))

    def in_service(self, worker: Worker) -> bool:
        """Calls may be sent to it: active, or trying (failed, but fewer than THRESHOLD
        times)."""
        return self.states().get(worker.uri, "")[:1] in ("A", "T")


@dataclass
class Site:
    front: Front
    workers: list[Worker]
    work: Path

    def tails(self) -> str:
        """The end of every log, for a failure's message."""
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2500:]}"
                         for p in [self.front.log, *(w.log for w in self.workers)])


async def until(probe: Callable[[], T | None], within: float, what: str, site: Site) -> T:
    """``probe()`` (in a thread) until it is truthy; its value."""
    deadline = time.monotonic() + within
    while True:
        value = await asyncio.to_thread(probe)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within:.1f} s: {what}\n{site.tails()}")
        await asyncio.sleep(0.1)


def _start_worker(home: Path, name: str, rtp: int, lines: int) -> Worker:
    sip, http = free_udp_tcp_port(), free_port(socket.SOCK_STREAM)
    data = home / name
    env = clean_env(HOTLINE_DATA_DIR=str(data), HOTLINE_HOST="127.0.0.1",
                    HOTLINE_PORT=str(http), HOTLINE_SIP_LISTEN=f"127.0.0.1:{sip}",
                    HOTLINE_RTP_PORTS=f"{rtp}-{rtp + 39}", HOTLINE_DRAIN_S=str(DRAIN_S),
                    HOTLINE_MAX_CALLS=str(lines))
    log = home / f"{name}.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "tests.fake_served"], env=env, cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT)
    return Worker(name, sip, f"http://127.0.0.1:{http}", f"sqlite:///{data / 'hotline.db'}",
                  log, proc)


def _start_front(home: Path, workers: list[Worker]) -> Front:
    assert Path(KAMAILIO).exists(), "kamailio is not installed (scripts/setup.sh test)"
    run = home / "k"  # kamcmd's socket path must stay short (108 bytes)
    run.mkdir()
    listed = run / "dispatcher.list"
    # as deploy/kamailio/dispatcher.list: set 1, flags 9 (out until a ping is answered)
    listed.write_text("".join(f"1 {w.uri} 9 0\n" for w in workers))
    port = free_udp_tcp_port()
    log = home / "kamailio.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [KAMAILIO, "-DD", "-E", "-f", str(CFG), "-Y", str(run), "-P", str(run / "pid"),
             "-m", "32", "-M", "4",
             "-A", f"LISTEN_PORT={port}", "-A", f'DS_LIST="{listed}"',
             "-A", f'CTL_SOCKET="unix:{run / "ctl"}"', "-A", f"DS_PING_INTERVAL={PING_S}",
             "-A", f"DS_PROBING_THRESHOLD={THRESHOLD}",
             "-A", f"FR_TIMER={int(FR_TIMER_S * 1000)}", "-A", "CHILDREN=2"],
            cwd=run, stdout=out, stderr=subprocess.STDOUT)
    return Front(port, run / "ctl", log, proc)


def _stop(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    """Two workers and the front, started side by side; yielded once the workers' lines are
    open and the front has them in service (each answered a ping)."""
    rtp = random.randrange(42000, 47000, 100)
    workers = [_start_worker(tmp_path, "A", rtp, A_LINES)]
    front: Front | None = None
    try:
        workers.append(_start_worker(tmp_path, "B", rtp + 50, 8))
        front = _start_front(tmp_path, workers)
        made = Site(front, workers, tmp_path)
        for w in workers:
            await until(w.opened, 60, f"worker {w.name} open", made)
            assert w.proc.poll() is None, made.tails()
        await until(lambda: front.proc.poll() is not None or front.ctl.exists(), 10,
                    "the front's control socket", made)
        assert front.proc.poll() is None, made.tails()
        await until(lambda: all(front.in_service(w) for w in workers), PING_S * 2 + 5,
                    "both workers in service (their pings answered)", made)
        yield made
    finally:
        for w in workers:
            await asyncio.to_thread(_stop, w.proc, signal.SIGINT)
        if front is not None:
            await asyncio.to_thread(_stop, front.proc, signal.SIGTERM)


def speech_pcap(path: Path, seconds: float) -> Path:
    write_rtp_pcap(path, to_phone(vowel(seconds)))
    return path


async def calls_through(site: Site, name: str, steps: list[Step], n: int,
                        rx_port: int | None = None, expect: int = 200) -> None:
    """``n`` calls at once by SIPp through the front; each must end as the steps say (for
    200: answered, then its BYE answered, through the front)."""
    scenario = uac_scenario(steps, rx_port=rx_port or free_port(), routed=True, expect=expect)
    result = await run_sipp(site.work / name, scenario, site.front.target, calls=n,
                            name=name, timeout_s=30)
    assert result.ok, f"{result.output}\n{result.errors}\n{site.tails()}"


async def test_the_front_spreads_calls_over_workers_and_routes_around_a_stopped_one(
        site: Site) -> None:
    a, b = site.workers
    front = site.front

    # ---- 8 calls at once: round-robin offers each worker 4; A, with 3 lines, is busy for
    # its fourth (486), which the front gives to B; each call completes through the front
    pcap = speech_pcap(site.work / "speech.pcap", 1.5)
    rx = free_port()
    transport, heard = await rtp_receiver(rx)
    try:
        await calls_through(site, "eight", [pause(500), play(pcap, 3000)], 8, rx_port=rx)
    finally:
        transport.close()

    def recorded() -> tuple[int, int] | None:
        n = len(a.ended()), len(b.ended())
        return n if sum(n) >= 8 else None

    counts = await until(recorded, 15, "8 call records", site)
    assert counts == (A_LINES, 8 - A_LINES), counts  # spread over both, none lost
    assert "call goes to the next worker" in front.log.read_text()  # (A's busy one)
    for record in a.ended() + b.ended():  # the caller's audio reached the worker
        assert any(t.who == "caller" and t.text.startswith("說了") for t in record.transcript)
    assert len(heard.streams) == 8  # and each worker's greeting came back, a stream a call

    # ---- SIGTERM one worker during a call: it drains; the calls it refuses go on ----------
    long = asyncio.create_task(calls_through(site, "long", [Step("expect_bye")], 1))
    holder = await until(lambda: next((w for w in (a, b) if w.live_calls()), None), 10,
                         "the long call live on a worker", site)
    other = b if holder is a else a
    before = {w.name: len(w.ended()) for w in (a, b)}
    holder.proc.send_signal(signal.SIGTERM)
    await calls_through(site, "during", [pause(800)], AT_ONCE)
    await long  # the drained call's BYE came from the worker through the front, answered
    assert await asyncio.to_thread(holder.proc.wait, 15) == 0
    await until(lambda: len(other.ended()) == before[other.name] + AT_ONCE, 10,
                "those calls on the other worker", site)
    assert len(holder.ended()) == before[holder.name] + 1  # only the drained call, ended
    assert holder.ended() == holder.records()  # and no record left half-kept
    # while draining it told the front's pings it takes no calls
    assert "SIP OPTIONS from 127.0.0.1 refused: 503" in holder.log.read_text()
    # at least one of them was sent to the draining worker first (round-robin; it stays
    # selectable until THRESHOLD pings failed) and went on to the other
    assert f"worker {holder.uri} failed the call (503)" in front.log.read_text(), site.tails()

    # ---- the stopped worker is out: new calls all go to the other --------------------------
    await until(lambda: not front.in_service(holder), OUT_WITHIN, "the stopped worker out", site)
    await calls_through(site, "after", [pause(800)], AT_ONCE)
    await until(lambda: len(other.ended()) == before[other.name] + 2 * AT_ONCE, 10,
                "those calls on the other worker too", site)

    # ---- the last worker stops between calls: the pings alone take it out ----------------
    (ping,) = status_codes(await asyncio.to_thread(
        exchange, front.port, sip_request("OPTIONS", front.port, "front-1"), 1.0))
    assert ping == 200  # the front's own health: a worker in service
    other.proc.send_signal(signal.SIGTERM)
    await until(lambda: not front.in_service(other), OUT_WITHIN, "the last worker out", site)
    assert other.proc.poll() == 0
    (ping,) = status_codes(await asyncio.to_thread(
        exchange, front.port, sip_request("OPTIONS", front.port, "front-2"), 1.0))
    assert ping == 503  # no worker: the PBX should route 1999 elsewhere

    # ---- no worker: an INVITE gets 503 at once ---------------------------------------------
    asked = time.monotonic()
    await calls_through(site, "none", [], 1, expect=503)
    assert time.monotonic() - asked < 2.0

    # ---- …and after one timeout when the front still thinks a worker alive -----------------
    # (an operator put it back by hand, or it died since its last ping)
    await asyncio.to_thread(front.kamcmd, "dispatcher.set_state", "ap", "1", other.uri)
    asked = time.monotonic()
    await calls_through(site, "stale", [], 1, expect=503)
    assert time.monotonic() - asked < FR_TIMER_S + 2.0  # a clean 503, no hang
    assert f"worker {other.uri} failed the call (408)" in front.log.read_text(), site.tails()
