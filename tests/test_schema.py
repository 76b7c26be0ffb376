"""The schema is Alembic's (hotline/migrations): the migrations arrive exactly at the models,
a database from before migrations is upgraded by `hotline db upgrade` keeping every row, and
the service refuses to start on an older schema, saying the command. On SQLite and on a real
PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from argon2 import PasswordHasher
from typer.testing import CliRunner

from dialog.cases import CaseDraft, CaseStore
from hotline import schema
from hotline.cli import app
from hotline.db import make_engine
from hotline.desk.accounts import Accounts
from hotline.records import CallRecords
from tests.sip_peers import free_port

PASSWORD = "carol's long password"

# The three tables as the versions before migrations made them (create_all: an integer key
# that counts by itself, SERIAL on PostgreSQL; otherwise generic SQL for both servers)
BEFORE_MIGRATIONS = (
    "CREATE TABLE cases ({id} PRIMARY KEY, number VARCHAR(20) NOT NULL, "
    "created_at TIMESTAMP NOT NULL, category VARCHAR(32) NOT NULL, department "
    "VARCHAR(32) NOT NULL, district VARCHAR(8), address VARCHAR(200), details JSON "
    "NOT NULL, description TEXT NOT NULL, transcript JSON NOT NULL, language "
    "VARCHAR(8) NOT NULL, call_id VARCHAR(64), created_by_bot BOOLEAN NOT NULL, "
    "review_status VARCHAR(16) NOT NULL)",
    "CREATE UNIQUE INDEX ix_cases_number ON cases (number)",
    "CREATE TABLE calls ({id} PRIMARY KEY, call_id VARCHAR(64) NOT NULL, "
    "started_at TIMESTAMP NOT NULL, ended_at TIMESTAMP NOT NULL, outcome VARCHAR(32) NOT NULL, "
    "case_number VARCHAR(20), emergency VARCHAR(8), handoff_reason VARCHAR(32), "
    "handled_by VARCHAR(64) NOT NULL, transcript JSON NOT NULL)",
    "CREATE UNIQUE INDEX ix_calls_call_id ON calls (call_id)",
    "CREATE TABLE agents ({id} PRIMARY KEY, name VARCHAR(64) UNIQUE, "
    "role VARCHAR(16), password_hash VARCHAR(200), active BOOLEAN, created_at TIMESTAMP)",
    "INSERT INTO cases (number, created_at, category, department, district, address, "
    "details, description, transcript, language, call_id, created_by_bot, review_status) "
    "VALUES ('1999-20260101-0001', '2026-01-01 08:00:00', "
    "'streetlight', 'construction', '北屯區', '崇德路二段100號', '{}', '路燈不亮', "
    "'[]', 'zh', 'old-call', TRUE, 'pending_review')",
    "INSERT INTO calls (call_id, started_at, ended_at, outcome, case_number, emergency, "
    "handoff_reason, handled_by, transcript) VALUES ('old-call', '2026-01-01 08:00:00', "
    "'2026-01-01 08:02:00', "
    "'case_filed', '1999-20260101-0001', NULL, NULL, 'bot', "
    "'[{\"speaker\": \"caller\", \"text\": \"路燈不亮\", \"at\": 1.0}]')",
)


def make_old(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        counting = "SERIAL" if engine.dialect.name == "postgresql" else "INTEGER"
        for statement in BEFORE_MIGRATIONS:
            conn.exec_driver_sql(statement.replace("{id}", f"id {counting}"))
        conn.exec_driver_sql(
            "INSERT INTO agents (name, role, password_hash, active, created_at) VALUES "
            f"('carol', 'agent', '{PasswordHasher().hash(PASSWORD)}', TRUE, "
            "'2026-01-01 00:00:00')")
    engine.dispose()


def test_the_migrations_arrive_exactly_at_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, schema.models_metadata()) == []
    assert schema.status(engine).state is schema.State.CURRENT
    engine.dispose()


def test_a_database_from_before_migrations_is_upgraded_keeping_every_row(
        empty_db_url: str) -> None:
    make_old(empty_db_url)
    engine = make_engine(empty_db_url)
    with pytest.raises(schema.SchemaOutOfDate, match="hotline db upgrade"):
        CallRecords(engine)
    runner = CliRunner()
    status = runner.invoke(app, ["db", "status"])
    assert status.exit_code == 1 and "before schema migrations" in status.output
    assert "hotline db upgrade" in status.output
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"upgraded from unversioned to {schema.head()}" in upgraded.output

    engine = make_engine(empty_db_url)  # as a service started after the upgrade
    cases = CaseStore(engine)
    old = cases.get("1999-20260101-0001")
    assert old is not None and old.category == "streetlight" and old.address == "崇德路二段100號"
    callback = cases.file(CaseDraft(None, None, None, "請回電"))  # a category may be empty now
    assert callback.category is None and callback.department is None
    records = CallRecords(engine)
    record = records.get("old-call")
    assert record is not None and record.transcript[0].text == "路燈不亮"
    assert record.suggestions_used == []
    records.set_suggestions_used("old-call", ["kb-1"])
    assert (got := records.get("old-call")) is not None and got.suggestions_used == ["kb-1"]
    accounts = Accounts(engine)
    signed_in = accounts.sign_in("carol", PASSWORD)
    assert signed_in is not None and signed_in[1] == 0  # every old session is epoch 0
    accounts.set_password("carol", "carol's new password")
    assert accounts.session_epoch("carol") == 1
    again = runner.invoke(app, ["db", "upgrade"])
    assert again.exit_code == 0 and "already current" in again.output
    assert len(cases.list()) == 2
    engine.dispose()


def test_a_schema_newer_than_the_code_is_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00d'")
    found = schema.status(engine)
    assert found.state is schema.State.AHEAD and "newer version" in str(found)
    with pytest.raises(schema.SchemaOutOfDate):
        schema.upgrade(engine)
    engine.dispose()
    with pytest.raises(schema.SchemaOutOfDate, match="newer"):
        CallRecords(make_engine(db_url))


def test_an_empty_sqlite_file_is_made_at_once_but_a_server_database_waits_for_the_command(
        empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    if engine.dialect.name == "sqlite":  # the single-machine default just works
        CallRecords(engine).get("x")
        assert schema.status(engine).state is schema.State.CURRENT
    else:  # many workers must not race to create a shared database
        with pytest.raises(schema.SchemaOutOfDate, match="hotline db upgrade"):
            CallRecords(engine)
        assert schema.status(engine).state is schema.State.EMPTY
    engine.dispose()


def test_serve_refuses_an_older_schema_before_loading_anything(empty_db_url: str) -> None:
    make_old(empty_db_url)
    env = {**os.environ, "HOTLINE_HOST": "127.0.0.1",
           "HOTLINE_PORT": str(free_port(socket.SOCK_STREAM))}
    started = dt.datetime.now()
    done = subprocess.run([str(Path(sys.executable).with_name("hotline")), "serve"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "hotline db upgrade" in done.stderr and "before schema migrations" in done.stderr
    assert "password" not in done.stderr.lower()
    assert (dt.datetime.now() - started).total_seconds() < 30  # no model was loaded


def test_doctor_says_when_the_schema_needs_the_command(empty_db_url: str) -> None:
    from hotline.config import load_settings
    from hotline.doctor import Level, check_database

    settings = load_settings()
    found = check_database(settings)
    if make_engine(empty_db_url).dialect.name == "sqlite":
        assert found.level is Level.OK  # (made at start)
    else:
        assert found.level is Level.FAIL and found.fix == "hotline db upgrade"
        assert "password" not in found.detail
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    found = check_database(settings)
    assert found.level is Level.OK and schema.head() in found.detail
