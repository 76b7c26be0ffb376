"""Rate limits and sessions under abuse: limiter memory stays bounded, a success does not
wipe anyone's failures, logins are limited per account name too, X-Forwarded-For is
believed only from trusted proxies, and a disabled agent or a new password ends sessions
even when the change is made by another process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request
from multidict import CIMultiDict
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from hotline.cli import app as cli_app
from hotline.config import ConfigError, Settings, load_settings
from hotline.db import make_engine
from hotline.desk.accounts import Accounts, Agent, Role
from hotline.desk.api import DESK
from hotline.desk.auth import (
    TRUSTED_PROXIES,
    RateLimiter,
    Sessions,
    SessionStore,
    client_address,
    parse_networks,
)
from hotline.server import create_app
from tests.agent_desk import PASSWORD, Client, Desk


def test_expired_keys_are_swept_for_every_key() -> None:
    now = [0.0]
    limiter = RateLimiter(3, 60.0, clock=lambda: now[0])
    for i in range(500):  # far fewer than any size threshold
        assert limiter.allow(f"10.0.{i // 256}.{i % 256}")
    assert len(limiter) == 500
    now[0] = 61.0
    assert limiter.allow("10.9.9.9")
    assert len(limiter) == 1  # the 500 idle keys are gone
    for minute in range(2, 60):  # a steady trickle of new keys: memory does not grow
        now[0] = minute * 61.0
        for i in range(50):
            limiter.allow(f"{minute}-{i}")
        assert len(limiter) <= 101


def test_refund_takes_back_one_attempt_only() -> None:
    now = [0.0]
    limiter = RateLimiter(3, 60.0, clock=lambda: now[0])
    assert limiter.allow("a") and limiter.allow("a") and limiter.allow("a")
    assert not limiter.allow("a")
    limiter.refund("a")  # e.g. one of the three was a successful login
    assert limiter.allow("a") and not limiter.allow("a")
    limiter.refund("nobody")  # nothing to refund: no error, nothing remembered
    assert len(limiter) == 1


def request_from(peer: str, forwarded: list[str] | None = None,
                 trusted: list[str] | None = None) -> web.Request:
    app = web.Application()
    app[TRUSTED_PROXIES] = parse_networks(trusted or [])
    headers = [("X-Forwarded-For", value) for value in forwarded or []]
    request = make_mocked_request("GET", "/", headers=CIMultiDict(headers), app=app)
    return request.clone(remote=peer)


def test_forwarded_for_is_read_only_from_trusted_proxies() -> None:
    assert client_address(request_from("203.0.113.9", ["1.2.3.4"])) == "203.0.113.9"
    assert client_address(request_from("203.0.113.9", ["1.2.3.4"],
                                       ["10.0.0.0/8"])) == "203.0.113.9"
    proxy = ["10.0.0.0/8", "192.168.1.5"]
    # Through the proxy: the address it saw, not what the client wrote further left.
    assert client_address(request_from("10.1.1.1", ["6.6.6.6, 198.51.100.7"],
                                       proxy)) == "198.51.100.7"
    # Two proxies in a row, the header split over two lines.
    assert client_address(request_from("10.1.1.1", ["6.6.6.6, 198.51.100.7",
                                                    "192.168.1.5"], proxy)) == "198.51.100.7"
    # No header, or garbage in it: the request counts against the proxy itself.
    assert client_address(request_from("10.1.1.1", None, proxy)) == "10.1.1.1"
    assert client_address(request_from("10.1.1.1", ["not-an-ip"], proxy)) == "10.1.1.1"
    assert client_address(request_from("10.1.1.1", ["6.6.6.6, bogus, 192.168.1.5"],
                                       proxy)) == "192.168.1.5"
    # Ports and IPv6 forms, and a dual-stack socket's mapped IPv4 peer.
    assert client_address(request_from("10.1.1.1", ["198.51.100.7:4431"],
                                       proxy)) == "198.51.100.7"
    assert client_address(request_from("10.1.1.1", ["[2001:db8::1]:443"],
                                       proxy)) == "2001:db8::1"
    assert client_address(request_from("::ffff:10.1.1.1", ["198.51.100.7"],
                                       proxy)) == "198.51.100.7"


def test_trusted_proxies_setting(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().trusted_proxies == []
    monkeypatch.setenv("HOTLINE_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.5 ,::1")
    assert load_settings().trusted_proxies == ["10.0.0.0/8", "192.168.1.5/32", "::1/128"]
    monkeypatch.setenv("HOTLINE_TRUSTED_PROXIES", "10.0.0.0/8,10.0.0.300")
    with pytest.raises(ConfigError, match="HOTLINE_TRUSTED_PROXIES"):
        load_settings()
    monkeypatch.setenv("HOTLINE_TRUSTED_PROXIES", "localhost")
    with pytest.raises(ConfigError, match="HOTLINE_TRUSTED_PROXIES"):
        load_settings()


# ---- logins over HTTP ------------------------------------------------------------------


@pytest.fixture
async def proxied(clean_env: Path) -> AsyncIterator[Client]:
    """The service behind a reverse proxy on 127.0.0.1, accounts alice and sue."""
    settings = load_settings(load_models=False, login_attempts_per_minute=5,
                             trusted_proxies=["127.0.0.1"])
    accounts = Accounts(make_engine(settings.db_url))
    accounts.add("alice", PASSWORD)
    accounts.add("sue", PASSWORD, Role.SUPERVISOR)
    async with TestClient(TestServer(create_app(settings))) as client:
        yield client


async def try_login(client: Client, name: str, password: str, via: str | None = None) -> int:
    headers = {"X-Forwarded-For": via} if via else {}
    resp = await client.post("/api/agent/login", json={"name": name, "password": password},
                             headers=headers)
    assert "error" in await resp.json() or resp.status == 200
    return resp.status


async def test_a_success_does_not_wipe_someone_elses_failures(desk: Desk) -> None:
    for _ in range(4):  # an attacker at the same address
        assert await try_login(desk.client, "sue", "guess guess 1") == 401
    assert await try_login(desk.client, "alice", PASSWORD) == 200  # a colleague logs in
    assert await try_login(desk.client, "sue", "guess guess 2") == 401  # the fifth
    assert await try_login(desk.client, "sue", "guess guess 3") == 429


async def test_one_agent_logging_in_does_not_use_up_the_address(desk: Desk) -> None:
    for _ in range(8):  # a shift starting behind one NAT address: successes are free
        assert await try_login(desk.client, "alice", PASSWORD) == 200


async def test_logins_are_limited_per_account_name_across_addresses(proxied: Client) -> None:
    for i in range(5):  # a botnet: every attempt from another address
        assert await try_login(proxied, "alice", f"guess guess {i}", f"198.51.100.{i}") == 401
    assert await try_login(proxied, "alice", "guess guess 9", "198.51.100.99") == 429
    assert await try_login(proxied, "alice", PASSWORD, "198.51.100.98") == 429
    assert await try_login(proxied, "sue", PASSWORD, "198.51.100.97") == 200  # others fine


async def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_count(
        proxied: Client) -> None:
    for i in range(5):
        assert await try_login(proxied, f"nobody{i}", "guess guess", "203.0.113.1") == 401
    assert await try_login(proxied, "nobody9", "guess guess", "203.0.113.1") == 429
    assert await try_login(proxied, "nobody8", "guess guess", "203.0.113.2") == 401


async def test_without_trusted_proxies_forwarded_for_is_ignored(desk: Desk) -> None:
    for i in range(5):
        assert await try_login(desk.client, f"nobody{i}", "guess guess", f"203.0.113.{i}") \
            == 401
    assert await try_login(desk.client, "nobody9", "guess guess", "203.0.113.77") == 429


# ---- sessions end when the account changes ---------------------------------------------


async def test_a_disabled_account_or_new_password_ends_sessions_across_processes(
        db_settings: Settings) -> None:
    url = db_settings.db_url  # (SQLite and PostgreSQL)
    serving = Accounts(make_engine(url))  # the serving process's view
    cli = Accounts(make_engine(url))  # `hotline agents …` in another process
    serving.add("alice", PASSWORD)
    serving.add("bob", PASSWORD)
    now = [0.0]
    # (sessions shared by many workers: the store must not bring an ended session back)
    sessions = Sessions(serving, clock=lambda: now[0], recheck_s=2.0,
                        store=SessionStore(make_engine(url)))

    async def open_for(name: str) -> str:
        signed_in = serving.sign_in(name, PASSWORD)
        assert signed_in is not None
        token, _ = await sessions.open(*signed_in)
        assert await sessions.check(token) is not None
        return token

    alice1, alice2, bob = await open_for("alice"), await open_for("alice"), await open_for("bob")
    cli.set_password("alice", "a brand new password")
    now[0] += 1.0
    assert await sessions.check(alice1) is not None  # read at most RECHECK_S ago: cached
    now[0] += 1.5
    assert await sessions.check(alice1) is None
    assert sessions.get(alice2) is None  # every session of hers, not only the one checked
    assert await sessions.check(bob) is not None
    # She logs in again with the new password: that session lives.
    signed_in = serving.sign_in("alice", "a brand new password")
    assert signed_in is not None
    token, _ = await sessions.open(*signed_in)
    now[0] += 3.0
    assert await sessions.check(token) is not None
    cli.deactivate("bob")
    now[0] += 3.0
    assert await sessions.check(bob) is None
    assert await sessions.check(token) is not None
    assert serving.sign_in("bob", PASSWORD) is None


async def test_hotline_agents_commands_end_live_sessions_of_the_service(desk: Desk) -> None:
    desk.client.app[DESK].sessions.recheck_s = 0.0  # no waiting for the cache in a test
    resp = await desk.client.post("/api/agent/login", json={"name": "alice",
                                                            "password": PASSWORD})
    assert resp.status == 200
    assert (await desk.client.get("/api/agent/me")).status == 200
    runner = CliRunner()
    result = runner.invoke(cli_app, ["agents", "passwd", "alice", "--password-stdin"],
                           input="another long password\n")
    assert result.exit_code == 0, result.output
    assert (await desk.client.get("/api/agent/me")).status == 401
    assert await try_login(desk.client, "alice", "another long password") == 200
    assert (await desk.client.get("/api/agent/me")).status == 200
    result = runner.invoke(cli_app, ["agents", "disable", "alice"])
    assert result.exit_code == 0, result.output
    assert (await desk.client.get("/api/agent/me")).status == 401
    assert await try_login(desk.client, "alice", "another long password") == 401


async def test_sessions_nobody_uses_again_leave_memory() -> None:
    now = [0.0]
    sessions = Sessions(clock=lambda: now[0])
    for _ in range(50):
        await sessions.open(Agent("x", Role.AGENT))
    now[0] += 11 * 3600  # past a shift, never used again
    await sessions.open(Agent("y", Role.AGENT))
    assert len(sessions) == 1


async def test_a_database_hiccup_does_not_log_everyone_out(settings: Settings,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    accounts = Accounts(make_engine(settings.db_url))
    accounts.add("alice", PASSWORD)
    now = [0.0]
    sessions = Sessions(accounts, clock=lambda: now[0])
    signed_in = accounts.sign_in("alice", PASSWORD)
    assert signed_in is not None
    token, session = await sessions.open(*signed_in)

    def away(name: str) -> int | None:
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(accounts, "session_epoch", away)
    now[0] += 5.0
    assert await sessions.check(token) is session  # kept, and asked again next time
    monkeypatch.delattr(accounts, "session_epoch")  # the database is back
    accounts.deactivate("alice")
    assert await sessions.check(token) is None
