"""The deployment files say only what the service understands: every HOTLINE_* setting they
give a worker is a real setting with a valid value, the schema is upgraded before workers
start, and the HTTP fronts' configurations pass HAProxy's own check. (The committed HAProxy
and Kamailio configurations also run for real in test_many_workers.py and
test_sip_front.py.)"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import ClientSession, web

from hotline.config import ENV_PREFIX, ConfigError, Settings, load_settings
from tests.sip_peers import free_port

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
SAMPLE = {"$(POD_NAME)": "hotline-worker-0", "$(POD_IP)": "10.1.2.3"}


def k8s_containers() -> list[dict[str, Any]]:
    found = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            spec = (doc or {}).get("spec", {})
            pod = spec.get("template", {}).get("spec", {})
            found += [c for c in pod.get("containers", []) if "hotline1999:" in c["image"]]
    return found


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def settings_from(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for var in list(os.environ):
        if var.startswith(ENV_PREFIX):
            monkeypatch.delenv(var)
    for name, value in env.items():
        for placeholder, sample in SAMPLE.items():
            value = value.replace(placeholder, sample)
        monkeypatch.setenv(name, value)
    try:
        return load_settings()
    except ConfigError as exc:
        raise AssertionError(f"{env}: {exc}") from exc


def test_every_worker_setting_in_kubernetes_is_real_and_valid(
        monkeypatch: pytest.MonkeyPatch) -> None:
    containers = k8s_containers()
    assert {c["name"] for c in containers} == {"worker", "upgrade", "llm"}
    for container in containers:
        env = {e["name"]: e.get("value", "postgresql://u:p@db:5432/hotline")
               for e in container.get("env", []) if e["name"].startswith(ENV_PREFIX)}
        settings = settings_from(env, monkeypatch)
        if container["name"] == "worker":
            assert settings.many_workers and settings.worker_id == "hotline-worker-0"
            assert settings.worker_url.endswith("/w/hotline-worker-0")
            # the measured sizing (docs/many-workers.md): at most 4 calls per 2 cores
            assert settings.max_calls <= 2 * int(container["resources"]["requests"]["cpu"])
    upgrade = next(c for c in containers if c["name"] == "upgrade")
    assert upgrade["command"] == ["hotline", "db", "upgrade"]


def test_every_setting_in_compose_is_real_and_the_schema_comes_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    services = compose()["services"]
    workers = [name for name, s in services.items() if s.get("image") == "hotline1999"
               and name != "migrate"]
    assert workers == ["worker-a", "worker-b"]
    for name in [*workers, "migrate"]:
        env = {k: str(v).replace("${POSTGRES_PASSWORD:?set it in deploy/.env}", "pw")
               for k, v in services[name]["environment"].items()}
        settings = settings_from(env, monkeypatch)
        if name != "migrate":
            assert settings.many_workers and settings.worker_url.endswith(f"/w/{name[-1]}")
            assert services[name]["depends_on"]["migrate"]["condition"] == \
                "service_completed_successfully"
    assert services["migrate"]["command"] == ["hotline", "db", "upgrade"]
    front = services["front"]["environment"]
    assert front["HOTLINE_WORKER_A"].startswith("worker-a:")  # the /w/a route reaches worker-a


@pytest.mark.parametrize("cfg", ["haproxy/haproxy.cfg", "k8s/haproxy.cfg"])
def test_the_http_fronts_configurations_pass_haproxys_check(cfg: str) -> None:
    env = {**os.environ, "HOTLINE_FRONT_BIND": "127.0.0.1:8080",
           "HOTLINE_WORKER_A": "127.0.0.1:8001", "HOTLINE_WORKER_B": "127.0.0.1:8002"}
    done = subprocess.run(["haproxy", "-c", "-f", str(DEPLOY / cfg)], env=env,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr


class Backend:
    """A stand-in worker for the front: /healthz with lines_open, and which worker it is."""

    def __init__(self, name: str, lines_open: bool) -> None:
        self.name, self.lines_open = name, lines_open
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        async def any_path(request: web.Request) -> web.Response:
            return web.json_response({"lines_open": self.lines_open, "worker": self.name,
                                      "path": request.path})

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", any_path)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


async def test_the_front_keeps_a_draining_workers_calls_and_limits_logins() -> None:
    draining, serving = Backend("a", lines_open=False), Backend("b", lines_open=True)
    for backend in (draining, serving):
        await backend.start()
    port = free_port(socket.SOCK_STREAM)
    env = {**os.environ, "HOTLINE_FRONT_BIND": f"127.0.0.1:{port}",
           "HOTLINE_WORKER_A": f"127.0.0.1:{draining.port}",
           "HOTLINE_WORKER_B": f"127.0.0.1:{serving.port}"}
    front = await asyncio.create_subprocess_exec(
        "haproxy", "-db", "-f", str(DEPLOY / "haproxy" / "haproxy.cfg"), env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        async with ClientSession() as http:
            async def who(path: str, method: str = "GET") -> tuple[int, str]:
                async with http.request(method, base + path) as resp:
                    body = await resp.json() if resp.status == 200 else {}
                    return resp.status, body.get("worker", "")

            for _ in range(100):  # until the check has taken the draining worker out
                await asyncio.sleep(0.1)
                if {(await who("/healthz"))[1] for _ in range(4)} == {"b"}:
                    break
            assert {(await who("/healthz"))[1] for _ in range(6)} == {"b"}  # new: b only
            got = await who("/w/a/api/agent/calls/0123456789abcdef/end", "POST")
            assert got == (200, "a")  # the draining worker's own calls still reach it
            logins = [(await who("/w/b/api/agent/login", "POST"))[0] for _ in range(12)]
            assert logins[:10] == [200] * 10 and logins[10:] == [429, 429]
    finally:
        front.terminate()
        await front.wait()
        for backend in (draining, serving):
            assert backend.runner is not None
            await backend.runner.cleanup()
