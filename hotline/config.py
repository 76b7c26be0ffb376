"""The one configuration root: environment variables ``HOTLINE_*`` over an optional TOML file.

The TOML file is named by ``HOTLINE_CONFIG`` (or ``hotline --config FILE``); its keys are the
field names below. What a model *is* lives in ``models/manifest.toml``; this file only says
which installed model to use and how the service runs.
"""

from __future__ import annotations

import os
from ipaddress import ip_network
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from hotline.hours import Hours

ENV_PREFIX = "HOTLINE_"
CONFIG_ENV = "HOTLINE_CONFIG"


def _default_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hotline" / "models"


def _default_data() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "hotline"


class ConfigError(ValueError):
    """The configuration is invalid; the message names each bad field and its env var."""


def _loopback(description: str) -> Any:
    """A list of CIDRs that allows only this machine unless set."""
    return Field(default_factory=lambda: ["127.0.0.0/8", "::1/128"], description=description)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="forbid", validate_default=True, frozen=True
    )

    host: str = Field("127.0.0.1", description="address the service listens on")
    port: int = Field(8000, ge=1, le=65535, description="TCP port of the service")
    models_dir: Path = Field(
        default_factory=_default_cache, description="cache folder of model files"
    )
    data_dir: Path = Field(
        default_factory=_default_data, description="folder for the database and call records"
    )
    database_url: SecretStr = Field(
        SecretStr(""),
        description="SQLAlchemy URL of the database; empty = SQLite file in data_dir",
    )
    worker_id: str = Field(
        "", max_length=32, pattern=r"^[A-Za-z0-9._-]*$",
        description="this worker's name among many (with PostgreSQL); empty = host name and "
                    "a random suffix")
    worker_url: str = Field(
        "", max_length=200, pattern=r"^(https?://[^\s]+)?$",
        description="where agents' consoles reach this worker's calls: its prefix on the "
                    "front they use (https://hotline.example/w/2); empty = http://HOST:PORT")
    worker_beat_s: float = Field(2.0, gt=0, description="how often a worker says it is alive")
    worker_timeout_s: float = Field(
        10.0, gt=0, description="a worker silent this long is taken out: its calls end "
                                "(records kept as they were), its queue entries go")
    asr_model: str | None = Field(None, description="ASR model name; unset = best installed")
    llm_model: str | None = Field(
        None, description="LLM model name; unset = best installed (with llm_url: the model "
                          "the server names first)")
    tts_voice_en: str | None = Field(None, description="English piper voice; unset = best")
    tts_voice_zh: str | None = Field(
        None, description="Mandarin piper voice; unset = best installed, else espeak-ng")
    load_models: bool = Field(True, description="load the models when the service starts")
    max_calls: int = Field(8, ge=1, description="live calls at once; more hear 'lines are busy'")
    agent_wait_s: float = Field(
        180.0, gt=0, description="seconds a caller waits for an agent before a call-back offer")
    routing: Literal["bot", "agent_first"] = Field(
        "bot", description="who answers a call: the bot, or agents first with the AI beside "
                           "them (the bot answers if nobody accepts within agent_wait_s)")
    bot_hours: str | None = Field(
        None, description="times of day (Taipei) when an agent_first line is answered by the "
                          "bot, e.g. 22:00-08:00 (comma-separated spans)")
    hold_message_s: float = Field(
        30.0, gt=0, description="seconds between 'please hold' messages while waiting")
    calls_per_minute_per_ip: int = Field(
        10, ge=1, description="new calls one client address may start per minute")
    calls_per_ip: int = Field(
        2, ge=1, description="live calls one client address may hold at once")
    connect_timeout_s: float = Field(
        15.0, gt=0, description="seconds from the answer until audio must flow, else hang up")
    drain_s: float = Field(
        30.0, ge=0, description="on SIGTERM, seconds live calls may go on before they are ended")
    login_attempts_per_minute: int = Field(
        5, ge=1, description="agent logins one client address, and one account name, "
                             "may try per minute")
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="reverse proxies (CIDRs, comma-separated) whose X-Forwarded-For is "
                    "believed for per-address limits; empty = none")
    event_streams_per_client: int = Field(
        3, ge=1, description="live event streams one call or agent session may hold open")
    secure_cookies: bool = Field(
        False, description="mark session cookies Secure (set when served over HTTPS)")
    record_audio: bool = Field(
        False, description="keep each call's audio in data_dir/recordings (callers are told)")
    retention_days: int = Field(
        365, ge=1, description="days call records are kept (hotline calls purge)")
    purge_daily: bool = Field(
        True, description="hotline serve applies retention_days once a day (as calls purge)")
    sip_listen: str | None = Field(
        None, description="host:port of the phone line (SIP over UDP and TCP); unset = off, "
                          "e.g. 127.0.0.1:5060")
    sip_allow: Annotated[list[str], NoDecode] = _loopback(
        "CIDRs (comma-separated) that may call the phone line (the PBX, the trunk); others "
        "get 403")
    siprec_allow: Annotated[list[str], NoDecode] = _loopback(
        "CIDRs (comma-separated) of the recording clients (PBX, SBC) that may open SIPREC "
        "sessions of agents' desk-phone calls on the phone line; others get 403")
    rtp_ports: str = Field(
        "40000-40999", pattern=r"^\d{1,5}-\d{1,5}$",
        description="UDP port range for the phone calls' audio (RTP, two ports a call)")
    sip_advertise: str | None = Field(
        None, description="address put in SDP and Contact when behind NAT; unset = listen host")
    sip_busy: Literal["reject", "message"] = Field(
        "reject", description="at capacity: 486 Busy Here, or answer with the busy message")
    sip_calls_per_minute: int = Field(
        120, ge=1, description="new phone calls one source (a PBX) may start per minute")
    sip_transfer_to: str | None = Field(
        None, description="SIP URI of the city's ACD queue: hand-offs are transferred there "
                          "(REFER) instead of waiting for an agent in the console")
    sip_registrar: str | None = Field(
        None, description="host:port of a PBX to REGISTER with as an extension; unset = none")
    sip_user: str | None = Field(None, description="the extension (user) to register as")
    sip_password: SecretStr = Field(
        SecretStr(""), description="the extension's password (digest auth), from the "
                                   "environment")
    audiosocket_listen: str | None = Field(
        None, description="host:port for the PBX's AudioSocket copies of calls agents answer "
                          "on desk phones (listen-only assist); unset = off")
    tap_allow: Annotated[list[str], NoDecode] = _loopback(
        "CIDRs (comma-separated) of the PBX that may send AudioSocket copies and name their "
        "agents")
    tap_token: SecretStr = Field(
        SecretStr(""), description="the PBX's Bearer token for POST /api/taps/{uuid} "
                                   "(needed when audiosocket_listen is set)")
    ice_servers: list[str] = Field(
        default_factory=list, description="STUN/TURN URLs; empty = host candidates only")
    llm_threads: int = Field(
        default_factory=lambda: os.cpu_count() or 2, ge=1, description="CPU threads for the LLM"
    )
    llm_context: int = Field(4096, ge=512, description="LLM context window in tokens")
    llm_url: str | None = Field(
        None, description="base URL of an OpenAI-compatible LLM server on the city's network "
                          "(llama.cpp's server, vLLM), e.g. http://10.0.0.5:8081/v1; the "
                          "callers' words go there. Unset = the model runs in this process")
    llm_api_key: SecretStr = Field(
        SecretStr(""), description="Bearer token for llm_url, if the server wants one")
    llm_timeout_s: float = Field(
        5.0, gt=0, le=60, description="seconds llm_url may take for one answer; a later, "
                                      "refused or garbled answer leaves the turn to the rules")
    llm_response_format: Literal["json_object", "json_schema"] = Field(
        "json_object", description="how llm_url is told the answer's JSON schema: json_object "
                                   "(llama.cpp's servers) or json_schema (vLLM, the OpenAI "
                                   "standard)")
    asr_threads: int = Field(
        default_factory=lambda: os.cpu_count() or 2, ge=1, description="CPU threads for ASR"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="log verbosity"
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("trusted_proxies", "sip_allow", "tap_allow", "siprec_allow",
                     mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):  # HOTLINE_TRUSTED_PROXIES=10.0.0.0/8,192.168.1.5
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies", "sip_allow", "tap_allow", "siprec_allow")
    @classmethod
    def _cidrs(cls, value: list[str]) -> list[str]:
        try:
            return [str(ip_network(v, strict=False)) for v in value]
        except ValueError as exc:
            raise ValueError(f"not an address or CIDR network: {exc}") from exc

    @field_validator("sip_listen", "sip_registrar", "audiosocket_listen")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        if value:
            host, _, port = value.rpartition(":")
            if not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError("expected host:port, e.g. 127.0.0.1:5060")
        return value

    @field_validator("llm_url")
    @classmethod
    def _llm_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        url = urlsplit(value.strip())
        # Only the configured server gets the callers' words: no credentials in the URL
        # (logs and `hotline config` show it), no query that could redirect the request.
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("expected http://host:port/v1 (an OpenAI-compatible server)")
        if url.username or url.password or url.query or url.fragment:
            raise ValueError("no user, password, query or fragment in the URL "
                             "(a token goes in HOTLINE_LLM_API_KEY)")
        try:
            url.port  # noqa: B018 (raises on a port that is not a number in range)
        except ValueError as exc:
            raise ValueError(f"bad port: {exc}") from exc
        path = url.path.rstrip("/") or "/v1"  # the OpenAI API's usual base
        return urlunsplit((url.scheme, url.netloc, path, "", ""))

    @model_validator(mode="after")
    def _tap_token(self) -> Settings:
        if self.audiosocket_listen and len(self.tap_token.get_secret_value()) < 16:
            raise ValueError("tap_token: set HOTLINE_TAP_TOKEN (16+ characters) for the PBX "
                             "when audiosocket_listen is on")
        return self

    @field_validator("bot_hours")
    @classmethod
    def _hours(cls, value: str | None) -> str | None:
        if value:
            Hours.parse(value)  # (its ValueError says which span is wrong)
        return value

    @field_validator("rtp_ports")
    @classmethod
    def _port_range(cls, value: str) -> str:
        low, high = (int(p) for p in value.split("-"))
        if not 1024 <= low < high <= 65535 or high - low < 3:
            raise ValueError("expected LOW-HIGH within 1024-65535, e.g. 40000-40999")
        return value

    @field_validator("database_url")
    @classmethod
    def _valid_url(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value():
            try:
                make_url(value.get_secret_value())
            except ArgumentError as exc:
                raise ValueError("not an SQLAlchemy URL (e.g. postgresql://u:p@host/db)") from exc
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = os.environ.get(CONFIG_ENV)
        if path:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(path)))
        return tuple(sources)

    @property
    def db_url(self) -> str:
        """The database URL in effect (SQLite in data_dir unless configured)."""
        url = self.database_url.get_secret_value()
        return url or f"sqlite:///{self.data_dir / 'hotline.db'}"

    @property
    def many_workers(self) -> bool:
        """Workers share the queue when they share a database server (not an SQLite file)."""
        return not self.db_url.startswith("sqlite")

    @property
    def rtp_port_range(self) -> tuple[int, int]:
        low, high = (int(p) for p in self.rtp_ports.split("-"))
        return low, high

    @property
    def recordings_dir(self) -> Path:
        return self.data_dir / "recordings"

    def effective(self) -> list[tuple[str, str, str, str]]:
        """(field, env var, value with secrets masked, description) for every field."""
        rows = []
        for name, info in type(self).model_fields.items():
            rows.append((name, ENV_PREFIX + name.upper(), self.shown(name), _doc(info)))
        return rows

    def shown(self, name: str) -> str:
        value = getattr(self, name)
        if name == "database_url":
            return make_url(self.db_url).render_as_string(hide_password=True)
        if isinstance(value, SecretStr):
            return "********" if value.get_secret_value() else "(unset)"
        if value is None:
            return "(auto)"
        return str(value)


def _doc(info: FieldInfo) -> str:
    return info.description or ""


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, or raise ConfigError naming every bad field."""
    path = os.environ.get(CONFIG_ENV)
    if path and not Path(path).is_file():
        raise ConfigError(f"{CONFIG_ENV}={path}: no such file")
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "settings"
            env = ENV_PREFIX + field.split(".")[0].upper()
            lines.append(f"  {field} ({env}): {err['msg']}")
        raise ConfigError("invalid configuration:\n" + "\n".join(lines)) from exc
    except (OSError, ValueError) as exc:  # e.g. an unreadable or malformed TOML file
        raise ConfigError(f"cannot read configuration {path}: {exc}") from exc
