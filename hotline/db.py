"""The database connection: SQLite file by default, any SQLAlchemy URL by configuration."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for an SQLite file its folder is created first."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    # WAL lets the web server read while a call writes; foreign keys are off by default.
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def check_writable(engine: Engine) -> None:
    """Raise if the database cannot be written (creates and drops a scratch table)."""
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS hotline_probe (id INTEGER)"))
        conn.execute(text("INSERT INTO hotline_probe (id) VALUES (1)"))
        conn.execute(text("DROP TABLE hotline_probe"))
