"""Asterisk AudioSocket: one side of a call that a PBX copies to us over TCP, listen-only.

The protocol (Asterisk's ``app_audiosocket`` / ``chan_audiosocket``): a stream of messages,
each a kind (1 byte), a payload length (2 bytes, big-endian) and the payload. The first
message names the call (``UUID``, 16 bytes); then ``AUDIO`` messages carry signed-linear
16-bit little-endian mono at 8 kHz (Asterisk sends 20 ms, 320 bytes), ``DTMF`` a key, and
``HANGUP`` (or the connection closing) ends it. We never send audio back: the AI only listens.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable

import numpy as np

from voice.audio import PhoneRate
from voice.channels.base import Digit, Remote
from voice.frames import Pcm

log = logging.getLogger(__name__)

KIND_HANGUP = 0x00
KIND_UUID = 0x01
KIND_DTMF = 0x03
KIND_AUDIO = 0x10
KIND_ERROR = 0xFF
MAX_PAYLOAD = 8000  # half a second of audio; Asterisk sends 320 bytes: more is no AudioSocket
FIRST_MESSAGE_S = 5.0  # the UUID comes at once, or the connection is not a PBX's
QUEUED = 500  # 10 s of 20 ms frames not yet taken by the call: the oldest are dropped
DIGITS = frozenset("0123456789*#ABCD")


class ProtocolError(Exception):
    """Not AudioSocket (or a broken stream): the connection is closed."""


def message(kind: int, payload: bytes = b"") -> bytes:
    """One AudioSocket message (for the PBX side of tests and tools)."""
    return bytes([kind]) + len(payload).to_bytes(2, "big") + payload


async def read_message(reader: asyncio.StreamReader, within: float) -> tuple[int, bytes]:
    """The next message; ``TimeoutError`` when none comes ``within`` seconds,
    ``asyncio.IncompleteReadError`` when the stream ends, ``ProtocolError`` when it is
    not AudioSocket."""
    header = await asyncio.wait_for(reader.readexactly(3), within)
    kind, length = header[0], int.from_bytes(header[1:3], "big")
    if length > MAX_PAYLOAD:
        raise ProtocolError(f"a message of {length} bytes")
    payload = await asyncio.wait_for(reader.readexactly(length), within) if length else b""
    return kind, payload


async def read_call_id(reader: asyncio.StreamReader) -> str:
    """The call's UUID, from the first message (as text: 8-4-4-4-12 hex)."""
    kind, payload = await read_message(reader, FIRST_MESSAGE_S)
    if kind != KIND_UUID or len(payload) != 16:
        raise ProtocolError("the first message is not a UUID")
    return str(uuid.UUID(bytes=payload))


class NullSink:
    """Listen-only: whatever the call would say is dropped (nobody hears the AI)."""

    tap: Callable[[Pcm], None] | None = None

    async def play(self, pcm: Pcm) -> None:
        pass

    def relay(self, pcm: Pcm) -> None:
        pass

    def clear(self) -> None:
        pass

    @property
    def pending_seconds(self) -> float:
        return 0.0


class TapLeg:
    """One side of a tapped call (the caller's or the agent's voice) as a channel."""

    kind = "audiosocket"

    def __init__(self, remote: Remote, close: Callable[[], None] = lambda: None) -> None:
        self.remote = remote
        self.connected = asyncio.Event()
        self.gone = asyncio.Event()
        self.out = NullSink()
        self.dropped = 0
        self._close = close
        self._in: asyncio.Queue[Pcm | Digit | None] = asyncio.Queue(QUEUED)
        self._rate = PhoneRate()

    async def serve(self, reader: asyncio.StreamReader, idle_s: float) -> None:
        """Read the PBX's messages into the leg until hang-up, the end of the stream, a
        protocol error, or ``idle_s`` without a message (a PBX that vanished)."""
        try:
            while True:
                kind, payload = await read_message(reader, idle_s)
                if kind == KIND_AUDIO:
                    if len(payload) % 2:
                        raise ProtocolError("half a sample")
                    self.connected.set()
                    self._put(self._rate.up(np.frombuffer(payload, dtype="<i2")))
                elif kind == KIND_DTMF and payload[:1].decode("ascii", "replace") in DIGITS:
                    self._put(Digit(payload[:1].decode("ascii")))
                elif kind == KIND_HANGUP:
                    return
                elif kind == KIND_ERROR:
                    log.info("audiosocket: the PBX reported error %s", payload[:1].hex())
                    return
                # (a second UUID or an unknown kind: ignored, as Asterisk does)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            self.end()

    def _put(self, item: Pcm | Digit) -> None:
        if self._in.full():  # the call fell behind: the oldest audio goes
            self._in.get_nowait()
            self.dropped += 1
        self._in.put_nowait(item)

    def end(self) -> None:
        if not self.gone.is_set():
            self.gone.set()
            if self._in.full():
                self._in.get_nowait()
            self._in.put_nowait(None)

    async def inbound(self) -> AsyncIterator[Pcm | Digit]:
        while True:
            item = await self._in.get()
            if item is None:
                return
            yield item

    async def hang_up(self) -> None:
        """Stop listening (the PBX's call goes on: only our copy ends)."""
        self.end()
        self._close()
