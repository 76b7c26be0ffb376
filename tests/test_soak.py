"""The soak benchmark, briefly: two callers for a few seconds against a real `hotline serve`
(bad offers mixed in). A smoke test of the benchmark: it checks what it reports and that no
line is left held, never how fast anything was."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from prometheus_client import CollectorRegistry, generate_latest

from hotline.benches.soak import (
    BAD_KINDS,
    CallerVoice,
    SoakConfig,
    live_calls_in,
    run_soak,
    server_env,
    summary_lines,
)
from hotline.config import Settings, load_settings
from hotline.metrics import ServiceMetrics
from voice.frames import FRAME_SAMPLES


def test_the_soak_server_takes_every_caller_from_one_address(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOTLINE_CALLS_PER_MINUTE_PER_IP", "5")  # the operator's own limit
    env = server_env(8123, tmp_path / "data", 12, {})
    for name, value in env.items():
        if name.startswith("HOTLINE_"):
            monkeypatch.setenv(name, value)
    settings = load_settings()  # the server will accept this environment
    assert (settings.host, settings.port) == ("127.0.0.1", 8123)
    assert settings.data_dir == tmp_path / "data" and settings.db_url.endswith("hotline.db")
    assert settings.calls_per_minute_per_ip >= 10000
    assert settings.calls_per_ip >= 12
    assert settings.max_calls >= 12


def test_live_calls_are_summed_over_the_states_of_the_metrics() -> None:
    figures = ServiceMetrics(CollectorRegistry())
    figures.calls_live.labels("bot").set(2)
    figures.calls_live.labels("agent").set(1)
    figures.calls_live.labels("ringing").set(0)
    assert live_calls_in(generate_latest(figures.registry).decode()) == 3


async def test_the_caller_speaks_in_whole_frames_then_falls_silent() -> None:
    voice = CallerVoice()
    voice.say(np.full(FRAME_SAMPLES * 2 + 10, 3000, np.int16))
    assert voice.pending_s == pytest.approx(0.06)
    frames = [(await voice.recv()).to_ndarray().reshape(-1) for _ in range(4)]
    assert [len(f) for f in frames] == [FRAME_SAMPLES] * 4
    assert [int(np.abs(f).max()) for f in frames] == [3000, 3000, 3000, 0]
    assert frames[1].tolist() == [3000] * FRAME_SAMPLES
    assert frames[2][:10].tolist() == [3000] * 10 and frames[2][10:].max() == 0
    voice.stop()


@pytest.mark.models
@pytest.mark.timeout(240)
async def test_a_short_soak_completes_calls_and_leaves_no_line_held() -> None:
    # A short connect timeout, where this version has one, so the settle is short too.
    env = ({"HOTLINE_CONNECT_TIMEOUT_S": "3"} if "connect_timeout_s" in Settings.model_fields
           else {})
    config = SoakConfig(duration_s=6, callers=2, bad_offer_every_s=0.6, sample_every_s=3,
                        server_env=env, seed=9)
    printed: list[str] = []
    report = await run_soak(config, printed.append)
    text = "\n".join(printed + summary_lines(report))
    print(text)

    phases = [s["phase"] for s in report["samples"]]
    assert phases[0] == "start" and phases[-1] == "end" and "minute" in phases, text
    for sample in (report["start"], report["end"]):
        assert sample["rss_mb"] > 50 and sample["fds"] > 3 and sample["threads"] >= 1, sample
    assert report["start"]["live_calls"] == 0
    assert set(report["growth"]) == {"rss_mb", "fds", "threads", "live_calls"}
    assert report["completed"] >= 1 and report["completed_with_bot_audio"] >= 1, text
    # every hostile offer got an HTTP answer (or, for a body too large, a closed connection),
    # and none a 5xx
    assert set(report["bad_offers"]) <= set(BAD_KINDS) and report["bad_offers"], text
    assert all(status.isdigit() or status == "closed"
               for c in report["bad_offers"].values() for status in c), text
    assert report["server_errors_5xx"] == 0, text
    assert report["lines_stuck"] == 0, text
    assert report["server_exit"]["status"] == 0, text
