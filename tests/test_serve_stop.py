"""`hotline serve` stops promptly on SIGINT/SIGTERM at any moment, and on SIGTERM lets live
calls finish first (up to HOTLINE_DRAIN_S), saving every record (real models, a real
process, aiortc callers on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack

from hotline.db import make_engine
from hotline.records import CallRecords

pytestmark = pytest.mark.models

ROOT = Path(__file__).resolve().parents[1]
HOTLINE = Path(sys.executable).parent / "hotline"
STOP_S = 5.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(tmp_path: Path, **env: str) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    full = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    full.update(HOTLINE_DATA_DIR=str(tmp_path / "data"), OMP_WAIT_POLICY="PASSIVE", **env)
    proc = subprocess.Popen([str(HOTLINE), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=full, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    return proc, f"http://127.0.0.1:{port}"


async def _health(http: ClientSession, base: str) -> dict[str, Any] | None:
    try:
        async with http.get(base + "/healthz") as resp:
            body: dict[str, Any] = await resp.json()
            return body
    except OSError:
        return None


async def _until(http: ClientSession, base: str, proc: subprocess.Popen[str],
                 ready: Any, within: float) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and proc.poll() is None:
        body = await _health(http, base)
        if body is not None and ready(body):
            return body
        await asyncio.sleep(0.1)
    proc.kill()
    raise AssertionError(f"not ready: {proc.communicate()[0][-3000:]}")


def _stopped_within(proc: subprocess.Popen[str], seconds: float) -> tuple[float, str]:
    started = time.monotonic()
    try:
        output = proc.communicate(timeout=seconds)[0]
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError(f"still running {seconds} s after the signal: "
                             f"{proc.communicate()[0][-3000:]}") from None
    return time.monotonic() - started, output


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
async def test_a_signal_while_models_load_stops_at_once(tmp_path: Path,
                                                        sig: signal.Signals) -> None:
    proc, base = _start(tmp_path)
    async with ClientSession() as http:
        body = await _until(http, base, proc, lambda b: True, 60)
    assert not body["lines_open"]  # models loading, or the fixed prompts being synthesised
    proc.send_signal(sig)
    took, output = _stopped_within(proc, STOP_S)
    assert proc.returncode == 0, output
    print(f"{sig.name} during start-up ({body['status']}): exited in {took * 1000:.0f} ms")


async def _call(http: ClientSession, base: str) -> tuple[RTCPeerConnection, dict[str, Any]]:
    pc = RTCPeerConnection()
    pc.addTrack(AudioStreamTrack())  # a caller who says nothing
    await pc.setLocalDescription(await pc.createOffer())
    async with http.post(base + "/api/calls", json={"sdp": pc.localDescription.sdp,
                                                    "type": "offer"}) as resp:
        assert resp.status == 200, await resp.text()
        answer: dict[str, Any] = await resp.json()
    await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))
    return pc, answer


async def _state(http: ClientSession, base: str, answer: dict[str, Any]) -> str:
    async with http.get(f"{base}/api/calls/{answer['call_id']}",
                        headers={"Authorization": f"Bearer {answer['token']}"}) as resp:
        state: str = (await resp.json())["state"]
        return state


async def test_sigterm_lets_live_calls_finish_then_saves_them_and_exits(
        tmp_path: Path) -> None:
    drain_s = 6.0
    proc, base = _start(tmp_path, HOTLINE_DRAIN_S=str(drain_s))
    async with ClientSession() as http:
        await _until(http, base, proc, lambda b: b.get("lines_open"), 240)
        (pc_a, a), (pc_b, b) = await _call(http, base), await _call(http, base)
        for answer in (a, b):
            for _ in range(100):
                if await _state(http, base, answer) == "bot":
                    break
                await asyncio.sleep(0.1)
            assert await _state(http, base, answer) == "bot"
        proc.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        body = await _until(http, base, proc, lambda b: b.get("draining"), 3)
        assert body["lines_open"] is False
        newcomer = RTCPeerConnection()
        newcomer.addTrack(AudioStreamTrack())
        await newcomer.setLocalDescription(await newcomer.createOffer())
        async with http.post(base + "/api/calls", json={"sdp": newcomer.localDescription.sdp,
                                                        "type": "offer"}) as resp:
            assert resp.status == 503 and "error" in await resp.json()
        assert await _state(http, base, a) == "bot"  # the live calls go on
        async with http.delete(f"{base}/api/calls/{a['call_id']}",
                               headers={"Authorization": f"Bearer {a['token']}"}) as resp:
            assert (await resp.json())["state"] == "ended"  # A hangs up during the drain
        await asyncio.sleep(1.0)
        assert proc.poll() is None  # B is still talking
    _took, output = await asyncio.to_thread(_stopped_within, proc, drain_s + STOP_S)
    assert proc.returncode == 0, output
    assert time.monotonic() - signalled >= drain_s - 0.5  # B had its drain time
    records = CallRecords(make_engine(f"sqlite:///{tmp_path / 'data' / 'hotline.db'}"))
    for answer in (a, b):
        record = records.get(answer["call_id"])
        assert record is not None and record.transcript, output[-2000:]
    for pc in (pc_a, pc_b, newcomer):
        await pc.close()
    print(f"SIGTERM with 2 live calls: exited {time.monotonic() - signalled:.1f} s later "
          f"(drain {drain_s:.0f} s)")
