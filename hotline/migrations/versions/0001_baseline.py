"""The schema before migrations: cases, call records, accounts.

Databases made before Alembic (by the stores' own create_all) have these tables already, with
up to three older layouts fixed here as the stores once did at start: cases without a
category (call-back requests), call records without ``suggestions_used``, accounts without
``session_epoch``. Every row is kept.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    if "cases" in tables:
        _cases_without_category()
    else:
        _create_cases()
    if "calls" in tables:
        _add_column_if_missing("calls", sa.Column("suggestions_used", sa.JSON()))
    else:
        _create_calls()
    if "agents" in tables:
        _add_column_if_missing("agents", sa.Column(
            "session_epoch", sa.Integer(), nullable=False, server_default="0"))
    else:
        _create_agents()


def downgrade() -> None:
    for table in ("agents", "calls", "cases"):
        op.drop_table(table)


def _create_cases() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("category", sa.String(32)),
        sa.Column("department", sa.String(32)),
        sa.Column("district", sa.String(8)),
        sa.Column("address", sa.String(200)),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("call_id", sa.String(64)),
        sa.Column("created_by_bot", sa.Boolean(), nullable=False),
        sa.Column("review_status", sa.String(16), nullable=False),
    )
    op.create_index("ix_cases_number", "cases", ["number"], unique=True)
    op.create_index("ix_cases_category", "cases", ["category"])
    op.create_index("ix_cases_call_id", "cases", ["call_id"])


def _create_calls() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_id", sa.String(64), nullable=False),
        sa.Column("started_at", _WHEN, nullable=False),
        sa.Column("ended_at", _WHEN, nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("case_number", sa.String(20)),
        sa.Column("emergency", sa.String(8)),
        sa.Column("handoff_reason", sa.String(32)),
        sa.Column("handled_by", sa.String(64), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("suggestions_used", sa.JSON()),
    )
    op.create_index("ix_calls_call_id", "calls", ["call_id"], unique=True)
    op.create_index("ix_calls_started_at", "calls", ["started_at"])


def _create_agents() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    op.create_index("ix_agents_name", "agents", ["name"], unique=True)


def _cases_without_category() -> None:
    columns = {c["name"]: c for c in sa.inspect(op.get_bind()).get_columns("cases")}
    if columns["category"]["nullable"] and columns["department"]["nullable"]:
        return
    # on SQLite the batch copies the table (with its rows and indexes)
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("category", existing_type=sa.String(32), nullable=True)
        batch.alter_column("department", existing_type=sa.String(32), nullable=True)


def _add_column_if_missing(table: str, column: sa.Column[object]) -> None:
    if column.name not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}:
        op.add_column(table, column)
