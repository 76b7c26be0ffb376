"""`hotline simulate`, `hotline bench dialog` and `hotline chat`, rules-only (fast)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from hotline.cli import app

DEV = Path(__file__).resolve().parents[2] / "shared" / "scenarios" / "dev"
OWN = Path(__file__).resolve().parent / "scenarios"
runner = CliRunner()


def test_simulate_prints_exactly_the_result_contract(clean_env: Path) -> None:
    result = runner.invoke(app, ["simulate", str(OWN / "streetlight-02.json"), "--no-llm"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"id", "outcome", "category", "department", "emergency", "case",
                         "handoff", "turns"}
    assert set(data["case"]) == {"number", "district", "address", "summary"}
    turn = data["turns"][0]
    assert set(turn) == {"caller", "heard", "bot", "ms"}
    assert set(turn["ms"]) == {"asr", "dialog", "tts_first_audio", "voice_to_voice"}
    assert turn["ms"]["asr"] is None and isinstance(turn["ms"]["dialog"], float)
    assert data["outcome"] == "case_filed"
    # a simulation never files into the real database
    assert not (clean_env / "data" / "hotline.db").exists()


def test_simulate_escalation_has_the_handoff_fields(clean_env: Path) -> None:
    result = runner.invoke(app, ["simulate", str(DEV / "human-01.json"), "--no-llm"])
    data = json.loads(result.stdout)
    assert data["outcome"] == "escalated"
    assert set(data["handoff"]) == {"reason", "summary", "suggestions"}
    assert data["handoff"]["reason"] == "caller_request"


def test_simulate_rejects_a_bad_file(clean_env: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x", "turns": []}')
    result = runner.invoke(app, ["simulate", str(bad), "--no-llm"])
    assert result.exit_code == 2 and "not a scenario" in result.output
    bad.write_bytes(b"\xff\xfe not json")
    assert runner.invoke(app, ["simulate", str(bad), "--no-llm"]).exit_code == 2


def test_bench_dialog_reports_each_scenario(clean_env: Path, tmp_path: Path) -> None:
    wrong = json.loads((DEV / "noise-01.json").read_text())
    wrong["id"], wrong["expect"]["category"] = "wrong-expectation", "bus"
    (tmp_path / "wrong.json").write_text(json.dumps(wrong, ensure_ascii=False))
    result = runner.invoke(app, ["bench", "dialog", str(DEV), str(tmp_path / "wrong.json"),
                                 "--no-llm"])
    assert "PASS streetlight-01" in result.output
    assert "FAIL wrong-expectation  category: expected 'bus', got 'noise'" in result.output
    assert result.exit_code == 1  # any failure fails the run
    figures = json.loads(result.output[result.output.index("{"):])
    assert figures["scenarios"] == 13 and figures["passed"] == 12
    assert figures["emergency"] == {"ok": 2, "of": 2, "rate": 1.0}
    assert figures["turn_ms_rules"]["p50"] is not None


def test_chat_files_a_case_in_the_configured_database(clean_env: Path) -> None:
    lines = "北屯區崇德路二段一百號的路燈壞了\n對\n沒有了\n"
    result = runner.invoke(app, ["chat", "--no-llm"], input=lines)
    assert result.exit_code == 0, result.output
    assert "案件編號是1999-" in result.output and "再見" in result.output
    listing = runner.invoke(app, ["cases", "list"])
    assert "streetlight" in listing.output
