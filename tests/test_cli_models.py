"""`hotline models …` on the shipped manifest, with the real voice package as source."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hotline.cli import app

VOICE = "piper-en_US-joe-medium"
runner = CliRunner()


@pytest.mark.parametrize("command", [["install"], ["verify"], ["pull"]])
def test_unknown_model_lists_known_names(clean_env: Path, command: list[str]) -> None:
    result = runner.invoke(app, ["models", *command, "no-such-model"])
    assert result.exit_code == 2
    assert "unknown model 'no-such-model'" in result.output
    assert "whisper-base" in result.output and "qwen2.5-coder-0.5b-instruct-q4km" in result.output


def test_install_list_verify_corrupt_repair(clean_env: Path) -> None:
    result = runner.invoke(app, ["models", "install", VOICE])
    assert result.exit_code == 0, result.output
    assert f"{VOICE}: installed" in result.output
    again = runner.invoke(app, ["models", "install", VOICE])
    assert f"{VOICE}: already installed" in again.output

    listing = runner.invoke(app, ["models", "list"]).output
    row = next(line for line in listing.splitlines() if VOICE in line)
    assert "yes" in row and "CC0-1.0" in row and "tts" in row
    assert "no" in next(line for line in listing.splitlines() if "whisper-large-v3" in line)

    ok = runner.invoke(app, ["models", "verify", VOICE])
    assert ok.exit_code == 0 and ok.output.count("OK") == 2

    config = clean_env / "models" / VOICE / "en_US-joe-medium.onnx.json"
    data = bytearray(config.read_bytes())
    data[10] ^= 0x01
    config.write_bytes(bytes(data))
    bad = runner.invoke(app, ["models", "verify", VOICE])
    assert bad.exit_code == 1
    assert f"CORRUPT  {config}" in bad.output
    assert "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33" in bad.output

    repaired = runner.invoke(app, ["models", "install", VOICE])
    assert f"{VOICE}: installed" in repaired.output
    assert runner.invoke(app, ["models", "verify", VOICE]).exit_code == 0


def test_verify_of_an_empty_cache_reports_the_defaults_missing(clean_env: Path) -> None:
    result = runner.invoke(app, ["models", "verify"])
    assert result.exit_code == 1
    assert "MISSING" in result.output and "whisper-base" in result.output


def test_pull_rejects_a_malformed_hash_option(clean_env: Path) -> None:
    result = runner.invoke(app, ["models", "pull", "whisper-small", "--sha256", "deadbeef"])
    assert result.exit_code == 2
    assert "FILE=HEX" in result.output
