"""Call records: every call's transcript (both sides, timestamps), outcome, case and handler."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    Integer,
    String,
    and_,
    case,
    delete,
    func,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from dialog.orm import Base
from dialog.transcript import TranscriptLine, lines_json, lines_of


class CallRow(Base):
    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    ended_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(32))
    case_number: Mapped[str | None] = mapped_column(String(20))
    emergency: Mapped[str | None] = mapped_column(String(8))
    handoff_reason: Mapped[str | None] = mapped_column(String(32))
    handled_by: Mapped[str] = mapped_column(String(64), default="bot")
    transcript: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # the knowledge entries whose suggested replies the agent used (clicked or copied), for
    # the city's evaluation of the assist
    suggestions_used: Mapped[list[str] | None] = mapped_column(JSON, default=list)


@dataclass(frozen=True)
class CallRecord:
    call_id: str
    started_at: dt.datetime
    ended_at: dt.datetime
    outcome: str
    case_number: str | None
    emergency: str | None
    handoff_reason: str | None
    handled_by: str
    transcript: list[TranscriptLine]
    suggestions_used: list[str] = field(default_factory=list)


class CallRecords:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        Base.metadata.create_all(engine)
        _add_suggestions_used(engine)

    def save(self, record: CallRecord) -> None:
        with Session(self.engine) as session:
            session.add(CallRow(**{**record.__dict__, "transcript": lines_json(record.transcript)}))
            session.commit()

    def set_case(self, call_id: str, number: str) -> None:
        """The call's case was filed (or its number changed) after the record was kept: an
        agent finishing the case after the caller hung up."""
        self._change(call_id, case_number=number)

    def set_suggestions_used(self, call_id: str, used: list[str]) -> None:
        """Suggestions the agent used after the record was kept (in wrap-up)."""
        self._change(call_id, suggestions_used=list(used))

    def _change(self, call_id: str, **values: Any) -> None:
        """Change a kept record (nothing when there is none yet)."""
        with Session(self.engine) as session:
            row = session.scalar(select(CallRow).where(CallRow.call_id == call_id))
            if row is not None and any(getattr(row, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                session.commit()

    def get(self, call_id: str) -> CallRecord | None:
        with Session(self.engine) as session:
            row = session.scalar(select(CallRow).where(CallRow.call_id == call_id))
            return None if row is None else _record(row)

    def outcomes_since(self, since: dt.datetime) -> dict[str, int]:
        """How many calls that started at or after ``since`` ended with each outcome; a call
        an agent took and filed a case for counts as ``filed_by_agent`` (its outcome code
        says only that the bot handed it over)."""
        outcome = case((and_(CallRow.handled_by != "bot", CallRow.case_number.is_not(None)),
                        "filed_by_agent"), else_=CallRow.outcome)
        with Session(self.engine) as session:
            rows = session.execute(select(outcome, func.count()).where(
                CallRow.started_at >= since).group_by(outcome))
            return {str(code): int(n) for code, n in rows}

    def purge(self, older_than_days: int, now: dt.datetime | None = None) -> int:
        """Delete calls that started more than ``older_than_days`` ago; returns how many."""
        cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=older_than_days)
        with Session(self.engine) as session:
            result = session.execute(delete(CallRow).where(CallRow.started_at < cutoff))
            session.commit()
            return int(getattr(result, "rowcount", 0) or 0)


def _record(row: CallRow) -> CallRecord:
    return CallRecord(row.call_id, row.started_at, row.ended_at, row.outcome, row.case_number,
                      row.emergency, row.handoff_reason, row.handled_by,
                      lines_of(row.transcript), list(row.suggestions_used or []))


def _add_suggestions_used(engine: Engine) -> None:
    """Databases made before the assist was evaluated have no ``suggestions_used``: add it
    (an empty list reads the same as none used)."""
    columns = {c["name"] for c in inspect(engine).get_columns("calls")}
    if "suggestions_used" not in columns:
        with engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE calls ADD COLUMN suggestions_used JSON")
