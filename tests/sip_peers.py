"""Real SIP peers for the phone-line tests: SIPp scenarios written per test, caller audio as
G.711 RTP in pcap files (what SIPp's ``play_pcap_audio`` streams), and an RTP receiver that
stands in for the phone's loudspeaker (the SDP offer points the bot's audio at it)."""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import soxr
from aiortp.codecs.g711 import PcmaCodec, PcmuCodec
from aiosipua import SipRequest, SipResponse

from voice.frames import SAMPLE_RATE, Pcm

SIPP = "/usr/bin/sipp"
DTMF_PCAPS = Path("/usr/share/sip-tester")


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_udp_tcp_port() -> int:
    """A port free for both UDP and TCP (the phone line listens on both)."""
    for _ in range(50):
        port = free_port()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            try:
                t.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def to_phone(pcm: Pcm) -> Pcm:
    """16 kHz call audio to the phone network's 8 kHz."""
    return np.asarray(soxr.resample(pcm, SAMPLE_RATE, 8000), dtype=np.int16)


def rtp_packets(pcm8k: Pcm, *, pt: int = 0, ssrc: int = 0x1999) -> list[bytes]:
    """``pcm8k`` as 20 ms G.711 RTP packets (PCMU, or PCMA with ``pt`` 8)."""
    codec = PcmuCodec() if pt == 0 else PcmaCodec()
    frame = 160
    n = (len(pcm8k) + frame - 1) // frame
    pcm8k = np.concatenate([pcm8k, np.zeros(n * frame - len(pcm8k), np.int16)])
    return [struct.pack("!BBHII", 0x80, pt | (0x80 if i == 0 else 0), i & 0xFFFF,
                        (i * frame) & 0xFFFFFFFF, ssrc) +
            codec.encode(pcm8k[i * frame:(i + 1) * frame].astype("<i2").tobytes())
            for i in range(n)]


async def send_rtp(port: int, pcm8k: Pcm) -> None:
    """Stream ``pcm8k`` to 127.0.0.1:``port`` as RTP, in real time (a PBX's media)."""
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol,
                                                       remote_addr=("127.0.0.1", port))
    try:
        for packet in rtp_packets(pcm8k):
            transport.sendto(packet)
            await asyncio.sleep(0.02)
    finally:
        transport.close()


def write_rtp_pcap(path: Path, pcm8k: Pcm, *, pt: int = 0, loss: float = 0.0,
                   jitter_ms: float = 0.0, seed: int = 1, lead_s: float = 0.2) -> int:
    """``pcm8k`` as 20 ms G.711 RTP packets in a pcap (Ethernet/IPv4/UDP), the capture times
    20 ms apart — or, with ``jitter_ms``, each moved by up to that much either way (packets
    then go out of order, as on a bad network), with ``loss`` of them missing. Returns the
    number of packets written."""
    rng = random.Random(seed)
    packets: list[tuple[float, bytes]] = []
    for i, rtp in enumerate(rtp_packets(pcm8k, pt=pt, ssrc=rng.getrandbits(32))):
        if loss and rng.random() < loss:
            continue
        t = lead_s + i * 0.02 + (rng.uniform(-jitter_ms, jitter_ms) / 1000 if jitter_ms else 0)
        packets.append((max(0.0, t), rtp))
    packets.sort(key=lambda p: p[0])
    with path.open("wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, rtp in packets:
            udp = struct.pack("!HHHH", 40000, 40002, 8 + len(rtp), 0) + rtp
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                             socket.inet_aton("127.0.0.1"), socket.inet_aton("127.0.0.1"))
            eth = b"\x00" * 12 + b"\x08\x00"
            data = eth + ip + udp
            sec = int(t)
            f.write(struct.pack("<IIII", 1_700_000_000 + sec, int((t - sec) * 1e6),
                                len(data), len(data)))
            f.write(data)
    return len(packets)


@dataclass
class Heard:
    """What arrived at the phone's loudspeaker."""

    packets: list[tuple[float, int, bytes]] = field(default_factory=list)  # (time, pt, payload)
    streams: set[int] = field(default_factory=set)  # the SSRCs seen (one per call)

    def pcm(self) -> Pcm:
        """The audio, decoded (PCMU or PCMA by payload type), at 8 kHz."""
        out = []
        for _t, pt, payload in self.packets:
            codec = PcmuCodec() if pt == 0 else PcmaCodec() if pt == 8 else None
            if codec is not None:
                out.append(np.frombuffer(codec.decode(payload), dtype="<i2"))
        return np.concatenate(out) if out else np.zeros(0, np.int16)

    def first_voice(self, threshold: int = 500) -> float | None:
        """When the first packet with sound in it arrived (time.monotonic())."""
        for t, pt, payload in self.packets:
            codec = PcmuCodec() if pt == 0 else PcmaCodec() if pt == 8 else None
            if codec is None:
                continue
            if np.abs(np.frombuffer(codec.decode(payload), dtype="<i2")).max() > threshold:
                return t
        return None

    def voiced_seconds(self, after: float = 0.0, threshold: int = 500) -> float:
        n = 0
        for t, pt, payload in self.packets:
            if t < after or pt not in (0, 8):
                continue
            codec = PcmuCodec() if pt == 0 else PcmaCodec()
            if np.abs(np.frombuffer(codec.decode(payload), dtype="<i2")).max() > threshold:
                n += 1
        return n * 0.02


class _Receiver(asyncio.DatagramProtocol):
    def __init__(self, heard: Heard) -> None:
        self.heard = heard

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if len(data) >= 12 and data[0] >> 6 == 2:
            self.heard.packets.append((time.monotonic(), data[1] & 0x7F, data[12:]))
            self.heard.streams.add(int.from_bytes(data[8:12], "big"))


async def rtp_receiver(port: int) -> tuple[asyncio.DatagramTransport, Heard]:
    heard = Heard()
    transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
        lambda: _Receiver(heard), local_addr=("127.0.0.1", port))
    return transport, heard


# ---- raw SIP over UDP (one request, its replies) ------------------------------------------

def sip_request(method: str, port: int, call_id: str, body: str = "",
                content_length: int | None = None, branch: str = "z9hG4bK-t1") -> bytes:
    """A request from a phone at 127.0.0.1:5999 (its Via, Contact) to 127.0.0.1:``port``;
    ``content_length`` may lie about the body."""
    head = (f"{method} sip:1999@127.0.0.1:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:5999;branch={branch};rport\r\n"
            f"From: <sip:0912000111@127.0.0.1>;tag=abc\r\n"
            f"To: <sip:1999@127.0.0.1>\r\nCall-ID: {call_id}\r\nCSeq: 1 {method}\r\n"
            f"Max-Forwards: 70\r\nContact: <sip:t@127.0.0.1:5999>\r\n")
    if body:
        head += "Content-Type: application/sdp\r\n"
    length = len(body.encode()) if content_length is None else content_length
    return (head + f"Content-Length: {length}\r\n\r\n" + body).encode()


def udp_peer(timeout: float) -> socket.socket:
    """A UDP socket on 127.0.0.1 (a phone, a proxy) whose reads wait ``timeout`` seconds."""
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.settimeout(timeout)
    return peer


def sip_ack(port: int, call_id: str, ok: SipResponse) -> bytes:
    """The phone's ACK of the line's 200 ``ok`` to its ``sip_request`` INVITE."""
    return (f"ACK sip:1999@127.0.0.1:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-ack-{call_id};rport\r\n"
            f"From: <sip:0912000111@127.0.0.1>;tag=abc\r\nTo: {ok.headers.get_first('to')}\r\n"
            f"Call-ID: {call_id}\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\n"
            f"Content-Length: 0\r\n\r\n").encode()


def sip_ok(request: SipRequest) -> bytes:
    """A 200 OK to ``request`` (the line's BYE, say)."""
    answer = ["SIP/2.0 200 OK"] + [f"{h}: {v}" for h in ("Via", "From", "To", "Call-ID", "CSeq")
                                   for v in request.headers.get(h.lower())]
    return ("\r\n".join(answer) + "\r\nContent-Length: 0\r\n\r\n").encode()


SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
       "m=audio {port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")


def exchange(port: int, data: bytes, wait: float = 1.0) -> list[bytes]:
    """Send one datagram from a fresh socket; every reply within ``wait`` seconds."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        s.sendto(data, ("127.0.0.1", port))
        if not wait:
            return []
        s.settimeout(wait)
        replies = []
        try:
            while True:
                replies.append(s.recv(65535))
        except TimeoutError:
            return replies


def status_codes(replies: list[bytes]) -> list[int]:
    """The status code of each reply (requests among them left out)."""
    return [int(r.split(b" ", 2)[1]) for r in replies if r.startswith(b"SIP/2.0 ")]


def headers_of(reply: bytes) -> dict[str, list[str]]:
    """A SIP message's header values by lower-case name, in order."""
    found: dict[str, list[str]] = {}
    for line in reply.split(b"\r\n\r\n")[0].decode().split("\r\n")[1:]:
        name, _, value = line.partition(":")
        found.setdefault(name.strip().lower(), []).append(value.strip())
    return found


# ---- SIPp scenarios ------------------------------------------------------------------------

_HEADERS = """\
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Citizen" <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:1999@[remote_ip]:[remote_port]>{to_tag}
      Call-ID: [call_id]
      CSeq: {cseq}
      Contact: <sip:sipp@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70"""

_SDP = """\
v=0
o=citizen 53655765 2353687637 IN IP4 [local_ip]
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio {rx_port} RTP/AVP {codecs} 101
{rtpmaps}a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=ptime:20
"""


def _request(method: str, cseq: str, caller: str, body: str = "", to_tag: bool = True,
             extra: str = "", same_via: bool = False, routed: bool = False) -> str:
    """A request; ``same_via``: the INVITE's Via (its transaction: CANCEL, the ACK of an
    error); ``routed``: an in-dialog request as RFC 3261 §12.2.1.1 builds it behind a
    proxy: to the answer's Contact, through the Route set its Record-Route gave."""
    headers = _HEADERS.format(caller=caller, cseq=cseq,
                              to_tag="[peer_tag_param]" if to_tag else "")
    if same_via:
        headers = "      [last_Via:]\n" + headers.split("\n", 1)[1]
    uri = "sip:1999@[remote_ip]:[remote_port]"
    if routed:
        uri = "[next_url]"
        extra = "[routes]" + ("\n" + extra if extra else "")
    if extra:
        headers += "\n" + "\n".join("      " + line for line in extra.splitlines())
    content = "      Content-Type: application/sdp\n" if body else ""
    body_lines = "\n".join("      " + line for line in body.splitlines())
    return (f"      {method} {uri} SIP/2.0\n{headers}\n{content}"
            f"      Content-Length: [len]\n\n{body_lines}\n")


@dataclass
class Step:
    """One thing the SIPp caller does after the answer."""

    # "play" (a pcap, then wait ``ms``), "pause", "expect_bye" (the bot hangs up),
    # "reinvite" (``direction``: sendonly = hold, sendrecv = back), "expect_refer"
    # (a blind transfer with the call id in X-Hotline-Call-Id: 202, NOTIFY 200, BYE)
    kind: str
    pcap: Path | None = None
    ms: int = 0
    direction: str = "sendrecv"


def play(pcap: Path, then_ms: int) -> Step:
    return Step("play", pcap, then_ms)


def pause(ms: int) -> Step:
    return Step("pause", None, ms)


def uac_scenario(steps: list[Step], *, rx_port: int, caller: str = "0912345678",
                 codecs: tuple[int, ...] = (0, 8), pai: str | None = None,
                 cancel_after_ms: int | None = None, expect: int = 200,
                 session_expires: int | None = None, routed: bool = False) -> str:
    """A caller's scenario: INVITE (the bot's audio to ``rx_port``), 100/180, then 200 and ACK
    and ``steps``; or ``cancel_after_ms`` of ringing and CANCEL (200, then 487); or a final
    ``expect`` error status. ``routed``: the call goes through a proxy, and the requests
    within it follow the Route set from the answer's Record-Route (``_request``)."""
    rtpmaps = "".join(f"a=rtpmap:{pt} {'PCMU' if pt == 0 else 'PCMA'}/8000\n" for pt in codecs)
    sdp = _SDP.format(rx_port=rx_port, codecs=" ".join(map(str, codecs)), rtpmaps=rtpmaps)
    extra = f"P-Asserted-Identity: <sip:{pai}@pbx.example>" if pai else ""
    if session_expires:  # RFC 4028, we refresh (and then do not)
        extra += ("\n" if extra else "") + \
            f"Supported: timer\nSession-Expires: {session_expires};refresher=uac"
    invite = _request("INVITE", "1 INVITE", caller, sdp, to_tag=False, extra=extra)
    parts = [f'<send retrans="500"><![CDATA[\n{invite}]]></send>',
             '<recv response="100" optional="true"/>']
    if expect != 200:
        parts.append(f'<recv response="{expect}"/>')
        ack = _request("ACK", "1 ACK", caller, same_via=True)
        parts.append(f"<send><![CDATA[\n{ack}]]></send>")
        return _wrap(parts)
    parts.append('<recv response="180"/>')
    if cancel_after_ms is not None:
        cancel = _request("CANCEL", "1 CANCEL", caller, to_tag=False, same_via=True)
        parts += [f'<pause milliseconds="{cancel_after_ms}"/>',
                  f"<send><![CDATA[\n{cancel}]]></send>",
                  '<recv response="200"/>', '<recv response="487"/>']
        ack = _request("ACK", "1 ACK", caller, same_via=True)
        parts.append(f"<send><![CDATA[\n{ack}]]></send>")
        return _wrap(parts)
    rrs = ' rrs="true"' if routed else ""
    parts.append(f'<recv response="200" rtd="true"{rrs}/>')
    parts.append(f"<send><![CDATA[\n{_request('ACK', '1 ACK', caller, routed=routed)}]]>"
                 "</send>")
    bye_by_us = True
    cseq = 1
    for step in steps:
        if step.kind == "play":
            parts.append(f'<nop><action><exec play_pcap_audio="{step.pcap}"/></action></nop>')
            parts.append(f'<pause milliseconds="{step.ms}"/>')
        elif step.kind == "pause":
            parts.append(f'<pause milliseconds="{step.ms}"/>')
        elif step.kind == "expect_bye":  # the bot ends the call
            parts.append('<recv request="BYE" timeout="60000"/>')
            parts.append("<send><![CDATA[\n      SIP/2.0 200 OK\n      [last_Via:]\n"
                         "      [last_From:]\n      [last_To:]\n      [last_Call-ID:]\n"
                         "      [last_CSeq:]\n      Content-Length: 0\n\n]]></send>")
            bye_by_us = False
        elif step.kind == "reinvite":
            cseq += 1
            held = sdp.replace("a=ptime:20", f"a=ptime:20\na={step.direction}")
            reinvite = _request("INVITE", f"{cseq} INVITE", caller, held, routed=routed)
            parts += [f'<send retrans="500"><![CDATA[\n{reinvite}]]></send>',
                      '<recv response="100" optional="true"/>',
                      '<recv response="200"><action><ereg regexp="a=(sendrecv|recvonly|'
                      'sendonly|inactive)" search_in="body" check_it="true" '
                      'assign_to="dir"/><log message="answer [$dir]"/></action></recv>',
                      f"<send><![CDATA[\n{_request('ACK', f'{cseq} ACK', caller, routed=routed)}"
                      "]]></send>"]
        elif step.kind == "expect_refer":
            cseq += 1
            notify = (_request("NOTIFY", f"{cseq} NOTIFY", caller,
                               extra="Event: refer\nSubscription-State: terminated;"
                                     "reason=noresource", routed=routed)
                      .replace("      Content-Length: [len]\n\n",
                               "      Content-Type: message/sipfrag\n"
                               "      Content-Length: [len]\n\n      SIP/2.0 200 OK"))
            parts += ['<recv request="REFER" timeout="60000"><action><ereg regexp='
                      '"X-Hotline-Call-Id: *[0-9a-f]{16}" search_in="msg" check_it="true" '
                      'assign_to="cid"/><log message="transferred [$cid]"/></action></recv>',
                      "<send><![CDATA[\n      SIP/2.0 202 Accepted\n      [last_Via:]\n"
                      "      [last_From:]\n      [last_To:]\n      [last_Call-ID:]\n"
                      "      [last_CSeq:]\n      Content-Length: 0\n\n]]></send>",
                      f'<send retrans="500"><![CDATA[\n{notify}\n]]></send>',
                      '<recv response="200"/>',
                      '<recv request="BYE" timeout="10000"/>',
                      "<send><![CDATA[\n      SIP/2.0 200 OK\n      [last_Via:]\n"
                      "      [last_From:]\n      [last_To:]\n      [last_Call-ID:]\n"
                      "      [last_CSeq:]\n      Content-Length: 0\n\n]]></send>"]
            bye_by_us = False
    if bye_by_us:
        cseq += 1
        bye = _request("BYE", f"{cseq} BYE", caller, routed=routed)
        parts.append(f'<send retrans="500"><![CDATA[\n{bye}]]>'
                     "</send>")
        parts.append('<recv response="200" crlf="true"/>')
    return _wrap(parts)


def _wrap(parts: list[str]) -> str:
    body = "\n".join(parts)
    return ('<?xml version="1.0" encoding="ISO-8859-1" ?>\n'
            '<!DOCTYPE scenario SYSTEM "sipp.dtd">\n'
            f'<scenario name="hotline caller">\n{body}\n</scenario>\n')


@dataclass
class SippResult:
    returncode: int
    output: str
    errors: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


async def run_sipp(workdir: Path, scenario: str, target: tuple[str, int], *,
                   calls: int = 1, transport: str = "u1", timeout_s: float = 120.0,
                   name: str = "caller") -> SippResult:
    """Run one SIPp scenario (``calls`` of it at once) against ``target``; never blocks the
    event loop (the service under test may share it)."""
    path = workdir / f"{name}.xml"
    await asyncio.to_thread(_write, path, scenario)
    cmd = [SIPP, f"{target[0]}:{target[1]}", "-sf", str(path), "-i", "127.0.0.1",
           "-p", str(free_port()), "-mp", str(free_port() & ~1), "-m", str(calls),
           "-l", str(calls), "-r", str(calls), "-t", transport, "-nostdin",
           "-timeout", f"{int(timeout_s)}s", "-timeout_error", "-trace_err", "-trace_logs",
           "-max_socket", "64"]
    proc = await asyncio.create_subprocess_exec(*cmd, cwd=workdir,
                                                stdout=subprocess.PIPE,
                                                stderr=subprocess.STDOUT)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout_s + 30)
    except TimeoutError:
        proc.kill()
        out, _ = await proc.communicate()
    errors = await asyncio.to_thread(_errors, workdir, name)
    return SippResult(proc.returncode or 0, out.decode(errors="replace")[-4000:], errors)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _errors(workdir: Path, name: str) -> str:
    return "\n".join(p.read_text(errors="replace")[-4000:]
                     for p in workdir.glob(f"{name}_*_errors.log"))
