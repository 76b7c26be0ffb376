"""The HTTP service: health, metrics, and (as it grows) the call API and web pages."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from hotline.accounts import Accounts
from hotline.agent_api import DESK, AgentDesk, add_routes
from hotline.auth import RateLimiter, Sessions
from hotline.call_api import call_events, delete_call, get_call, post_call
from hotline.calls import CallPolicy, CallService
from hotline.config import Settings
from hotline.db import make_engine
from hotline.metrics import ServiceMetrics
from hotline.records import CallRecords
from hotline.runtime import Runtime, speech_stack
from models.store import ModelError

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
RUNTIME = web.AppKey("runtime", Runtime)
SETTINGS = web.AppKey("settings", Settings)
CALLS = web.AppKey("calls", dict)
LINES_OPEN = web.AppKey("lines_open", asyncio.Event)
METRICS = web.AppKey("metrics", ServiceMetrics)


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Under /api every error is JSON: bad input gets 400 and a reason, never a stack trace."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        return web.json_response({"error": "request body too large"}, status=400)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return web.json_response({"error": exc.reason}, status=exc.status)
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return web.json_response({"error": "internal error"}, status=500)


def create_app(settings: Settings, runtime: Runtime | None = None) -> web.Application:
    app = web.Application(client_max_size=1 << 20, middlewares=[json_errors])
    rt = runtime or Runtime.from_settings(settings)
    app[RUNTIME] = rt
    app[SETTINGS] = settings
    app[CALLS] = {}
    app[LINES_OPEN] = asyncio.Event()
    app[METRICS] = ServiceMetrics(CollectorRegistry())
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATIC, follow_symlinks=False)
    app.router.add_post("/api/calls", _with_service(
        post_call, 503, "the service is starting; try again shortly"))
    for method, path, handler in (("GET", "/api/calls/{call_id}", get_call),
                                  ("DELETE", "/api/calls/{call_id}", delete_call),
                                  ("GET", "/api/calls/{call_id}/events", call_events)):
        app.router.add_route(method, path, _with_service(handler, 404, "no such call"))
    app.router.add_get("/agent", agent_page)
    engine = make_engine(settings.db_url)
    add_routes(app, AgentDesk(
        Accounts(engine), Sessions(), RateLimiter(settings.login_attempts_per_minute, 60.0),
        CallRecords(engine), settings.secure_cookies, app[CALLS]))
    if settings.load_models:
        app.cleanup_ctx.append(_load_models)
    return app


async def _load_models(app: web.Application) -> AsyncIterator[None]:
    # Loading runs in the background so /healthz answers ("starting") while models load.
    task = asyncio.create_task(_start_calls(app), name="load-models")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    service = app[CALLS].get("service")
    if service is not None:
        await service.close()


async def _start_calls(app: web.Application) -> None:
    """Load the models, then open the lines."""
    rt, settings = app[RUNTIME], app[SETTINGS]
    await rt.load_all()
    try:
        stack = await asyncio.to_thread(speech_stack, settings, rt)
    except ModelError as exc:
        log.error("%s", exc)
        return
    policy = CallPolicy(settings.max_calls, settings.agent_wait_s, settings.hold_message_s,
                        settings.calls_per_minute_per_ip,
                        recordings=settings.recordings_dir if settings.record_audio else None)
    service = CallService(stack.factory, stack.asr, stack.voices, settings.ice_servers, policy,
                          app[DESK].records)
    service.on_call_ended = app[METRICS].call_ended
    app[CALLS]["service"] = service
    app[LINES_OPEN].set()
    log.info("lines open (%s)", stack.factory.mode)


CallHandler = Callable[[web.Request, CallService], Awaitable[web.StreamResponse]]


def _with_service(handler: CallHandler, status: int, error: str) -> Handler:
    """A call route; before the lines open there is no service: ``status`` and ``error``."""
    async def route(request: web.Request) -> web.StreamResponse:
        service = request.app[CALLS].get("service")
        if service is None:
            return web.json_response({"error": error}, status=status)
        return await handler(request, service)
    return route


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


async def agent_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "agent.html")


async def healthz(request: web.Request) -> web.Response:
    healthy, body = request.app[RUNTIME].health()
    # Models load first, then the fixed prompts are synthesised: only then are calls taken.
    body["lines_open"] = request.app[LINES_OPEN].is_set()
    return web.json_response(body, status=200 if healthy else 503)


async def metrics(request: web.Request) -> web.Response:
    figures = request.app[METRICS]
    figures.scrape(request.app[RUNTIME], request.app[CALLS].get("service"))
    body = generate_latest(figures.registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def serve(settings: Settings) -> None:
    """Run the service until interrupted."""
    app = create_app(settings)
    log.info("Hotline 1999 on http://%s:%d/", settings.host, settings.port)
    web.run_app(app, host=settings.host, port=settings.port, print=None,
                access_log=None, handle_signals=True)
