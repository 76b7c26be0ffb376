"""The database's schema version: Alembic migrations in hotline/migrations, applied by
``hotline db upgrade``. The stores check it when they open the database, so a service on an
older schema refuses to start and says the command, instead of failing on a missing column
mid-call. A new empty SQLite file (the single-machine default) is created at once; a shared
server database is only ever changed by the command (many workers must not race to
migrate it)."""

from __future__ import annotations

import importlib
import threading
import weakref
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect

from dialog.orm import Base

UPGRADE_COMMAND = "hotline db upgrade"
_MIGRATIONS = Path(__file__).with_name("migrations")


class State(StrEnum):
    EMPTY = "empty"  # no tables at all
    UNVERSIONED = "unversioned"  # tables made before migrations existed
    BEHIND = "behind"
    CURRENT = "current"
    AHEAD = "ahead"  # upgraded by a newer version of the service


@dataclass(frozen=True)
class SchemaStatus:
    state: State
    revision: str | None
    head: str

    def __str__(self) -> str:
        if self.state is State.CURRENT:
            return f"schema {self.revision} (current)"
        if self.state is State.AHEAD:
            return (f"schema {self.revision} is newer than this version of the service "
                    f"knows ({self.head}): run the newer version")
        have = {State.EMPTY: "an empty database",
                State.UNVERSIONED: "tables from before schema migrations"}.get(
                    self.state, f"schema {self.revision}")
        return f"{have}; this version needs {self.head}: run `{UPGRADE_COMMAND}`"


class SchemaOutOfDate(RuntimeError):
    """The database is not at the schema this code needs; the message says what to do."""


def models_metadata() -> MetaData:
    """Every table the service's models declare (what the migrations must arrive at)."""
    # imported here: the stores' modules import this one
    for module in ("dialog.cases", "hotline.records", "hotline.desk.accounts",
                   "hotline.desk.auth", "hotline.cluster"):
        importlib.import_module(module)
    return Base.metadata


def head() -> str:
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def status(engine: Engine) -> SchemaStatus:
    with engine.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
        tables = set(inspect(conn).get_table_names())
    latest = head()
    if revision is None:
        state = State.UNVERSIONED if tables - {"alembic_version"} else State.EMPTY
    elif revision == latest:
        state = State.CURRENT
    elif revision in _known_revisions():
        state = State.BEHIND
    else:
        state = State.AHEAD
    return SchemaStatus(state, revision, latest)


def upgrade(engine: Engine) -> SchemaStatus:
    """Bring the database to the newest schema, keeping every row; returns the new status.
    Refuses a schema newer than this code."""
    before = status(engine)
    if before.state is State.AHEAD:
        raise SchemaOutOfDate(str(before))
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            # SQLite commits DDL as it goes: an upgrade cut short (Ctrl-C, a full disk) may
            # have left the copy of a table it was rebuilding; it is made again from scratch
            for name in inspect(conn).get_table_names():
                if name.startswith("_alembic_tmp_"):
                    conn.exec_driver_sql(f'DROP TABLE "{name}"')
        config = _config()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    _ready.discard(engine)
    return status(engine)


def ensure_current(engine: Engine) -> None:
    """Return when the schema is current (an empty SQLite file is created first); otherwise
    raise SchemaOutOfDate naming the command. Checked once per engine."""
    if engine in _ready:
        return
    with _lock:
        found = status(engine)
        if found.state is State.EMPTY and engine.dialect.name == "sqlite":
            found = upgrade(engine)
        if found.state is not State.CURRENT:
            raise SchemaOutOfDate(f"{_where(engine)}: {found}")
        _ready.add(engine)


def _where(engine: Engine) -> str:
    # never the password
    return engine.url.render_as_string(hide_password=True)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def _known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}


_lock = threading.Lock()
# engines already found current: stores made for the same engine skip the check
_ready: weakref.WeakSet[Engine] = weakref.WeakSet()
