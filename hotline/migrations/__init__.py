"""Alembic migrations of the service's one database (cases, call records, accounts, and the
shared state of many workers). Run by `hotline db upgrade`; see hotline/schema.py."""
