"""One SQLAlchemy metadata for all the service keeps (cases, call records, accounts), so one
database holds them all and ``create_all`` makes every table."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
