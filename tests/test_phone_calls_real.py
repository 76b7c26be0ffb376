"""Phone calls to ``hotline serve`` with the real models, from a real SIP peer (SIPp): the
callers' lines go down the line as G.711 RTP (natural Mandarin from ../shared/audio/zh,
English from piper), the bot's voice comes back to an RTP receiver, and the service's own
records say how each call ended. One served process for the module (models load once)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.config import load_settings
from hotline.db import make_engine
from hotline.records import CallRecord, CallRecords, CallRow
from hotline.runtime import Runtime
from tests.served import clean_env, serving
from tests.sip_peers import (
    Step,
    free_port,
    free_udp_tcp_port,
    pause,
    play,
    rtp_receiver,
    run_sipp,
    to_phone,
    uac_scenario,
    write_rtp_pcap,
)
from voice.audio import read_audio
from voice.frames import SAMPLE_RATE, Pcm

pytestmark = pytest.mark.models

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
AUDIO = ROOT.parent / "shared" / "audio" / "zh"


@dataclass
class Served:
    base: str
    sip: tuple[str, int]
    db_url: str
    log: Path
    work: Path

    def records_since(self, since: float) -> list[CallRecord]:
        """Call records of calls that started after ``since`` (time.time())."""
        engine = make_engine(self.db_url)
        with Session(engine) as session:
            rows = session.scalars(select(CallRow.call_id)).all()
        records = CallRecords(engine)
        found = [records.get(call_id) for call_id in rows]
        return sorted((r for r in found if r is not None and r.started_at.timestamp() >= since),
                      key=lambda r: r.started_at)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("phone")
    port, sip = free_port(), free_udp_tcp_port()
    rtp = 44000 + (os.getpid() % 50) * 40
    env = clean_env(HOTLINE_DATA_DIR=str(home / "data"), HOTLINE_HOST="127.0.0.1",
                    HOTLINE_PORT=str(port), HOTLINE_SIP_LISTEN=f"127.0.0.1:{sip}",
                    HOTLINE_RTP_PORTS=f"{rtp}-{rtp + 39}")
    base = f"http://127.0.0.1:{port}"
    log = home / "serve.log"
    with serving(env, base, log):
        yield Served(base, ("127.0.0.1", sip), f"sqlite:///{home / 'data' / 'hotline.db'}",
                     log, home)


@pytest.fixture(scope="module")
def english() -> Any:
    """piper's English voice, for the English caller's lines."""
    rt = Runtime.from_settings(load_settings())
    voice = rt.slots["tts_en"].engine
    assert voice is not None, "the English piper voice is not installed (scripts/setup.sh)"
    voice.load()
    return voice


def line_pcap(path: Path, pcm: Pcm, **kw: Any) -> tuple[Path, int]:
    """A caller's line as a pcap of G.711 RTP, and how long it lasts in ms."""
    write_rtp_pcap(path, to_phone(pcm), **kw)
    return path, int(len(pcm) / SAMPLE_RATE * 1000) + 200


def conversation(lines: list[tuple[Path, int]], answer_ms: int) -> list[Step]:
    """Each line said ``answer_ms`` after the previous one ended (time for the bot to
    answer); the first after the greeting has begun."""
    steps = [pause(2500)]
    for pcap, ms in lines:
        steps.append(play(pcap, ms))
        steps.append(pause(answer_ms))
    return steps


async def call(served: Served, name: str, steps: list[Step]) -> tuple[Any, CallRecord]:
    rx = free_port()
    transport, heard = await rtp_receiver(rx)
    since = time.time() - 1
    try:
        result = await run_sipp(served.work / name, uac_scenario(steps, rx_port=rx),
                                served.sip, timeout_s=240, name=name)
    finally:
        transport.close()
    assert result.ok, result.output + result.errors
    for _ in range(100):  # the record is written once the call has closed
        records = await asyncio.to_thread(served.records_since, since)
        if records:
            return heard, records[-1]
        await asyncio.sleep(0.2)
    raise AssertionError(f"no record\n{served.log.read_text()[-3000:]}")


def said(record: CallRecord, who: str) -> list[str]:
    return [t.text for t in record.transcript if t.who == who]


async def test_an_english_pothole_report_by_phone_ends_with_a_case_number(
        served: Served, english: Any, tmp_path: Path) -> None:
    report = english.synthesize("There is a big pothole on Taiwan Boulevard Section 3, "
                                "in front of number 100, in Xitun District.").pcm
    yes = english.synthesize("Yes, that's right.").pcm
    lines = [line_pcap(tmp_path / "report.pcap", report), line_pcap(tmp_path / "yes.pcap", yes)]
    heard, record = await call(served, "english", conversation(lines, 14000))
    assert record.outcome == "case_filed", [(t.who, t.text) for t in record.transcript]
    assert record.case_number is not None
    # the case number was spoken down the line
    assert any(record.case_number in line for line in said(record, "bot")), record.transcript
    assert heard.first_voice() is not None and heard.voiced_seconds() > 10.0


def mandarin(name: str, tmp_path: Path, **kw: Any) -> list[tuple[Path, int]]:
    scenario = json.loads((ROOT.parent / "shared" / "scenarios" / "dev-audio" /
                           f"{name}.json").read_text("utf-8"))
    return [line_pcap(tmp_path / f"{i}.pcap", read_audio(AUDIO / Path(t["wav"]).name), seed=i,
                      **kw)
            for i, t in enumerate(scenario["turns"])]


async def test_a_mandarin_report_by_phone(served: Served, tmp_path: Path) -> None:
    heard, record = await call(served, "mandarin",
                               conversation(mandarin("road-damage-01", tmp_path), 14000))
    assert record.outcome == "case_filed", [(t.who, t.text) for t in record.transcript]
    assert record.case_number is not None
    assert any("西屯" in line for line in said(record, "caller"))
    assert heard.voiced_seconds() > 10.0


async def test_ten_percent_loss_and_jitter_the_call_still_completes(
        served: Served, tmp_path: Path) -> None:
    # (the confirmation in words, 對，沒錯: a lone 對 is one syllable, and a lost packet in it
    # can take all of it)
    report, _ = mandarin("road-damage-01", tmp_path, loss=0.10, jitter_ms=40.0)
    yes = line_pcap(tmp_path / "yes.pcap", read_audio(AUDIO / "streetlight-01-3.wav"),
                    loss=0.10, jitter_ms=40.0, seed=5)
    lines = [report, yes]
    heard, record = await call(served, "lossy", conversation(lines, 14000))
    assert record.outcome == "case_filed", [(t.who, t.text) for t in record.transcript]
    assert record.case_number is not None
    assert np.isfinite(heard.voiced_seconds())
