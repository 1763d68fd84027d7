"""Opening the store: SQLite (WAL, foreign keys, a busy timeout) by default, PostgreSQL by URL.

The audit table is made append-only in the database itself (triggers), so no code path, not even a bug or an
operator with a SQL shell using the application's role, can rewrite history; and its entries are chained under
the site's key (store/audit_chain.py), so whoever drops the triggers and rewrites the file is found out by
`govmig audit verify`. The site's keys are loaded here and attached to the engine.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, make_url, text

from . import audit_chain, upgrades
from .keys import site_keys
from .schema import Base

DEFAULT_URL = "sqlite:///govmig.db"
SCHEMA_LOCK = 0x676F766D6967  # "govmig": the advisory lock that serializes creating the tables
IDLE_IN_TRANSACTION = 10.0
"""Seconds PostgreSQL lets a govmig session sit inside a transaction without sending anything before it ends the
session and rolls the transaction back (`idle_in_transaction_session_timeout`). Every transaction of the store is a
few statements with no waiting between them; a client that stops in the middle of one (a worker frozen by SIGSTOP,
a paused VM, a partition) would otherwise hold its row locks and the audit chain's lock for as long as it stays
frozen: every other worker would skip its job (SKIP LOCKED) and every audited change in the province would wait.
No longer than the window's takeover (`--window-stale-after`, 10 s by default), so a takeover is never held up by
the frozen holder's locks."""

SQLITE_GUARDS = (
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
)
POSTGRES_GUARDS = (
    "CREATE OR REPLACE FUNCTION govmig_audit_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS audit_append_only ON audit",
    "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
    "FOR EACH ROW EXECUTE FUNCTION govmig_audit_append_only()",
)


def _enter_wal(cursor: Any) -> None:
    """WAL mode is kept in the file, but switching a new file to it takes an exclusive lock and SQLite answers
    "database is locked" at once, without the busy handler, while another process opens the same new file:
    retry for up to ten seconds."""
    for _ in range(100):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.1)
    cursor.execute("PRAGMA journal_mode=WAL")  # the last try raises the real error


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    _enter_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _json(value: Any) -> str:
    """JSON columns as orjson writes them (a monitoring cycle serializes 10,000 rows' figures; the standard library
    took a fifth of the write), the standard library only for what orjson refuses (an integer past 64 bits, a lone
    surrogate in plan text). Both read back the same; orjson writes no spaces, NaN as null (the monitor keeps only
    finite figures), and dates and dataclasses that the standard library would refuse."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


def _owner_only(database: str | None) -> None:
    """A new SQLite store is created readable and writable by its owner alone (0600), whatever the umask: it
    holds the audit log, the accounts and every system's inventory. SQLite gives its -wal and -shm files the
    database file's own mode, so they are owner-only too. An existing file keeps the mode its site gave it."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        fd = os.open(database, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, 0o600)  # the umask could only have taken bits away; say it exactly all the same
    finally:
        os.close(fd)


def open_store(url: str | None = None, idle_in_transaction: float = IDLE_IN_TRANSACTION) -> Engine:
    """The engine for `url` (or $GOVMIG_DB, or ./govmig.db), with the tables and guards in place; on PostgreSQL
    every session is ended after `idle_in_transaction` seconds idle inside a transaction (IDLE_IN_TRANSACTION)."""
    url = url or os.environ.get("GOVMIG_DB") or DEFAULT_URL
    keys = site_keys(url)  # first: a missing or exposed key file stops here, before anything is written
    connect: dict[str, Any] = {}
    if make_url(url).get_backend_name() == "postgresql":
        bound = max(1, round(idle_in_transaction * 1000))
        connect["options"] = f"-c idle_in_transaction_session_timeout={bound}"
    engine = create_engine(url, future=True, pool_pre_ping=True, json_serializer=_json, connect_args=connect)
    audit_chain.attach_keys(engine, keys)
    if engine.dialect.name == "sqlite":
        _owner_only(engine.url.database)
        event.listen(engine, "connect", _sqlite_pragmas)
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        if postgres:
            # two processes opening a fresh database at once would race in CREATE TABLE (PostgreSQL's catalog
            # refuses the second): one takes this lock for the transaction, the other then finds the tables
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        else:
            # the same race in SQLite ("table wave_runs already exists"): take the write lock before looking,
            # so the second process waits (busy timeout) and then finds the first one's tables
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        Base.metadata.create_all(conn)
        audit_chain.prepare(conn, keys)
        upgrades.add_missing_columns(conn)
        for statement in POSTGRES_GUARDS if postgres else SQLITE_GUARDS:
            conn.execute(text(statement))
    return engine
