"""The soak benchmark (``hotline bench soak``): WebRTC callers in rounds, for minutes, against a
real ``hotline serve`` on 127.0.0.1, watching the server for leaks and for lines left held.

The server runs as its own process (so its memory, file descriptors and threads are its own)
with the default models, a scratch data folder, and the per-address limits raised: every
caller here comes from 127.0.0.1. Only the public HTTP API is used. Each caller connects,
talks (a few utterances with pauses), listens and hangs up — by ``DELETE`` or by closing its
connection, sometimes mid-sentence — then calls again; a stream of bad offers (garbage SDP,
not JSON, oversized, send-nothing, never connecting) is mixed in. A benchmark, not a test:
it reports figures, and the one that must be 0 is ``lines_stuck``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from aiohttp import (
    ClientError,
    ClientOSError,
    ClientSession,
    ClientTimeout,
    ServerDisconnectedError,
)
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame

from hotline.config import Settings
from voice.audio import read_audio
from voice.channels.webrtc_audio import BotAudioTrack
from voice.frames import FRAME_SAMPLES, SAMPLE_RATE, Pcm
from voice.tts import EspeakMandarinTTS

# What callers say when no folder of recordings is given (spoken by espeak-ng): a report,
# short answers, a question, a request for a person.
LINES_ZH = (
    "你好，我要報修路燈，西屯區台灣大道三段九十九號的路燈不亮。",
    "對。",
    "請問垃圾車晚上幾點會來？",
    "我想找真人客服。",
    "好的，謝謝，再見。",
)
BAD_KINDS = ("garbage_sdp", "not_json", "oversized", "recvonly", "no_ice", "text_plain",
             "oversized_chunked")
DEFAULT_CONNECT_TIMEOUT_S = 15.0  # the service's, where its settings do not say
HTTP_TIMEOUT = ClientTimeout(total=30)


@dataclass
class Sample:
    """The server at one moment, with the soak's counts so far."""

    t_s: float
    phase: str  # start | minute | end
    rss_mb: float | None
    fds: int | None
    threads: int | None
    live_calls: int | None
    completed: int
    failed: int
    bad_offers: int

    def line(self) -> str:
        return (f"[{self.phase:>6} {self.t_s:7.1f} s] rss {self.rss_mb} MB  fds {self.fds}  "
                f"threads {self.threads}  live calls {self.live_calls}  completed "
                f"{self.completed}  failed {self.failed}  bad offers {self.bad_offers}")


@dataclass
class SoakConfig:
    duration_s: float
    callers: int
    bad_offer_every_s: float = 10.0  # about one hostile request this often
    sample_every_s: float = 60.0
    wav_dir: Path | None = None  # recordings to speak instead of espeak-ng's lines
    server_env: dict[str, str] = field(default_factory=dict)  # more HOTLINE_* for the server
    seed: int | None = None
    startup_s: float = 300.0  # models loading on a busy machine
    # From the last hang-up to the end sample. Ended calls stay in the server's memory for
    # 2 minutes (then only their record): a settle past that shows the steady state.
    settle_s: float = 5.0


@dataclass
class Tally:
    completed: int = 0
    failed: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    hangups: Counter[str] = field(default_factory=Counter)  # delete | close | mid_sentence
    with_bot_audio: int = 0  # completed calls in which the bot was heard
    bad_offers: dict[str, Counter[str]] = field(default_factory=dict)  # kind → status → n
    last_offer: float = 0.0  # monotonic time of the last POST /api/calls

    def bad(self, kind: str, status: str) -> None:
        self.bad_offers.setdefault(kind, Counter())[status] += 1

    @property
    def bad_total(self) -> int:
        return sum(sum(c.values()) for c in self.bad_offers.values())


# ---- the server under test ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(port: int, data_dir: Path, callers: int, extra: dict[str, str]) -> dict[str, str]:
    """The environment of the soak's ``hotline serve``: loopback, a scratch data folder (the
    soak files no real cases), and no per-address limit that one address would hit."""
    env = dict(os.environ)
    fields = Settings.model_fields
    env.update({
        "HOTLINE_HOST": "127.0.0.1",
        "HOTLINE_PORT": str(port),
        "HOTLINE_DATA_DIR": str(data_dir),
        "HOTLINE_DATABASE_URL": "",
        "HOTLINE_CALLS_PER_MINUTE_PER_IP": "10000",
    })
    # Newer limits, set only where this version has them (unknown settings are refused).
    # Bad offers that never connect hold a line until the connect timeout: leave room.
    room = callers + 8
    if "calls_per_ip" in fields:
        env["HOTLINE_CALLS_PER_IP"] = str(room)
    default_max = fields["max_calls"].default
    if "HOTLINE_MAX_CALLS" not in os.environ and isinstance(default_max, int) \
            and default_max < room:
        env["HOTLINE_MAX_CALLS"] = str(room)
    env.update(extra)
    return env


def connect_timeout(env: dict[str, str]) -> float:
    info = Settings.model_fields.get("connect_timeout_s")
    if info is None:
        return DEFAULT_CONNECT_TIMEOUT_S
    value = env.get("HOTLINE_CONNECT_TIMEOUT_S")
    return float(value) if value else float(info.default)


def live_calls_in(metrics: str) -> int:
    """The sum of ``hotline_calls_live`` over its states, from a Prometheus scrape."""
    values = re.findall(r"^hotline_calls_live\{[^}]*\}\s+([0-9.e+]+)$", metrics, re.M)
    return round(sum(float(v) for v in values))


class Server:
    """``hotline serve`` as a child process, and what /proc says about it."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = int(env["HOTLINE_PORT"])
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from hotline.cli import main; main()", "serve"],
            env=env, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT)

    async def wait_open(self, http: ClientSession, within: float) -> None:
        """Until /healthz says the lines are open; raises if the server dies or is late."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hotline serve exited ({self.proc.returncode}); "
                                   f"see {self.log_path}")
            with contextlib.suppress(ClientError, ValueError, TimeoutError):
                async with http.get(f"{self.base}/healthz") as resp:
                    if (await resp.json()).get("lines_open"):
                        return
            await asyncio.sleep(0.5)
        raise RuntimeError(f"the lines did not open within {within:.0f} s; see {self.log_path}")

    def process_figures(self) -> tuple[float | None, int | None, int | None]:
        """(RSS in MB, open file descriptors, threads) of the server process."""
        pid = self.proc.pid
        rss = threads = fds = None
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            fds = len(os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            return None, None, None
        if m := re.search(r"^VmRSS:\s+(\d+) kB", status, re.M):
            rss = round(int(m.group(1)) / 1024, 1)
        if m := re.search(r"^Threads:\s+(\d+)", status, re.M):
            threads = int(m.group(1))
        return rss, fds, threads

    async def live_calls(self, http: ClientSession) -> int | None:
        """Live calls in every state, from /metrics."""
        try:
            async with http.get(f"{self.base}/metrics") as resp:
                text = await resp.text()
        except (ClientError, TimeoutError):
            return None
        return live_calls_in(text)

    def stop(self, within: float = 30.0) -> tuple[int | None, float]:
        """SIGTERM, as a service manager would; (exit status, seconds it took)."""
        started = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(within)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self._log.close()
                return None, round(time.monotonic() - started, 1)
        self._log.close()
        return self.proc.returncode, round(time.monotonic() - started, 1)

    def log_problems(self) -> int:
        """Lines in the server's log that report an error or a traceback."""
        text = self.log_path.read_text(errors="replace")
        return sum(1 for line in text.splitlines()
                   if " ERROR " in line or line.startswith("Traceback"))


# ---- the callers ------------------------------------------------------------------------------


def caller_lines(wav_dir: Path | None) -> list[Pcm]:
    """What the callers say: the recordings in ``wav_dir``, else espeak-ng's Mandarin lines."""
    if wav_dir is not None:
        paths = sorted(wav_dir.glob("*.wav"))[:40]
        if not paths:
            raise RuntimeError(f"no .wav files in {wav_dir}")
        return [read_audio(p) for p in paths]
    tts = EspeakMandarinTTS()
    return [tts.synthesize(text).pcm for text in LINES_ZH]


class CallerVoice(BotAudioTrack):
    """The caller's microphone: queued speech in whole 20 ms frames at real time, else
    silence (the service's own paced outgoing track)."""

    def say(self, pcm: Pcm) -> None:
        self.relay(np.concatenate([pcm, np.zeros(-len(pcm) % FRAME_SAMPLES, np.int16)]))

    @property
    def pending_s(self) -> float:
        return self.pending_seconds


async def _listen(track: MediaStreamTrack, heard: list[int]) -> None:
    """Count the bot's frames that carry sound."""
    with contextlib.suppress(MediaStreamError):
        while True:
            frame = await track.recv()
            if isinstance(frame, AudioFrame) and np.abs(frame.to_ndarray()).max() > 500:
                heard[0] += 1


class CallFailed(Exception):
    """One call went wrong; the message is the reason counted."""


class Soak:
    """The callers, the bad offers and the periodic figures of one run."""

    def __init__(self, config: SoakConfig, server: Server, http: ClientSession,
                 lines: list[Pcm], say: Callable[[str], None]) -> None:
        self.config = config
        self.server = server
        self.http = http
        self.lines = lines
        self.say = say
        self.tally = Tally()
        self.samples: list[Sample] = []
        self.rng = random.Random(config.seed)
        self.t0 = time.monotonic()
        self.deadline = self.t0 + config.duration_s

    @property
    def calls_url(self) -> str:
        return f"{self.server.base}/api/calls"

    async def sample(self, phase: str) -> Sample:
        rss, fds, threads = self.server.process_figures()
        s = Sample(round(time.monotonic() - self.t0, 1), phase, rss, fds, threads,
                   await self.server.live_calls(self.http), self.tally.completed,
                   self.tally.failed, self.tally.bad_total)
        self.samples.append(s)
        self.say(s.line())
        return s

    async def caller(self) -> None:
        while time.monotonic() < self.deadline:
            try:
                await self.one_call()
                self.tally.completed += 1
            except CallFailed as exc:
                self.tally.failed += 1
                self.tally.failures[str(exc)] += 1
            except Exception as exc:  # counted, and the caller calls again
                self.tally.failed += 1
                self.tally.failures[f"{type(exc).__name__}: {exc}"[:120]] += 1
            await asyncio.sleep(self.rng.uniform(0.2, 1.5))  # between calls

    async def _post_offer(self, pc: RTCPeerConnection) -> tuple[int, dict[str, Any]]:
        await pc.setLocalDescription(await pc.createOffer())
        self.tally.last_offer = time.monotonic()
        async with self.http.post(self.calls_url, json={"sdp": pc.localDescription.sdp,
                                                        "type": "offer"}) as resp:
            body = await resp.json(content_type=None)
            return resp.status, body if isinstance(body, dict) else {}

    async def one_call(self) -> None:
        """Connect, talk, listen, hang up; then check that the server ended the call."""
        pc = RTCPeerConnection()
        voice = CallerVoice()
        pc.addTrack(voice)
        heard = [0]
        listeners: list[asyncio.Task[None]] = []
        connected = asyncio.Event()
        pc.on("track", lambda track: listeners.append(asyncio.create_task(_listen(track, heard))))

        @pc.on("connectionstatechange")
        def on_state() -> None:
            if pc.connectionState == "connected":
                connected.set()

        try:
            status, answer = await self._post_offer(pc)
            if status != 200:
                raise CallFailed(f"offer answered {status}")
            await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))
            try:
                await asyncio.wait_for(connected.wait(), 15)
            except TimeoutError:
                raise CallFailed("never connected") from None
            began = time.monotonic()
            mid_sentence = self.rng.random() < 0.2
            utterances = self.rng.randint(1, 3)
            for i in range(utterances):
                pcm = self.rng.choice(self.lines)
                voice.say(pcm)
                if mid_sentence and i == utterances - 1:
                    await asyncio.sleep(len(pcm) / SAMPLE_RATE * self.rng.uniform(0.2, 0.7))
                    break
                await asyncio.sleep(voice.pending_s + self.rng.uniform(1.0, 3.0))
            else:
                await asyncio.sleep(self.rng.uniform(2.0, 5.0))  # the bot's answer
            how = "mid_sentence" if mid_sentence else self.rng.choice(("delete", "close"))
            self.tally.hangups[how] += 1
            url = f"{self.calls_url}/{answer['call_id']}"
            auth = {"Authorization": f"Bearer {answer['token']}"}
            if how == "delete" or (how == "mid_sentence" and self.rng.random() < 0.5):
                async with self.http.delete(url, headers=auth) as resp:
                    hung_up = resp.status
                if hung_up != 200:  # fine only if the call had already ended
                    await self._until_ended(url, auth, within=0, why=f"hang-up got {hung_up}")
            await pc.close()
            await self._until_ended(url, auth)
            if heard[0] > 0:
                self.tally.with_bot_audio += 1
            elif time.monotonic() - began > 5:
                raise CallFailed("the bot was never heard")
        finally:
            await pc.close()
            for task in listeners:
                task.cancel()

    async def _until_ended(self, url: str, auth: dict[str, str], within: float = 20,
                           why: str = "") -> None:
        deadline = time.monotonic() + within
        while True:
            async with self.http.get(url, headers=auth) as resp:
                if resp.status == 404:  # gone: only its record remains
                    return
                state = (await resp.json()).get("state")
            if state == "ended":
                return
            if time.monotonic() > deadline:
                raise CallFailed(why or f"still '{state}' {within:.0f} s after hang-up")
            await asyncio.sleep(0.25)

    async def bad_offers(self) -> None:
        kinds = 0
        while True:
            await asyncio.sleep(self.config.bad_offer_every_s * self.rng.uniform(0.5, 1.5))
            if time.monotonic() >= self.deadline:
                return
            kind = BAD_KINDS[kinds % len(BAD_KINDS)]
            kinds += 1
            try:
                status = await self.bad_offer(kind)
            except Exception as exc:  # e.g. the connection dropped: counted as its status
                status = type(exc).__name__
            self.tally.bad(kind, status)

    async def bad_offer(self, kind: str) -> str:
        """One hostile request of ``kind``; returns the status it got."""
        self.tally.last_offer = time.monotonic()
        if kind == "not_json":
            return await self._post(b"{\"sdp\": \"v=0", "application/json")
        if kind == "oversized":
            return await self._post(json.dumps({"type": "offer", "sdp": "m=audio " + "x" * (
                200 * 1024)}).encode(), "application/json")
        if kind == "oversized_chunked":  # no Content-Length: only the bytes read can tell
            return await self._post(_chunks(2 << 20), "application/json")
        pc = RTCPeerConnection()
        try:
            if kind == "recvonly":  # a valid offer that sends nothing
                pc.addTransceiver("audio", direction="recvonly")
            else:
                pc.addTrack(CallerVoice())
            await pc.setLocalDescription(await pc.createOffer())
            sdp = pc.localDescription.sdp
            if kind == "garbage_sdp":
                sdp = self._garbage(sdp)
            body = json.dumps({"sdp": sdp, "type": "offer"}).encode()
            # A "simple" request any web page could make its visitors' browsers send.
            content_type = "text/plain" if kind == "text_plain" else "application/json"
            # Whatever comes back, this side never connects.
            return await self._post(body, content_type)
        finally:
            await pc.close()

    def _garbage(self, sdp: str) -> str:
        """A real offer broken one of several ways."""
        lines = sdp.split("\r\n")
        way = self.rng.randrange(4)
        if way == 0:  # no DTLS fingerprint
            lines = [x for x in lines if not x.startswith("a=fingerprint")]
        elif way == 1:  # no ICE credentials
            lines = [x for x in lines if not x.startswith(("a=ice-ufrag", "a=ice-pwd"))]
        elif way == 2:  # a mangled media line
            lines = [("m=audio x UDP/TLS/RTP/SAVPF ?" if x.startswith("m=audio") else x)
                     for x in lines]
        else:  # noise around the one word that is checked
            return "v=0\r\nm=audio\r\n" + "".join(self.rng.choice("a=:/ \r\n0") for _ in range(300))
        return "\r\n".join(lines)

    async def _post(self, body: bytes | AsyncIterator[bytes], content_type: str) -> str:
        try:
            async with self.http.post(self.calls_url, data=body,
                                      headers={"Content-Type": content_type}) as resp:
                await resp.read()
                return str(resp.status)
        except (ClientOSError, ServerDisconnectedError):
            return "closed"  # the server stopped reading a body it will not take: fine

    async def monitor(self) -> None:
        while True:
            await asyncio.sleep(self.config.sample_every_s)
            if time.monotonic() >= self.deadline:
                return
            await self.sample("minute")

    async def settle(self, timeout_s: float) -> int | None:
        """After the load: ``settle_s``, then until no call is live or the connect timeout
        since the last offer has passed. Returns the live calls left (lines stuck)."""
        await asyncio.sleep(self.config.settle_s)
        until = max(time.monotonic(), self.tally.last_offer + timeout_s + 5.0)
        live = await self.server.live_calls(self.http)
        while live != 0 and time.monotonic() < until:
            await asyncio.sleep(0.5)
            live = await self.server.live_calls(self.http)
        return live


async def _chunks(size: int) -> AsyncIterator[bytes]:
    """A JSON-looking body of ``size`` bytes, sent chunked."""
    yield b'{"type": "offer", "sdp": "m=audio '
    for _ in range(size // 65536):
        yield b"x" * 65536
    yield b'"}'


def _growth(first: Sample, last: Sample) -> dict[str, float | int | None]:
    out: dict[str, float | int | None] = {}
    for key in ("rss_mb", "fds", "threads", "live_calls"):
        a, b = getattr(first, key), getattr(last, key)
        out[key] = None if a is None or b is None else round(b - a, 1)
    return out


async def run_soak(config: SoakConfig, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Start the server, drive the callers for ``duration_s``, settle, stop; the report."""
    lines = await asyncio.to_thread(caller_lines, config.wav_dir)
    scratch = Path(tempfile.mkdtemp(prefix="hotline-soak-"))
    env = server_env(free_port(), scratch / "data", config.callers, config.server_env)
    timeout_s = connect_timeout(env)
    server = Server(env, scratch / "serve.log")
    say(f"hotline serve on {server.base} (pid {server.proc.pid}, log {server.log_path})")
    report: dict[str, Any] = {"minutes": round(config.duration_s / 60, 2),
                              "calls": config.callers, "server_log": str(server.log_path)}
    try:
        async with ClientSession(timeout=HTTP_TIMEOUT) as http:
            started = time.monotonic()
            await server.wait_open(http, config.startup_s)
            report["lines_open_after_s"] = round(time.monotonic() - started, 1)
            soak = Soak(config, server, http, lines, say)
            first = await soak.sample("start")
            tasks = [asyncio.create_task(soak.caller(), name=f"caller-{i}")
                     for i in range(config.callers)]
            tasks += [asyncio.create_task(soak.bad_offers(), name="bad-offers"),
                      asyncio.create_task(soak.monitor(), name="monitor")]
            await asyncio.gather(*tasks)
            load_ended = time.monotonic()
            stuck = await soak.settle(timeout_s)
            report["settled_after_s"] = round(time.monotonic() - load_ended, 1)
            last = await soak.sample("end")
            minutes = [s for s in soak.samples if s.phase == "minute"]
            tally = soak.tally
            report.update({
                "samples": [asdict(s) for s in soak.samples],
                "start": asdict(first),
                "end": asdict(last),
                "growth": _growth(first, last),
                # the first minute warms caches and thread pools up; this excludes it
                "growth_after_first_minute": _growth(minutes[0], last) if minutes else None,
                "completed": tally.completed,
                "failed": tally.failed,
                "failures": dict(tally.failures),
                "hangups": dict(tally.hangups),
                "completed_with_bot_audio": tally.with_bot_audio,
                "bad_offers": {k: dict(v) for k, v in sorted(tally.bad_offers.items())},
                "server_errors_5xx": sum(n for c in tally.bad_offers.values()
                                         for status, n in c.items() if status.startswith("5")),
                "connect_timeout_s": timeout_s,
                "lines_stuck": stuck,
            })
    finally:
        rc, took = server.stop()
        report["server_exit"] = {"status": rc, "seconds": took}
        report["server_log_errors"] = server.log_problems()
    return report


def summary_lines(report: dict[str, Any]) -> list[str]:
    growth = report["growth"]
    return [
        f"calls completed {report['completed']}, failed {report['failed']} "
        f"{report['failures'] or ''}; hang-ups {report['hangups']}",
        f"bad offers (kind → status → n): {report['bad_offers']}",
        f"growth end − start: rss {growth['rss_mb']} MB, fds {growth['fds']}, "
        f"threads {growth['threads']}, live calls {growth['live_calls']}",
        f"growth after the first minute: {report['growth_after_first_minute']}",
        f"lines stuck: {report['lines_stuck']}",
        f"server stopped (SIGTERM) with status {report['server_exit']['status']} in "
        f"{report['server_exit']['seconds']} s; error lines in its log: "
        f"{report['server_log_errors']} ({report['server_log']})",
    ]
