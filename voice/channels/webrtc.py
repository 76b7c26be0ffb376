"""WebRTC (aiortc) as a channel: a browser's or any WebRTC client's call, and an agent's line."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame

from voice.audio import AudioFormatError, StreamConverter
from voice.channels.base import Digit, Remote
from voice.channels.sdp_offer import BadOffer, check_offer
from voice.channels.webrtc_audio import BotAudioTrack
from voice.frames import Pcm

log = logging.getLogger(__name__)


class WebRtcChannel:
    """One peer connection with one audio track each way. WebRTC has no DTMF here: the
    inbound stream is audio only."""

    kind = "webrtc"

    def __init__(self, pc: RTCPeerConnection, remote: Remote, out: BotAudioTrack) -> None:
        self.pc = pc
        self.remote = remote
        self.out = out
        self.track: MediaStreamTrack | None = None
        self.connected = asyncio.Event()
        self.gone = asyncio.Event()
        pc.addTrack(out)

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind == "audio" and self.track is None:
                self.track = track

        @pc.on("connectionstatechange")
        def on_state() -> None:
            if pc.connectionState == "connected":
                self.connected.set()
            elif pc.connectionState in ("failed", "closed", "disconnected"):
                self.gone.set()

    @classmethod
    async def answer(cls, offer: RTCSessionDescription, ice_servers: list[str], remote: Remote,
                     out: BotAudioTrack | None = None) -> WebRtcChannel:
        """Negotiate ``offer``; raises ``BadOffer`` (the connection closed, nothing kept)
        when it cannot become a call."""
        check_offer(offer.sdp)
        pc = RTCPeerConnection(RTCConfiguration([RTCIceServer(u) for u in ice_servers]))
        channel = cls(pc, remote, out or BotAudioTrack())
        await negotiate(pc, offer)
        return channel

    @property
    def local_description(self) -> RTCSessionDescription:
        return self.pc.localDescription

    async def inbound(self) -> AsyncIterator[Pcm | Digit]:
        if self.track is None:
            return
        converter = StreamConverter()
        try:
            while True:
                frame = await self.track.recv()
                if not isinstance(frame, AudioFrame):
                    continue
                yield converter.push(frame.to_ndarray().reshape(-1), frame.sample_rate,
                                     len(frame.layout.channels))
        except (MediaStreamError, AudioFormatError) as exc:
            log.info("webrtc audio ended (%s)", type(exc).__name__)

    async def hang_up(self) -> None:
        self.gone.set()
        await self.pc.close()


async def negotiate(pc: RTCPeerConnection, offer: RTCSessionDescription) -> None:
    """Answer ``offer`` on ``pc``; on any failure the connection is closed and ``BadOffer``
    raised, so a bad offer never holds a line."""
    try:
        await pc.setRemoteDescription(offer)
        await pc.setLocalDescription(await pc.createAnswer())
    except BaseException as exc:
        await pc.close()
        if isinstance(exc, Exception):  # aiortc raises many kinds on a malformed offer
            log.info("offer refused: %s: %s", type(exc).__name__, exc)
            raise BadOffer(f"the offer could not be negotiated ({type(exc).__name__})") \
                from exc
        raise
