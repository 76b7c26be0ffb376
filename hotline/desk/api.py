"""The agent console's API: login, the live queue (server-sent events), accept, case, end,
and the supervisor's overview. Every route needs a session; state changes need its CSRF token.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiortc import RTCSessionDescription

from dialog.cases import CaseDraft
from dialog.domain import CATEGORIES, DISTRICTS, EscalationReason
from dialog.handoff import summarise
from dialog.phrases import category_name
from dialog.text import language_of
from hotline import sse
from hotline.calls import MAX_SDP_BYTES, BadOffer, Call, CallConflict, CallService
from hotline.cluster import Cluster, RemoteCall
from hotline.desk.accounts import Accounts, Agent, Role
from hotline.desk.auth import (
    COOKIE,
    AgentSession,
    RateLimiter,
    Sessions,
    SessionsAway,
    authorise,
    client_address,
    set_session_cookie,
)
from hotline.desk.views import call_view, queue_entry, suggestions
from hotline.hours import TAIPEI
from hotline.http_input import json_error, read_json_object
from hotline.records import CallRecords

log = logging.getLogger(__name__)

TICK_S = 1.0  # waiting times in the queue move on even when nothing else changes


@dataclass
class AgentDesk:
    accounts: Accounts
    sessions: Sessions
    logins: RateLimiter
    records: CallRecords
    secure_cookies: bool = False
    calls: dict[str, CallService] = field(default_factory=dict)  # "service" once lines open
    cluster: Cluster | None = None  # with many workers, once the lines open
    _today: tuple[float, dict[str, int]] = (0.0, {})

    @property
    def service(self) -> CallService | None:
        return self.calls.get("service")

    def remote_calls(self) -> list[RemoteCall]:
        """The other workers' live calls (none with one worker)."""
        return list(self.cluster.remote.values()) if self.cluster is not None else []

    def here(self, card: dict[str, Any]) -> dict[str, Any]:
        """A card of this worker's call, with this worker's URL when there are many: behind
        a front, a console's requests for the call must come back here."""
        if self.cluster is not None:
            card["worker_url"] = self.cluster.url
        return card

    def elsewhere(self, request: web.Request) -> web.Response | None:
        """A redirect to the worker that holds the request's call, if another one does: the
        same method and body go there (307), the session is valid on every worker."""
        holder = self.cluster.holder(request.match_info["call_id"]) if self.cluster else None
        if holder is None:
            return None
        return web.Response(status=307, headers={"Location": holder + request.path_qs})

    async def outcomes_today(self) -> dict[str, int]:
        """Outcomes of today's ended calls (Taipei time), re-read at most every 5 s."""
        at, counts = self._today
        if time.monotonic() - at > 5:
            midnight = dt.datetime.now(TAIPEI).replace(hour=0, minute=0, second=0,
                                                        microsecond=0)
            counts = await asyncio.to_thread(self.records.outcomes_since, midnight)
            self._today = (time.monotonic(), counts)
        return counts


DESK = web.AppKey("agent_desk", AgentDesk)


def add_routes(app: web.Application, desk: AgentDesk) -> None:
    app[DESK] = desk
    app.router.add_post("/api/agent/login", login)
    app.router.add_post("/api/agent/logout", logout)
    app.router.add_get("/api/agent/me", me)
    app.router.add_get("/api/agent/events", events)
    app.router.add_get("/api/agent/overview", overview)
    app.router.add_get("/api/agent/calls/{call_id}", call_summary)
    app.router.add_post("/api/agent/calls/{call_id}/accept", accept)
    app.router.add_post("/api/agent/calls/{call_id}/case", submit_case)
    app.router.add_post("/api/agent/calls/{call_id}/end", end_call)
    app.router.add_post("/api/agent/calls/{call_id}/category", set_category)
    app.router.add_post("/api/agent/calls/{call_id}/hold", hold_call)
    app.router.add_post("/api/agent/calls/{call_id}/suggestions/used", suggestion_used)
    app.router.add_get("/api/agent/kb", search_kb)


async def _json_body(request: web.Request,
                     limit: int = 16 * 1024) -> dict[str, Any] | web.Response:
    return await read_json_object(request, limit)


def _whoami(session: AgentSession) -> dict[str, Any]:
    return {
        "name": session.agent.name, "role": session.agent.role.value, "csrf": session.csrf,
        "categories": [{"code": c, "name": category_name(c, "zh")} for c in CATEGORIES],
        "districts": list(DISTRICTS),
    }


async def login(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    address = f"address:{client_address(request)}"
    # Every attempt counts, per address and per account name, until it succeeds: a
    # success takes back its own attempt only, never anyone else's failures.
    if not desk.logins.allow(address):
        log.warning("agent login rate limit hit from %s", address)
        return json_error(429, "too many login attempts; wait a minute")
    body = await _json_body(request)
    if isinstance(body, web.Response):
        return body
    name, password = body.get("name"), body.get("password")
    if not isinstance(name, str) or not isinstance(password, str) or len(password) > 1024:
        return json_error(400, 'expected {"name": "…", "password": "…"}')
    account = f"name:{name[:64]}"  # longer names do not exist; no need to keep them whole
    if not desk.logins.allow(account):
        log.warning("agent login rate limit hit for one account name from %s", address)
        return json_error(429, "too many login attempts; wait a minute")
    signed_in = await asyncio.to_thread(desk.accounts.sign_in, name, password)
    if signed_in is None:
        log.info("failed agent login from %s", address)  # never the name or password typed
        return json_error(401, "wrong name or password")
    desk.logins.refund(address)
    desk.logins.refund(account)
    agent, epoch = signed_in
    try:
        token, session = await desk.sessions.open(agent, epoch)
    except SessionsAway as exc:
        log.error("agent login failed: the sessions cannot be kept (%s)", exc)
        return json_error(503, "cannot log in just now; try again in a moment")
    log.info("agent %s logged in", agent.name)
    response = web.json_response(_whoami(session))
    set_session_cookie(response, token, desk.secure_cookies)
    return response


async def logout(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    session = await authorise(request, desk.sessions)
    if isinstance(session, web.Response):
        return session
    try:
        await desk.sessions.close(request.cookies.get(COOKIE))
    except SessionsAway as exc:
        log.error("agent logout failed: the sessions cannot be reached (%s)", exc)
        return json_error(503, "cannot log out just now; try again in a moment")
    response = web.json_response({"ok": True})
    response.del_cookie(COOKIE, path="/")
    return response


async def me(request: web.Request) -> web.Response:
    session = await authorise(request, request.app[DESK].sessions)
    return session if isinstance(session, web.Response) else web.json_response(_whoami(session))


async def snapshot(desk: AgentDesk, session: AgentSession) -> dict[str, Any]:
    service = desk.service
    if service is None:
        return {"starting": True, "queue": [], "mine": []}
    mine = [c for c in service.calls.values() if c.agent is not None and not c.agent_left
            and c.agent.name == session.agent.name and not c.ended]
    remote = desk.remote_calls()
    # this worker's waiting calls and the other workers', in one order: emergencies first,
    # then the longest waiting
    queue = [desk.here(queue_entry(c, 0)) for c in service.queue()] + [
        r.card() for r in remote if r.queued]
    queue.sort(key=lambda card: (card["emergency"] is None, -card["waiting_s"]))
    for position, card in enumerate(queue, 1):
        card["position"] = position
    data: dict[str, Any] = {
        "starting": False,
        "queue": queue,
        "mine": [desk.here(call_view(c)) for c in mine] + [
            r.card() for r in remote if r.agent == session.agent.name],
    }
    if session.agent.role is Role.SUPERVISOR:
        data["overview"] = await _overview(desk, service)
    return data


async def _overview(desk: AgentDesk, service: CallService) -> dict[str, Any]:
    live = [{"call_id": c.call_id, "state": c.state, "seconds": round(c.seconds()),
             "agent": c.agent.name if c.agent else None, "emergency": c.emergency}
            for c in service.calls.values() if not c.ended]
    waits = [round(c.waited_s()) for c in service.queue()]
    for r in desk.remote_calls():  # the other workers' calls
        card = r.card()
        live.append({"call_id": r.call_id, "state": card["state"],
                     "seconds": card["seconds"], "agent": r.agent,
                     "emergency": card["emergency"]})
        if r.queued:
            waits.append(card["waiting_s"])
    on_call = {c["agent"]: c["call_id"] for c in live if c["state"] == "agent" and c["agent"]}
    return {
        "live_calls": live,
        "agents": [{"name": a.name, "role": a.role.value,
                    "state": "on_call" if a.name in on_call else "available",
                    "call_id": on_call.get(a.name)}
                   for a in await desk.sessions.signed_in_anywhere()],
        "queue_length": len(waits), "longest_wait_s": max(waits, default=0),
        "outcomes_today": await desk.outcomes_today(),
    }


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: a full snapshot at every change, and at least once a second."""
    desk = request.app[DESK]
    session = await authorise(request, desk.sessions)
    if isinstance(session, web.Response):
        return session
    token = request.cookies.get(COOKIE)
    stream = await sse.open_stream(request, f"session:{token}")
    if isinstance(stream, web.Response):
        return stream
    async with stream:  # the console being closed ends it too
        # Logged out, expired, deactivated or a new password: the stream stops.
        while await desk.sessions.check(token) is session:
            service = desk.service
            seen = service.version if service else 0
            await stream.send(await snapshot(desk, session))
            if service is None:
                await asyncio.sleep(stream.wait_s(TICK_S))
            else:
                await service.changed(seen, stream.wait_s(TICK_S))
            await stream.ping_if_due()
    return stream.response


async def overview(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    session = await authorise(request, desk.sessions, Role.SUPERVISOR)
    if isinstance(session, web.Response):
        return session
    if desk.service is None:
        return json_error(503, "the service is starting")
    return web.json_response(await _overview(desk, desk.service))


async def _call_for(request: web.Request, role: Role | None = None
                    ) -> tuple[AgentSession, CallService, Call] | web.Response:
    desk = request.app[DESK]
    session = await authorise(request, desk.sessions, role)
    if isinstance(session, web.Response):
        return session
    service = desk.service
    call = service.calls.get(request.match_info["call_id"]) if service else None
    if service is None or call is None:
        return desk.elsewhere(request) or json_error(404, "no such call")
    return session, service, call


async def call_summary(request: web.Request) -> web.Response:
    """A call by its id — for an agent who got it transferred from the phone line (the id
    came in ``X-Hotline-Call-Id``): its hand-off summary, the form as the bot filled it and
    the transcript while the call is held here, then from its record."""
    desk = request.app[DESK]
    session = await authorise(request, desk.sessions)
    if isinstance(session, web.Response):
        return session
    call_id = request.match_info["call_id"]
    if not _CALL_ID.fullmatch(call_id):
        return json_error(404, "no such call")
    service = desk.service
    call = service.calls.get(call_id) if service else None
    if call is not None:
        return web.json_response(desk.here(call_view(call)))
    moved = desk.elsewhere(request)
    if moved is not None:
        return moved
    record = await asyncio.to_thread(desk.records.get, call_id)
    if record is None:
        return json_error(404, "no such call")
    if record.ended_at is None:  # going on, on a worker not (yet) known here
        return json_error(409, "this call is still going on elsewhere; ask again shortly")
    said = [t.text for t in record.transcript if t.who == "caller"]
    reason = record.handoff_reason
    return web.json_response({
        "call_id": call_id, "state": "ended", "outcome": record.outcome, "reason": reason,
        "summary": summarise(EscalationReason(reason), {}, said) if reason else "",
        "emergency": record.emergency, "case_number": record.case_number,
        "transcript": [{"who": t.who, "text": t.text, "t": t.t}
                       for t in record.transcript if t.text]})


_CALL_ID = re.compile(r"[0-9a-f]{8,64}")  # (a call id: hex; anything else is no call)


async def accept(request: web.Request) -> web.Response:
    found = await _call_for(request)
    if isinstance(found, web.Response):
        return found
    session, service, call = found
    body = await _json_body(request, MAX_SDP_BYTES)
    if isinstance(body, web.Response):
        return body
    if body.get("type") != "offer" or not isinstance(body.get("sdp"), str) \
            or "m=audio" not in body["sdp"]:
        return json_error(400, 'expected {"sdp": <an SDP offer with audio>, "type": "offer"}')
    try:
        local = await service.accept(call, session.agent,
                                     RTCSessionDescription(sdp=body["sdp"], type="offer"))
    except CallConflict as exc:
        return json_error(409, str(exc))
    except BadOffer as exc:
        return json_error(400, f"malformed SDP: {exc}")
    return web.json_response({"sdp": local.sdp, "type": local.type,
                              "call": request.app[DESK].here(call_view(call))})


async def submit_case(request: web.Request) -> web.Response:
    """The agent files the call's case (a second time: updates it), during the call or in
    wrap-up after it ended."""
    desk = request.app[DESK]
    session = await authorise(request, desk.sessions)
    if isinstance(session, web.Response):
        return session
    call_id = request.match_info["call_id"]
    service = desk.service
    if service is None or not _CALL_ID.fullmatch(call_id):
        return json_error(404, "no such call")
    if call_id not in service.calls:
        moved = desk.elsewhere(request)  # live on another worker: filed there
        if moved is not None:
            return moved
    form = await _json_body(request)
    if isinstance(form, web.Response):
        return form
    try:
        draft = case_draft(form, session.agent)
        number = await asyncio.to_thread(service.submit_case, call_id, session.agent, draft)
    except CallConflict as exc:
        return json_error(409, str(exc))
    except LookupError:
        return json_error(404, "no such call")
    except ValueError as exc:
        return json_error(400, str(exc))
    log.info("call %s: case %s filed by %s", call_id, number, session.agent.name)
    return web.json_response({"case_number": number})


async def end_call(request: web.Request) -> web.Response:
    found = await _call_for(request)
    if isinstance(found, web.Response):
        return found
    session, service, call = found
    if call.agent is None or call.agent.name != session.agent.name:
        return json_error(409, "only the agent on the call can end it")
    await service.end(call)
    return web.json_response({"state": call.state})


async def _call_and(request: web.Request, key: str
                    ) -> tuple[AgentSession, CallService, Call, Any] | web.Response:
    """The agent's call and one field of the request's JSON body."""
    found = await _call_for(request)
    if isinstance(found, web.Response):
        return found
    body = await _json_body(request)
    if isinstance(body, web.Response):
        return body
    return (*found, body.get(key))


async def set_category(request: web.Request) -> web.Response:
    """The agent chose the form's category: the suggestions are searched again for it."""
    found = await _call_and(request, "category")
    if isinstance(found, web.Response):
        return found
    session, service, call, category = found
    if not isinstance(category, str) or category not in CATEGORIES:
        return json_error(400, "category: not a 1999 category code")
    try:
        await asyncio.to_thread(service.agent_category, call, session.agent, category)
    except CallConflict as exc:
        return json_error(409, str(exc))
    return web.json_response({"suggestions": suggestions(call)})


async def hold_call(request: web.Request) -> web.Response:
    """The agent puts the caller on hold (``{"on": true}``) or takes them back."""
    found = await _call_and(request, "on")
    if isinstance(found, web.Response):
        return found
    session, service, call, on = found
    if not isinstance(on, bool):
        return json_error(400, 'expected {"on": true} or {"on": false}')
    try:
        service.hold(call, session.agent, on)
    except CallConflict as exc:
        return json_error(409, str(exc))
    return web.json_response({"hold": call.agent_hold})


async def suggestion_used(request: web.Request) -> web.Response:
    """The agent used a suggested reply (clicked or copied it): kept for the evaluation."""
    found = await _call_and(request, "kb_id")
    if isinstance(found, web.Response):
        return found
    session, service, call, kb_id = found
    if not isinstance(kb_id, str) or not 0 < len(kb_id) <= 100:
        return json_error(400, 'expected {"kb_id": "<the suggestion\'s knowledge entry>"}')
    try:
        await asyncio.to_thread(service.suggestion_used, call, session.agent, kb_id)
    except CallConflict as exc:
        return json_error(409, str(exc))
    except LookupError:
        return json_error(404, "that entry was not suggested on this call")
    return web.json_response({"used": list(call.suggestions_used)})


KB_RESULTS = 5


async def search_kb(request: web.Request) -> web.Response:
    """The agent searches the knowledge base from the pane (the bot's own index): entries
    with their id, title and answer in the language of the query."""
    desk = request.app[DESK]
    session = await authorise(request, desk.sessions)
    if isinstance(session, web.Response):
        return session
    query = request.query.get("q", "").strip()
    if not query or len(query) > 200:
        return json_error(400, "q: a search of 1 to 200 characters")
    service = desk.service
    if service is None:
        return json_error(503, "the service is starting")
    kb = service.factory.kb
    lang = "en" if language_of(query) == "en" else "zh"
    hits = await asyncio.to_thread(kb.search, query, KB_RESULTS)
    return web.json_response({"results": [
        {"id": h.entry.id, "title": h.entry.title_en if lang == "en" and h.entry.title_en
         else h.entry.title, "answer": h.entry.answer_in(lang)} for h in hits]})


def case_draft(form: dict[str, Any], agent: Agent) -> CaseDraft:
    """A case from the agent's form (the call's transcript is added by the service);
    ValueError names the first bad field."""
    category = form.get("category") or None
    if category is None:
        raise ValueError("category: choose one")
    if not isinstance(category, str) or category not in CATEGORIES:  # a list is unhashable
        raise ValueError("category: not a 1999 category code")
    district = form.get("district") or None
    if district is not None and (not isinstance(district, str) or district not in DISTRICTS):
        raise ValueError("district: not a Taichung district")
    text: dict[str, str] = {}
    for key, limit in (("address", 200), ("description", 2000), ("phone", 20)):
        value = form.get(key)
        value = "" if value is None else value  # 0 or false is no text either: refused
        if not isinstance(value, str) or len(value) > limit:
            raise ValueError(f"{key}: text of at most {limit} characters")
        text[key] = value.strip()
    details: dict[str, Any] = {"handled_by": agent.name}
    if text["phone"]:
        details["phone"] = text["phone"]
    return CaseDraft(category=category, district=district, address=text["address"] or None,
                     description=text["description"] or category, details=details,
                     created_by_bot=False)
