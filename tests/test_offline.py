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


STANDIN = ROOT / "tests" / "data" / "zh_voice_standin"  # see its make.py
HUB = "https://huggingface.co"
STANDIN_MANIFEST = f'''
[[model]]
name = "piper-zh-standin"
role = "tts"
languages = ["zh"]
format = "piper-onnx"
precision = "float32"
licence = "test data"
description = "a stand-in pinyin voice, with g2pW and the tokenizer as the real one's"
url = "{HUB}/rhasspy/piper-voices/resolve/{{revision}}/zh"
revision = "v0"

[[model.file]]
name = "zh_CN-standin-x_low.onnx"

[[model.file]]
name = "zh_CN-standin-x_low.onnx.json"

[[model.file]]
name = "g2pw.tar.gz"
unpack = "g2pW"
url = "{HUB}/datasets/x/resolve/main/g2pw.tar.gz"

[[model.file]]
name = "vocab.txt"
url = "{HUB}/google-bert/bert-base-chinese/resolve/main/vocab.txt"

[[model.file]]
name = "tokenizer_config.json"
url = "{HUB}/google-bert/bert-base-chinese/resolve/main/tokenizer_config.json"
'''
SPEAK_OURS = '''
import sys
from pathlib import Path
from voice.tts import PiperTTS
speech = PiperTTS(Path(sys.argv[1]), "zh").synthesize("請問是北屯區的哪一條路？銀行前面很長。")
print("seconds", speech.seconds)
'''
SPEAK_PIPERS_WAY = '''
import sys
from pathlib import Path
from piper import PiperVoice
voice = PiperVoice.load(sys.argv[1], download_dir=Path(sys.argv[1]).parent)
list(voice.synthesize("請問是哪一條路"))
'''


def test_a_pinyin_voice_pulled_into_the_cache_speaks_offline(
        guarded_env: dict[str, str], tmp_path: Path) -> None:
    """The voice's g2pW and tokenizer come with it into the cache, and are read from there:
    piper left to itself downloads g2pW at the first sentence (the guard sees it try)."""
    from models.manifest import Manifest
    from models.store import ModelStore, no_progress

    store = ModelStore(tmp_path / "cache", Manifest.from_toml(STANDIN_MANIFEST, "test"),
                       no_progress)
    store.pull("piper-zh-standin", str(STANDIN))
    onnx = store.cache_dir / "piper-zh-standin" / "zh_CN-standin-x_low.onnx"
    assert (onnx.parent / "g2pW" / "g2pw.onnx").is_file()
    log = Path(guarded_env["NET_GUARD_LOG"])
    env = {**guarded_env, "PYTHONPATH": f"{guarded_env['PYTHONPATH']}:{ROOT}"}

    ours = subprocess.run([sys.executable, "-c", SPEAK_OURS, str(onnx)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert ours.returncode == 0, ours.stderr
    assert float(ours.stdout.split()[-1]) > 0.1
    assert not log.exists(), f"outbound attempts: {log.read_text()}"

    # the same voice loaded as piper does it by itself, with g2pW's folder empty: a download
    (onnx.parent / "g2pW" / "g2pw.onnx").unlink()
    theirs = subprocess.run([sys.executable, "-c", SPEAK_PIPERS_WAY, str(onnx)], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            check=False)
    assert theirs.returncode != 0 and "huggingface.co" in log.read_text()


def test_g2pws_config_from_the_hub_is_read_as_data_never_run(tmp_path: Path) -> None:
    from voice.tts import _literal_config

    marker = tmp_path / "ran"
    config = tmp_path / "config.py"
    config.write_text(f"import pathlib\npathlib.Path({str(marker)!r}).write_text('x')\n"
                      "model_source = 'bert-base-chinese'\nbatch_size = 8\n"
                      "window_size = 16 * 2\n")
    values = _literal_config(config)
    assert not marker.exists()
    assert values["batch_size"] == 8 and values["model_source"] == "bert-base-chinese"
    assert values["window_size"] == 32  # an expression is not evaluated: the default
    assert values["use_char_phoneme"] is False


def test_a_pinyin_voice_missing_its_files_says_which_rather_than_downloading(
        tmp_path: Path) -> None:
    from voice.tts import PiperTTS, TTSError

    folder = tmp_path / "piper-zh-standin"
    folder.mkdir()
    for name in ("zh_CN-standin-x_low.onnx", "zh_CN-standin-x_low.onnx.json"):
        (folder / name).write_bytes((STANDIN / name).read_bytes())
    with pytest.raises(TTSError, match=r"g2pW/g2pw\.onnx.*vocab\.txt.*models pull"):
        PiperTTS(folder / "zh_CN-standin-x_low.onnx", "zh").load()
