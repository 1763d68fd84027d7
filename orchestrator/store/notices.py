"""The notices owed: what the notifiers read from the audit chain and what they still have to send.

The audit chain is the one record of every change (a wave started, a step failed, an ask waiting for a second
person), gapless and ordered by `seq`; the notifiers read it past a cursor instead of every writer calling them, so
no run, page or command waits on a mail server, and nothing that happened is missed while no notifier runs. Reading
and owing are one transaction (the notices raised and the cursor moved together); a notice is unique per entry,
event and recipient, so two notifiers reading the same entries owe each notice once. Sending is claimed per notice
(compare and swap), retried with a growing pause, and given up after `MAX_ATTEMPTS`; a claim whose sender died is
taken again after `CLAIM_TIMEOUT` (a recipient may then get a notice twice: each carries its id for that).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from ..contracts import NoticeStatus
from . import audit_chain
from .clock import Clock, aware, utcnow
from .schema import Audit, Notice, NoticeCursor

CURSOR = "audit"
MAX_ATTEMPTS = 8
FIRST_PAUSE = timedelta(seconds=5)
LONGEST_PAUSE = timedelta(minutes=30)
CLAIM_TIMEOUT = timedelta(minutes=2)


@dataclass(frozen=True)
class ChainEntry:
    """An audit entry as the notifiers read it."""

    seq: int
    at: datetime
    actor: str
    action: str
    target: str
    result: str
    detail: str | None


@dataclass(frozen=True)
class Owed:
    """A notice to send: its id (the recipient's way to tell a repeat), to whom, and what."""

    id: int
    seq: int
    event: str
    recipient: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class NoticeRow:
    id: int
    seq: int
    event: str
    recipient: str
    status: str
    attempts: int
    due_at: datetime
    sent_at: datetime | None
    error: str | None
    payload: dict[str, Any] = field(default_factory=dict)
    """What the notice says (event, wave, system, zh, en, at), as owed."""

    @property
    def tried_at(self) -> datetime | None:
        """When its last try failed (its next was set a pause after it); None when it was never tried."""
        return self.due_at - pause_after(self.attempts) if self.attempts and self.sent_at is None else None

    def document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seq": self.seq,
            "event": self.event,
            "recipient": self.recipient,
            "status": self.status,
            "attempts": self.attempts,
            "due": self.due_at.isoformat(),
            NoticeStatus.sent: self.sent_at.isoformat() if self.sent_at else None,
            "error": self.error,
        }


def pause_after(attempts: int) -> timedelta:
    """The pause before the next try after `attempts` failed ones: doubling from FIRST_PAUSE, at most LONGEST."""
    pause: timedelta = FIRST_PAUSE * (2 ** max(attempts - 1, 0))
    return min(pause, LONGEST_PAUSE)


class Notices:
    max_attempts = MAX_ATTEMPTS
    """Tries before a notice is given up."""

    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine, self.clock = engine, clock
        self.session = sessionmaker(engine, expire_on_commit=False)

    # reading the chain ---------------------------------------------------------------------------------------
    def _cursor(self, s: Session) -> int:
        """The last entry read; on first use the chain's end: a site that turns notifications on is told what
        happens from then on, not its whole history."""
        row = s.get(NoticeCursor, CURSOR)
        if row is None:
            end = s.scalar(select(func.max(Audit.seq))) or 0
            s.execute(self._ignoring(NoticeCursor, [{"name": CURSOR, "seq": end}]))
            row = s.get(NoticeCursor, CURSOR)
            assert row is not None
        return row.seq

    def unread(self, limit: int = 200) -> list[ChainEntry]:
        """The entries past the cursor, oldest first, at most `limit`."""
        with self.session.begin() as s:
            after = self._cursor(s)
            rows = s.scalars(
                select(Audit)
                .where(Audit.seq.is_not(None), Audit.seq > after)
                .order_by(Audit.seq)
                .limit(limit)
            )
            return [
                ChainEntry(r.seq or 0, aware(r.at), r.actor, r.action, r.target, r.result, r.detail)
                for r in rows
            ]

    def owe(self, read_to: int, notices: Iterable[tuple[int, str, str, dict[str, Any]]]) -> int:
        """Records the notices raised by the entries up to `read_to` ((seq, event, recipient, payload) each) and
        moves the cursor there, in one transaction; those owed already are left as they are. The count new."""
        now = self.clock()
        rows = [
            {
                "seq": seq,
                "event": event,
                "recipient": recipient,
                "payload": payload,
                "status": NoticeStatus.queued,
                "attempts": 0,
                "due_at": now,
            }
            for seq, event, recipient, payload in notices
        ]
        with self.session.begin() as s:
            self._cursor(s)
            added = int(getattr(s.execute(self._ignoring(Notice, rows)), "rowcount", 0)) if rows else 0
            s.execute(
                update(NoticeCursor)
                .where(NoticeCursor.name == CURSOR, NoticeCursor.seq < read_to)
                .values(seq=read_to)
            )
        return max(added, 0)

    def _ignoring(self, table: type[Notice] | type[NoticeCursor], rows: Sequence[dict[str, Any]]) -> Any:
        if self.engine.dialect.name == "postgresql":
            return pg_insert(table).values(list(rows)).on_conflict_do_nothing()
        if self.engine.dialect.name == "sqlite":
            return sqlite_insert(table).values(list(rows)).on_conflict_do_nothing()
        return insert(table).values(list(rows))

    # sending -------------------------------------------------------------------------------------------------
    def claim_due(self, limit: int = 50) -> list[Owed]:
        """Claims up to `limit` notices due now (and those whose sender has been silent past CLAIM_TIMEOUT)."""
        now = self.clock()
        with self.session() as s:
            candidates = list(
                s.scalars(
                    select(Notice)
                    .where(
                        ((Notice.status == NoticeStatus.queued) & (Notice.due_at <= now))
                        | (
                            (Notice.status == NoticeStatus.sending)
                            & (Notice.claimed_at <= now - CLAIM_TIMEOUT)
                        )
                    )
                    .order_by(Notice.id)
                    .limit(limit)
                )
            )
        claimed: list[Owed] = []
        for n in candidates:
            with self.engine.begin() as conn:
                won = conn.execute(
                    update(Notice)
                    .where(Notice.id == n.id, Notice.status == n.status, Notice.attempts == n.attempts)
                    .values(status=NoticeStatus.sending, claimed_at=now, attempts=n.attempts + 1)
                ).rowcount
            if won:
                claimed.append(Owed(n.id, n.seq, n.event, n.recipient, dict(n.payload), n.attempts + 1))
        return claimed

    def sent(self, id_: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(Notice)
                .where(Notice.id == id_)
                .values(status=NoticeStatus.sent, sent_at=self.clock(), error=None)
            )

    def not_sent(self, owed: Owed, error: str) -> str:
        """A try that failed: queued again after a pause, or given up after MAX_ATTEMPTS. The new status."""
        status = NoticeStatus.failed if owed.attempts >= MAX_ATTEMPTS else NoticeStatus.queued
        with self.engine.begin() as conn:
            conn.execute(
                update(Notice)
                .where(Notice.id == owed.id)
                .values(status=status, due_at=self.clock() + pause_after(owed.attempts), error=error[:2000])
            )
        return status

    def retry(self, id_: int, actor: str) -> bool:
        """A given-up notice queued again now, its tries counted afresh, audited `notice.retry` (in the same
        transaction); False when it is not given up (sent, or still being tried)."""
        now = self.clock()
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(Notice)
                .where(Notice.id == id_, Notice.status == NoticeStatus.failed)
                .values(status=NoticeStatus.queued, attempts=0, due_at=now, claimed_at=None)
            ).rowcount
            if changed:
                audit_chain.append(
                    conn, at=now, actor=actor, action="notice.retry", target=f"notice {id_}", result="queued"
                )
        return bool(changed)

    # looking -------------------------------------------------------------------------------------------------
    def count(self, status: str, tried: bool = False) -> int:
        """How many notices have `status` (with `tried`, only those tried at least once)."""
        query = select(func.count()).select_from(Notice).where(Notice.status == status)
        if tried:
            query = query.where(Notice.attempts > 0)
        with self.session() as s:
            return int(s.scalar(query) or 0)

    def list(self, status: str | None = None, limit: int = 200, tried: bool = False) -> list[NoticeRow]:
        """The newest notices first; with `tried`, only those tried at least once."""
        query = select(Notice).order_by(Notice.id.desc()).limit(limit)
        if status:
            query = query.where(Notice.status == status)
        if tried:
            query = query.where(Notice.attempts > 0)
        with self.session() as s:
            return [
                NoticeRow(
                    n.id,
                    n.seq,
                    n.event,
                    n.recipient,
                    n.status,
                    n.attempts,
                    aware(n.due_at),
                    aware(n.sent_at) if n.sent_at else None,
                    n.error,
                    dict(n.payload or {}),
                )
                for n in s.scalars(query)
            ]
