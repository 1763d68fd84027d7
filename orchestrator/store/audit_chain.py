"""The audit chain: every audit entry carries its place in the chain (`seq`) and a MAC, under the site's key
(store/keys.py, purpose "audit-chain"), over its own fields and the MAC of the entry before it. Whoever holds the
database file but not the key cannot change, remove, add or reorder an entry without `govmig audit verify` naming
the first one that no longer fits.

Entries are chained in one place: a SQLAlchemy `before_flush` hook on every session, so each `s.add(Audit(...))`
in the store is chained without its caller knowing. Appending takes the chain's turn first (PostgreSQL: an
advisory lock held to the end of the transaction; SQLite: the database's write lock, taken by touching the head
row), so two writers (web replicas, workers, the CLI) never chain onto the same predecessor.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, event, insert, inspect, select, text
from sqlalchemy.orm import Session, UOWTransaction

from .keys import SiteKeys, Suite, site_keys
from .schema import Audit, AuditHead

PURPOSE = "audit-chain"
CHAIN_LOCK = 0x676F766D6961  # "govmia": the advisory lock whose holder appends to the chain (PostgreSQL)
HEAD = 1
TAGS: dict[Suite, str] = {"standard": "sha256", "sm": "sm3"}
"""A MAC names its suite (`sm3:…`, `sha256:…`), so a chain stays verifiable after the site changes its setting."""
SUITE_OF = {tag: suite for suite, tag in TAGS.items()}

_KEYS: weakref.WeakKeyDictionary[Engine, SiteKeys] = weakref.WeakKeyDictionary()


def attach_keys(engine: Engine, keys: SiteKeys) -> None:
    """The keys the chain of `engine`'s store is made and checked with (open_store attaches the site's)."""
    _KEYS[engine] = keys


def keys_for(engine: Engine) -> SiteKeys:
    """The keys attached to `engine`, or the site's keys for its URL (an engine not made by open_store)."""
    found = _KEYS.get(engine)
    if found is None:
        found = _KEYS[engine] = site_keys(engine.url.render_as_string(hide_password=False))
    return found


def utc(moment: datetime) -> datetime:
    """The instant in UTC (a naive time is the store's UTC): what the store keeps and the MAC covers."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def payload(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    result: str,
    detail: str | None,
    prev: str,
) -> bytes:
    """An entry's fields and its predecessor's MAC, serialized one way only: a JSON array in UTF-8 without
    spaces (orjson; the standard library only for text orjson refuses, a lone surrogate), the time in UTC to the
    microsecond."""
    fields = [seq, utc(at).isoformat(timespec="microseconds"), actor, action, target, result, detail, prev]
    try:
        return orjson.dumps(fields)
    except TypeError:
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def mac(keys: SiteKeys, data: bytes) -> str:
    """The MAC under the site's current suite, named by it."""
    return f"{TAGS[keys.suite]}:{keys.mac(PURPOSE, data)}"


class Checker:
    """Checks MACs under the suite each one names, with one set of keys per suite (a verify checks many)."""

    def __init__(self, keys: SiteKeys) -> None:
        self.keys = {tag: replace(keys, suite=suite) for tag, suite in SUITE_OF.items()}

    def matches(self, data: bytes, expected: str) -> bool:
        tag, _, digest = expected.partition(":")
        keys = self.keys.get(tag)
        return keys is not None and keys.mac_matches(PURPOSE, data, digest)


_LOCK = text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=CHAIN_LOCK)
_TOUCH = text("UPDATE audit_head SET seq = seq WHERE id = 1")
_HEAD = text("SELECT seq, mac FROM audit_head WHERE id = 1")
_MOVE = text("UPDATE audit_head SET seq = :seq, mac = :mac WHERE id = 1")
"""Written out once: every audited write runs them, and building them anew each time cost more than the SQL."""


def take_turn(conn: Connection) -> tuple[int, str]:
    """Waits for the chain (the lock is held to the end of this transaction) and returns its head: the newest
    entry's seq and MAC, (0, "") before the first."""
    # PostgreSQL: the advisory lock; SQLite: a write takes its one write lock (waiting the busy timeout)
    conn.execute(_LOCK if conn.dialect.name == "postgresql" else _TOUCH)
    head = conn.execute(_HEAD).first()
    if head is None:
        conn.execute(insert(AuditHead).values(id=HEAD, seq=0, mac=""))
        return 0, ""
    return int(head.seq), str(head.mac)


def move_head(conn: Connection, seq: int, last: str) -> None:
    conn.execute(_MOVE, {"seq": seq, "mac": last})


def _chain_new_entries(session: Session, _: UOWTransaction, __: Sequence[Any] | None) -> None:
    entries = [o for o in session.new if isinstance(o, Audit)]
    if not entries:
        return
    entries.sort(key=lambda o: inspect(o).insert_order or 0)  # the order they were added
    conn = session.connection()
    keys = keys_for(conn.engine)
    seq, prev = take_turn(conn)
    for entry in entries:
        seq += 1
        entry.at = utc(entry.at or datetime.now(UTC))
        entry.seq = seq
        entry.mac = prev = mac(
            keys,
            payload(seq, entry.at, entry.actor, entry.action, entry.target, entry.result, entry.detail, prev),
        )
    move_head(conn, seq, prev)


event.listen(Session, "before_flush", _chain_new_entries)


def append(
    conn: Connection,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    result: str,
    detail: str | None = None,
) -> None:
    """One entry written on a plain connection (the queue's and the leases' statements), chained as the session
    hook chains the others: every audit row the store writes goes through this or the hook, never around them."""
    keys = keys_for(conn.engine)
    seq, prev = take_turn(conn)
    at = utc(at)
    link = mac(keys, payload(seq + 1, at, actor, action, target, result, detail, prev))
    conn.execute(
        insert(Audit).values(
            at=at,
            actor=actor,
            action=action,
            target=target,
            result=result,
            detail=detail,
            seq=seq + 1,
            mac=link,
        )
    )
    move_head(conn, seq + 1, link)


# opening a store ----------------------------------------------------------------------------------------------
UPGRADE_COLUMNS = (("seq", "INTEGER"), ("mac", "VARCHAR(80)"))
UNGUARD = {
    "sqlite": ("DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"),
    "postgresql": ("DROP TRIGGER IF EXISTS audit_append_only ON audit",),
}
"""Lifting the append-only guards inside one transaction (the chain's first link, a prune): open_store puts them
back before that transaction ends, and a prune does so itself."""


def unguard(conn: Connection) -> None:
    for statement in UNGUARD.get(conn.dialect.name, ()):
        conn.execute(text(statement))


def prepare(conn: Connection, keys: SiteKeys) -> None:
    """Inside open_store's transaction, before the guards: the chain's columns on an audit table made by an
    older govmig, and, the first time a store is opened by a govmig that chains, the entries already there
    chained in the order they were written (they are vouched for from that moment: the README says so)."""
    present = {c["name"] for c in inspect(conn).get_columns("audit")}
    for name, kind in UPGRADE_COLUMNS:
        if name not in present:
            conn.execute(text(f"ALTER TABLE audit ADD COLUMN {name} {kind}"))
    conn.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS ux_audit_seq ON audit (seq)"))
    if conn.execute(select(AuditHead.id).where(AuditHead.id == HEAD)).first() is not None:
        return
    rows = conn.execute(
        select(Audit.id, Audit.at, Audit.actor, Audit.action, Audit.target, Audit.result, Audit.detail)
        .where(Audit.seq.is_(None))
        .order_by(Audit.id)
    ).all()
    seq, prev, links = 0, "", []
    for row in rows:
        seq += 1
        prev = mac(
            keys, payload(seq, row.at, row.actor, row.action, row.target, row.result, row.detail, prev)
        )
        links.append({"row": row.id, "seq": seq, "mac": prev})
    if links:
        unguard(conn)
        conn.execute(
            text("UPDATE audit SET seq = :seq, mac = :mac WHERE id = :row"),
            links,
        )
    conn.execute(insert(AuditHead).values(id=HEAD, seq=seq, mac=prev))
