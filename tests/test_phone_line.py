"""The phone line against a real SIP peer (SIPp), with fakes for the models: answering,
ringing and CANCEL, keys, the trunk's checks, capacity, hang-ups, several calls at once, and
hostile traffic that must never disturb a live call. The real models on the phone line are
in test_phone_calls_real.py."""

from __future__ import annotations

import asyncio
import ipaddress
import random
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from aiosipua.registration import RegistrationState

from dialog.cases import CaseStore
from dialog.knowledge import KnowledgeBase
from hotline.calls import Call, CallPolicy, CallService
from hotline.desk.auth import RateLimiter
from hotline.dialogs import DialogFactory
from hotline.phone_line import PhoneLine, PhoneLineSettings, caller_id, mask_number
from hotline.records import CallRecords
from tests.fakes import FakeASR, FakeVoice, sqlite_engine, vowel
from tests.sip_peers import (
    DTMF_PCAPS,
    SDP,
    SIPP,
    Step,
    exchange,
    free_port,
    free_udp_tcp_port,
    headers_of,
    pause,
    play,
    rtp_receiver,
    run_sipp,
    sip_ack,
    sip_ok,
    sip_request,
    status_codes,
    to_phone,
    uac_scenario,
    udp_peer,
    write_rtp_pcap,
)
from voice.audio import read_audio, write_wav
from voice.channels.base import Remote
from voice.channels.sip import SipChannel
from voice.tts import VoiceBox

PBX_NUMBER = "0422289111"


@dataclass
class Line:
    phone: PhoneLine
    service: CallService
    records: CallRecords
    port: int
    work: Path

    @property
    def target(self) -> tuple[str, int]:
        return "127.0.0.1", self.port

    def ended_calls(self) -> list[Call]:
        return [c for c in self.service.calls.values() if c.ended]


@pytest.fixture
async def line(tmp_path: Path, kb: KnowledgeBase) -> AsyncIterator[Line]:
    engine = sqlite_engine(tmp_path / "hotline.db")
    records = CallRecords(engine)
    service = CallService(DialogFactory(kb, CaseStore(engine), None), FakeASR(),
                          VoiceBox({"zh": FakeVoice()}), [],
                          CallPolicy(max_calls=5, connect_timeout_s=4.0), records)
    port = free_udp_tcp_port()
    base = random.randrange(42000, 48000, 100)
    phone = PhoneLine(service, PhoneLineSettings(port=port, rtp_ports=(base, base + 60),
                                                 ring_s=0.3))
    await phone.start()
    yield Line(phone, service, records, port, tmp_path)
    await service.close()
    await phone.stop()


async def finished(line: Line, n: int = 1, within: float = 20.0) -> list[Call]:
    """The first ``n`` calls once each has ended and its record was saved."""
    for _ in range(int(within * 10)):
        calls = line.ended_calls()
        if len(calls) >= n:
            return calls
        await asyncio.sleep(0.1)
    raise AssertionError(f"{len(line.ended_calls())} of {n} calls ended")


def speech_pcap(path: Path, seconds: float, **kw: float) -> Path:
    write_rtp_pcap(path, to_phone(vowel(seconds)), **kw)  # type: ignore[arg-type]
    return path


async def test_a_phone_call_is_answered_greeted_and_key_zero_reaches_a_person(
        line: Line) -> None:
    rx = free_port()
    transport, heard = await rtp_receiver(rx)
    try:
        scenario = uac_scenario([pause(1500), play(DTMF_PCAPS / "dtmf_2833_0.pcap", 4000)],
                                rx_port=rx, caller="anonymous", pai=PBX_NUMBER)
        result = await run_sipp(line.work / "sipp", scenario, line.target)
    finally:
        transport.close()
    assert result.ok, result.output + result.errors
    (call,) = await finished(line)
    assert call.channel.kind == "sip"
    assert call.channel.remote.caller_id == PBX_NUMBER  # from P-Asserted-Identity
    record = line.records.get(call.call_id)
    assert record is not None
    assert record.outcome == "escalated" and record.handoff_reason == "caller_request"
    assert call.brain.keypad  # the greeting names the key (test_dialog_manager)
    assert record.transcript[0].who == "bot"  # the greeting, cut short by the key
    # the greeting came down the line as G.711: sound, within a second of the answer
    assert heard.first_voice() is not None
    assert heard.voiced_seconds() > 2.0
    assert {pt for _t, pt, _p in heard.packets} == {0}  # PCMU, the offer's first choice


async def test_pcma_and_the_caller_id_from_from(line: Line) -> None:
    rx = free_port()
    transport, heard = await rtp_receiver(rx)
    try:
        scenario = uac_scenario([pause(2500)], rx_port=rx, codecs=(8,), caller="0911222333")
        result = await run_sipp(line.work / "sipp", scenario, line.target)
    finally:
        transport.close()
    assert result.ok, result.output + result.errors
    (call,) = await finished(line)
    assert call.channel.remote.caller_id == "0911222333"
    assert {pt for _t, pt, _p in heard.packets} == {8}


async def test_over_tcp(line: Line) -> None:
    rx = free_port()
    transport, heard = await rtp_receiver(rx)
    try:
        scenario = uac_scenario([pause(2000)], rx_port=rx)
        result = await run_sipp(line.work / "sipp", scenario, line.target, transport="t1")
    finally:
        transport.close()
    assert result.ok, result.output + result.errors
    await finished(line)
    assert heard.first_voice() is not None


async def test_cancel_while_ringing_leaves_no_call_and_frees_the_port(line: Line) -> None:
    scenario = uac_scenario([], rx_port=free_port(), cancel_after_ms=50)
    result = await run_sipp(line.work / "sipp", scenario, line.target)
    assert result.ok, result.output + result.errors  # 200 for the CANCEL, 487 for the INVITE
    await asyncio.sleep(0.5)  # past the ring time
    assert not line.service.calls
    assert not line.phone.ports._allocated
    assert line.service.live == 0


async def test_a_source_outside_the_allow_list_gets_403(line: Line) -> None:
    line.phone.networks = [ipaddress.ip_network("10.0.0.0/8")]
    scenario = uac_scenario([], rx_port=free_port(), expect=403)
    result = await run_sipp(line.work / "sipp", scenario, line.target)
    assert result.ok, result.output + result.errors
    assert not line.service.calls


async def test_at_capacity_486_or_the_busy_message(line: Line) -> None:
    line.service.policy.max_calls = 1
    rx = free_port()
    transport, heard = await rtp_receiver(rx)
    first = asyncio.create_task(run_sipp(
        line.work / "first", uac_scenario([pause(6000)], rx_port=free_port()), line.target,
        name="first"))
    try:
        for _ in range(50):
            if line.service.live:
                break
            await asyncio.sleep(0.1)
        busy = await run_sipp(line.work / "busy", uac_scenario([], rx_port=free_port(),
                                                               expect=486), line.target)
        assert busy.ok, busy.output + busy.errors
        line.phone.settings = PhoneLineSettings(**{**line.phone.settings.__dict__,
                                                   "busy": "message"})
        told = await run_sipp(line.work / "told", uac_scenario(
            [Step("expect_bye")], rx_port=rx), line.target, name="told")
        assert told.ok, told.output + told.errors  # answered, told, and hung up on by us
        assert heard.voiced_seconds() > 1.0
        assert (await first).ok
    finally:
        transport.close()
        first.cancel()


async def test_the_caller_hangs_up_mid_sentence_and_the_record_keeps_it(line: Line) -> None:
    pcap = speech_pcap(line.work / "speech.pcap", 4.0)
    scenario = uac_scenario([pause(200), play(pcap, 2000)], rx_port=free_port())
    result = await run_sipp(line.work / "sipp", scenario, line.target)
    assert result.ok, result.output + result.errors
    (call,) = await finished(line)
    record = line.records.get(call.call_id)
    assert record is not None
    assert call.pipeline.stats.hangup_reason == "caller_hung_up"
    said = [t.text for t in record.transcript if t.who == "caller"]
    assert said and said[-1].startswith("說了")  # what was said up to the BYE counts


async def test_four_calls_at_once(line: Line) -> None:
    pcap = speech_pcap(line.work / "speech.pcap", 1.5)
    rx = free_port()
    transport, heard = await rtp_receiver(rx)
    try:
        scenario = uac_scenario([pause(500), play(pcap, 3500)], rx_port=rx)
        result = await run_sipp(line.work / "sipp", scenario, line.target, calls=4)
    finally:
        transport.close()
    assert result.ok, result.output + result.errors
    calls = await finished(line, 4)
    assert len({c.call_id for c in calls}) == 4
    ports = {c.channel.media.sdp_answer.audio.port for c in calls}  # type: ignore[attr-defined]
    assert len(ports) == 4
    for call in calls:
        record = line.records.get(call.call_id)
        assert record is not None and any(t.who == "caller" for t in record.transcript)
    assert len(heard.streams) == 4  # four greetings came back, one stream each


async def test_hold_and_back(line: Line) -> None:
    rx = free_port()
    transport, _heard = await rtp_receiver(rx)
    try:
        scenario = uac_scenario([pause(800), Step("reinvite", direction="sendonly"),
                                 pause(1500), Step("reinvite", direction="sendrecv"),
                                 pause(800)], rx_port=rx)
        result = await run_sipp(line.work / "sipp", scenario, line.target)
    finally:
        transport.close()
    assert result.ok, result.output + result.errors
    # hold answered recvonly (RFC 3264), then back to sendrecv
    answers = [ln for ln in (line.work / "sipp").glob("*_logs.log")]
    log = "".join(p.read_text() for p in answers)
    assert "answer a=recvonly" in log and "answer a=sendrecv" in log, log
    (call,) = await finished(line)
    assert call.pipeline.stats.hangup_reason == "caller_hung_up"


async def test_a_hand_off_goes_to_the_city_queue_by_refer(line: Line) -> None:
    line.phone.settings = PhoneLineSettings(**{**line.phone.settings.__dict__,
                                               "transfer_to": "sip:acd@127.0.0.1:5999"})
    scenario = uac_scenario([pause(800), play(DTMF_PCAPS / "dtmf_2833_0.pcap", 200),
                             Step("expect_refer")], rx_port=free_port())
    result = await run_sipp(line.work / "sipp", scenario, line.target)
    assert result.ok, result.output + result.errors  # REFER with the call id, then our BYE
    (call,) = await finished(line)
    record = line.records.get(call.call_id)
    assert record is not None and record.outcome == "escalated"
    log = "".join(p.read_text() for p in (line.work / "sipp").glob("*_logs.log"))
    assert f"transferred X-Hotline-Call-Id: {call.call_id}" in log, log


# ---- hostile traffic ------------------------------------------------------------------------

async def test_hostile_traffic_never_disturbs_a_live_call(line: Line) -> None:
    pcap = speech_pcap(line.work / "speech.pcap", 1.5)
    rx = free_port()
    transport, heard = await rtp_receiver(rx)
    live = asyncio.create_task(run_sipp(
        line.work / "live", uac_scenario([pause(500), play(pcap, 2500), pause(4000)],
                                         rx_port=rx), line.target, name="live"))
    port = line.port
    rng = random.Random(7)
    try:
        for _ in range(40):
            if line.service.live:
                break
            await asyncio.sleep(0.1)
        attacks: list[tuple[str, bytes, set[int]]] = [
            ("64 KB datagram", b"INVITE " + b"A" * 65000, set()),
            ("garbage", bytes(rng.getrandbits(8) for _ in range(300)), set()),
            ("truncated headers", sip_request("INVITE", port, "t1")[:60], set()),
            ("no Via", b"OPTIONS sip:1999@127.0.0.1 SIP/2.0\r\nCall-ID: x\r\n\r\n", set()),
            ("bad SDP", sip_request("INVITE", port, "bad-sdp", SDP.format(port="abc"),
                                    branch="z9hG4bK-bad"), {400}),
            ("no audio in the SDP", sip_request(
                "INVITE", port, "no-audio",
                "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", branch="z9hG4bK-na"),
             {488}),
            ("Content-Length too long", sip_request("INVITE", port, "cl-long",
                                                    SDP.format(port=4000),
                                                    content_length=5000,
                                                    branch="z9hG4bK-cl"), set()),
            ("unknown method", sip_request("FROB", port, "frob", branch="z9hG4bK-f"), {405}),
            ("BYE for no call", sip_request("BYE", port, "nobody", branch="z9hG4bK-b"), {481}),
        ]
        for name, data, expected in attacks:
            codes = set(status_codes(await asyncio.to_thread(exchange, port, data, 0.4)))
            finals = {c for c in codes if c >= 200}
            assert finals <= expected | {400}, f"{name}: {codes}"
            if expected:
                assert finals & expected, f"{name}: expected {expected}, got {codes}"
        for _ in range(200):  # a burst of junk
            await asyncio.to_thread(exchange, port, bytes(rng.getrandbits(8)
                                                          for _ in range(rng.randrange(1, 1400))),
                                    0.0)
        # a TCP peer that sends headers for ever is cut off; one that says nothing is closed
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"INVITE sip:1999@x SIP/2.0\r\n" + b"X-Pad: " + b"a" * 70000)
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), 5) == b""
        writer.close()
        # the line still answers its health pings
        options = sip_request("OPTIONS", port, "ping", branch="z9hG4bK-o")
        assert 200 in status_codes(await asyncio.to_thread(exchange, port, options))
        result = await live
    finally:
        transport.close()
    assert result.ok, result.output + result.errors  # the live call went on to its BYE
    (call,) = [c for c in await finished(line) if c.channel.kind == "sip"]
    record = line.records.get(call.call_id)
    assert record is not None and any(t.who == "caller" for t in record.transcript)
    assert heard.voiced_seconds() > 2.0, ([t.text for t in record.transcript],
                                          call.pipeline.stats.played,
                                          call.pipeline.stats.first_audio)
    assert line.phone.garbage.counts  # counted, not logged one traceback each


async def test_a_retransmitted_invite_is_one_call(line: Line) -> None:
    rx = free_port()
    invite = sip_request("INVITE", line.port, "retrans-1", SDP.format(port=rx),
                         branch="z9hG4bK-rt")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        s.settimeout(0.3)
        for _ in range(3):
            s.sendto(invite, ("127.0.0.1", line.port))
            await asyncio.sleep(0.15)
        replies: list[bytes] = []
        for _ in range(20):
            try:
                replies.append(await asyncio.to_thread(s.recv, 65535))
            except TimeoutError:
                break
    oks = [r for r in replies if r.startswith(b"SIP/2.0 200")]
    assert oks
    to_tags = {line_.split(b"tag=")[1] for r in oks for line_ in r.split(b"\r\n")
               if line_.lower().startswith(b"to:")}
    assert len(to_tags) == 1  # one dialog
    assert len(line.service.calls) == 1


def test_caller_id_and_its_mask() -> None:
    from aiosipua import SipMessage
    invite = SipMessage.parse(sip_request("INVITE", 5060, "x"))
    assert caller_id(invite) == "0912000111"  # type: ignore[arg-type]
    assert mask_number("0912000111") == "*******111"
    assert mask_number(None) == "-"
    anon = SipMessage.parse(sip_request("INVITE", 5060, "x").replace(
        b"<sip:0912000111@", b"<sip:anonymous@"))
    assert caller_id(anon) is None  # type: ignore[arg-type]


class _SilentMedia:
    """An answered call's media that never receives a packet (a phone gone quiet)."""

    def __init__(self) -> None:
        self.rtp_session = None
        self.on_audio = None
        self.on_dtmf = None

    async def close(self) -> None:
        pass


async def test_a_line_that_sends_nothing_is_dead_unless_on_hold() -> None:
    bye: list[bool] = []
    dead = SipChannel(_SilentMedia(), Remote("127.0.0.1"), lambda: bye.append(True))
    held = SipChannel(_SilentMedia(), Remote("127.0.0.1"), lambda: bye.append(True))
    for channel in (dead, held):
        channel.media_timeout_s = 0.4
        channel.start()
    held.on_hold = True
    await asyncio.wait_for(dead.gone.wait(), 3)
    assert not held.gone.is_set()
    # silence was filled in meanwhile: the call's clock went on
    frames = [item async for item in _take(dead.inbound(), 5)]
    assert frames and all(not np.any(f) for f in frames)
    for channel in (dead, held):
        await channel.hang_up()
    assert bye == [True, True]  # a dead line still hears BYE (the phone may be there)


async def _take(items: AsyncIterator[Any], n: int) -> AsyncIterator[Any]:
    async for item in items:
        yield item
        n -= 1
        if not n:
            return


REGISTRAR = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="a PBX's registrar: digest challenge, then 200 or 403">
  <recv request="REGISTER"/>
  <send><![CDATA[
      SIP/2.0 401 Unauthorized
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]reg[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      WWW-Authenticate: Digest realm="pbx.test", nonce="n[pid]x", algorithm=MD5, qop="auth"
      Content-Length: 0
    ]]></send>
  <recv request="REGISTER">
    <action><verifyauth assign_to="authok" username="1999" password="extension secret"/></action>
  </recv>
  <nop test="authok" next="ok"/>
  <send next="end"><![CDATA[
      SIP/2.0 403 Forbidden
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]reg[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]></send>
  <label id="ok"/>
  <send><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]reg[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Contact:];expires=60
      Expires: 60
      Content-Length: 0
    ]]></send>
  <label id="end"/>
</scenario>
"""


@pytest.mark.parametrize(("password", "registered"), [("extension secret", True),
                                                      ("wrong", False)])
async def test_the_line_registers_with_a_pbx_as_an_extension(
        tmp_path: Path, kb: KnowledgeBase, password: str, registered: bool) -> None:
    scenario = tmp_path / "registrar.xml"
    scenario.write_text(REGISTRAR)
    pbx = free_port()
    registrar = await asyncio.create_subprocess_exec(
        SIPP, "-sf", str(scenario), "-i", "127.0.0.1", "-p", str(pbx), "-m", "1", "-nostdin",
        "-timeout", "20s", cwd=tmp_path, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL)
    engine = sqlite_engine(tmp_path / "hotline.db")
    service = CallService(DialogFactory(kb, CaseStore(engine), None), FakeASR(),
                          VoiceBox({"zh": FakeVoice()}), [], CallPolicy())
    phone = PhoneLine(service, PhoneLineSettings(
        port=free_udp_tcp_port(), transports=("udp",), registrar=("127.0.0.1", pbx),
        user="1999", password=password))
    await asyncio.sleep(0.3)  # the registrar listening
    await phone.start()
    try:
        for _ in range(50):
            reg = phone.registration
            if reg is not None and reg.state in (RegistrationState.REGISTERED,
                                                 RegistrationState.FAILED):
                break
            await asyncio.sleep(0.1)
        assert phone.registration is not None
        assert (phone.registration.state is RegistrationState.REGISTERED) == registered
        assert phone.registration.state in (RegistrationState.REGISTERED,
                                            RegistrationState.FAILED)
    finally:
        await phone.stop()
        await service.close()
        if registrar.returncode is None:
            registrar.kill()
        await registrar.wait()


BARESIP_CONFIG = """\
sip_listen 127.0.0.1:{port}
sip_transports udp
audio_source aufile,{mic}
audio_srate 8000
audio_channels 1
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module sndfile.so
module account.so
module menu.so
snd_path {dir}
rtp_ports {rtp}-{rtp_end}
"""


async def test_a_real_softphone_calls_in(line: Line) -> None:
    """baresip (Debian) dials the line with a WAV as its microphone and records what it
    hears (its sndfile module); the call's record holds what the caller said."""
    home = line.work / "baresip"
    home.mkdir()
    mic = home / "mic.wav"
    pcm8k = to_phone(np.concatenate([np.zeros(2 * 16000, np.int16), vowel(2.0),
                                     np.zeros(5 * 16000, np.int16)]))
    write_wav(mic, pcm8k, rate=8000)
    rtp = random.randrange(48100, 49000, 20)
    (home / "config").write_text(BARESIP_CONFIG.format(
        port=free_port(), mic=mic, dir=home, rtp=rtp, rtp_end=rtp + 19))
    (home / "accounts").write_text("<sip:0911222333@127.0.0.1>;regint=0;audio_codecs=PCMU\n")
    phone = await asyncio.create_subprocess_exec(
        "baresip", "-f", str(home), "-e", f"/dial sip:1999@127.0.0.1:{line.port}", "-t", "9",
        cwd=home, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(phone.communicate(), 30)
    (call,) = await finished(line, within=20)
    record = line.records.get(call.call_id)
    assert record is not None, out.decode(errors="replace")
    assert call.channel.remote.caller_id == "0911222333"
    assert any(t.who == "caller" and t.text.startswith("說了") for t in record.transcript), \
        (record.transcript, out.decode(errors="replace")[-2000:])
    # what the softphone heard: the bot's greeting
    heard = [p for p in home.glob("*.wav") if p != mic and "dec" in p.name]
    assert heard, sorted(p.name for p in home.iterdir())
    loud = max(int(np.abs(read_audio(p)).max()) for p in heard)
    assert loud > 1000


async def test_a_source_over_its_call_rate_gets_503(line: Line) -> None:
    line.phone.rate = RateLimiter(1, 60.0)
    first = await run_sipp(line.work / "first", uac_scenario([pause(300)], rx_port=free_port()),
                           line.target, name="first")
    assert first.ok, first.output + first.errors
    second = await run_sipp(line.work / "second", uac_scenario([], rx_port=free_port(),
                                                               expect=503),
                            line.target, name="second")
    assert second.ok, second.output + second.errors
    assert line.phone.refused.get(503) == 1


async def test_a_phone_call_is_recorded_like_any_other(tmp_path: Path, line: Line) -> None:
    line.service.policy.recordings = tmp_path / "recordings"
    line.service.policy.recordings.mkdir()
    pcap = speech_pcap(line.work / "speech.pcap", 1.5)
    result = await run_sipp(line.work / "sipp", uac_scenario([pause(500), play(pcap, 3000)],
                                                             rx_port=free_port()), line.target)
    assert result.ok, result.output + result.errors
    (call,) = await finished(line)
    caller_wav = line.service.policy.recordings / f"{call.call_id}-caller.wav"
    line_wav = line.service.policy.recordings / f"{call.call_id}-line.wav"
    caller, bot = read_audio(caller_wav), read_audio(line_wav)
    assert np.abs(caller).max() > 1000  # the caller's voice, at 16 kHz like a web call's
    assert np.abs(bot).max() > 500  # and what the line said to them


async def test_our_bye_is_sent_again_until_the_phone_answers_it(line: Line) -> None:
    """Over UDP a BYE can be lost: it goes again until answered, then no more."""
    from aiosipua import SipMessage, SipRequest, SipResponse

    rx = free_port()
    phone = udp_peer(2.0)
    try:
        invite = sip_request("INVITE", line.port, "bye-again", SDP.format(port=rx),
                             branch="z9hG4bK-ba")
        phone.sendto(invite, ("127.0.0.1", line.port))
        ok = None
        while ok is None:
            msg = SipMessage.parse(await asyncio.to_thread(phone.recv, 65535))
            if isinstance(msg, SipResponse) and msg.status_code == 200:
                ok = msg
        phone.sendto(sip_ack(line.port, "bye-again", ok), ("127.0.0.1", line.port))
        await asyncio.sleep(0.5)
        (call,) = list(line.service.calls.values())
        await line.service.end(call)  # the bot hangs up
        byes: list[tuple[float, SipRequest]] = []
        for _ in range(2):  # the first BYE goes unanswered (lost, as far as we know)
            data, addr = await asyncio.to_thread(phone.recvfrom, 65535)
            request = SipMessage.parse(data)
            assert isinstance(request, SipRequest) and request.method == "BYE"
            byes.append((time.monotonic(), request))
        assert 0.3 < byes[1][0] - byes[0][0] < 2.0
        phone.sendto(sip_ok(byes[1][1]), addr)
        phone.settimeout(2.5)
        with pytest.raises(TimeoutError):  # answered: no more BYEs
            while True:
                again = SipMessage.parse(await asyncio.to_thread(phone.recv, 65535))
                assert not (isinstance(again, SipRequest) and again.method == "BYE")
    finally:
        phone.close()
    assert not line.phone.byes_unanswered


async def test_options_say_what_the_line_takes_and_a_draining_line_says_503(
        line: Line) -> None:
    """A PBX's or a dispatcher's health ping (RFC 3261 §11): 200 with the methods and bodies
    the line takes; 503 once it drains (SIGTERM: a proxy then sends calls elsewhere), and
    for a source pinging more than PINGS_PER_MINUTE."""
    def ping(n: int) -> list[bytes]:
        return exchange(line.port, sip_request("OPTIONS", line.port, f"ping-{n}",
                                               branch=f"z9hG4bK-p{n}"), 0.4)

    (answer,) = await asyncio.to_thread(ping, 1)
    assert status_codes([answer]) == [200]
    headers = headers_of(answer)
    allowed = {m.strip() for v in headers["allow"] for m in v.split(",")}
    assert {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS"} <= allowed
    assert "application/sdp" in headers["accept"][0]
    assert headers["supported"] == ["timer"]  # RFC 4028, as the line negotiates it
    assert ";tag=" in headers["to"][0] and headers["call-id"] == ["ping-1"]

    line.phone.pings = RateLimiter(2, 60.0)
    codes = [status_codes(await asyncio.to_thread(ping, n)) for n in (2, 3, 4)]
    assert codes == [[200], [200], [503]]

    line.phone.pings = RateLimiter(100, 60.0)
    line.service.draining = True
    (answer,) = await asyncio.to_thread(ping, 5)
    assert answer.startswith(b"SIP/2.0 503 ") and b"shutting down" in answer.split(b"\r\n")[0]
    line.service.draining = False


async def test_behind_a_proxy_the_dialog_follows_its_record_route(line: Line) -> None:
    """RFC 3261 §12.1.1: the INVITE's Record-Route comes back in the 180 and the 200 (else the
    caller's ACK and BYE bypass the proxy), and the line's own BYE carries the Route set in
    the same order, to the caller's Contact."""
    from aiosipua import SipMessage, SipRequest, SipResponse

    routes = ["<sip:127.0.0.1:5999;r2=on;lr>", "<sip:10.0.0.9;transport=tcp;r2=on;lr>"]
    rx = free_port()
    proxy = udp_peer(3.0)
    try:
        invite = sip_request("INVITE", line.port, "routed", SDP.format(port=rx),
                             branch="z9hG4bK-rr").replace(
            b"Max-Forwards: 70\r\n",
            b"Max-Forwards: 70\r\n" + b"".join(f"Record-Route: {r}\r\n".encode()
                                               for r in routes))
        proxy.sendto(invite, ("127.0.0.1", line.port))
        answers: dict[int, bytes] = {}
        while 200 not in answers:
            data = await asyncio.to_thread(proxy.recv, 65535)
            answers[status_codes([data])[0]] = data
        assert headers_of(answers[180])["record-route"] == routes
        assert headers_of(answers[200])["record-route"] == routes
        ok = SipMessage.parse(answers[200])
        assert isinstance(ok, SipResponse)
        proxy.sendto(sip_ack(line.port, "routed", ok), ("127.0.0.1", line.port))
        await asyncio.sleep(0.3)
        (call,) = list(line.service.calls.values())
        await line.service.end(call)  # the bot hangs up
        while True:
            data, addr = await asyncio.to_thread(proxy.recvfrom, 65535)
            bye = SipMessage.parse(data)
            if isinstance(bye, SipRequest) and bye.method == "BYE":
                break
        assert bye.uri == "sip:t@127.0.0.1:5999"  # the caller's Contact: the remote target
        assert bye.headers.get("route") == routes  # nearest proxy first
        proxy.sendto(sip_ok(bye), addr)
    finally:
        proxy.close()


async def test_a_session_nobody_refreshes_expires_and_the_record_is_kept(
        tmp_path: Path, kb: KnowledgeBase) -> None:
    """RFC 4028: the phone said it would refresh the session and never does (a PBX that
    crashed): the line ends the call when the session expires."""
    engine = sqlite_engine(tmp_path / "hotline.db")
    records = CallRecords(engine)
    service = CallService(DialogFactory(kb, CaseStore(engine), None), FakeASR(),
                          VoiceBox({"zh": FakeVoice()}), [], CallPolicy(), records)
    port = free_udp_tcp_port()
    phone = PhoneLine(service, PhoneLineSettings(port=port, transports=("udp",),
                                                 rtp_ports=(48500, 48540), ring_s=0.0,
                                                 session_expires=3, min_se=2))
    await phone.start()
    try:
        started = time.monotonic()
        result = await run_sipp(tmp_path / "sipp", uac_scenario(
            [Step("expect_bye")], rx_port=free_port(), session_expires=3),
            ("127.0.0.1", port))
        assert result.ok, result.output + result.errors  # our BYE came, unasked
        assert time.monotonic() - started < 10
        for _ in range(50):
            ended = [c for c in service.calls.values() if c.ended]
            if ended:
                break
            await asyncio.sleep(0.1)
        (call,) = ended
        assert records.get(call.call_id) is not None
    finally:
        await service.close()
        await phone.stop()
