"""The service starts and loads its real models without any outbound connection.

A ``sitecustomize`` audit hook in the child process blocks and records every socket
connection and name lookup that is not for the loopback interface.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOTLINE = Path(sys.executable).parent / "hotline"

GUARD = '''
import ipaddress, os, socket, sys

_LOG = os.environ["NET_GUARD_LOG"]

def _local(host):
    if isinstance(host, bytes):
        host = host.decode()
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False

def _block(what):
    with open(_LOG, "a") as fh:
        fh.write(what + "\\n")
    raise PermissionError("outbound network blocked by the test guard: " + what)

def _hook(event, args):
    if event == "socket.connect":
        sock, address = args
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
            _block(f"connect {address!r}")
    elif event == "socket.getaddrinfo" and not _local(args[0]):
        _block(f"getaddrinfo {args[0]!r}")

sys.addaudithook(_hook)
'''


@pytest.fixture
def guarded_env(tmp_path: Path) -> dict[str, str]:
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env["PYTHONPATH"] = str(guard)
    env["NET_GUARD_LOG"] = str(tmp_path / "net.log")
    env["HOTLINE_DATA_DIR"] = str(tmp_path / "data")  # not the user's own database
    env.pop("HOTLINE_DATABASE_URL", None)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_guard_blocks_a_non_loopback_connect(guarded_env: dict[str, str]) -> None:
    # 0.0.0.0 is not loopback to the guard, yet harmless should the guard fail.
    code = "import socket; socket.socket().connect(('0.0.0.0', 9))"
    proc = subprocess.run([sys.executable, "-c", code], env=guarded_env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode != 0 and "blocked by the test guard" in proc.stderr
    assert "connect ('0.0.0.0', 9)" in Path(guarded_env["NET_GUARD_LOG"]).read_text()


@pytest.mark.models
def test_serve_starts_and_loads_models_offline(guarded_env: dict[str, str]) -> None:
    port = _free_port()
    env = {**guarded_env, "HOTLINE_PORT": str(port)}
    proc = subprocess.Popen([str(HOTLINE), "serve"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    body: dict[str, object] = {}
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = json.load(r)
                if body.get("status") == "ok":
                    break
            except OSError:
                pass
            time.sleep(0.25)
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=30)[0]
    assert body.get("status") == "ok", f"{body}\n{output}"
    models = body["models"]
    assert isinstance(models, dict)
    assert {m["state"] for m in models.values()} == {"loaded"}
    assert models["asr"]["model"] == "whisper-base"
    log = Path(guarded_env["NET_GUARD_LOG"])
    assert not log.exists(), f"outbound attempts: {log.read_text()}"
    assert proc.returncode == 0, output
