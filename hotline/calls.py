"""Live calls over WebRTC (aiortc): ``POST /api/calls`` and ``GET /api/calls/{call_id}``.

Each call gets a peer connection, the speech pipeline and its own dialog manager. Audio from
the caller is converted once at the edge; the bot's audio goes back on one outgoing track.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fractions
import hmac
import logging
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from aiohttp import web
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, MediaStreamTrack
from av import AudioFrame

from dialog.manager import DialogManager
from hotline.brain import DialogBrain
from hotline.dialogs import DialogFactory
from hotline.records import CallRecord, CallRecords
from voice.asr import Recognizer
from voice.audio import AudioFormatError, StreamConverter
from voice.frames import FRAME_SAMPLES, SAMPLE_RATE, Pcm
from voice.pipeline import CallPipeline, PipelineConfig
from voice.tts import VoiceBox

log = logging.getLogger(__name__)

MAX_SDP_BYTES = 64 * 1024
BUSY = (("目前線路忙碌中，請稍後再撥，謝謝。", "zh"),
        ("All our lines are busy. Please call again later.", "en"))


class BotAudioTrack(AudioStreamTrack):
    """The bot's voice as a WebRTC track; also the pipeline's ``AudioSink``."""

    def __init__(self) -> None:
        super().__init__()
        self._frames: deque[Pcm] = deque()
        self._t0: float | None = None
        self._sent = 0

    async def play(self, pcm: Pcm) -> None:
        self._frames.append(pcm)

    def clear(self) -> None:
        self._frames.clear()

    @property
    def pending_seconds(self) -> float:
        """Audio queued but not yet sent."""
        return len(self._frames) * FRAME_SAMPLES / SAMPLE_RATE

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._t0 is None:
            self._t0 = time.time()
        else:  # one 20 ms frame per 20 ms
            await asyncio.sleep(max(0.0, self._t0 + self._sent * 0.02 - time.time()))
        pcm = self._frames.popleft() if self._frames else np.zeros(FRAME_SAMPLES, np.int16)
        if len(pcm) < FRAME_SAMPLES:
            pcm = np.concatenate([pcm, np.zeros(FRAME_SAMPLES - len(pcm), np.int16)])
        frame = AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._sent * FRAME_SAMPLES
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self._sent += 1
        return frame


@dataclass
class Call:
    call_id: str
    token: str
    pc: RTCPeerConnection
    manager: DialogManager
    pipeline: CallPipeline
    out: BotAudioTrack
    started: float = field(default_factory=time.monotonic)
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    closing: asyncio.Task[None] | None = None
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def ended(self) -> bool:
        return self.finished.is_set()

    @property
    def state(self) -> str:
        if self.ended:
            return "ended"
        if self.manager.state.handoff is not None:
            return "waiting_agent"
        return "bot" if self.tasks else "ringing"

    def as_json(self) -> dict[str, Any]:
        st = self.manager.state
        return {
            "state": self.state,
            "outcome": st.outcome.value if st.transcript[1:] else None,
            "case_number": st.case.number if st.case else None,
            "transcript": [{"who": t["who"], "text": t["text"], "t": t["t"]}
                           for t in st.transcript],
        }


class CallService:
    """Every live call of this process."""

    def __init__(self, factory: DialogFactory, asr: Recognizer, voices: VoiceBox,
                 ice_servers: list[str], max_calls: int,
                 records: CallRecords | None = None) -> None:
        self.factory = factory
        self.records = records
        self.asr = asr
        self.voices = voices
        self.ice_servers = ice_servers
        self.max_calls = max_calls
        self.calls: dict[str, Call] = {}

    @property
    def live(self) -> int:
        return sum(1 for c in self.calls.values() if not c.ended)

    async def answer_busy(self, offer: RTCSessionDescription) -> Call:
        """At capacity: answer, say the lines are busy, hang up — never a dead line."""
        call = await self.answer(offer, listen=False)
        call.tasks.add(asyncio.create_task(self._busy(call), name="busy"))
        return call

    async def _busy(self, call: Call) -> None:
        try:
            for text, lang in BUSY:
                speech = await asyncio.to_thread(self.voices.synthesize, text, lang)
                for start in range(0, len(speech.pcm), FRAME_SAMPLES):
                    await call.out.play(speech.pcm[start:start + FRAME_SAMPLES])
                call.manager.state.transcript.append(
                    {"who": "bot", "text": text, "t": round(time.monotonic() - call.started, 3)})
            await asyncio.sleep(call.out.pending_seconds + 0.5)  # until it has been played
        finally:
            await self._finish(call)

    async def _finish(self, call: Call) -> None:
        """The call is over (hang-up, pipeline end or shutdown, whichever comes first):
        every path waits for the one closing, so none reports "ended" before the record."""
        if call.closing is None:
            call.closing = asyncio.create_task(self._close(call), name="close-call")
        await asyncio.shield(call.closing)

    async def _close(self, call: Call) -> None:
        """Keep the call's record, then show it ended and close the connection."""
        if self.records is not None:
            st = call.manager.state
            record = CallRecord(
                call.call_id, call.started_at, dt.datetime.now(dt.UTC), st.outcome.value,
                st.case.number if st.case else None, st.emergency,
                st.handoff.reason.value if st.handoff else None, "bot", list(st.transcript))
            try:
                await asyncio.to_thread(self.records.save, record)
            except Exception:  # the call is over either way; say so loudly
                log.exception("could not save the record of call %s", call.call_id)
        call.finished.set()
        await call.pc.close()

    async def answer(self, offer: RTCSessionDescription, listen: bool = True) -> Call:
        config = RTCConfiguration([RTCIceServer(u) for u in self.ice_servers])
        pc = RTCPeerConnection(config)
        call_id = secrets.token_hex(8)
        manager = self.factory.new(call_id)
        out = BotAudioTrack()
        pipeline = CallPipeline(DialogBrain(manager), self.asr, self.voices, out,
                                PipelineConfig())
        call = Call(call_id, secrets.token_urlsafe(24), pc, manager, pipeline, out)
        self.calls[call_id] = call
        pc.addTrack(out)

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if listen and track.kind == "audio" and not call.tasks:
                call.tasks.add(asyncio.create_task(self._listen(call, track), name="rx"))
                call.tasks.add(asyncio.create_task(self._run(call), name="call"))

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState in ("failed", "closed", "disconnected"):
                await self.end(call)

        await pc.setRemoteDescription(offer)
        await pc.setLocalDescription(await pc.createAnswer())
        return call

    async def _listen(self, call: Call, track: MediaStreamTrack) -> None:
        converter = StreamConverter()
        try:
            while True:
                frame = await track.recv()
                if not isinstance(frame, AudioFrame):
                    continue
                samples = frame.to_ndarray().reshape(-1)
                channels = len(frame.layout.channels)
                await call.pipeline.push(converter.push(samples, frame.sample_rate, channels))
        except (MediaStreamError, AudioFormatError) as exc:
            log.info("call %s: caller audio ended (%s)", call.call_id, type(exc).__name__)
        finally:
            await call.pipeline.end_of_input()

    async def _run(self, call: Call) -> None:
        try:
            await call.pipeline.run()
        finally:
            await self._finish(call)

    async def end(self, call: Call) -> None:
        await call.pipeline.end_of_input()
        await self._finish(call)
        for task in list(call.tasks):
            if task is not asyncio.current_task():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def close(self) -> None:
        for call in list(self.calls.values()):
            await self.end(call)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def post_call(request: web.Request, service: CallService) -> web.Response:
    if request.content_length is not None and request.content_length > MAX_SDP_BYTES:
        return _error(413, "offer too large")
    try:
        body = await request.json()
    except ValueError:
        return _error(400, "body must be JSON: {\"sdp\": \"…\", \"type\": \"offer\"}")
    if not isinstance(body, dict) or body.get("type") != "offer" or not isinstance(
            body.get("sdp"), str) or "m=audio" not in body["sdp"]:
        return _error(400, "expected {\"sdp\": <an SDP offer with audio>, \"type\": \"offer\"}")
    busy = service.live >= service.max_calls
    try:
        offer = RTCSessionDescription(sdp=body["sdp"], type="offer")
        call = await (service.answer_busy(offer) if busy else service.answer(offer))
    except (ValueError, AttributeError) as exc:
        return _error(400, f"malformed SDP: {exc}")
    local = call.pc.localDescription
    return web.json_response({"sdp": local.sdp, "type": local.type, "call_id": call.call_id,
                              "token": call.token})


def _authorised(request: web.Request, service: CallService) -> Call | web.Response:
    call = service.calls.get(request.match_info["call_id"])
    auth = request.headers.get("Authorization", "")
    if call is None:
        return _error(404, "no such call")
    if not hmac.compare_digest(auth, f"Bearer {call.token}"):
        return _error(401, "a valid Bearer token is needed")
    return call


async def get_call(request: web.Request, service: CallService) -> web.Response:
    call = _authorised(request, service)
    return call if isinstance(call, web.Response) else web.json_response(call.as_json())


async def delete_call(request: web.Request, service: CallService) -> web.Response:
    """The caller hangs up (the page sends this when it closes)."""
    call = _authorised(request, service)
    if isinstance(call, web.Response):
        return call
    await service.end(call)
    return web.json_response(call.as_json())
