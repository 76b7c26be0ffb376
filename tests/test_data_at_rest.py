"""Callers' data on disk: private files, secure deletion, the daily purge, and a log
without what callers say."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from aiohttp import web
from sqlalchemy import text
from typer.testing import CliRunner

from dialog.knowledge import KnowledgeBase
from dialog.manager import DialogManager
from dialog.transcript import TranscriptLine
from hotline import retention
from hotline.audio_recorder import CallRecorder
from hotline.cli import app
from hotline.config import Settings, load_settings
from hotline.db import make_engine
from hotline.records import CallRecord, CallRecords
from tests.fakes import case_store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual 022, so that private modes come from the code, not from the test runner."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def old_call(call_id: str, days_ago: int, words: str = "路燈壞了") -> CallRecord:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
    return CallRecord(call_id, start, start + dt.timedelta(minutes=2), "case_filed", None,
                      None, None, "bot", [TranscriptLine("caller", words, 1.0)])


def test_sqlite_file_its_log_and_folder_are_private(tmp_path: Path, open_umask: None) -> None:
    db = tmp_path / "data" / "hotline.db"
    engine = make_engine(f"sqlite:///{db}")
    CallRecords(engine).save(old_call("c1", 1))
    with engine.connect() as conn:  # an open connection keeps the write-ahead log
        conn.execute(text("SELECT 1"))
        assert mode(db.parent) == 0o700
        assert mode(db) == 0o600
        assert mode(db.with_name("hotline.db-wal")) == 0o600
        assert mode(db.with_name("hotline.db-shm")) == 0o600
    engine.dispose()


def test_every_sqlite_connection_deletes_securely(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as a, engine.connect() as b:  # two pooled connections
        assert a.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        assert b.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    engine.dispose()


def test_purged_words_are_not_left_in_the_database_files(settings: Settings) -> None:
    secret = "SECRET-caller-words-" + "x" * 200
    engine = make_engine(settings.db_url)
    records = CallRecords(engine)
    records.save(old_call("gone", 400, secret))
    records.save(old_call("kept", 1))
    engine.dispose()
    result = retention.purge(settings)
    assert result.calls == 1
    db = Path(settings.db_url.removeprefix("sqlite:///"))
    for path in (db, db.with_name(db.name + "-wal")):
        if path.exists():
            assert secret.encode() not in path.read_bytes(), path


def test_recordings_are_private(tmp_path: Path, open_umask: None) -> None:
    folder = tmp_path / "recordings"
    recorder = CallRecorder(folder, "call1")
    recorder.caller(np.zeros(160, dtype=np.int16))
    recorder.close()
    assert mode(folder) == 0o700
    assert {p.name: mode(p) for p in folder.iterdir()} == {
        "call1-caller.wav": 0o600, "call1-line.wav": 0o600}


def test_data_commands_run_with_umask_077_and_restore_it(
    clean_env: Path, open_umask: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []

    def spy(settings: Settings, days: int | None = None) -> retention.Purged:
        current = os.umask(0)
        os.umask(current)
        seen.append(current)
        return retention.Purged(0, 0, 0)

    monkeypatch.setattr(retention, "purge", spy)
    result = CliRunner().invoke(app, ["calls", "purge"])
    assert result.exit_code == 0, result.output
    assert seen == [0o077]
    after = os.umask(0o022)
    assert after == 0o022  # the test process is left as it was


def test_model_commands_keep_the_umask_the_service_user_must_read_models(
    clean_env: Path, open_umask: None,
) -> None:
    result = CliRunner().invoke(app, ["models", "list"])
    assert result.exit_code == 0, result.output
    assert os.umask(0o022) == 0o022


# ---- the daily purge in `hotline serve` -----------------------------------------------------


async def test_serve_purges_at_start_and_then_every_period(settings: Settings) -> None:
    records = CallRecords(make_engine(settings.db_url))
    records.save(old_call("old1", 400))
    context = retention.daily_purge(settings, every_s=0.05)(web.Application())
    await context.__anext__()
    try:
        await _until(lambda: records.get("old1") is None)
        records.save(old_call("old2", 400))  # the next day's purge takes it too
        await _until(lambda: records.get("old2") is None)
    finally:
        started = time.monotonic()
        with pytest.raises(StopAsyncIteration):
            await context.__anext__()
        assert time.monotonic() - started < 0.5


async def test_shutdown_does_not_wait_for_a_purge_under_way(
    settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(settings: Settings) -> retention.Purged:
        entered.set()
        release.wait(10)
        return retention.Purged(0, 0, 0)

    monkeypatch.setattr(retention, "purge", slow)
    context = retention.daily_purge(settings)(web.Application())
    await context.__anext__()
    try:
        await _until(entered.is_set)
        started = time.monotonic()
        with pytest.raises(StopAsyncIteration):
            await context.__anext__()
        assert time.monotonic() - started < 0.5
    finally:
        release.set()


async def test_a_failing_purge_is_logged_and_tried_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    tries: list[int] = []

    def broken(settings: Settings) -> retention.Purged:
        tries.append(1)
        raise OSError("disk gone")

    monkeypatch.setattr(retention, "purge", broken)
    context = retention.daily_purge(settings, every_s=0.02)(web.Application())
    await context.__anext__()
    try:
        await _until(lambda: len(tries) >= 2)
    finally:
        with pytest.raises(StopAsyncIteration):
            await context.__anext__()
    assert "retention purge failed" in caplog.text


def test_the_service_purges_daily_unless_turned_off(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hotline.server import create_app

    monkeypatch.setenv("HOTLINE_LOAD_MODELS", "false")
    names = [getattr(c, "__qualname__", "") for c in create_app(load_settings()).cleanup_ctx]
    assert any("daily_purge" in n for n in names)
    monkeypatch.setenv("HOTLINE_PURGE_DAILY", "false")
    names = [getattr(c, "__qualname__", "") for c in create_app(load_settings()).cleanup_ctx]
    assert not any("daily_purge" in n for n in names)


async def _until(done: Callable[[], bool]) -> None:
    """Polls: the purge runs in a worker thread, which no asyncio event can follow."""
    for _ in range(500):
        if done():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


# ---- the log ------------------------------------------------------------------------------


def test_what_a_caller_says_is_not_logged_at_info(
    kb: KnowledgeBase, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    manager = DialogManager(kb, case_store(tmp_path), None)
    manager.start()
    words = "我家門口的路燈壞了"
    with caplog.at_level(logging.INFO):
        manager.handle(words)
        manager.handle("我的電話是0912345678")
    assert words not in caplog.text and "路燈" not in caplog.text
    assert "0912345678" not in caplog.text and "345678" not in caplog.text

    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="dialog.manager"):
        manager.handle("電話0912345678")
    assert "0912345678" not in caplog.text and "**" in caplog.text  # at DEBUG, masked


def test_malformed_llm_output_is_not_logged_at_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from dialog.nlu_llm import parse_reading

    with caplog.at_level(logging.INFO):
        assert parse_reading("住在台中市北屯區 電話0912345678") is None
        assert parse_reading('{"label": "路燈壞了"}') is None
    assert "LLM output is not JSON" in caplog.text
    assert "北屯" not in caplog.text and "0912345678" not in caplog.text
    assert "路燈" not in caplog.text
