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


def test_the_phone_line_is_off_by_default_and_takes_trunk_addresses(
        clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().sip_listen is None
    monkeypatch.setenv("HOTLINE_SIP_LISTEN", "127.0.0.1:5070")
    monkeypatch.setenv("HOTLINE_SIP_ALLOW", "10.1.2.0/24, 192.168.7.5")
    monkeypatch.setenv("HOTLINE_RTP_PORTS", "30000-30099")
    s = load_settings()
    assert s.sip_allow == ["10.1.2.0/24", "192.168.7.5/32"]
    assert s.rtp_port_range == (30000, 30099)


def test_the_llm_runs_in_process_unless_a_server_is_named(
        clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().llm_url is None
    monkeypatch.setenv("HOTLINE_LLM_URL", "http://10.0.0.5:8081/v1/")
    assert load_settings().llm_url == "http://10.0.0.5:8081/v1"
    monkeypatch.setenv("HOTLINE_LLM_URL", "")  # (set but empty: in process, as unset)
    assert load_settings().llm_url is None


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
        ("HOTLINE_SIP_LISTEN", "5060", "sip_listen (HOTLINE_SIP_LISTEN)"),
        ("HOTLINE_SIP_ALLOW", "the pbx", "sip_allow (HOTLINE_SIP_ALLOW)"),
        ("HOTLINE_RTP_PORTS", "40000-40001", "rtp_ports (HOTLINE_RTP_PORTS)"),
        ("HOTLINE_RTP_PORTS", "80-90", "rtp_ports (HOTLINE_RTP_PORTS)"),
        ("HOTLINE_SIP_BUSY", "ignore", "sip_busy (HOTLINE_SIP_BUSY)"),
        ("HOTLINE_LLM_URL", "ftp://10.0.0.5/v1", "llm_url (HOTLINE_LLM_URL)"),
        ("HOTLINE_LLM_URL", "http://u:pw@10.0.0.5:8081/v1", "llm_url (HOTLINE_LLM_URL)"),
        ("HOTLINE_LLM_URL", "http://10.0.0.5:8081/v1?next=evil", "llm_url (HOTLINE_LLM_URL)"),
        ("HOTLINE_LLM_URL", "http://10.0.0.5:99999/v1", "llm_url (HOTLINE_LLM_URL)"),
        ("HOTLINE_LLM_TIMEOUT_S", "0", "llm_timeout_s (HOTLINE_LLM_TIMEOUT_S)"),
        ("HOTLINE_LLM_RESPONSE_FORMAT", "grammar",
         "llm_response_format (HOTLINE_LLM_RESPONSE_FORMAT)"),
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


def test_desk_phone_assist_needs_the_pbxs_token(clean_env: Path) -> None:
    with pytest.raises(ConfigError, match="tap_token"):
        load_settings(audiosocket_listen="127.0.0.1:9092")
    with pytest.raises(ConfigError, match="tap_token"):
        load_settings(audiosocket_listen="127.0.0.1:9092", tap_token="short")
    with pytest.raises(ConfigError, match="audiosocket_listen"):
        load_settings(audiosocket_listen="9092", tap_token="x" * 16)
    settings = load_settings(audiosocket_listen="127.0.0.1:9092", tap_token="x" * 16,
                             tap_allow="10.1.2.3, 192.168.0.0/16")
    assert settings.tap_allow == ["10.1.2.3/32", "192.168.0.0/16"]
