"""The OpenAPI 3.1 description of the service's HTTP routes, served at ``/api/openapi.json``.

It is what the fuzz test (tests/test_api_fuzz.py) drives schemathesis with, so it states
exactly what a client may send (types, lengths, required fields) and every answer it can
get: under ``/api`` each error is ``{"error": "<reason>"}``. What the code names (the SDP
limit, categories, districts, outcomes, cookie and header names) is imported from it; the
form limits hotline/desk/api.py writes inline are repeated here (FORM_BYTES, CaseForm).
"""

from __future__ import annotations

import functools
from typing import Any

from aiohttp import web

from dialog.domain import CATEGORIES, DISTRICTS, EscalationReason, Outcome
from hotline.calls import MAX_SDP_BYTES
from hotline.desk.accounts import Role
from hotline.desk.auth import COOKIE, CSRF_HEADER

Schema = dict[str, Any]

FORM_BYTES = 16 * 1024  # the desk API's limit for a login or case form body
CALL_STATES = ["ringing", "bot", "waiting_agent", "agent", "ended"]

ERRORS: dict[int, str] = {
    400: "malformed input: not JSON, not an object, a missing or wrong field, a bad SDP offer",
    401: "no valid credentials",
    403: f"the {CSRF_HEADER} header is missing or wrong, or the role does not allow it",
    404: "no such call or agent (or the lines are not open yet, or the feature is off)",
    408: "the request body did not arrive in time",
    409: "the call is not in a state that allows it",
    413: "the request body is too large",
    415: "the body is not Content-Type application/json",
    429: "too many requests from this address or for this stream; try again later",
    503: "the service is starting or shutting down",
}
BODY_ERRORS = (400, 408, 413, 415)


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _obj(required: list[str], properties: dict[str, Schema]) -> Schema:
    return {"type": "object", "required": required, "properties": properties}


def _json(schema: Schema, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _events(data: str, description: str) -> Schema:
    """An event stream whose events each carry ``data`` (a component's JSON) in ``data:``."""
    event = _obj(["data"], {
        "data": {"type": "string", "contentMediaType": "application/json",
                 "contentSchema": _ref(data)},
        "event": {"type": "string"},
    })
    return {"description": description, "content": {"text/event-stream": {"schema": event}}}


def _page(description: str) -> Schema:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _responses(ok: Schema, *errors: int) -> dict[str, Schema]:
    out: dict[str, Schema] = {"200": ok}
    for status in sorted(errors):
        out[str(status)] = _json(_ref("Error"), ERRORS[status])
    return out


def _body(schema: Schema, description: str) -> Schema:
    return {"required": True, "description": description,
            "content": {"application/json": {"schema": schema}}}


CALL_ID: Schema = {
    "name": "call_id", "in": "path", "required": True,
    "description": "the call's id, as POST /api/calls answered it",
    "schema": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
}
CALLER: list[Schema] = [{"callToken": []}]
AGENT_READ: list[Schema] = [{"agentSession": []}]
AGENT_WRITE: list[Schema] = [{"agentSession": [], "csrfToken": []}]


def _schemas() -> dict[str, Schema]:
    text = {"type": "string"}
    seconds = {"type": "integer", "minimum": 0}
    line = _obj(["who", "text", "t"], {
        "who": {"type": "string", "enum": ["caller", "bot", "agent"]},
        "text": text, "t": {"type": "number", "description": "seconds since the call began"},
    })
    queue_entry: dict[str, Schema] = {
        "call_id": text, "position": seconds, "waiting_s": seconds,
        "emergency": _nullable(text),
        "reason": _nullable({"type": "string", "enum": [r.value for r in EscalationReason]}),
        "summary": text, "fields": {"type": "object"}, "lang": text,
        "channel": {"type": "string", "enum": ["webrtc", "sip", "file"],
                    "description": "how the caller came: the web or a phone"},
        "caller_id": _nullable({"type": "string", "description": "a phone caller's number, "
                                                                 "as the network gave it"}),
        "worker_url": _nullable({"type": "string", "description": (
            "with many workers: the base URL of the worker that holds the call, where its "
            "routes (accept, case, end…) go; null: this one")}),
    }
    return {
        "Error": _obj(["error"], {"error": {"type": "string"}}),
        "Health": _obj(["status", "models", "lines_open"], {
            "status": {"type": "string", "description": "starting, ok or degraded"},
            "models": {"type": "object", "additionalProperties": {"type": "object"},
                       "description": "each role's model and load state; with an LLM server "
                                      "(HOTLINE_LLM_URL) llm also names the server and "
                                      "whether it answers"},
            "lines_open": {"type": "boolean"},
        }),
        "Offer": _obj(["sdp", "type"], {
            "sdp": {"type": "string", "minLength": 1, "maxLength": MAX_SDP_BYTES,
                    "description": "an SDP offer with one sending audio track"},
            "type": {"type": "string", "enum": ["offer"]},
        }),
        "Answer": _obj(["sdp", "type", "call_id", "token"], {
            "sdp": text, "type": {"type": "string", "enum": ["answer"]},
            "call_id": text, "token": {"type": "string", "description": "the Bearer token"},
        }),
        "CallState": _obj(["state", "outcome", "case_number", "transcript"], {
            "state": {"type": "string", "enum": CALL_STATES},
            "outcome": _nullable({"type": "string", "enum": [o.value for o in Outcome]}),
            "case_number": _nullable(text),
            "transcript": {"type": "array", "items": line},
        }),
        "Login": _obj(["name", "password"], {
            "name": {"type": "string", "maxLength": 64},
            "password": {"type": "string", "maxLength": 1024},
        }),
        "Whoami": _obj(["name", "role", "csrf", "categories", "districts"], {
            "name": text, "role": {"type": "string", "enum": ["agent", "supervisor"]},
            "csrf": {"type": "string", "description": f"send it as {CSRF_HEADER}"},
            "categories": {"type": "array", "items": _obj(["code", "name"], {
                "code": {"type": "string", "enum": list(CATEGORIES)}, "name": text})},
            "districts": {"type": "array", "items": text},
        }),
        "QueueEntry": _obj(list(queue_entry), queue_entry),
        "CallView": _obj([*queue_entry, "state", "seconds", "hold", "transcript",
                          "suggestions", "case_number", "alert"], {
            "alert": _nullable(text), "hold": {"type": "boolean"},
            **queue_entry,
            "state": {"type": "string", "enum": CALL_STATES}, "seconds": seconds,
            "transcript": {"type": "array", "items": line},
            "suggestions": _ref("Suggestions"),
            "case_number": _nullable(text),
        }),
        "Overview": _obj(["live_calls", "agents", "queue_length", "longest_wait_s",
                          "outcomes_today"], {
            "agents": {"type": "array", "items": _obj(["name", "role", "state", "call_id"], {
                "name": text, "role": {"type": "string", "enum": [r.value for r in Role]},
                "state": {"type": "string", "enum": ["available", "on_call"]},
                "call_id": _nullable(text)})},
            "live_calls": {"type": "array", "items": _obj(
                ["call_id", "state", "seconds", "agent", "emergency"], {
                    "call_id": text, "state": {"type": "string", "enum": CALL_STATES},
                    "seconds": seconds, "agent": _nullable(text),
                    "emergency": _nullable(text)})},
            "queue_length": seconds, "longest_wait_s": seconds,
            "outcomes_today": {"type": "object", "additionalProperties": seconds},
        }),
        "Desk": _obj(["starting", "queue", "mine"], {
            "starting": {"type": "boolean"},
            "queue": {"type": "array", "items": _ref("QueueEntry")},
            "mine": {"type": "array", "items": _ref("CallView")},
            "overview": _ref("Overview"),
        }),
        "Suggestions": {"type": "array", "items": _obj(["text", "kb_id", "title"], {
            "text": text, "kb_id": _nullable(text), "title": text})},
        "TapAgent": _obj(["agent"], {
            "agent": {"type": "string", "minLength": 1, "maxLength": 64},
            "caller_id": _nullable({"type": "string", "pattern": "^\\+?[0-9]{3,20}$"}),
        }),
        "CaseForm": _obj(["category"], {
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "district": {"enum": [*DISTRICTS, "", None]},
            "address": _nullable({"type": "string", "maxLength": 200}),
            "description": _nullable({"type": "string", "maxLength": 2000}),
            "phone": _nullable({"type": "string", "maxLength": 20}),
        }),
    }


def _paths() -> dict[str, Schema]:
    offer = _body(_ref("Offer"), f"the WebRTC offer (the body at most {MAX_SDP_BYTES} bytes)")
    return {
        "/": {"get": {"summary": "the call page (microphone, captions, hang up)",
                      "responses": {"200": _page("the page")}}},
        "/agent": {"get": {"summary": "the agent console",
                           "responses": {"200": _page("the page (it logs in itself)")}}},
        "/healthz": {"get": {
            "summary": "which models are loaded; whether calls are taken",
            "responses": {"200": _json(_ref("Health"), "starting or ok"),
                          "503": _json(_ref("Health"), "degraded: a model is missing or "
                                                       "failed to load")}}},
        "/metrics": {"get": {
            "summary": "Prometheus figures",
            "responses": {"200": {"description": "the text exposition format",
                                  "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
        "/api/openapi.json": {"get": {
            "summary": "this description",
            "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1")}}},
        "/api/calls": {"post": {
            "summary": "a citizen's call: a WebRTC audio offer in, the answer out",
            "requestBody": offer,
            "responses": _responses(_json(_ref("Answer"), "the call is on"),
                                    *BODY_ERRORS, 429, 503)}},
        "/api/calls/{call_id}": {
            "parameters": [CALL_ID],
            "get": {"summary": "the call's state, outcome, case number and transcript",
                    "security": CALLER,
                    "responses": _responses(_json(_ref("CallState"), "the call"), 401, 404)},
            "delete": {"summary": "hang up", "security": CALLER,
                       "responses": _responses(_json(_ref("CallState"), "the call, ended"),
                                               401, 404)}},
        "/api/calls/{call_id}/events": {"get": {
            "summary": "the call's state as server-sent events, at every change",
            "parameters": [CALL_ID], "security": CALLER,
            "responses": _responses(_events("CallState", "one event per change; the "
                                            "stream ends after the call"), 401, 404, 429)}},
        "/api/agent/login": {"post": {
            "summary": "an agent logs in; the session is the HttpOnly cookie " + COOKIE,
            "security": [],
            "requestBody": _body(_ref("Login"), f"at most {FORM_BYTES} bytes"),
            "responses": _responses(_json(_ref("Whoami"), "logged in (Set-Cookie)"),
                                    *BODY_ERRORS, 401, 429)}},
        "/api/agent/logout": {"post": {
            "summary": "end the session", "security": AGENT_WRITE,
            "responses": _responses(_json(_obj(["ok"], {"ok": {"type": "boolean"}}),
                                          "logged out"), 401, 403)}},
        "/api/agent/me": {"get": {
            "summary": "who is logged in, the CSRF token, the form's choices",
            "security": AGENT_READ,
            "responses": _responses(_json(_ref("Whoami"), "the session"), 401)}},
        "/api/agent/events": {"get": {
            "summary": "the queue and the agent's calls as server-sent events",
            "security": AGENT_READ,
            "responses": _responses(_events("Desk", "a snapshot at every change and at "
                                            "least once a second"), 401, 429)}},
        "/api/agent/overview": {"get": {
            "summary": "live calls, queue and today's outcomes (supervisors)",
            "security": AGENT_READ,
            "responses": _responses(_json(_ref("Overview"), "the overview"), 401, 403, 503)}},
        "/api/agent/calls/{call_id}": {"get": {
            "summary": "a call by its id (e.g. one the phone line transferred, its id in "
                       "X-Hotline-Call-Id): hand-off summary, form, transcript; from its "
                       "record once the call is no longer held",
            "parameters": [CALL_ID], "security": AGENT_READ,
            "responses": _responses(_json({"type": "object"}, "the call"), 401, 404)}},
        "/api/agent/calls/{call_id}/accept": {"post": {
            "summary": "take a waiting call: the agent's WebRTC offer in, the answer out",
            "parameters": [CALL_ID], "security": AGENT_WRITE, "requestBody": offer,
            "responses": _responses(_json(_obj(["sdp", "type", "call"], {
                "sdp": {"type": "string"}, "type": {"type": "string", "enum": ["answer"]},
                "call": _ref("CallView")}), "the agent is on the call"),
                *BODY_ERRORS, 401, 403, 404, 409)}},
        "/api/agent/calls/{call_id}/case": {"post": {
            "summary": "file the call's case as the agent's (again: update it), during "
                       "the call or in wrap-up after it",
            "parameters": [CALL_ID], "security": AGENT_WRITE,
            "requestBody": _body(_ref("CaseForm"), f"at most {FORM_BYTES} bytes"),
            "responses": _responses(_json(_obj(["case_number"], {
                "case_number": {"type": "string"}}), "filed"),
                *BODY_ERRORS, 401, 403, 404, 409)}},
        "/api/agent/calls/{call_id}/end": {"post": {
            "summary": "the agent on the call hangs up",
            "parameters": [CALL_ID], "security": AGENT_WRITE,
            "responses": _responses(_json(_obj(["state"], {"state": {
                "type": "string", "enum": CALL_STATES}}), "ended"), 401, 403, 404, 409)}},
        "/api/agent/calls/{call_id}/category": {"post": {
            "summary": "the agent chose the form's category: the suggestions follow it",
            "parameters": [CALL_ID], "security": AGENT_WRITE,
            "requestBody": _body(_obj(["category"], {
                "category": {"type": "string", "enum": list(CATEGORIES)}}),
                f"at most {FORM_BYTES} bytes"),
            "responses": _responses(_json(_obj(["suggestions"], {
                "suggestions": _ref("Suggestions")}), "searched again"),
                *BODY_ERRORS, 401, 403, 404, 409)}},
        "/api/agent/calls/{call_id}/hold": {"post": {
            "summary": "the agent puts the caller on hold (they hear a short notice) or back",
            "parameters": [CALL_ID], "security": AGENT_WRITE,
            "requestBody": _body(_obj(["on"], {"on": {"type": "boolean"}}),
                                 f"at most {FORM_BYTES} bytes"),
            "responses": _responses(_json(_obj(["hold"], {"hold": {"type": "boolean"}}),
                                          "on hold or not"),
                                    *BODY_ERRORS, 401, 403, 404, 409)}},
        "/api/agent/calls/{call_id}/suggestions/used": {"post": {
            "summary": "the agent used a suggested reply (kept for the evaluation)",
            "parameters": [CALL_ID], "security": AGENT_WRITE,
            "requestBody": _body(_obj(["kb_id"], {"kb_id": {"type": "string"}}),
                                 f"at most {FORM_BYTES} bytes"),
            "responses": _responses(_json(_obj(["used"], {"used": {
                "type": "array", "items": {"type": "string"}}}), "noted"),
                *BODY_ERRORS, 401, 403, 404, 409)}},
        "/api/agent/kb": {"get": {
            "summary": "search the knowledge base (the bot's own index) from the pane",
            "parameters": [{"name": "q", "in": "query", "required": True,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
            "security": AGENT_READ,
            "responses": _responses(_json(_obj(["results"], {"results": {
                "type": "array", "items": _obj(["id", "title", "answer"], {
                    "id": {"type": "string"}, "title": {"type": "string"},
                    "answer": {"type": "string"}})}}), "the best entries"),
                400, 401, 503)}},
        "/api/taps/{uuid}": {"post": {
            "summary": "the PBX names the agent of a call it copies over AudioSocket "
                       "(JSON or a form, as Asterisk's CURL() posts)",
            "parameters": [{"name": "uuid", "in": "path", "required": True,
                            "description": "the AudioSocket UUID of the call",
                            "schema": {"type": "string", "format": "uuid"}}],
            "security": [{"pbxToken": []}],
            "requestBody": {"required": True, "description": "at most 4096 bytes", "content": {
                "application/json": {"schema": _ref("TapAgent")},
                "application/x-www-form-urlencoded": {"schema": _ref("TapAgent")}}},
            "responses": _responses(_json(_obj(["uuid", "agent", "call_id"], {
                "uuid": {"type": "string"}, "agent": {"type": "string"},
                "call_id": _nullable({"type": "string"})}), "named"),
                *BODY_ERRORS, 401, 403, 404, 409)}},
    }


@functools.cache
def document() -> Schema:
    """The whole description (built once; it depends on nothing but the code)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Hotline 1999", "version": "1",
                 "description": "The call API for citizens' WebRTC calls and the agent "
                                "console's API (DESIGN.md's HTTP contract)."},
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "callToken": {"type": "http", "scheme": "bearer",
                              "description": "the token POST /api/calls answered"},
                "agentSession": {"type": "apiKey", "in": "cookie", "name": COOKIE,
                                 "description": "set by POST /api/agent/login"},
                "pbxToken": {"type": "http", "scheme": "bearer",
                             "description": "HOTLINE_TAP_TOKEN, the PBX's"},
                "csrfToken": {"type": "apiKey", "in": "header", "name": CSRF_HEADER,
                              "description": "the session's csrf, on every state change"},
            },
        },
    }


async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(document())
