"""Cases in a real database (SQLAlchemy): SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Engine,
    Integer,
    String,
    Text,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from dialog.domain import CATEGORIES
from dialog.orm import Base
from dialog.transcript import TranscriptLine, lines_json, lines_of


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # Empty only for a call-back request taken before the matter was clear.
    category: Mapped[str | None] = mapped_column(String(32), index=True)
    department: Mapped[str | None] = mapped_column(String(32))
    district: Mapped[str | None] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    description: Mapped[str] = mapped_column(Text)
    transcript: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    call_id: Mapped[str | None] = mapped_column(String(64), index=True)
    created_by_bot: Mapped[bool] = mapped_column(Boolean, default=True)
    # Unchecked AI output is never the sole basis of an administrative act: bot cases wait
    # for a person to review them.
    review_status: Mapped[str] = mapped_column(String(16), default="pending_review")


@dataclass
class CaseDraft:
    category: str | None
    district: str | None
    address: str | None
    description: str
    details: dict[str, Any] = field(default_factory=dict)
    transcript: list[TranscriptLine] = field(default_factory=list)
    language: str = "zh"
    call_id: str | None = None
    created_by_bot: bool = True

    @property
    def department(self) -> str | None:
        return CATEGORIES[self.category].department if self.category else None

    @property
    def review_status(self) -> str:
        # A person filed it: no AI output to check.
        return "pending_review" if self.created_by_bot else "filed_by_agent"


@dataclass(frozen=True)
class Case:
    number: str
    created_at: dt.datetime
    category: str | None
    department: str | None
    district: str | None
    address: str | None
    details: dict[str, Any]
    description: str
    transcript: list[TranscriptLine]
    language: str
    call_id: str | None
    created_by_bot: bool
    review_status: str

    @classmethod
    def of(cls, row: CaseRow) -> Case:
        return cls(row.number, row.created_at, row.category, row.department, row.district,
                   row.address, dict(row.details or {}), row.description,
                   lines_of(row.transcript), row.language, row.call_id, row.created_by_bot,
                   row.review_status)


class CaseStore:
    """Files and reads cases. Numbers are ``1999-YYYYMMDD-NNNN``, counting per day."""

    def __init__(self, engine: Engine) -> None:
        # the schema is the service's to check (hotline/schema.py): this layer only uses it
        self.engine = engine

    def file(self, draft: CaseDraft, now: dt.datetime | None = None) -> Case:
        when = now or dt.datetime.now(dt.UTC)
        prefix = f"1999-{when.astimezone(_TAIPEI):%Y%m%d}-"
        for _ in range(20):  # another process may take the same number: try the next
            with Session(self.engine) as session:
                last = session.scalar(
                    select(func.max(CaseRow.number)).where(CaseRow.number.like(prefix + "%"))
                )
                seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
                row = CaseRow(
                    number=f"{prefix}{seq:04d}", created_at=when, category=draft.category,
                    department=draft.department, district=draft.district,
                    address=draft.address, details=draft.details,
                    description=draft.description, transcript=lines_json(draft.transcript),
                    language=draft.language, call_id=draft.call_id,
                    created_by_bot=draft.created_by_bot, review_status=draft.review_status,
                )
                session.add(row)
                try:
                    session.commit()
                except IntegrityError:
                    session.rollback()
                    continue
                return Case.of(row)
        raise RuntimeError("could not allocate a case number")

    def update(self, number: str, draft: CaseDraft) -> Case:
        """The case ``number`` as ``draft`` now says (an agent corrected it): same number and
        filing time. KeyError when there is no such case."""
        with Session(self.engine) as session:
            row = session.scalar(select(CaseRow).where(CaseRow.number == number))
            if row is None:
                raise KeyError(number)
            row.category, row.department = draft.category, draft.department
            row.district, row.address = draft.district, draft.address
            # what the bot gathered (lamp number, route, call-back) stays unless corrected
            row.details = {**(row.details or {}), **draft.details}
            row.description = draft.description
            row.transcript, row.language = lines_json(draft.transcript), draft.language
            row.created_by_bot = row.created_by_bot and draft.created_by_bot
            row.review_status = draft.review_status
            session.commit()
            return Case.of(row)

    def get(self, number: str) -> Case | None:
        with Session(self.engine) as session:
            row = session.scalar(select(CaseRow).where(CaseRow.number == number))
            return Case.of(row) if row else None

    def redact_older_than(self, days: int, now: dt.datetime | None = None) -> int:
        """Remove what callers said and who they are from cases filed more than ``days``
        ago: transcript, description, address, phone and other free text. The row, its
        number, category, department, district, dates and handling stay for the city's
        statistics. Returns how many cases were redacted (each only once)."""
        cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days)
        redacted = 0
        with Session(self.engine) as session:
            old = select(CaseRow.id, CaseRow.details).where(
                CaseRow.created_at < cutoff, CaseRow.description != REDACTED)
            for case_id, details in session.execute(old).all():
                kept = {k: v for k, v in (details or {}).items() if k in KEPT_DETAILS}
                session.execute(update(CaseRow).where(CaseRow.id == case_id).values(
                    transcript=[], description=REDACTED, address=None, details=kept))
                redacted += 1
            session.commit()
        return redacted

    def list(self, limit: int = 50, category: str | None = None) -> list[Case]:
        with Session(self.engine) as session:
            query = select(CaseRow).order_by(CaseRow.id.desc()).limit(limit)
            if category:
                query = query.where(CaseRow.category == category)
            return [Case.of(r) for r in session.scalars(query)]


# What a redacted case's description reads; also how a redacted case is recognised.
REDACTED = "(removed after the retention period)"
# Details that say nothing about the caller: kept when a case is redacted.
KEPT_DETAILS = frozenset({"callback", "handoff_reason", "lamp_number", "route"})

_TAIPEI = dt.timezone(dt.timedelta(hours=8), "Asia/Taipei")

