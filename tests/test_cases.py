"""Cases in SQLite and PostgreSQL through SQLAlchemy: numbering, reading back, the CLI."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from dialog.cases import CaseDraft, CaseStore
from dialog.transcript import TranscriptLine
from hotline.cli import app
from hotline.config import Settings
from hotline.db import make_engine


def draft(**kw: object) -> CaseDraft:
    base: dict[str, object] = {"category": "streetlight", "district": "北屯區",
                               "address": "崇德路二段100號", "description": "路燈不亮"}
    base.update(kw)
    return CaseDraft(**base)  # type: ignore[arg-type]


def test_numbers_count_per_taipei_day(db_url: str) -> None:
    store = CaseStore(make_engine(db_url))
    day = dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC)  # 11:00 in Taipei
    a = store.file(draft(), now=day)
    b = store.file(draft(category="noise"), now=day + dt.timedelta(hours=1))
    late = store.file(draft(), now=dt.datetime(2026, 11, 27, 17, 0, tzinfo=dt.UTC))  # next day
    assert (a.number, b.number) == ("1999-20261127-0001", "1999-20261127-0002")
    assert late.number == "1999-20261128-0001"
    assert b.department == "environment"
    got = store.get(a.number)
    assert got is not None and got.address == "崇德路二段100號" and got.created_by_bot
    assert [c.number for c in store.list(category="noise")] == [b.number]
    assert store.get("1999-20000101-0001") is None


def test_cli_lists_and_shows(db_settings: Settings) -> None:
    store = CaseStore(make_engine(db_settings.db_url))
    case = store.file(draft(transcript=[TranscriptLine("caller", "路燈不亮", 1.0)]))
    runner = CliRunner()
    listing = runner.invoke(app, ["cases", "list"])
    assert listing.exit_code == 0 and case.number in listing.output
    shown = runner.invoke(app, ["cases", "show", case.number])
    assert shown.exit_code == 0 and "路燈不亮" in shown.output and "pending_review" in shown.output
    missing = runner.invoke(app, ["cases", "show", "1999-20000101-0009"])
    assert missing.exit_code == 1


def test_old_cases_lose_the_callers_words_and_number_but_keep_their_row(db_url: str) -> None:
    from dialog.cases import REDACTED

    store = CaseStore(make_engine(db_url))
    now = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    said = [TranscriptLine("caller", "我家門口路燈不亮 電話0912345678", 1.0)]
    details = {"phone": "0912345678", "lamp_number": "05A123", "landmark": "王小明家門口",
               "callback": True, "handoff_reason": "agent_unavailable"}
    old = store.file(draft(transcript=said, details=details), now=now - dt.timedelta(days=400))
    new = store.file(draft(transcript=said, details=details), now=now - dt.timedelta(days=10))

    assert store.redact_older_than(365, now=now) == 1
    gone = store.get(old.number)
    assert gone is not None
    assert gone.transcript == [] and gone.description == REDACTED and gone.address is None
    assert gone.details == {"lamp_number": "05A123", "callback": True,
                            "handoff_reason": "agent_unavailable"}
    # What the city counts stays.
    assert (gone.category, gone.department, gone.district, gone.created_at, gone.review_status) \
        == (old.category, old.department, old.district, old.created_at, old.review_status)
    assert store.get(new.number) == new
    assert store.redact_older_than(365, now=now) == 0  # each case once
    assert store.redact_older_than(5, now=now) == 1


def test_an_agents_correction_keeps_the_number_and_what_the_bot_gathered(
        db_url: str) -> None:
    store = CaseStore(make_engine(db_url))
    filed = store.file(CaseDraft("streetlight", "北區", "三民路三段50號", "路燈不亮",
                                 details={"lamp_number": "1234", "callback": True}))
    again = store.update(filed.number, CaseDraft(
        "streetlight", "西區", "三民路一段50號", "路燈不亮三天",
        details={"handled_by": "alice"}, created_by_bot=False))
    assert again.number == filed.number and again.created_at == filed.created_at
    assert again.district == "西區" and again.description == "路燈不亮三天"
    assert again.details == {"lamp_number": "1234", "callback": True, "handled_by": "alice"}
    assert again.created_by_bot is False and again.review_status == "filed_by_agent"
