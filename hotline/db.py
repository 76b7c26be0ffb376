"""The database connection: SQLite file by default, any SQLAlchemy URL by configuration."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from hotline.private_files import private_dir, private_file


def make_engine(url: str) -> Engine:
    """An engine for ``url``; an SQLite file is created first, private to this user (0600, in a
    0700 folder): it holds callers' words and numbers. SQLite gives its -wal and -shm files
    the database file's mode. A plain ``postgresql://`` URL uses the pinned driver."""
    parsed = make_url(driver_url(url))
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database).expanduser()
            private_dir(path.parent)
            private_file(path)
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # a database that does not answer must not hold a caller's turn for TCP's minutes
    connect = {"connect_timeout": 5} if parsed.get_backend_name() == "postgresql" else {}
    return create_engine(parsed, pool_pre_ping=True, connect_args=connect)


def driver_url(url: str) -> str:
    """``url`` with the pinned PostgreSQL driver (psycopg 3) where it names none, as
    operators write it (``postgresql://user@host:port/db``, or libpq's ``postgres://``)."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    # WAL lets the web server read while a call writes; foreign keys are off by default;
    # secure_delete overwrites deleted rows (purged transcripts) instead of leaving them in
    # free pages of the file.
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def check_writable(engine: Engine) -> None:
    """Raise if the database cannot be written (creates and drops a scratch table)."""
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS hotline_probe (id INTEGER)"))
        conn.execute(text("INSERT INTO hotline_probe (id) VALUES (1)"))
        conn.execute(text("DROP TABLE hotline_probe"))


def checkpoint(engine: Engine) -> None:
    """Fold SQLite's write-ahead log into the file and empty it, so that rows just deleted
    do not linger there; nothing to do for other databases."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def utc(when: dt.datetime) -> dt.datetime:
    """``when`` as read back: SQLite gives naive datetimes (stored as UTC)."""
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
