"""The seam between a transport and a call: what a call needs of a channel, nothing more.

A channel brings the caller's audio in (16 kHz mono s16, converted once at its edge, in any
length), DTMF digits where the transport has them, and the end of the call from the far side;
it takes the bot's (or an agent's) audio out through a sink that a barge-in can clear; and it
says who is calling. WebRTC is one channel, a scripted file caller another; the phone line
plugs in as one more. Channels never import the dialog.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Protocol

from voice.frames import Pcm


@dataclass(frozen=True)
class Remote:
    """Who is on the other end, as far as the transport knows."""

    address: str  # the client's network address (per-address limits, logs)
    caller_id: str | None = None  # a phone number, where the transport gives one


@dataclass(frozen=True)
class Digit:
    """A key the caller pressed (0-9, *, #)."""

    key: str


class Outbound(Protocol):
    """Audio to the far end, in 20 ms frames of 16 kHz mono."""

    tap: Callable[[Pcm], None] | None  # sees every frame as it is sent (the recording)

    async def play(self, pcm: Pcm) -> None:
        """One frame of the bot's voice (the pipeline paces them)."""

    def relay(self, pcm: Pcm) -> None:
        """Live audio of any length (another person's voice), cut into frames."""

    def clear(self) -> None:
        """Drop what is queued but not yet sent (a barge-in, a hand-over)."""

    @property
    def pending_seconds(self) -> float:
        """Audio queued but not yet sent."""


class Channel(Protocol):
    kind: str  # "webrtc", "file", "sip": the metrics' channel label
    remote: Remote
    connected: asyncio.Event  # the media path is up
    gone: asyncio.Event  # the far end left, or the path failed

    @property
    def out(self) -> Outbound:
        """The far end's loudspeaker."""

    def inbound(self) -> AsyncIterator[Pcm | Digit]:
        """The caller's audio and keys, in order; it ends when the caller hangs up."""

    async def hang_up(self) -> None:
        """End the call from this side and free the transport (safe to call twice)."""
