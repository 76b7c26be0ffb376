"""The PBX names the agent of a tapped call: ``POST /api/taps/{uuid}``.

The body is JSON ``{"agent": "alice", "caller_id": "0912345678"}`` or the same as a form
(what Asterisk's ``CURL()`` posts). Only the PBX may call it: its address in the tap CIDRs and
``Authorization: Bearer <HOTLINE_TAP_TOKEN>``.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web

from hotline.calls import CallConflict
from hotline.desk.accounts import Accounts
from hotline.desk.auth import client_address, same_secret
from hotline.http_input import json_error, read_body, read_json_object
from hotline.taps import TapLine

TAPS = web.AppKey("taps", dict)  # "line": the TapLine, "token": the PBX's, "accounts"
FORM_TYPE = "application/x-www-form-urlencoded"
BODY_BYTES = 4096
_NUMBER = re.compile(r"\+?[0-9]{3,20}")


async def name_agent(request: web.Request) -> web.Response:
    taps = request.app[TAPS]
    line: TapLine | None = taps.get("line")
    if line is None:
        return json_error(404, "desk-phone assist is off (HOTLINE_AUDIOSOCKET_LISTEN)")
    if not line.allowed(client_address(request)):
        return json_error(403, "only the PBX may name a tapped call's agent")
    given = request.headers.get("Authorization", "")
    token: str = taps["token"]
    if not given.startswith("Bearer ") or not same_secret(given.removeprefix("Bearer "), token):
        return json_error(401, "a Bearer token (HOTLINE_TAP_TOKEN) is needed")
    try:
        call_uuid = str(uuid.UUID(request.match_info["uuid"]))
    except ValueError:
        return json_error(400, "not a UUID")
    body = await _body(request)
    if isinstance(body, web.Response):
        return body
    name, caller_id = body.get("agent"), body.get("caller_id") or None
    if not isinstance(name, str) or not 0 < len(name) <= 64:
        return json_error(400, 'expected {"agent": "<account name>", "caller_id": "…"}')
    if caller_id is not None and (not isinstance(caller_id, str) or
                                  not _NUMBER.fullmatch(caller_id)):
        return json_error(400, "caller_id: digits only")
    accounts: Accounts = taps["accounts"]
    agent = await asyncio.to_thread(accounts.get, name)
    if agent is None:
        return json_error(404, "no active agent of that name")
    try:
        call_id = line.name_agent(call_uuid, agent, caller_id)
    except CallConflict as exc:
        return json_error(409, str(exc))
    return web.json_response({"uuid": call_uuid, "agent": agent.name, "call_id": call_id})


async def _body(request: web.Request) -> dict[str, Any] | web.Response:
    if request.content_type == FORM_TYPE:
        raw = await read_body(request, BODY_BYTES)
        if isinstance(raw, web.Response):
            return raw
        try:
            fields = parse_qs(raw.decode("utf-8"), max_num_fields=8, strict_parsing=True)
        except ValueError:
            return json_error(400, "not a form")
        return {key: values[0] for key, values in fields.items()}
    return await read_json_object(request, BODY_BYTES)
