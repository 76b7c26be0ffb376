"""``hotline serve`` as a real process for a test module: started with its own environment,
waited for until its lines open, stopped with SIGINT (killed if it hangs)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def health(base: str) -> Any:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
            return json.load(r)
    except urllib.error.HTTPError as exc:
        return json.load(exc)


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without HOTLINE_* settings (the model cache kept), plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("HOTLINE_") or k == "HOTLINE_MODELS_DIR"}
    return env | {"OMP_WAIT_POLICY": "PASSIVE"} | extra


@contextlib.contextmanager
def serving(env: dict[str, str], base: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``hotline serve`` with ``env`` (its address ``base``), once its lines are open."""
    with log.open("w") as out:
        proc = subprocess.Popen([str(BIN / "hotline"), "serve"], env=env, cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        state: Any = {}
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                state = health(base)
                if state.get("lines_open"):
                    break
            except OSError:
                pass
            time.sleep(0.25)
        assert state.get("lines_open"), f"{state}\n{log.read_text()[-3000:]}"
        yield proc
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
