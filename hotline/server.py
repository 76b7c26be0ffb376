"""The HTTP service: health, metrics, and (as it grows) the call API and web pages."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import secrets
import signal
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from hotline.call_api import call_events, delete_call, get_call, post_call
from hotline.calls import CallPolicy, CallService
from hotline.cluster import Cluster
from hotline.config import Settings
from hotline.db import make_engine
from hotline.desk.accounts import Accounts, Agent
from hotline.desk.api import DESK, AgentDesk, add_routes
from hotline.desk.auth import (
    TRUSTED_PROXIES,
    RateLimiter,
    Sessions,
    SessionStore,
    parse_networks,
)
from hotline.hours import Hours
from hotline.metrics import ServiceMetrics
from hotline.openapi import openapi_json
from hotline.phone_line import PhoneLine, PhoneLineSettings
from hotline.records import CallRecords
from hotline.retention import daily_purge
from hotline.runtime import Runtime, speech_stack
from hotline.sse import STREAMS, StreamSlots
from hotline.tap_api import TAPS, name_agent
from hotline.taps import TapLine, TapSettings
from models.store import ModelError

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
RUNTIME = web.AppKey("runtime", Runtime)
SETTINGS = web.AppKey("settings", Settings)
CALLS = web.AppKey("calls", dict)
LINES_OPEN = web.AppKey("lines_open", asyncio.Event)
METRICS = web.AppKey("metrics", ServiceMetrics)
WORKER_ID = web.AppKey("worker_id", str)


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Under /api every error is JSON: bad input gets 400 and a reason, never a stack trace."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        return web.json_response({"error": "request body too large"}, status=413)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        # keep what the client needs to act on it (Allow on a 405, as RFC 9110 requires)
        kept = {k: v for k, v in exc.headers.items() if k in ("Allow", "Retry-After")}
        return web.json_response({"error": exc.reason}, status=exc.status, headers=kept)
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
    app.router.add_get("/api/openapi.json", openapi_json)
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
    app[TRUSTED_PROXIES] = parse_networks(settings.trusted_proxies)
    app[STREAMS] = StreamSlots(settings.event_streams_per_client)
    accounts = Accounts(engine)
    # many workers share the agents' sessions and know whose call records are whose
    shared = settings.many_workers
    app[WORKER_ID] = settings.worker_id or f"{socket.gethostname()[:20]}-{secrets.token_hex(3)}"
    add_routes(app, AgentDesk(
        accounts, Sessions(accounts, store=SessionStore(engine) if shared else None),
        RateLimiter(settings.login_attempts_per_minute, 60.0),
        CallRecords(engine, app[WORKER_ID] if shared else None), settings.secure_cookies,
        app[CALLS]))
    app[TAPS] = {"token": settings.tap_token.get_secret_value(), "accounts": accounts}
    app.router.add_post("/api/taps/{uuid}", name_agent)
    if settings.purge_daily:
        app.cleanup_ctx.append(daily_purge(settings))
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
        await service.close()  # each phone call's BYE goes out while the line still listens
    cluster = app[DESK].cluster
    if cluster is not None:
        await cluster.stop()
    phone = app[CALLS].get("phone")
    if phone is not None:
        await phone.stop()
    taps = app[TAPS].get("line")
    if taps is not None:
        await taps.stop()


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
                        settings.calls_per_minute_per_ip, settings.calls_per_ip,
                        settings.connect_timeout_s,
                        recordings=settings.recordings_dir if settings.record_audio else None,
                        routing=settings.routing,
                        bot_hours=Hours.parse(settings.bot_hours) if settings.bot_hours else None)
    service = CallService(stack.factory, stack.asr, stack.voices, settings.ice_servers, policy,
                          app[DESK].records)
    service.on_call_ended = app[METRICS].call_ended
    service.on_suggestion_used = app[METRICS].suggestion_used
    app[CALLS]["service"] = service
    desk = app[DESK]
    if settings.many_workers:
        cluster = Cluster(desk.records.engine, app[WORKER_ID], _worker_url(settings),
                          settings.max_calls, settings.worker_beat_s, settings.worker_timeout_s)
        await _join(cluster, service)
        desk.cluster = cluster
    else:  # one worker: what a crash left going on is over
        closed = await asyncio.to_thread(desk.records.close_unfinished)
        if closed:
            log.warning("%d call record(s) left open by a crash closed as they were", closed)
    if settings.sip_listen:
        app[CALLS]["phone"] = await open_phone_line(service, settings, app[DESK].accounts.get)
    listen = _host_port(settings.audiosocket_listen)
    if listen is not None:
        taps = TapLine(service, TapSettings(listen[0], listen[1], tuple(settings.tap_allow),
                                            max_connections=4 * settings.max_calls))
        await taps.start()
        app[TAPS]["line"] = taps
    app[LINES_OPEN].set()
    log.info("lines open (%s)", stack.factory.mode)


def _worker_url(settings: Settings) -> str:
    """Where consoles reach this worker's calls (HOTLINE_WORKER_URL, else its own address)."""
    if settings.worker_url:
        return settings.worker_url
    host = socket.gethostname() if settings.host in ("0.0.0.0", "::", "") else settings.host
    log.warning("HOTLINE_WORKER_URL is not set: agents on other workers reach this one's "
                "calls only if their consoles can open http://%s:%d (docs/many-workers.md)",
                host, settings.port)
    return f"http://{host}:{settings.port}"


async def _join(cluster: Cluster, service: CallService) -> None:
    """Join the cluster, trying again while the database is away (the models are loaded by
    now: a short outage must not leave the worker starting for ever)."""
    for attempt in itertools.count(1):
        try:
            await cluster.start(service)
            return
        except Exception as exc:
            log.error("cannot join the cluster (attempt %d): %s", attempt, exc)
            await asyncio.sleep(min(30.0, 2.0 * attempt))


async def open_phone_line(service: CallService, settings: Settings,
                          agent_named: Callable[[str], Agent | None]) -> PhoneLine:
    listen = _host_port(settings.sip_listen)
    assert listen is not None
    line = PhoneLine(service, PhoneLineSettings(
        host=listen[0], port=listen[1], allow=tuple(settings.sip_allow),
        rtp_ports=settings.rtp_port_range, advertise=settings.sip_advertise,
        busy=settings.sip_busy, calls_per_minute_per_source=settings.sip_calls_per_minute,
        transfer_to=settings.sip_transfer_to, registrar=_host_port(settings.sip_registrar),
        user=settings.sip_user, password=settings.sip_password.get_secret_value() or None,
        siprec_allow=tuple(settings.siprec_allow), agent_named=agent_named))
    await line.start()
    return line


def _host_port(value: str | None) -> tuple[str, int] | None:
    if not value:
        return None
    host, _, port = value.rpartition(":")
    return host.strip("[]"), int(port)


CallHandler = Callable[[web.Request, CallService], Awaitable[web.StreamResponse]]


def _with_service(handler: CallHandler, status: int, error: str) -> Handler:
    """A call route; before the lines open there is no service: ``status`` and ``error``."""
    async def route(request: web.Request) -> web.StreamResponse:
        service = request.app[CALLS].get("service")
        if service is None:
            return web.json_response({"error": error}, status=status)
        if "call_id" in request.match_info and \
                request.match_info["call_id"] not in service.calls:
            moved = request.app[DESK].elsewhere(request)  # another worker holds it
            if moved is not None:
                return moved
        return await handler(request, service)
    return route


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


async def agent_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "agent.html")


# /healthz asks an LLM server (HOTLINE_LLM_URL) again when its last word is older than this.
LLM_RECHECK_S = 10.0


async def healthz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    runtime.refresh_soon(LLM_RECHECK_S)  # an LLM server is asked again, never waited for
    healthy, body = runtime.health()
    # Models load first, then the fixed prompts are synthesised: only then are calls taken;
    # a service shutting down (draining) finishes its live calls and takes no new ones.
    service = request.app[CALLS].get("service")
    draining = service is not None and service.draining
    body["lines_open"] = request.app[LINES_OPEN].is_set() and not draining
    body["draining"] = draining
    body["worker"] = request.app[WORKER_ID]
    return web.json_response(body, status=200 if healthy else 503)


async def metrics(request: web.Request) -> web.Response:
    figures = request.app[METRICS]
    request.app[RUNTIME].refresh_soon(LLM_RECHECK_S)  # (scrapes keep the LLM server's state fresh)
    figures.scrape(request.app[RUNTIME], request.app[CALLS].get("service"))
    body = generate_latest(figures.registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


STOP_S = 5.0  # from the signal (or the end of draining) to the process gone


def serve(settings: Settings) -> None:
    """Run the service until SIGINT or SIGTERM; the process then exits with status 0.

    SIGINT stops at once: live calls are ended (their records saved). SIGTERM first drains:
    no new calls, and live calls may finish for up to ``drain_s``; a second signal cuts that
    short. Either way the process is gone within ``STOP_S`` of the stop, even while a model
    is still loading in a worker thread (those threads cannot be interrupted, so the process
    leaves without waiting for them).
    """
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    code = loop.run_until_complete(_serve(settings))
    logging.shutdown()
    os._exit(code)


async def _serve(settings: Settings) -> int:
    app = create_app(settings)
    runner = web.AppRunner(app, access_log=None, handle_signals=False,
                           shutdown_timeout=1.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.host, settings.port).start()
    except OSError:
        await runner.cleanup()
        raise
    log.info("Hotline 1999 on http://%s:%d/", settings.host, settings.port)
    loop = asyncio.get_running_loop()
    signals: asyncio.Queue[signal.Signals] = asyncio.Queue()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, signals.put_nowait, sig)
    first = await signals.get()
    service = app[CALLS].get("service")
    if first is signal.SIGTERM and service is not None and service.live:
        log.info("SIGTERM: taking no new calls; %d live call(s) may finish within %.0f s",
                 service.live, settings.drain_s)
        drain = asyncio.create_task(service.drain(settings.drain_s), name="drain")
        again = asyncio.create_task(signals.get(), name="second-signal")
        await asyncio.wait({drain, again}, return_when=asyncio.FIRST_COMPLETED)
        for task in (drain, again):
            task.cancel()
    log.info("stopping (%s)", first.name)
    try:  # ends the calls still live (records saved), then closes the connections
        await asyncio.wait_for(runner.cleanup(), STOP_S - 1.0)
    except TimeoutError:
        log.warning("stopping took too long; leaving anyway")
    return 0
