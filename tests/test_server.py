"""/healthz and /metrics with fake engines: the states a load goes through."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from hotline.config import Settings
from hotline.runtime import Runtime, Slot
from hotline.server import create_app
from models.manifest import builtin_manifest
from models.store import ModelStore


class FakeEngine:
    def __init__(self, gate: threading.Event | None = None, fail: bool = False) -> None:
        self.gate = gate
        self.fail = fail
        self.loaded = False

    def load(self) -> None:
        if self.gate is not None:
            self.gate.wait(10)
        if self.fail:
            raise RuntimeError("bad weights")
        self.loaded = True


def runtime_with(tmp_path: Path, **engines: FakeEngine | None) -> Runtime:
    rt = Runtime(ModelStore(tmp_path, builtin_manifest()))
    for role, engine in engines.items():
        rt.slots[role] = Slot(role, f"{role}-model", engine)
    return rt


Client = TestClient[web.Request, web.Application]


async def wait_for(client: Client, status: str) -> dict[str, object]:
    for _ in range(200):
        resp = await client.get("/healthz")
        body: dict[str, object] = await resp.json()
        if body["status"] == status:
            return body
        await asyncio.sleep(0.02)
    raise AssertionError(f"never reached {status}: {body}")


async def test_healthz_starting_then_ok_and_metrics(settings: Settings, tmp_path: Path) -> None:
    gate = threading.Event()
    rt = runtime_with(tmp_path, asr=FakeEngine(gate), llm=FakeEngine())
    async with TestClient(TestServer(create_app(settings, rt))) as client:
        resp = await client.get("/healthz")
        assert resp.status == 200 and (await resp.json())["status"] == "starting"
        gate.set()
        body = await wait_for(client, "ok")
        assert body["models"]["asr"]["state"] == "loaded"  # type: ignore[index]
        assert body["lines_open"] is False  # (fake engines: no calls can be taken)
        # no Mandarin piper voice here: said plainly, not only as a model name
        assert any("robotic" in w and "piper" in w for w in body["warnings"])  # type: ignore[attr-defined]
        metrics = await (await client.get("/metrics")).text()
        assert 'hotline_model_loaded{model="asr-model",role="asr"} 1.0' in metrics


async def test_failed_load_is_503_degraded(settings: Settings, tmp_path: Path) -> None:
    rt = runtime_with(tmp_path, asr=FakeEngine(fail=True), llm=FakeEngine())
    async with TestClient(TestServer(create_app(settings, rt))) as client:
        body = await wait_for(client, "degraded")
        assert body["models"]["asr"]["error"] == "RuntimeError: bad weights"  # type: ignore[index]
        assert (await client.get("/healthz")).status == 503


def test_missing_models_are_reported_by_name(settings: Settings) -> None:
    rt = Runtime.from_settings(settings)  # empty cache
    healthy, body = rt.health()
    assert not healthy and body["status"] == "degraded"
    asr = body["models"]["asr"]  # type: ignore[index]
    assert asr["state"] == "missing" and "whisper-base" in asr["error"]
