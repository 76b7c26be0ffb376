"""The phone line: citizens dial in over SIP (a PBX, a trunk, a softphone) to the same calls.

A SIP user agent (aiosipua, over UDP and TCP on one port) answers each INVITE that passes the
trunk's checks with G.711 (PCMU/PCMA) RTP on a port from ``rtp_ports``; the answered call is
a ``SipChannel`` opened on the call service exactly like a browser's call: same pipeline,
dialog, queue, agents, records and metrics. Keys (RFC 4733) reach the dialog; the caller id
is offered to it for the call-back number.

Checks before anything is kept for an INVITE: the source in ``allow`` (else 403), the
per-source call rate (else 503), the service not draining (503), and at capacity either
486 Busy Here or an answered call that hears the busy message (``busy``). A health ping
(OPTIONS) is answered 200, or 503 while draining (a proxy in front then sends calls to
another worker) or past ``PINGS_PER_MINUTE`` from one source.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from aiortp.port_allocator import PortAllocator
from aiosipua import IncomingCall, SipDigestAuth, SipRequest, SipUAC, parse_address
from aiosipua.registration import Registration, RegistrationState
from aiosipua.rtp_bridge import CallSession
from aiosipua.sdp import SdpMessage
from aiosipua.sdp_negotiate import SdpNegotiationError, negotiate_sdp

from hotline.calls import Call, CallService
from hotline.desk.accounts import Agent
from hotline.desk.auth import RateLimiter, address_within, parse_networks
from hotline.recording_sessions import RecordingSessions
from voice.channels.base import Remote
from voice.channels.sip import SipChannel
from voice.channels.sip_stack import Garbage, LineTcpTransport, LineUAS, LineUdpTransport
from voice.events import BotAnswered, BotHeard, BotTurn, CallEvent

log = logging.getLogger(__name__)

G711 = [0, 8]  # PCMU, PCMA: every phone and PBX speaks them
_NUMBER = re.compile(r"\+?\d{3,20}")
REGISTER_RETRY_S = 60.0
# Health pings (OPTIONS) one source may send a minute: a dispatcher pinging every second
# uses half; more is a flood, answered 503 like a call over its rate.
PINGS_PER_MINUTE = 120


@dataclass(frozen=True)
class PhoneLineSettings:
    host: str = "127.0.0.1"
    port: int = 5060
    transports: Sequence[Literal["udp", "tcp"]] = ("udp", "tcp")
    allow: Sequence[str] = ("127.0.0.0/8", "::1/128")  # CIDRs that may call (a PBX, a trunk)
    rtp_ports: tuple[int, int] = (40000, 40999)
    advertise: str | None = None  # the address put in SDP/Contact (NAT); default ``host``
    busy: Literal["reject", "message"] = "reject"  # at capacity: 486, or the busy message
    calls_per_minute_per_source: int = 120
    ring_s: float = 0.3  # 180 Ringing this long before the answer (a CANCEL may come)
    session_expires: int | None = 1800  # RFC 4028 session timers, seconds
    min_se: int = 90  # the shortest interval a phone may ask for (RFC 4028's floor)
    transfer_to: str | None = None  # SIP URI of the city's ACD queue: hand-offs go by REFER
    keypad_hint: bool = True
    # SIPREC: who may open recording sessions (the PBX or SBC recording the agents' calls)
    siprec_allow: Sequence[str] = ("127.0.0.0/8", "::1/128")
    # SIPREC: an active agent account by name (the metadata names the agent); none = nobody
    agent_named: Callable[[str], Agent | None] = lambda _name: None
    # registered with a PBX as an extension (its calls to that extension reach the bot)
    registrar: tuple[str, int] | None = None
    user: str | None = None
    password: str | None = None
    register_expires: int = 300


def mask_number(number: str | None) -> str:
    """A phone number as logs may show it: only its last three digits."""
    if not number:
        return "-"
    return "*" * max(0, len(number) - 3) + number[-3:]


def caller_id(invite: SipRequest) -> str | None:
    """The caller's number from P-Asserted-Identity (a trusted PBX's) or From, if it looks
    like a phone number; anonymous and names are None."""
    for header in ("p-asserted-identity", "from"):
        raw = invite.get_header(header)
        if not raw:
            continue
        with contextlib.suppress(Exception):
            user = parse_address(raw).uri.user or ""
            user = user.replace("-", "")
            if _NUMBER.fullmatch(user):
                return user
    return None


def offered_dtmf(offer: SdpMessage) -> int:
    """The offer's telephone-event payload type (what the phone will send keys as)."""
    audio = offer.audio
    for codec in audio.codecs if audio else []:
        if codec.encoding_name.lower() == "telephone-event":
            return int(codec.payload_type)
    return 101


@dataclass
class _Leg:
    incoming: IncomingCall
    uas: LineUAS
    channel: SipChannel
    call: Call | None = None
    handoff_turn: BotTurn | None = None
    transferring: bool = False


@dataclass
class PhoneLine:
    service: CallService
    settings: PhoneLineSettings = field(default_factory=PhoneLineSettings)

    def __post_init__(self) -> None:
        self.networks = list(parse_networks(self.settings.allow))
        self.siprec_networks = list(parse_networks(self.settings.siprec_allow))
        self.rate = RateLimiter(self.settings.calls_per_minute_per_source, 60.0)
        self.pings = RateLimiter(PINGS_PER_MINUTE, 60.0)
        self.ports = PortAllocator(self.settings.rtp_ports)
        self.garbage = Garbage()
        self.agents: list[tuple[LineUAS, SipUAC]] = []
        self.legs: dict[str, _Leg] = {}
        self.ringing: set[str] = set()
        self.refused: dict[int, int] = {}
        self._refusals_by_method: Counter[tuple[int, str]] = Counter()
        self.registration: Registration | None = None
        self.byes_unanswered: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        s = self.settings
        self.recordings = RecordingSessions(self.service, self.ports, s.host, s.advertise,
                                            s.agent_named)

    # ---- listening ------------------------------------------------------------------------

    async def start(self) -> None:
        s = self.settings
        for kind in s.transports:
            transport: LineUdpTransport | LineTcpTransport = (
                LineUdpTransport(local_addr=(s.host, s.port)) if kind == "udp"
                else LineTcpTransport(local_addr=(s.host, s.port)))
            transport.garbage = self.garbage
            uac = SipUAC(transport)
            uas = LineUAS(transport, self.admit, user_agent="Hotline1999", uac=uac,
                          advertised_addr=(s.advertise, s.port) if s.advertise else None,
                          session_expires=s.session_expires, min_se=s.min_se)
            uas.on_invite = lambda inc, u=uas: self._spawn(self._answer(u, inc))
            uas.on_bye = lambda inc, _req: self._far_end_left(inc.call_id, "bye")
            uas.on_ack_timeout = lambda inc: self._far_end_left(inc.call_id, "no ack")
            uas.on_session_expired = lambda inc: self._far_end_left(inc.call_id, "expired")
            uas.on_reinvite = self._reinvite
            uas.on_transfer_progress = self._transfer_progress
            uas.on_bye_answered = self.byes_unanswered.discard
            await uas.start()
            self.agents.append((uas, uac))
        log.info("phone line: SIP on %s:%d (%s), RTP ports %d-%d, callers from %s",
                 s.host, s.port, "+".join(s.transports), *s.rtp_ports, ", ".join(s.allow))
        if s.registrar is not None and s.user:
            self._spawn(self._keep_registered(s.registrar, s.user))

    async def _keep_registered(self, registrar: tuple[str, int], user: str) -> None:
        """REGISTER with the PBX as extension ``user`` and stay registered: the library
        refreshes a binding it holds; a refusal, a lost REGISTER (UDP) or an expiry is
        tried again a minute later, for as long as the line is open."""
        s = self.settings
        uac = self.agents[0][1]
        auth = SipDigestAuth(user, s.password) if s.password else None
        reg = self.registration = Registration(
            uac, f"sip:{user}@{registrar[0]}", registrar, expires=s.register_expires,
            auth=auth, user_agent="Hotline1999")
        reg.on_failed = lambda _r, status, why: log.warning(
            "phone line: the PBX at %s refused the registration (%d %s); again in a minute",
            registrar[0], status, why)
        while True:
            if reg.state is not RegistrationState.REGISTERED:
                reg.register()
            await asyncio.sleep(REGISTER_RETRY_S)

    async def stop(self) -> None:
        if self.registration is not None and \
                self.registration.state is RegistrationState.REGISTERED:
            self.registration.unregister()
        for leg in list(self.legs.values()):
            await leg.channel.hang_up()
        await self.recordings.stop()
        for task in list(self._tasks):
            task.cancel()
        for uas, _uac in self.agents:
            await uas.stop()
        self.agents.clear()

    def _spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ---- admission ------------------------------------------------------------------------

    def allowed(self, address: str) -> bool:
        return address_within(address, self.networks)

    def admit(self, request: SipRequest, addr: tuple[str, int]) -> tuple[int, str] | None:
        """Why ``request`` from ``addr`` is refused (status, reason), or None."""
        refusal = self._refusal(request, addr)
        if refusal is not None:
            self.refused[refusal[0]] = self.refused.get(refusal[0], 0) + 1
            method = request.method.upper()
            self._refusals_by_method[refusal[0], method] += 1
            # strangers and pings come often (a flood; a proxy every second): one line a hundred
            often = refusal[0] == 403 or method == "OPTIONS"
            if not often or self._refusals_by_method[refusal[0], method] % 100 == 1:
                log.info("SIP %s from %s refused: %d %s", request.method, addr[0], *refusal)
        return refusal

    def _refusal(self, request: SipRequest, addr: tuple[str, int]) -> tuple[int, str] | None:
        if not self.allowed(addr[0]):
            return 403, "Forbidden"
        if request.method.upper() == "OPTIONS" and not _to_tag(request):
            # a health ping: a draining line says it takes no calls, so a proxy in front
            # (docs/phone-line.md) sends them to another worker
            if self.service.draining:
                return 503, "Service Unavailable (shutting down)"
            if not self.pings.allow(addr[0]):
                return 503, "Service Unavailable (OPTIONS rate)"
            return None
        if request.method.upper() != "INVITE" or _to_tag(request):
            return None  # in-dialog requests, OPTIONS pings: the UAS answers them
        if request.call_id in self.legs or request.call_id in self.ringing or \
                request.call_id in self.recordings.sessions:
            return None  # a retransmission: the UAS absorbs it
        if self.service.draining:
            return 503, "Service Unavailable (shutting down)"
        if not self.rate.allow(addr[0]):
            return 503, "Service Unavailable (call rate)"
        if self.settings.busy == "reject" and self.service.live >= self.service.max_calls:
            return 486, "Busy Here"
        return None

    # ---- a call comes in ----------------------------------------------------------------

    async def _answer(self, uas: LineUAS, incoming: IncomingCall) -> None:
        call_id = incoming.call_id
        offer = incoming.sdp_offer
        metadata = uas.recordings.pop(call_id, None)
        if offer is None or offer.audio is None:
            incoming.reject(488, "Not Acceptable Here (an SDP offer with audio is needed)")
            return
        address = incoming.source_addr[0]
        if metadata is not None:  # SIPREC: a desk phone's call, for the agent's assist
            self.ringing.add(call_id)
            try:
                if not address_within(address, self.siprec_networks):
                    incoming.reject(403, "Forbidden (not a recording client)")
                    return
                with self.service.negotiating(address):
                    await self.recordings.answer(
                        incoming, offer, metadata, self._bye(uas, incoming),
                        still_offered=lambda: call_id in uas.active_calls)
            finally:
                self.ringing.discard(call_id)
            return
        self.ringing.add(call_id)
        try:
            with self.service.negotiating(address):
                leg = await self._ring(uas, incoming, offer)
        finally:
            self.ringing.discard(call_id)
        if leg is None:
            return
        self.legs[call_id] = leg
        busy = self.service.live >= self.service.max_calls
        number = leg.channel.remote.caller_id
        log.info("phone call %s from %s (caller %s)%s", call_id[:12], address,
                 mask_number(number), " at capacity: busy message" if busy else "")
        call = self.service.open_busy(leg.channel) if busy else \
            self.service.open(leg.channel, keypad=self.settings.keypad_hint)
        leg.call = call
        # answered and acknowledged: the line is up even before the phone sends a packet
        # (phones with silence suppression send none until the caller speaks)
        call.connected.set()
        call.listeners.append(lambda event: self._on_event(leg, event))
        call.spawn(self._forget(call_id, call), "sip-leg")

    async def _ring(self, uas: LineUAS, incoming: IncomingCall,
                    offer: SdpMessage) -> _Leg | None:
        """180, then 200 with the SDP answer after ``ring_s``; None when the caller
        cancelled or the offer cannot be met (answered 488)."""
        s = self.settings
        if offer.rtp_address is None:
            incoming.reject(488, "Not Acceptable Here (no media address)")
            return None
        try:
            port, _rtcp = await self.ports.allocate()
        except RuntimeError:
            log.warning("phone line: no free RTP port in %d-%d", *s.rtp_ports)
            incoming.reject(503, "Service Unavailable (no media port)")
            return None
        try:
            # skip_audio_gaps: a lost packet is concealed and the stream goes on (without it
            # aiortp waits at each gap and then drops what queued behind it: with 10 % loss
            # half the caller's words were gone)
            media = CallSession(s.host, port, offer, advertised_ip=s.advertise,
                                supported_codecs=G711, dtmf_payload_type=offered_dtmf(offer),
                                skip_audio_gaps=True)
        except (SdpNegotiationError, ValueError) as exc:
            await self.ports.release(port)
            log.info("phone call offer refused: %s", exc)
            incoming.reject(488, "Not Acceptable Here")
            return None
        incoming.ringing()
        await asyncio.sleep(s.ring_s)
        if incoming.call_id not in uas.active_calls:  # CANCEL (487 sent) while ringing
            await self.ports.release(port)
            log.info("phone call %s cancelled while ringing", incoming.call_id[:12])
            return None
        try:
            await media.start()
        except OSError:
            await self.ports.release(port)
            incoming.reject(503, "Service Unavailable (media port)")
            return None

        async def release() -> None:
            await self.ports.release(port)

        channel = SipChannel(media, Remote(incoming.source_addr[0], caller_id(incoming.invite)),
                             self._bye(uas, incoming), release)
        incoming.accept(media.sdp_answer)
        channel.start()
        return _Leg(incoming, uas, channel)

    def _bye(self, uas: LineUAS, incoming: IncomingCall) -> Callable[[], None]:
        """How our side ends the call: BYE (over UDP sent again until answered)."""
        def bye() -> None:
            request = incoming.hangup()
            uas.active_calls.pop(incoming.call_id, None)
            if request is not None and isinstance(uas.transport, LineUdpTransport):
                self._spawn(self._resend_bye(uas, request, incoming.source_addr))
        return bye

    async def _resend_bye(self, uas: LineUAS, request: SipRequest,
                          addr: tuple[str, int]) -> None:
        """UDP loses datagrams: our BYE goes again (RFC 3261 timer E: 0.5, 1, 2, 4 s…)
        until the phone answers it, or for about 16 s; a phone that never heard it would
        keep its line open."""
        call_id = request.call_id or ""
        self.byes_unanswered.add(call_id)
        delay = 0.5
        try:
            for _ in range(6):
                await asyncio.sleep(delay)
                if call_id not in self.byes_unanswered:
                    return
                uas.transport.send(request, addr)
                delay = min(2 * delay, 4.0)
        finally:
            self.byes_unanswered.discard(call_id)

    async def _forget(self, call_id: str, call: Call) -> None:
        try:
            await call.finished.wait()
        finally:
            self.legs.pop(call_id, None)

    def _far_end_left(self, call_id: str, why: str) -> None:
        if self.recordings.far_end_left(call_id):
            log.info("recording session %s ended (%s)", call_id[:12], why)
            return
        leg = self.legs.get(call_id)
        if leg is not None:
            log.info("phone call %s: the caller left (%s)", call_id[:12], why)
            leg.channel.far_end_left()

    def _reinvite(self, incoming: IncomingCall) -> None:
        """Hold, unhold, a new media address, a session refresh: answer with the same
        session (same o= id, version + 1: RFC 3264 §8)."""
        leg = self.legs.get(incoming.call_id)
        offer = incoming.sdp_offer
        recording = self.recordings.sessions.get(incoming.call_id)
        if recording is not None:  # (a refresh, new metadata): the session stays as it is
            incoming.accept(recording.answer)
            return
        if leg is None:
            incoming.reject(481, "Call/Transaction Does Not Exist")
            return
        media = leg.channel.media
        if offer is None:  # a refresh without SDP: the same answer again
            incoming.accept(media.sdp_answer)
            return
        try:
            answer, _pt = negotiate_sdp(offer, self.settings.advertise or self.settings.host,
                                        media.sdp_answer.audio.port, supported_codecs=G711,
                                        dtmf_payload_type=offered_dtmf(offer))
        except (SdpNegotiationError, ValueError):
            incoming.reject(488, "Not Acceptable Here")
            return
        before = media.sdp_answer.origin
        if before is not None and answer.origin is not None:
            answer.origin.session_id = before.session_id
            answer.origin.session_version = str(int(before.session_version) + 1)
        media._sdp_answer = answer  # the next re-INVITE bumps from this one
        if offer.rtp_address:
            media.update_remote(offer.rtp_address)
        direction = offer.audio.direction if offer.audio else None
        leg.channel.on_hold = direction in ("sendonly", "inactive") or \
            (offer.rtp_address is not None and offer.rtp_address[0] == "0.0.0.0")
        incoming.accept(answer)

    # ---- hand-off by transfer -----------------------------------------------------------

    def _on_event(self, leg: _Leg, event: CallEvent) -> None:
        """With a transfer target, a hand-off goes there once its words were heard."""
        if not self.settings.transfer_to or leg.call is None:
            return
        if isinstance(event, BotAnswered) and event.turn.handoff is not None and \
                leg.handoff_turn is None:
            leg.handoff_turn = event.turn
        elif isinstance(event, BotHeard) and event.turn is leg.handoff_turn and \
                not leg.transferring:
            leg.transferring = True
            self._transfer(leg)

    def _transfer(self, leg: _Leg) -> None:
        """Blind transfer (REFER) to the ACD queue; the call id travels in
        ``X-Hotline-Call-Id`` so agents find the hand-off summary under it."""
        call = leg.call
        assert call is not None and self.settings.transfer_to
        uac = next(u for s, u in self.agents if s is leg.uas)
        target = self.settings.transfer_to
        uac._send_in_dialog(  # send_refer takes no extra headers
            leg.incoming.dialog, "REFER", leg.incoming.source_addr,
            extra_headers={"Refer-To": f"<{target}>", "Referred-By": "<sip:1999@hotline>",
                           "X-Hotline-Call-Id": call.call_id})
        log.info("phone call %s: transferred to %s", call.call_id, target)

    def _transfer_progress(self, call_id: str, status: int, _reason: str) -> None:
        leg = self.legs.get(call_id)
        if leg is None:
            return
        if 200 <= status < 300:  # the queue has the caller: our leg ends
            self._spawn(leg.channel.hang_up())
        elif status >= 300:
            log.warning("phone call %s: transfer failed (%d); the bot keeps the call",
                        call_id[:12], status)


def _to_tag(request: SipRequest) -> bool:
    to = request.get_header("to") or ""
    return ";tag=" in to.replace(" ", "").lower()
