"""Fencing tokens: a runner that lost its wave's lease (frozen past its staleness, cut off from the store, a VM
paused) and woke up again can write nothing more.

Every take and takeover of a wave record's lease raises the record's token by one in the same transaction
(`bump`); the runner keeps the token it got (`Fence`), and every state write of its run (a step begun or ended, a
system's or the wave's state, a run's events, figures and audit entries) first checks it in its own transaction
(`check`): an UPDATE of the token row that names the token, so on PostgreSQL it takes the row's lock until the
write commits (a takeover waits for it, or the write finds the new token) and on SQLite the write lock. A stale
token raises `Fenced` and the transaction, with whatever it would have written, is rolled back. As Kleppmann's
fencing tokens, and etcd's and ZooKeeper's leases.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import Connection, insert, select, update

from .schema import FenceToken


@dataclass(frozen=True)
class Fence:
    """The token a runner holds on a record; `revoke()` when it learned otherwise that it lost it (its queue claim
    was taken over, its lease's heartbeat found another holder): every write is then refused without asking."""

    record: str
    token: int
    revoked: threading.Event = field(default_factory=threading.Event, compare=False, repr=False)

    def revoke(self) -> None:
        self.revoked.set()


class Fenced(Exception):
    """A write of a runner whose token is stale: refused, nothing of it written."""

    def __init__(self, record: str, token: int, current: int | None) -> None:
        now = "-" if current is None else str(current)
        self.record, self.token, self.current = record, token, current
        self.zh = (
            f"批次 {record} 已由其他执行器接管（本执行器的令牌 {token} 已过期，当前令牌 {now}）："
            "本执行器立即停止，不再写入任何状态，不回退任何系统，不终止新持有者的任何进程"
        )
        self.en = (
            f"wave {record} was taken over by another runner (this runner's token {token} is stale, the "
            f"current one is {now}): this runner stops at once, writes no more state, rolls nothing back and "
            "kills nothing of the new holder's"
        )
        super().__init__(self.en)


def bump(conn: Connection, record: str, owner: str) -> int:
    """The record's next token, now `owner`'s (inside the transaction that takes the lease)."""
    token = conn.execute(
        update(FenceToken)
        .where(FenceToken.record == record)
        .values(token=FenceToken.token + 1, owner=owner, stale_after=None)
        .returning(FenceToken.token)
    ).scalar()
    if token is None:  # the record's first lease ever: the lease's own primary key let only this one get here
        conn.execute(insert(FenceToken).values(record=record, token=1, owner=owner))
        token = 1
    return int(token)


def current(conn: Connection, record: str) -> int | None:
    found = conn.execute(select(FenceToken.token).where(FenceToken.record == record)).scalar()
    return None if found is None else int(found)


def check(conn: Connection, fence: Fence) -> None:
    """Raises Fenced unless `fence` is the record's current token; else holds the token's row (PostgreSQL) or the
    write lock (SQLite) until the caller's transaction ends. Call it first in the transaction."""
    if fence.revoked.is_set():
        raise Fenced(fence.record, fence.token, None)
    same = conn.execute(
        update(FenceToken)
        .where(FenceToken.record == fence.record, FenceToken.token == fence.token)
        .values(token=FenceToken.token)
    ).rowcount
    if not same:
        raise Fenced(fence.record, fence.token, current(conn, fence.record))
