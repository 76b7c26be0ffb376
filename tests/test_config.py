"""Settings: env vars over a TOML file over defaults; bad values name the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hotline.cli import app
from hotline.config import ConfigError, load_settings


def test_defaults_are_local_only(clean_env: Path) -> None:
    s = load_settings()
    assert (s.host, s.port) == ("127.0.0.1", 8000)
    assert s.db_url == f"sqlite:///{clean_env / 'data' / 'hotline.db'}"


def test_env_beats_file(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conf = clean_env / "hotline.toml"
    conf.write_text('port = 9000\nlog_level = "debug"\nllm_threads = 1\n')
    monkeypatch.setenv("HOTLINE_CONFIG", str(conf))
    monkeypatch.setenv("HOTLINE_PORT", "9100")
    s = load_settings()
    assert (s.port, s.log_level, s.llm_threads) == (9100, "DEBUG", 1)


@pytest.mark.parametrize(
    ("var", "value", "message"),
    [
        ("HOTLINE_PORT", "99999", "port (HOTLINE_PORT)"),
        ("HOTLINE_PORT", "eighty", "port (HOTLINE_PORT)"),
        ("HOTLINE_LOG_LEVEL", "loud", "log_level (HOTLINE_LOG_LEVEL)"),
        ("HOTLINE_DATABASE_URL", "not a url", "database_url (HOTLINE_DATABASE_URL)"),
        ("HOTLINE_LLM_THREADS", "0", "llm_threads (HOTLINE_LLM_THREADS)"),
    ],
)
def test_bad_value_names_the_field(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, var: str, value: str, message: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings()


def test_unknown_key_in_file_and_missing_file(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = clean_env / "hotline.toml"
    conf.write_text("prot = 1\n")
    monkeypatch.setenv("HOTLINE_CONFIG", str(conf))
    with pytest.raises(ConfigError, match="prot"):
        load_settings()
    monkeypatch.setenv("HOTLINE_CONFIG", str(clean_env / "absent.toml"))
    with pytest.raises(ConfigError, match="no such file"):
        load_settings()


def test_config_command_masks_the_database_password(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOTLINE_DATABASE_URL", "postgresql://hotline:s3cret-pw@db.local/hotline")
    result = CliRunner().invoke(app, ["config"])
    assert result.exit_code == 0, result.output
    assert "s3cret-pw" not in result.output
    assert "postgresql://hotline:***@db.local/hotline" in result.output
    assert "HOTLINE_LLM_THREADS" in result.output


def test_bad_config_exits_2_with_the_field(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOTLINE_PORT", "0")
    result = CliRunner().invoke(app, ["config"])
    assert result.exit_code == 2
    assert "HOTLINE_PORT" in result.output
