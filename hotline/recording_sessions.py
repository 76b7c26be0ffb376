"""SIPREC on the phone line: a PBX's recording session of a call an agent answers on a desk
phone, taken as a listen-only call for the agent's assist.

The recording INVITE (see ``voice.channels.siprec``) offers two ``sendonly`` G.711 streams,
one per side; each gets an RTP port and is answered ``recvonly``. The metadata says who sends
which stream: a participant whose address names an active agent account (``sip:alice@pbx``)
is the agent, the other the caller (their number is the caller id). Without such a
participant the first stream is taken as the caller's and nobody's console shows the call.
The call ends with the recording client's BYE (or ours when the agent stops listening).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiortp.port_allocator import PortAllocator
from aiosipua import IncomingCall
from aiosipua.rtp_bridge import CallSession
from aiosipua.sdp import SdpMessage
from aiosipua.sdp_negotiate import SdpNegotiationError

from hotline.calls import Call, CallService
from hotline.desk.accounts import Agent
from voice.channels.base import Remote
from voice.channels.listen_only import TapLeg
from voice.channels.siprec import Participant, RecordingMetadata

log = logging.getLogger(__name__)

G711 = [0, 8]


@dataclass
class Recording:
    """One recording session: its media, its two sides, the call."""

    incoming: IncomingCall
    media: list[CallSession]
    ports: list[int]
    bye: Callable[[], None] = lambda: None
    legs: list[TapLeg] = field(default_factory=list)
    call: Call | None = None
    over: bool = False  # a BYE went, or came: no other
    answer: SdpMessage | None = None
    agent: Agent | None = None
    agent_side: int = 1

    def hang_up(self) -> None:
        """Our side ends the session (the agent stopped listening, shutdown): one BYE."""
        if not self.over:
            self.over = True
            self.bye()


@dataclass
class RecordingSessions:
    service: CallService
    ports: PortAllocator
    host: str
    advertise: str | None
    agent_named: Callable[[str], Agent | None]  # an account by name (blocking: a look-up)
    media_timeout_s: float = 60.0  # no audio on either stream this long: the client is gone
    sessions: dict[str, Recording] = field(default_factory=dict)
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    async def answer(self, incoming: IncomingCall, offer: SdpMessage,
                     metadata: RecordingMetadata, bye: Callable[[], None],
                     still_offered: Callable[[], bool] = lambda: True) -> None:
        """Answer a recording INVITE (``still_offered``: false once the client CANCELled)."""
        streams = [m for m in offer.media if m.media == "audio"]
        if self.service.live > self.service.max_calls:  # (this one is counted already)
            incoming.reject(486, "Busy Here")  # the agent takes the call without us
            return
        if len(streams) != 2:
            incoming.reject(488, "Not Acceptable Here (a recording needs two audio streams)")
            return
        recording = await self._media(incoming, offer, streams)
        if recording is None:
            return
        recording.bye = bye
        try:
            answered = await self._start(recording, incoming, streams, metadata,
                                         still_offered)
        except Exception:  # (an account look-up that failed, …): answered, nothing kept
            log.exception("recording session %s could not start", incoming.call_id[:12])
            incoming.reject(500, "Server Internal Error")
            answered = False
        if not answered:
            await self._release(recording)
            return
        self._open(recording)

    async def _start(self, recording: Recording, incoming: IncomingCall, streams: list[Any],
                     metadata: RecordingMetadata, still_offered: Callable[[], bool]) -> bool:
        """Who is who, the two sides, their RTP running, the 200 (False: refused)."""
        senders = [metadata.sender(_label(m)) for m in streams]
        recording.agent, recording.agent_side = await self._agent(senders)
        caller = senders[1 - recording.agent_side]
        address = incoming.source_addr[0]
        recording.legs = [
            TapLeg(Remote(address, None if i == recording.agent_side else _number(caller)),
                   close=recording.hang_up, kind="siprec") for i in range(2)]
        recording.answer = dataclasses.replace(recording.media[0].sdp_answer, media=[
            _labelled(session.sdp_answer.media[0], _label(stream))
            for session, stream in zip(recording.media, streams, strict=True)])
        try:
            for session, leg in zip(recording.media, recording.legs, strict=True):
                session.on_audio = lambda pcm, _ts, leg=leg: leg.feed(pcm)
                await session.start()
        except OSError:
            incoming.reject(503, "Service Unavailable (media port)")
            return False
        if not still_offered():  # CANCEL (487 sent) meanwhile
            return False
        incoming.accept(recording.answer)
        return True

    def _open(self, recording: Recording) -> None:
        """The answered session as a listen-only call (the agent's, when named)."""
        call_id = recording.incoming.call_id
        agent, agent_side = recording.agent, recording.agent_side
        self.sessions[call_id] = recording
        call = recording.call = self.service.open_tap(recording.legs[1 - agent_side])
        call.connected.set()  # (a side may be silent for a while: the line is up)
        self.service.tap_agent_line(call, recording.legs[agent_side])
        if agent is not None:
            self.service.tap_agent(call, agent)
        log.info("recording session %s: %s", call_id[:12],
                 f"agent {agent.name}" if agent else "no agent named in the metadata")
        for work, name in ((self._forget(call_id, call), "siprec-forget"),
                           (self._watch(recording), "siprec-watch")):
            task = asyncio.create_task(work, name=name)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _watch(self, recording: Recording) -> None:
        """A recording client that stopped sending on both streams (crashed, its BYE lost)
        is gone: the session ends (our BYE), its ports and line freed."""
        while not recording.over:
            await asyncio.sleep(min(5.0, self.media_timeout_s / 4))
            quiet = time.monotonic() - max(leg.last_audio for leg in recording.legs)
            if quiet > self.media_timeout_s and not recording.over:
                log.info("recording session %s: no audio for %.0f s; ended",
                         recording.incoming.call_id[:12], quiet)
                recording.hang_up()
                for leg in recording.legs:
                    leg.end()

    async def _media(self, incoming: IncomingCall, offer: SdpMessage,
                     streams: list[Any]) -> Recording | None:
        """A port and an RTP session for each stream (answered 488/503 when not)."""
        recording = Recording(incoming, [], [])
        for stream in streams:
            try:
                port, _rtcp = await self.ports.allocate()
            except RuntimeError:
                await self._release(recording)
                incoming.reject(503, "Service Unavailable (no media port)")
                return None
            recording.ports.append(port)
            try:
                recording.media.append(CallSession(
                    self.host, port, dataclasses.replace(offer, media=[stream]),
                    advertised_ip=self.advertise, supported_codecs=G711,
                    skip_audio_gaps=True))
            except (SdpNegotiationError, ValueError) as exc:
                await self._release(recording)
                log.info("recording offer refused: %s", exc)
                incoming.reject(488, "Not Acceptable Here")
                return None
        return recording

    async def _agent(self, senders: list[Participant | None]) -> tuple[Agent | None, int]:
        """The agent among the senders (an active account by their address's user), and
        which stream is theirs. Exactly one side must name an agent: when neither or both do
        (a caller whose address looks like an account, a call between two agents), nobody
        is named (the second stream is taken as the agent's side)."""
        found = []
        for side, sender in enumerate(senders):
            if sender is not None and sender.user:
                agent = await asyncio.to_thread(self.agent_named, sender.user)
                if agent is not None:
                    found.append((agent, side))
        return found[0] if len(found) == 1 else (None, 1)

    def far_end_left(self, call_id: str) -> bool:
        """The recording client's BYE: both sides end (and the call with them)."""
        recording = self.sessions.get(call_id)
        if recording is None:
            return False
        recording.over = True
        for leg in recording.legs:
            leg.end()
        return True

    async def _forget(self, call_id: str, call: Call) -> None:
        try:
            await call.finished.wait()
        finally:
            recording = self.sessions.pop(call_id, None)
            if recording is not None:
                await self._release(recording)

    async def _release(self, recording: Recording) -> None:
        for session in recording.media:
            if session.rtp_session is not None:
                await session.close()
        for port in recording.ports:
            await self.ports.release(port)
        recording.media.clear()
        recording.ports.clear()

    async def stop(self) -> None:
        for recording in list(self.sessions.values()):
            recording.hang_up()
            for leg in recording.legs:
                leg.end()
        for task in list(self._tasks):
            task.cancel()


def _label(stream: Any) -> str:
    labels = stream.attributes.get("label") or [""]
    return str(labels[0])


def _labelled(answer: Any, label: str) -> Any:
    """The stream's answer keeps the offer's label (the client matches them)."""
    if label:
        answer.attributes["label"] = [label]
    return answer


def _number(participant: Participant | None) -> str | None:
    user = participant.user if participant else ""
    digits = user.lstrip("+")
    return user if digits.isdigit() and 3 <= len(digits) <= 20 else None
