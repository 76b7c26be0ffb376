"""Reading a JSON request body safely: JSON content type only, a size limit on the bytes
actually read (chunked bodies included), a time limit, bounded nesting, an object at the top.

Every refusal is the response to send, ``{"error": "…"}`` with a 4xx status, so a handler
does ``body = await read_json_object(request, limit)`` and returns it when it is a Response.
"""

from __future__ import annotations

import asyncio
import json
import re
from itertools import accumulate
from typing import Any

from aiohttp import web

READ_TIMEOUT_S = 10.0  # a body still arriving after this is dropped (a slow client holds nothing)
MAX_DEPTH = 32  # our bodies are one or two levels deep; thousands would overflow the parser
JSON_TYPE = "application/json"

# A JSON string with its escapes; what is left once they are cut out has no quoted brackets.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(rb"[^\[\]{}]+")


def json_error(status: int, message: str) -> web.Response:
    """Every error of the API: ``{"error": "…"}`` with its status."""
    return web.json_response({"error": message}, status=status)


def nesting_depth(raw: bytes) -> int:
    """How deep arrays and objects nest in ``raw`` (JSON text), without recursing."""
    brackets = _NOT_BRACKETS.sub(b"", _STRING.sub(b"", raw))
    # Each opening bracket is one level in, each closing one out.
    steps = (1 if b in b"[{" else -1 for b in brackets)
    return max(accumulate(steps), default=0)


async def read_body(request: web.Request, limit: int,
                    timeout_s: float | None = None) -> bytes | web.Response:
    """The raw body, at most ``limit`` bytes, read within ``timeout_s`` (``READ_TIMEOUT_S``)."""
    if request.content_length is not None and request.content_length > limit:
        return json_error(413, f"request body too large (at most {limit} bytes)")
    parts: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(READ_TIMEOUT_S if timeout_s is None else timeout_s):
            while chunk := await request.content.readany():
                size += len(chunk)
                if size > limit:  # counted as it arrives: Content-Length may be absent
                    return json_error(413, f"request body too large (at most {limit} bytes)")
                parts.append(chunk)
    except TimeoutError:
        return json_error(408, "the request body did not arrive in time")
    except ValueError as exc:  # aiohttp's view of a broken chunked encoding, and the like
        return json_error(400, f"unreadable request body: {exc}")
    return b"".join(parts)


async def read_json_object(request: web.Request, limit: int,
                           timeout_s: float | None = None) -> dict[str, Any] | web.Response:
    """The body as a JSON object, or the 4xx response that says what is wrong with it."""
    if request.content_type != JSON_TYPE:
        # Also what keeps other web sites out: a page can send text/plain to us without
        # asking, but application/json only after a CORS preflight we never approve.
        return json_error(415, f"Content-Type must be {JSON_TYPE}")
    raw = await read_body(request, limit, timeout_s)
    if isinstance(raw, web.Response):
        return raw
    if nesting_depth(raw) > MAX_DEPTH:
        return json_error(400, f"JSON nested deeper than {MAX_DEPTH} levels")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        return json_error(400, "body must be valid JSON (UTF-8)")
    if not isinstance(body, dict):
        return json_error(400, "body must be a JSON object")
    return body
