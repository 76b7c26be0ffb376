"""A real PostgreSQL server for the tests: Debian's binaries, a cluster made with initdb in a
temporary folder and started with pg_ctl (as the postgres user when the tests run as root:
PostgreSQL refuses to run as root), on 127.0.0.1 and a free port, shared by the session and
stopped at its end. Each test gets a database of its own.

``db_url`` runs a test on SQLite and on PostgreSQL, at the current schema."""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from hotline import schema
from hotline.config import Settings, load_settings
from hotline.db import make_engine
from tests.sip_peers import free_port

USER = "hotline_test"


def postgres_bin() -> Path:
    """The newest installed server's programs (scripts/setup.sh installs Debian's
    postgresql)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name))
    if not found:
        pytest.fail("PostgreSQL server not installed: run scripts/setup.sh test")
    return found[-1].parent


class PostgresServer:
    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.root = Path(tempfile.mkdtemp(prefix="hotline-pg-"))
        self.data = self.root / "data"
        self.port = free_port(socket.SOCK_STREAM)
        self._names = itertools.count(1)
        self._as: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        # trust on loopback only: a throwaway cluster; fsync off: nothing here must survive
        # a power cut, and the suite is faster
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", USER,
                  "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        options = (f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=200")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.root / "server.log"), "-w", "-t", "60", "-o", options, "start")

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast",
                      "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a new empty database."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        admin = create_engine(make_engine(self.url()).url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        return self.url(name)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, clean_env: Path,
                 monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty database on each supported server; also the service's setting
    (HOTLINE_DATABASE_URL), so the CLI in the test uses it."""
    if request.param == "sqlite":
        url = f"sqlite:///{clean_env / 'data' / 'hotline.db'}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    monkeypatch.setenv("HOTLINE_DATABASE_URL", url)
    return url


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """``empty_db_url`` at the current schema."""
    engine = make_engine(empty_db_url)
    schema.upgrade(engine)
    engine.dispose()
    return empty_db_url


@pytest.fixture
def db_settings(db_url: str) -> Settings:
    """The service's settings, with ``db_url`` as its database."""
    return load_settings()
