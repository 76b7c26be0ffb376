"""Many workers on one database: the workers' registry, the live calls every worker's console
shows, agent sessions any worker accepts, and call records kept while the call goes on
(``ended_at`` empty until it ends; ``worker_id`` says whose it is, so that the calls of a
worker that died can be closed by another).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.alter_column("ended_at", existing_type=_WHEN, nullable=True)
        batch.add_column(sa.Column("worker_id", sa.String(32)))
    op.create_index("ix_calls_worker_id", "calls", ["worker_id"])
    op.create_table(
        "workers",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("url", sa.String(200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("live_calls", sa.Integer(), nullable=False),
        sa.Column("started_at", _WHEN, nullable=False),
        sa.Column("heartbeat_at", _WHEN, nullable=False),
    )
    op.create_table(
        "live_calls",
        sa.Column("call_id", sa.String(64), primary_key=True),
        sa.Column("worker_id", sa.String(32), nullable=False),
        sa.Column("queued", sa.Boolean(), nullable=False),
        sa.Column("agent", sa.String(64)),
        sa.Column("view", sa.JSON(), nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
    )
    op.create_index("ix_live_calls_worker_id", "live_calls", ["worker_id"])
    op.create_table(
        "agent_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("agent", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("expires_at", _WHEN, nullable=False),
    )
    op.create_index("ix_agent_sessions_agent", "agent_sessions", ["agent"])


def downgrade() -> None:
    op.drop_table("agent_sessions")
    op.drop_table("live_calls")
    op.drop_table("workers")
    op.drop_index("ix_calls_worker_id", "calls")
    # calls still going on (or left so by a crash) get an end before it is required again
    op.execute("UPDATE calls SET ended_at = started_at WHERE ended_at IS NULL")
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("worker_id")
        batch.alter_column("ended_at", existing_type=_WHEN, nullable=False)
