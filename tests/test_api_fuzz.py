"""Schemathesis fuzzes the HTTP API of a live ``hotline serve`` (real models, 127.0.0.1) from
the description the service itself serves at ``/api/openapi.json``.

Three passes: as a stranger (made-up ids, tokens and cookies); a real call's routes with
made-up credentials, in Latin-1 as well as ASCII (the header bytes a client may send); and
with valid credentials: the real call's Bearer token, and a logged-in supervisor's session
cookie and CSRF token. Each answer must be no 5xx, conform to the description (status,
content type, body schema, event streams included), reject what the description forbids,
and under /api be a JSON ``{"error": "…"}`` whenever it is an error (tests/api_fuzz_hooks.py).
Examples are bounded and derandomized: a run makes the same cases every time.

``schemathesis run`` (its CLI) does the fuzzing, in a child process: its output names each
failure with a curl command that reproduces it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from aiortc import RTCPeerConnection
from aiortc.mediastreams import AudioStreamTrack

from hotline.desk.auth import COOKIE, CSRF_HEADER
from tests.api_fuzz_hooks import error_is_json
from tests.served import BIN, ROOT, clean_env, serving

pytestmark = pytest.mark.models

AGENT, PASSWORD = "fuzz-supervisor", "a long enough password 1999"
# Not positive_data_acceptance: text can fit the description and still be no WebRTC offer
# (400); nor the checks that need several users or a stateful run.
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance",
          "negative_data_rejection", "missing_required_header", "unsupported_method",
          "ignored_auth", "error_is_json"]
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
MAX_EXAMPLES = 50  # per operation in the fuzzing phase (coverage cases come on top)


@dataclass(frozen=True)
class Live:
    base: str
    log: Path
    home: Path
    call_id: str
    call_token: str
    session: str
    csrf: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _login(base: str) -> tuple[str, str]:
    """The session cookie and CSRF token of the fuzz account."""
    request = urllib.request.Request(
        f"{base}/api/agent/login", method="POST",
        data=json.dumps({"name": AGENT, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as r:
        cookie = SimpleCookie(r.headers["Set-Cookie"])
        return cookie[COOKIE].value, str(json.load(r)["csrf"])


async def _offer() -> str:
    """An aiortc caller's offer: one sending audio track (nobody ever connects to it)."""
    pc = RTCPeerConnection()
    pc.addTrack(AudioStreamTrack())
    await pc.setLocalDescription(await pc.createOffer())
    sdp = pc.localDescription.sdp
    await pc.close()
    return str(sdp)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """``hotline serve`` on a free port with its own data dir, an account in it, lines open,
    and one real call made (then hung up, so its event stream ends)."""
    home = tmp_path_factory.mktemp("fuzz")
    port = _free_port()
    env = clean_env(HOTLINE_DATA_DIR=str(home / "data"), HOTLINE_HOST="127.0.0.1",
                    HOTLINE_PORT=str(port),
                    # the per-address limits would answer nearly every fuzzed request with
                    # 429 and keep the body parsers out of reach (their own tests prove them)
                    HOTLINE_CALLS_PER_MINUTE_PER_IP="1000",
                    HOTLINE_LOGIN_ATTEMPTS_PER_MINUTE="1000")
    subprocess.run([str(BIN / "hotline"), "agents", "add", AGENT, "--role", "supervisor",
                    "--password-stdin"], input=PASSWORD + "\n", env=env, cwd=ROOT,
                   text=True, check=True, capture_output=True)
    log = home / "serve.log"
    base = f"http://127.0.0.1:{port}"
    with serving(env, base, log):
        session, csrf = _login(base)
        # The one case the fuzzer cannot make: a real offer answered (and then hung up).
        schema = schemathesis.openapi.from_url(f"{base}/api/openapi.json")
        call = schema["/api/calls"]["POST"].Case(
            body={"sdp": asyncio.run(_offer()), "type": "offer"}, media_type="application/json")
        answer = call.call_and_validate(additional_checks=[error_is_json]).json()
        hang_up = schema["/api/calls/{call_id}"]["DELETE"].Case(
            path_parameters={"call_id": answer["call_id"]},
            headers={"Authorization": f"Bearer {answer['token']}"})
        assert hang_up.call_and_validate(additional_checks=[error_is_json]).json()[
            "state"] == "ended"
        yield Live(base, log, home, answer["call_id"], answer["token"], session, csrf)


def _toml(table: dict[str, Any], prefix: str = "") -> list[str]:
    """Nested dicts as TOML tables; the values as JSON, which TOML reads alike here (ASCII
    strings, numbers, booleans, lists)."""
    lines = [f"{k} = {json.dumps(v)}" for k, v in table.items() if not isinstance(v, dict)]
    for k, v in table.items():
        if isinstance(v, dict):
            lines += [f"[{prefix}{k}]", *_toml(v, f"{prefix}{k}.")]
    return lines


def _fuzz(live: Live, name: str, *args: str,
          generation: dict[str, Any] | None = None, **config: Any) -> None:
    """``schemathesis run`` against the live service; passes only if no check failed."""
    generation = generation or {}
    path = live.home / f"{name}.toml"
    path.write_text("\n".join(_toml({
        "hooks": "tests.api_fuzz_hooks", "color": False,
        "continue-on-failure": True,  # every failure in one run, not the first per operation
        "cache": {"enabled": False},  # nothing learnt in one run steers the next
        "request-timeout": 15,
        "max-stream-events": 2,  # an agent's event stream never ends: two snapshots will do
        # deterministic: the same cases every run (for as long as the description is the same)
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "no-shrink": True,
                       "database": "none", **generation},
        "phases": {"stateful": {"enabled": False}},
        "checks": {"enabled": False, **{check: {"enabled": True} for check in CHECKS},
                   # a body over the limit is refused with 413: a refusal too
                   "negative_data_rejection": {"enabled": True,
                                               "expected-statuses": REFUSALS}},
        **config})) + "\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    started = time.monotonic()
    run = subprocess.run(
        [str(BIN / "schemathesis"), "--config-file", str(path), "run",
         f"{live.base}/api/openapi.json", "--workers", "1", *args],
        cwd=live.home, env=env, capture_output=True, text=True, timeout=300, check=False)
    output = run.stdout + run.stderr
    (live.home / f"{name}.out").write_text(output)
    print(f"{name}: {time.monotonic() - started:.1f} s\n{output[-2000:]}")
    assert run.returncode == 0, output[-20000:]


def test_api_as_a_stranger(live: Live) -> None:
    # (no warnings: that strangers get only 401 and 404 is the point)
    _fuzz(live, "stranger", warnings=False)


def test_a_real_call_with_made_up_credentials(live: Live) -> None:
    """The real call's routes, where a token is really compared, with made-up tokens,
    cookies and CSRF headers, their characters from all of Latin-1 (not only ASCII)."""
    _fuzz(live, "wrong_keys", "--include-path-regex", "/calls/",
          parameters={"call_id": live.call_id}, generation={"codec": "latin-1"},
          warnings=False)


def test_api_with_valid_credentials(live: Live) -> None:
    """Only the routes behind credentials; logging out is left to the next test (it would
    end the session the others use)."""
    _fuzz(live, "insider",
          "--include-path-regex", r"^/api/(calls/|agent/(me|events|overview|calls/))",
          parameters={"call_id": live.call_id},
          auth={"openapi": {"callToken": {"bearer": live.call_token},
                            "agentSession": {"api_key": live.session},
                            "csrfToken": {"api_key": live.csrf}}})


def test_logout_conforms_and_ends_the_session(live: Live) -> None:
    schema = schemathesis.openapi.from_url(f"{live.base}/api/openapi.json")
    logout = schema["/api/agent/logout"]["POST"].Case(
        cookies={COOKIE: live.session}, headers={CSRF_HEADER: live.csrf})
    assert logout.call_and_validate(additional_checks=[error_is_json]).json() == {"ok": True}
    me = schema["/api/agent/me"]["GET"].Case(cookies={COOKIE: live.session})
    assert me.call_and_validate(additional_checks=[error_is_json]).status_code == 401


def test_no_unhandled_error_in_the_service_log(live: Live) -> None:
    """A handler's exception becomes a 500 (failed above); this catches errors logged from
    background tasks the fuzzed requests started. aiohttp's own report of a request it
    could not even parse (a NUL in a header: answered 400 before any handler) is not one."""
    records = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ )", live.log.read_text())
    errors = [r for r in records if re.match(r"\S+ \S+ (ERROR|CRITICAL) ", r)
              or "Traceback" in r]
    ours = [r for r in errors if not (r.split()[3] == "aiohttp.server:"
                                      and "http_exceptions.BadHttpMessage" in r)]
    assert not ours, "\n".join(ours)[-5000:]
