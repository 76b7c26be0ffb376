"""Agent accounts: argon2 hashes, roles, the `hotline agents` commands; rate limits."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from hotline.cli import app
from hotline.config import Settings
from hotline.db import make_engine
from hotline.desk.accounts import AccountError, Accounts, Agent, Role
from hotline.desk.auth import RateLimiter, Sessions


def test_passwords_are_argon2_hashes_and_checked(db_settings: Settings) -> None:
    settings = db_settings
    accounts = Accounts(make_engine(settings.db_url))
    accounts.add("alice", "correct horse battery")
    assert accounts.verify("alice", "correct horse battery") == accounts.verify(
        "alice", "correct horse battery")
    agent = accounts.verify("alice", "correct horse battery")
    assert agent is not None and agent.role is Role.AGENT
    assert accounts.verify("alice", "wrong horse battery") is None
    assert accounts.verify("nobody", "correct horse battery") is None
    with make_engine(settings.db_url).connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM agents").scalar_one()
    assert stored.startswith("$argon2id$") and "horse" not in stored
    accounts.deactivate("alice")
    assert accounts.verify("alice", "correct horse battery") is None


@pytest.mark.parametrize(("name", "password", "why"), [
    ("a", "long enough pw", "name"), ("bob smith", "long enough pw", "name"),
    ("bob", "short", "at least"), ("alice", "long enough pw", "exists")])
def test_bad_names_and_passwords_are_refused(db_url: str, name: str, password: str,
                                             why: str) -> None:
    accounts = Accounts(make_engine(db_url))
    accounts.add("alice", "long enough pw")
    with pytest.raises(AccountError, match=why):
        accounts.add(name, password)


def test_agents_commands(db_settings: Settings) -> None:
    settings = db_settings
    runner = CliRunner()
    result = runner.invoke(app, ["agents", "add", "sue", "--role", "supervisor",
                                 "--password-stdin"], input="supervisor secret\n")
    assert result.exit_code == 0 and "added supervisor sue" in result.output
    result = runner.invoke(app, ["agents", "add", "tom"], input="password one\npassword two\n")
    assert result.exit_code == 2 and "differ" in result.output
    result = runner.invoke(app, ["agents", "add", "tom", "--password-stdin"], input="short\n")
    assert result.exit_code == 2
    listed = runner.invoke(app, ["agents", "list"]).output
    assert "sue" in listed and "supervisor" in listed and "tom" not in listed
    assert "secret" not in listed
    result = runner.invoke(app, ["agents", "passwd", "sue", "--password-stdin"],
                           input="another secret\n")
    assert result.exit_code == 0
    agent = Accounts(make_engine(settings.db_url)).verify("sue", "another secret")
    assert agent is not None and agent.role is Role.SUPERVISOR


async def test_rate_limiter_window_and_sessions_expire() -> None:
    now = [0.0]
    limiter = RateLimiter(2, 60.0, clock=lambda: now[0])
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")  # per key
    now[0] = 61.0
    assert limiter.allow("a")
    sessions = Sessions(clock=lambda: now[0])
    token, session = await sessions.open(Agent("x", Role.AGENT))
    assert sessions.get(token) is session and sessions.get("other") is None
    now[0] += 11 * 3600  # past a shift
    assert sessions.get(token) is None
