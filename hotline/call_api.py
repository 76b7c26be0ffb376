"""The citizens' call API (DESIGN.md's contract): ``POST /api/calls``, ``GET /api/calls/{id}``,
its event stream, and ``DELETE`` (hang up)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiortc import RTCSessionDescription

from hotline import sse
from hotline.calls import MAX_SDP_BYTES, BadOffer, Call, CallService
from hotline.desk.auth import client_address, same_secret
from hotline.http_input import json_error, read_json_object

CALL_ID_HEADER = "X-Hotline-Call-Id"


async def post_call(request: web.Request, service: CallService) -> web.Response:
    if not service.new_calls.allow(client_address(request)):
        return json_error(429, "too many new calls from this address; try again in a minute")
    body = await read_json_object(request, MAX_SDP_BYTES)
    if isinstance(body, web.Response):
        return body
    if body.get("type") != "offer" or not isinstance(
            body.get("sdp"), str) or "m=audio" not in body["sdp"]:
        return json_error(400, "expected {\"sdp\": <an SDP offer with audio>, \"type\": \"offer\"}")
    address = client_address(request)
    refused = service.refusal(address)
    if refused is not None:
        return json_error(*refused)
    busy = service.live >= service.max_calls
    try:
        offer = RTCSessionDescription(sdp=body["sdp"], type="offer")
        call, local = await (service.answer_busy(offer, address) if busy
                             else service.answer(offer, address))
    except BadOffer as exc:
        return json_error(400, f"malformed SDP: {exc}")
    # a front that balances many workers keeps the call's later requests on this one by it
    # (HAProxy: stick store-response; see docs/many-workers.md)
    return web.json_response({"sdp": local.sdp, "type": local.type, "call_id": call.call_id,
                              "token": call.token}, headers={CALL_ID_HEADER: call.call_id})


def _authorised(request: web.Request, service: CallService) -> Call | web.Response:
    call = service.calls.get(request.match_info["call_id"])
    auth = request.headers.get("Authorization", "")
    if call is None:
        return json_error(404, "no such call")
    if not same_secret(auth, f"Bearer {call.token}"):  # odd or non-ASCII headers: 401 too
        return json_error(401, "a valid Bearer token is needed")
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
    stream = await sse.open_stream(request, f"call:{call.call_id}")
    if isinstance(stream, web.Response):
        return stream
    sent: dict[str, Any] | None = None
    async with stream:  # the page going away ends it too
        while True:
            seen = service.version
            state = call.as_json()
            if state != sent:  # a tick with nothing new sends nothing
                await stream.send(state)
                sent = state
            if call.ended:
                break
            await service.changed(seen, stream.wait_s(5.0))
            await stream.ping_if_due()
    return stream.response


async def delete_call(request: web.Request, service: CallService) -> web.Response:
    """The caller hangs up (the page sends this when it closes)."""
    call = _authorised(request, service)
    if isinstance(call, web.Response):
        return call
    await service.end(call)
    return web.json_response(call.as_json())
