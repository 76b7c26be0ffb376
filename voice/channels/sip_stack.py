"""aiosipua (SIP) as the phone line needs it: its UAS and transports with the workarounds a
probe found necessary (docs/sip-stack.md), and the limits a port facing a trunk needs.

The library is pinned (aiosipua 0.7.1): these subclasses override private methods.
- A retransmitted INVITE is absorbed (100 Trying again), not taken as a second call.
- An INVITE whose SDP cannot be parsed gets 400 (the library answered nothing).
- Every request passes ``admit`` first (address allow-list, rate limits): a refusal is
  answered (403, 503) before anything is kept for it.
- UDP: a datagram over ``MAX_DATAGRAM`` bytes is dropped unread; unparsable ones are counted
  and logged once in a while, not one traceback each.
- TCP: replies go back on the connection the request came by (the library routed them by the
  Via port); a bounded number of connections, per address and in all, each closed when idle.
- Behind a proxy (Kamailio, docs/phone-line.md): the INVITE's Record-Route is copied into the
  answers that set up the call, and our route set keeps its order (RFC 3261 §12.1.1); the
  library did neither, so the caller's ACK and BYE bypassed the proxy, and with two
  Record-Routes our BYE named them the wrong way round.
- OPTIONS is answered with what an INVITE may carry (Accept, Supported); admission decides
  first (a draining line answers 503, so a proxy's pings take it out of service).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from aiosipua import SipRequest, SipResponse, SipUAS, parse_via, stringify_via
from aiosipua import transport as aiosipua_transport
from aiosipua.dialog import Dialog
from aiosipua.message import SipMessage
from aiosipua.sdp import parse_sdp
from aiosipua.transport import TcpSipTransport, UdpSipTransport, _read_sip_message
from aiosipua.utils import generate_tag

from voice.channels import siprec

log = logging.getLogger(__name__)

MAX_DATAGRAM = 16 * 1024  # a SIP request with a rich SDP is a few KB; more is an attack
TCP_CONNECTIONS = 64
TCP_CONNECTIONS_PER_ADDRESS = 8
TCP_IDLE_S = 120.0  # a PBX keeps its connection busy with OPTIONS pings more often than this

# aiosipua logs a traceback at WARNING for every unparsable datagram (a flood on a public
# port), and on Python 3.11 an AssertionError when a UDP socket opens: counted here instead.
logging.getLogger("aiosipua.transport").setLevel(logging.CRITICAL)
logging.getLogger("aiosipua.message").setLevel(logging.ERROR)


class _NoPerPacketWarnings(logging.Filter):
    """The UAS warns once per malformed request (a flood on a public port): those are
    answered 400 or dropped, and counted by the line instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "missing required headers" not in record.getMessage()


logging.getLogger("aiosipua.uas").addFilter(_NoPerPacketWarnings())

Admit = Callable[[SipRequest, tuple[str, int]], tuple[int, str] | None]


class Garbage:
    """Messages refused before parsing or that failed to parse, counted (the metrics)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._logged = 0.0

    def note(self, kind: str, addr: tuple[str, int]) -> None:
        self.counts[kind] += 1
        now = time.monotonic()
        if now - self._logged > 60.0:  # one line a minute, whatever the rate
            self._logged = now
            log.warning("SIP: dropped %s from %s (%s so far)", kind, addr[0],
                        dict(self.counts))


def _parses(data: bytes) -> bool:
    """Does ``data`` parse as one whole SIP message (its body as long as it says)?"""
    try:
        msg = SipMessage.parse(data)
        length = int(msg.headers.get_first("content-length") or 0)
    except Exception:
        return False
    _head, _sep, body = data.partition(b"\r\n\r\n")
    return 0 <= length <= len(body)  # RFC 3261 §18.3: a short body is discarded on UDP


class _UdpProtocol(aiosipua_transport._UdpProtocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """(The library asserts a transport class that Python 3.11's is not; ``start``
        keeps the transport itself.)"""


class LineUdpTransport(UdpSipTransport):
    """UDP with a size cap and quiet, counted garbage."""

    garbage: Garbage

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(lambda: _UdpProtocol(self),
                                                           local_addr=self.local_addr)
        self._udp_transport = transport

    def _dispatch(self, data: bytes, addr: tuple[str, int]) -> None:
        if len(data) > MAX_DATAGRAM:
            self.garbage.note("oversized datagram", addr)
            return
        if not _parses(data):
            if data.strip():  # a bare CRLF is a keep-alive (RFC 5626), not garbage
                self.garbage.note("unparsable datagram", addr)
            return
        super()._dispatch(data, addr)


class LineTcpTransport(TcpSipTransport):
    """TCP that answers on the connection a request came by, with connection limits."""

    garbage: Garbage

    async def _handle_connection(self, reader: asyncio.StreamReader,
                                 writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        addr = (str(peer[0]), int(peer[1])) if peer else ("0.0.0.0", 0)
        same = sum(1 for a in self._connections if a[0] == addr[0])
        if len(self._connections) >= TCP_CONNECTIONS or same >= TCP_CONNECTIONS_PER_ADDRESS:
            self.garbage.note("TCP connection over the limit", addr)
            writer.close()
            return
        self._connections[addr] = (reader, writer)
        try:
            while True:
                async with asyncio.timeout(TCP_IDLE_S):
                    data = await _read_sip_message(reader)
                if data is None:
                    break
                if not _parses(data):
                    self.garbage.note("unparsable TCP message", addr)
                    break
                self._dispatch(data, addr)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            self._connections.pop(addr, None)
            writer.close()

    def _dispatch(self, data: bytes, addr: tuple[str, int]) -> None:
        inner = self.on_message

        def stamped(msg: SipRequest | SipResponse, a: tuple[str, int]) -> None:
            # the reply goes where the request came from: received/rport say so
            vias = msg.headers.get("via") if isinstance(msg, SipRequest) else []
            if vias:
                top = parse_via(vias[0])
                top.params["received"], top.params["rport"] = a[0], str(a[1])
                msg.headers.remove("Via")
                for via in [stringify_via(top), *vias[1:]]:
                    msg.headers.append("Via", via)
            if inner is not None:
                inner(msg, a)

        self.on_message = stamped
        try:
            super()._dispatch(data, addr)
        finally:
            self.on_message = inner


class RoutedDialog(Dialog):
    """A call's dialog as RFC 3261 §12.1.1 has the answering side keep it behind proxies.

    The Record-Route of the INVITE goes back in every answer that sets up the call (18x,
    2xx), or the caller builds an empty route set and sends its ACK and BYE past the proxy
    (which a dispatcher in front of several workers then cannot relay: it has no Route to
    follow). Our route set is that Record-Route *in order* (the library reversed it, the
    calling side's rule), so our own BYE, REFER and re-INVITE name the proxy nearest to us
    first; they are sent where the INVITE came from, which is that proxy."""

    @classmethod
    def of(cls, dialog: Dialog, invite: SipRequest) -> RoutedDialog:
        routed = cls(**{f.name: getattr(dialog, f.name) for f in fields(Dialog)})
        routed.route_set = list(invite.headers.get("record-route"))
        return routed

    def create_response(self, request: SipRequest, status_code: int, reason_phrase: str = "",
                        *, contact: str | None = None) -> SipResponse:
        response = super().create_response(request, status_code, reason_phrase,
                                           contact=contact)
        if request.method.upper() == "INVITE" and 100 < status_code < 300:
            for route in request.headers.get("record-route"):
                response.headers.append("Record-Route", route)
        return response


# Bodies an INVITE may carry here: an SDP offer, or (SIPREC, RFC 7866) a multipart of SDP and
# recording metadata
ACCEPT = "application/sdp, multipart/mixed"


class LineUAS(SipUAS):
    """The library's UAS with the phone line's admission and the INVITE fixes."""

    def __init__(self, transport: Any, admit: Admit, **kwargs: Any) -> None:
        super().__init__(transport, **kwargs)
        self.admit = admit
        # SIPREC: the metadata of recording INVITEs not yet answered, by Call-ID
        self.recordings: dict[str, siprec.RecordingMetadata] = {}
        # answers to our own BYEs (the library sends them once and forgets them)
        self.on_bye_answered: Callable[[str], None] = lambda call_id: None

    def _on_message(self, msg: SipRequest | SipResponse, addr: tuple[str, int]) -> None:
        if isinstance(msg, SipResponse) and msg.status_code >= 200 and \
                (msg.headers.get_first("cseq") or "").upper().endswith("BYE"):
            self.on_bye_answered(msg.call_id or "")
            return
        super()._on_message(msg, addr)

    def _handle_request(self, request: SipRequest, addr: tuple[str, int]) -> None:
        if request.method.upper() != "ACK":  # an ACK is never answered
            refusal = self.admit(request, addr)
            if refusal is not None:
                if request.headers.get("via"):
                    self._send_error(request, refusal[0], refusal[1])
                return
        super()._handle_request(request, addr)

    def _handle_invite(self, request: SipRequest, addr: tuple[str, int]) -> None:
        existing = self._calls.get(request.call_id or "")
        if existing is not None and _same_transaction(existing.invite, request):
            if not existing._answered:  # a retransmission while ringing
                existing.trying()
            return
        metadata: siprec.RecordingMetadata | None = None
        if request.body and siprec.is_recording(request.headers.get_first("require"),
                                                request.content_type):
            # a recording session: the SDP goes on, the metadata is kept aside (it may
            # also come later, RFC 7866 §6.1.1: then nobody is named yet)
            try:
                if request.content_type == "application/sdp":
                    metadata = siprec.RecordingMetadata()
                else:
                    sdp, xml = siprec.split_body(request.content_type or "", request.body)
                    metadata = siprec.parse_metadata(xml)
                    request.text, request.content_type = sdp, "application/sdp"
            except Exception as exc:  # whatever a hostile body does: 400, nothing kept
                log.info("recording INVITE from %s refused: %s", addr[0], exc)
                self._send_error(request, 400, "Bad Request (recording session)")
                return
        if request.body:
            if request.content_type != "application/sdp":
                self._send_error(request, 415, "Unsupported Media Type",
                                 extra_headers={"Accept": "application/sdp"})
                return
            try:
                parse_sdp(request.text)
            except Exception:
                log.info("INVITE from %s with an unparsable SDP: 400", addr[0])
                self._send_error(request, 400, "Bad Request (SDP)")
                return
        if metadata is not None and existing is None:  # (a re-INVITE keeps the session)
            self.recordings[request.call_id or ""] = metadata
        super()._handle_invite(request, addr)
        call = self._calls.get(request.call_id or "")
        if call is not None and call.invite is request and \
                not isinstance(call.dialog, RoutedDialog):
            # A new call: only 100 Trying has gone out (the answer is a task, later), so
            # every answer that sets up the dialog carries the Record-Route.
            call.dialog = RoutedDialog.of(call.dialog, request)

    def _handle_options(self, request: SipRequest, addr: tuple[str, int]) -> None:
        """200 with what the line takes (RFC 3261 §11.2): the methods, the bodies, session
        timers. A PBX's or a proxy's health ping; ``admit`` answered it already when the line
        is draining or the source pings too often."""
        response = SipResponse(status_code=200, reason_phrase="OK")
        for via in request.headers.get("via"):
            response.headers.append("Via", via)
        to = request.headers.get_first("to") or ""
        if to and not (request.to_addr and request.to_addr.tag):
            to += f";tag={generate_tag()}"  # (an in-dialog OPTIONS keeps the dialog's tag)
        for name, value in (("From", request.headers.get_first("from")), ("To", to),
                            ("Call-ID", request.call_id), ("CSeq", request.headers.get_first(
                                "cseq"))):
            if value:
                response.headers.set_single(name, value)
        response.headers.set_single("Allow", ", ".join(self._handlers))
        response.headers.set_single("Accept", ACCEPT)
        if self.session_expires:
            response.headers.set_single("Supported", "timer")
        if self.user_agent:
            response.headers.set_single("User-Agent", self.user_agent)
        self.transport.send_reply(response)


def _same_transaction(first: SipRequest, again: SipRequest) -> bool:
    """Is ``again`` a retransmission of ``first`` (same top Via branch and CSeq)?"""
    a, b = first.via, again.via
    return bool(a and b and a[0].branch and a[0].branch == b[0].branch and
                first.headers.get_first("cseq") == again.headers.get_first("cseq"))
