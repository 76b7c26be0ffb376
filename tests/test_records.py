"""Call records in the database, and the retention purge."""

from __future__ import annotations

import datetime as dt
import os
import time

from typer.testing import CliRunner

from dialog.cases import CaseDraft, CaseStore
from dialog.transcript import TranscriptLine
from hotline.cli import app
from hotline.config import Settings
from hotline.db import make_engine
from hotline.records import CallRecord, CallRecords


def record(call_id: str, days_ago: int) -> CallRecord:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
    return CallRecord(call_id, start, start + dt.timedelta(minutes=2), "case_filed",
                      "1999-20260101-0001", None, None, "bot",
                      [TranscriptLine("bot", "您好", 0.0),
                       TranscriptLine("caller", "路燈壞了", 3.2)])


def test_save_get_and_purge(db_url: str) -> None:
    records = CallRecords(make_engine(db_url))
    records.save(record("old", 400))
    records.save(record("new", 3))
    got = records.get("new")
    assert got is not None and got.transcript[1] == TranscriptLine("caller", "路燈壞了", 3.2)
    assert records.purge(365) == 1
    assert records.get("old") is None and records.get("new") is not None


def test_purge_command_uses_the_retention_setting(db_settings: Settings) -> None:
    settings = db_settings
    records = CallRecords(make_engine(settings.db_url))
    records.save(record("a", 500))
    records.save(record("b", 10))
    folder = settings.recordings_dir
    folder.mkdir(parents=True)
    for name, age_days in (("a-caller.wav", 500), ("b-caller.wav", 10)):
        (folder / name).write_bytes(b"RIFF")
        stamp = time.time() - age_days * 86400
        os.utime(folder / name, (stamp, stamp))
    cases = CaseStore(make_engine(settings.db_url))
    old_case = cases.file(CaseDraft("streetlight", "北屯區", "崇德路二段100號", "路燈不亮",
                                    {"phone": "0912345678"}),
                          now=dt.datetime.now(dt.UTC) - dt.timedelta(days=500))
    runner = CliRunner()
    result = runner.invoke(app, ["calls", "purge"])
    assert result.exit_code == 0
    assert ("removed 1 call record(s) and 1 recording file(s), and the caller's words and "
            "number from 1 case(s) older than 365 days") in result.output
    assert not (folder / "a-caller.wav").exists() and (folder / "b-caller.wav").exists()
    kept = cases.get(old_case.number)
    assert kept is not None and kept.details == {} and kept.address is None
    assert kept.category == "streetlight" and kept.district == "北屯區"
    result = runner.invoke(app, ["calls", "purge", "--older-than", "5"])
    assert "removed 1 call record(s) and 1 recording file(s), and the caller's words and " \
        "number from 0 case(s)" in result.output


def test_outcomes_since_a_taipei_midnight_count_calls_of_that_taipei_day(db_url: str) -> None:
    # 23:30 UTC is 07:30 the next morning in Taipei: the call belongs to that Taipei day.
    # (SQLite keeps times without their zone; a bound Taipei time was once compared as if
    # it were UTC, and from 16:00 to 24:00 UTC the supervisor saw no calls today.)
    records = CallRecords(make_engine(db_url))
    start = dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.UTC)
    records.save(CallRecord("late", start, start + dt.timedelta(minutes=2), "case_filed",
                            None, None, None, "bot", []))
    earlier = dt.datetime(2026, 11, 29, 15, 30, tzinfo=dt.UTC)  # 23:30 the day before there
    records.save(CallRecord("early", earlier, earlier + dt.timedelta(minutes=2), "escalated",
                            None, None, None, "bot", []))
    taipei = dt.timezone(dt.timedelta(hours=8))
    midnight = dt.datetime(2026, 11, 30, tzinfo=taipei)
    assert records.outcomes_since(midnight) == {"case_filed": 1}
    assert records.outcomes_since(midnight - dt.timedelta(days=1)) == {
        "case_filed": 1, "escalated": 1}
