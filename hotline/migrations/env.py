"""Alembic's entry point, driven from hotline/schema.py with an open connection (there is no
alembic.ini: the database URL is the service's own setting)."""

from __future__ import annotations

from alembic import context

from hotline.schema import models_metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=models_metadata(),
    # SQLite cannot alter a column: batch mode copies the table instead
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
