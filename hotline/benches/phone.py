"""``bench phone``: scenarios as real phone calls over SIP and RTP, on the wall clock — and,
for comparison, the same lines as WebRTC calls (aiortc) to the same service.

The service's phone line (``hotline/phone_line.py``, the real models) listens on 127.0.0.1; a
phone made of the same SIP stack (aiosipua) and RTP (aiortp, G.711 μ-law) dials it for each
scenario, waits for the greeting, says each line as paced 20 ms packets once the bot has
gone quiet (as the scripted caller does), and times what comes back: INVITE → 200, 200 → the
greeting's first voiced packet, and for each answer the end of the caller's line → the first
voiced packet of the answer (voice-to-voice as heard on the phone, network and jitter buffer
included). The calls' outcomes are checked against each scenario's ``expect``.

The WebRTC caller (``webrtc_call``) offers to the service like a browser (``answer``), says
the same lines on a paced track and times the answers the same way: the two transports side
by side on the same machine in the same run.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiortp
import numpy as np
import numpy.typing as npt
from aiortc import RTCPeerConnection
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiosipua import SipUAC, SipUAS
from aiosipua.sdp_negotiate import build_sdp
from av import AudioFrame

from hotline.calls import Call, CallService
from hotline.phone_line import PhoneLine, PhoneLineSettings
from hotline.simulate import Run, Scenario, percentile, result_json
from voice.audio import PhoneRate
from voice.channels.sip_stack import Garbage, LineUdpTransport
from voice.channels.webrtc_audio import BotAudioTrack
from voice.frames import FRAME_SAMPLES, Pcm

VOICED = 500  # a decoded 20 ms packet louder than this is speech, not line noise
QUIET_S = 1.5  # the bot has finished once nothing voiced came for this long (its sentences
# are made one by one: a long one may leave a second of silence before it)
PATIENCE_S = 15.0  # a caller who hears nothing says the next line anyway
GREETING_S = 60.0  # (the greeting, with the data-protection notice, is long: heard out)


@dataclass
class PhoneRun:
    result: dict[str, Any]
    bot_lines: list[str]
    invite_to_200_ms: float
    greeting_first_rtp_ms: float | None
    voice_to_voice_ms: list[float] = field(default_factory=list)

    def as_run(self) -> Run:
        return Run(self.result, bot_lines=self.bot_lines)


class _Ear:
    """The phone's loudspeaker: when voiced audio last arrived, and when it first did after
    a moment of interest."""

    def __init__(self) -> None:
        self.last_voiced = 0.0
        self.voiced: list[float] = []

    def __call__(self, pcm: bytes, _ts: int) -> None:
        self.hear(np.frombuffer(pcm, dtype="<i2"))

    def hear(self, samples: npt.NDArray[Any]) -> None:
        if np.abs(samples).max(initial=0) > VOICED:
            now = time.monotonic()
            self.last_voiced = now
            self.voiced.append(now)

    def first_after(self, t: float) -> float | None:
        return next((v for v in self.voiced if v > t), None)

    async def quiet(self, since: float, patience: float = PATIENCE_S) -> None:
        """Until the bot has said something after ``since`` and then gone quiet (or the
        caller's patience ran out)."""
        deadline = since + patience
        while time.monotonic() < deadline:
            if self.last_voiced > since and time.monotonic() - self.last_voiced > QUIET_S:
                return
            await asyncio.sleep(0.05)


def _free_port(even: bool = False) -> int:
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if not even or port % 2 == 0:
            return port
    raise RuntimeError("no free port")


async def _converse(ear: _Ear, answered: float, lines: list[Pcm],
                    say: Callable[[Pcm], Awaitable[float]]) -> tuple[float | None, list[float]]:
    """Hear the greeting out, then say each line once the bot has gone quiet: when the
    greeting's first voice came, and each answer's voice-to-voice in ms."""
    await ear.quiet(answered, GREETING_S)
    greeting = ear.first_after(answered)
    v2v: list[float] = []
    for pcm in lines:
        end = await say(pcm)
        await ear.quiet(end)
        first = ear.first_after(end)
        if first is not None:
            v2v.append((first - end) * 1000)
    return greeting, v2v


async def _say(rtp: Any, pcm16k: Pcm) -> float:
    """Send a line as 20 ms G.711 packets in real time; when its last voiced frame went."""
    rate = PhoneRate()
    t0 = time.monotonic()
    last_voiced = t0
    for i in range(0, len(pcm16k) - FRAME_SAMPLES + 1, FRAME_SAMPLES):
        frame = pcm16k[i:i + FRAME_SAMPLES]
        rtp.send_audio_pcm_auto(rate.down(frame).astype("<i2").tobytes())
        if np.abs(frame).max(initial=0) > VOICED:
            last_voiced = time.monotonic()
        await asyncio.sleep(max(0.0, t0 + (i // FRAME_SAMPLES + 1) * 0.02 - time.monotonic()))
    return last_voiced


async def phone_call(target: tuple[str, int], line: PhoneLine, scenario: Scenario,
                     lines: list[Pcm]) -> PhoneRun:
    """One scenario as a phone call to ``target``."""
    sip_port, rtp_port = _free_port(), _free_port(even=True)
    transport = LineUdpTransport(local_addr=("127.0.0.1", sip_port))
    transport.garbage = Garbage()
    uac = SipUAC(transport)
    phone = SipUAS(transport, uac=uac)  # (answers the bot's BYE)
    await phone.start()
    ear = _Ear()
    rtp = None
    try:
        offer = build_sdp("127.0.0.1", rtp_port, 0, "PCMU")
        t_invite = time.monotonic()
        outgoing = uac.send_invite(f"sip:0911000{sip_port % 1000:03d}@127.0.0.1:{sip_port}",
                                   f"sip:1999@{target[0]}:{target[1]}", target, offer)
        await outgoing.wait_answered(30)
        t_200 = time.monotonic()
        call: Call | None = None
        leg = line.legs.get(outgoing.dialog.call_id)
        if leg is not None:
            call = leg.call
        answer = outgoing.sdp_answer
        assert answer is not None and answer.rtp_address is not None
        rtp = await aiortp.RTPSession.create(
            local_addr=("127.0.0.1", rtp_port), remote_addr=answer.rtp_address,
            payload_type=0, clock_rate=8000, skip_audio_gaps=True)
        rtp.on_audio = ear
        greeting, v2v = await _converse(ear, t_200, lines, lambda pcm: _say(rtp, pcm))
        outgoing.hangup(uac)
        if call is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(call.finished.wait(), 30)
        state = call.manager.state if call is not None else None
        result = result_json(scenario.id, state, []) if state is not None else \
            {"id": scenario.id, "outcome": None}
        bot_lines = [t.text for t in state.transcript if t.who == "bot"] if state else []
        return PhoneRun(result, bot_lines, (t_200 - t_invite) * 1000,
                        None if greeting is None else (greeting - t_200) * 1000, v2v)
    finally:
        if rtp is not None:
            await rtp.close()
        await phone.stop()


async def webrtc_call(service: CallService, scenario: Scenario, lines: list[Pcm]) -> PhoneRun:
    """One scenario as a WebRTC call (aiortc, as a browser would) to ``service``."""
    pc = RTCPeerConnection()
    mic = BotAudioTrack()  # the caller's voice, one 20 ms frame per 20 ms
    pc.addTrack(mic)
    ear = _Ear()
    listening: list[asyncio.Task[None]] = []

    async def listen(track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                if isinstance(frame, AudioFrame):
                    ear.hear(frame.to_ndarray().reshape(-1))

    pc.on("track", lambda track: listening.append(asyncio.create_task(listen(track))))
    try:
        await pc.setLocalDescription(await pc.createOffer())
        t_offer = time.monotonic()
        call, answer = await service.answer(pc.localDescription, "127.0.0.1")
        await pc.setRemoteDescription(answer)
        t_answer = time.monotonic()
        greeting, v2v = await _converse(ear, t_answer, lines,
                                        lambda pcm: _say_webrtc(mic, pcm))
        await service.end(call)
        state = call.manager.state
        return PhoneRun(result_json(scenario.id, state, []),
                        [t.text for t in state.transcript if t.who == "bot"],
                        (t_answer - t_offer) * 1000,
                        None if greeting is None else (greeting - t_answer) * 1000, v2v)
    finally:
        for task in listening:
            task.cancel()
        await pc.close()


async def _say_webrtc(mic: BotAudioTrack, pcm16k: Pcm) -> float:
    """Queue a line on the caller's track (sent at one frame per 20 ms); when its last
    voiced frame went out."""
    t0 = time.monotonic() + mic.pending_seconds
    last = 0
    for n, i in enumerate(range(0, len(pcm16k) - FRAME_SAMPLES + 1, FRAME_SAMPLES)):
        frame = pcm16k[i:i + FRAME_SAMPLES]
        await mic.play(frame)
        if np.abs(frame).max(initial=0) > VOICED:
            last = n + 1
    await asyncio.sleep(mic.pending_seconds)
    return t0 + last * 0.02


async def run_webrtc_bench(service: CallService, items: list[tuple[Scenario, list[Pcm]]],
                           concurrency: int = 1) -> list[PhoneRun]:
    """The same scenarios as WebRTC calls to ``service``."""
    slots = asyncio.Semaphore(concurrency)

    async def one(scenario: Scenario, lines: list[Pcm]) -> PhoneRun:
        async with slots:
            return await webrtc_call(service, scenario, lines)

    try:
        return list(await asyncio.gather(*(one(sc, lines) for sc, lines in items)))
    finally:
        await service.close()


async def run_phone_bench(service: CallService, items: list[tuple[Scenario, list[Pcm]]],
                          concurrency: int = 1) -> list[PhoneRun]:
    """The scenarios as phone calls to a phone line opened on ``service`` for the bench."""
    port = _free_port()
    line = PhoneLine(service, PhoneLineSettings(port=port, transports=("udp",),
                                                rtp_ports=(46000, 46999), ring_s=0.0))
    await line.start()
    slots = asyncio.Semaphore(concurrency)

    async def one(scenario: Scenario, lines: list[Pcm]) -> PhoneRun:
        async with slots:
            return await phone_call(("127.0.0.1", port), line, scenario, lines)

    try:
        return list(await asyncio.gather(*(one(sc, lines) for sc, lines in items)))
    finally:
        await service.close()
        await line.stop()


def phone_summary(runs: list[PhoneRun]) -> dict[str, Any]:
    def stats(values: list[float]) -> dict[str, float | None]:
        p50, p95 = percentile(values, 50), percentile(values, 95)
        return {"p50": None if p50 is None else round(p50, 1),
                "p95": None if p95 is None else round(p95, 1)}

    return {
        "calls": len(runs),
        # SIP: INVITE → 200 OK; WebRTC: the offer posted → the answer
        "invite_to_200_ms": stats([r.invite_to_200_ms for r in runs]),
        "greeting_first_rtp_ms": stats([r.greeting_first_rtp_ms for r in runs
                                        if r.greeting_first_rtp_ms is not None]),
        "voice_to_voice_ms": stats([v for r in runs for v in r.voice_to_voice_ms]),
        "answers": sum(len(r.voice_to_voice_ms) for r in runs),
    }


def scenario_paths(folders: list[Path]) -> list[Path]:
    return sorted(p for f in folders for p in (f.glob("*.json") if f.is_dir() else [f]))
