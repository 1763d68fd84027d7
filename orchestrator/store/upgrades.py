"""A store made by an older govmig, brought up to this one's tables when it is opened: the store's tables are made
by `create_all`, which makes a missing table but never a missing column, so each column added to an existing table
since is added here (nullable, no default: rows written before it read as not having it), in SQLite and PostgreSQL
alike. The audit table's own columns are added by audit_chain.prepare."""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("approvals", "ticket", "VARCHAR(64)"),  # the change ticket of a decision (a cutover's go)
)
"""(table, column, its SQL type) added since the table was first made."""


def add_missing_columns(conn: Connection) -> None:
    """Inside open_store's transaction (PostgreSQL's schema lock, SQLite's write lock held): each added column a
    table lacks."""
    tables: dict[str, set[str]] = {}
    for table, column, kind in ADDED_COLUMNS:
        if table not in tables:
            tables[table] = {c["name"] for c in inspect(conn).get_columns(table)}
        if column not in tables[table]:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
            tables[table].add(column)
