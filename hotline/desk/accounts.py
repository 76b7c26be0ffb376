"""Agent and supervisor accounts: names, roles and argon2 password hashes in the database."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, DateTime, Engine, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from dialog.orm import Base
from hotline.schema import ensure_current

_NAME = re.compile(r"^[A-Za-z0-9._-]{2,64}$")
MIN_PASSWORD = 10


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"


class AccountError(ValueError):
    """A name or password that cannot be used; the message says why."""


class AgentRow(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Raised by a password change or deactivation: sessions opened before it end (the
    # serving process sees it, though the change comes from another process: the CLI).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Agent:
    name: str
    role: Role


class Accounts:
    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None) -> None:
        self.engine = engine
        self.hasher = hasher or PasswordHasher()
        ensure_current(engine)
        # Checked against when the name is unknown, so a wrong name costs as long as a
        # wrong password (no account probing by timing).
        self._dummy = self.hasher.hash("not a password of anyone")

    def add(self, name: str, password: str, role: Role = Role.AGENT) -> Agent:
        if not _NAME.match(name):
            raise AccountError("a name is 2–64 letters, digits, '.', '_' or '-'")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
        with Session(self.engine) as session:
            if session.scalar(select(AgentRow).where(AgentRow.name == name)) is not None:
                raise AccountError(f"{name} already exists")
            session.add(AgentRow(name=name, role=role.value,
                                 password_hash=self.hasher.hash(password),
                                 created_at=dt.datetime.now(dt.UTC)))
            session.commit()
        return Agent(name, role)

    def set_password(self, name: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
        with Session(self.engine) as session:
            row = session.scalar(select(AgentRow).where(AgentRow.name == name))
            if row is None:
                raise AccountError(f"no account {name}")
            row.password_hash = self.hasher.hash(password)
            row.session_epoch += 1
            session.commit()

    def deactivate(self, name: str) -> None:
        with Session(self.engine) as session:
            row = session.scalar(select(AgentRow).where(AgentRow.name == name))
            if row is None:
                raise AccountError(f"no account {name}")
            row.active = False
            row.session_epoch += 1
            session.commit()

    def list(self) -> list[tuple[Agent, bool]]:
        with Session(self.engine) as session:
            rows = session.scalars(select(AgentRow).order_by(AgentRow.name))
            return [(Agent(r.name, Role(r.role)), r.active) for r in rows]

    def get(self, name: str) -> Agent | None:
        """The active account of that name, or None."""
        with Session(self.engine) as session:
            row = session.scalar(select(AgentRow).where(AgentRow.name == name))
            return Agent(row.name, Role(row.role)) if row is not None and row.active else None

    def verify(self, name: str, password: str) -> Agent | None:
        """The account, when the password is right and the account active; else None."""
        signed_in = self.sign_in(name, password)
        return signed_in[0] if signed_in else None

    def session_epoch(self, name: str) -> int | None:
        """The account's session epoch (sessions opened under another one are over), or
        None when the account is gone or inactive."""
        with Session(self.engine) as session:
            row = session.scalar(select(AgentRow).where(AgentRow.name == name))
            return row.session_epoch if row is not None and row.active else None

    def sign_in(self, name: str, password: str) -> tuple[Agent, int] | None:
        """``verify``, with the session epoch read in the same look-up (a password change
        just after it still ends the session opened with it)."""
        with Session(self.engine) as session:
            row = session.scalar(select(AgentRow).where(AgentRow.name == name))
            if row is None or not row.active:
                _check(self.hasher, self._dummy, password)
                return None
            if not _check(self.hasher, row.password_hash, password):
                return None
            if self.hasher.check_needs_rehash(row.password_hash):
                row.password_hash = self.hasher.hash(password)
                session.commit()
            return Agent(row.name, Role(row.role)), row.session_epoch


def _check(hasher: PasswordHasher, hashed: str, password: str) -> bool:
    try:
        return hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
