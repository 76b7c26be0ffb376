"""The citizens' call API (DESIGN.md's contract): ``POST /api/calls``, ``GET /api/calls/{id}``,
its event stream, and ``DELETE`` (hang up)."""

from __future__ import annotations

import contextlib
import hmac
from typing import Any

from aiohttp import web
from aiortc import RTCSessionDescription

from hotline import sse
from hotline.auth import client_address
from hotline.calls import MAX_SDP_BYTES, Call, CallService


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def post_call(request: web.Request, service: CallService) -> web.Response:
    if not service.new_calls.allow(client_address(request)):
        return _error(429, "too many new calls from this address; try again in a minute")
    if request.content_length is not None and request.content_length > MAX_SDP_BYTES:
        return _error(400, f"offer too large (at most {MAX_SDP_BYTES} bytes)")
    try:
        body = await request.json()
    except ValueError:
        return _error(400, "body must be JSON: {\"sdp\": \"…\", \"type\": \"offer\"}")
    if not isinstance(body, dict) or body.get("type") != "offer" or not isinstance(
            body.get("sdp"), str) or "m=audio" not in body["sdp"]:
        return _error(400, "expected {\"sdp\": <an SDP offer with audio>, \"type\": \"offer\"}")
    busy = service.live >= service.max_calls
    try:
        offer = RTCSessionDescription(sdp=body["sdp"], type="offer")
        call = await (service.answer_busy(offer) if busy else service.answer(offer))
    except (ValueError, AttributeError) as exc:
        return _error(400, f"malformed SDP: {exc}")
    local = call.pc.localDescription
    return web.json_response({"sdp": local.sdp, "type": local.type, "call_id": call.call_id,
                              "token": call.token})


def _authorised(request: web.Request, service: CallService) -> Call | web.Response:
    call = service.calls.get(request.match_info["call_id"])
    auth = request.headers.get("Authorization", "")
    if call is None:
        return _error(404, "no such call")
    if not hmac.compare_digest(auth, f"Bearer {call.token}"):
        return _error(401, "a valid Bearer token is needed")
    return call


async def get_call(request: web.Request, service: CallService) -> web.Response:
    call = _authorised(request, service)
    return call if isinstance(call, web.Response) else web.json_response(call.as_json())


async def call_events(request: web.Request, service: CallService) -> web.StreamResponse:
    """The call's state and captions as server-sent events, pushed at every change (the
    same JSON as ``GET /api/calls/{id}``; the stream ends after the call has)."""
    call = _authorised(request, service)
    if isinstance(call, web.Response):
        return call
    response = await sse.open_stream(request)
    sent: dict[str, Any] | None = None
    with contextlib.suppress(ConnectionResetError):  # the page went away
        while True:
            seen = service.version
            state = call.as_json()
            if state != sent:  # a tick with nothing new sends nothing
                await sse.send(response, state)
                sent = state
            if call.ended:
                break
            await service.changed(seen, 5.0)
    return response


async def delete_call(request: web.Request, service: CallService) -> web.Response:
    """The caller hangs up (the page sends this when it closes)."""
    call = _authorised(request, service)
    if isinstance(call, web.Response):
        return call
    await service.end(call)
    return web.json_response(call.as_json())
