"""The LLM over HTTP (HOTLINE_LLM_URL), against a fake OpenAI-compatible server on 127.0.0.1.

Whatever the server does — refuse, stall past the timeout, answer 500, garbage, the wrong
shape, a label outside the schema, a body far too large — the dialog answers exactly as it
does with the rules alone, within the timeout, and logs nothing the caller said.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

import hotline.server
from dialog.knowledge import KnowledgeBase
from dialog.llm_server import MAX_BODY, ServerLLM
from dialog.manager import DialogManager
from dialog.nlu_llm import SCHEMA, SYSTEM_PROMPT, LLMUnderstanding
from hotline.config import Settings, load_settings
from hotline.doctor import Level, check_llm, check_models
from hotline.runtime import LoadState, Runtime, Slot
from hotline.server import create_app
from models.manifest import builtin_manifest
from models.store import ModelStore
from tests.fakes import case_store

pytestmark = pytest.mark.timeout(60)  # nothing here may hang

# Rules alone cannot tell what this is; the fake server labels it (as a real LLM would).
UNCLEAR = "公園裡那一排東西歪七扭八很久了"  # 公園: a hint the label settles
LABEL = "park_facility"
TIMEOUT_S = 0.5


@dataclass
class FakeOpenAI:
    """An OpenAI-compatible server in its own thread. ``mode`` says how chat completions are
    answered; it accepts only the ``response_format`` types in ``accepts`` (422 otherwise, as
    llama-cpp-python's server does for a type it does not know)."""

    mode: str = "ok"
    models_mode: str = "ok"
    accepts: tuple[str, ...] = ("json_object",)
    requests: list[tuple[str, dict[str, Any] | None, dict[str, str]]] = field(
        default_factory=list)
    port: int = 0

    async def models(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.path, None, dict(request.headers)))
        if self.models_mode == "500":
            return web.Response(status=500, text="model list broken")
        return web.json_response({"object": "list", "data": [
            {"id": "fake-qwen", "object": "model", "owned_by": "test"}]})

    async def chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append((request.path, body, dict(request.headers)))
        fmt = (body.get("response_format") or {}).get("type")
        if fmt is not None and fmt not in self.accepts:
            return web.json_response({"detail": "unknown response_format"}, status=422)
        mode = self.mode
        if mode == "500":
            return web.Response(status=500, text="Internal Server Error")
        if mode == "slow":
            await asyncio.sleep(5 * TIMEOUT_S)
        if mode == "garbage":
            return web.Response(text="<html>upstream error</html>{",
                                content_type="application/json")
        if mode == "shape":
            return web.json_response({"choices": [{"text": "park_facility"}]})
        if mode == "outside":  # valid HTTP and JSON, a label the schema does not allow
            return _completion('{"label": "hacked"}')
        if mode == "huge":
            return web.Response(body=b"[" + b"1," * (4 * MAX_BODY) + b"1]",
                                content_type="application/json")
        if mode == "huge_stream":  # no Content-Length: the size shows only while reading
            resp = web.StreamResponse(headers={"Content-Type": "application/json"})
            await resp.prepare(request)
            # (the client hangs up once it has read enough)
            with contextlib.suppress(ConnectionError, RuntimeError):
                await resp.write(b"[")
                for _ in range(400):
                    await resp.write(b"1," * 8192)
            return resp
        said = body["messages"][-1]["content"]
        label = LABEL if "歪七扭八" in said else "unclear"
        return _completion(json.dumps({"label": label}))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


def _completion(content: str) -> web.Response:
    return web.json_response({
        "id": "chatcmpl-1", "object": "chat.completion", "model": "fake-qwen",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": "stop"}]})


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    app = web.Application()
    app.router.add_get("/v1/models", server.models)
    app.router.add_post("/v1/chat/completions", server.chat)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, shutdown_timeout=0.1)

    async def start() -> None:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        server.port = runner.addresses[0][1]

    loop.run_until_complete(start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield server
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


@pytest.fixture
def client_of() -> Iterator[list[ServerLLM]]:
    """ServerLLMs made by a test, closed after it."""
    made: list[ServerLLM] = []
    yield made
    for llm in made:
        llm.close()


def server_llm(made: list[ServerLLM], url: str, **kw: Any) -> ServerLLM:
    llm = ServerLLM(url, timeout_s=kw.pop("timeout_s", TIMEOUT_S), **kw)
    made.append(llm)
    return llm


def refused_url() -> str:
    """A port on this machine where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def first_turn(kb: KnowledgeBase, tmp_path: Path, llm: ServerLLM | None,
               text: str) -> tuple[DialogManager, Any, float]:
    manager = DialogManager(kb, case_store(tmp_path),
                            LLMUnderstanding(llm) if llm is not None else None)
    manager.start()
    started = time.perf_counter()
    reply = manager.handle(text)
    return manager, reply, time.perf_counter() - started


def test_the_server_understands_with_the_local_paths_constraint(
        fake: FakeOpenAI, client_of: list[ServerLLM], kb: KnowledgeBase,
        tmp_path: Path) -> None:
    llm = server_llm(client_of, fake.url, api_key="s3cret-token-for-the-llm")
    llm.load()
    assert llm.state.answering and llm.state.model == "fake-qwen"
    manager, reply, _ = first_turn(kb, tmp_path, llm, UNCLEAR)
    assert reply.used_llm and manager.state.category == LABEL
    path, body, headers = fake.requests[-1]
    assert path == "/v1/chat/completions" and body is not None
    # the same prompt, greedy decoding and the schema that the in-process grammar enforces
    assert body["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert body["messages"][-1] == {"role": "user", "content": UNCLEAR}
    assert body["temperature"] == 0.0 and body["model"] == "fake-qwen"
    assert body["response_format"] == {"type": "json_object", "schema": SCHEMA}
    assert headers["Authorization"] == "Bearer s3cret-token-for-the-llm"


def test_vllm_gets_the_openai_json_schema_form(
        fake: FakeOpenAI, client_of: list[ServerLLM], kb: KnowledgeBase,
        tmp_path: Path) -> None:
    fake.accepts = ("json_schema",)
    llm = server_llm(client_of, fake.url, response_format="json_schema")
    manager, reply, _ = first_turn(kb, tmp_path, llm, UNCLEAR)
    assert reply.used_llm and manager.state.category == LABEL
    body = fake.requests[-1][1]
    assert body is not None and body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == SCHEMA
    assert "Authorization" not in fake.requests[-1][2]  # no key configured: none sent


# How each failure is named (in the log and /healthz); never with the caller's words.
WHY: dict[str, str | None] = {
    "refused": "cannot be reached", "500": "HTTP 500", "slow": f"no answer within {TIMEOUT_S}",
    "garbage": "not JSON", "shape": "wrong shape", "outside": None,
    "huge": f"larger than {MAX_BODY}", "huge_stream": f"larger than {MAX_BODY}",
    "wrong_format": "HTTP 422"}


@pytest.mark.parametrize("mode", list(WHY))
def test_a_failing_server_leaves_the_turn_to_the_rules(
        fake: FakeOpenAI, client_of: list[ServerLLM], kb: KnowledgeBase, tmp_path: Path,
        caplog: pytest.LogCaptureFixture, mode: str) -> None:
    caplog.set_level(logging.DEBUG)
    if mode == "wrong_format":  # a vLLM-style setting against llama.cpp's server
        llm = server_llm(client_of, fake.url, response_format="json_schema")
    else:
        fake.mode = mode
        llm = server_llm(client_of, refused_url() if mode == "refused" else fake.url)
    for text in (UNCLEAR, UNCLEAR + "，公園那邊"):  # nothing known / a weak rule hint
        rules, by_rules, _ = first_turn(kb, tmp_path / "rules", None, text)
        manager, reply, seconds = first_turn(kb, tmp_path / mode, llm, text)
        assert seconds < TIMEOUT_S + 1.0, f"the turn waited {seconds:.1f} s"
        assert not reply.used_llm
        assert reply.text == by_rules.text  # exactly what the rules alone say
        assert manager.state.category == rules.state.category
    assert mode == "refused" or any(p == "/v1/chat/completions" for p, _, _ in fake.requests)
    # (the dialog's own DEBUG line of the caller's words, masked, is not this path's doing)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "dialog.manager")
    if mode == "outside":  # the server works; its answer fails the understanding's check
        assert llm.state.answering and "LLM output outside the schema" in logged
    else:
        assert llm.state.answering is False and str(WHY[mode]) in (llm.state.error or "")
        assert f"LLM server {llm.host}" in logged  # said, with the server's address
    assert "歪七扭八" not in logged and "公園" not in logged  # never the caller's words


def test_after_a_timeout_the_server_is_left_alone_until_it_answers_again(
        fake: FakeOpenAI, client_of: list[ServerLLM]) -> None:
    fake.mode = "slow"
    llm = server_llm(client_of, fake.url)
    understanding = LLMUnderstanding(llm)
    assert understanding.read(UNCLEAR) is None  # timed out
    asked = len(fake.requests)
    started = time.perf_counter()
    assert understanding.read("另一句" + UNCLEAR) is None
    assert time.perf_counter() - started < 0.1  # the rules answer at once meanwhile
    assert len(fake.requests) == asked  # and the struggling server is not asked
    fake.mode = "ok"
    assert llm.probe().answering  # a probe sees it back (healthz asks now and then)
    reading = understanding.read("又一句" + UNCLEAR)
    assert reading is not None and reading.category == LABEL


def test_a_server_down_at_start_does_not_stop_the_service(
        client_of: list[ServerLLM], kb: KnowledgeBase, tmp_path: Path) -> None:
    llm = server_llm(client_of, refused_url())
    llm.load()  # no exception: the service starts, the rules understand meanwhile
    assert llm.loaded and llm.state.answering is False
    assert "ClientConnectorError" in (llm.state.error or "")
    llm.warm([{"role": "system", "content": SYSTEM_PROMPT}])  # (nothing raised either)
    _, reply, seconds = first_turn(kb, tmp_path, llm, UNCLEAR)
    assert not reply.used_llm and seconds < TIMEOUT_S + 1.0


def test_a_model_the_server_does_not_have_is_named(
        fake: FakeOpenAI, client_of: list[ServerLLM]) -> None:
    llm = server_llm(client_of, fake.url, model="qwen2.5-7b")
    state = llm.probe()
    assert state.answering is False
    assert "qwen2.5-7b" in (state.error or "") and "fake-qwen" in (state.error or "")


def test_settings_choose_the_server(clean_env: Path, fake: FakeOpenAI,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE_LLM_URL", f"http://127.0.0.1:{fake.port}")
    monkeypatch.setenv("HOTLINE_LLM_API_KEY", "s3cret-token-for-the-llm")
    settings = load_settings()
    assert settings.llm_url == f"http://127.0.0.1:{fake.port}/v1"  # the usual base path
    assert settings.shown("llm_api_key") == "********"
    rt = Runtime.from_settings(settings)  # empty model cache: no GGUF needed here
    slot = rt.slots["llm"]
    assert isinstance(rt.llm, ServerLLM) and slot.engine is rt.llm
    assert slot.state is LoadState.PENDING and slot.name == f"server 127.0.0.1:{fake.port}"
    names = {c.name for c in check_models(settings)}
    assert "model qwen2.5-coder-0.5b-instruct-q4km" not in names  # not wanted on a worker
    assert "model whisper-base" in names
    rt.llm.close()


def test_doctor_asks_the_server_for_a_label(clean_env: Path, fake: FakeOpenAI,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE_LLM_URL", fake.url)
    ok = check_llm(load_settings())
    assert ok.level is Level.OK, ok.detail
    assert f"127.0.0.1:{fake.port}" in ok.detail and "fake-qwen" in ok.detail
    assert fake.requests[-1][0] == "/v1/chat/completions"
    monkeypatch.setenv("HOTLINE_LLM_RESPONSE_FORMAT", "json_schema")  # llama.cpp refuses it
    wrong = check_llm(load_settings())
    assert wrong.level is Level.FAIL and "HTTP 422" in wrong.detail
    assert "HOTLINE_LLM_RESPONSE_FORMAT" in wrong.fix
    monkeypatch.setenv("HOTLINE_LLM_URL", refused_url())
    down = check_llm(load_settings())
    assert down.level is Level.FAIL and "does not answer" in down.detail
    assert "HOTLINE_LLM_URL" in down.fix


def test_doctor_names_the_local_model_when_no_server_is_set(settings: Settings) -> None:
    check = check_llm(settings)  # (empty cache here)
    assert check.level is Level.WARN and "rules-only" in check.detail
    assert "hotline models install" in check.fix


async def test_healthz_names_the_server_and_whether_it_answers(
        settings: Settings, fake: FakeOpenAI, client_of: list[ServerLLM], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    llm = server_llm(client_of, fake.url)
    rt = Runtime(ModelStore(tmp_path, builtin_manifest()), llm=llm)
    rt.slots["llm"] = Slot("llm", llm.name, llm)
    async with TestClient(TestServer(create_app(settings, rt))) as client:
        body = await _health_until(client, lambda b: b["status"] == "ok")
        llm_json = body["models"]["llm"]
        assert llm_json["server"] == f"127.0.0.1:{fake.port}"
        assert llm_json["model"] == "fake-qwen" and llm_json["answering"] is True
        assert not any("LLM server" in w for w in body["warnings"])
        metrics = await (await client.get("/metrics")).text()
        assert f'hotline_llm_server_up{{server="127.0.0.1:{fake.port}"}} 1.0' in metrics
        # The server stops answering: healthz asks it again (in the background) and says so,
        # still 200 — the rules carry the calls, so no worker is taken out for it.
        fake.models_mode = "500"
        monkeypatch.setattr(hotline.server, "LLM_RECHECK_S", 0.0)
        body = await _health_until(client, lambda b: b["models"]["llm"]["answering"] is False)
        assert body["status"] == "ok" and "HTTP 500" in body["models"]["llm"]["error"]
        assert any(f"LLM server 127.0.0.1:{fake.port} does not answer" in w
                   for w in body["warnings"])
        assert (await client.get("/healthz")).status == 200
        metrics = await (await client.get("/metrics")).text()
        assert f'hotline_llm_server_up{{server="127.0.0.1:{fake.port}"}} 0.0' in metrics


async def _health_until(client: TestClient[web.Request, web.Application],
                        want: Any) -> Any:
    body: Any = None
    for _ in range(300):
        body = await (await client.get("/healthz")).json()
        if want(body):
            return body
        await asyncio.sleep(0.02)
    raise AssertionError(f"healthz never got there: {body}")
