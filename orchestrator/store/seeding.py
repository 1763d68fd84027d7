"""Seeding the store once, whichever replica gets there first.

`govmig serve --plans …` on several replicas at once (one PostgreSQL behind them) would each look for a
department's versions, find none, and all insert version 1: one replica died on `ux_plan_versions`, or worse,
a second seed version was approved beside the first. Seeding runs under a PostgreSQL advisory lock (held by a
connection of its own for the whole seeding), so the second replica waits and then finds the first one's
versions; SQLite has one writer at a time and no replicas over the network, and a department created twice at
once is a no-op there (Accounts.add_department).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

from .engine import SCHEMA_LOCK

SEED_LOCK = SCHEMA_LOCK + 1


@contextmanager
def seeding(engine: Engine) -> Iterator[None]:
    """One seeder at a time across every process on this store (PostgreSQL); elsewhere, nothing to wait for."""
    if engine.dialect.name != "postgresql":
        yield
        return
    # a session's lock on a connection in autocommit: held while seeding goes on through other connections, and
    # outside any transaction, so the store's idle-in-transaction bound (engine.py) does not end it mid-seed
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SEED_LOCK})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SEED_LOCK})
