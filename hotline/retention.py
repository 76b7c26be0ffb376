"""The retention period: call records, recordings and what callers said in cases go after
``HOTLINE_RETENTION_DAYS``; ``hotline calls purge`` runs it, and ``hotline serve`` once a day."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from aiohttp import web

from dialog.cases import CaseStore
from hotline.audio_recorder import purge_recordings
from hotline.config import Settings
from hotline.db import checkpoint, make_engine
from hotline.records import CallRecords

log = logging.getLogger(__name__)

DAY_S = 24 * 3600.0


@dataclass(frozen=True)
class Purged:
    calls: int
    cases: int
    recordings: int

    def __str__(self) -> str:
        return (f"removed {self.calls} call record(s) and {self.recordings} recording file(s), "
                f"and the caller's words and number from {self.cases} case(s)")


def purge(settings: Settings, days: int | None = None, now: dt.datetime | None = None) -> Purged:
    """Apply the retention period (``days``, else the setting) to everything kept."""
    days = days or settings.retention_days
    now = now or dt.datetime.now(dt.UTC)
    engine = make_engine(settings.db_url)
    try:
        calls = CallRecords(engine).purge(days, now)
        cases = CaseStore(engine).redact_older_than(days, now)
        checkpoint(engine)
    finally:
        engine.dispose()
    files = purge_recordings(settings.recordings_dir, days, now.timestamp())
    return Purged(calls, cases, files)


def daily_purge(
    settings: Settings, every_s: float = DAY_S,
) -> Callable[[web.Application], AsyncIterator[None]]:
    """An ``app.cleanup_ctx`` entry: purge at start-up and then every ``every_s`` seconds;
    stopped at once on shutdown (a purge under way finishes its transaction in its thread)."""
    async def run_daily() -> None:
        while True:
            try:
                result = await asyncio.to_thread(purge, settings)
            except Exception:  # the database may be busy or gone: try again next time
                log.exception("retention purge failed")
            else:
                log.info("retention purge (%d days): %s", settings.retention_days, result)
            await asyncio.sleep(every_s)

    async def context(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(run_daily(), name="retention-purge")
        yield
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    return context
