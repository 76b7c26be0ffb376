"""A phone call over SIP as a channel: G.711 RTP (aiortp) converted at the edge.

The caller's 8 kHz audio (jitter-buffered and loss-concealed by aiortp) is resampled to the
call's 16 kHz; RFC 4733 keys arrive as ``Digit``s in the same stream. The bot's (or an
agent's) 16 kHz frames go out as one 20 ms RTP packet every 20 ms — silence when there is
nothing to say, as phones expect, so the far end's jitter buffer and NAT bindings stay alive.
The SIP signalling is the phone line's (``hotline/phone_line.py``); this class only knows the
answered call's media and how to end it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import numpy as np

from voice.audio import PhoneRate
from voice.channels.base import Digit, Remote
from voice.channels.frame_queue import FrameQueue
from voice.frames import Pcm

log = logging.getLogger(__name__)

PHONE_RATE = 8000
PHONE_FRAME = PHONE_RATE // 50  # 20 ms
MEDIA_TIMEOUT_S = 60.0  # no packet from the phone this long (and not on hold): the line is dead
GAP_S = 0.1  # no audio packet this long: silence is filled in (see _fill_gaps)
INBOUND_QUEUED = 500  # 10 s of 20 ms packets not yet taken by the call (then the oldest go)
DIGITS = set("0123456789*#")


class RtpSender(FrameQueue):
    """The far end's loudspeaker on a phone line: 20 ms frames of 16 kHz mono in, one G.711
    packet out every 20 ms (``send`` encodes with the negotiated codec)."""

    def __init__(self, send: Callable[[bytes], Any], max_frames: int | None = None,
                 tap: Callable[[Pcm], None] | None = None) -> None:
        super().__init__(max_frames, tap)
        self._send = send
        self._rate = PhoneRate()
        self.sent_frames = 0

    def tick(self) -> None:
        """Send the next 20 ms (silence when nothing is queued)."""
        pcm = self.next_frame()
        self._send(self._rate.down(pcm).astype("<i2").tobytes())
        self.sent_frames += 1

    async def run(self) -> None:
        """One packet per 20 ms on the wall clock, for as long as the call lasts."""
        t0 = time.monotonic()
        n = 0
        while True:
            self.tick()
            n += 1
            delay = t0 + n * 0.02 - time.monotonic()
            if delay < -0.2:  # the loop stalled: start a new schedule, never send a burst
                t0, n = time.monotonic(), 0
                delay = 0.0
            await asyncio.sleep(max(0.0, delay))


class SipChannel:
    """One answered phone call's media: audio and keys in, audio out, hang-up both ways.

    ``media`` is the call's RTP session (``aiosipua.rtp_bridge.CallSession``, already
    started); ``bye`` ends the SIP dialog from this side; ``release`` gives back its ports.
    The phone line sets ``gone`` when the caller hangs up (BYE, a session that expired).
    """

    kind = "sip"

    def __init__(self, media: Any, remote: Remote, bye: Callable[[], None],
                 release: Callable[[], Awaitable[None]] | None = None,
                 out: RtpSender | None = None) -> None:
        self.media = media
        self.remote = remote
        self._bye = bye
        self._release = release
        self.connected = asyncio.Event()
        self.gone = asyncio.Event()
        self.out = out or RtpSender(self._send_pcm)
        self._in: asyncio.Queue[bytes | Digit | None] = asyncio.Queue(INBOUND_QUEUED)
        self.dropped_packets = 0
        self.on_hold = False  # the caller put us on hold (a re-INVITE): silence is expected
        self.media_timeout_s = MEDIA_TIMEOUT_S
        self._last_packet = self._last_audio = time.monotonic()
        self._closed = False
        self._peer_left = False  # a BYE came (or CANCEL, or the session expired): none back
        self._sender: asyncio.Task[None] | None = None
        self._watch: asyncio.Task[None] | None = None
        self._gaps: asyncio.Task[None] | None = None
        media.on_audio = self._on_audio
        media.on_dtmf = self._on_dtmf

    def start(self) -> None:
        """The call is answered: the bot's audio starts flowing (silence until it speaks)."""
        if self._sender is None:
            self._last_packet = time.monotonic()
            self._sender = asyncio.create_task(self.out.run(), name="sip-rtp-out")
            self._watch = asyncio.create_task(self._watch_media(), name="sip-rtp-watch")
            self._gaps = asyncio.create_task(self._fill_gaps(), name="sip-rtp-gaps")
            self.connected.set()

    async def _fill_gaps(self) -> None:
        """A phone with silence suppression (RFC 3389), or one that simply stops sending
        while the caller is quiet, sends nothing: the call still needs its time to pass
        (the end of an utterance is heard as silence), so gaps are filled with silence."""
        silence = bytes(2 * PHONE_FRAME)
        t0, n = time.monotonic(), 0
        while True:
            n += 1
            await asyncio.sleep(max(0.0, t0 + n * 0.02 - time.monotonic()))
            if time.monotonic() - self._last_audio > GAP_S:
                self._put(silence)

    async def _watch_media(self) -> None:
        """A phone that stopped sending (unplugged, a NAT binding lost, a crashed PBX) and
        never sent BYE: the call is over once nothing came for ``media_timeout_s``."""
        while not self.gone.is_set():
            await asyncio.sleep(min(5.0, self.media_timeout_s / 4))
            if self.on_hold:
                self._last_packet = time.monotonic()
            elif time.monotonic() - self._last_packet > self.media_timeout_s:
                log.info("phone call: no audio for %.0f s; the line is taken as dead",
                         self.media_timeout_s)
                self.gone.set()  # (the call ends; hang_up still says BYE to the phone)
                self._put(None)

    def _send_pcm(self, pcm: bytes) -> None:
        rtp = self.media.rtp_session
        if rtp is not None and not self._closed:
            rtp.send_audio_pcm_auto(pcm)

    def _on_audio(self, pcm: bytes, _timestamp: int) -> None:
        self._last_packet = self._last_audio = time.monotonic()
        self._put(pcm)

    def _on_dtmf(self, digit: str, _duration: int) -> None:
        self._last_packet = time.monotonic()
        if digit in DIGITS:
            self._put(Digit(digit))

    def _put(self, item: bytes | Digit | None) -> None:
        if self._in.full():  # the call fell 10 s behind: the oldest audio goes, never a key
            oldest = self._in.get_nowait()
            self.dropped_packets += 1
            if isinstance(oldest, Digit):
                with contextlib.suppress(asyncio.QueueFull):
                    self._in.put_nowait(oldest)
                return
        self._in.put_nowait(item)

    def far_end_left(self) -> None:
        """The caller hung up (BYE, CANCEL after answer, the session expired)."""
        self._peer_left = True
        self.gone.set()
        self._put(None)

    async def inbound(self) -> AsyncIterator[Pcm | Digit]:
        rate = PhoneRate()
        while True:
            item = await self._in.get()
            if item is None:
                return
            if isinstance(item, Digit):
                yield item
                continue
            samples = np.frombuffer(item, dtype="<i2")
            if len(samples):  # G.711 is 8 kHz (the line offers nothing wider)
                yield rate.up(samples)

    async def hang_up(self) -> None:
        """End the call from this side (BYE unless the caller already left) and free the
        ports; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if not self._peer_left:
            try:
                self._bye()
            except Exception:  # the dialog may already be gone; the media still closes
                log.exception("BYE could not be sent")
        self.gone.set()
        self._put(None)
        for task in (self._sender, self._watch, self._gaps):
            if task is not None and task is not asyncio.current_task():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.media.close()
        if self._release is not None:
            await self._release()
