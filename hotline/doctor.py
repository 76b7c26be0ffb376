"""``hotline doctor``: is this machine ready to run the hotline? Each problem comes with its fix."""

from __future__ import annotations

import errno
import importlib.util
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from dialog.llm import LLMUnavailable
from dialog.llm_server import ServerLLM
from dialog.nlu_llm import SCHEMA, SYSTEM_PROMPT, parse_reading
from hotline import schema
from hotline.config import Settings
from hotline.db import check_writable, make_engine
from hotline.desk.accounts import Accounts, Role
from hotline.dialogs import configured_llm
from hotline.private_files import too_open
from models.manifest import Role as ModelRole
from models.manifest import builtin_manifest
from models.store import FileState, ModelError, ModelStore


class Level(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Check:
    name: str
    level: Level
    detail: str
    fix: str = ""


def run_checks(settings: Settings, cpuinfo: Path = Path("/proc/cpuinfo")) -> list[Check]:
    return [
        *check_models(settings),
        *check_unverified_models(settings),
        check_llm(settings),
        check_python_packages(),
        check_espeak(),
        check_mandarin_voice(settings),
        check_chromium(),
        check_cpu(cpuinfo),
        check_port(settings.host, settings.port),
        check_database(settings),
        check_private_data(settings),
        check_agents(settings),
    ]


def check_models(settings: Settings) -> list[Check]:
    store = ModelStore(settings.models_dir, builtin_manifest())
    checks = []
    for entry in store.manifest.defaults():
        if entry.role is ModelRole.LLM and settings.llm_url:
            continue  # the LLM runs on a server (check_llm asks it), not here
        results = store.verify([entry.name])
        bad = [r for r in results if r.state not in (FileState.OK, FileState.UNCHECKED)]
        if not bad:
            checks.append(Check(f"model {entry.name}", Level.OK, f"{len(results)} files verified"))
            continue
        detail = ", ".join(f"{r.file} {r.state}" for r in bad)
        checks.append(Check(f"model {entry.name}", Level.FAIL, detail,
                            f"hotline models install {entry.name}"))
    return checks


def check_unverified_models(settings: Settings) -> list[Check]:
    """Pulled models whose hash was recorded on first pull and never confirmed."""
    store = ModelStore(settings.models_dir, builtin_manifest())
    checks = []
    for entry in store.manifest.models:
        if not store.is_installed(entry.name):
            continue
        files = store.unverified(entry.name)
        if files:
            checks.append(Check(
                f"model {entry.name}", Level.WARN,
                f"unverified: {', '.join(files)} (hash recorded on first pull, not confirmed)",
                f"compare `hotline models verify {entry.name}` with the publisher's hashes, "
                f"then `hotline models confirm {entry.name}`"))
    return checks


def check_llm(settings: Settings) -> Check:
    """Which LLM the dialog asks, and whether it answers: a server is asked to label one
    sentence, as a call would (which also shows that it accepts the JSON-schema form)."""
    try:
        name, llm = configured_llm(settings)
    except ModelError as exc:
        return Check("LLM", Level.WARN, f"none: rules-only understanding ({exc})",
                     "hotline models install qwen2.5-coder-0.5b-instruct-q4km")
    if not isinstance(llm, ServerLLM):
        return Check("LLM", Level.OK, f"{name}, in this process (llama.cpp)")
    fix = ("start the LLM server (docs/models-off-worker.md), check HOTLINE_LLM_URL, "
           "HOTLINE_LLM_API_KEY and HOTLINE_LLM_RESPONSE_FORMAT, or unset HOTLINE_LLM_URL to "
           "load the model in this process")
    try:
        state = llm.probe()
        if not state.answering:
            return Check("LLM", Level.FAIL, f"server {llm.host} does not answer: {state.error}",
                         fix)
        started = time.perf_counter()
        try:
            reading = parse_reading(llm.chat_json(
                [{"role": "system", "content": SYSTEM_PROMPT},
                 {"role": "user", "content": "路燈不亮"}], SCHEMA, max_tokens=16))
        except LLMUnavailable as exc:
            return Check("LLM", Level.FAIL, f"server {llm.host}, model {state.model}: {exc}",
                         fix)
        ms = (time.perf_counter() - started) * 1000
    finally:
        llm.close()
    if reading is None:
        return Check("LLM", Level.FAIL, f"server {llm.host}, model {state.model}: its answer "
                     "is outside the label schema (is the schema form right for this server?)",
                     fix)
    return Check("LLM", Level.OK, f"server {llm.host}, model {state.model}: answers "
                                  f"({ms:.0f} ms for one label)")


def check_python_packages() -> Check:
    needed = {"faster_whisper": "faster-whisper", "llama_cpp": "llama-cpp-python",
              "piper": "piper-tts", "webrtcvad": "webrtcvad-wheels", "aiortc": "aiortc"}
    missing = [pkg for mod, pkg in needed.items() if importlib.util.find_spec(mod) is None]
    if missing:
        return Check("python packages", Level.FAIL, "missing: " + ", ".join(missing),
                     "scripts/setup.sh run")
    return Check("python packages", Level.OK, ", ".join(needed.values()))


def check_espeak() -> Check:
    exe = shutil.which("espeak-ng")
    if exe is None:
        return Check("espeak-ng", Level.FAIL, "not installed (Mandarin speech fallback)",
                     "sudo apt-get install espeak-ng")
    out = subprocess.run([exe, "--voices=cmn"], capture_output=True, text=True, check=False)
    if "cmn-latn-pinyin" not in out.stdout:
        return Check("espeak-ng", Level.FAIL, "no cmn-latn-pinyin voice",
                     "sudo apt-get install --reinstall espeak-ng-data")
    return Check("espeak-ng", Level.OK, f"{exe}, voice cmn-latn-pinyin")


def check_chromium() -> Check:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        return Check("chromium", Level.WARN, "not installed (needed by the browser tests only)",
                     "sudo apt-get install chromium")
    return Check("chromium", Level.OK, exe)


def check_cpu(cpuinfo: Path) -> Check:
    try:
        text = cpuinfo.read_text()
    except OSError:
        return Check("cpu", Level.WARN, f"cannot read {cpuinfo}")
    flags: set[str] = set()
    for line in text.splitlines():
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            break
    wanted = ["avx", "avx2", "fma", "f16c"]
    missing = [f for f in wanted if f not in flags]
    if "avx2" in missing:
        return Check("cpu", Level.WARN, "no AVX2: ASR and the LLM will be several times slower",
                     "run on an x86-64 CPU with AVX2 (2015 or later)")
    if missing:
        return Check("cpu", Level.WARN, "missing " + ", ".join(missing))
    return Check("cpu", Level.OK, " ".join(wanted))


def check_port(host: str, port: int) -> Check:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return Check("port", Level.FAIL, f"{host}:{port} is in use",
                             "stop the other program, or set HOTLINE_PORT")
            return Check("port", Level.FAIL, f"cannot listen on {host}:{port}: {exc}",
                         "set HOTLINE_HOST to an address of this machine")
    return Check("port", Level.OK, f"{host}:{port} free")


def check_database(settings: Settings) -> Check:
    engine = None
    try:
        engine = make_engine(settings.db_url)
        check_writable(engine)
        found = schema.status(engine)
    except (SQLAlchemyError, OSError) as exc:
        reason = str(exc).splitlines()[0]
        return Check("database", Level.FAIL, f"not writable: {reason}",
                     "check HOTLINE_DATABASE_URL, or that HOTLINE_DATA_DIR is writable")
    finally:
        if engine is not None:
            engine.dispose()
    shown = settings.shown("database_url")
    if found.state is schema.State.CURRENT or (
            found.state is schema.State.EMPTY and engine.dialect.name == "sqlite"):
        return Check("database", Level.OK, f"{shown} writable, schema {found.head}")
    return Check("database", Level.FAIL, f"{shown}: {found}",
                 "" if found.state is schema.State.AHEAD else schema.UPGRADE_COMMAND)


def check_private_data(settings: Settings) -> Check:
    """Callers' words and numbers (database, recordings) must be readable by this user alone."""
    paths = [settings.data_dir, settings.recordings_dir]
    url = make_url(settings.db_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database).expanduser()
        paths += [db.parent, db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    if settings.recordings_dir.is_dir():
        paths += sorted(settings.recordings_dir.glob("*.wav"))
    found = too_open(list(dict.fromkeys(paths)))
    if found:
        shown = ", ".join(f"{o.path} ({o.mode:o})" for o in found[:4])
        more = f" and {len(found) - 4} more" if len(found) > 4 else ""
        fix = " && ".join(o.fix for o in found[:4])
        if len(found) > 4:
            fix += f" && chmod 600 {settings.recordings_dir}/*.wav"
        return Check("private data", Level.FAIL,
                     f"others on this machine can read callers' data: {shown}{more}", fix)
    return Check("private data", Level.OK,
                 f"{settings.data_dir} and the database are this user's alone (0700/0600)")


def check_mandarin_voice(settings: Settings) -> Check:
    """Which voice Mandarin callers hear: a piper voice, or espeak-ng's robotic fallback."""
    store = ModelStore(settings.models_dir, builtin_manifest())
    try:
        entry = store.best(ModelRole.TTS, "zh", settings.tts_voice_zh)
    except ModelError:
        return Check("Mandarin voice", Level.WARN,
                     "espeak-ng fallback: callers hear a robotic voice (no Mandarin piper "
                     "voice installed)", "hotline models pull piper-zh_CN-huayan-medium")
    return Check("Mandarin voice", Level.OK, entry.name)


def check_agents(settings: Settings) -> Check:
    """Escalated calls wait in vain without anyone to log in to /agent."""
    engine = make_engine(settings.db_url)
    try:
        accounts = Accounts(engine).list()
    except (SQLAlchemyError, OSError, schema.SchemaOutOfDate) as exc:
        return Check("agents", Level.WARN, f"cannot read the accounts: {exc}")
    finally:
        engine.dispose()
    active = [a for a, on in accounts if on]
    if not active:
        return Check("agents", Level.WARN, "no agent account: hand-offs reach nobody",
                     "hotline agents add NAME (and --role supervisor for a supervisor)")
    supervisors = sum(1 for a in active if a.role is Role.SUPERVISOR)
    return Check("agents", Level.OK, f"{len(active)} active, {supervisors} supervisor(s)")
