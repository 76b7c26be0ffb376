"""SIPREC (RFC 7866) on the phone line, against SIPp as the recording client, with fakes for
the models: a recording INVITE with two sendonly streams and metadata naming the agent and
the caller; both sides transcribed into one listen-only call on that agent's console; the
client's BYE ends it. And recording INVITEs that are broken or hostile: 400/488, nothing
kept, the line unharmed."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from dialog.cases import CaseStore
from dialog.knowledge import KnowledgeBase
from hotline.calls import Call, CallPolicy, CallService
from hotline.desk.accounts import Agent, Role
from hotline.desk.views import call_view
from hotline.dialogs import DialogFactory
from hotline.phone_line import PhoneLine, PhoneLineSettings
from hotline.records import CallRecords
from tests.fakes import FakeASR, FakeVoice, silence, sqlite_engine, vowel
from tests.sip_peers import free_udp_tcp_port, run_sipp, send_rtp, to_phone, write_rtp_pcap
from tests.test_phone_line import Line
from voice.channels.siprec import parse_metadata, split_body
from voice.tts import VoiceBox

pytestmark = pytest.mark.skipif(not Path("/usr/bin/sipp").exists(), reason="needs sip-tester")

BOUNDARY = "rec-boundary-1999"


def metadata(agent: str = "alice", caller: str = "0422345678") -> str:
    def person(pid: str, user: str, name: str) -> str:
        return (f'<participant participant_id="{pid}"><nameID aor="sip:{user}@pbx.example">'
                f"<name>{name}</name></nameID></participant>")

    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<recording xmlns="urn:ietf:params:xml:ns:recording:1">',
        "<datamode>complete</datamode>",
        '<session session_id="c2Vzc2lvbjE="><sipSessionID>ab30317f1a784dc48ff824d0d3715d86'
        "</sipSessionID></session>",
        person("cGFydDE=", caller, "Caller"), person("cGFydDI=", agent, "Agent"),
        '<stream stream_id="c3RyMQ==" session_id="c2Vzc2lvbjE="><label>1</label></stream>',
        '<stream stream_id="c3RyMg==" session_id="c2Vzc2lvbjE="><label>2</label></stream>',
        '<participantstreamassoc participant_id="cGFydDE="><send>c3RyMQ==</send>'
        "</participantstreamassoc>",
        '<participantstreamassoc participant_id="cGFydDI="><send>c3RyMg==</send>'
        "</participantstreamassoc>",
        "</recording>"])


def offer(streams: int = 2) -> str:
    media = "".join(f"m=audio {6000 + 2 * i} RTP/AVP 0\na=rtpmap:0 PCMU/8000\n"
                     f"a=label:{i + 1}\na=sendonly\n" for i in range(streams))
    return ("v=0\no=src 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\n" + media)


def multipart(sdp: str, xml: str) -> str:
    return (f"--{BOUNDARY}\nContent-Type: application/sdp\n\n{sdp}\n--{BOUNDARY}\n"
            f"Content-Type: application/rs-metadata+xml\nContent-Disposition: "
            f"recording-session\n\n{xml}\n--{BOUNDARY}--")


def recording_scenario(body: str, *, content_type: str = "", expect: int = 200,
                       pcap: Path | None = None, hold_ms: int = 6000,
                       their_bye: bool = False) -> str:
    """SIPp as the recording client: the recording INVITE, then (answered) the first
    stream's audio from ``pcap``, ``hold_ms``, and BYE; or the ``expect``-ed error; or
    (``their_bye``) waiting for the recording server to end it."""
    content_type = content_type or f"multipart/mixed;boundary={BOUNDARY}"
    lines = "\n".join("      " + line for line in body.splitlines())
    headers = (
        "      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
        "      From: <sip:src@[local_ip]:[local_port]>;tag=[pid]SRC[call_number]\n"
        "      To: <sip:srs@[remote_ip]:[remote_port]>{to_tag}\n"
        "      Call-ID: [call_id]\n      CSeq: {cseq}\n"
        "      Contact: <sip:src@[local_ip]:[local_port]>;+sip.src\n      Max-Forwards: 70\n")
    invite = ("      INVITE sip:srs@[remote_ip]:[remote_port] SIP/2.0\n" +
              headers.format(to_tag="", cseq="1 INVITE") +
              f"      Require: siprec\n      Content-Type: {content_type}\n"
              f"      Content-Length: [len]\n\n{lines}\n")

    def request(method: str, cseq: str, same_via: bool = False) -> str:
        text = (f"      {method} sip:srs@[remote_ip]:[remote_port] SIP/2.0\n" +
                headers.format(to_tag="[peer_tag_param]", cseq=cseq) +
                "      Content-Length: 0\n\n")
        if same_via:
            text = text.replace("      Via: SIP/2.0/[transport] [local_ip]:[local_port];"
                                "branch=[branch]\n", "      [last_Via:]\n")
        return text

    parts = [f'<send retrans="500"><![CDATA[\n{invite}]]></send>',
             '<recv response="100" optional="true"/>']
    if expect != 200:
        parts += [f'<recv response="{expect}"/>',
                  f"<send><![CDATA[\n{request('ACK', '1 ACK', same_via=True)}]]></send>"]
    else:
        parts += ['<recv response="200"><action><ereg regexp="a=recvonly" search_in="body" '
                  'check_it="true" assign_to="dir"/><log message="answer [$dir]"/></action>'
                  '</recv>',
                  f"<send><![CDATA[\n{request('ACK', '1 ACK')}]]></send>"]
        if pcap is not None:
            parts.append(f'<nop><action><exec play_pcap_audio="{pcap}"/></action></nop>')
        if their_bye:
            parts += [f'<recv request="BYE" timeout="{hold_ms}"/>',
                      "<send><![CDATA[\n      SIP/2.0 200 OK\n      [last_Via:]\n"
                      "      [last_From:]\n      [last_To:]\n      [last_Call-ID:]\n"
                      "      [last_CSeq:]\n      Content-Length: 0\n\n]]></send>"]
        else:
            parts += [f'<pause milliseconds="{hold_ms}"/>',
                      f'<send retrans="500"><![CDATA[\n{request("BYE", "2 BYE")}]]></send>',
                      '<recv response="200" crlf="true"/>']
    body_xml = "\n".join(parts)
    return ('<?xml version="1.0" encoding="ISO-8859-1" ?>\n<!DOCTYPE scenario SYSTEM '
            f'"sipp.dtd">\n<scenario name="recording client">\n{body_xml}\n</scenario>\n')


@pytest.fixture
async def line(tmp_path: Path) -> AsyncIterator[Line]:
    engine = sqlite_engine(tmp_path / "hotline.db")
    records = CallRecords(engine)
    service = CallService(DialogFactory(KnowledgeBase.load(), CaseStore(engine), None),
                          FakeASR(), VoiceBox({"zh": FakeVoice()}), [],
                          CallPolicy(max_calls=5, connect_timeout_s=4.0), records)
    port = free_udp_tcp_port()
    base = random.randrange(42000, 48000, 100)
    phone = PhoneLine(service, PhoneLineSettings(
        port=port, rtp_ports=(base, base + 60),
        agent_named=lambda name: Agent(name, Role.AGENT) if name == "alice" else None))
    await phone.start()
    yield Line(phone, service, records, port, tmp_path)
    await service.close()
    await phone.stop()


async def the_call(line: Line) -> Call:
    for _ in range(100):
        if line.phone.recordings.sessions:
            recording = next(iter(line.phone.recordings.sessions.values()))
            if recording.call is not None:
                return recording.call
        await asyncio.sleep(0.05)
    raise AssertionError("no recording session started")


async def test_a_recording_session_is_the_named_agents_listen_only_call(line: Line) -> None:
    pcap = line.work / "caller.pcap"
    write_rtp_pcap(pcap, to_phone(np.concatenate([vowel(1.5), silence(1.0)])))
    sipp = asyncio.create_task(run_sipp(line.work / "sipp", recording_scenario(
        multipart(offer(), metadata()), pcap=pcap, hold_ms=7000), line.target))
    call = await the_call(line)
    recording = next(iter(line.phone.recordings.sessions.values()))
    # the second stream (the agent's side) from here, as the PBX would send it
    await asyncio.sleep(2.5)
    await send_rtp(recording.ports[1], to_phone(np.concatenate([vowel(1.0), silence(1.0)])))
    result = await sipp
    assert result.ok, result.output + result.errors  # 200 recvonly, and our 200 to its BYE
    await asyncio.wait_for(call.finished.wait(), 20)
    view = call_view(call)
    assert call.agent is not None and call.agent.name == "alice"
    assert view["channel"] == "siprec" and view["caller_id"] == "0422345678"
    whos = [t["who"] for t in view["transcript"]]
    assert "caller" in whos and "agent" in whos and "bot" not in whos  # the AI said nothing
    record = line.records.get(call.call_id)
    assert record is not None and record.handled_by == "alice"
    assert not line.phone.recordings.sessions  # ports given back


@pytest.mark.parametrize(("body", "content_type", "status"), [
    (offer(1), "application/sdp", 488),  # metadata to come, but one stream: no call's sides
    (multipart(offer(), "this is not xml"), "", 400),
    (multipart(offer(), '<!DOCTYPE recording SYSTEM "http://x.example/r.dtd"><recording/>'),
     "", 400),  # (a DTD: entity tricks; SIPp itself cannot send an inline one)
    (multipart(offer(1), metadata()), "", 488),  # one stream: not a call's two sides
    (multipart(offer(), metadata()).replace("application/sdp", "text/plain"), "", 400),
    (f"--{BOUNDARY}--", "", 400),
    (multipart(offer(), metadata()), "multipart/mixed", 400),  # no boundary
])
async def test_broken_recording_invites_are_refused_and_nothing_is_kept(
        line: Line, body: str, content_type: str, status: int) -> None:
    result = await run_sipp(line.work / "sipp", recording_scenario(
        body, content_type=content_type, expect=status), line.target)
    assert result.ok, result.output + result.errors
    assert not line.phone.recordings.sessions and not line.service.calls
    assert not line.phone.legs


def test_the_metadata_says_who_sends_which_stream() -> None:
    sdp, xml = split_body(f"multipart/mixed; boundary={BOUNDARY}",
                          multipart(offer(), metadata()).replace("\n", "\r\n").encode())
    assert sdp.count("m=audio") == 2
    meta = parse_metadata(xml)
    caller, agent = meta.sender("1"), meta.sender("2")
    assert caller is not None and caller.user == "0422345678"
    assert agent is not None and agent.user == "alice" and agent.name == "Agent"
    assert meta.sender("3") is None
    with pytest.raises(ValueError, match="larger"):
        parse_metadata(b"<recording>" + b" " * 40_000 + b"</recording>")
    with pytest.raises(ValueError, match="DTD"):  # the billion laughs never get parsed
        parse_metadata(b'<!DOCTYPE r [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                       b"<recording>&b;</recording>")
    with pytest.raises(ValueError, match="not RFC 7865"):
        parse_metadata(b"<html/>")


async def test_a_recording_client_gone_silent_is_hung_up_on(line: Line) -> None:
    """No audio on either stream (a crashed client, its BYE lost): our BYE, ports freed."""
    line.phone.recordings.media_timeout_s = 2.0
    result = await run_sipp(line.work / "sipp", recording_scenario(
        multipart(offer(), metadata()), hold_ms=20_000, their_bye=True), line.target)
    assert result.ok, result.output + result.errors
    for _ in range(50):
        if not line.phone.recordings.sessions:
            break
        await asyncio.sleep(0.1)
    assert not line.phone.recordings.sessions


async def test_only_recording_clients_may_record(line: Line) -> None:
    line.phone.siprec_networks = []
    result = await run_sipp(line.work / "sipp", recording_scenario(
        multipart(offer(), metadata()), expect=403), line.target)
    assert result.ok, result.output + result.errors
    assert not line.service.calls


async def test_a_caller_who_looks_like_an_agent_names_nobody(line: Line) -> None:
    """Both sides' addresses name an account: nobody's console gets the call."""
    result = await run_sipp(line.work / "sipp", recording_scenario(
        multipart(offer(), metadata(agent="alice", caller="alice")), hold_ms=1500),
        line.target)
    assert result.ok, result.output + result.errors
    call = next(iter(line.service.calls.values()))
    assert call.agent is None
