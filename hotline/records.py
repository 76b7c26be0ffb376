"""Call records: every call's transcript (both sides, timestamps), outcome, case and handler."""

from __future__ import annotations

import datetime as dt
import threading
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
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.dml import Update

from dialog.orm import Base
from dialog.transcript import TranscriptLine, lines_json, lines_of
from hotline.db import utc
from hotline.schema import ensure_current


class CallRow(Base):
    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    # empty while the call goes on: the record is kept as it happens, not only at the end,
    # so a worker that dies leaves what was said
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(32))
    case_number: Mapped[str | None] = mapped_column(String(20))
    emergency: Mapped[str | None] = mapped_column(String(8))
    handoff_reason: Mapped[str | None] = mapped_column(String(32))
    handled_by: Mapped[str] = mapped_column(String(64), default="bot")
    transcript: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # the knowledge entries whose suggested replies the agent used (clicked or copied), for
    # the city's evaluation of the assist
    suggestions_used: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    # the worker that holds (held) the call: another closes its calls if it dies
    worker_id: Mapped[str | None] = mapped_column(String(32), index=True)


@dataclass(frozen=True)
class CallRecord:
    call_id: str
    started_at: dt.datetime
    ended_at: dt.datetime | None  # None: the call goes on
    outcome: str
    case_number: str | None
    emergency: str | None
    handoff_reason: str | None
    handled_by: str
    transcript: list[TranscriptLine]
    suggestions_used: list[str] = field(default_factory=list)


class CallRecords:
    def __init__(self, engine: Engine, worker_id: str | None = None) -> None:
        self.engine = engine
        self.worker_id = worker_id
        ensure_current(engine)
        # a call's progress and its final record come from different threads: one at a time,
        # so neither inserts the row twice nor a late progress undoes the end
        self._writing = threading.Lock()

    def save(self, record: CallRecord) -> None:
        """The call's record as it ended (over what was kept while it went on)."""
        self._write(record, final=True)

    def progress(self, record: CallRecord) -> None:
        """What the live call holds so far (``ended_at`` None); never after its end."""
        self._write(record, final=False)

    def _write(self, record: CallRecord, final: bool) -> None:
        values = {**record.__dict__, "transcript": lines_json(record.transcript),
                  "worker_id": self.worker_id}
        with self._writing, Session(self.engine) as session:
            row = session.scalar(select(CallRow).where(CallRow.call_id == record.call_id))
            if row is None:
                session.add(CallRow(**values))
            elif final or row.ended_at is None:
                for key, value in values.items():
                    setattr(row, key, value)
            session.commit()

    def close_unfinished(self) -> int:
        """Records of this process's worker left going on by a crash (this worker alone keeps
        them: one machine, or its own name): ended at their last line. Returns how many."""
        closed = 0
        with Session(self.engine) as session:
            rows = session.scalars(select(CallRow).where(
                CallRow.ended_at.is_(None), CallRow.worker_id.is_(None) if
                self.worker_id is None else CallRow.worker_id == self.worker_id))
            for row in rows:
                last = max((float(line.get("t", 0.0)) for line in row.transcript or []),
                           default=0.0)
                row.ended_at = utc(row.started_at) + dt.timedelta(seconds=last)
                closed += 1
            session.commit()
        return closed

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
        says only that the bot handed it over). Calls still going on are not counted."""
        outcome = case((and_(CallRow.handled_by != "bot", CallRow.case_number.is_not(None)),
                        "filed_by_agent"), else_=CallRow.outcome)
        since = since.astimezone(dt.UTC)  # SQLite compares times as text, without zones
        with Session(self.engine) as session:
            rows = session.execute(select(outcome, func.count()).where(
                CallRow.started_at >= since, CallRow.ended_at.is_not(None)).group_by(outcome))
            return {str(code): int(n) for code, n in rows}

    def purge(self, older_than_days: int, now: dt.datetime | None = None) -> int:
        """Delete calls that started more than ``older_than_days`` ago; returns how many."""
        cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=older_than_days)
        with Session(self.engine) as session:
            result = session.execute(delete(CallRow).where(CallRow.started_at < cutoff))
            session.commit()
            return int(getattr(result, "rowcount", 0) or 0)


def _record(row: CallRow) -> CallRecord:
    return CallRecord(row.call_id, utc(row.started_at),
                      None if row.ended_at is None else utc(row.ended_at), row.outcome,
                      row.case_number,
                      row.emergency, row.handoff_reason, row.handled_by,
                      lines_of(row.transcript), list(row.suggestions_used or []))


def close_lost(worker_id: str, at: dt.datetime) -> Update:
    """The statement that ends the calls still going on of the worker ``worker_id``, which
    died, at ``at`` (its last sign of life), with what was kept of them so far; run it in the
    transaction that takes the worker out, so both happen or neither."""
    return update(CallRow).where(
        CallRow.worker_id == worker_id, CallRow.ended_at.is_(None)).values(ended_at=at)
