"""Hostile request bodies and headers: wrong content type, oversized (chunked too), never
finishing, nested thousands deep, not an object, wrong JSON types, odd Authorization and
CSRF headers. Each gets a clear 4xx with a JSON error, never a 500."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from hotline import http_input
from hotline.calls import MAX_SDP_BYTES
from hotline.desk.api import DESK
from hotline.desk.auth import RateLimiter
from hotline.http_input import MAX_DEPTH, nesting_depth, read_json_object
from tests.agent_desk import PASSWORD, Client, Desk, waiting_call

JSON = {"Content-Type": "application/json"}


async def echo(request: web.Request) -> web.Response:
    body = await read_json_object(request, 8192)
    return body if isinstance(body, web.Response) else web.json_response(body)


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    app = web.Application()
    app.router.add_post("/echo", echo)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def status_and_error(resp: Any) -> tuple[int, str]:
    body = await resp.json()
    assert set(body) == {"error"}, body
    return resp.status, body["error"]


def test_nesting_depth_ignores_brackets_in_strings_and_does_not_recurse() -> None:
    assert nesting_depth(b'{"a": [1, {"b": 2}]}') == 3
    assert nesting_depth(b'{"a": "[[[[[[{{{{"}') == 1
    assert nesting_depth(rb'{"a": "\"[[[[[[", "b": [[]]}') == 3  # an escaped quote
    assert nesting_depth(b"1") == 0
    assert nesting_depth(b"[" * 1_000_000) == 1_000_000  # no RecursionError


async def test_a_json_object_passes(client: Client) -> None:
    resp = await client.post("/echo", json={"a": [1, {"b": "[["}]})
    assert resp.status == 200 and await resp.json() == {"a": [1, {"b": "[["}]}
    resp = await client.post("/echo", data=b'{"a": 1}',
                             headers={"Content-Type": "application/json; charset=utf-8"})
    assert resp.status == 200


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data", None])
async def test_only_json_content_is_read(client: Client, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    resp = await client.post("/echo", data=b'{"a": 1}', headers=headers)
    status, error = await status_and_error(resp)
    assert status == 415 and "application/json" in error


@pytest.mark.parametrize("body", [b"[1]", b'"x"', b"null", b"12", b"{", b"\xff\xfe{}",
                                  b"", b'{"n": ' + b"1" * 5000 + b"}"])
async def test_bad_or_non_object_json_is_400(client: Client, body: bytes) -> None:
    resp = await client.post("/echo", data=body, headers=JSON)
    assert (await status_and_error(resp))[0] == 400


async def test_json_nested_too_deep_is_400(client: Client) -> None:
    deep = b'{"a": ' + b"[" * 400 + b"]" * 400 + b"}"  # within the size limit
    resp = await client.post("/echo", data=deep, headers=JSON)
    status, error = await status_and_error(resp)
    assert status == 400 and str(MAX_DEPTH) in error
    ok = b'{"a": ' + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"}"
    assert (await client.post("/echo", data=ok, headers=JSON)).status == 200


async def test_size_is_enforced_on_the_bytes_read_even_when_chunked(client: Client) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked encoding
        nonlocal sent
        yield b'{"a": "'
        for _ in range(100):
            sent += 100
            yield b"x" * 100
        yield b'"}'

    resp = await client.post("/echo", data=chunks(), headers=JSON)
    status, error = await status_and_error(resp)
    assert status == 413 and "8192" in error
    resp = await client.post("/echo", data=b" " * 9000 + b"{}", headers=JSON)
    assert resp.status == 413  # declared too large: refused before reading
    assert (await client.post("/echo", json={"still": "serving"})).status == 200


async def raw_request(client: Client, head: bytes, body: bytes = b"",
                      wait: float = 5.0) -> bytes:
    """Send raw bytes (headers no client library would send) and read the response."""
    reader, writer = await asyncio.open_connection(client.host, client.port)
    try:
        writer.write(head + b"\r\n\r\n" + body)
        await writer.drain()
        answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), wait)
        length = [line.split(b":")[1] for line in answer.lower().split(b"\r\n")
                  if line.startswith(b"content-length:")]
        if length:
            answer += await asyncio.wait_for(reader.readexactly(int(length[0])), wait)
        return answer
    finally:
        writer.close()


async def test_a_body_that_never_finishes_is_cut_off(client: Client,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_input, "READ_TIMEOUT_S", 0.3)
    head = (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 500")
    answer = await raw_request(client, head, b'{"a": "only the start', wait=3.0)
    assert answer.startswith(b"HTTP/1.1 408")
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1]) == {
        "error": "the request body did not arrive in time"}
    chunked = (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked")
    answer = await raw_request(client, chunked, b"5\r\n{\"a\":\r\n", wait=3.0)
    assert answer.startswith(b"HTTP/1.1 408")


# ---- through the service's own routes --------------------------------------------------


async def test_post_call_refuses_text_plain_and_other_types(desk: Desk) -> None:
    offer = json.dumps({"type": "offer", "sdp": "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"})
    for headers in ({"Content-Type": "text/plain"}, {}):
        resp = await desk.client.post("/api/calls", data=offer, headers=headers)
        status, error = await status_and_error(resp)
        assert status == 415 and "application/json" in error
    assert desk.service.live == 0


async def test_post_call_limits_the_bytes_read_and_the_depth(desk: Desk) -> None:
    async def big() -> AsyncIterator[bytes]:
        yield b'{"type": "offer", "sdp": "'
        for _ in range(MAX_SDP_BYTES // 4096 + 2):
            yield b"a" * 4096
        yield b'"}'

    resp = await desk.client.post("/api/calls", data=big(), headers=JSON)
    assert (await status_and_error(resp))[0] == 413
    deep = b"[" * 30_000 + b"]" * 30_000  # 60 KB, under the limit; json would recurse
    resp = await desk.client.post("/api/calls", data=deep, headers=JSON)
    assert (await status_and_error(resp))[0] == 400
    assert desk.service.live == 0


async def test_agent_bodies_go_through_the_same_reader(desk: Desk) -> None:
    resp = await desk.client.post("/api/agent/login", data=json.dumps(
        {"name": "alice", "password": PASSWORD}), headers={"Content-Type": "text/plain"})
    assert (await status_and_error(resp))[0] == 415
    resp = await desk.client.post("/api/agent/login", json={"name": "alice",
                                                            "password": PASSWORD})
    csrf = {"X-CSRF-Token": (await resp.json())["csrf"]}
    call = waiting_call(desk.service, "我要找真人")
    for route in ("accept", "case"):
        url = f"/api/agent/calls/{call.call_id}/{route}"
        deep = b"{\"a\":" + b"[" * 5000 + b"]" * 5000 + b"}"
        resp = await desk.client.post(url, data=deep, headers={**csrf, **JSON})
        assert (await status_and_error(resp))[0] == 400, route
        resp = await desk.client.post(url, data=b"{}", headers={**csrf, "Content-Type":
                                                                "text/plain"})
        assert (await status_and_error(resp))[0] == 415, route
        resp = await desk.client.post(url, data=b"[]", headers={**csrf, **JSON})
        assert (await status_and_error(resp))[0] == 400, route


async def test_login_with_wrong_types_is_400(desk: Desk) -> None:
    for body in ({"name": ["alice"], "password": PASSWORD}, {"name": "alice", "password": None},
                 {"name": "alice", "password": 12345678901},
                 {"name": {"a": 1}, "password": PASSWORD},
                 {"name": "alice", "password": "x" * 5000}):
        resp = await desk.client.post("/api/agent/login", json=body)
        assert (await status_and_error(resp))[0] == 400, body
        desk.client.app[DESK].logins = RateLimiter(5, 60.0)  # the attempts are not the point


async def test_a_case_form_with_wrong_types_is_400(desk: Desk) -> None:
    resp = await desk.client.post("/api/agent/login", json={"name": "alice",
                                                            "password": PASSWORD})
    csrf = {"X-CSRF-Token": (await resp.json())["csrf"]}
    call = waiting_call(desk.service, "我要找真人")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"category": ["road_damage"]}, "category"),
        ({"category": {"a": 1}}, "category"), ({"category": 7}, "category"),
        ({"district": ["西屯區"]}, "district"), ({"district": 3}, "district"),
        ({"address": ["x"]}, "address"), ({"address": 12}, "address"),
        ({"description": {"x": 1}}, "description"),
        ({"phone": 912345678}, "phone"), ({"address": 0}, "address"),
        ({"phone": False}, "phone")]
    for fields, field in cases:
        form = {"category": "road_damage", **fields}
        resp = await desk.client.post(f"/api/agent/calls/{call.call_id}/case", json=form,
                                      headers=csrf)
        status, error = await status_and_error(resp)
        assert status == 400 and error.startswith(field), (form, error)
    assert call.manager.state.case is None  # nothing was filed


BAD_HEADER_VALUES = [b"", b"Bearer", b"Bearer ", b"Bearer \xc3\xbc\xc3\xbc",
                     b"Bearer \xff\xfe", b"\xe2\x80\x8bBearer token", b"bearer token",
                     b"Bearer\ttoken", b"Bearer  token"]


async def test_odd_authorization_headers_are_401(desk: Desk) -> None:
    call = waiting_call(desk.service, "我要找真人")  # its token is "token"
    for value in BAD_HEADER_VALUES:
        for method, path in (("GET", f"/api/calls/{call.call_id}"),
                             ("GET", f"/api/calls/{call.call_id}/events"),
                             ("DELETE", f"/api/calls/{call.call_id}")):
            head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n".encode()
            answer = await raw_request(desk.client, head + b"Authorization: " + value)
            assert answer.startswith(b"HTTP/1.1 401"), (value, path, answer[:200])
    assert not call.ended
    resp = await desk.client.get(f"/api/calls/{call.call_id}",
                                 headers={"Authorization": "Bearer token"})
    assert resp.status == 200  # the real token still works


async def test_odd_csrf_headers_are_403(desk: Desk) -> None:
    resp = await desk.client.post("/api/agent/login", json={"name": "alice",
                                                            "password": PASSWORD})
    cookie = resp.cookies["hotline_session"].value
    for value in BAD_HEADER_VALUES:
        head = (b"POST /api/agent/logout HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                b"Content-Type: application/json\r\nContent-Length: 2\r\n"
                b"Cookie: hotline_session=" + cookie.encode() + b"\r\nX-CSRF-Token: " + value)
        answer = await raw_request(desk.client, head, b"{}")
        assert answer.startswith(b"HTTP/1.1 403"), (value, answer[:200])
    assert (await desk.client.get("/api/agent/me")).status == 200  # still logged in
