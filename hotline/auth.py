"""Agent sessions (HttpOnly SameSite cookies, a CSRF token each) and rate limits."""

from __future__ import annotations

import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from hotline.accounts import Agent, Role

COOKIE = "hotline_session"
CSRF_HEADER = "X-CSRF-Token"
SESSION_S = 10 * 3600  # one shift
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass
class AgentSession:
    agent: Agent
    csrf: str
    expires: float


class Sessions:
    """Live sessions, in memory: a restart logs every agent out (calls do not survive it
    either). Tokens are random; the cookie carries nothing else."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._by_token: dict[str, AgentSession] = {}

    def open(self, agent: Agent) -> tuple[str, AgentSession]:
        token = secrets.token_urlsafe(32)
        session = AgentSession(agent, secrets.token_urlsafe(32), self._clock() + SESSION_S)
        self._by_token[token] = session
        return token, session

    def get(self, token: str | None) -> AgentSession | None:
        session = self._by_token.get(token or "")
        if session is None:
            return None
        if session.expires < self._clock():
            self._by_token.pop(token or "", None)
            return None
        return session

    def close(self, token: str | None) -> None:
        self._by_token.pop(token or "", None)


@dataclass
class RateLimiter:
    """At most ``limit`` events per ``window_s`` for each key (a client address, a name)."""

    limit: int
    window_s: float
    clock: Callable[[], float] = time.monotonic
    _events: dict[str, deque[float]] = field(default_factory=dict)

    def allow(self, key: str) -> bool:
        """Count an attempt; False when the key is over its limit (the attempt not counted)."""
        now = self.clock()
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window_s:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        if len(self._events) > 10_000:  # forget idle keys so memory stays bounded
            for stale in [k for k, v in self._events.items() if not v]:
                del self._events[stale]
        return True

    def reset(self, key: str) -> None:
        self._events.pop(key, None)


def client_address(request: web.Request) -> str:
    # The service listens on the city's own network; no proxy header is trusted.
    return request.remote or "unknown"


def json_error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def authorise(request: web.Request, sessions: Sessions,
              role: Role | None = None) -> AgentSession | web.Response:
    """The request's agent session, or the error response to send: 401 without a valid
    session, 403 for a state-changing request without its CSRF token or the right role."""
    session = sessions.get(request.cookies.get(COOKIE))
    if session is None:
        return json_error(401, "log in first")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
            return json_error(403, f"missing or wrong {CSRF_HEADER} header")
    if role is Role.SUPERVISOR and session.agent.role is not Role.SUPERVISOR:
        return json_error(403, "supervisors only")
    return session


def set_session_cookie(response: web.Response, token: str, secure: bool) -> None:
    response.set_cookie(COOKIE, token, max_age=SESSION_S, httponly=True, samesite="Strict",
                        secure=secure, path="/")
