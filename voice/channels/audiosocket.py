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

from voice.channels.listen_only import TapLeg

log = logging.getLogger(__name__)

KIND_HANGUP = 0x00
KIND_UUID = 0x01
KIND_DTMF = 0x03
KIND_AUDIO = 0x10
KIND_ERROR = 0xFF
MAX_PAYLOAD = 8000  # half a second of audio; Asterisk sends 320 bytes: more is no AudioSocket
FIRST_MESSAGE_S = 5.0  # the UUID comes at once, or the connection is not a PBX's
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


async def serve(leg: TapLeg, reader: asyncio.StreamReader, idle_s: float) -> None:
    """Read the PBX's messages into ``leg`` until hang-up, the end of the stream, a protocol
    error, or ``idle_s`` without a message (a PBX that vanished)."""
    try:
        while True:
            kind, payload = await read_message(reader, idle_s)
            if kind == KIND_AUDIO:
                if len(payload) % 2:
                    raise ProtocolError("half a sample")
                leg.feed(payload)
            elif kind == KIND_DTMF and payload[:1].decode("ascii", "replace") in DIGITS:
                leg.key(payload[:1].decode("ascii"))
            elif kind == KIND_HANGUP:
                return
            elif kind == KIND_ERROR:
                log.info("audiosocket: the PBX reported error %s", payload[:1].hex())
                return
            # (a second UUID or an unknown kind: ignored, as Asterisk does)
    except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
        return
    finally:
        leg.end()
