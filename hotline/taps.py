"""Assist for calls agents answer on their desk phones: the PBX copies each call to us over
Asterisk AudioSocket (listen-only), and names the agent who has it.

Two connections carry one call's UUID: the first is the caller's side, the second the
agent's (a dial plan or an ARI application starts them in that order). The agent is named by
the PBX over HTTP (``POST /api/taps/{uuid}`` with the tap token: a dial plan's ``CURL()``
before ``AudioSocket()``, or the ARI application). The call then shows on that agent's console
with both sides' transcript, the draft case and suggestions; the agent's Submit files it.

Only the PBX may connect (``allow`` CIDRs; others are closed at once); a connection that does
not open with a UUID within 5 s, sends more than AudioSocket ever does, or goes quiet for
``idle_s`` is closed; at most ``max_connections`` at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from hotline.calls import Call, CallConflict, CallService
from hotline.desk.accounts import Agent
from hotline.desk.auth import address_within, parse_networks
from voice.channels.audiosocket import ProtocolError, read_call_id, serve
from voice.channels.base import Remote
from voice.channels.listen_only import TapLeg

log = logging.getLogger(__name__)

REGISTRATION_KEPT_S = 120.0  # a PBX may name the agent before the audio connects


@dataclass(frozen=True)
class TapSettings:
    host: str = "127.0.0.1"
    port: int = 9092
    allow: Sequence[str] = ("127.0.0.0/8", "::1/128")  # the PBX
    max_connections: int = 32
    idle_s: float = 30.0  # no message for this long: the PBX is gone


@dataclass
class Tapped:
    """One tapped call: its call, and the agent's side once it connected."""

    call: Call
    agent_leg: TapLeg | None = None


@dataclass
class _Named:
    agent: Agent
    caller_id: str | None
    at: float = field(default_factory=time.monotonic)


class TapLine:
    def __init__(self, service: CallService, settings: TapSettings) -> None:
        self.service = service
        self.settings = settings
        self.networks = list(parse_networks(settings.allow))
        self.calls: dict[str, Tapped] = {}  # by the PBX's UUID
        self._named: dict[str, _Named] = {}
        self._connections = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.refused = 0  # connections closed unheard (not allowed, too many, not AudioSocket)

    async def start(self) -> None:
        s = self.settings
        self._server = await asyncio.start_server(self._connection, s.host, s.port)
        log.info("desk-phone assist (AudioSocket) on %s:%d; PBX from %s", s.host, s.port,
                 ", ".join(s.allow))

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        for task in list(self._tasks):
            task.cancel()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)

    def allowed(self, address: str) -> bool:
        return address_within(address, self.networks)

    def name_agent(self, call_uuid: str, agent: Agent, caller_id: str | None) -> str | None:
        """The PBX says who has the call (before or after its audio connects); returns the
        call's id here once there is one."""
        now = time.monotonic()
        self._named = {u: n for u, n in self._named.items() if now - n.at < REGISTRATION_KEPT_S}
        self._named[call_uuid] = _Named(agent, caller_id)
        tapped = self.calls.get(call_uuid)
        if tapped is None:
            return None
        call = tapped.call
        if call.agent is not None and call.agent.name != agent.name:
            raise CallConflict(f"the call is {call.agent.name}'s already")
        if caller_id and isinstance(call.channel, TapLeg):  # (named after the audio came)
            call.channel.remote = Remote(call.channel.remote.address, caller_id)
        self.service.tap_agent(call, agent)
        return call.call_id

    async def _connection(self, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername") or ("unknown", 0)
        if not self.allowed(peer[0]) or self._connections >= self.settings.max_connections \
                or self.service.draining:
            self.refused += 1
            log.warning("audiosocket: connection from %s refused", peer[0])
            writer.close()
            return
        self._connections += 1
        self._writers.add(writer)
        try:
            await self._serve(reader, writer, peer[0])
        except (ProtocolError, TimeoutError, asyncio.IncompleteReadError, ConnectionError,
                ValueError) as exc:
            self.refused += 1
            log.info("audiosocket: %s from %s; closed", type(exc).__name__, peer[0])
        finally:
            self._connections -= 1
            self._writers.discard(writer)
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     address: str) -> None:
        call_uuid = await read_call_id(reader)
        tapped = self.calls.get(call_uuid)
        if tapped is not None and (tapped.agent_leg is not None or tapped.call.ended):
            raise ProtocolError("a third connection for one call")
        if tapped is None and self.service.live >= self.service.max_calls:
            raise ProtocolError("at capacity")  # (the agent takes the call without us)
        named = self._named.get(call_uuid)
        leg = TapLeg(Remote(address, named.caller_id if named else None), writer.close)
        if tapped is None:  # the caller's side: the call begins
            call = self.service.open_tap(leg)
            self.calls[call_uuid] = Tapped(call)
            forget = asyncio.create_task(self._forget(call_uuid, call), name="tap-forget")
            self._tasks.add(forget)
            forget.add_done_callback(self._tasks.discard)
            if named is not None:
                self.service.tap_agent(call, named.agent)
        else:  # the agent's side
            tapped.agent_leg = leg
            self.service.tap_agent_line(tapped.call, leg)
        await serve(leg, reader, self.settings.idle_s)

    async def _forget(self, call_uuid: str, call: Call) -> None:
        await call.finished.wait()
        self.calls.pop(call_uuid, None)
        self._named.pop(call_uuid, None)
