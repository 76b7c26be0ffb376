"""Cases in SQLite through SQLAlchemy: numbering, reading back, the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from dialog.cases import CaseDraft, CaseStore
from hotline.cli import app
from hotline.config import Settings
from hotline.db import make_engine


def draft(**kw: object) -> CaseDraft:
    base: dict[str, object] = {"category": "streetlight", "district": "北屯區",
                               "address": "崇德路二段100號", "description": "路燈不亮"}
    base.update(kw)
    return CaseDraft(**base)  # type: ignore[arg-type]


def test_numbers_count_per_taipei_day(tmp_path: Path) -> None:
    store = CaseStore(make_engine(f"sqlite:///{tmp_path / 'c.db'}"))
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


def test_cli_lists_and_shows(settings: Settings) -> None:
    store = CaseStore(make_engine(settings.db_url))
    case = store.file(draft(transcript=[{"who": "caller", "text": "路燈不亮", "t": 1.0}]))
    runner = CliRunner()
    listing = runner.invoke(app, ["cases", "list"])
    assert listing.exit_code == 0 and case.number in listing.output
    shown = runner.invoke(app, ["cases", "show", case.number])
    assert shown.exit_code == 0 and "路燈不亮" in shown.output and "pending_review" in shown.output
    missing = runner.invoke(app, ["cases", "show", "1999-20000101-0009"])
    assert missing.exit_code == 1
