"""Agent sessions (HttpOnly SameSite cookies, a CSRF token each), rate limits, and the
client address they are counted by."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
import math
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from ipaddress import (
    IPv4Address,
    IPv4Network,
    IPv6Address,
    IPv6Network,
    ip_address,
    ip_network,
)

from aiohttp import web
from sqlalchemy import DateTime, Engine, Integer, String, delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from dialog.orm import Base
from hotline.db import utc
from hotline.desk.accounts import Accounts, Agent, Role
from hotline.http_input import json_error
from hotline.schema import ensure_current

log = logging.getLogger(__name__)

COOKIE = "hotline_session"
CSRF_HEADER = "X-CSRF-Token"
SESSION_S = 10 * 3600  # one shift
RECHECK_S = 2.0  # how stale a session's view of its account may be (disabled, new password)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

IPNetwork = IPv4Network | IPv6Network
TRUSTED_PROXIES: web.AppKey[tuple[IPNetwork, ...]] = web.AppKey("trusted_proxies")


@dataclass
class AgentSession:
    agent: Agent
    csrf: str
    expires: float
    epoch: int = 0  # the account's session epoch when it was opened
    checked: float = 0.0  # when the shared store last said it is still open


class SessionRow(Base):
    """A session any worker accepts: an agent logged in on one worker accepts a call another
    worker holds there. The token only as its hash: reading the table opens no session."""

    __tablename__ = "agent_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    agent: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(16))
    csrf: Mapped[str] = mapped_column(String(64))
    epoch: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SessionsAway(RuntimeError):
    """The shared sessions (the database) cannot be reached just now."""


class SessionStore:
    """Sessions in the database, shared by every worker (blocking calls: the database)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        ensure_current(engine)

    def add(self, token: str, session: AgentSession, lasts_s: float) -> None:
        now = dt.datetime.now(dt.UTC)
        with Session(self.engine) as db:
            db.execute(delete(SessionRow).where(SessionRow.expires_at < now))
            db.add(SessionRow(token_hash=_hash(token), agent=session.agent.name,
                              role=session.agent.role.value, csrf=session.csrf,
                              epoch=session.epoch,
                              expires_at=now + dt.timedelta(seconds=lasts_s)))
            db.commit()

    def get(self, token: str) -> tuple[AgentSession, float] | None:
        """The session and the seconds it has left, unless unknown or expired."""
        with Session(self.engine) as db:
            row = db.get(SessionRow, _hash(token))
            if row is None:
                return None
            left = (utc(row.expires_at) - dt.datetime.now(dt.UTC)).total_seconds()
            if left <= 0:
                return None
            return AgentSession(Agent(row.agent, Role(row.role)), row.csrf, 0.0,
                                row.epoch), left

    def signed_in(self) -> list[Agent]:
        now = dt.datetime.now(dt.UTC)
        with Session(self.engine) as db:
            rows = db.execute(select(SessionRow.agent, SessionRow.role).where(
                SessionRow.expires_at >= now).distinct())
            return [Agent(name, Role(role)) for name, role in rows]

    def remove(self, token: str) -> None:
        with Session(self.engine) as db:
            db.execute(delete(SessionRow).where(SessionRow.token_hash == _hash(token)))
            db.commit()

    def remove_agent(self, name: str, but_epoch: int | None = None) -> None:
        with Session(self.engine) as db:
            gone = delete(SessionRow).where(SessionRow.agent == name)
            if but_epoch is not None:
                gone = gone.where(SessionRow.epoch != but_epoch)
            db.execute(gone)
            db.commit()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    """Live sessions. Tokens are random; the cookie carries nothing else. In memory, and with
    ``store`` also in the database: then any worker accepts them, and a restart logs no one
    out.

    With ``accounts``, ``check`` also ends an agent's sessions once the account is
    deactivated or its password changed, whichever process did it (the epoch in the
    accounts table, re-read at most every ``recheck_s``)."""

    def __init__(self, accounts: Accounts | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 recheck_s: float = RECHECK_S, store: SessionStore | None = None) -> None:
        self._accounts = accounts
        self._clock = clock
        self.recheck_s = recheck_s
        self.store = store
        self._by_token: dict[str, AgentSession] = {}
        self._epochs: dict[str, tuple[float, int | None]] = {}  # name → (read at, epoch)

    async def open(self, agent: Agent, epoch: int = 0) -> tuple[str, AgentSession]:
        """A new session (shared with every worker when there is a store); SessionsAway
        when the store cannot be reached."""
        now = self._clock()
        for stale in [t for t, s in self._by_token.items() if s.expires < now]:
            del self._by_token[stale]  # sessions never used again leave memory too
        live = {s.agent.name for s in self._by_token.values()} | {agent.name}
        self._epochs = {n: e for n, e in self._epochs.items() if n in live}
        token = secrets.token_urlsafe(32)
        session = AgentSession(agent, secrets.token_urlsafe(32), now + SESSION_S, epoch, now)
        if self.store is not None:
            try:
                await asyncio.to_thread(self.store.add, token, session, SESSION_S)
            except SQLAlchemyError as exc:
                raise SessionsAway(str(exc)) from exc
        self._by_token[token] = session
        self._epochs[agent.name] = (now, epoch)
        return token, session

    def signed_in(self) -> list[Agent]:
        """Everyone with a live session (once each), for the supervisor's view."""
        now = self._clock()
        agents = {s.agent.name: s.agent for s in self._by_token.values() if s.expires >= now}
        return sorted(agents.values(), key=lambda a: a.name)

    def get(self, token: str | None) -> AgentSession | None:
        """The session, unless unknown or expired (memory only; ``check`` asks the
        accounts too)."""
        session = self._by_token.get(token or "")
        if session is None:
            return None
        if session.expires < self._clock():
            self._by_token.pop(token or "", None)
            return None
        return session

    async def signed_in_anywhere(self) -> list[Agent]:
        """Everyone with a live session on any worker."""
        if self.store is None:
            return self.signed_in()
        try:
            agents = await asyncio.to_thread(self.store.signed_in)
        except SQLAlchemyError as exc:
            log.warning("cannot read the sessions: %s", exc)
            return self.signed_in()
        return sorted({a.name: a for a in agents}.values(), key=lambda a: a.name)

    async def check(self, token: str | None) -> AgentSession | None:
        """``get``, and None once the account was deactivated or its password changed."""
        session = self.get(token)
        if token and self.store is not None:
            session = await self._still_open(token, session)
        if session is None or self._accounts is None:
            return session
        epoch = await self._epoch(session.agent.name, session.epoch)
        if epoch != session.epoch:
            await self.close_agent(session.agent.name, but_epoch=epoch)
            return None
        return session

    async def _epoch(self, name: str, default: int) -> int | None:
        """The account's epoch as last read (``default`` while it cannot be read)."""
        assert self._accounts is not None
        read_at, epoch = self._epochs.get(name, (-math.inf, None))
        if self._clock() - read_at >= self.recheck_s:
            try:
                epoch = await asyncio.to_thread(self._accounts.session_epoch, name)
            except SQLAlchemyError as exc:  # the database is briefly away: ask again soon
                log.warning("cannot re-check agent %s's account: %s", name, exc)
                return epoch if read_at > -math.inf else default
            self._epochs[name] = (self._clock(), epoch)
        return epoch

    async def _still_open(self, token: str, session: AgentSession | None
                          ) -> AgentSession | None:
        """The session as the shared store has it, re-read at most every ``recheck_s``: one
        another worker opened, or closed (a logout there ends it here too)."""
        assert self.store is not None
        now = self._clock()
        if session is not None and now - session.checked < self.recheck_s:
            return session
        try:
            found = await asyncio.to_thread(self.store.get, token)
        except SQLAlchemyError as exc:  # the database is briefly away: ask again soon
            log.warning("cannot read the sessions: %s", exc)
            return session
        if found is None:
            self._by_token.pop(token, None)
            return None
        if session is None:
            session, left = found
            session.expires = now + left
            self._by_token[token] = session
        session.checked = now
        return session

    async def close(self, token: str | None) -> None:
        """Log out, on every worker; SessionsAway (the session kept) when the store cannot
        be reached: a session dropped here but kept there would come back."""
        if self.store is not None and token:
            try:
                await asyncio.to_thread(self.store.remove, token)
            except SQLAlchemyError as exc:
                raise SessionsAway(str(exc)) from exc
        self._by_token.pop(token or "", None)

    async def close_agent(self, name: str, but_epoch: int | None = None) -> None:
        """End the agent's sessions (all but those opened under ``but_epoch``)."""
        for token, session in list(self._by_token.items()):
            if session.agent.name == name and (but_epoch is None or session.epoch != but_epoch):
                del self._by_token[token]
        if self.store is not None:
            try:
                await asyncio.to_thread(self.store.remove_agent, name, but_epoch)
            except SQLAlchemyError as exc:  # each worker checks the epoch itself anyway
                log.warning("cannot end %s's shared sessions now: %s", name, exc)

    def __len__(self) -> int:
        return len(self._by_token)


@dataclass
class RateLimiter:
    """At most ``limit`` events per ``window_s`` for each key (a client address, a name).

    Keys whose events have all expired are swept once a window, so memory follows the
    keys seen in the last window or two, however many came before."""

    limit: int
    window_s: float
    clock: Callable[[], float] = time.monotonic
    _events: dict[str, deque[float]] = field(default_factory=dict)
    _swept_at: float = -math.inf

    def allow(self, key: str) -> bool:
        """Count an attempt; False when the key is over its limit (the attempt not counted)."""
        now = self.clock()
        self._sweep(now)
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window_s:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True

    def refund(self, key: str) -> None:
        """Take back the key's latest attempt (it turned out fine: a successful login), and
        only that one: the key's other attempts still count."""
        events = self._events.get(key)
        if events:
            events.pop()
        if not events:
            self._events.pop(key, None)

    def _sweep(self, now: float) -> None:
        if now - self._swept_at < self.window_s:
            return
        self._swept_at = now
        cutoff = now - self.window_s
        for key in [k for k, v in self._events.items() if not v or v[-1] <= cutoff]:
            del self._events[key]

    def __len__(self) -> int:
        """How many keys are remembered."""
        return len(self._events)


def client_address(request: web.Request) -> str:
    """The client's address, for per-address limits: the peer's, unless the peer is one of
    the configured reverse proxies; then the rightmost X-Forwarded-For hop that is not a
    trusted proxy (what clients write further left is not believed)."""
    peer = request.remote or "unknown"
    trusted = request.config_dict.get(TRUSTED_PROXIES, ())
    peer_ip = _ip(peer)
    if not trusted or peer_ip is None or not _within(peer_ip, trusted):
        return peer
    hops = [hop for value in request.headers.getall("X-Forwarded-For", ())
            for hop in value.split(",")]
    client = str(peer_ip)
    for hop in reversed(hops):
        ip = _ip(hop)
        if ip is None:  # garbage: count the request against the last proxy that passed it
            return client
        client = str(ip)
        if not _within(ip, trusted):
            return client
    return client  # proxies all the way: the leftmost one


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """CIDRs (or single addresses) as networks; ValueError names the bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not an address or CIDR network") from exc
    return tuple(networks)


def _ip(text: str) -> IPv4Address | IPv6Address | None:
    text = text.strip()
    if text.startswith("["):  # [v6]:port
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # v4:port
        text = text.partition(":")[0]
    try:
        ip = ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped  # a dual-stack socket's view of an IPv4 client
    return ip


def _within(ip: IPv4Address | IPv6Address, networks: Iterable[IPNetwork]) -> bool:
    return any(ip in network for network in networks)


def address_within(address: str, networks: Iterable[IPNetwork]) -> bool:
    """Whether a peer's address (a bare IP) is in one of ``networks``; anything that is not
    an address is not."""
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return _within(ip, networks)


def same_secret(sent: str, expected: str) -> bool:
    """Constant-time comparison of a header against a secret; a header that is not plain
    ASCII (which compare_digest refuses with TypeError) simply does not match."""
    if not sent.isascii() or not expected.isascii():
        return False
    return hmac.compare_digest(sent.encode("ascii"), expected.encode("ascii"))




async def authorise(request: web.Request, sessions: Sessions,
                    role: Role | None = None) -> AgentSession | web.Response:
    """The request's agent session, or the error response to send: 401 without a valid
    session, 403 for a state-changing request without its CSRF token or the right role."""
    session = await sessions.check(request.cookies.get(COOKIE))
    if session is None:
        return json_error(401, "log in first")
    if request.method not in SAFE_METHODS and not same_secret(
            request.headers.get(CSRF_HEADER, ""), session.csrf):
        return json_error(403, f"missing or wrong {CSRF_HEADER} header")
    if role is Role.SUPERVISOR and session.agent.role is not Role.SUPERVISOR:
        return json_error(403, "supervisors only")
    return session


def set_session_cookie(response: web.Response, token: str, secure: bool) -> None:
    response.set_cookie(COOKIE, token, max_age=SESSION_S, httponly=True, samesite="Strict",
                        secure=secure, path="/")
